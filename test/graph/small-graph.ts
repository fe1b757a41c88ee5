/**
 * A small hand-made environment whose answers the tests work out by reading it:
 *
 *   app  -> lib-a (>=1), lib-b            tool -> lib-b, cuda-cudart >=11.8
 *   lib-a -> core, __glibc >=2.17 (virtual), missing-thing (no such package)
 *   lib-b -> core, lib-a
 *   cyc1 <-> cyc2 (a cycle nothing else touches)    selfish -> selfish
 *
 * Sizes: app 100, lib-a 10, lib-b 20, core 1000, tool 5, cuda-cudart 2000, the rest 1 each.
 */
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';

const conda = (name: string, depends: string[], size: number | null) =>
  packageRecord({ name, manager: 'conda', version: '1.0', build: '0', depends, size });

export function smallSet(sizes = true): PackageSet {
  const s = (n: number) => (sizes ? n : null);
  return {
    kind: 'conda-lock',
    label: 'small.yml',
    platform: 'linux-64',
    packages: [
      conda('app', ['lib-a >=1', 'lib-b'], s(100)),
      conda('lib-a', ['core', '__glibc >=2.17', 'missing-thing 2.*'], s(10)),
      conda('lib-b', ['core', 'lib-a'], s(20)),
      conda('core', [], s(1000)),
      conda('tool', ['lib-b', 'cuda-cudart >=11.8'], s(5)),
      conda('cuda-cudart', [], s(2000)),
      conda('cyc1', ['cyc2'], s(1)),
      conda('cyc2', ['cyc1'], s(1)),
      conda('selfish', ['selfish'], s(1)),
    ],
  };
}

export const ROOTS = {
  origin: 'spec' as const,
  requests: [
    { spec: 'app>=1', manager: 'conda' as const },
    { spec: 'tool', manager: 'conda' as const },
  ],
};
