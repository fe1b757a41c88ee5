/**
 * The round-trip invariant: one package set written in every format envgen reads diffs empty
 * against itself, and against the same packages written in another format.
 */
import { describe, expect, it } from 'vitest';
import { diffPackageSets } from '../../src/diff/compare.js';
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';
import { readText } from '../../src/packages/read-input.js';
import {
  condaLockYml,
  environmentYml,
  explicitLock,
  pipFreeze,
  pixiLock,
} from './round-trip-formats.js';

const CF = 'https://conda.anaconda.org/conda-forge';
const PT = 'https://conda.anaconda.org/pytorch';
const conda = (name: string, version: string, build: string, channel = CF, subdir = 'linux-64') =>
  packageRecord({
    name,
    manager: 'conda',
    version,
    build,
    channel,
    subdir,
    md5: `${name.length.toString(16).padStart(2, '0')}${'0'.repeat(30)}`,
  });
const pip = (name: string, version: string) => packageRecord({ name, manager: 'pip', version });

const SET: PackageSet = {
  kind: 'explicit-lock',
  label: 'original',
  platform: 'linux-64',
  packages: [
    conda('python', '3.11.7', 'hab00c5b_1_cpython'),
    conda('numpy', '1.26.4', 'py311h64a7726_0'),
    conda('typing_extensions', '4.9.0', 'pyha770c72_0', CF, 'noarch'),
    conda('pytorch', '2.1.2', 'py3.11_cuda11.8_cudnn8.7.0_0', PT),
    conda('pytorch-cuda', '11.8', 'h7e8668a_6', PT),
    pip('opentelemetry-sdk', '1.22.0'),
    pip('torchserve', '0.9.0'),
  ],
};
const CONDA_ONLY = { ...SET, packages: SET.packages.filter((p) => p.manager === 'conda') };
const PIP_ONLY = { ...SET, packages: SET.packages.filter((p) => p.manager === 'pip') };

/** The written text read back as envgen reads a file of that name. */
function readBack(text: string, name: string): PackageSet {
  const sets = readText(text, name, name);
  expect(sets).toHaveLength(1);
  return sets[0] as PackageSet;
}

const FORMATS: [string, (set: PackageSet) => string, string, PackageSet][] = [
  ['explicit lock', explicitLock, 'conda-linux-64.lock', CONDA_ONLY],
  ['conda-lock.yml', condaLockYml, 'conda-lock.yml', CONDA_ONLY],
  ['pixi.lock', pixiLock, 'pixi.lock', SET],
  ['pixi.lock v7', (set) => pixiLock(set, 7), 'pixi.lock', SET],
  ['environment.yml', environmentYml, 'environment.yml', SET],
  ['pip freeze', pipFreeze, 'requirements.txt', PIP_ONLY],
];

describe('round trip: the same packages in every format', () => {
  it.each(FORMATS)('%s: read back whole, and empty against itself', (_name, write, file, set) => {
    const text = write(set);
    const back = readBack(text, file);
    // conda-lock.yml is sorted by name; the others keep the order written.
    const triples = (s: PackageSet) =>
      s.packages.map((p) => [p.manager, p.name, p.version].join(' ')).sort();
    expect(triples(back)).toEqual(triples(set));
    expect(diffPackageSets(back, readBack(text, file)).changes).toEqual([]);
    expect(diffPackageSets(set, back).changes).toEqual([]);
  });

  it.each(
    FORMATS.flatMap(([a, writeA, fileA, setA]) =>
      FORMATS.filter(([b]) => b !== a).map(([b, writeB, fileB, setB]) => {
        // Compare what both formats hold: the packages common to the two sets.
        const common = setA.packages.filter((p) => setB.packages.includes(p));
        const shared = { ...SET, packages: common };
        return [
          a,
          b,
          () => readBack(writeA(shared), fileA),
          () => readBack(writeB(shared), fileB),
          common.length,
        ] as const;
      }),
    ),
  )('%s against %s: no change', (_a, _b, left, right, count) => {
    const x = left();
    const y = right();
    expect(x.packages).toHaveLength(count);
    expect(diffPackageSets(x, y).changes).toEqual([]);
  });

  it('a changed package breaks the invariant, so the checks above can fail', () => {
    const changed = {
      ...SET,
      packages: SET.packages.map((p) => (p.name === 'numpy' ? { ...p, version: '2.1.0' } : p)),
    };
    const diff = diffPackageSets(
      readBack(pixiLock(SET), 'pixi.lock'),
      readBack(environmentYml(changed), 'environment.yml'),
    );
    expect(diff.changes.map((c) => [c.package, c.class])).toEqual([['numpy', 'upgrade']]);
  });
});
