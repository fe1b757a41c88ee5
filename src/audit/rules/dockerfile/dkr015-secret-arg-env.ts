import { defineRule } from '../define-rule.js';
import { looksSecret } from '../secrets.js';
import { propertiesOf } from './stages.js';

/** `POSTGRES_PASSWORD_FILE=/run/secrets/pw`: a name that points at a secret holds no secret. */
const POINTER = /_(FILE|PATH|DIR)$/i;

export const dkr015 = defineRule<'dockerfile'>({
  id: 'DKR015',
  name: 'secret-arg-env',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'An ARG or ENV has a secret-like name (HF_TOKEN, WANDB_API_KEY, AWS_SECRET_ACCESS_KEY, ...), so its value ends up in the image history or config.',
  docs: [
    'ENV values are stored in the image configuration and ARG values in its build history (`docker history`,',
    '`docker inspect`): anyone who can pull the image can read a token passed that way, in every stage that uses',
    'it (hadolint DL3064, BuildKit SecretsUsedInArgOrEnv). Names ending in `_FILE`, `_PATH` or `_DIR`, which point',
    'at a secret rather than hold it, are not reported.',
    '',
    'Fix: pass secrets at build time with `RUN --mount=type=secret,id=hf_token,env=HF_TOKEN ...`',
    "(`docker build --secret id=hf_token,env=HF_TOKEN`), and at run time through the orchestrator's secrets.",
  ].join('\n'),
  aliases: ['DL3064', 'SecretsUsedInArgOrEnv'],
  check(context, report) {
    for (const instruction of context.instructions) {
      if (instruction.keyword !== 'ARG' && instruction.keyword !== 'ENV') continue;
      for (const property of propertiesOf(instruction)) {
        if (!looksSecret(property.name) || POINTER.test(property.name)) continue;
        report({
          line: property.line,
          column: property.column,
          message: `${instruction.keyword} \`${property.name}\` looks like a secret: its value is stored in the image ${instruction.keyword === 'ENV' ? 'configuration' : 'build history'}, readable by anyone who pulls it`,
          fix: `remove the ${instruction.keyword}; use \`RUN --mount=type=secret,id=${property.name.toLowerCase()},env=${property.name} ...\` at build time and the runtime's secrets at run time`,
        });
      }
    }
    return undefined;
  },
});
