/** Examples of ENV009, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n      - --extra-index-url https://download.pytorch.org/whl/cu126\n      - torch==2.6.0+cu126\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0=cuda126*\n  - pip\n  - pip:\n      - transformers==4.48.0\n      - torchvision==0.21.0\n',
      },
      lines: [10],
      columns: [9],
    },
  ],
};
