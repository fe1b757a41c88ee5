/** Examples of DKR002, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda install --yes -c conda-forge numpy=1.26 && conda clean -afy',
        ].join('\n'),
      },
    },
    {
      // ToS accepted explicitly (an organisational decision DKR002 leaves to the user).
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1',
          'RUN conda tos accept --override-channels --channel https://repo.anaconda.com/pkgs/main \\',
          '    && conda install --yes numpy=1.26 && conda clean -afy',
        ].join('\n'),
      },
    },
    {
      // The environment file excludes the image's defaults.
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1 AS build',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env',
        ].join('\n'),
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1',
          'RUN conda install --yes -c conda-forge numpy=1.26 && conda clean -afy',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create --yes -f /tmp/environment.yml \\',
          '    && conda clean -afy',
        ].join('\n'),
        'environment.yml': 'name: app\nchannels:\n  - defaults\ndependencies:\n  - python=3.11\n',
      },
      lines: [3],
      columns: [5],
    },
  ],
};
