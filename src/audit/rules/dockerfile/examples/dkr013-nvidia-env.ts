/** Examples of DKR013, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1 AS build',
          'FROM debian:12.11-slim',
          'ENV NVIDIA_VISIBLE_DEVICES=all \\',
          '    NVIDIA_DRIVER_CAPABILITIES=compute,utility',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS base',
          'FROM base',
          'USER 10001',
        ].join('\n'),
      },
    },
    {
      // Nothing GPU about it.
      files: {
        Dockerfile: ['FROM debian:12.11-slim', 'USER app', 'CMD ["sleep", "1"]'].join('\n'),
      },
    },
  ],
  invalid: [
    {
      // Only the final stage counts: the build stage's ENV does not reach it.
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility',
          'FROM debian:12.11-slim',
          'ENV NVIDIA_DRIVER_CAPABILITIES=utility',
        ].join('\n'),
      },
      lines: [3],
      columns: [6],
      // No fix: an insertion after FROM would be undone by the ENV that drops `compute`.
      fixed: [
        'FROM debian:12.11-slim AS build',
        'ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility',
        'FROM debian:12.11-slim',
        'ENV NVIDIA_DRIVER_CAPABILITIES=utility',
      ].join('\n'),
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1 AS build',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create -y -f /tmp/environment.yml -p /opt/env',
          'FROM debian:12.11-slim',
          'COPY --from=build /opt/env /opt/env',
        ].join('\n'),
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pytorch=2.5.1=cuda126*\n  - cuda-version=12.6\n',
      },
      lines: [4],
      columns: [6],
      fixed: [
        'FROM condaforge/miniforge3:25.3.0-1 AS build',
        'COPY environment.yml /tmp/environment.yml',
        'RUN conda env create -y -f /tmp/environment.yml -p /opt/env',
        'FROM debian:12.11-slim',
        'ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility',
        'COPY --from=build /opt/env /opt/env',
      ].join('\n'),
    },
  ],
};
