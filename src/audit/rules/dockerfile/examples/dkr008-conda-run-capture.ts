/** Examples of DKR008, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'CMD ["conda", "run", "--no-capture-output", "-n", "app", "python", "serve.py"]',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'CMD ["/opt/conda/envs/app/bin/python", "serve.py"]',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'ENTRYPOINT ["conda", "run", "-n", "app"]',
          'CMD ["python", "serve.py"]',
        ].join('\n'),
      },
      lines: [2],
      columns: [1],
      fixed: [
        'FROM condaforge/miniforge3:25.3.0-1',
        'ENTRYPOINT ["conda", "run", "--no-capture-output", "-n", "app"]',
        'CMD ["python", "serve.py"]',
      ].join('\n'),
    },
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'CMD /opt/conda/bin/conda run -n app python serve.py',
        ].join('\n'),
      },
      lines: [2],
      columns: [1],
      fixed: [
        'FROM condaforge/miniforge3:25.3.0-1',
        'CMD /opt/conda/bin/conda run --no-capture-output -n app python serve.py',
      ].join('\n'),
    },
  ],
};
