/** Examples of ENV014, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\ndependencies:\n  - python=3.11\n  - pip=24.2\n  - pip:\n      - requests==2.32.3\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\ndependencies:\n  - python=3.11\n  - pip:\n      - requests==2.32.3\n',
      },
      lines: [4],
      columns: [5],
      fixed:
        'name: app\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - requests==2.32.3\n',
    },
  ],
};
