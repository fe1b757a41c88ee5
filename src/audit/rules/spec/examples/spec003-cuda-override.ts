/** Examples of SPEC003, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const ENV_124 = `channels: [conda-forge, nodefaults]
dependencies:
  - python=3.12
  - pytorch=2.5.1=cuda124*
  - cuda-version=12.4
`;

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1 AS build\nENV CONDA_OVERRIDE_CUDA=12.4\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env\n',
        'environment.yml': ENV_124,
      },
    },
    {
      // Inherited from the stage this one builds on.
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1 AS base\nENV CONDA_OVERRIDE_CUDA=12.4\nFROM base AS build\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env\n',
        'environment.yml': ENV_124,
      },
    },
    {
      files: {
        Dockerfile:
          'FROM mambaorg/micromamba:1.5.8\nRUN CONDA_OVERRIDE_CUDA=12.6 micromamba install -y -n base pytorch=2.6.0=cuda126* cuda-version=12.6\n',
      },
    },
    {
      // A CPU environment needs no override.
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml\n',
        'environment.yml':
          'channels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.12\n  - pytorch=2.5.1=cpu*\n',
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1 AS build\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env\n',
        'environment.yml': ENV_124,
      },
      lines: [3],
      columns: [1],
      fixed:
        'FROM condaforge/miniforge3:25.3.0-1 AS build\nCOPY environment.yml /tmp/environment.yml\nENV CONDA_OVERRIDE_CUDA=12.4\nRUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env\n',
    },
    {
      // Set in another stage, which this one does not build on.
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1 AS tools\nENV CONDA_OVERRIDE_CUDA=12.6\nFROM condaforge/miniforge3:25.3.0-1 AS build\nRUN mamba install -y pytorch=2.6.0=cuda126* cuda-version=12.6\n',
      },
      lines: [4],
      columns: [1],
      fixed:
        'FROM condaforge/miniforge3:25.3.0-1 AS tools\nENV CONDA_OVERRIDE_CUDA=12.6\nFROM condaforge/miniforge3:25.3.0-1 AS build\nENV CONDA_OVERRIDE_CUDA=12.6\nRUN mamba install -y pytorch=2.6.0=cuda126* cuda-version=12.6\n',
    },
    {
      // The environment comes in with the whole build context and is solved by its path.
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1\nWORKDIR /app\nCOPY . .\nRUN conda env create --yes -f environment.yml\n',
        'environment.yml': ENV_124,
      },
      lines: [4],
      columns: [1],
      fixed:
        'FROM condaforge/miniforge3:25.3.0-1\nWORKDIR /app\nCOPY . .\nENV CONDA_OVERRIDE_CUDA=12.4\nRUN conda env create --yes -f environment.yml\n',
    },
    {
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1\nENV CONDA_OVERRIDE_CUDA=""\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml\n',
        'environment.yml': ENV_124,
      },
      lines: [4],
      columns: [1],
      fixed:
        'FROM condaforge/miniforge3:25.3.0-1\nENV CONDA_OVERRIDE_CUDA=""\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes --file /tmp/environment.yml\n',
    },
  ],
};
