/** Examples of DKR028, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // envgen's own runtime stage (trimmed).
      files: {
        'envs/chat/Dockerfile': [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'FROM debian:12.11-slim AS runtime',
          'ENV PATH=/opt/env/bin:$PATH \\',
          '    PYTHONUNBUFFERED=1 \\',
          '    PYTHONDONTWRITEBYTECODE=1',
          'EXPOSE 8080',
          'CMD ["/opt/env/bin/gunicorn","-b","0.0.0.0:8080","app:app"]',
          '',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile:
          'FROM debian:12.11-slim\nEXPOSE 8000\nENTRYPOINT ["/opt/env/bin/python", "-u", "-m", "server"]\n',
      },
    },
    {
      // Not a service: no finding.
      files: { Dockerfile: 'FROM debian:12.11-slim\nCMD ["/opt/env/bin/python", "job.py"]\n' },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'FROM debian:12.11-slim',
          'EXPOSE 8000',
          'CMD ["/opt/env/bin/uvicorn", "main:app", "--port", "8000"]',
          '',
        ].join('\n'),
      },
      lines: [2],
      columns: [1],
      fixed: [
        'FROM continuumio/miniconda3:25.3.1-1 AS build',
        'FROM debian:12.11-slim',
        'EXPOSE 8000',
        'ENV PYTHONUNBUFFERED=1',
        'CMD ["/opt/env/bin/uvicorn", "main:app", "--port", "8000"]',
        '',
      ].join('\n'),
    },
  ],
};
