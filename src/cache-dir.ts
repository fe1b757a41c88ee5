/**
 * Where envgen keeps its caches, one folder per kind: $ENVGEN_CACHE_DIR/<kind>, else
 * $XDG_CACHE_HOME/envgen/<kind>, else ~/.cache/envgen/<kind>. Node's path and os only: the
 * code-cache loader (src/cli/code-cache.ts) bundles this before any of envgen is loaded.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export type CacheKind = 'compile' | 'repodata' | 'osv' | 'spec';

/**
 * What another envgen build (or another Node version) left in a cache folder is removed once
 * this old, by a write (which only a miss makes: the first runs after an install or upgrade).
 * Younger files stay, so two installs sharing the folder do not evict each other run after run.
 */
export const STALE_BUILD_MS = 14 * 24 * 60 * 60 * 1000;

export function cacheDir(env: Record<string, string | undefined>, kind: CacheKind): string {
  const own = env.ENVGEN_CACHE_DIR;
  if (own) return join(own, kind);
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'envgen', kind);
}
