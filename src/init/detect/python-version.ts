/**
 * The Python a repo asks for: its `.python-version` file, and the lowest `X.Y` a version spec
 * elsewhere allows.
 *
 * `.python-version`: https://docs.astral.sh/uv/concepts/python-versions/#python-version-files
 */
import { type DetectionCollector, quote } from './collector.js';
import { compareKeys } from './compare.js';
import type { RepoFiles } from './repo-files.js';

/** The first version in `.python-version`, as pyenv and uv write it (`3.11.4`, `cpython-3.12`). */
export async function readPythonVersion(
  files: RepoFiles,
  found: DetectionCollector,
): Promise<void> {
  const text = await files.readText('.python-version');
  if (text === undefined) return;
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
  // Free-threaded builds: pyenv's `3.13t` and `3.13.1t`, uv's `3.13+freethreaded`.
  const match = /^(?:cpython-)?(3\.[0-9]{1,2})(?:\.[0-9]+)?(t|\+freethreaded)?(?:[.+-].*)?$/.exec(
    first ?? '',
  );
  if (match) found.propose('python', `${match[1]}${match[2] ? 't' : ''}`, '.python-version');
  else found.evidence(`.python-version: ${quote(first ?? '')} is not a CPython 3 version, ignored`);
}

/** Why a Python version spec gave no `X.Y`. */
export const NO_LOWER_BOUND = 'no lower bound envgen can read';

/**
 * The lowest Python `X.Y` a spec allows, conda or PEP 440 (`>=3.10`, `3.11.*`, `=3.9.16`,
 * `^3.10`): the highest lower bound of each alternative, the lowest across alternatives.
 */
export function lowestPython(spec: string): string | undefined {
  let lowest: [number, number] | undefined;
  for (const alternative of spec.split('|')) {
    let bound: [number, number] | undefined;
    for (const part of alternative.split(',')) {
      const match = /^\s*(?:===?|=|>=|>|~=|\^|~)?\s*([0-9]+)\.([0-9]+)/.exec(part);
      if (!match) continue;
      const version: [number, number] = [Number(match[1]), Number(match[2])];
      if (!bound || compareKeys(version, bound) > 0) bound = version;
    }
    if (bound && (!lowest || compareKeys(bound, lowest) < 0)) lowest = bound;
  }
  return lowest ? `${lowest[0]}.${lowest[1]}` : undefined;
}

/**
 * Whether a Python version spec allows more than one `X.Y` (`>=3.9,<3.12`, `~=3.10`, Poetry's
 * `^3.11` once converted), rather than pinning one (`3.9`, `=3.9`, `==3.10.*`, `3.9.16`).
 */
export function isPythonRange(spec: string): boolean {
  const text = spec.replaceAll(/\s+/g, '');
  return /[|,]/.test(text) || /^[<>!~^]/.test(text);
}

/**
 * Whether a Python version spec, conda or PEP 440, allows some release of Python `X.Y`
 * (`>=3.9,<3.12` allows 3.11 but not 3.12; `>3.9` allows 3.9.1, so 3.9). Pre-releases are
 * not considered; a clause it cannot read allows nothing.
 */
export function pythonAllows(spec: string, python: string): boolean {
  const minor = /^([0-9]+)\.([0-9]+)/.exec(python);
  if (!minor) return false;
  const major = Number(minor[1]);
  const min = Number(minor[2]);
  return spec.split('|').some((alternative) => {
    const clauses = alternative
      .split(',')
      .map((part) => part.replaceAll(/\s+/g, ''))
      .filter((part) => part !== '')
      .map(parseClause);
    if (clauses.length === 0 || clauses.some((c) => c === undefined)) return false;
    const parsed = clauses as Clause[];
    // Within X.Y the allowed patches form intervals whose ends are the patches the clauses
    // name, so trying those (and their neighbours) and both ends is enough.
    const patches = new Set([0, 9999]);
    for (const { version } of parsed) {
      const patch = version[2];
      if (version[0] === major && version[1] === min && patch !== undefined) {
        for (const p of [patch - 1, patch, patch + 1]) if (p >= 0) patches.add(p);
      }
    }
    return [...patches].some((patch) =>
      parsed.every((clause) => clauseAllows(clause, [major, min, patch])),
    );
  });
}

interface Clause {
  operator: string;
  version: number[];
  /** `3.9.*`: a prefix. */
  wildcard: boolean;
}

function parseClause(part: string): Clause | undefined {
  const match = /^(===|==|!=|>=|<=|~=|=|>|<|\^|~)?([0-9]+(?:\.[0-9]+)*)(\.\*)?$/.exec(part);
  if (!match?.[2]) return undefined;
  // A bare or `=` version is conda's prefix match (`python=3.9` is any 3.9).
  const operator = match[1] ?? '=';
  return {
    operator,
    version: match[2].split('.').map(Number),
    wildcard: match[3] !== undefined || operator === '=',
  };
}

function clauseAllows({ operator, version, wildcard }: Clause, candidate: number[]): boolean {
  const order = compareVersions(candidate, version);
  const prefix = version.every((n, i) => candidate[i] === n);
  switch (operator) {
    case '=':
    case '==':
    case '===':
      return wildcard ? prefix : order === 0;
    case '!=':
      return wildcard ? !prefix : order !== 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '~=':
      // PEP 440: at least the version, within its series (`~=3.9` is `>=3.9,==3.*`).
      return order >= 0 && version.slice(0, -1).every((n, i) => candidate[i] === n);
    case '^':
    case '~': {
      // Poetry: `^3.9` is `>=3.9,<4`, `~3.9` is `>=3.9,<3.10`.
      const keep = operator === '~' ? Math.min(version.length, 2) : 1;
      return order >= 0 && version.slice(0, keep).every((n, i) => candidate[i] === n);
    }
    default:
      return false;
  }
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
