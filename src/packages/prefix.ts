/**
 * An installed conda environment (a prefix) read as a package set: one record per
 * `conda-meta/*.json` (what conda, mamba, micromamba and pixi write for each package they link),
 * and one per Python distribution that pip (or another installer than conda) put in the
 * prefix's site-packages (`*.dist-info`). A distribution conda installed (its files are listed
 * in a conda-meta record, or its `INSTALLER` says `conda`) is part of its conda package, not a
 * pip package.
 *
 * Each installed package also keeps the files it installed with the hash they had then
 * (`paths_data`, pip's `RECORD`), for `drift` to check the disk against.
 */
import { join, posix } from 'node:path';
import type { DirEntry, Io } from '../io.js';
import { type Problem, problem, UserError } from '../problem.js';
import { normalizeName } from '../spec/package-entries.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';

/** One file (or link, or folder) a package installed, as the installer recorded it. */
export interface InstalledFile {
  /** Relative to the prefix, POSIX separators. */
  path: string;
  /** `hardlink`, `softlink`, `directory`, `pyc_file`, ...; pip's files are `hardlink`. */
  type: string;
  /**
   * The SHA-256 (hex) the file had in the prefix once installed; null where it is not known
   * (a file conda rewrote for the prefix without recording the result, a link, pip's RECORD
   * without a hash).
   */
  sha256: string | null;
  size: number | null;
}

export interface InstalledPackage {
  record: PackageRecord;
  /** Where it is recorded, relative to the prefix: `conda-meta/x.json`, `lib/.../x.dist-info`. */
  source: string;
  /** For a Python distribution: what its INSTALLER file says (`pip`, `uv`, `conda`), or null. */
  installer: string | null;
  /** For a Python distribution: installed from a local folder (pip's direct_url.json `dir_info`). */
  localFolder: boolean;
  files: InstalledFile[];
}

export interface InstalledPrefix {
  set: PackageSet;
  /** The packages of `set`, in its order, with what they installed. */
  installed: InstalledPackage[];
  /**
   * The Python distributions conda installed (part of a conda package, not in `set` on their
   * own), by their PEP 503 name: what a pip requirement may be met by.
   */
  condaDistributions: { name: string; version: string }[];
  /** Python distributions whose metadata could not be read (skipped), as warnings. */
  warnings: Problem[];
}

/** Reads the prefix `dir` (absolute); `label` is how messages name it (`.envgen/envs/a`). */
export async function readPrefix(io: Io, dir: string, label: string): Promise<PackageSet> {
  return (await readInstalledPrefix(io, dir, label)).set;
}

/**
 * The largest conda-meta record read: a record lists every file of its package with its hash
 * (about 200 bytes a file), and the largest packages (Qt, TeX Live) have tens of thousands.
 */
const MAX_RECORD_BYTES = 128 * 1024 * 1024;

/** What a conda-meta record must hold, for messages. */
const RECORD_KEYS = 'a JSON object with "name", "version" and "build" strings';

export async function readInstalledPrefix(
  io: Io,
  dir: string,
  label: string,
): Promise<InstalledPrefix> {
  const metaDir = join(dir, 'conda-meta');
  const entries = await readDirOrNull(io, metaDir);
  if (!entries) {
    const exists = await io.exists(dir);
    throw new UserError([
      problem(
        'prefix/not-an-environment',
        exists
          ? `${label} is not a conda environment: it has no conda-meta/ folder`
          : `${label} does not exist`,
        {
          file: label,
          fix: 'name the folder of an environment (the one conda, mamba or micromamba created: it holds conda-meta/), or run `envgen build` to create it',
        },
      ),
    ]);
  }
  const conda: InstalledPackage[] = [];
  for (const entry of entries
    .filter((e) => e.isFile && e.name.endsWith('.json') && !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))) {
    conda.push(await readCondaRecord(io, dir, label, `conda-meta/${entry.name}`));
  }
  const condaFiles = new Set(conda.flatMap((p) => p.files.map((f) => f.path)));
  const { dists, warnings } = await readDistributions(io, dir, label);
  const byConda = (d: InstalledPackage) =>
    d.installer === 'conda' || condaFiles.has(`${d.source}/METADATA`);
  const pip = dists.filter((d) => !byConda(d));
  const installed = [...conda, ...pip];
  const platform = conda.map((p) => p.record.subdir).find((s) => s && s !== 'noarch') ?? null;
  return {
    set: { kind: 'prefix', label, platform, packages: installed.map((p) => p.record) },
    installed,
    condaDistributions: dists
      .filter(byConda)
      .map((d) => ({ name: d.record.name, version: d.record.version ?? '' })),
    warnings,
  };
}

async function readDirOrNull(io: Io, path: string): Promise<DirEntry[] | null> {
  try {
    return await io.readDir(path);
  } catch {
    return null;
  }
}

function corrupt(file: string, message: string, position?: { line: number; column: number }) {
  return new UserError([
    problem('prefix/corrupt-record', message, {
      file,
      ...(position ?? {}),
      fix: `expected ${RECORD_KEYS}, as conda writes it; reinstall the package (\`conda install --force-reinstall\`) or recreate the environment`,
    }),
  ]);
}

async function readCondaRecord(
  io: Io,
  dir: string,
  label: string,
  relative: string,
): Promise<InstalledPackage> {
  const file = `${label}/${relative}`;
  let text: string;
  try {
    text = (await io.readFile(join(dir, relative), MAX_RECORD_BYTES)).toString('utf8');
  } catch (error) {
    throw corrupt(
      file,
      `a conda-meta record cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw corrupt(
      file,
      `a conda-meta record is not valid JSON (${detail})`,
      jsonPosition(text, detail),
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw corrupt(file, 'a conda-meta record is not a JSON object');
  }
  const raw = data as Record<string, unknown>;
  const name = raw.name;
  const version = raw.version;
  const build = raw.build;
  if (typeof name !== 'string' || typeof version !== 'string' || typeof build !== 'string') {
    const bad = (['name', 'version', 'build'] as const).filter((k) => typeof raw[k] !== 'string');
    throw corrupt(file, `a conda-meta record has no ${bad.map((k) => `"${k}"`).join(', ')} string`);
  }
  const str = (key: string): string | null => {
    const value = raw[key];
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const depends = Array.isArray(raw.depends)
    ? raw.depends.filter((d): d is string => typeof d === 'string')
    : null;
  return {
    record: packageRecord({
      name,
      manager: 'conda',
      version,
      build,
      channel: channelWithoutSubdir(str('channel'), str('subdir')),
      subdir: str('subdir'),
      url: str('url'),
      md5: str('md5'),
      sha256: str('sha256'),
      depends,
      size: typeof raw.size === 'number' ? raw.size : null,
    }),
    source: relative,
    installer: null,
    localFolder: false,
    files: condaFiles(raw),
  };
}

/**
 * conda writes a record's channel with its subdir (`https://conda.anaconda.org/conda-forge/noarch`),
 * where locks and environment files name the channel alone: the subdir is its own field.
 */
function channelWithoutSubdir(channel: string | null, subdir: string | null): string | null {
  if (!channel || !subdir || !channel.endsWith(`/${subdir}`)) return channel;
  return channel.slice(0, -subdir.length - 1);
}

/** The files of a conda-meta record: `paths_data.paths`, else the plain `files` list. */
function condaFiles(raw: Record<string, unknown>): InstalledFile[] {
  const pathsData = raw.paths_data as { paths?: unknown } | undefined;
  if (pathsData && Array.isArray(pathsData.paths) && pathsData.paths.length > 0) {
    const files: InstalledFile[] = [];
    for (const entry of pathsData.paths as Record<string, unknown>[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const path = typeof entry._path === 'string' ? entry._path : entry.path;
      if (typeof path !== 'string' || path === '') continue;
      const hex = (v: unknown) => (typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v) ? v : null);
      // The hash of the file as linked into this prefix. A file with a prefix placeholder was
      // rewritten at install: its package hash says nothing about the disk, unless the
      // installer recorded the rewritten one (sha256_in_prefix).
      const inPrefix = hex(entry.sha256_in_prefix);
      const sha256 = inPrefix ?? (entry.prefix_placeholder ? null : hex(entry.sha256));
      const type = typeof entry.path_type === 'string' ? entry.path_type : 'hardlink';
      files.push({
        path,
        type,
        sha256: type === 'softlink' || type === 'directory' ? null : sha256,
        size: typeof entry.size_in_bytes === 'number' ? entry.size_in_bytes : null,
      });
    }
    return files;
  }
  if (Array.isArray(raw.files)) {
    return raw.files
      .filter((f): f is string => typeof f === 'string' && f !== '')
      .map((path) => ({ path, type: 'hardlink', sha256: null, size: null }));
  }
  return [];
}

/** `Unexpected token } in JSON at position 17`, or Node 22's `(line 3 column 1)`. */
function jsonPosition(text: string, message: string): { line: number; column: number } | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const at = /position (\d+)/.exec(message);
  if (!at) return undefined;
  const before = text.slice(0, Number(at[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** The prefix's site-packages folders (`lib/python3.12/site-packages`), relative. */
async function sitePackages(io: Io, dir: string): Promise<string[]> {
  const lib = await readDirOrNull(io, join(dir, 'lib'));
  const found: string[] = [];
  for (const entry of lib ?? []) {
    if (!entry.isDirectory || !/^python\d/.test(entry.name)) continue;
    const site = `lib/${entry.name}/site-packages`;
    if (await io.exists(join(dir, site))) found.push(site);
  }
  return found.sort();
}

async function readDistributions(
  io: Io,
  dir: string,
  label: string,
): Promise<{ dists: InstalledPackage[]; warnings: Problem[] }> {
  const dists: InstalledPackage[] = [];
  const warnings: Problem[] = [];
  for (const site of await sitePackages(io, dir)) {
    const entries = (await readDirOrNull(io, join(dir, site))) ?? [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // `~orch-2.1.0.dist-info`: what an interrupted pip uninstall leaves; pip ignores it too.
      if (!entry.isDirectory || !entry.name.endsWith('.dist-info') || entry.name.startsWith('~'))
        continue;
      const source = `${site}/${entry.name}`;
      const dist = await readDistribution(io, dir, site, source);
      if (typeof dist === 'string') {
        warnings.push(
          problem('prefix/invalid-distribution', `${label}/${source}: ${dist}; it was skipped`, {
            file: `${label}/${source}`,
            fix: 'reinstall the distribution with pip (`pip install --force-reinstall NAME`), or remove the folder if nothing uses it',
          }),
        );
      } else {
        dists.push(dist);
      }
    }
  }
  return { dists, warnings };
}

const readText = async (io: Io, path: string): Promise<string | null> => {
  try {
    return (await io.readFile(path)).toString('utf8');
  } catch {
    return null;
  }
};

/** A distribution, or why it could not be read. */
async function readDistribution(
  io: Io,
  dir: string,
  site: string,
  source: string,
): Promise<InstalledPackage | string> {
  const metadata = await readText(io, join(dir, source, 'METADATA'));
  if (metadata === null) return 'it has no readable METADATA';
  const headers = metadataHeaders(metadata);
  const name = headers.get('name')?.[0];
  const version = headers.get('version')?.[0];
  if (!name || !version) return 'its METADATA has no Name or Version';
  const installer = (await readText(io, join(dir, source, 'INSTALLER')))?.trim() || null;
  const record = await readText(io, join(dir, source, 'RECORD'));
  const files = record === null ? [] : recordFiles(record, site);
  const directUrl = await readText(io, join(dir, source, 'direct_url.json'));
  let localFolder = false;
  if (directUrl !== null) {
    try {
      const data = JSON.parse(directUrl) as { url?: unknown; dir_info?: unknown };
      localFolder =
        typeof data.dir_info === 'object' &&
        typeof data.url === 'string' &&
        data.url.startsWith('file:');
    } catch {
      // an unreadable direct_url.json says nothing about where it came from
    }
  }
  const sizes = files.map((f) => f.size).filter((s): s is number => s !== null);
  return {
    record: packageRecord({
      name: normalizeName(name),
      manager: 'pip',
      version,
      depends: headers.get('requires-dist') ?? [],
      size: sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) : null,
    }),
    source,
    installer,
    localFolder,
    files,
  };
}

/** The headers of a METADATA file (RFC 822 style), lower-cased names, up to the body. */
function metadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) continue; // a continuation line (a long description field)
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    last = headers.get(key) ?? [];
    last.push(line.slice(colon + 1).trim());
    headers.set(key, last);
  }
  return headers;
}

/**
 * The files of pip's RECORD (CSV: path, `sha256=<urlsafe base64, no padding>`, size), paths
 * made relative to the prefix. Paths outside the prefix (absolute, or `..` past its root) are
 * left out: they are not the prefix's to check.
 */
function recordFiles(text: string, site: string): InstalledFile[] {
  const files: InstalledFile[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields = csvFields(line);
    const [rawPath, hash = '', size = ''] = fields;
    if (!rawPath || rawPath.startsWith('/')) continue;
    const path = posix.normalize(posix.join(site, rawPath));
    if (path.startsWith('../') || path === '..') continue;
    const digest = /^sha256=([A-Za-z0-9_-]+)$/.exec(hash)?.[1];
    files.push({
      path,
      type: 'hardlink',
      sha256: digest ? Buffer.from(digest, 'base64url').toString('hex') : null,
      size: /^\d+$/.test(size) ? Number(size) : null,
    });
  }
  return files;
}

/** One line of a CSV file as Python's csv module writes it (quotes around fields with commas). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}
