/** Examples of ENV001, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n',
      },
    },
    {
      files: {
        'environment.yml': 'name: app\nchannels:\n  - defaults\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n  - python=3.11\n',
      },
      lines: [4],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - https://repo.anaconda.com/pkgs/main\n  - conda-forge\ndependencies:\n  - python=3.11\n  - anaconda::mkl\n',
      },
      lines: [3, 7],
      columns: [5, 5],
    },
  ],
};
