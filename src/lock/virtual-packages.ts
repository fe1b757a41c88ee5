/**
 * The virtual packages of the machine an image runs on. A solve on this machine would see this
 * machine's (often no `__cuda` at all, which is how CPU-only CI ends up with a CPU torch); the
 * lock must be solved for the target instead. The values are data, listed here with why.
 */

import { RUNTIME_GLIBC } from '../render/base-images.js';
import type { Platform } from '../rules-format.js';

export interface VirtualPackage {
  name: string;
  version: string;
  build: string;
}

/**
 * - `__cuda`: the model's CUDA, as `CONDA_OVERRIDE_CUDA` gives it in the image build; the
 *   fleet's driver is checked against that CUDA by `resolve`, not here. None for a CPU model.
 * - `__glibc`: the runtime image's glibc, where the environment runs.
 * - `__linux`: the host kernel is not known when locking; 5.10 is an assumption (a floor old
 *   enough for current cloud hosts), and few packages depend on it.
 * - `__archspec`: the generic microarchitecture of the platform, so no package that needs a
 *   newer CPU level (x86_64-v3) is chosen for a fleet that may not have it.
 */
export function virtualPackagesFor(platform: Platform, cuda: string): VirtualPackage[] {
  const generic = platform === 'linux-aarch64' ? 'aarch64' : 'x86_64';
  return [
    ...(cuda === 'cpu' ? [] : [{ name: '__cuda', version: cuda, build: '0' }]),
    { name: '__glibc', version: RUNTIME_GLIBC, build: '0' },
    { name: '__linux', version: '5.10', build: '0' },
    { name: '__unix', version: '0', build: '0' },
    { name: '__archspec', version: '1', build: generic },
  ];
}

/** `__cuda=11.8=0 __glibc=2.36=0 ...`, as `conda info` shows them. */
export function describeVirtualPackages(packages: readonly VirtualPackage[]): string {
  return packages.map((p) => `${p.name}=${p.version}=${p.build}`).join(' ');
}

/** The repodata of a channel that holds only these packages, for the given subdir. */
export function virtualRepodata(subdir: string, packages: readonly VirtualPackage[]): string {
  const records = Object.fromEntries(
    packages.map((p) => [
      `${p.name}-${p.version}-${p.build}.conda`,
      { name: p.name, version: p.version, build: p.build, build_number: 0, depends: [], subdir },
    ]),
  );
  return JSON.stringify({
    info: { subdir },
    packages: {},
    'packages.conda': subdir === 'noarch' ? {} : records,
    repodata_version: 1,
  });
}
