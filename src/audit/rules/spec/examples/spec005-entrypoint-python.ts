/** Examples of SPEC005, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const ENV =
  'name: serve\nchannels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.11\n  - pytorch=2.5.1=cpu*\n';
const TWO_STAGE = `FROM condaforge/miniforge3:25.3.0-1 AS build
COPY environment.yml /tmp/environment.yml
RUN conda env create --yes --file /tmp/environment.yml --prefix /opt/env
FROM debian:12.11-slim
COPY --from=build /opt/env /opt/env
`;

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: `${TWO_STAGE}CMD ["/opt/env/bin/python", "serve.py"]\n`,
        'environment.yml': ENV,
      },
    },
    {
      files: {
        Dockerfile: `${TWO_STAGE}ENV PATH=/opt/env/bin:$PATH\nENTRYPOINT ["tini", "--"]\nCMD ["python", "serve.py"]\n`,
        'environment.yml': ENV,
      },
    },
    {
      // The environment is conda's base: plain python is it.
      files: {
        Dockerfile:
          'FROM mambaorg/micromamba:1.5.8\nCOPY environment.yml /tmp/environment.yml\nRUN micromamba install -y -n base -f /tmp/environment.yml\nCMD ["python", "serve.py"]\n',
        'environment.yml': ENV,
      },
    },
  ],
  invalid: [
    {
      // `conda env create` without a prefix makes /opt/conda/envs/serve; PATH finds base's python.
      files: {
        Dockerfile:
          'FROM condaforge/miniforge3:25.3.0-1\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create --yes -f /tmp/environment.yml\nCMD ["python", "serve.py"]\n',
        'environment.yml': ENV,
      },
      lines: [4],
      columns: [1],
    },
    {
      files: {
        Dockerfile: TWO_STAGE.replace(
          'debian:12.11-slim',
          'nvidia/cuda:12.4.1-runtime-ubuntu22.04',
        ).concat(
          'RUN apt-get update && apt-get install -y --no-install-recommends python3\nCMD python3 serve.py\n',
        ),
        'environment.yml': ENV,
      },
      lines: [7],
      columns: [1],
    },
    {
      // The spec says Python 3.11; the environment file was edited to 3.10.
      files: {
        'envs/serve/Dockerfile': `${TWO_STAGE.replace('COPY environment.yml', 'COPY envs/serve/environment.yml')}CMD ["/opt/env/bin/python", "serve.py"]\n`,
        'envs/serve/environment.yml': ENV.replace('python=3.11', 'python=3.10'),
        'envgen.yaml':
          'version: 1\nmodels:\n  serve:\n    torch: "2.5"\n    python: "3.11"\n    cuda: cpu\n    source: conda-forge\n',
      },
      lines: [2],
      columns: [1],
    },
  ],
};
