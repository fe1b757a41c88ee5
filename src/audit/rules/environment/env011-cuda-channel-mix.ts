import { channelName, VENDOR_CHANNELS } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { condaDeps, topLevelKeys } from './conda-env.js';

const CUDA_PACKAGE =
  /^(cuda-.+|cudnn|nccl|libcublas|libcufft|libcurand|libcusolver|libcusparse|libnvjitlink)$/;

export const env011 = defineRule<'environment'>({
  id: 'ENV011',
  name: 'cuda-channel-mix',
  target: 'environment',
  severity: 'warning',
  description:
    'The nvidia channel is mixed with conda-forge CUDA packages, or several GPU vendor channels are mixed.',
  docs: [
    'conda-forge and `nvidia` both publish `cuda-*`, `cudnn` and related packages, built and split differently.',
    'With both channels listed, the solver can take the runtime from one and the libraries from the other; with',
    'several vendor channels (`pytorch` + `nvidia` + `rapidsai` + `conda-forge`) the solve may not finish at all:',
    'saturncloud/images#472 failed after 2h41m with SIGABRT "queue count overflow". conda\'s "Managing channels" page',
    'advises against mixing channels. The `pytorch` + `nvidia` pair that `pytorch-cuda` needs is not flagged alone.',
    '',
    'Fix: take CUDA from one channel: conda-forge (`cuda-version=X.Y` and conda-forge builds), or prefix the packages',
    'that must come from NVIDIA with `nvidia::`; drop vendor channels the environment does not need.',
  ].join('\n'),
  check(context, report) {
    const channels = context.channels.map((c) => ({ ...c, short: channelName(c.name) }));
    const hasForge = channels.some((c) => c.short === 'conda-forge');
    const nvidia = channels.find((c) => c.short === 'nvidia');
    if (nvidia && hasForge) {
      const mixed = condaDeps(context).filter(
        (d) => CUDA_PACKAGE.test(d.name) && !d.conda?.channel,
      );
      if (mixed.length > 0) {
        report({
          line: nvidia.line,
          column: nvidia.column,
          message: `channel 'nvidia' is mixed with conda-forge, and ${mixed.map((d) => `'${d.text}' (line ${d.line})`).join(', ')} exist on both: the solve can take CUDA pieces from each`,
          fix: "take CUDA from conda-forge alone (remove 'nvidia'), or prefix the packages that must come from NVIDIA with 'nvidia::'",
        });
      }
    }
    const vendors = [
      ...new Set(channels.filter((c) => VENDOR_CHANNELS.has(c.short)).map((c) => c.short)),
    ];
    if (hasForge && vendors.length >= 3) {
      const key = topLevelKeys(context).find((k) => k.key === 'channels');
      report({
        line: key?.line ?? 1,
        column: key?.column ?? 1,
        message: `channels mix conda-forge with ${vendors.length} GPU vendor channels (${vendors.join(', ')}): each packages CUDA its own way, and such solves are slow or fail`,
        fix: 'keep conda-forge (with nodefaults) and at most the vendor channel the environment needs; take the rest from conda-forge',
      });
    }
    return undefined;
  },
});
