import { channelName, isCondaForge, isPytorchChannel } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { condaDeps, condaForgePytorch } from './conda-env.js';

export const env005 = defineRule<'environment'>({
  id: 'ENV005',
  name: 'pytorch-cuda-misplaced',
  target: 'environment',
  severity: 'error',
  description:
    'pytorch-cuda is requested next to conda-forge pytorch, or without the pytorch and nvidia channels.',
  docs: [
    '`pytorch-cuda` is a selector that exists only on the `pytorch` channel, and its CUDA libraries come from `nvidia`',
    '(the recipe is `-c pytorch -c nvidia`). conda-forge does not build it: its equivalents are `pytorch-gpu` or',
    '`pytorch=*=cuda*` with `cuda-version` (conda-forge/pytorch-cpu-feedstock#187), and conda-forge `pytorch` does not',
    'depend on it (rusty1s/pytorch_sparse#391). Without those channels the solve fails; next to conda-forge `pytorch`',
    'it selects nothing, and the CUDA libraries of two channels meet in one environment.',
    '',
    'Fix: either list `pytorch` and `nvidia` before conda-forge and take `pytorch` from the `pytorch` channel (torch ≤ 2.5),',
    'or replace `pytorch-cuda=X.Y` with `cuda-version=X.Y` and pin `pytorch=*=cuda*` from conda-forge.',
  ].join('\n'),
  check(context) {
    const selector = condaDeps(context).find((d) => d.name === 'pytorch-cuda');
    if (!selector) return [];
    const names = context.channels.map((c) => channelName(c.name));
    const problems: string[] = [];
    if (
      !names.includes('pytorch') &&
      !(selector.conda?.channel && isPytorchChannel(selector.conda.channel))
    ) {
      problems.push("the 'pytorch' channel, the only one that has pytorch-cuda, is not listed");
    }
    if (!names.includes('nvidia'))
      problems.push("the 'nvidia' channel its CUDA libraries come from is not listed");
    const pytorch = condaDeps(context).find((d) => d.name === 'pytorch');
    const forge = condaForgePytorch(context);
    const forgeIndex = names.indexOf('conda-forge');
    const pytorchIndex = names.indexOf('pytorch');
    if (forge) {
      problems.push(
        `'${forge.text}' (line ${forge.line}) comes from conda-forge, which does not use pytorch-cuda`,
      );
    } else if (pytorch && /^(cuda|cpu)/.test(pytorch.conda?.build ?? '')) {
      problems.push(`'${pytorch.text}' (line ${pytorch.line}) asks for a conda-forge build string`);
    } else if (
      pytorch &&
      !pytorch.conda?.channel &&
      forgeIndex !== -1 &&
      pytorchIndex > forgeIndex
    ) {
      problems.push(
        'conda-forge is listed before pytorch, so with strict priority conda-forge pytorch wins',
      );
    }
    if (condaDeps(context).some((d) => d.name === 'pytorch-gpu')) {
      problems.push("'pytorch-gpu' is conda-forge's selector and conflicts with pytorch-cuda");
    }
    if (problems.length === 0) return [];
    const forgeOnly =
      context.channels.some((c) => isCondaForge(c.name)) && !names.includes('pytorch');
    return [
      {
        line: selector.line,
        column: selector.column,
        message: `'${selector.text}' cannot work here: ${problems.join('; ')}`,
        fix: forgeOnly
          ? `replace '${selector.text}' with 'cuda-version=${selector.conda?.version?.replace(/^=+/, '') ?? 'X.Y'}' and pin pytorch with a cuda* build string ('pytorch=*=cuda*')`
          : "list channels 'pytorch' and 'nvidia' before conda-forge and take pytorch from the pytorch channel (torch 2.5 or older)",
      },
    ];
  },
});
