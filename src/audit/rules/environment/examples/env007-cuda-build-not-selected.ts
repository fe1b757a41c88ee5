/** Examples of ENV007, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SPEC =
  'version: 1\nmodels:\n  serve:\n    torch: "2.6"\n    cuda: "12.6"\n    source: conda-forge\n';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
        'envgen.yaml': SPEC,
      },
    },
    {
      files: {
        'environment.yml':
          'name: cpu\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch=2.6\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0\n',
        'envgen.yaml': SPEC,
      },
      lines: [7],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch>=2.5\n  - cuda-version=12.4\n',
      },
      lines: [6],
      columns: [5],
    },
  ],
};
