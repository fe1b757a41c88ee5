/**
 * How a resolved build is installed: the conda channels, the conda match specs and the pip
 * requirements, each chosen so the solver cannot fall back to the CPU build.
 *
 * - `pytorch` channel: `pytorch-cuda=X.Y` with `-c pytorch -c nvidia` (1.13-2.5), or
 *   `cudatoolkit=X.Y` (1.12), or `cpuonly`; as on pytorch.org's previous-versions page.
 * - conda-forge: the `cuda*` build string and `cuda-version=X.Y` (the `__cuda` virtual package
 *   then decides nothing; CONDA_OVERRIDE_CUDA lets a GPU-less machine solve it).
 * - pip: PyTorch's wheel index for the CUDA version as an *extra* index, so the user's other
 *   packages still come from PyPI, and torch pinned with its local version label (`+cu118`),
 *   so pip can only take the CUDA wheel, never PyPI's default build.
 */
import type { Build, Release } from './types.js';

export interface InstallInput {
  release: Release;
  build: Build;
  torch: string;
  python: string;
  torchvision: string | null;
  torchaudio: string | null;
}

export interface InstallPlan {
  channels: string[];
  dependencies: string[];
  pip: string[];
  reason: string;
}

export function installPlan(input: InstallInput): InstallPlan {
  const { build } = input;
  if (build.source === 'pip') return pipPlan(input);
  if (build.source === 'conda-forge') return condaForgePlan(input);
  return pytorchChannelPlan(input);
}

function pytorchChannelPlan({
  release,
  build,
  torch,
  python,
  torchvision,
  torchaudio,
}: InstallInput): InstallPlan {
  // Python and the model's own packages are not on the pytorch channel; with `defaults` off
  // they come from conda-forge, after the pytorch channels so torch itself does not.
  const channels = [...new Set([...(build.channels ?? ['pytorch']), 'conda-forge'])];
  const selector =
    build.cuda === 'cpu'
      ? 'cpuonly'
      : release.pytorchChannel?.mechanism === 'cudatoolkit'
        ? `cudatoolkit=${build.cuda}`
        : `pytorch-cuda=${build.cuda}`;
  const dependencies = [
    `python=${python}`,
    `pytorch==${torch}`,
    ...(torchvision ? [`torchvision==${torchvision}`] : []),
    ...(torchaudio ? [`torchaudio==${torchaudio}`] : []),
    selector,
  ];
  return {
    channels,
    dependencies,
    pip: [],
    reason: `install: channels ${channels.join(', ')} (conda-forge for Python and your packages; never defaults); ${selector} selects the ${build.cuda === 'cpu' ? 'CPU' : `CUDA ${build.cuda}`} build [${build.sources.join(', ')}]`,
  };
}

function condaForgePlan({
  build,
  torch,
  python,
  torchvision,
  torchaudio,
}: InstallInput): InstallPlan {
  const gpu = build.cuda !== 'cpu';
  const dependencies = [
    `python=${python}`,
    `pytorch=${torch}=${gpu ? 'cuda*' : 'cpu*'}`,
    ...(gpu ? [`cuda-version=${build.cuda}`] : []),
    ...(torchvision ? [`torchvision=${torchvision}`] : []),
    ...(torchaudio ? [`torchaudio=${torchaudio}`] : []),
  ];
  return {
    channels: ['conda-forge'],
    dependencies,
    pip: [],
    reason: gpu
      ? `install: channel conda-forge; build string cuda* and cuda-version=${build.cuda} keep the solver off the CPU build [${build.sources.join(', ')}]`
      : `install: channel conda-forge; build string cpu* selects the CPU build [${build.sources.join(', ')}]`,
  };
}

function pipPlan({
  release,
  build,
  torch,
  python,
  torchvision,
  torchaudio,
}: InstallInput): InstallPlan {
  const label = build.cuda === 'cpu' ? 'cpu' : `cu${build.cuda.replace('.', '')}`;
  const url = build.index?.url ?? `https://download.pytorch.org/whl/${label}`;
  const pinned = (name: string, version: string): string =>
    // A domain library from another release series (torchaudio 2.11 with torch 2.12) may not
    // have a wheel for every CUDA label; pip still prefers the index's +label build when present.
    version.startsWith(`${release.torch}.`) || name !== 'torchaudio'
      ? `${name}==${version}+${label}`
      : `${name}==${version}`;
  const pip = [
    `--extra-index-url ${url}`,
    `torch==${torch}+${label}`,
    ...(torchvision ? [pinned('torchvision', torchvision)] : []),
    ...(torchaudio ? [pinned('torchaudio', torchaudio)] : []),
  ];
  return {
    channels: ['conda-forge'],
    dependencies: [`python=${python}`, 'pip'],
    pip,
    reason: `install: python and pip from conda-forge; torch==${torch}+${label} from ${url} as an extra index (PyPI stays the index for your packages; the +${label} label means pip can only take that wheel) [${build.sources.join(', ')}]`,
  };
}
