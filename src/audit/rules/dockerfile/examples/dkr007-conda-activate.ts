/** Examples of DKR007, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'ENV PATH=/opt/conda/envs/app/bin:$PATH',
          'RUN . /opt/conda/etc/profile.d/conda.sh && conda activate app && python -c "import torch"',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'SHELL ["/bin/bash", "--login", "-c"]',
          'RUN conda init bash && conda activate app && pip install --no-cache-dir requests==2.32.3',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN conda activate app',
          'RUN pip install --no-cache-dir requests==2.32.3',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
    },
    {
      files: {
        Dockerfile: [
          'FROM continuumio/miniconda3:25.3.1-1',
          'RUN echo start && \\',
          '    source activate app',
          'RUN conda activate app && pip install --no-cache-dir torch==2.4.1',
        ].join('\n'),
      },
      lines: [3, 4],
      columns: [5, 5],
    },
  ],
};
