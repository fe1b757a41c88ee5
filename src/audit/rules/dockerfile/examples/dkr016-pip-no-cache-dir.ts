/** Examples of DKR016, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: 'FROM python:3.11.9-slim\nRUN pip install --no-cache-dir "torch==2.4.1"\n',
      },
    },
    {
      // The cache mount keeps the cache out of the layer.
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    python -m pip install "torch==2.4.1"\n',
      },
    },
    {
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip3 install "torch==2.4.1"\n',
      },
    },
    {
      // Only the final image counts: the builder is only COPY --from'ed.
      files: {
        Dockerfile: [
          'FROM python:3.11.9-slim AS build',
          'RUN pip install --prefix /install "torch==2.4.1"',
          'FROM python:3.11.9-slim',
          'COPY --from=build /install /usr/local',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM python:3.11.9-slim\nRUN apt-get update \\\n    && pip install "torch==2.4.1"\n',
      },
      lines: [3],
      columns: [8],
      fixed:
        'FROM python:3.11.9-slim\nRUN apt-get update \\\n    && pip install --no-cache-dir "torch==2.4.1"\n',
    },
    {
      // A builder the final stage is built FROM ships its layers.
      files: {
        Dockerfile: [
          'FROM python:3.11.9-slim AS base',
          'RUN /opt/env/bin/pip install "numpy==1.26.4" && conda run -n app pip install "flask==3.0.3"',
          'FROM base',
          'CMD ["python"]',
          '',
        ].join('\n'),
      },
      lines: [2, 2],
      columns: [5, 49],
      fixed: [
        'FROM python:3.11.9-slim AS base',
        'RUN /opt/env/bin/pip install --no-cache-dir "numpy==1.26.4" && conda run -n app pip install --no-cache-dir "flask==3.0.3"',
        'FROM base',
        'CMD ["python"]',
        '',
      ].join('\n'),
    },
  ],
};
