/** Examples of DKR029, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'RUN groupadd --system --gid 10001 app \\',
          '    && useradd --system --uid 10001 --gid app app',
          'COPY --from=build /opt/env /opt/env',
          'RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir "flask==3.0.3"',
          'RUN /opt/env/bin/python -c "import flask"',
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
          'RUN apt-get update',
          'RUN apt-get install -y --no-install-recommends curl',
          '# comments do not separate layers',
          'RUN rm -rf /var/lib/apt/lists/*',
          '',
        ].join('\n'),
      },
      lines: [3, 5],
      columns: [1, 1],
    },
  ],
};
