/** Examples of ENV021, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - conda-forge::numpy=1.26\n  - pip\n  - pip:\n      - requests==2.32.3\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'environment.yml':
          'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - numpy<2\n  - numpy\n  - bioconda::samtools=1.21\n  - pip\n  - pip:\n      - requests==2.32.3\n      - numpy==1.26.4\n',
      },
      lines: [6, 7, 11],
      columns: [5, 5, 9],
    },
  ],
};
