/**
 * The package a dependency names, whatever its form: a conda match spec as repodata and
 * conda-meta write it (`libgcc-ng >=12`, `python 3.11.* *_cpython`, `conda-forge::numpy`,
 * `numpy[version='>=1.26']`) or a pip requirement (`charset-normalizer>=2,<4`,
 * `requests[socks]>=2; python_version>"3.8"`, `torch @ https://…`).
 */
import { normalizeName } from '../spec/package-entries.js';

const NAME = /^\s*(?:.*::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)/;

/** The lower-cased name at the start of a dependency, or null when it starts with none (`./pkg`). */
export function dependencyName(spec: string): string | null {
  const name = NAME.exec(spec)?.[1];
  return name ? name.toLowerCase() : null;
}

/** conda's virtual packages (`__cuda`, `__glibc`): the machine provides them, no package does. */
export function isVirtual(name: string): boolean {
  return name.startsWith('__');
}

/** The key two names that may be one project are compared by (PEP 503: `-`, `_`, `.` alike). */
export function nameKey(name: string): string {
  return normalizeName(name);
}

/** What a spec asks beyond its name: `>=12` of `libgcc-ng >=12`, `` of a bare name. */
export function constraintOf(spec: string): string {
  const match = NAME.exec(spec);
  return match ? spec.slice(match[0].length).trim() : spec.trim();
}
