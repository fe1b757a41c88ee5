/** Examples of DKR023, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const DOCKERIGNORE = ['.git', '.env', '.env.*', '**/*.pt', '**/*.safetensors', ''].join('\n');

export const examples: RuleExamples = {
  valid: [
    {
      // envgen's own runtime stage (trimmed), next to its .dockerignore.
      files: {
        'envs/chat/Dockerfile': [
          'FROM debian:12.11-slim AS runtime',
          'WORKDIR /app',
          'COPY --chown=app:app . /app',
          'USER app',
          '',
        ].join('\n'),
        '.dockerignore': DOCKERIGNORE,
      },
    },
    {
      files: {
        Dockerfile: 'FROM debian:12.11-slim\nCOPY app/ /app/app/\nCOPY --from=build / /\n',
      },
    },
  ],
  invalid: [
    {
      files: { Dockerfile: 'FROM debian:12.11-slim\nWORKDIR /app\nCOPY . .\n' },
      lines: [3],
      columns: [1],
    },
    {
      // A .dockerignore that re-includes .env does not protect it.
      files: {
        Dockerfile: 'FROM debian:12.11-slim\nCOPY ./ /app\n',
        '.dockerignore': '.git\n*.env\n!.env\n',
      },
      lines: [2],
      columns: [1],
    },
  ],
};
