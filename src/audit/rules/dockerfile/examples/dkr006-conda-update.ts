/** Examples of DKR006, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env update -n base -f /tmp/environment.yml && conda clean -afy',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda update -y conda \\',
          '    && conda update -y --all \\',
          '    && conda clean -afy',
        ].join('\n'),
      },
      lines: [2, 3],
      columns: [5, 8],
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN mamba update -y -n base numpy',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
    },
  ],
};
