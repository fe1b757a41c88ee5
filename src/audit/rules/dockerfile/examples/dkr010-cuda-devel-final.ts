/** Examples of DKR010, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // devel only in the build stage: the final stage is runtime.
      files: {
        Dockerfile: [
          'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build',
          'RUN nvcc --version',
          'FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04',
          'COPY --from=build /opt/app /opt/app',
          'USER 10001',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'ARG CUDA=12.4.1',
          'FROM nvidia/cuda:$CUDA-cudnn-runtime-ubuntu22.04 AS build',
          `FROM nvcr.io/nvidia/cuda:\${CUDA}-cudnn-devel-ubuntu22.04`,
          'USER 10001',
        ].join('\n'),
      },
      lines: [3],
      columns: [6],
    },
    {
      files: {
        Dockerfile: [
          'FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS base',
          'RUN nvcc --version',
          'FROM base',
          'USER 10001',
        ].join('\n'),
      },
      lines: [3],
      columns: [6],
    },
  ],
};
