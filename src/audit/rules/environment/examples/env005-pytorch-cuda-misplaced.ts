/** Examples of ENV005, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n  - pytorch==2.5.1\n  - pytorch-cuda=12.4\n',
      },
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6\n  - pytorch-cuda=12.4\n',
      },
      lines: [8],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - pytorch==2.4.1\n  - pytorch-cuda=12.1\n',
      },
      lines: [7],
      columns: [5],
    },
  ],
};
