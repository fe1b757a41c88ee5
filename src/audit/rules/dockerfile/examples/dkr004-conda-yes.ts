/** Examples of DKR004, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda install -qy numpy=1.26 && conda clean -afy',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'ENV CONDA_ALWAYS_YES=true',
          'RUN conda create -n app python=3.11 && conda clean -afy',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda install -c conda-forge numpy=1.26 \\',
          '    && conda clean -afy',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
      fixed: [
        'FROM condaforge/miniforge3:25.3.0-1',
        'RUN conda install --yes -c conda-forge numpy=1.26 \\',
        '    && conda clean -afy',
      ].join('\n'),
    },
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8',
          'RUN micromamba create -n app -c conda-forge python=3.11 \\',
          '    && micromamba install -n app -y pip=24.2 && micromamba clean --all --yes',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
      fixed: [
        'FROM mambaorg/micromamba:1.5.8',
        'RUN micromamba create --yes -n app -c conda-forge python=3.11 \\',
        '    && micromamba install -n app -y pip=24.2 && micromamba clean --all --yes',
      ].join('\n'),
    },
  ],
};
