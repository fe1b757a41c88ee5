/** Examples of ENV003, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - defaults\ndependencies:\n  - python=3.11\n  - pkgs/main::numpy\n',
      },
      lines: [3, 6],
      columns: [5, 5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - https://conda.anaconda.org/anaconda/\n  - pytorch\ndependencies:\n  - python=3.11\n',
      },
      lines: [3],
      columns: [5],
    },
  ],
};
