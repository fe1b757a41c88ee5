/** Examples of DKR018, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN apt-get update \\',
          '    && apt-get install -y --no-install-recommends ca-certificates \\',
          '    && rm -rf /var/lib/apt/lists/*',
          '',
        ].join('\n'),
      },
    },
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\',
          '    apt-get update && apt-get install -y --no-install-recommends curl',
          '',
        ].join('\n'),
      },
    },
    {
      // A builder stage that is only COPY --from'ed does not ship its lists.
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim AS build',
          'RUN apt-get update && apt-get install -y --no-install-recommends build-essential',
          'FROM debian:12.11-slim',
          'COPY --from=build /usr/bin/make /usr/bin/make',
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
          '    && apt-get install -y --no-install-recommends curl',
          '',
        ].join('\n'),
      },
      lines: [2],
      columns: [5],
      fixed: [
        'FROM debian:12.11-slim',
        'RUN apt-get update \\',
        '    && apt-get install -y --no-install-recommends curl \\',
        '    && rm -rf /var/lib/apt/lists/*',
        '',
      ].join('\n'),
    },
  ],
};
