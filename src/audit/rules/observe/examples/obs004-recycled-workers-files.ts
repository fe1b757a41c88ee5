/** Examples of OBS004, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const DOCKERFILE =
  'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n';

const SWEEP = `import glob
import os

from prometheus_client import multiprocess

max_requests = 1000


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
    fold_dead_files(worker.pid)


def fold_dead_files(pid):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for path in glob.glob(os.path.join(folder, f"*_{pid}.db")):
        archive(path)
        os.remove(path)


def archive(path):
    pass
`;

export const examples: RuleExamples = {
  valid: [
    {
      // The dead workers' files are folded and removed.
      files: { 'gunicorn.conf.py': SWEEP, Dockerfile: DOCKERFILE },
    },
    {
      // No multiprocess mode: nothing is written per worker.
      files: {
        'gunicorn.conf.py': 'max_requests = 1000\nmax_requests_jitter = 50\n',
      },
    },
    {
      // A rate limiter's max_requests, in a module that is no gunicorn config.
      files: {
        'app/limits.py': 'max_requests = 100\nwindow_seconds = 60\n',
        Dockerfile: DOCKERFILE,
      },
    },
    {
      // No recycling.
      files: {
        'gunicorn.conf.py':
          'import os\n\nmax_requests = int(os.environ.get("MAX_REQUESTS", "0"))\n',
        Dockerfile: DOCKERFILE,
      },
    },
  ],
  invalid: [
    {
      // mark_process_dead alone leaves the counter and histogram files.
      files: {
        'gunicorn.conf.py':
          'from prometheus_client import multiprocess\n\nmax_requests = 1000\n\n\ndef child_exit(server, worker):\n    multiprocess.mark_process_dead(worker.pid)\n',
        Dockerfile: DOCKERFILE,
      },
      lines: [3],
      columns: [1],
    },
    {
      // No child_exit at all.
      files: {
        'gunicorn.conf.py': 'workers = 4\nmax_requests: int = 500\n',
        'deploy/compose.yaml':
          'services:\n  api:\n    environment:\n      PROMETHEUS_MULTIPROC_DIR: /tmp/metrics\n',
      },
      lines: [2],
    },
    {
      // On the command line, with the config's child_exit not cleaning up.
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "--max-requests", "2000", "app:app"]\n',
        'gunicorn.conf.py':
          'from prometheus_client import multiprocess\n\n\ndef child_exit(server, worker):\n    multiprocess.mark_process_dead(worker.pid)\n',
      },
      lines: [3],
    },
    {
      // In GUNICORN_CMD_ARGS, which gunicorn splits as a shell would ("2000" is 2000).
      files: {
        Dockerfile:
          'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nENV GUNICORN_CMD_ARGS=\'--workers 4 --max-requests "2000"\'\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n',
        'gunicorn.conf.py':
          'from prometheus_client import multiprocess\n\n\ndef child_exit(server, worker):\n    multiprocess.mark_process_dead(worker.pid)\n',
      },
      lines: [4],
    },
  ],
};
