import { isPytorchChannel } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { environmentChannels } from './conda-env.js';

export const env004 = defineRule<'environment'>({
  id: 'ENV004',
  name: 'pytorch-channel',
  target: 'environment',
  severity: 'warning',
  description:
    'The deprecated pytorch conda channel (or a pytorch:: spec) is used; 2.5.x was the last release published there.',
  docs: [
    'PyTorch stopped publishing to its Anaconda channel: 2.5.x is the last release there',
    '(pytorch/pytorch#138506 "[Announcement] Deprecating PyTorch\'s official Anaconda channel"; scikit-learn#30390).',
    "An environment that takes torch from `pytorch` cannot move past 2.5 and keeps the channel's `pytorch-cuda`/`cpuonly`",
    'selectors, which conda-forge does not have.',
    '',
    'Fix: take `pytorch` from conda-forge (`pytorch=X.Y=cuda*` with `cuda-version=X.Y` for a GPU build), or install the',
    "PyPI wheels with PyTorch's `--extra-index-url https://download.pytorch.org/whl/cuXXX`.",
  ].join('\n'),
  check(context) {
    // envgen's own file for a model whose source is the pytorch channel: the choice, and why
    // (the channel has this release's official build), is in `envgen resolve`; the spec's
    // `source:` is where to change it, not this file.
    if (context.model?.source === 'pytorch') return [];
    return environmentChannels(context)
      .filter((c) => isPytorchChannel(c.raw))
      .map((c) => ({
        line: c.line,
        column: c.column,
        message: c.inSpec
          ? `'${c.raw}::' takes a package from the deprecated PyTorch conda channel (no releases after 2.5)`
          : `channel '${c.raw}' is deprecated: PyTorch published no release after 2.5 there`,
        fix: 'use conda-forge pytorch (pytorch=X.Y=cuda* plus cuda-version=X.Y) or pip wheels from download.pytorch.org',
      }));
  },
});
