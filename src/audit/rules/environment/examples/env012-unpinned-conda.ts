/** Examples of ENV012, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.11,<3.12\n  - numpy<2\n  - numpy\n  - pytorch=2.6.0=cuda126*\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3\n  - pytorch=*=cuda*\n  - flask\n  - numpy=1.26\n',
      },
      lines: [5, 6, 7],
      columns: [5, 5, 5],
    },
  ],
};
