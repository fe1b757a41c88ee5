/** Examples of DKR020, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
          'RUN curl -fsSL https://example.com/install.sh | bash',
          '',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8',
          'RUN set -euo pipefail; micromamba env export | grep -v prefix > /tmp/env.yml',
          '',
        ].join('\n'),
      },
    },
    {
      // `||` is not a pipe; a pipe character inside quotes is not either.
      files: { Dockerfile: 'FROM debian:12.11-slim\nRUN test -d /opt || echo "a | b"\n' },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN apt-get update \\',
          '    && curl -fsSL https://example.com/install.sh | bash',
          '',
        ].join('\n'),
      },
      lines: [3],
      columns: [8],
    },
    {
      // SHELL does not carry over to a new FROM of another image.
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
          'RUN curl -fsSL https://example.com/a.tar.gz | tar -xz',
          'FROM debian:12.11-slim',
          'RUN curl -fsSL https://example.com/b.tar.gz | tar -xz',
          '',
        ].join('\n'),
      },
      lines: [5],
      columns: [5],
    },
  ],
};
