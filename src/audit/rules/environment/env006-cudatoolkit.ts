import type { EnvironmentContext, Rule } from '../../types.js';
import { CONDA_TORCH, condaDeps, majorOf, pipIndexes, pytorchIndexLabel } from './conda-env.js';

/** The first sign of CUDA 12 or newer in the file or its model, in words. */
function cuda12Evidence(context: EnvironmentContext): string | undefined {
  const model = context.model;
  if (model && model.cuda !== 'cpu' && (majorOf(model.cuda) ?? 0) >= 12) {
    return `model "${model.name}" targets CUDA ${model.cuda}`;
  }
  for (const d of condaDeps(context)) {
    const version = ['cudatoolkit', 'cuda-version', 'pytorch-cuda'].includes(d.name)
      ? d.conda?.version
      : undefined;
    if ((majorOf(version) ?? 0) >= 12) return `'${d.text}' (line ${d.line})`;
    const build = CONDA_TORCH.has(d.name) ? /cuda(\d\d)/.exec(d.conda?.build ?? '') : null;
    if (build?.[1] && Number(build[1]) >= 12) return `'${d.text}' (line ${d.line})`;
  }
  const index = pipIndexes(context).find(
    (i) => Number(/^cu(\d\d)/.exec(pytorchIndexLabel(i.url) ?? '')?.[1] ?? 0) >= 12,
  );
  return index ? `the wheel index ${index.url} (line ${index.line})` : undefined;
}

export const env006: Rule<'environment'> = {
  id: 'ENV006',
  name: 'cudatoolkit',
  target: 'environment',
  severity: 'warning',
  description:
    'cudatoolkit, the legacy CUDA 11 and older package, is used; with CUDA 12 or newer it is an error.',
  docs: [
    '`cudatoolkit` is the monolithic CUDA package of CUDA 11 and older. From CUDA 12, conda-forge splits CUDA into',
    '`cuda-*` packages and selects the major version with the `cuda-version` metapackage',
    '(https://conda-forge.org/docs/user/cuda/: "To choose the major version of CUDA, add the cuda-version metapackage";',
    'cuda-version-feedstock README). Next to CUDA 12 packages, `cudatoolkit` either does not solve or drags an',
    'old runtime in beside the new one; the message says so, as that combination is an error.',
    '',
    'Fix: replace `cudatoolkit=X.Y` with `cuda-version=X.Y` (and `cuda-runtime`/`cuda-cudart` where the libraries are',
    'needed directly); on CUDA 11, prefer moving to CUDA 12 builds.',
  ].join('\n'),
  check(context) {
    const toolkit = condaDeps(context).filter((d) => d.name === 'cudatoolkit');
    if (toolkit.length === 0) return [];
    const cuda12 = cuda12Evidence(context);
    return toolkit.map((d) => ({
      line: d.line,
      column: d.column,
      message: cuda12
        ? `'${d.text}' is the legacy CUDA ≤ 11 package, and this environment uses CUDA 12 or newer (${cuda12}): this is an error, CUDA 12 has no cudatoolkit`
        : `'${d.text}' is the legacy CUDA ≤ 11 package; CUDA 12 and newer use the split cuda-* packages selected by cuda-version`,
      fix: cuda12
        ? `remove '${d.text}': CUDA 12 libraries come with cuda-version=12.X (conda-forge) or pytorch-cuda (pytorch channel)`
        : `replace '${d.text}' with 'cuda-version=${/\d+\.\d+/.exec(d.conda?.version ?? '')?.[0] ?? 'X.Y'}'`,
    }));
  },
  examples: {
    valid: [
      {
        files: {
          'environment.yml':
            'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - pytorch=2.6.0=cuda126*\n  - cuda-version=12.6\n',
        },
      },
    ],
    invalid: [
      {
        files: {
          'environment.yml':
            'name: app\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n  - pytorch==1.12.1\n  - cudatoolkit=11.3\n',
        },
        lines: [7],
      },
      {
        files: {
          'environment.yml':
            'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - cuda-version=12.4\n  - cudatoolkit\n',
        },
        lines: [6],
      },
    ],
  },
};
