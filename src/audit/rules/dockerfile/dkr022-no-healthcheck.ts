import { defineRule } from '../define-rule.js';
import { lineage, serviceReason } from './stages.js';

export const dkr022 = defineRule<'dockerfile'>({
  id: 'DKR022',
  name: 'no-healthcheck',
  target: 'dockerfile',
  severity: 'info',
  description:
    'An inference-service image (EXPOSE, or a model with `serve:` in envgen.yaml) has no HEALTHCHECK.',
  docs: [
    'Without a HEALTHCHECK, Docker and Compose report a container "running" while the model is still loading or the',
    'server has hung; `depends_on: condition: service_healthy` and rollouts cannot wait for it (hadolint **DL3057**,',
    'off by default there; envgen turns it on for services only).',
    '',
    'A service image is one whose final stage EXPOSEs a port, or whose model (or a model of its bundle) has a `serve:`',
    'section in envgen.yaml; other images get no finding. `HEALTHCHECK NONE`, or one inherited from an earlier stage,',
    'counts as a decision.',
    '',
    'Differs from hadolint on purpose: hadolint asks every image for a HEALTHCHECK; envgen only service images.',
    '',
    'Fix: set `serve.health` in envgen.yaml and regenerate, or add',
    '`HEALTHCHECK CMD ["/opt/env/bin/python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8080/healthz\', timeout=4)"]`.',
  ].join('\n'),
  aliases: ['DL3057'],
  check(context) {
    const final = context.final;
    if (!final) return [];
    const reason = serviceReason(context);
    if (!reason) return [];
    if (lineage(final).some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK')))
      return [];
    return [
      {
        line: final.from.line,
        column: final.from.column,
        message: `this is a service image (${reason}) but the final stage has no HEALTHCHECK`,
        fix: 'add a HEALTHCHECK that probes the server (with envgen: set `serve.health` in envgen.yaml and run `envgen generate`)',
      },
    ];
  },
});
