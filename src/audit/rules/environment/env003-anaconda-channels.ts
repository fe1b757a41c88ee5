import { isAnacondaChannel } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { environmentChannels } from './conda-env.js';

export const env003 = defineRule<'environment'>({
  id: 'ENV003',
  name: 'anaconda-channels',
  target: 'environment',
  severity: 'warning',
  description:
    'The environment uses Anaconda-hosted channels, which need a paid licence in larger organisations and an accepted ToS.',
  docs: [
    "Packages from `defaults`, `main`, `r`, `anaconda` and `repo.anaconda.com` fall under Anaconda's Terms of Service:",
    'organisations of more than 200 people need a paid licence (https://anaconda.com/pricing/terms-of-service-faqs),',
    'and recent conda stops non-interactive installs with `CondaToSNonInteractiveError` until the ToS is accepted',
    '(pytorch/xla#9661, NVlabs/FoundationStereo#181), which breaks `docker build` and CI.',
    'conda-forge packages are free to use (Miniforge).',
    '',
    'Fix: use `conda-forge` with `nodefaults`. Where policy forbids Anaconda channels, raise this rule to `error`.',
  ].join('\n'),
  check(context) {
    return environmentChannels(context)
      .filter((c) => isAnacondaChannel(c.raw))
      .map((c) => ({
        line: c.line,
        column: c.column,
        message: `'${c.raw}' is an Anaconda-hosted channel: its Terms of Service require a paid licence for organisations over 200 people, and non-interactive installs fail until they are accepted`,
        fix: c.inSpec
          ? `drop the '${c.raw}::' prefix and take the package from conda-forge`
          : `replace '${c.raw}' with conda-forge and add 'nodefaults'`,
      }));
  },
});
