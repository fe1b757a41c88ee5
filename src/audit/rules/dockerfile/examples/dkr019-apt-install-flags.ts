/** Examples of DKR019, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN apt-get update \\',
          '    && apt-get -qq install --no-install-recommends curl \\',
          '    && apt-get install --yes -o APT::Install-Recommends=false git \\',
          '    && rm -rf /var/lib/apt/lists/*',
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
          'RUN apt-get update \\',
          '    && apt-get install curl \\',
          '    && apt-get install -y git \\',
          '    && rm -rf /var/lib/apt/lists/*',
          '',
        ].join('\n'),
      },
      lines: [3, 3, 4],
      columns: [8, 8, 8],
      fixed: [
        'FROM debian:12.11-slim',
        'RUN apt-get update \\',
        '    && apt-get install -y --no-install-recommends curl \\',
        '    && apt-get install --no-install-recommends -y git \\',
        '    && rm -rf /var/lib/apt/lists/*',
        '',
      ].join('\n'),
    },
  ],
};
