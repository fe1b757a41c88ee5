/** Examples of ENV011, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pytorch==2.5.1\n  - pytorch-cuda=12.4\n',
      },
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n  - cudnn\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - nvidia\n  - conda-forge\ndependencies:\n  - cuda-version=12.4\n  - cuda-runtime\n',
      },
      lines: [3],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - rapidsai\n  - pytorch\n  - nvidia\n  - conda-forge\ndependencies:\n  - cudf=24.10\n  - pytorch==2.5.1\n',
      },
      lines: [2],
      columns: [1],
    },
  ],
};
