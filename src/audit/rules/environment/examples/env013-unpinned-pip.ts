/** Examples of ENV013, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envs/m/environment.yml':
          'name: m\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - torchserve\n',
        'envgen.yaml':
          'version: 1\nmodels:\n  m:\n    torch: "2.4"\n    cuda: cpu\n    source: pip\n    pip: [torchserve]\n',
      },
    },
    {
      files: {
        'environment.yml':
          'name: app\ndependencies:\n  - pip\n  - pip:\n      - --extra-index-url https://download.pytorch.org/whl/cu126\n      - torch==2.6.0+cu126\n      - git+https://github.com/org/repo.git@v1.2.0#egg=repo\n      - lib @ git+ssh://git@github.com/org/lib.git@4f2c1e9\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\ndependencies:\n  - pip\n  - pip:\n      - transformers>=4.40\n      - flask\n      - git+https://github.com/org/repo.git\n      - lib @ git+https://github.com/org/lib.git@main\n      - requests==2.32.3\n',
      },
      lines: [5, 6, 7, 8],
      columns: [9, 9, 9, 9],
    },
  ],
};
