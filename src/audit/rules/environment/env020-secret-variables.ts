import { isMap, isScalar, type Pair } from 'yaml';
import { defineRule } from '../define-rule.js';
import { looksSecret } from '../secrets.js';

export const env020 = defineRule<'environment'>({
  id: 'ENV020',
  name: 'secret-variables',
  target: 'environment',
  severity: 'warning',
  description:
    'variables: holds secret-looking names (HF_TOKEN, *PASSWORD*, *API_KEY*), which conda stores in plain text.',
  docs: [
    'conda writes `variables:` into `$CONDA_PREFIX/conda-meta/state` in plain text, so a token set there ends up in',
    'every copy of the environment, every image layer that holds it, and the repository the file lives in.',
    'Names are matched like hadolint DL3064 (`api_key`, `password`, `private`, `secret`, `token`, …) plus the ML',
    "platforms' tokens (`HF_TOKEN`, `WANDB_API_KEY`). Empty values are not flagged.",
    '',
    'Fix: remove the variable; pass the secret at run time (`docker run -e HF_TOKEN`, a mounted secret, or',
    '`RUN --mount=type=secret` at build time).',
  ].join('\n'),
  check(context) {
    const variables = context.document?.get('variables', true);
    if (!isMap(variables)) return [];
    return (variables.items as Pair[]).flatMap((pair) => {
      if (!isScalar(pair.key) || !pair.key.range) return [];
      const name = String(pair.key.value);
      const value = isScalar(pair.value) ? pair.value.value : pair.value;
      if (
        !looksSecret(name) ||
        value === null ||
        value === undefined ||
        String(value).trim() === ''
      )
        return [];
      return [
        {
          ...context.positionOf(pair.key.range[0]),
          message: `variable '${name}' looks like a secret: conda stores variables in plain text in conda-meta/state, and the file itself is committed`,
          fix: `remove '${name}' from variables and pass it at run time (docker run -e ${name}, or a mounted secret)`,
        },
      ];
    });
  },
});
