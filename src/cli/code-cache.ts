// How bin/envgen loads dist/: each chunk is CommonJS (scripts/build.mjs turns esbuild's ES-module
// chunks into it) and is compiled here through node:vm with a V8 code cache kept on disk, on every
// Node version. Node 20 has no module compile cache; and a code cache made after the command has
// run (as save() makes it) also holds the functions V8 compiled lazily on the way (the YAML
// parser, commander, the validators), which Node 22's own compile cache, made when a module is
// compiled, does not. Built to dist/code-cache.cjs, a separate entry that bin/envgen require()s,
// with the content hashes of dist/'s files (ENVGEN_CHUNK_HASHES) put in by the build.
//
// Each command has caches of its own (`<file>.<hash>.<command>.v8`): a chunk's cache holds the
// functions that command compiled, so the first command to load a shared chunk (the YAML parser,
// the spec's validators) does not decide for the others what is compiled lazily on every run.
// They are not merged into one: a long command (audit) flushes the bytecode of functions it has
// not run for a while, which would drop other commands' functions from a merged cache for good.
//
// A cache is never needed: a missing, unreadable or rejected one (another V8, other flags) is
// compiled from source as Node would, and written again after the command; a cache folder that
// cannot be written costs only speed.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheDir, STALE_BUILD_MS } from '../cache-dir.js';

/** Content hashes of dist/'s files, by file name, from the build (absent when run from source). */
declare const ENVGEN_CHUNK_HASHES: Record<string, string> | undefined;

/**
 * The folder of envgen's code caches for this Node: $ENVGEN_CACHE_DIR/compile, else
 * $XDG_CACHE_HOME/envgen/compile, else ~/.cache/envgen/compile, each with a folder per Node
 * version and architecture. Undefined where NODE_DISABLE_COMPILE_CACHE is set (Node's own switch
 * for its compile cache, honoured here too).
 */
export function codeCacheDir(
  env: Record<string, string | undefined>,
  node: { version: string; arch: string } = { version: process.version, arch: process.arch },
): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  return join(cacheDir(env, 'compile'), `${node.version}-${node.arch}`);
}

export interface ChunkLoader {
  /** The exports of a CommonJS file of dist/ (and of the files it requires from dist/). */
  load(file: string): unknown;
  /**
   * Writes the code cache of each file loaded without an accepted one; returns how many were
   * written. Call it after the command has run, so lazily compiled functions are in the cache.
   */
  save(): number;
}

/** The cache label of a run whose arguments name no command (`envgen --version`). */
export const NO_COMMAND = 'none';

/**
 * The command a run's arguments name, as its caches are labelled: the first argument, when it is
 * a word that could be a command (`resolve`, `audit`); anything else shares {@link NO_COMMAND}.
 */
export function commandOf(argv: readonly string[]): string {
  const first = argv[0];
  return first !== undefined && /^[a-z][a-z-]{0,19}$/.test(first) ? first : NO_COMMAND;
}

interface Loaded {
  exports: unknown;
}

/** A temp file of a save older than this was left by a save that never finished. */
const TEMP_MS = 60_000;

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/**
 * A loader of dist/'s CommonJS files, with their code caches in `cacheDir` (none where it is
 * undefined). `hashes` (file name to content hash) names each cache file, so a cache is only ever
 * read for the very file it was made from; a file without a hash is loaded without a cache.
 * `command` (see {@link commandOf}) names whose caches these are.
 */
export function chunkLoader(
  cacheDir: string | undefined,
  hashes: Record<string, string> = typeof ENVGEN_CHUNK_HASHES === 'undefined'
    ? {}
    : ENVGEN_CHUNK_HASHES,
  command: string = NO_COMMAND,
): ChunkLoader {
  const modules = new Map<string, Loaded>();
  const unsaved: { script: Script; cacheFile: string }[] = [];

  /** The `require` of a file of dist/: its `.cjs` siblings through this loader, the rest Node's. */
  function requireFrom(file: string): NodeJS.Require {
    const nodeRequire = Module.createRequire(file);
    const own = (id: string): unknown => {
      if (id.startsWith('.') && id.endsWith('.cjs')) return load(resolve(dirname(file), id));
      // createRequire(import.meta.url)('./validators.cjs'): the facade's createRequire is this.
      if (id === 'node:module' || id === 'module') return moduleFacade;
      return nodeRequire(id);
    };
    return Object.assign(own, {
      resolve: nodeRequire.resolve,
      cache: nodeRequire.cache,
      main: nodeRequire.main,
      extensions: nodeRequire.extensions,
    }) as NodeJS.Require;
  }

  /** node:module as the chunks see it: createRequire gives the loader's `require`. */
  const moduleFacade = Object.assign(Object.create(Module) as typeof Module, {
    createRequire: (from: string | URL) =>
      requireFrom(
        typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from),
      ),
  });

  function cachedData(cacheFile: string | undefined): Buffer | undefined {
    if (!cacheFile) return undefined;
    try {
      return readFileSync(cacheFile);
    } catch {
      return undefined;
    }
  }

  function load(file: string): unknown {
    // `node --enable-source-maps` (with a build made with ENVGEN_SOURCEMAP=1): Node's own loader,
    // which applies the maps; node:vm does not on Node 20.
    if (process.sourceMapsEnabled) return Module.createRequire(file)(file);
    const known = modules.get(file);
    if (known) return known.exports;
    const module: Loaded = { exports: {} };
    // Before it runs, as Node does: a cycle gets the exports made so far.
    modules.set(file, module);
    const name = basename(file);
    const hash = hashes[name];
    const cacheFile =
      cacheDir && hash ? join(cacheDir, `${name}.${hash}.${command}.v8`) : undefined;
    const data = cachedData(cacheFile);
    const source = readFileSync(file, 'utf8');
    const script = new Script(`${WRAPPER_HEAD}${source}${WRAPPER_TAIL}`, {
      filename: file,
      ...(data ? { cachedData: data } : {}),
    });
    if (cacheFile && (!data || script.cachedDataRejected)) unsaved.push({ script, cacheFile });
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    try {
      run.call(module.exports, module.exports, requireFrom(file), module, file, dirname(file));
    } catch (error) {
      modules.delete(file);
      throw error;
    }
    return module.exports;
  }

  function save(): number {
    if (!cacheDir || unsaved.length === 0) return 0;
    let written = 0;
    try {
      mkdirSync(cacheDir, { recursive: true });
    } catch {
      return 0;
    }
    for (const { script, cacheFile } of unsaved.splice(0)) {
      // Written beside, then renamed: another envgen reading it sees the old file or the new one.
      const temp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
        written++;
      } catch {
        // Only speed is lost.
        try {
          rmSync(temp, { force: true });
        } catch {
          // Left for the next build of the cache to overwrite.
        }
      }
    }
    prune(cacheDir);
    return written;
  }

  /**
   * Removes, once STALE_BUILD_MS old, the cache files of other builds in `dir` and the folders of
   * other Node versions beside it; temp files a crashed save left, once a minute old. Never fails
   * the command: only disk space is lost, and the next save tries again.
   */
  function prune(dir: string): void {
    // Any command's cache of a file of this build: `<file>.<hash>.<command>.v8`.
    const current = new Set(Object.entries(hashes).map(([name, hash]) => `${name}.${hash}`));
    const now = Date.now();
    const removeIfOlder = (path: string, ms: number, recursive = false): void => {
      try {
        if (now - statSync(path).mtimeMs > ms) rmSync(path, { force: true, recursive });
      } catch {
        // Gone already (another save pruned it), or not ours to remove.
      }
    };
    const names = (folder: string): string[] => {
      try {
        return readdirSync(folder);
      } catch {
        return [];
      }
    };
    for (const name of names(dir)) {
      if (/\.v8\.\d+\.tmp$/.test(name)) removeIfOlder(join(dir, name), TEMP_MS);
      else if (name.endsWith('.v8')) {
        const ofBuild = /^(.+?\.cjs\.[0-9a-f]+)\.[a-z-]+\.v8$/.exec(name)?.[1];
        if (ofBuild === undefined || !current.has(ofBuild))
          removeIfOlder(join(dir, name), STALE_BUILD_MS);
      }
    }
    // `compile/<node version>-<arch>`: another Node's folder, last written long ago.
    const parent = dirname(dir);
    for (const name of names(parent)) {
      if (name !== basename(dir)) removeIfOlder(join(parent, name), STALE_BUILD_MS, true);
    }
  }

  return { load, save };
}
