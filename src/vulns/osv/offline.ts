/**
 * The offline advisory source: an OSV export on disk, read once and indexed by package name.
 * `--db` is either OSV's per-ecosystem zip (`PyPI-all.zip` from
 * https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip: one `<id>.json` record per
 * entry) or a folder of OSV records, JSON or YAML (pypa/advisory-database keeps
 * `vulns/<package>/PYSEC-*.yaml`). Every record is checked where it is read: a corrupt zip or
 * record is bad input naming the file, never a silent gap in the findings.
 */
import { join, relative, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { type Io, isFolder } from '../../io.js';
import { problem, UserError } from '../../problem.js';
import type { ProblemCode } from '../../problem-codes.js';
import type { AdvisorySource } from '../advisories.js';
import { answerFrom } from './answer.js';
import { affectedNames, checkRecord, normalizeName, type OsvRecord } from './record.js';

/** How much an export may hold: the bounds a zip bomb or a wrong folder runs into. */
export interface OfflineLimits {
  /** The zip file itself (PyPI's export is tens of MB). */
  maxZipBytes: number;
  /** Records (zip entries, or files in a folder). */
  maxEntries: number;
  /** All records together, uncompressed. */
  maxTotalBytes: number;
  /** One record. */
  maxRecordBytes: number;
}

export const DEFAULT_OFFLINE_LIMITS: OfflineLimits = {
  maxZipBytes: 512 * 1024 * 1024,
  maxEntries: 500_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRecordBytes: 4 * 1024 * 1024,
};

/** How deep a folder of records is walked (pypa's is `vulns/<package>/<id>.yaml`). */
const MAX_DEPTH = 8;

const RECORD_FILE = /\.(json|ya?ml)$/i;

/** An export's records, indexed by the PyPI names they affect. */
export async function osvOffline(
  io: Io,
  path: string,
  limits: OfflineLimits = DEFAULT_OFFLINE_LIMITS,
): Promise<AdvisorySource> {
  const absolute = resolve(io.cwd, path);
  const shown = relative(io.cwd, absolute) || path;
  const fail = (code: ProblemCode, message: string, fix?: string): UserError =>
    new UserError([problem(code, message, { file: shown, ...(fix ? { fix } : {}) })]);

  if (!(await io.exists(absolute))) {
    throw fail(
      'vulns/db-not-found',
      `the advisory database ${path} does not exist`,
      'give --db an OSV export: PyPI-all.zip (https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip) or a folder of OSV records',
    );
  }
  const records = (await isFolder(io, absolute))
    ? await readFolder(io, absolute, shown, limits, fail)
    : await readZip(io, absolute, shown, limits, fail);

  const index = new Map<string, OsvRecord[]>();
  for (const record of records) {
    for (const name of affectedNames(record)) {
      const list = index.get(name) ?? [];
      list.push(record);
      index.set(name, list);
    }
  }
  return {
    label: path,
    lookup: async (queries) =>
      queries.map((query) => answerFrom(query, index.get(normalizeName(query.name)) ?? [])),
  };
}

type Fail = (code: ProblemCode, message: string, fix?: string) => UserError;

const EXPORT_FIX =
  'download the export again (https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip), or remove the record that is not OSV';

async function readZip(
  io: Io,
  path: string,
  shown: string,
  limits: OfflineLimits,
  fail: Fail,
): Promise<OsvRecord[]> {
  let data: Buffer;
  try {
    data = await io.readFile(path, limits.maxZipBytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EFBIG') {
      throw fail(
        'vulns/db-too-large',
        `${shown} is larger than ${limits.maxZipBytes} bytes, more than an OSV export of PyPI holds`,
        'give --db the PyPI export (PyPI-all.zip), not a larger archive',
      );
    }
    if (code === 'EFTYPE') {
      throw fail('vulns/db-corrupt', `${shown} is neither a regular file nor a folder`, EXPORT_FIX);
    }
    throw fail(
      'vulns/db-unreadable',
      `${shown} could not be read: ${(error as Error).message}`,
      'check its permissions',
    );
  }
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) {
    // An empty zip is only its end record; anything else without a local header is not a zip.
    if (!(data.length >= 22 && data.readUInt32LE(0) === 0x06054b50)) {
      throw fail(
        'vulns/db-corrupt',
        `${shown} is not a zip file (nor a folder of OSV records)`,
        EXPORT_FIX,
      );
    }
  }
  let entries = 0;
  let total = 0;
  let tooMany: string | null = null;
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(data, {
      filter: (entry) => {
        if (entry.name.endsWith('/') || !RECORD_FILE.test(entry.name)) return false;
        entries += 1;
        total += entry.originalSize;
        if (entries > limits.maxEntries) tooMany = `more than ${limits.maxEntries} records`;
        else if (total > limits.maxTotalBytes) {
          tooMany = `more than ${limits.maxTotalBytes} bytes uncompressed`;
        } else if (entry.originalSize > limits.maxRecordBytes) {
          tooMany = `a record of ${entry.originalSize} bytes (${entry.name})`;
        }
        // Sizes are what the zip declares; fflate inflates into a buffer of that size, so a
        // record that lies about its size comes out cut short and fails to parse below.
        return tooMany === null;
      },
    });
  } catch (error) {
    throw fail(
      'vulns/db-corrupt',
      `${shown} is not a readable zip file: ${(error as Error).message}`,
      EXPORT_FIX,
    );
  }
  if (tooMany) {
    throw fail(
      'vulns/db-too-large',
      `${shown} holds ${tooMany}: more than an OSV export of PyPI, so it is not read`,
      'give --db the PyPI export (PyPI-all.zip)',
    );
  }
  return Object.entries(unzipped).map(([name, bytes]) =>
    parseRecord(Buffer.from(bytes).toString('utf8'), name, `${shown}:${name}`, fail),
  );
}

async function readFolder(
  io: Io,
  root: string,
  shown: string,
  limits: OfflineLimits,
  fail: Fail,
): Promise<OsvRecord[]> {
  const files: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let listing: Awaited<ReturnType<Io['readDir']>>;
    try {
      listing = await io.readDir(dir);
    } catch (error) {
      throw fail('vulns/db-unreadable', `${dir} could not be read: ${(error as Error).message}`);
    }
    for (const entry of [...listing].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path, depth + 1);
      else if (entry.isFile && RECORD_FILE.test(entry.name)) {
        files.push(path);
        if (files.length > limits.maxEntries) {
          throw fail(
            'vulns/db-too-large',
            `${shown} holds more than ${limits.maxEntries} record files`,
            'give --db a folder of OSV records for PyPI',
          );
        }
      }
    }
  };
  await walk(root, 0);
  if (files.length === 0) {
    throw fail(
      'vulns/db-corrupt',
      `${shown} holds no OSV records (*.json, *.yaml)`,
      'give --db an OSV export: PyPI-all.zip or a folder of OSV records',
    );
  }
  let total = 0;
  const records: OsvRecord[] = [];
  for (const file of files) {
    const label = relative(root, file);
    let text: string;
    try {
      text = (await io.readFile(file, limits.maxRecordBytes)).toString('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EFBIG') {
        throw fail(
          'vulns/db-too-large',
          `${join(shown, label)} is larger than ${limits.maxRecordBytes} bytes: not an OSV record`,
        );
      }
      throw fail(
        'vulns/db-unreadable',
        `${join(shown, label)} could not be read: ${(error as Error).message}`,
      );
    }
    total += text.length;
    if (total > limits.maxTotalBytes) {
      throw fail(
        'vulns/db-too-large',
        `${shown} holds more than ${limits.maxTotalBytes} bytes of records`,
      );
    }
    records.push(parseRecord(text, file, join(shown, label), fail));
  }
  return records;
}

/** One record from its text (JSON, or YAML by its name); bad input names the record. */
function parseRecord(text: string, name: string, shown: string, fail: Fail): OsvRecord {
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(name)
      ? parseYaml(text, { maxAliasCount: 0, uniqueKeys: true })
      : JSON.parse(text);
  } catch (error) {
    throw fail(
      'vulns/db-corrupt',
      `${shown} is not valid ${/\.ya?ml$/i.test(name) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
      EXPORT_FIX,
    );
  }
  const checked = checkRecord(value);
  if ('error' in checked) {
    throw fail('vulns/db-corrupt', `${shown} is not an OSV record: ${checked.error}`, EXPORT_FIX);
  }
  return checked.record;
}
