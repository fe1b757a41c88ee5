/**
 * pixi.lock version 7 on rattler's own v7 test data (fixtures/pixi-v7/SOURCE): URLs as in v6,
 * relative paths resolved against the lock's folder, `conda_source:` packages built from source,
 * platforms named other than their subdir; and versions other than 6 and 7 refused.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { packageRecord } from '../../src/packages/package-set.js';
import { parsePixiLock } from '../../src/packages/pixi-lock.js';
import { readInput, readText } from '../../src/packages/read-input.js';
import { type Problem, UserError } from '../../src/problem.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const DIR = 'fixtures/pixi-v7';
const lock = (name: string) => readFileSync(join(DIR, name, 'pixi.lock'), 'utf8');
const read = (name: string, environment?: string) =>
  parsePixiLock(lock(name), 'pixi.lock', environment, resolve(DIR, name, 'pixi.lock'));

function problems(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('pixi.lock v7', () => {
  it('reads conda and PyPI packages at URLs as v6 does', () => {
    const [set, ...rest] = read('numpy-as-pypi');
    expect(rest).toEqual([]);
    expect([set?.platform, set?.packages.length]).toEqual(['osx-arm64', 20]);
    expect(set?.packages.find((p) => p.name === 'python')).toMatchObject({
      manager: 'conda',
      version: '3.13.0',
      build: 'hbbac1ca_101_cp313',
      channel: 'https://prefix.dev/conda-forge',
      subdir: 'osx-arm64',
      md5: 'e972e146a1e0cfb1f26da42cb6f6648c',
      size: 12806496,
    });
    expect(set?.packages.find((p) => p.name === 'numpy')).toMatchObject({
      manager: 'pip',
      version: '2.2.1',
      sha256: '3ecc47cd7f6ea0336042be87d9e7da378e5c7e9b3c8ad0f7c966f714fc10d821',
    });
  });

  it('reads the same packages as the v6 lock of the same environment', () => {
    const v6 = parsePixiLock(readFileSync('fixtures/pixi/numpy-as-pypi/pixi.lock', 'utf8'), 'a');
    const v7 = parsePixiLock(lock('numpy-as-pypi'), 'a');
    const key = (sets: typeof v6) =>
      sets[0]?.packages
        .map((p) => [p.name, p.version, p.build, p.channel, p.sha256].join(' '))
        .sort();
    expect(key(v7)).toEqual(key(v6));
  });

  it('reads conda packages built from source, per platform name, with their source locations', () => {
    const sets = read('conda-source');
    expect(sets.map((s) => [s.platform, s.packages.map((p) => p.name)])).toEqual([
      ['linux-64-foobar', ['minimal-project']],
      ['win-64', ['a-python-project', 'b-python-project', 'minimal-project']],
    ]);
    const folder = resolve(DIR);
    expect(sets[0]?.packages[0]).toEqual({
      name: 'minimal-project',
      manager: 'conda',
      version: '0.1',
      build: 'first',
      channel: null,
      subdir: 'linux-64',
      url: join(folder, 'minimal-project'),
      md5: null,
      sha256: null,
      depends: ['__unix'],
      size: null,
    });
    const b = sets[1]?.packages[1];
    expect([b?.version, b?.build, b?.subdir, b?.url]).toEqual([
      '0.1',
      'h398123',
      'noarch',
      join(folder, 'a-python-project'),
    ]);
    const [second] = read('conda-source', 'second');
    expect(second?.packages.map((p) => [p.name, p.build])).toEqual([['minimal-project', 'second']]);
  });

  it('reads a binary conda package beside one built from source', () => {
    const [set] = read('source-and-binary');
    expect(set?.packages.map((p) => [p.name, p.version, p.build, p.channel, p.md5])).toEqual([
      [
        'python',
        '3.12.0',
        'h2628c8c_0_cpython',
        'https://conda.anaconda.org/conda-forge',
        'defd5d375853a2caff36a19d2d81a28e',
      ],
      ['child-package', '0.1.0', 'pyhbf21a9e_0', null, null],
    ]);
    expect(set?.packages[1]?.url).toBe(resolve(DIR, 'source-and-binary', 'child-package'));
    expect(set?.packages[1]?.depends).toEqual(['python']);
  });

  it('reads PyPI packages at relative paths as versionless, at paths in the lock folder', () => {
    const sets = read('pypi-relative');
    expect(sets.map((s) => s.platform)).toEqual(['linux-64', 'osx-64', 'osx-arm64', 'win-64']);
    const folder = resolve(DIR, 'pypi-relative');
    expect(sets[0]?.packages.map((p) => [p.name, p.manager, p.version, p.url])).toEqual([
      ['pixi-repro', 'pip', null, folder],
      ['my-subdir', 'pip', null, join(folder, 'my_subdir')],
    ]);
    expect(sets[0]?.packages[0]?.depends).toEqual(['my-subdir @ file:my_subdir']);
  });

  it('resolves a conda package at a relative path against the lock folder, with no channel', () => {
    // The numpy-as-pypi lock with python's location edited to paths (rattler's test data has
    // no binary conda package at a path): one in a subdir folder, one not.
    const url = 'https://prefix.dev/conda-forge/osx-arm64/python-3.13.0-hbbac1ca_101_cp313.conda';
    const python = (location: string) =>
      parsePixiLock(
        lock('numpy-as-pypi').replaceAll(url, location),
        'pixi.lock',
        'default',
        '/srv/app/pixi.lock',
      )[0]?.packages.find((p) => p.name === 'python');
    expect(python('../channel/osx-arm64/python-3.13.0-hbbac1ca_101_cp313.conda')).toMatchObject({
      version: '3.13.0',
      build: 'hbbac1ca_101_cp313',
      channel: null,
      subdir: 'osx-arm64',
      url: '/srv/channel/osx-arm64/python-3.13.0-hbbac1ca_101_cp313.conda',
      md5: 'e972e146a1e0cfb1f26da42cb6f6648c',
    });
    expect(python('./pkgs/python-3.13.0-hbbac1ca_101_cp313.conda')).toMatchObject({
      channel: null,
      subdir: null,
      url: '/srv/app/pkgs/python-3.13.0-hbbac1ca_101_cp313.conda',
    });
  });

  it("takes a record's own channel over the one its URL gives", () => {
    const text = lock('source-and-binary').replace(
      '    license: Python-2.0',
      '    channel: https://example.com/mirror/\n    license: Python-2.0',
    );
    const [set] = parsePixiLock(text, 'pixi.lock');
    expect(set?.packages[0]?.channel).toBe('https://example.com/mirror');
  });

  it('resolves paths of a lock read at a git revision within the repository', () => {
    const [set] = readText(lock('source-and-binary'), 'main:app/pixi.lock', 'app/pixi.lock');
    expect(set?.packages[1]?.url).toBe(join('app', 'child-package'));
  });

  it('reads a pixi.lock named on disk, resolving paths against its folder', async () => {
    const [set] = await readInput(
      createNodeIo(),
      process.cwd(),
      `${DIR}/source-and-binary/pixi.lock`,
    );
    expect(set?.packages[1]?.url).toBe(resolve(DIR, 'source-and-binary', 'child-package'));
  });
});

describe("pixi.lock v7 written by pixi (an excerpt of rattler's own)", () => {
  it('reads channel packages and partial records of packages built from source', () => {
    const [set, ...rest] = read('rattler-minio', 'minio');
    expect(rest).toEqual([]);
    expect([set?.platform, set?.packages.length]).toEqual(['linux-64', 13]);
    expect(set?.packages.find((p) => p.name === 'openssl')).toMatchObject({
      manager: 'conda',
      version: '3.6.0',
      build: 'h26f9b46_0',
      channel: 'https://prefix.dev/conda-forge',
      subdir: 'linux-64',
      md5: '9ee58d5c534af06558933af3c845a780',
      sha256: 'a47271202f4518a484956968335b2521409c8173e123ab381e775c358c67fe6d',
    });
    const folder = resolve(DIR, 'rattler-minio');
    expect(set?.packages.slice(-2)).toEqual([
      packageRecord({
        name: 'rattler',
        manager: 'conda',
        url: join(folder, 'crates/rattler-bin'),
        depends: ['libgcc >=15', '__glibc >=2.28,<3.0.a0'],
      }),
      packageRecord({
        name: 'rattler_index',
        manager: 'conda',
        url: join(folder, 'crates/rattler_index'),
        depends: ['libgcc >=15', '__glibc >=2.28,<3.0.a0'],
      }),
    ]);
  });

  it('has no default environment, and says which it has', () => {
    const [problem] = problems(() => read('rattler-minio'));
    expect([problem?.ruleId, problem?.line]).toEqual(['packages/corrupt', 9]);
    expect(problem?.message).toContain('minio');
  });
});

describe('pixi.lock versions', () => {
  it.each([5, 8, '7'])('refuses version %j, naming 6 and 7', (version) => {
    const text = `version: ${JSON.stringify(version)}\nenvironments: {}\npackages: []\n`;
    const [problem, ...rest] = problems(() => parsePixiLock(text, 'pixi.lock'));
    expect(rest).toEqual([]);
    expect([problem?.ruleId, problem?.line]).toEqual(['packages/corrupt', 1]);
    expect(problem?.message).toContain('versions 6 and 7');
  });

  it('refuses a conda_source selector in a version 6 lock', () => {
    const text = lock('source-and-binary').replace('version: 7', 'version: 6');
    const [problem] = problems(() => parsePixiLock(text, 'pixi.lock'));
    expect([problem?.ruleId, problem?.line]).toEqual(['packages/corrupt', 9]);
  });

  it('refuses a malformed source selector', () => {
    const text = lock('source-and-binary').replaceAll(
      'child-package[87dc0b8a] @ child-package',
      'child-package @ child-package',
    );
    const [problem] = problems(() => parsePixiLock(text, 'pixi.lock'));
    expect([problem?.ruleId, problem?.line]).toEqual(['packages/corrupt', 11]);
  });
});

describe('envgen diff on v7 pixi.locks', () => {
  const diff = async (args: string[]) => {
    const result = await runEnvgen(['diff', ...args, '--json'], { cwd: resolve('fixtures') });
    return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
  };

  it('a v6 lock against the v7 lock of the same environment: no change', async () => {
    const { exitCode, json } = await diff([
      'pixi/numpy-as-pypi/pixi.lock',
      'pixi-v7/numpy-as-pypi/pixi.lock',
    ]);
    expect([exitCode, json.changes, json.from.packages, json.to.packages]).toEqual([0, [], 20, 20]);
  });

  it('two environments of a lock of source packages, on one platform', async () => {
    const { exitCode, json } = await diff([
      'pixi-v7/conda-source/pixi.lock',
      'pixi-v7/conda-source/pixi.lock#second',
      '--platform',
      'win-64',
    ]);
    expect(exitCode).toBe(0);
    expect(
      json.changes.map((c: { package: string; class: string }) => [c.package, c.class]),
    ).toEqual([
      ['a-python-project', 'removed'],
      ['b-python-project', 'removed'],
      ['minimal-project', 'rebuilt'],
    ]);
  });

  it("the excerpt of rattler's lock against itself: no change", async () => {
    const lockFile = 'pixi-v7/rattler-minio/pixi.lock#minio';
    const { exitCode, json } = await diff([lockFile, lockFile]);
    expect([exitCode, json.changes, json.from.packages]).toEqual([0, [], 13]);
  });

  it('a lock of version 8 is exit 2', async () => {
    const dir = tmpDir({ 'pixi.lock': 'version: 8\nenvironments: {}\npackages: []\n' });
    const result = await runEnvgen(['diff', 'pixi.lock', 'pixi.lock', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const [problem] = JSON.parse(result.stdout).problems;
    expect([problem.ruleId, problem.file, problem.line]).toEqual([
      'packages/corrupt',
      'pixi.lock',
      1,
    ]);
  });
});
