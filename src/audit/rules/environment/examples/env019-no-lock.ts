/** Examples of ENV019, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
        'conda-lock.yml': 'version: 1\nmetadata: {}\npackage: []\n',
      },
    },
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
        'envs/serve/spec-file.txt':
          '# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/python-3.11.9-hb806964_0_cpython.conda\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          '# my service\nname: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
      },
      lines: [5],
      columns: [1],
    },
    {
      files: {
        'envs/serve/environment.yml': 'name: serve\ndependencies:\n  - python=3.11\n',
        'envs/serve/spec-file.txt': 'numpy==1.26.4\n',
      },
      lines: [2],
      columns: [1],
    },
  ],
};
