/** Examples of DKR011, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'ARG BASE',
          'FROM $BASE AS tool',
          'FROM condaforge/miniforge3@sha256:1e4c9a6b2f4b5d0c0e37c39d5bd9e8e1b8f5b7e8f7d1a0c3e2b4f6a8c9d0e1f2 AS build',
          'FROM build',
          'COPY --from=tool /bin/tool /bin/tool',
        ].join('\n'),
      },
    },
    {
      files: { Dockerfile: ['FROM scratch', 'COPY app /app'].join('\n') },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8 AS build',
          'FROM docker.io/library/debian',
          'COPY --from=build /opt/conda /opt/conda',
        ].join('\n'),
      },
      lines: [2],
      columns: [6],
    },
    {
      files: { Dockerfile: ['ARG BASE=condaforge/miniforge3', 'FROM $BASE'].join('\n') },
      lines: [2],
      columns: [6],
    },
  ],
};
