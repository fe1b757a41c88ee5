import type { Rule } from '../../types.js';
import { condaDeps, condaForgePytorch, gpuTarget } from './conda-env.js';

const SPEC =
  'version: 1\nmodels:\n  serve:\n    torch: "2.6"\n    cuda: "12.6"\n    source: conda-forge\n';

export const env007: Rule<'environment'> = {
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
  examples: {
    valid: [
      {
        files: {
          'envs/serve/environment.yml':
            'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
          'envgen.yaml': SPEC,
        },
      },
      {
        files: {
          'environment.yml':
            'name: cpu\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch=2.6\n',
        },
      },
    ],
    invalid: [
      {
        files: {
          'envs/serve/environment.yml':
            'name: serve\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.12\n  - pytorch=2.6.0\n',
          'envgen.yaml': SPEC,
        },
        lines: [7],
      },
      {
        files: {
          'environment.yml':
            'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch>=2.5\n  - cuda-version=12.4\n',
        },
        lines: [6],
      },
    ],
  },
};
