/** Examples of DKR015, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'ENV HF_HOME=/models HF_TOKEN_PATH=/run/secrets/hf_token',
          'RUN --mount=type=secret,id=hf_token,env=HF_TOKEN python -m download',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'ARG HF_TOKEN',
          'FROM condaforge/miniforge3:25.3.0-1',
          'ARG WANDB_API_KEY=changeme',
          'ENV MODEL=bert \\',
          '    AWS_SECRET_ACCESS_KEY=abc',
        ].join('\n'),
      },
      lines: [1, 3, 5],
      columns: [5, 5, 5],
    },
  ],
};
