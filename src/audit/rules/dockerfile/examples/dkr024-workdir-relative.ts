/** Examples of DKR024, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'WORKDIR /app',
          'WORKDIR src',
          'RUN (cd /tmp && tar -xzf /tmp/a.tar.gz) && make -C /app/src',
          '',
        ].join('\n'),
      },
    },
    {
      // The absolute WORKDIR of the stage it is built FROM still holds.
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS base',
          'WORKDIR /app',
          'FROM base',
          'WORKDIR models',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'WORKDIR app',
          'RUN mkdir -p /opt/build \\',
          '    && cd /opt/build && make',
          '',
        ].join('\n'),
      },
      lines: [2, 4],
      columns: [1, 8],
    },
  ],
};
