/** Examples of ENV004, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envs/legacy/environment.yml':
          'name: legacy\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.9\n  - pytorch==1.13.1\n  - pytorch-cuda=11.7\n',
        'envgen.yaml':
          'version: 1\nmodels:\n  legacy:\n    torch: "1.13"\n    python: "3.9"\n    cuda: "11.7"\n    source: pytorch\n',
      },
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pytorch==2.5.1\n  - pytorch-cuda=12.4\n',
      },
      lines: [3],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pytorch::torchvision=0.20\n',
      },
      lines: [5],
      columns: [5],
    },
  ],
};
