/**
 * Package sizes for a set read from a lock that records none (conda-lock.yml has no `size`):
 * each conda package's repodata `size`, looked up in the repodata `envgen lock` cached for its
 * channel and subdir. Offline only: nothing is fetched. A package's URL names its repodata
 * (`<channel>/<subdir>/<file>` is listed in `<channel>/<subdir>/repodata.json` under `packages`
 * or `packages.conda`, keyed by `<file>`); the lock records the URLs it was solved from, mirrors
 * included, so these are the URLs the cache holds.
 */
import type { Io } from '../io.js';
import { condaFileParts } from '../packages/conda-url.js';
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
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
  for (const [folder, { channel, subdir, files }] of folders) {
    const read = await folderSizes(io, folder, files, cache);
    if (read instanceof Map) sizes.set(folder, read);
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
  if (!isMap(repodata)) return 'unreadable';
  const found = new Map<string, number>();
  for (const key of ['packages', 'packages.conda']) {
    const records = repodata[key];
    if (!isMap(records)) continue;
    for (const file of files) {
      const record = Object.hasOwn(records, file) ? records[file] : undefined;
      const size = isMap(record) ? record.size : undefined;
      if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) {
        found.set(file, size);
      }
    }
  }
  return found;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
