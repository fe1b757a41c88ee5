/** Examples of ENV010, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SPEC = 'version: 1\nmodels:\n  serve:\n    torch: "2.6"\n    cuda: "12.6"\n    source: pip\n';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.13\n  - pip\n  - pip:\n      - --extra-index-url https://download.pytorch.org/whl/cu126\n      - torch==2.6.0+cu126\n',
        'envgen.yaml': SPEC,
      },
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pip\n  - pip:\n      - torch==2.6.0\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.13\n  - pip\n  - pip:\n      - torch==2.6.0\n',
        'envgen.yaml': SPEC,
      },
      lines: [9],
      columns: [9],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pip\n  - pip:\n      - torch==2.6.0+cu126\n      - torchvision==0.21.0+cu126\n',
      },
      lines: [7, 8],
      columns: [9, 9],
    },
  ],
};
