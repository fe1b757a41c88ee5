/** Examples of DKR017, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nRUN pip install --no-cache-dir "torch==2.4.1" "transformers>=4.35,<5" ./wheels/app-1.0-py3-none-any.whl\n',
      },
    },
    {
      // The requirements file is read through the COPY that brings it in: every entry is pinned.
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n',
        'requirements.txt': '# pinned\ntorch==2.4.1\nnumpy==1.26.4 ; python_version < "3.13"\n',
      },
    },
    {
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nRUN pip install --no-cache-dir -c constraints.txt torch\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nRUN pip install --no-cache-dir \\\n      --extra-index-url https://download.pytorch.org/whl/cu121 torch\n',
      },
      lines: [2],
      columns: [5],
    },
    {
      files: {
        Dockerfile: [
          'FROM python:3.11.9-slim',
          'WORKDIR /app',
          'COPY . /app',
          'RUN python -m pip install --no-cache-dir -r /app/requirements.txt',
          '',
        ].join('\n'),
        'requirements.txt': 'torch==2.4.1\nfastapi\n',
      },
      lines: [4],
      columns: [5],
    },
  ],
};
