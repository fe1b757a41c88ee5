/** Examples of DKR027, run as tests (test/audit/catalogue.test.ts); not part of the shipped bundle. */
import type { RuleExamples } from '../../../types.js';

export const examples: RuleExamples = {
  valid: [
    {
      files: {
        Dockerfile: [
          'FROM debian:12.11-slim',
          'ENV PATH=/opt/env/bin:$PATH \\',
          '    PYTHONUNBUFFERED=1',
          'LABEL org.opencontainers.image.title="sentiment" dev.envgen.cuda="11.8"',
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
          'ENV PATH /opt/env/bin:$PATH',
          'LABEL maintainer "ML team"',
          '',
        ].join('\n'),
      },
      lines: [2, 3],
      columns: [1, 1],
      fixed: [
        'FROM debian:12.11-slim',
        'ENV PATH=/opt/env/bin:$PATH',
        'LABEL maintainer="ML team"',
        '',
      ].join('\n'),
    },
  ],
};
