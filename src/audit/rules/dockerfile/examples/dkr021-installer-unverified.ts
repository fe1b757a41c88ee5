/** Examples of DKR021, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'ARG MINIFORGE_SHA256=5f1a9e4a1a7c3b3e0e9f7f1e7c2d8a4b6a1f0e6b7c9d2e4f6a8b0c1d3e5f7a9b',
          'RUN curl -fsSLo /tmp/miniforge.sh \\',
          '      https://github.com/conda-forge/miniforge/releases/download/25.3.0-1/Miniforge3-25.3.0-1-Linux-x86_64.sh \\',
          `    && echo "\${MINIFORGE_SHA256}  /tmp/miniforge.sh" | sha256sum -c - \\`,
          '    && bash /tmp/miniforge.sh -b -p /opt/conda && rm /tmp/miniforge.sh',
          '',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'ADD --checksum=sha256:5f1a9e4a1a7c3b3e0e9f7f1e7c2d8a4b6a1f0e6b7c9d2e4f6a8b0c1d3e5f7a9b \\',
          '    https://github.com/conda-forge/miniforge/releases/download/25.3.0-1/Miniforge3-25.3.0-1-Linux-x86_64.sh /tmp/miniforge.sh',
          'RUN bash /tmp/miniforge.sh -b -p /opt/conda',
          '',
        ].join('\n'),
      },
    },
  ],
  invalid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN wget -q https://repo.anaconda.com/miniconda/Miniconda3-py311_24.7.1-0-Linux-x86_64.sh -O /tmp/mc.sh \\',
          '    && bash /tmp/mc.sh -b -p /opt/conda',
          '',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN echo "abc  /tmp/x" | sha256sum -c - || true',
          'RUN curl -L micro.mamba.pm/install.sh | bash',
          '',
        ].join('\n'),
      },
      lines: [3],
      columns: [5],
    },
  ],
};
