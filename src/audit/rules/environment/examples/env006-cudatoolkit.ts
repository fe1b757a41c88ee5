/** Examples of ENV006, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
      },
    },
    {
      // PyTorch's own instruction for 1.11 (pytorch.org previous-versions).
      files: {
        'environment.yml':
          'name: sd\nchannels:\n  - pytorch\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.8\n  - pytorch==1.11.0\n  - torchvision==0.12.0\n  - cudatoolkit=11.3\n',
      },
    },
    {
      // conda-forge's CUDA 11.2 build of 1.12 runs on cudatoolkit 11.2.
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - pytorch=1.12.1\n  - cudatoolkit=11.2\n',
      },
    },
  ],
  invalid: [
    {
      // The channel has only cudatoolkit 10.2 and 11.1 builds of 1.9.1.
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - pytorch==1.9.1\n  - cudatoolkit=11.3\n',
      },
      lines: [7],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - pytorch\n  - nvidia\ndependencies:\n  - pytorch==2.1.2\n  - cudatoolkit=11.8\n',
      },
      lines: [7],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - cuda-version=12.4\n  - cudatoolkit\n',
      },
      lines: [6],
      columns: [5],
    },
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - cudatoolkit=11.8\n',
      },
      lines: [5],
      columns: [5],
    },
  ],
};
