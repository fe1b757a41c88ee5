/** Examples of DKR026, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM --platform=$BUILDPLATFORM condaforge/miniforge3:25.3.0-1 AS build',
          'FROM --platform=linux/arm64 debian:12.11-slim AS runtime_arm64',
          'FROM debian:12.11-slim',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM --platform=linux/amd64 nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime',
          `FROM --platform=\${TARGETPLATFORM} debian:12.11-slim`,
          '',
        ].join('\n'),
      },
      lines: [1, 2],
      columns: [1, 1],
      fixed: [
        'FROM --platform=linux/amd64 nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime',
        'FROM debian:12.11-slim',
        '',
      ].join('\n'),
    },
  ],
};
