/**
 * pixi's lock file, `pixi.lock`, format version 6 (rattler_lock's v6): `environments.<env>`
 * lists, per platform, the URLs of its packages (`- conda: <url>` or `- pypi: <url>`), and the
 * top-level `packages` list holds each one's record (sha256, md5, depends, size; for PyPI
 * packages name, version, requires_dist). One package set per platform of the environment.
 */
import { isMap, LineCounter, parseDocument } from 'yaml';
import { normalizeName } from '../spec/package-entries.js';
import { condaFileParts } from './conda-url.js';
import { corruptInput } from './input-problem.js';
import { type PackageRecord, type PackageSet, packageRecord } from './package-set.js';
import { versionInUrl } from './pip-requirements.js';

const EXPECTED = 'a pixi.lock of version 6: `version: 6`, `environments:` and `packages:`';

type Entry = Record<string, unknown>;

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

export function parsePixiLock(text: string, file: string, environment = 'default'): PackageSet[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    throw corruptInput(
      file,
      lineCounter.linePos(error.pos[0]).line,
      `is not valid YAML (${error.message.split('\n')[0]})`,
      EXPECTED,
    );
  }
  if (!isMap(document.contents)) throw corruptInput(file, 1, 'is not a YAML map', EXPECTED);
  const lineOfText = (needle: string): number | undefined => {
    const at = text.indexOf(needle);
    return at < 0 ? undefined : lineCounter.linePos(at).line;
  };
  const value = document.toJS({ maxAliasCount: 100 }) as Entry;
  if (value.version !== 6) {
    throw corruptInput(
      file,
      lineOfText('version:'),
      `is pixi.lock version ${JSON.stringify(value.version)}; envgen reads version 6`,
      EXPECTED,
    );
  }
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
    const url = entry?.conda ?? entry?.pypi;
    if (typeof url === 'string')
      details.set(`${entry.conda !== undefined ? 'conda' : 'pypi'} ${url}`, entry);
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
      const manager =
        ref && typeof ref.conda === 'string'
          ? 'conda'
          : ref && typeof ref.pypi === 'string'
            ? 'pypi'
            : null;
      if (!manager)
        throw corruptInput(
          file,
          lineOfText(`${platform}:`),
          `an entry of ${platform} is neither \`conda: <url>\` nor \`pypi: <url>\``,
          EXPECTED,
        );
      const url = ref[manager] as string;
      const entry = details.get(`${manager} ${url}`) ?? {};
      return manager === 'conda'
        ? condaRecord(url, entry, file, lineOfText(url))
        : pypiRecord(url, entry, file, lineOfText(url));
    });
    return { kind: 'pixi-lock' as const, label: file, platform, packages };
  });
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

function condaRecord(
  url: string,
  entry: Entry,
  file: string,
  line: number | undefined,
): PackageRecord {
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
    channel: parts?.channel ?? null,
    subdir: text(entry.subdir) ?? parts?.subdir ?? null,
    url,
    md5: text(entry.md5),
    sha256: text(entry.sha256),
    depends: Array.isArray(entry.depends) ? entry.depends.map(String) : null,
    size: typeof entry.size === 'number' ? entry.size : null,
  });
}

function pypiRecord(
  url: string,
  entry: Entry,
  file: string,
  line: number | undefined,
): PackageRecord {
  const fromUrl = url.split(/[#?]/)[0]?.split('/').pop()?.split('-')[0] ?? '';
  const name = normalizeName(text(entry.name) ?? fromUrl);
  if (!name) throw corruptInput(file, line, `the PyPI package '${url}' has no name`, EXPECTED);
  return packageRecord({
    name,
    manager: 'pip',
    version: entry.version !== undefined ? String(entry.version) : versionInUrl(url, name),
    url,
    sha256: text(entry.sha256),
    depends: Array.isArray(entry.requires_dist) ? entry.requires_dist.map(String) : null,
  });
}
