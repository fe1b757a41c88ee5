/** Examples of DKR030, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      // envgen's bundle layout (trimmed): two named builders, one runtime.
      files: {
        'bundles/serving/Dockerfile': [
          'FROM continuumio/miniconda3:25.3.1-1 AS build-chat',
          'FROM condaforge/miniforge3:25.3.0-1 AS build-vision-forge',
          'FROM debian:12.11-slim AS runtime',
          'COPY --from=build-chat /opt/envs/chat /opt/envs/chat',
          'COPY --from=build-vision-forge /opt/envs/vision-forge /opt/envs/vision-forge',
          'COPY --from=0 /etc/os-release /tmp/os-release',
          'COPY --from=ghcr.io/astral-sh/uv:0.4.0 /uv /bin/uv',
          'ENTRYPOINT ["/usr/local/bin/envgen-run"]',
          'CMD []',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'MAINTAINER ML team <ml@example.com>',
          'FROM debian:12.11-slim AS Build',
          'FROM debian:12.11-slim AS runtime',
          'COPY --from=biuld /opt/env /opt/env',
          'COPY --from=runtime /opt/env /opt/env2',
          'CMD ["python", "a.py"]',
          'CMD ["python", "b.py"]',
          'FROM debian:12.11-slim AS scratch',
          '',
        ].join('\n'),
      },
      lines: [2, 3, 5, 6, 7, 9],
      columns: [1, 1, 1, 1, 1, 1],
      fixed: [
        'FROM debian:12.11-slim AS build',
        'LABEL org.opencontainers.image.authors="ML team <ml@example.com>"',
        'FROM debian:12.11-slim AS Build',
        'FROM debian:12.11-slim AS runtime',
        'COPY --from=biuld /opt/env /opt/env',
        'COPY --from=runtime /opt/env /opt/env2',
        'CMD ["python", "a.py"]',
        'CMD ["python", "b.py"]',
        'FROM debian:12.11-slim AS scratch',
        '',
      ].join('\n'),
    },
  ],
};
