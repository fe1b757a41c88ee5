/** Examples of DKR001, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create --yes --file /tmp/environment.yml && conda clean -afy',
        ].join('\n'),
      },
    },
    {
      // envgen's own layout: Miniconda only in the build stage, defaults excluded by nodefaults.
      files: {
        'envs/app/Dockerfile': [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'COPY envs/app/environment.yml /tmp/envgen/environment.yml',
          'RUN --mount=type=cache,target=/opt/conda/pkgs,sharing=locked \\',
          '    conda env create --yes --file /tmp/envgen/environment.yml --prefix /opt/env',
          'FROM debian:12.11-slim AS runtime',
          'COPY --from=build /opt/env /opt/env',
          'USER 10001',
          'CMD ["/opt/env/bin/python", "-m", "app"]',
        ].join('\n'),
        'envs/app/environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1',
          'RUN conda install -y -c conda-forge numpy=1.26 && conda clean -afy',
        ].join('\n'),
      },
      lines: [1],
      columns: [6],
    },
    {
      // The build stage's environment file does not exclude defaults.
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env',
          'FROM debian:12.11-slim',
          'COPY --from=build /opt/env /opt/env',
        ].join('\n'),
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
      },
      lines: [1],
      columns: [6],
    },
    {
      files: {
        Dockerfile: [
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04',
          'RUN curl -fsSLo /tmp/m.sh https://repo.anaconda.com/miniconda/Miniconda3-py311_24.7.1-0-Linux-x86_64.sh \\',
          '    && bash /tmp/m.sh -b -p /opt/conda',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
    },
  ],
};
