/** Examples of DKR009, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'USER 10001',
          'CMD ["/opt/env/bin/gunicorn", "-b", "0.0.0.0:8080", "app:app"]',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'CMD . /opt/env/bin/activate && exec python -m server',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: ['FROM debian:12.11-slim', 'CMD /opt/env/bin/python -m server'].join('\n'),
      },
      lines: [2],
      columns: [1],
      fixed: ['FROM debian:12.11-slim', 'CMD ["/opt/env/bin/python", "-m", "server"]'].join('\n'),
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'CMD ["true"]',
          'FROM debian:12.11-slim',
          'ENTRYPOINT uvicorn main:app --port $PORT',
        ].join('\n'),
      },
      lines: [4],
      columns: [1],
      fixed: [
        'FROM debian:12.11-slim AS build',
        'CMD ["true"]',
        'FROM debian:12.11-slim',
        'ENTRYPOINT uvicorn main:app --port $PORT',
      ].join('\n'),
    },
  ],
};
