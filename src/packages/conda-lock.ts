/**
 * conda-lock's multi-platform lock file (`conda-lock.yml`, version 1): what conda-lock writes,
 * `conda-lock install` and `micromamba create -f` read, and `envgen lock` writes beside its
 * explicit locks. One entry per package and platform, with its dependencies as a map of name to
 * version spec (conda-lock drops the build part of each match spec), its URL and hashes. Read
 * with positions kept, so a corrupt file is a problem at its line, never a stack trace.
 */

import { type Problem, UserError } from '../problem.js';
import { sourceFileCode } from '../problem-codes.js';
import { isMapping, parseYamlSource, type YamlSource } from '../spec/yaml-source.js';
import { condaFileParts } from './conda-url.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';

type LockManager = 'conda' | 'pip';

/** One `package:` entry, as the file writes it. */
export interface CondaLockEntry {
  name: string;
  version: string;
  manager: LockManager;
  platform: string;
  /** `dependencies:` in the file's order: name, version spec (`''` for any). */
  dependencies: [string, string][];
  url: string;
  md5: string | null;
  sha256: string | null;
  /** The optional `build:` key (conda-lock itself leaves it out). */
  build: string | null;
  category: string;
  optional: boolean;
}

export interface CondaLockChannel {
  url: string;
  usedEnvVars: string[];
}

export interface CondaLockFile {
  /** `metadata.content_hash`: platform -> hash of what that platform was solved from. */
  contentHash: Record<string, string>;
  channels: CondaLockChannel[];
  platforms: string[];
  sources: string[];
  packages: CondaLockEntry[];
}

/** The version of the format this module reads and writes. */
export const CONDA_LOCK_VERSION = 1;
/** The most problems one file reports: a file that is all wrong says so in a few lines. */
const MAX_PROBLEMS = 10;

type Path = (string | number)[];

/** The file's content, or a UserError with a problem (exit 2) for each thing wrong with it. */
export function readCondaLock(text: string, file: string): CondaLockFile {
  const source = parseYamlSource(text, file, 'conda-lock');
  const problems: Problem[] = [];
  const report = (
    what: 'missing-key' | 'invalid-type' | 'invalid-value',
    path: Path,
    message: string,
    fix: string,
  ): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    const at = source.locate(path) ?? source.locate(path.slice(0, -1)) ?? source.locate([]);
    problems.push({
      ruleId: sourceFileCode('conda-lock', what),
      severity: 'error',
      file,
      ...(at ?? {}),
      message: `${file} ${message}`,
      fix,
    });
  };
  const result = readTop(source, report);
  if (problems.length > 0 || result === null) throw new UserError(problems);
  return result;
}

type Report = (
  what: 'missing-key' | 'invalid-type' | 'invalid-value',
  path: Path,
  message: string,
  fix: string,
) => void;

const NOT_A_LOCK =
  'a conda-lock.yml has `version: 1`, `metadata` and a `package` list (as `conda-lock lock` writes it)';

function readTop(source: YamlSource, report: Report): CondaLockFile | null {
  const top = source.value;
  if (!isMapping(top)) {
    report('invalid-type', [], 'is not a conda-lock file: its top level is not a map', NOT_A_LOCK);
    return null;
  }
  if (!('version' in top)) {
    report('missing-key', [], 'has no `version`, so it is not a conda-lock file', NOT_A_LOCK);
    return null;
  }
  if (top.version !== CONDA_LOCK_VERSION) {
    report(
      'invalid-value',
      ['version'],
      `is a conda-lock file of version ${JSON.stringify(top.version)}; envgen reads version ${CONDA_LOCK_VERSION}`,
      'write it again with conda-lock (`conda-lock lock` writes version 1), or with `envgen lock`',
    );
    return null;
  }
  if (!('package' in top)) {
    report('missing-key', [], 'has no `package` list', NOT_A_LOCK);
    return null;
  }
  if (!Array.isArray(top.package)) {
    report('invalid-type', ['package'], 'has a `package` that is not a list', NOT_A_LOCK);
    return null;
  }
  const metadata = readMetadata(top.metadata, report);
  const packages = top.package.flatMap((entry, index) => {
    const read = readEntry(entry, index, report);
    return read ? [read] : [];
  });
  return { ...metadata, packages };
}

function readMetadata(value: unknown, report: Report): Omit<CondaLockFile, 'packages'> {
  const empty = { contentHash: {}, channels: [], platforms: [], sources: [] };
  if (value === undefined || value === null) return empty;
  if (!isMapping(value)) {
    report('invalid-type', ['metadata'], 'has a `metadata` that is not a map', NOT_A_LOCK);
    return empty;
  }
  const contentHash: Record<string, string> = {};
  if (isMapping(value.content_hash)) {
    for (const [platform, hash] of Object.entries(value.content_hash)) {
      if (typeof hash === 'string') contentHash[platform] = hash;
    }
  }
  const channels = (Array.isArray(value.channels) ? value.channels : []).flatMap((c) => {
    // conda-lock before 1.0 wrote channels as plain strings.
    if (typeof c === 'string') return [{ url: c, usedEnvVars: [] }];
    if (!isMapping(c) || typeof c.url !== 'string') return [];
    const vars = Array.isArray(c.used_env_vars) ? c.used_env_vars.map(String) : [];
    return [{ url: c.url, usedEnvVars: vars }];
  });
  const strings = (list: unknown): string[] =>
    Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
  return {
    contentHash,
    channels,
    platforms: strings(value.platforms),
    sources: strings(value.sources),
  };
}

function readEntry(entry: unknown, index: number, report: Report): CondaLockEntry | null {
  const at: Path = ['package', index];
  const fix =
    'each `package` entry has `name`, `version`, `manager` (conda or pip), `platform`, `url` and `hash`';
  if (!isMapping(entry)) {
    report('invalid-type', at, `has a package entry (${index + 1}) that is not a map`, fix);
    return null;
  }
  const label = typeof entry.name === 'string' ? `'${entry.name}'` : `${index + 1}`;
  let ok = true;
  const text = (key: string): string => {
    const value = entry[key];
    // Only the file's own `version: 1` is read as a number; a package's unquoted version
    // (`version: 2.0`) comes back as one too.
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string' && value.trim() !== '') return value;
    ok = false;
    if (value === undefined) {
      report('missing-key', at, `has a package entry (${label}) without \`${key}\``, fix);
    } else {
      report(
        'invalid-type',
        [...at, key],
        `has a package entry (${label}) whose \`${key}\` is not a text`,
        fix,
      );
    }
    return '';
  };
  const name = text('name');
  const version = text('version');
  const platform = text('platform');
  const url = text('url');
  const manager = entry.manager ?? 'conda';
  if (manager !== 'conda' && manager !== 'pip') {
    ok = false;
    report(
      'invalid-value',
      [...at, 'manager'],
      `has a package entry (${label}) whose manager ${JSON.stringify(manager)} is neither conda nor pip`,
      fix,
    );
  }
  const hash = isMapping(entry.hash) ? entry.hash : {};
  const hex = (key: 'md5' | 'sha256'): string | null =>
    typeof hash[key] === 'string' && hash[key] !== '' ? (hash[key] as string) : null;
  const dependencies: [string, string][] = [];
  if (isMapping(entry.dependencies)) {
    for (const [dep, spec] of Object.entries(entry.dependencies)) {
      dependencies.push([dep, spec === null || spec === undefined ? '' : String(spec)]);
    }
  } else if (entry.dependencies !== undefined && entry.dependencies !== null) {
    ok = false;
    report(
      'invalid-type',
      [...at, 'dependencies'],
      `has a package entry (${label}) whose \`dependencies\` is not a map of name to version spec`,
      fix,
    );
  }
  if (!ok) return null;
  return {
    name,
    version,
    manager: manager as LockManager,
    platform,
    dependencies,
    url,
    md5: hex('md5'),
    sha256: hex('sha256'),
    build: typeof entry.build === 'string' && entry.build !== '' ? entry.build : null,
    category: typeof entry.category === 'string' ? entry.category : 'main',
    optional: entry.optional === true,
  };
}

/**
 * The packages of a conda-lock.yml, one set per platform (in the order of
 * `metadata.platforms`, then any other platform its entries name).
 */
export function parseCondaLock(text: string, file: string): PackageSet[] {
  const lock = readCondaLock(text, file);
  const platforms = [...new Set([...lock.platforms, ...lock.packages.map((p) => p.platform)])];
  return platforms.map((platform) => ({
    kind: 'conda-lock' as const,
    label: file,
    platform,
    packages: lock.packages.filter((p) => p.platform === platform).map(recordOf),
  }));
}

function recordOf(entry: CondaLockEntry): PackageRecord {
  if (entry.manager === 'pip') {
    return packageRecord({
      name: normalizePipName(entry.name),
      manager: 'pip',
      version: entry.version,
      url: entry.url,
      md5: entry.md5,
      sha256: entry.sha256,
      depends: entry.dependencies.map(([dep, spec]) => joinSpec(normalizePipName(dep), spec)),
    });
  }
  const place = condaPlace(entry.url);
  return packageRecord({
    name: entry.name,
    manager: 'conda',
    version: entry.version,
    build: entry.build ?? place.build,
    channel: place.channel,
    subdir: place.subdir,
    url: entry.url,
    md5: entry.md5,
    sha256: entry.sha256,
    depends: entry.dependencies.map(([dep, spec]) => joinSpec(dep, spec)),
  });
}

/** `python >=3.8` from the map's `python: '>=3.8'`; a bare name where the spec is empty. */
function joinSpec(name: string, spec: string): string {
  return spec.trim() === '' ? name : `${name} ${spec.trim()}`;
}

/**
 * The channel, subdir and build a conda package URL spells:
 * `<channel>/<subdir>/<name>-<version>-<build>.conda`.
 */
function condaPlace(url: string): {
  channel: string | null;
  subdir: string | null;
  build: string | null;
} {
  const parts = condaFileParts(url);
  return {
    channel: parts?.channel ?? null,
    subdir: parts?.subdir ?? null,
    build: parts?.build ?? null,
  };
}

/** PEP 503: lower case, runs of `-`, `_` and `.` as one `-`. */
function normalizePipName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
