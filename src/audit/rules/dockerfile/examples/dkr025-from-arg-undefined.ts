/** Examples of DKR025, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'ARG CUDA_VERSION=12.4.1',
          'ARG VARIANT',
          'ARG OS',
          `FROM --platform=$BUILDPLATFORM nvidia/cuda:\${CUDA_VERSION}-runtime-ubuntu22.04\${VARIANT} AS base`,
          `FROM nvidia/cuda:12.4.1-base-\${OS:-ubuntu22.04}`,
          'ARG CUDA_VERSION',
          `ENV CUDA=\${CUDA_VERSION} PATH=/opt/env/bin:$PATH`,
          '',
        ].join('\n'),
      },
    },
    {
      // envgen's own Dockerfiles use no ARGs; $PATH comes from the base image.
      files: {
        'envs/chat/Dockerfile': [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'ENV CONDA_OVERRIDE_CUDA=11.8',
          'FROM debian:12.11-slim AS runtime',
          'COPY --from=build /opt/env /opt/env',
          'ENV PATH=/opt/env/bin:$PATH \\',
          '    PYTHONUNBUFFERED=1',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'ARG TAG',
          `FROM nvidia/cuda:\${CUDA_VERSION}-runtime-ubuntu22.04 AS build`,
          `FROM condaforge/miniforge3:\${TAG}`,
          '',
        ].join('\n'),
      },
      lines: [2, 3],
      columns: [18, 28],
    },
    {
      files: {
        Dockerfile: [
          'ARG MODEL=sentiment',
          'FROM debian:12.11-slim',
          `COPY envs/\${MODEL}/environment.yml /tmp/environment.yml`,
          `LABEL app.home=\${APP_HOME}`,
          'ENV APP_HOME=/srv/app',
          '',
        ].join('\n'),
      },
      lines: [3, 4],
      columns: [11, 16],
    },
  ],
};
