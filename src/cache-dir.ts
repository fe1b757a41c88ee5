/**
 * Where envgen keeps its caches, one folder per kind: $ENVGEN_CACHE_DIR/<kind>, else
 * $XDG_CACHE_HOME/envgen/<kind>, else ~/.cache/envgen/<kind>. Node's path and os only: the
 * code-cache loader (src/cli/code-cache.ts) bundles this before any of envgen is loaded.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export type CacheKind = 'compile' | 'repodata' | 'osv' | 'spec';

export function cacheDir(env: Record<string, string | undefined>, kind: CacheKind): string {
  const own = env.ENVGEN_CACHE_DIR;
  if (own) return join(own, kind);
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'envgen', kind);
}
