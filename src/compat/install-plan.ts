/**
 * How a resolved build is installed: the conda channels, the conda match specs and the pip
 * requirements, each chosen so the solver cannot fall back to the CPU build.
 *
 * - `pytorch` channel: `pytorch-cuda=X.Y` with `-c pytorch -c nvidia` (1.13-2.5), or
 *   `cudatoolkit=X.Y` (1.8-1.12), or `cpuonly`; as on pytorch.org's previous-versions page.
 * - conda-forge: the `cuda*` build string and `cuda-version=X.Y` (the `__cuda` virtual package
 *   then decides nothing; CONDA_OVERRIDE_CUDA lets a GPU-less machine solve it).
 * - pip: PyTorch's wheel index for the CUDA version as an *extra* index, so the user's other
 *   packages still come from PyPI, and torch pinned with its local version label (`+cu118`),
 *   so pip can only take the CUDA wheel, never PyPI's default build. Releases before 1.11 had
 *   no such index: their wheels are linked from a `torch_stable.html` page (`--find-links`).
 */

import { cudaLabel, pytorchIndexUrl } from '../pytorch-wheels.js';
import type { Build, Release } from '../rules-format.js';

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

/**
 * conda has no `python=3.13t`: the free-threaded interpreter is `python=3.13` plus the
 * `python-freethreading` package on conda-forge.
 */
function pythonSpecs(python: string): string[] {
  return python.endsWith('t')
    ? [`python=${python.slice(0, -1)}`, 'python-freethreading']
    : [`python=${python}`];
}

export function installPlan(input: InstallInput): InstallPlan {
  const { build, release } = input;
  const plan =
    build.source === 'pip'
      ? pipPlan(input)
      : build.source === 'conda-forge'
        ? condaForgePlan(input)
        : pytorchChannelPlan(input);
  // A release's companion pins (numpy<2 before 2.3) go where that package would come from.
  const pins = (release.requires ?? []).map((r) => r.spec);
  return build.source === 'pip'
    ? { ...plan, pip: [...plan.pip, ...pins] }
    : { ...plan, dependencies: [...plan.dependencies, ...pins] };
}

/** torchvision and torchaudio, where the release has them, each pinned the way the source wants. */
function domainLibraries(
  input: InstallInput,
  pin: (name: 'torchvision' | 'torchaudio', version: string) => string,
): string[] {
  return (['torchvision', 'torchaudio'] as const).flatMap((name) => {
    const version = input[name];
    return version ? [pin(name, version)] : [];
  });
}

function pytorchChannelPlan(input: InstallInput): InstallPlan {
  const { release, build, torch, python } = input;
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
    ...pythonSpecs(python),
    `pytorch==${torch}`,
    ...domainLibraries(input, (name, version) => `${name}==${version}`),
    selector,
  ];
  return {
    channels,
    dependencies,
    pip: [],
    reason: `install: channels ${channels.join(', ')} (conda-forge for Python and your packages; never defaults); ${selector} selects the ${build.cuda === 'cpu' ? 'CPU' : `CUDA ${build.cuda}`} build [${build.sources.join(', ')}]`,
  };
}

function condaForgePlan(input: InstallInput): InstallPlan {
  const { build, torch, python } = input;
  const gpu = build.cuda !== 'cpu';
  const dependencies = [
    ...pythonSpecs(python),
    // The build string names the CUDA build (cuda126_...): `cuda*` alone would also accept an
    // older CUDA build that cuda-version=X.Y still satisfies (12.0 under 12.6).
    `pytorch=${torch}=${gpu ? `cuda${build.cuda.replace('.', '')}*` : 'cpu*'}`,
    ...(gpu ? [`cuda-version=${build.cuda}`] : []),
    ...domainLibraries(input, (name, version) => `${name}=${version}`),
  ];
  return {
    channels: ['conda-forge'],
    dependencies,
    pip: [],
    reason: gpu
      ? `install: channel conda-forge; build string cuda${build.cuda.replace('.', '')}* and cuda-version=${build.cuda} select exactly the CUDA ${build.cuda} build, never the CPU one [${build.sources.join(', ')}]`
      : `install: channel conda-forge; build string cpu* selects the CPU build [${build.sources.join(', ')}]`,
  };
}

function pipPlan(input: InstallInput): InstallPlan {
  const { release, build, torch, python } = input;
  const label = cudaLabel(build.cuda);
  const url = build.index?.url ?? pytorchIndexUrl(label);
  const pinned = (name: 'torchvision' | 'torchaudio', version: string): string =>
    // A domain library from another release series (torchaudio 2.11 with torch 2.12) may not
    // have a wheel for every CUDA label; pip still prefers the index's +label build when present.
    version.startsWith(`${release.torch}.`) || name !== 'torchaudio'
      ? `${name}==${version}+${label}`
      : `${name}==${version}`;
  // Before 1.11, PyTorch served wheels as a page of links (`torch_stable.html`), not an index.
  const links = build.index?.flag === '--find-links';
  const pip = [
    `${links ? '--find-links' : '--extra-index-url'} ${url}`,
    `torch==${torch}+${label}`,
    ...domainLibraries(input, pinned),
  ];
  return {
    channels: ['conda-forge'],
    dependencies: [...pythonSpecs(python), 'pip'],
    pip,
    reason: `install: python and pip from conda-forge; torch==${torch}+${label} from ${url} ${links ? "with --find-links, as PyTorch's instructions of that era did" : 'as an extra index'} (PyPI stays the index for your packages; the +${label} label means pip can only take that wheel) [${build.sources.join(', ')}]`,
  };
}
