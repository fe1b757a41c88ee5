import { defineRule } from '../define-rule.js';
import { condaDeps, condaForgePytorch, gpuTarget } from './conda-env.js';

export const env007 = defineRule<'environment'>({
  id: 'ENV007',
  name: 'cuda-build-not-selected',
  target: 'environment',
  severity: 'warning',
  description:
    'A GPU environment takes conda-forge pytorch without a cuda* build string or pytorch-gpu, so a GPU-less solve picks the CPU build.',
  docs: [
    'conda-forge publishes CPU and CUDA builds of `pytorch` under the same version. "If conda detects a CUDA driver',
    '(the __cuda virtual package) it selects the CUDA-enabled build … To require a CUDA-enabled build, match the build',
    'string `pytorch=*=cuda*`" (https://conda-forge.org/docs/user/cuda/). `docker build` and CI have no `__cuda`, so a',
    'bare `pytorch` silently installs the CPU build. `cuda-version` alone does not prevent that: the CPU build does',
    "not depend on it. The target is the spec's model (envs/<model>/environment.yml); without a spec, a file that",
    'asks for CUDA (`cuda-version`, `cudatoolkit`, `pytorch-cuda`, a `/whl/cuXXX` index) counts as a GPU target.',
    '',
    'Fix: pin the build, `pytorch=2.6.0=cuda126*` (or `pytorch-gpu`), next to `cuda-version=12.6`.',
  ].join('\n'),
  check(context) {
    const target = gpuTarget(context);
    const pytorch = condaForgePytorch(context);
    if (!target?.gpu || !pytorch) return [];
    const selected =
      /cuda/i.test(pytorch.conda?.build ?? '') ||
      condaDeps(context).some((d) => d.name === 'pytorch-gpu');
    if (selected) return [];
    const cuda =
      context.model?.cuda ??
      condaDeps(context)
        .find((d) => d.name === 'cuda-version' || d.name === 'pytorch-cuda')
        ?.conda?.version?.replace(/^=+/, '');
    const version = pytorch.conda?.version?.replace(/^=+/, '') || '*';
    const build = `cuda${cuda && /^\d+\.\d+$/.test(cuda) ? cuda.replace('.', '') : ''}*`;
    const pinned = /^[\d.*]+$/.test(version)
      ? `pytorch=${version}=${build}`
      : `pytorch ${version} ${build}`;
    return [
      {
        line: pytorch.line,
        column: pytorch.column,
        message: `'${pytorch.text}' from conda-forge has no CUDA build selector, yet ${target.because}: a solve without a GPU (docker build, CI) installs the CPU build without an error`,
        fix: `write '${pinned}' (or add 'pytorch-gpu')`,
      },
    ];
  },
});
