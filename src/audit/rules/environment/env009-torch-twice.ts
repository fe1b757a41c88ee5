import { defineRule } from '../define-rule.js';
import { CONDA_TORCH, condaDeps, isPipOption, PIP_TORCH, pipDeps } from './conda-env.js';

export const env009 = defineRule<'environment'>({
  id: 'ENV009',
  name: 'torch-twice',
  target: 'environment',
  severity: 'error',
  description:
    'PyTorch is installed twice: conda pytorch/torchvision/torchaudio and pip torch/torchvision/torchaudio.',
  docs: [
    "pip installs into the same site-packages after conda and overwrites conda's files without telling conda, so the",
    'environment ends up with a torch that matches neither record: mismatched CUDA libraries, a torchvision built',
    'for the other torch, and `conda list` / `collect_env` showing both `[conda]` and `[pip]` lines.',
    '**envgen-native**; seen in saturncloud/images#472, which dropped the conda packages and kept pip, not both.',
    '',
    'Fix: choose one source. Either remove torch, torchvision and torchaudio from `pip:`, or remove the conda',
    "`pytorch` packages and install all three from PyTorch's wheel index.",
  ].join('\n'),
  check(context) {
    const conda = condaDeps(context).filter((d) => CONDA_TORCH.has(d.name));
    if (conda.length === 0) return [];
    const names = conda.map((d) => d.text).join(', ');
    return pipDeps(context)
      .filter((d) => !isPipOption(d) && PIP_TORCH.has(d.name))
      .map((d) => ({
        line: d.line,
        column: d.column,
        message: `pip '${d.text}' installs over conda's ${names}: pip overwrites conda's files and the environment becomes inconsistent`,
        fix: `remove '${d.text}' from pip, or remove the conda PyTorch packages and take all of them from pip`,
      }));
  },
});
