/** Examples of DKR014, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // Root only in the build stage, as envgen's micromamba build stage does.
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8 AS build',
          'USER root',
          'FROM debian:12.11-slim AS runtime',
          'RUN useradd --system --uid 10001 app',
          'USER app',
          'CMD ["/opt/env/bin/python", "-m", "server"]',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: ['FROM mambaorg/micromamba:1.5.8', 'CMD ["python", "-m", "server"]'].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS base',
          'USER app',
          'FROM base',
          'USER 0:0',
          'CMD ["python", "-m", "server"]',
        ].join('\n'),
      },
      lines: [4],
      columns: [1],
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'USER app',
          'FROM debian:12.11-slim',
          'CMD ["python", "-m", "server"]',
        ].join('\n'),
      },
      lines: [3],
      columns: [6],
    },
  ],
};
