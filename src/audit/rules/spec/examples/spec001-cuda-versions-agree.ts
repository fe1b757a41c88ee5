/** Examples of SPEC001, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

const SPEC = `version: 1
fleet:
  driver: "535.104.05"
models:
  detector:
    torch: "2.1"
    python: "3.11"
    cuda: "11.8"
`;
const GENERATED = `FROM condaforge/miniforge3:25.3.0-1 AS build
ENV CONDA_OVERRIDE_CUDA=11.8
COPY envs/detector/environment.yml /tmp/envgen/environment.yml
RUN conda env create --yes --file /tmp/envgen/environment.yml --prefix /opt/env
FROM debian:12.11-slim AS runtime
COPY --from=build /opt/env /opt/env
CMD ["/opt/env/bin/python", "serve.py"]
`;
const ENV_118 = `name: detector
channels: [pytorch, nvidia, conda-forge, nodefaults]
dependencies:
  - python=3.11
  - pytorch==2.1.2
  - pytorch-cuda=11.8
`;

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        'envs/detector/Dockerfile': GENERATED,
        'envs/detector/environment.yml': ENV_118,
        'envgen.yaml': SPEC,
      },
    },
    {
      // A range within one major agrees with any minor of that major.
      files: {
        Dockerfile:
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nCOPY environment.yml /tmp/environment.yml\n',
        'environment.yml':
          'channels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.12\n  - pytorch=2.5.1=cuda12*\n  - cuda-version>=12.0,<13\n',
      },
    },
    {
      files: {
        Dockerfile:
          'FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121\n',
      },
    },
  ],
  invalid: [
    {
      // The spec says 11.8; the environment was edited to 12.1.
      files: {
        'envs/detector/Dockerfile': GENERATED,
        'envs/detector/environment.yml': ENV_118.replace('pytorch-cuda=11.8', 'pytorch-cuda=12.1'),
        'envgen.yaml': SPEC,
      },
      lines: [3],
      columns: [1],
    },
    {
      // No spec: the environment is the reference, and the base image's major differs.
      files: {
        Dockerfile:
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nCOPY environment.yml /tmp/environment.yml\nRUN conda env create -f /tmp/environment.yml\n',
        'environment.yml': ENV_118,
      },
      lines: [1],
      columns: [6],
    },
    {
      // Minor drift between the base image and the wheel index.
      files: {
        Dockerfile:
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --no-cache-dir torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121\n',
      },
      lines: [1],
      columns: [6],
    },
  ],
};
