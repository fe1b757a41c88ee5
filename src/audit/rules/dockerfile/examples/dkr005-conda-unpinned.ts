/** Examples of DKR005, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          "RUN conda install -y -c conda-forge python=3.11 'numpy>=1.26,<2' conda-forge::pip=24.2 && conda clean -afy",
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8',
          'COPY env.yaml /tmp/env.yaml',
          'RUN micromamba install -y -n base -f /tmp/env.yaml && micromamba clean --all --yes',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda create -y -n app python=3.11 \\',
          '    && conda install -y -n app -c conda-forge numpy pytorch::pytorch \\',
          '    && conda clean -afy',
        ].join('\n'),
      },
      lines: [3],
      columns: [8],
    },
  ],
};
