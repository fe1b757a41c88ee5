/**
 * Sizes from the repodata cache (src/lock/cached-sizes.ts): the cache is filled here the way
 * `envgen lock` fills it (fetchCached, from a fake server), then read offline.
 */
import { describe, expect, it } from 'vitest';
import { createNodeIo, type Io } from '../../src/io.js';
import { fillSizesFromCache, recordSizes } from '../../src/lock/cached-sizes.js';
import { fetchCached } from '../../src/lock/repodata-cache.js';
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const CHANNEL = 'https://mirror.example/conda-forge';

const REPODATA = {
  info: { subdir: 'linux-64' },
  packages: { 'zlib-1.3.1-h4ab18f5_1.tar.bz2': { name: 'zlib', size: 89141 } },
  'packages.conda': {
    'libcublas-12.6.4.1-hbd13f7d_0.conda': { name: 'libcublas', size: 468_000_000 },
    'python-3.11.9-hb806964_0_cpython.conda': { name: 'python', size: 30_884_939 },
    'odd-1.0-0.conda': { name: 'odd', size: '12' },
  },
};

/** A cache folder holding `bodies` (URL to body) as fetchCached writes them; and an Io that refuses the network. */
async function cacheWith(bodies: Record<string, string>): Promise<{ dir: string; io: Io }> {
  const dir = tmpDir({});
  const base = createNodeIo(process.env);
  const serving: Io = {
    ...base,
    fetch: async (url) =>
      bodies[url] !== undefined ? new Response(bodies[url]) : new Response(null, { status: 404 }),
  };
  for (const url of Object.keys(bodies)) {
    const fetched = await fetchCached(serving, url, { dir, offline: false, maxBytes: 1e9 });
    expect(fetched.kind).toBe('ok');
  }
  const offline: Io = {
    ...base,
    fetch: () => Promise.reject(new Error('graph must not touch the network')),
  };
  return { dir, io: offline };
}

function conda(subdir: string, file: string, size: number | null = null) {
  const name = file.slice(0, file.indexOf('-'));
  return packageRecord({ name, manager: 'conda', url: `${CHANNEL}/${subdir}/${file}`, size });
}

function setOf(...packages: PackageSet['packages']): PackageSet {
  return { kind: 'conda-lock', label: 'conda-lock.yml', platform: 'linux-64', packages };
}

describe('fillSizesFromCache', () => {
  it('fills each missing size from packages and packages.conda, by channel, subdir and file', async () => {
    const { dir, io } = await cacheWith({
      [`${CHANNEL}/linux-64/repodata.json`]: JSON.stringify(REPODATA),
    });
    const set = setOf(
      conda('linux-64', 'zlib-1.3.1-h4ab18f5_1.tar.bz2'),
      conda('linux-64', 'libcublas-12.6.4.1-hbd13f7d_0.conda'),
      // Known already (a reader that records sizes): kept as it is.
      conda('linux-64', 'python-3.11.9-hb806964_0_cpython.conda', 7),
      // Not in the repodata (removed since), or with a size that is no number: unknown.
      conda('linux-64', 'gone-1.0-0.conda'),
      conda('linux-64', 'odd-1.0-0.conda'),
      packageRecord({ name: 'requests', manager: 'pip', url: 'https://files.example/r.whl' }),
    );
    const { set: filled, gaps } = await fillSizesFromCache(io, set, { dir, maxBytes: 1e9 });
    expect(filled.packages.map((p) => [p.name, p.size])).toEqual([
      ['zlib', 89141],
      ['libcublas', 468_000_000],
      ['python', 7],
      ['gone', null],
      ['odd', null],
      ['requests', null],
    ]);
    expect(gaps).toEqual([]);
  });

  it('says which folders it could not read, and why; their sizes stay unknown', async () => {
    const big = JSON.stringify(REPODATA);
    const { dir, io } = await cacheWith({
      [`${CHANNEL}/linux-64/repodata.json`]: big,
      [`${CHANNEL}/noarch/repodata.json.zst`]: 'compressed bytes',
      [`${CHANNEL}/linux-aarch64/repodata.json`]: '{"packages": ',
    });
    const set = setOf(
      conda('linux-64', 'zlib-1.3.1-h4ab18f5_1.tar.bz2'),
      conda('noarch', 'flask-3.0.3-pyhd8ed1ab_0.conda'),
      conda('linux-aarch64', 'zlib-1.3.1-h68df207_1.conda'),
      conda('linux-aarch64', 'bzip2-1.0.8-h68df207_7.conda'),
      conda('win-64', 'zlib-1.3.1-h2466b09_1.conda'),
    );
    // A limit below the linux-64 body: it is cached, but not read.
    const { set: filled, gaps } = await fillSizesFromCache(io, set, {
      dir,
      maxBytes: big.length - 1,
    });
    expect(filled.packages.every((p) => p.size === null)).toBe(true);
    expect(gaps.map((g) => [g.subdir, g.reason, g.packages])).toEqual([
      ['linux-64', 'too-large', 1],
      ['noarch', 'compressed', 1],
      ['linux-aarch64', 'unreadable', 2],
      ['win-64', 'not-cached', 1],
    ]);
    expect(gaps.every((g) => g.channel === CHANNEL)).toBe(true);
  });
});

describe('the size index the lock keeps', () => {
  it("answers from the solver's sizes where the cache holds only compressed repodata", async () => {
    const { dir, io } = await cacheWith({
      [`${CHANNEL}/linux-64/repodata.json.zst`]: 'not json: zstd',
    });
    const cublas = `${CHANNEL}/linux-64/libcublas-12.6.4.1-hbd13f7d_0.conda`;
    const python = `${CHANNEL}/linux-64/python-3.11.9-hb806964_0_cpython.conda`;
    expect(
      await recordSizes(io, dir, [
        { url: cublas, size: 468_000_000 },
        { url: `${CHANNEL}/noarch/pip-24.2-pyh8b19718_1.conda`, size: null },
      ]),
    ).toBeNull();
    const { set, gaps } = await fillSizesFromCache(
      io,
      setOf(
        conda('linux-64', 'libcublas-12.6.4.1-hbd13f7d_0.conda'),
        conda('linux-64', 'python-3.11.9-hb806964_0_cpython.conda'),
      ),
      { dir, maxBytes: 1e9 },
    );
    expect(set.packages.map((p) => [p.url, p.size])).toEqual([
      [cublas, 468_000_000],
      [python, null],
    ]);
    // Only what the index does not know is looked for in the repodata, which is compressed.
    expect(gaps).toEqual([
      { channel: CHANNEL, subdir: 'linux-64', reason: 'compressed', packages: 1 },
    ]);
  });

  it('a later lock adds to the index; an unwritable cache is reported, not thrown', async () => {
    const { dir, io } = await cacheWith({});
    const a = `${CHANNEL}/noarch/a-1-0.conda`;
    const b = `${CHANNEL}/noarch/b-1-0.conda`;
    await recordSizes(io, dir, [{ url: a, size: 1 }]);
    await recordSizes(io, dir, [{ url: b, size: 2 }]);
    const { set, gaps } = await fillSizesFromCache(
      io,
      setOf(conda('noarch', 'a-1-0.conda'), conda('noarch', 'b-1-0.conda')),
      { dir, maxBytes: 1e9 },
    );
    expect([set.packages.map((p) => p.size), gaps]).toEqual([[1, 2], []]);
    const refusing: Io = {
      ...io,
      writeFileAtomic: () => Promise.reject(new Error('EROFS: read-only file system')),
    };
    expect(await recordSizes(refusing, dir, [{ url: a, size: 3 }])).toMatch(/EROFS/);
  });
});
