/** Examples of OBS003, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const AT_FORK = `import os

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider


def _start():
    trace.set_tracer_provider(TracerProvider())


os.register_at_fork(after_in_child=_start)
`;

export const examples: RuleExamples = {
  valid: [
    {
      // One worker: nothing is spawned.
      files: {
        Dockerfile: 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--port", "8000"]\n',
        'app/telemetry.py': AT_FORK,
      },
    },
    {
      // gunicorn forks: its post_fork runs.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-w", "4", "app.main:app"]\n',
        'gunicorn.conf.py':
          'workers = 4\n\n\ndef post_fork(server, worker):\n    from app.telemetry import start\n    start()\n',
      },
    },
    {
      // Another model's gunicorn config, in its own folder, is not this service's.
      files: {
        'envs/ranker/Dockerfile':
          'FROM python:3.12-slim\nCMD ["uvicorn", "main:app", "--workers", "4"]\n',
        'envs/sentiment/gunicorn.conf.py':
          'workers = 4\n\n\ndef post_fork(server, worker):\n    from app.telemetry import start\n    start()\n',
      },
    },
    {
      // Several workers, but no fork hooks.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["opentelemetry-instrument", "uvicorn", "app.main:app", "--workers", "4"]\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--workers", "4"]\n',
        'app/telemetry.py': AT_FORK,
      },
      lines: [2],
      columns: [1],
    },
    {
      // WEB_CONCURRENCY is uvicorn's default worker count; the post_fork is gunicorn's, never run.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV WEB_CONCURRENCY=3\nCMD ["python", "-m", "uvicorn", "app.main:app"]\n',
        'gunicorn.conf.py':
          'bind = "0.0.0.0:8000"\n\n\ndef post_fork(server, worker):\n    from app.telemetry import start\n    start()\n',
      },
      lines: [3],
    },
    {
      files: {
        'envgen.yaml':
          'version: 1\nmodels:\n  ranker:\n    torch: "2.4"\n    cuda: "12.4"\n    serve:\n      command: ["uvicorn", "app.main:app", "--workers=2"]\n      port: 8080\n',
        'app/telemetry.py': AT_FORK,
      },
      lines: [7],
    },
  ],
};
