/**
 * From a package of an environment to what OSV's PyPI data is asked: conda names mapped to PyPI
 * names through conda-forge's mapping as prefix.dev's parselmouth publishes it (a subset, with
 * its source and date, in pypi-names.json), and versions read as PEP 440 reads them, without a
 * local version (`2.5.1+cu124` → `2.5.1`) or a conda build string. A package that cannot be
 * mapped is "not checked", with the reason: never clean.
 */
import type { PackageRecord } from '../packages/package-set.js';
import type { AdvisoryQuery } from './advisories.js';
import mapping from './pypi-names.json';

/** Where the table comes from, for the report and the README. */
export const PYPI_NAMES_SOURCE = mapping.source;

const TABLE = mapping.names as Record<string, string[] | null>;

/**
 * envgen's own entries, where parselmouth's table (conda-forge's channel) says nothing or
 * nothing useful: the pytorch channel's packages and conda-forge's torch metapackages.
 */
const ENVGEN_NAMES: Record<string, { pypi: string[] | null; why: string }> = {
  'pytorch-gpu': {
    pypi: ['torch'],
    why: "conda-forge's metapackage for the CUDA build of pytorch: it installs torch",
  },
  'pytorch-cuda': {
    pypi: null,
    why: "the pytorch channel's CUDA selector: a metapackage with no Python code",
  },
  'pytorch-mutex': {
    pypi: null,
    why: "the pytorch channel's CPU/CUDA mutex: a metapackage with no Python code",
  },
};

/** What one package of an environment is checked as, or why it is not checked. */
export type PypiMapping =
  | { checked: true; queries: AdvisoryQuery[]; how: 'pip' | 'table' | 'envgen' | 'same-name' }
  | { checked: false; reason: NotCheckedReason };

export type NotCheckedReason =
  | { kind: 'not-pypi'; why: string }
  | { kind: 'unknown-name' }
  | { kind: 'no-version' }
  | { kind: 'bad-version'; version: string };

/**
 * Other PyPI names advisories file a project under, asked for as well: GitHub's
 * GHSA-63cw-57p8-fm3p (CVE-2026-24747) lists torch as PyPI `pytorch`, the placeholder project of
 * that name, so an advisory about torch may sit under either.
 */
const ADVISORY_NAMES: Readonly<Record<string, readonly string[]>> = { torch: ['pytorch'] };

/** The PyPI names torch's advisories are filed under. */
export const TORCH_PYPI_NAMES: ReadonlySet<string> = new Set([
  'torch',
  ...(ADVISORY_NAMES.torch ?? []),
]);

/** PEP 503: lower case, runs of `-`, `_`, `.` as one `-`. */
function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** PEP 440's public version (release, pre, post, dev) as a loose pattern, epoch allowed. */
const PUBLIC_VERSION =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:(?:-\d+)|(?:[-_.]?(?:post|rev|r)[-_.]?\d*))?(?:[-_.]?dev[-_.]?\d*)?$/i;

/**
 * A version as OSV's PyPI ranges compare it: the public part of a PEP 440 version (a local
 * version such as `+cu124` dropped, since PyPI's advisories name public versions), or null when
 * the text is no PEP 440 version. A conda build string is never part of the version field; a
 * `version=build` pin as some inputs write it is cut at `=`.
 */
export function normaliseVersion(version: string): string | null {
  const text = version.trim().replace(/^==?/, '').split('=')[0]?.split('+')[0]?.trim() ?? '';
  if (text === '' || !PUBLIC_VERSION.test(text)) return null;
  return text.replace(/^v/i, '');
}

/** Whether a conda record is a Python package: it depends on python, or its build says so. */
function isPythonPackage(record: PackageRecord): boolean {
  if (record.depends?.some((spec) => /^python(?:[\s=<>!~]|$)/.test(spec.trim()))) return true;
  return record.build !== null && /^py(?:h|\d)/.test(record.build);
}

export function pypiMapping(record: PackageRecord): PypiMapping {
  const names = namesFor(record);
  if (!names.ok) return { checked: false, reason: names.reason };
  if (record.version === null) return { checked: false, reason: { kind: 'no-version' } };
  const version = normaliseVersion(record.version);
  if (version === null) {
    return { checked: false, reason: { kind: 'bad-version', version: record.version } };
  }
  return {
    checked: true,
    queries: names.pypi
      .map(normalisePypiName)
      .flatMap((name) => [name, ...(ADVISORY_NAMES[name] ?? [])])
      .map((name) => ({ name, version })),
    how: names.how,
  };
}

type NamesOutcome =
  | { ok: true; pypi: string[]; how: 'pip' | 'table' | 'envgen' | 'same-name' }
  | { ok: false; reason: NotCheckedReason };

function namesFor(record: PackageRecord): NamesOutcome {
  if (record.manager === 'pip') return { ok: true, pypi: [record.name], how: 'pip' };
  const own = ENVGEN_NAMES[record.name];
  if (own) {
    return own.pypi
      ? { ok: true, pypi: own.pypi, how: 'envgen' }
      : { ok: false, reason: { kind: 'not-pypi', why: own.why } };
  }
  if (record.name in TABLE) {
    const pypi = TABLE[record.name];
    return pypi && pypi.length > 0
      ? { ok: true, pypi, how: 'table' }
      : {
          ok: false,
          reason: {
            kind: 'not-pypi',
            why: "conda-forge's PyPI mapping names no PyPI distribution for it (a library, CUDA component or metapackage)",
          },
        };
  }
  // conda-forge's rule for a Python package the table does not list: its PyPI name is its own.
  if (isPythonPackage(record)) return { ok: true, pypi: [record.name], how: 'same-name' };
  return { ok: false, reason: { kind: 'unknown-name' } };
}
