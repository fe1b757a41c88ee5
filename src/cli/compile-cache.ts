// Node's module compile cache (Node 22.1+): the V8 code of dist/'s chunks is kept on disk, so a
// later start skips compiling them. bin/envgen calls this before it imports the CLI; on Node 20,
// where node:module has no enableCompileCache, it does nothing. Its own module so that bin/envgen
// loads only this before the cache is on (dist/compile-cache.js, a separate entry of the build).
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The part of `node:module` used here; `enableCompileCache` is absent before Node 22.1. */
interface ModuleApi {
  enableCompileCache?: (cacheDir?: string) => unknown;
}

/**
 * Turns the compile cache on where `mod` (node:module) has it, in envgen's cache folder:
 * $ENVGEN_CACHE_DIR/compile, else $XDG_CACHE_HOME/envgen/compile, else ~/.cache/envgen/compile.
 * Returns that folder, or undefined where the API is missing or refused. Never throws: a cache
 * that cannot be written costs only speed, and Node itself honours NODE_DISABLE_COMPILE_CACHE.
 */
export function enableCompileCache(
  mod: ModuleApi,
  env: Record<string, string | undefined>,
): string | undefined {
  if (typeof mod.enableCompileCache !== 'function') return undefined;
  const own = env.ENVGEN_CACHE_DIR;
  const dir = own
    ? join(own, 'compile')
    : join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'envgen', 'compile');
  try {
    mod.enableCompileCache(dir);
    return dir;
  } catch {
    return undefined;
  }
}
