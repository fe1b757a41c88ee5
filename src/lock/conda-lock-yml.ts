/**
 * A model's `conda-lock.yml`: conda-lock's multi-platform lock (version 1), which
 * `conda-lock install`, `micromamba create -f` and conda's lockfile plugin read, and which
 * carries what the explicit locks cannot: each package's dependencies and SHA-256. Written as
 * conda-lock writes it (keys in its order, entries sorted by manager, name and platform, so a
 * new solve changes only the lines that changed), under envgen's sealed header in YAML comments.
 * The explicit locks stay what images install.
 */
import type { CondaLockChannel, CondaLockEntry } from '../packages/conda-lock.js';
import { CONDA_LOCK_VERSION } from '../packages/conda-lock.js';
import { seal } from '../render/seal.js';
import { headerLines, type LockHeader } from './lock-file.js';
import type { LockedPackage } from './solve.js';

export interface CondaLockPlatform {
  platform: string;
  /** envgen's input hash of this platform's explicit lock: `metadata.content_hash`. */
  contentHash: string;
  entries: CondaLockEntry[];
}

export interface CondaLockContent {
  channels: CondaLockChannel[];
  /** The spec, relative to the lock file's folder (`../../envgen.yaml`). */
  sources: string[];
  platforms: CondaLockPlatform[];
}

/** The entries of one platform's solve. */
export function condaLockEntries(
  packages: readonly LockedPackage[],
  platform: string,
): CondaLockEntry[] {
  return packages.map((p) => ({
    name: p.name,
    version: p.version,
    manager: 'conda',
    platform,
    dependencies: dependencyMap(p.depends),
    url: p.url,
    md5: p.md5,
    sha256: p.sha256,
    build: null,
    category: 'main',
    optional: false,
  }));
}

/**
 * Match specs as conda-lock records them: name to version spec, the build part dropped
 * (`python_abi 3.11.* *_cp311` is `python_abi: 3.11.*`), `''` where any version goes, and a
 * name given twice with its specs joined.
 */
function dependencyMap(depends: readonly string[]): [string, string][] {
  const map = new Map<string, string[]>();
  for (const raw of depends) {
    const spec = raw.trim().replace(/^[^\s:]+::/, '');
    const name = /^[A-Za-z0-9_.-]+/.exec(spec)?.[0];
    if (!name) continue;
    const rest = spec.slice(name.length).trim();
    const version = rest.startsWith('[') ? '' : (rest.split(/\s+/)[0] ?? '');
    const specs = map.get(name) ?? [];
    if (version !== '' && version !== '*') specs.push(version);
    map.set(name, specs);
  }
  return [...map].map(([name, specs]) => [name, specs.join(',')]);
}

export function renderCondaLockYml(header: LockHeader, content: CondaLockContent): string {
  const platforms = [...content.platforms].sort((a, b) => byCodePoint(a.platform, b.platform));
  const entries = platforms
    .flatMap((p) => p.entries)
    .sort(
      (a, b) =>
        byCodePoint(a.manager, b.manager) ||
        byCodePoint(a.name, b.name) ||
        byCodePoint(a.platform, b.platform),
    );
  const lines = [
    ...headerLines(header),
    "# The same packages as the explicit locks beside it, for every platform, in conda-lock's",
    '# format (version 1), with their dependencies. Install with `conda-lock install -n ENV',
    '# conda-lock.yml` or `micromamba create -n ENV -f conda-lock.yml`.',
    `version: ${CONDA_LOCK_VERSION}`,
    'metadata:',
    '  content_hash:',
    ...platforms.map((p) => `    ${scalar(p.platform)}: ${scalar(p.contentHash)}`),
    '  channels:',
    ...content.channels.flatMap((c) => [
      `  - url: ${scalar(c.url)}`,
      c.usedEnvVars.length === 0
        ? '    used_env_vars: []'
        : `    used_env_vars:\n${c.usedEnvVars.map((v) => `    - ${scalar(v)}`).join('\n')}`,
    ]),
    '  platforms:',
    ...platforms.map((p) => `  - ${scalar(p.platform)}`),
    '  sources:',
    ...content.sources.map((s) => `  - ${scalar(s)}`),
    entries.length === 0 ? 'package: []' : 'package:',
    ...entries.flatMap(entryLines),
  ];
  return seal(`${lines.join('\n')}\n`);
}

function entryLines(e: CondaLockEntry): string[] {
  // conda-lock requires an MD5 of a conda package, and writes '' where the channel has none.
  const md5 = e.md5 ?? (e.manager === 'conda' ? '' : null);
  const hash = [
    ...(md5 !== null ? [`    md5: ${scalar(md5)}`] : []),
    ...(e.sha256 !== null ? [`    sha256: ${scalar(e.sha256)}`] : []),
  ];
  return [
    `- name: ${scalar(e.name)}`,
    `  version: ${scalar(e.version)}`,
    `  manager: ${e.manager}`,
    `  platform: ${scalar(e.platform)}`,
    e.dependencies.length === 0 ? '  dependencies: {}' : '  dependencies:',
    ...e.dependencies.map(([name, spec]) => `    ${scalar(name)}: ${scalar(spec)}`),
    `  url: ${scalar(e.url)}`,
    hash.length === 0 ? '  hash: {}' : '  hash:',
    ...hash,
    ...(e.build !== null ? [`  build: ${scalar(e.build)}`] : []),
    `  category: ${scalar(e.category)}`,
    `  optional: ${e.optional}`,
  ];
}

/**
 * A YAML scalar that every reader (YAML 1.1 as PyYAML reads it, and 1.2) reads back as this
 * text: plain where nothing in it could be taken for a number, a boolean, a null, a date or
 * YAML syntax; in single quotes otherwise; in double quotes (JSON's escapes) where it holds a
 * character single quotes cannot carry.
 */
export function scalar(text: string): string {
  if (PLAIN.test(text) && !IMPLICIT.some((re) => re.test(text))) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters single quotes cannot carry
  if (/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]*$/.test(text)) {
    return `'${text.replaceAll("'", "''")}'`;
  }
  return JSON.stringify(text);
}

/** Starts with a letter, digit, `_`, `.` or `/`; no space, `#`, `:` before a space, or flow syntax. */
const PLAIN =
  /^(?![-.](?:$|[\s-]))[A-Za-z0-9_./][A-Za-z0-9_./+~=@%&?!*$-]*(?::[A-Za-z0-9_./+~=@%&?!*$-]+)*$/;
/** What YAML 1.1 or 1.2 would read as something other than text. */
const IMPLICIT = [
  /^[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$/, // int, float
  /^[-+]?(?:0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+)$/, // hex, octal, binary
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // sexagesimal
  /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamp
  /^[=<>!|*&!%@`]/, // indicators
];

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
