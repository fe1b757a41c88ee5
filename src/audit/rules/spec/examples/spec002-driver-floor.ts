/** Examples of SPEC002, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envgen.yaml':
          'version: 1\nfleet:\n  driver: "535.104.05"\nmodels:\n  detector:\n    torch: "2.1"\n    cuda: "12.1"\n',
      },
    },
    {
      // Between the 11.x floor and 11.8's own driver: minor-version compatibility runs it.
      files: {
        'envgen.yaml':
          'version: 1\nfleet:\n  driver: "470.57.02"\nmodels:\n  detector:\n    torch: "2.1"\n    cuda: "11.8"\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        'envgen.yaml':
          'version: 1\nfleet:\n  driver: "470.57.02"\nmodels:\n  legacy:\n    torch: "2.1"\n    cuda: "11.8"\n  detector:\n    torch: "2.1"\n    cuda: "12.1"\n',
      },
      lines: [10],
      columns: [11],
    },
    {
      // From the defaults, for both models: one finding on the line that sets it.
      files: {
        'envgen.yaml':
          'version: 1\ndefaults:\n  cuda: "12.4"\nfleet:\n  driver: "515.65.01"\nmodels:\n  a:\n    torch: "2.4"\n  b:\n    torch: "2.5"\n',
      },
      lines: [3],
      columns: [9],
    },
    {
      // cuda: auto, and the driver is older than every CUDA family: reported on fleet.driver.
      files: {
        'envgen.yaml':
          'version: 1\nfleet:\n  driver: "418.40.04"\nmodels:\n  detector:\n    torch: "2.1"\n',
      },
      lines: [3],
      columns: [11],
    },
  ],
};
