/** Examples of ENV020, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nvariables:\n  OMP_NUM_THREADS: "4"\n  HF_HOME: /models\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nvariables:\n  HF_TOKEN: hf_abcdefghijklmnop\n  OMP_NUM_THREADS: "4"\n  DB_PASSWORD: hunter2\ndependencies:\n  - python=3.11\n',
      },
      lines: [3, 5],
      columns: [3, 3],
    },
  ],
};
