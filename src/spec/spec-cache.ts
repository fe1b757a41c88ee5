/**
 * Valid specs, kept by the SHA-256 of their text: a spec this build of envgen has parsed and
 * validated once is read back as JSON, without the YAML parser (the slowest step of start-up:
 * a few milliseconds for a hand-written spec, over a hundred for one of hundreds of models) or
 * the schema's validators. Where a problem needs a line, the YAML is parsed then
 * (see {@link lazyLocate}), with the same positions as a first load.
 *
 * In `$ENVGEN_CACHE_DIR/spec` (default `~/.cache/envgen/spec`), one file per text, named
 * `<build>-<sha256>.spec`: a build of envgen never reads what another build wrote, so a change
 * to how specs are read can never be hidden by an old cache. Only a spec that loaded without a
 * problem, and whose value JSON keeps exactly, is written. A cache that cannot be read or
 * written only costs the parse.
 *
 * A file is the SHA-256 of the spec's JSON on its first line, then that JSON: a file whose JSON
 * does not match its digest (a disk error, an edit by hand) is not used, so a cached spec is
 * always one that loaded, never a value of another shape for the commands to trip over.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { cacheDir, STALE_BUILD_MS } from '../cache-dir.js';
import type { Io } from '../io.js';
import type { LoadedSpec, Position, Spec } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/** Names this build (set by scripts/build.mjs from its sources); undefined when run from source. */
declare const ENVGEN_BUILD_ID: string | undefined;

/** The build whose specs are read and written; undefined: no cache (tests from source). */
export const BUILD_ID: string | undefined =
  typeof ENVGEN_BUILD_ID === 'undefined' ? undefined : ENVGEN_BUILD_ID;

/** Specs kept at most per build: more are removed, those written longest ago first. */
export const MAX_CACHED_SPECS = 64;

/** A cached spec is at most this large: a spec file is at most 1 MiB. */
const MAX_CACHED_BYTES = 4 * 1024 * 1024;

export interface SpecCache {
  /** The folder of cached specs. */
  dir: string;
  /** Whose caches: a file is read only by the build that wrote it. */
  build: string;
}

/** The spec cache for `build` where `io` runs; none without a build. */
export function specCache(io: Io, build: string | undefined = BUILD_ID): SpecCache | undefined {
  return build === undefined ? undefined : { dir: cacheDir(io.env, 'spec'), build };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function fileOf(cache: SpecCache, text: string): string {
  return join(cache.dir, `${cache.build}-${sha256(text)}.spec`);
}

/** The spec of `text` as a first load of it gave it, or undefined when none is cached. */
export async function cachedSpec(
  io: Io,
  cache: SpecCache,
  text: string,
): Promise<Spec | undefined> {
  try {
    const kept = (await io.readFile(fileOf(cache, text), MAX_CACHED_BYTES)).toString();
    const newline = kept.indexOf('\n');
    const json = kept.slice(newline + 1);
    if (newline < 0 || kept.slice(0, newline) !== sha256(json)) return undefined;
    const spec: unknown = JSON.parse(json);
    return isMap(spec) ? (spec as unknown as Spec) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a valid spec for the next load of the same text; a spec whose value JSON would not
 * keep as it is (a YAML `.inf`, a `__proto__` key) is not kept. Never fails the command.
 */
export async function keepSpec(io: Io, cache: SpecCache, text: string, spec: Spec): Promise<void> {
  if (!jsonKeeps(spec)) return;
  try {
    const json = JSON.stringify(spec);
    await io.writeFileAtomic(fileOf(cache, text), `${sha256(json)}\n${json}`);
    await prune(io, cache);
  } catch {
    // Read-only home, full disk: the next load parses again.
  }
}

/** At most MAX_CACHED_SPECS of this build; other builds' once STALE_BUILD_MS old. */
async function prune(io: Io, cache: SpecCache): Promise<void> {
  const now = io.now();
  const own: { path: string; at: number }[] = [];
  for (const entry of await io.readDir(cache.dir)) {
    if (!entry.isFile || !entry.name.endsWith('.spec')) continue;
    const path = join(cache.dir, entry.name);
    const at = await io.modifiedAt(path);
    if (at === null) continue;
    if (entry.name.startsWith(`${cache.build}-`)) own.push({ path, at });
    else if (now - at > STALE_BUILD_MS) await io.remove(path);
  }
  own.sort((a, b) => b.at - a.at);
  for (const { path } of own.slice(MAX_CACHED_SPECS)) await io.remove(path);
}

/**
 * `locate` of a spec read from the cache: the text is parsed on the first question (a valid
 * spec parses), so a load that reports no problem never parses it.
 */
export function lazyLocate(text: string, file: string): LoadedSpec['locate'] {
  let locate: LoadedSpec['locate'] | undefined;
  return (path): Position | undefined => {
    locate ??= parseYamlSource(text, file).locate;
    return locate(path);
  };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether JSON.parse(JSON.stringify(value)) gives the same value back. */
export function jsonKeeps(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonKeeps);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.entries(value).every(([key, item]) => key !== '__proto__' && jsonKeeps(item));
}
