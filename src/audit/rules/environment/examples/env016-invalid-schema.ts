/** Examples of ENV016, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // conda's MatchSpec takes spaces around a version operator.
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python >= 3.8\n  - numpy >=1.26, <2\n',
      },
    },
    {
      files: {
        'environment.yml':
          "name: app\nchannels:\n  - conda-forge\nvariables:\n  OMP_NUM_THREADS: '1'\ndependencies:\n  - python=3.11\n  - numpy[version='>=1.26']\n  - https://conda.anaconda.org/conda-forge::scipy\n  - pip\n  - pip:\n      - requests==2.32.3\n",
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - 42\nvariables:\n  - A=1\ndependencies:\n  - python=3.11\n  -\n  - numpy@1.26\n',
      },
      lines: [4, 5, 9, 10],
      columns: [5, 1, 4, 5],
    },
    {
      files: { 'environment.yml': 'name: app\nchannels:\n  - conda-forge\n' },
      lines: [1],
      columns: [1],
    },
  ],
};
