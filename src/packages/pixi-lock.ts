/**
 * pixi's lock file, `pixi.lock`, format versions 6 and 7 (rattler_lock's v6 and v7):
 * `environments.<env>` lists, per platform, the locations of its packages (`- conda: <url>` or
 * `- pypi: <url>`), and the top-level `packages` list holds each one's record (sha256, md5,
 * depends, size; for PyPI packages name, version, requires_dist). One package set per platform
 * of the environment.
 *
 * What version 7 adds, as read here:
 * - a location may be a path rather than a URL (`conda: ../pkgs/foo-1.0-0.conda`,
 *   `pypi: ./my_subdir`), relative to the lock's folder. Its record's `url` is that path resolved
 *   against the folder of the lock (absolute for a lock read from disk, within the repository
 *   for `REV:path`); a conda package at a path has no channel (`null`), as rattler derives none.
 * - a conda record may name its `channel:` (or `channel: null`) where it differs from the one
 *   its URL gives; that one is taken.
 * - `conda_source: <name>[<hash>] @ <location>` is a conda package built from source (a pixi
 *   build). It is a conda record named by the selector, with version, build, subdir, depends
 *   and size from its record (version and build `null` where the record is partial), channel
 *   `null`, no hashes, and `url` its source location (a URL as written, a path resolved as above).
 * - a PyPI record without `version` is a source package (a folder or repository): version `null`.
 * - platforms are declared in a top-level `platforms:` list and may be named other than their
 *   subdir (`linux-64-foobar` with `subdir: linux-64`); a set's platform is the name the
 *   environment uses, its records keep their subdir.
 */

import { dirname, isAbsolute, join } from 'node:path';
import { normalizeName } from '../spec/package-entries.js';
import { isMapping, parseYamlSource } from '../spec/yaml-source.js';
import { condaFileParts } from './conda-url.js';
import { corruptInput } from './input-problem.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';
import { versionInUrl } from './pip-requirements.js';

/** The versions of pixi.lock envgen reads. */
const VERSIONS = [6, 7];

const EXPECTED =
  'a pixi.lock of version 6 or 7: `version: 6` or `version: 7`, `environments:` and `packages:`';

type Entry = Record<string, unknown>;
type Selector = 'conda' | 'conda_source' | 'pypi';

/** A location that is a URL (`https://…`, `file:///…`, `git+https://…`), not a path. */
const isUrl = (location: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]+:/.test(location);

/** A location as a record's `url`: a URL as written, a path resolved against the lock's folder. */
function resolveLocation(location: string, lockPath: string): string {
  if (isUrl(location)) return location;
  const resolved = isAbsolute(location) ? location : join(dirname(lockPath), location);
  return resolved.length > 1 ? resolved.replace(/[\\/]+$/, '') : resolved;
}

/** Whether a parsed YAML value has the top-level keys of a pixi lock. */
export function isPixiLockValue(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'version' in value &&
    'environments' in value &&
    'packages' in value
  );
}

/**
 * The package sets of one environment of a pixi.lock. `lockPath` is where the lock is (its folder
 * is what relative locations are resolved against); by default `file`.
 */
export function parsePixiLock(
  text: string,
  file: string,
  environment = 'default',
  lockPath = file,
): PackageSet[] {
  // The YAML read as every YAML file is (one document, bounded aliases and depth); its numbers
  // as numbers, as pixi writes `version: 6` and `size:`.
  const source = parseYamlSource(text, file, 'pixi-lock', { numbersAsText: false });
  if (!isMapping(source.value)) throw corruptInput(file, 1, 'is not a YAML map', EXPECTED);
  const lineOfText = (needle: string): number | undefined => {
    const at = text.indexOf(needle);
    return at < 0 ? undefined : text.slice(0, at).split('\n').length;
  };
  const value = source.value as Entry;
  const version = value.version;
  if (typeof version !== 'number' || !VERSIONS.includes(version)) {
    throw corruptInput(
      file,
      lineOfText('version:'),
      `is pixi.lock version ${JSON.stringify(version)}; envgen reads versions ${VERSIONS.join(' and ')}`,
      EXPECTED,
    );
  }
  const selectors: Selector[] =
    version >= 7 ? ['conda', 'conda_source', 'pypi'] : ['conda', 'pypi'];
  const selectorOf = (ref: unknown): Selector | undefined =>
    typeof ref === 'object' && ref !== null
      ? selectors.find((key) => typeof (ref as Entry)[key] === 'string')
      : undefined;
  const environments = value.environments as Entry | undefined;
  const env = environments?.[environment] as Entry | undefined;
  if (!env || typeof env !== 'object') {
    const names = Object.keys(environments ?? {});
    throw corruptInput(
      file,
      lineOfText('environments:'),
      `has no environment '${environment}' (it has: ${names.join(', ') || 'none'})`,
      EXPECTED,
    );
  }
  const details = new Map<string, Entry>();
  if (!Array.isArray(value.packages))
    throw corruptInput(file, lineOfText('packages:'), '`packages:` is not a list', EXPECTED);
  for (const entry of value.packages as Entry[]) {
    const selector = selectorOf(entry);
    if (selector) details.set(`${selector} ${entry[selector]}`, entry);
  }
  const platforms = (env.packages ?? {}) as Record<string, unknown>;
  if (typeof platforms !== 'object' || Array.isArray(platforms)) {
    throw corruptInput(
      file,
      lineOfText('environments:'),
      `environment '${environment}' has no map of platforms under \`packages:\``,
      EXPECTED,
    );
  }
  return Object.entries(platforms).map(([platform, list]) => {
    if (!Array.isArray(list)) {
      throw corruptInput(
        file,
        lineOfText(`${platform}:`),
        `the packages of ${platform} are not a list`,
        EXPECTED,
      );
    }
    const packages = (list as Entry[]).map((ref) => {
      const selector = selectorOf(ref);
      if (!selector)
        throw corruptInput(
          file,
          lineOfText(`${platform}:`),
          `an entry of ${platform} is none of ${selectors.map((s) => `\`${s}: <location>\``).join(', ')}`,
          EXPECTED,
        );
      const location = ref[selector] as string;
      const entry = details.get(`${selector} ${location}`) ?? {};
      const line = lineOfText(location);
      if (selector === 'conda') return condaRecord(location, entry, file, line, lockPath);
      if (selector === 'conda_source') return sourceRecord(location, entry, file, line, lockPath);
      return pypiRecord(location, entry, file, line, lockPath, version);
    });
    return { kind: 'pixi-lock' as const, label: file, platform, packages };
  });
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** A folder name that is a conda subdir (`noarch`, `linux-64`, `osx-arm64`), as a path's may not be. */
const SUBDIR = /^(noarch|(linux|osx|win|emscripten|wasi|freebsd|zos)-[a-z0-9_]+)$/;

function condaRecord(
  location: string,
  entry: Entry,
  file: string,
  line: number | undefined,
  lockPath: string,
): PackageRecord {
  const url = resolveLocation(location, lockPath);
  const parts = condaFileParts(url);
  const name = text(entry.name) ?? parts?.name;
  const version = text(entry.version) ?? parts?.version;
  if (!name || !version) {
    throw corruptInput(
      file,
      line,
      `'${url}' names no conda package and its record gives no name and version`,
      EXPECTED,
    );
  }
  return packageRecord({
    name: name.toLowerCase(),
    manager: 'conda',
    version: String(version),
    build: text(entry.build) ?? parts?.build ?? null,
    channel:
      'channel' in entry
        ? (text(entry.channel)?.replace(/\/+$/, '') ?? null)
        : isUrl(location)
          ? (parts?.channel ?? null)
          : null,
    subdir:
      text(entry.subdir) ??
      (isUrl(location) || SUBDIR.test(parts?.subdir ?? '') ? parts?.subdir : null) ??
      null,
    url,
    md5: text(entry.md5),
    sha256: text(entry.sha256),
    depends: Array.isArray(entry.depends) ? entry.depends.map(String) : null,
    size: typeof entry.size === 'number' ? entry.size : null,
  });
}

/** `name[hash] @ location`, the selector of a conda package built from source (v7). */
const SOURCE_ID = /^(.+?)\[([^\]]+)\] @ (.+)$/;

function sourceRecord(
  id: string,
  entry: Entry,
  file: string,
  line: number | undefined,
  lockPath: string,
): PackageRecord {
  const [, name, , location] = SOURCE_ID.exec(id) ?? [];
  if (!name || !location) {
    throw corruptInput(
      file,
      line,
      `'${id}' is not a source package selector \`<name>[<hash>] @ <location>\``,
      EXPECTED,
    );
  }
  return packageRecord({
    name: name.toLowerCase(),
    manager: 'conda',
    version: entry.version !== undefined && entry.version !== null ? String(entry.version) : null,
    build: text(entry.build),
    subdir: text(entry.subdir),
    url: resolveLocation(location, lockPath),
    depends: Array.isArray(entry.depends) ? entry.depends.map(String) : null,
    size: typeof entry.size === 'number' ? entry.size : null,
  });
}

function pypiRecord(
  location: string,
  entry: Entry,
  file: string,
  line: number | undefined,
  lockPath: string,
  version: number,
): PackageRecord {
  const url = resolveLocation(location, lockPath);
  const fromUrl = url.split(/[#?]/)[0]?.split('/').pop()?.split('-')[0] ?? '';
  const name = normalizeName(text(entry.name) ?? fromUrl);
  if (!name) throw corruptInput(file, line, `the PyPI package '${url}' has no name`, EXPECTED);
  return packageRecord({
    name,
    manager: 'pip',
    version:
      entry.version !== undefined
        ? String(entry.version)
        : version >= 7
          ? null
          : versionInUrl(url, name),
    url,
    sha256: text(entry.sha256),
    depends: Array.isArray(entry.requires_dist) ? entry.requires_dist.map(String) : null,
  });
}
