/** Examples of ENV015, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\nvariables:\n  OMP_NUM_THREADS: "1"\ndependencies:\n  - python=3.11\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannel_priority: strict\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\npip:\n  - requests==2.32.3\n',
      },
      lines: [2, 7],
      columns: [1, 1],
    },
  ],
};
