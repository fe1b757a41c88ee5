/** Examples of ENV002, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
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
        'environment.yml':
          'name: app\nchannels: [pytorch, nvidia]\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
      },
      lines: [2],
      columns: [1],
      fixed:
        'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n',
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels: [pytorch, conda-forge]\ndependencies:\n  - python=3.11\n',
      },
      lines: [2],
      columns: [1],
      fixed:
        'name: app\nchannels: [pytorch, conda-forge, nodefaults]\ndependencies:\n  - python=3.11\n',
    },
  ],
};
