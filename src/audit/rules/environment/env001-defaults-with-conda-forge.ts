import { isAnacondaChannel, isCondaForge } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { environmentChannels } from './conda-env.js';

export const env001 = defineRule<'environment'>({
  id: 'ENV001',
  name: 'defaults-with-conda-forge',
  target: 'environment',
  severity: 'error',
  description:
    'Anaconda channels (defaults, main, r, anaconda, repo.anaconda.com) are mixed with conda-forge.',
  docs: [
    'conda-forge and the Anaconda `defaults` channels build against different toolchains and pins:',
    'conda-forge says "conda-forge and defaults are not 100% compatible" (https://conda-forge.org/docs/user/tipsandtricks.html),',
    'and conda\'s "Managing channels" page advises against mixing channels in one environment.',
    'A solve that takes some packages from each can break at import time (ABI mismatches) or change with every release.',
    '',
    'Fix: drop `defaults` (and `main`, `r`, `anaconda`, `repo.anaconda.com/...`, `defaults::` specs) and',
    'add `nodefaults`, so the environment comes from conda-forge alone.',
  ].join('\n'),
  check(context) {
    const channels = environmentChannels(context);
    if (!channels.some((c) => isCondaForge(c.raw))) return [];
    return channels
      .filter((c) => isAnacondaChannel(c.raw))
      .map((c) => ({
        line: c.line,
        column: c.column,
        message: `'${c.raw}' is an Anaconda channel, and this environment also uses conda-forge; the two are not binary compatible`,
        fix: c.inSpec
          ? `take the package from conda-forge: drop the '${c.raw}::' prefix`
          : `remove '${c.raw}' from channels and add 'nodefaults'`,
      }));
  },
});
