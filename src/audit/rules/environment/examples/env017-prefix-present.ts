/** Examples of ENV017, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [{ files: { 'environment.yml': 'name: app\ndependencies:\n  - python=3.11\n' } }],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\ndependencies:\n  - python=3.11\nprefix: /home/alice/miniconda3/envs/app\n',
      },
      lines: [4],
      columns: [1],
      fixed: 'name: app\ndependencies:\n  - python=3.11\n',
    },
  ],
};
