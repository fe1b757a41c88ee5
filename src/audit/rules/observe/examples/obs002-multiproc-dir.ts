/** Examples of OBS002, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // Read, not written.
      files: {
        'app/metrics.py':
          'import os\n\nfrom prometheus_client import CollectorRegistry, multiprocess\n\nregistry = CollectorRegistry()\nmultiprocess.MultiProcessCollector(registry, os.environ["PROMETHEUS_MULTIPROC_DIR"])\n',
      },
    },
    {
      // Tests set it for their own processes.
      files: {
        'tests/conftest.py':
          'import os\n\nos.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/test-metrics"\n',
      },
    },
    {
      // Comments and docstrings are not code.
      files: {
        'gunicorn.conf.py':
          '"""\nos.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/m" is what not to do.\n"""\n# os.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/m"\nmax_requests = 0\n',
      },
    },
    {
      // Set in the image and emptied by the entrypoint before the server starts.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["gunicorn", "-w", "4", "app:app"]\n',
        'entrypoint.sh':
          '#!/bin/sh\nset -e\nrm -rf "$PROMETHEUS_MULTIPROC_DIR"\nmkdir -p "$PROMETHEUS_MULTIPROC_DIR"\nexec "$@"\n',
      },
    },
    {
      // Emptied by the gunicorn config's on_starting, in the master, before any worker starts.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
        'gunicorn.conf.py':
          'import os\nimport shutil\n\n\ndef on_starting(server):\n    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]\n    shutil.rmtree(path, ignore_errors=True)\n    os.makedirs(path)\n',
      },
    },
    {
      // Emptied by the shell of the CMD itself.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR /var/run/metrics\nCMD ["sh", "-c", "find /var/run/metrics -mindepth 1 -delete; exec gunicorn app:app"]\n',
      },
    },
    {
      // The base image's entrypoint script, not in the repository, may empty it: not judged.
      files: {
        Dockerfile:
          'FROM tiangolo/uvicorn-gunicorn:python3.11\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["/start.sh"]\n',
      },
    },
    {
      // A base image: it starts nothing.
      files: { Dockerfile: 'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\n' },
    },
  ],
  invalid: [
    {
      files: {
        'app/settings.py':
          'import os\nimport tempfile\n\nos.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp()\nos.environ.setdefault(\'prometheus_multiproc_dir\', "/tmp/m")\n',
      },
      lines: [4, 5],
      columns: [1, 1],
    },
    {
      files: {
        'gunicorn.conf.py':
          'from os import environ, putenv\n\nputenv("PROMETHEUS_MULTIPROC_DIR", "/tmp/m")\nenviron.update(PROMETHEUS_MULTIPROC_DIR="/tmp/m")\n',
      },
      lines: [3, 4],
    },
    {
      // Set in the image, never emptied: a restarted container keeps the old files.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nRUN mkdir -p /tmp/metrics\nCMD ["gunicorn", "-w", "4", "app:app"]\n',
      },
      lines: [2],
      columns: [5],
    },
  ],
};
