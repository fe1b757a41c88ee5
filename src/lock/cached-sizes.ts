/**
 * Package sizes for a set read from a lock that records none (conda-lock.yml has no `size`):
 * each conda package's repodata `size`, looked up in the repodata `envgen lock` cached for its
 * channel and subdir. Offline only: nothing is fetched. A package's URL names its repodata
 * (`<channel>/<subdir>/<file>` is listed in `<channel>/<subdir>/repodata.json` under `packages`
 * or `packages.conda`, keyed by `<file>`); the lock records the URLs it was solved from, mirrors
 * included, so these are the URLs the cache holds.
 */

import { join } from 'node:path';
import type { Io } from '../io.js';
import { condaFileParts } from '../packages/conda-url.js';
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
import { isMapping } from '../spec/yaml-source.js';
import { fetchCached } from './repodata-cache.js';

export interface SizeCache {
  /** The repodata cache folder (`$ENVGEN_CACHE_DIR/repodata`). */
  dir: string;
  /** The most bytes one repodata body may have (ENVGEN_REPODATA_LIMIT_MB): a larger one is not read. */
  maxBytes: number;
}

/** A channel folder whose packages' sizes stay unknown, and why. */
export interface SizeGap {
  channel: string;
  subdir: string;
  /**
   * `not-cached`: no repodata of it in the cache; `compressed`: only the zstd-compressed or
   * sharded repodata is cached, which envgen does not read; `too-large`: larger than the limit;
   * `unreadable`: not repodata JSON.
   */
  reason: 'not-cached' | 'compressed' | 'too-large' | 'unreadable';
  /** Packages of the set from this folder. */
  packages: number;
}

/**
 * The sizes `envgen lock` saw in its solves, by package URL, in the repodata cache folder: the
 * solver reads every encoding of repodata (zstd, shards) that envgen itself cannot, so this is
 * where most sizes come from. Bounded: past the limit it keeps only the newest lock's packages.
 */
const SIZE_INDEX = 'package-sizes.json';
const MAX_INDEX_ENTRIES = 200_000;
const MAX_INDEX_BYTES = 64 * 1024 * 1024;

/** The size index, or an empty one where there is none or it cannot be read. */
async function readSizeIndex(io: Io, dir: string): Promise<Map<string, number>> {
  try {
    const value: unknown = JSON.parse(
      (await io.readFile(join(dir, SIZE_INDEX), MAX_INDEX_BYTES)).toString('utf8'),
    );
    if (!isMapping(value)) return new Map();
    return new Map(
      Object.entries(value).filter(
        (entry): entry is [string, number] =>
          typeof entry[1] === 'number' && Number.isSafeInteger(entry[1]) && entry[1] >= 0,
      ),
    );
  } catch {
    return new Map();
  }
}

/**
 * Adds the sizes of solved packages to the cache's size index. A cache that cannot be written
 * costs only the sizes `graph` shows later: the error is returned, not thrown.
 */
export async function recordSizes(
  io: Io,
  dir: string,
  packages: readonly { url: string; size: number | null }[],
): Promise<string | null> {
  const known = packages.filter(
    (p): p is { url: string; size: number } => p.size !== null && Number.isSafeInteger(p.size),
  );
  if (known.length === 0) return null;
  let index = await readSizeIndex(io, dir);
  if (index.size + known.length > MAX_INDEX_ENTRIES) index = new Map();
  let changed = false;
  for (const { url, size } of known) {
    if (index.get(url) === size) continue;
    index.set(url, size);
    changed = true;
  }
  if (!changed) return null;
  const sorted = Object.fromEntries([...index].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  try {
    await io.writeFileAtomic(join(dir, SIZE_INDEX), `${JSON.stringify(sorted)}\n`);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The repodata files the solver may have fetched instead of repodata.json, most preferred first. */
const COMPRESSED = ['repodata_shards.msgpack.zst', 'repodata.json.zst'];

/**
 * The set with each conda package's missing size filled from the cached repodata, and the
 * folders the cache could not answer for. Each folder's repodata is read and parsed once.
 */
export async function fillSizesFromCache(
  io: Io,
  set: PackageSet,
  cache: SizeCache,
): Promise<{ set: PackageSet; gaps: SizeGap[] }> {
  const folders = new Map<string, { channel: string; subdir: string; files: Set<string> }>();
  const wanted = new Map<PackageRecord, { folder: string; file: string }>();
  for (const record of set.packages) {
    if (record.manager !== 'conda' || record.size !== null || !record.url) continue;
    const parts = condaFileParts(record.url);
    if (!parts?.channel || !parts.subdir) continue;
    const folder = `${parts.channel}/${parts.subdir}`;
    const entry = folders.get(folder) ?? {
      channel: parts.channel,
      subdir: parts.subdir,
      files: new Set<string>(),
    };
    entry.files.add(parts.file);
    folders.set(folder, entry);
    wanted.set(record, { folder, file: parts.file });
  }
  const sizes = new Map<string, Map<string, number>>();
  const gaps: SizeGap[] = [];
  // First what the lock's own solves saw; the cached repodata only for what they did not.
  const index = folders.size > 0 ? await readSizeIndex(io, cache.dir) : new Map<string, number>();
  for (const [record, at] of wanted) {
    const size = record.url ? index.get(record.url) : undefined;
    if (size === undefined) continue;
    const found = sizes.get(at.folder) ?? new Map<string, number>();
    found.set(at.file, size);
    sizes.set(at.folder, found);
    folders.get(at.folder)?.files.delete(at.file);
  }
  for (const [folder, { channel, subdir, files }] of folders) {
    if (files.size === 0) continue;
    const read = await folderSizes(io, folder, files, cache);
    if (read instanceof Map) sizes.set(folder, new Map([...(sizes.get(folder) ?? []), ...read]));
    else gaps.push({ channel, subdir, reason: read, packages: files.size });
  }
  const packages = set.packages.map((record) => {
    const at = wanted.get(record);
    const size = at ? sizes.get(at.folder)?.get(at.file) : undefined;
    return size === undefined ? record : { ...record, size };
  });
  return { set: { ...set, packages }, gaps };
}

/** The sizes of `files` in one folder's cached repodata.json, or why there are none. */
async function folderSizes(
  io: Io,
  folder: string,
  files: ReadonlySet<string>,
  cache: SizeCache,
): Promise<Map<string, number> | SizeGap['reason']> {
  const options = { dir: cache.dir, offline: true, maxBytes: cache.maxBytes };
  const cached = await fetchCached(io, `${folder}/repodata.json`, options);
  if (cached.kind !== 'ok') {
    for (const name of COMPRESSED) {
      const other = await fetchCached(io, `${folder}/${name}`, options);
      if (other.kind === 'ok') return 'compressed';
    }
    return 'not-cached';
  }
  // The limit may have been lowered since the body was cached, as the lock checks too.
  if (cached.body.byteLength > cache.maxBytes) return 'too-large';
  let repodata: unknown;
  try {
    repodata = JSON.parse(Buffer.from(cached.body).toString('utf8'));
  } catch {
    return 'unreadable';
  }
  if (!isMapping(repodata)) return 'unreadable';
  const found = new Map<string, number>();
  for (const key of ['packages', 'packages.conda']) {
    const records = repodata[key];
    if (!isMapping(records)) continue;
    for (const file of files) {
      const record = Object.hasOwn(records, file) ? records[file] : undefined;
      const size = isMapping(record) ? record.size : undefined;
      if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) {
        found.set(file, size);
      }
    }
  }
  return found;
}
