/**
 * renderCondaLockYml on its own: what it writes reads back (envgen's reader, and a plain YAML
 * parser) as what it was given, sorted as conda-lock sorts, under an intact seal.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { condaLockEntries, renderCondaLockYml } from '../../src/lock/conda-lock-yml.js';
import type { LockedPackage } from '../../src/lock/solve.js';
import { type CondaLockEntry, readCondaLock } from '../../src/packages/conda-lock.js';
import { sealState } from '../../src/render/seal.js';

const header = { version: '0.1.0', specFile: 'envgen.yaml', model: 'm', inputHash: 'c'.repeat(64) };

const solved = (name: string, version: string, depends: string[], md5: string | null) =>
  ({
    name,
    version,
    build: 'h0_0',
    url: `https://conda.anaconda.org/conda-forge/linux-64/${name}-${version}-h0_0.conda`,
    md5,
    sha256: null,
    subdir: 'linux-64',
    depends,
    size: 10,
  }) satisfies LockedPackage;

describe('renderCondaLockYml', () => {
  const linux = condaLockEntries(
    [
      solved('zlib', '1.3.1', [], 'a'.repeat(32)),
      solved(
        'python',
        '3.10',
        ['zlib >=1.3', 'python_abi 3.10.* *_cp310', 'tzdata', 'zlib <2'],
        null,
      ),
    ],
    'linux-64',
  );
  const pip: CondaLockEntry = {
    name: 'typing-extensions',
    version: '4.12.2',
    manager: 'pip',
    platform: 'linux-64',
    dependencies: [],
    url: 'https://files.pythonhosted.org/packages/x/typing_extensions-4.12.2-py3-none-any.whl',
    md5: null,
    sha256: 'b'.repeat(64),
    build: null,
    category: 'main',
    optional: false,
  };
  const arm = condaLockEntries([solved('zlib', '1.3.1', [], 'd'.repeat(32))], 'linux-aarch64');
  const text = renderCondaLockYml(header, {
    channels: [{ url: 'conda-forge', usedEnvVars: [] }],
    sources: ['../../envgen.yaml'],
    platforms: [
      { platform: 'linux-aarch64', contentHash: 'e'.repeat(64), entries: arm },
      { platform: 'linux-64', contentHash: 'f'.repeat(64), entries: [...linux, pip] },
    ],
  });

  it('reads back as what it was given, with match specs as conda-lock maps them', () => {
    expect(sealState(text)).toBe('intact');
    const lock = readCondaLock(text, 'conda-lock.yml');
    expect(lock.platforms).toEqual(['linux-64', 'linux-aarch64']);
    expect(lock.contentHash).toEqual({
      'linux-64': 'f'.repeat(64),
      'linux-aarch64': 'e'.repeat(64),
    });
    expect(lock.sources).toEqual(['../../envgen.yaml']);
    const python = lock.packages.find((p) => p.name === 'python');
    // `3.10` stays text; the build part of a spec is dropped; a name given twice is joined.
    expect(python?.version).toBe('3.10');
    expect(python?.dependencies).toEqual([
      ['zlib', '>=1.3,<2'],
      ['python_abi', '3.10.*'],
      ['tzdata', ''],
    ]);
    // conda-lock needs an MD5 on a conda package: '' where the channel had none.
    expect(parse(text).package.find((p: { name: string }) => p.name === 'python').hash).toEqual({
      md5: '',
    });
    expect(lock.packages.find((p) => p.manager === 'pip')).toEqual(pip);
  });

  it('sorts by manager, name, then platform, as conda-lock does', () => {
    const order = parse(text).package.map(
      (p: { manager: string; name: string; platform: string }) =>
        `${p.manager} ${p.name} ${p.platform}`,
    );
    expect(order).toEqual([
      'conda python linux-64',
      'conda zlib linux-64',
      'conda zlib linux-aarch64',
      'pip typing-extensions linux-64',
    ]);
  });
});
