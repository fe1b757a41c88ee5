/**
 * The Pythons a repo's exact package pins allow: `numpy==1.24.3` installs on 3.8-3.11 only,
 * so the environment's Python must be one of those (compat/python-support.ts has the data).
 */
import { PYTHON_SUPPORT, pythonSupportOf } from '../compat/python-support.js';
import { normalizeName } from '../spec/package-entries.js';
import { compareDotted } from '../versions/dotted.js';

export interface PythonBounds {
  /** The highest floor, with the pins that set it. */
  min?: string;
  /** The lowest ceiling. */
  max?: string;
  /** One line per pin that bounds Python, saying which Pythons and where the fact comes from. */
  reasons: string[];
}

/**
 * Bounds from pip entries (`numpy==1.24.3`) and conda entries (`numpy=1.24.3`, `numpy==1.24`)
 * the table knows. `listedAt` gives each entry's `file:line`. Entries with environment markers
 * are left out: a marker already says which Python they are for.
 */
export function pythonBoundsOf(
  entries: readonly string[],
  listedAt: Readonly<Record<string, string>>,
): PythonBounds {
  const bounds: PythonBounds = { reasons: [] };
  for (const entry of entries) {
    const pin = exactPin(entry);
    if (!pin) continue;
    const row = pythonSupportOf(pin.name, pin.version);
    if (!row) continue;
    const { min, max } = row.python;
    if (bounds.min === undefined || compareDotted(min, bounds.min) > 0) bounds.min = min;
    if (max !== null && (bounds.max === undefined || compareDotted(max, bounds.max) < 0)) {
      bounds.max = max;
    }
    const where = listedAt[entry] ? ` (${listedAt[entry]})` : '';
    const range = max === null ? `${min} and newer` : `${min}-${max}`;
    bounds.reasons.push(
      `${entry}${where} installs on Python ${range}${row.unconfirmed ? ' (unconfirmed)' : ''}: ${shortSource(row.source)}`,
    );
  }
  return bounds;
}

/**
 * A ceiling from the package's classifiers (`Programming Language :: Python :: 3.12`): the
 * newest Python its authors say it runs on. Only lowers the ceiling, never below the floor.
 */
export function withClassifierCeiling(
  bounds: PythonBounds,
  newest: { python: string; where: string } | undefined,
): PythonBounds {
  if (newest === undefined) return bounds;
  if (bounds.max !== undefined && compareDotted(newest.python, bounds.max) >= 0) return bounds;
  if (bounds.min !== undefined && compareDotted(newest.python, bounds.min) < 0) return bounds;
  return {
    ...bounds,
    max: newest.python,
    reasons: [
      ...bounds.reasons,
      `python ${newest.python} at most: the newest its classifiers name (${newest.where})`,
    ],
  };
}

/** The bounds as a Python version spec (`>=3.8,<=3.11`), or undefined without any. */
export function boundsSpec(bounds: PythonBounds): string | undefined {
  const parts = [
    ...(bounds.min ? [`>=${bounds.min}`] : []),
    ...(bounds.max ? [`<${nextMinor(bounds.max)}`] : []),
  ];
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** `3.11` -> `3.12`. */
function nextMinor(python: string): string {
  const [major = '3', minor = '0'] = python.split('.');
  return `${major}.${Number(minor) + 1}`;
}

const KNOWN = new Set(Object.keys(PYTHON_SUPPORT));

/** `numpy==1.24.3`, `numpy===1.24.3`, `numpy=1.24.3`, `conda-forge::numpy==1.24` -> name and version. */
function exactPin(entry: string): { name: string; version: string } | undefined {
  if (entry.includes(';')) return undefined;
  const match =
    /^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*={1,3}\s*([0-9]+(?:\.[0-9]+)*)(?:\.\*)?(?:[=\s].*)?$/.exec(
      entry.trim(),
    );
  if (!match?.[1] || !match[2]) return undefined;
  const name = normalizeName(match[1]);
  return KNOWN.has(name) ? { name, version: match[2] } : undefined;
}

/** The first clause of a source, short enough for an evidence line. */
function shortSource(source: string): string {
  const first = source.split(';')[0]?.trim() ?? source;
  return first.length > 110 ? `${first.slice(0, 107)}...` : first;
}
