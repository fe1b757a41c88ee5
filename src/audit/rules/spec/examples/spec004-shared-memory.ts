/** Examples of SPEC004, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SPEC = `version: 1
models:
  ranker:
    torch: "2.1"
    cuda: "11.8"
    serve:
      command: ["python", "serve.py"]
      port: 8080
`;

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envgen.yaml': SPEC,
        'serve.py': 'loader = DataLoader(dataset, batch_size=8, num_workers=0)\n',
      },
    },
    {
      // The module is not among the files: nothing to judge.
      files: { 'envgen.yaml': SPEC },
    },
  ],
  invalid: [
    {
      files: {
        'envgen.yaml': SPEC,
        'serve.py':
          'from torch.utils.data import DataLoader\n\nloader = DataLoader(dataset, batch_size=8, num_workers=4)\n',
      },
      lines: [7],
      columns: [16],
    },
    {
      files: {
        'envgen.yaml': SPEC.replace(
          '["python", "serve.py"]',
          '["gunicorn", "-b", "0.0.0.0:8080", "app.main:app"]',
        ),
        'app/main.py': 'from app.batching import pool\n',
        'app/batching.py': 'import torch.multiprocessing as mp\n',
      },
      lines: [7],
      columns: [16],
    },
  ],
};
