/** Examples of DKR022, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SERVICE_SPEC = (command: string) =>
  [
    'version: 1',
    'models:',
    '  chat:',
    '    torch: "2.1"',
    '    python: "3.11"',
    '    cuda: "11.8"',
    '    serve:',
    `      command: ${command}`,
    '      port: 8080',
    '',
  ].join('\n');

export const examples: RuleExamples = {
  valid: [
    {
      // envgen's own output for a served model (trimmed).
      files: {
        'envs/chat/Dockerfile': [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'RUN conda env create --yes --file /tmp/envgen/environment.yml --prefix /opt/env',
          'FROM debian:12.11-slim AS runtime',
          'COPY --from=build /opt/env /opt/env',
          'USER app',
          'EXPOSE 8080',
          'HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\',
          '    CMD ["/opt/env/bin/python","-c","import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8080/healthz\', timeout=4)"]',
          'CMD ["/opt/env/bin/gunicorn","-b","0.0.0.0:8080","app:app"]',
          '',
        ].join('\n'),
        'envgen.yaml': SERVICE_SPEC('[gunicorn, -b, "0.0.0.0:8080", "app:app"]'),
      },
    },
    {
      // A batch image: nothing exposed, no serve: section.
      files: {
        Dockerfile:
          'FROM debian:12.11-slim\nCOPY job.py /app/job.py\nCMD ["python", "/app/job.py"]\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'FROM debian:12.11-slim AS runtime',
          'EXPOSE 9000',
          'CMD ["/opt/env/bin/python","-m","server"]',
          '',
        ].join('\n'),
      },
      lines: [2],
      columns: [1],
    },
    {
      // No EXPOSE, but envgen.yaml says the model serves.
      files: {
        'envs/chat/Dockerfile':
          'FROM debian:12.11-slim\nCMD ["/opt/env/bin/python","-m","server"]\n',
        'envgen.yaml': SERVICE_SPEC('[python, -m, server]'),
      },
      lines: [1],
      columns: [1],
    },
  ],
};
