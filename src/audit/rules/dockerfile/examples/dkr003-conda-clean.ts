/** Examples of DKR003, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8',
          'COPY env.yaml /tmp/env.yaml',
          'RUN micromamba install -y -n base -f /tmp/env.yaml && micromamba clean --all --yes',
        ].join('\n'),
      },
    },
    {
      // The cache mount exemption, as in envgen's generated Dockerfiles.
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1 AS build',
          'COPY environment.yml /tmp/environment.yml',
          'RUN --mount=type=cache,target=/opt/conda/pkgs,sharing=locked \\',
          '    --mount=type=cache,target=/root/.cache/pip,sharing=locked \\',
          '    conda env create --yes --file /tmp/environment.yml --prefix /opt/env \\',
          "    && find /opt/env -name '*.a' -delete",
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM mambaorg/micromamba:1.5.8',
          'RUN --mount=type=cache,target=$MAMBA_ROOT_PREFIX/pkgs micromamba install -y -n base python=3.11',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'COPY environment.yml /tmp/environment.yml',
          'RUN conda env create --yes -f /tmp/environment.yml',
          'RUN conda clean -afy',
        ].join('\n'),
      },
      lines: [3],
      columns: [5],
    },
    {
      // A pip cache mount does not hold conda's packages.
      files: {
        Dockerfile: [
          'FROM condaforge/miniforge3:25.3.0-1',
          'RUN --mount=type=cache,target=/root/.cache/pip \\',
          '    pip install --no-cache-dir requests==2.32.3 \\',
          '    && mamba install -y numpy=1.26',
        ].join('\n'),
      },
      lines: [4],
      columns: [8],
    },
  ],
};
