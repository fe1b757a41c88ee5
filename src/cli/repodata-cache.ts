/**
 * Where `envgen lock` caches repodata and how large a body may be: read by `lock`, which fills
 * the cache, and by `graph`/`why`, which read package sizes from it (src/lock/cached-sizes.ts).
 */
import { cacheDir } from '../cache-dir.js';
import type { Io } from '../io.js';
import { DEFAULT_REPODATA_LIMIT_BYTES } from '../lock/repodata-cache.js';
import { usageError } from '../problem.js';

/** $ENVGEN_REPODATA_LIMIT_MB (megabytes, 1e6 bytes), when set. */
export function repodataLimit(io: Io): number | undefined {
  const text = io.env.ENVGEN_REPODATA_LIMIT_MB;
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text.trim()) || Number(text) <= 0) {
    throw usageError(
      'usage/invalid-flag',
      `ENVGEN_REPODATA_LIMIT_MB=${JSON.stringify(text)} is not a number of megabytes`,
      `e.g. ENVGEN_REPODATA_LIMIT_MB=1024 (default ${DEFAULT_REPODATA_LIMIT_BYTES / 1e6})`,
    );
  }
  return Math.round(Number(text) * 1e6);
}

/** Where repodata is cached: $ENVGEN_CACHE_DIR, else the XDG cache folder. */
export function repodataCacheDir(io: Io): string {
  return cacheDir(io.env, 'repodata');
}
