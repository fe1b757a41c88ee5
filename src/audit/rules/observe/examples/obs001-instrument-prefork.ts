/** Examples of OBS001, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const POST_FORK_SDK = `from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter


def post_fork(server, worker):
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
`;

export const examples: RuleExamples = {
  valid: [
    {
      // uvicorn spawns its workers; each inherits opentelemetry-instrument's sitecustomize.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["opentelemetry-instrument", "uvicorn", "app.main:app", "--workers", "4"]\n',
      },
    },
    {
      // The config's post_fork starts the SDK in each worker.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["opentelemetry-instrument", "gunicorn", "-c", "/app/gunicorn.conf.py", "app:app"]\n',
        'gunicorn.conf.py': POST_FORK_SDK,
      },
    },
    {
      // post_fork calls a project function, in another module, that starts the SDK.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD opentelemetry-instrument gunicorn -w 4 app:app\n',
        'gunicorn.conf.py':
          'from app.telemetry import start\n\n\ndef post_fork(server, worker):\n    server.log.info("worker %s", worker.pid)\n    start(worker.pid)\n',
        'app/telemetry.py':
          'from opentelemetry.sdk.trace import TracerProvider\n\n\ndef start(pid):\n    return TracerProvider()\n',
      },
    },
    {
      // No opentelemetry-instrument: nothing starts the SDK in the master.
      files: {
        'envgen.yaml':
          'version: 1\nmodels:\n  ranker:\n    torch: "2.4"\n    cuda: "12.4"\n    serve:\n      command: ["gunicorn", "-w", "4", "app:app"]\n      port: 8080\n',
      },
    },
    {
      // A generated Dockerfile is judged on its own CMD, not through the spec's command.
      files: {
        'envgen.yaml':
          'version: 1\nmodels:\n  ranker:\n    torch: "2.4"\n    cuda: "12.4"\n    serve:\n      command: ["opentelemetry-instrument", "gunicorn", "-w", "4", "app:app"]\n      port: 8080\n',
        'envs/ranker/Dockerfile':
          'FROM python:3.12-slim\nCMD ["gunicorn", "-c", "/opt/svc/gunicorn.conf.py", "app:app"]\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENTRYPOINT ["opentelemetry-instrument", "--traces_exporter", "otlp", "gunicorn", "-b", "0.0.0.0:8000", "-w", "4", "app:app"]\n',
      },
      lines: [2],
      columns: [1],
    },
    {
      // The config has a post_fork, but it only logs.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nCMD ["sh", "-c", "exec poetry run opentelemetry-instrument gunicorn -c gunicorn.conf.py app:app"]\n',
        'gunicorn.conf.py':
          'workers = 4\n\n\ndef post_fork(server, worker):\n    server.log.info("Worker spawned (pid: %s)", worker.pid)\n',
      },
      lines: [2],
    },
    {
      // An entrypoint script runs it; gunicorn with uvicorn's worker class forks too.
      files: {
        Dockerfile: 'FROM python:3.12-slim\nCOPY docker/start.sh /start.sh\nCMD ["/start.sh"]\n',
        'docker/start.sh':
          '#!/bin/sh\nset -e\nexec opentelemetry-instrument \\\n  gunicorn -k uvicorn.workers.UvicornWorker -w 2 app.main:app\n',
      },
      lines: [3],
    },
    {
      files: {
        'envgen.yaml':
          'version: 1\nmodels:\n  ranker:\n    torch: "2.4"\n    cuda: "12.4"\n    serve:\n      command: ["opentelemetry-instrument", "gunicorn", "-w", "4", "app:app"]\n      port: 8080\n',
      },
      lines: [7],
      columns: [16],
    },
  ],
};
