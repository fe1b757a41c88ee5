/** Examples of ENV008, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SPEC =
  'version: 1\nmodels:\n  serve:\n    torch: "2.5"\n    cuda: "12.4"\n    source: pytorch\n';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: cpu\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - pytorch==2.5.1\n  - cpuonly\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'envs/serve/environment.yml':
          'name: serve\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch==2.5.1\n  - cpuonly\n',
        'envgen.yaml': SPEC,
      },
      lines: [8],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - nvidia\ndependencies:\n  - pytorch==2.5.1\n  - pytorch-cuda=12.4\n  - cpuonly\n',
      },
      lines: [8],
      columns: [5],
    },
  ],
};
