/**
 * Which Pythons an exactly pinned package installs on, for the packages ML repos pin most
 * (numpy, scipy, pandas, scikit-learn, pillow, opencv, transformers): `numpy==1.24.3` has no
 * wheels for Python 3.12, so an environment with it must not get 3.12.
 *
 * The data (`python-support.json`) gives, per version range, the lowest Python its
 * Requires-Python allows and the newest one PyPI has its wheels for (null: abi3 or pure Python,
 * no upper limit), each with the source read; fixtures/reference/python-support holds the research.
 */
import { normalizeName } from '../spec/package-entries.js';
import { parseCondaVersionSpec } from '../versions/conda-version.js';
import data from './python-support.json';

export interface PythonSupportRow {
  /** A conda version spec over the package's versions (`1.24.*`, `>=1.21.3,<1.22`). */
  versions: string;
  python: { min: string; max: string | null };
  source: string;
  unconfirmed?: boolean;
}

export const PYTHON_SUPPORT = data.packages as Record<string, PythonSupportRow[]>;

/** The row for an exact version of a package, if the table has one. */
export function pythonSupportOf(name: string, version: string): PythonSupportRow | undefined {
  const rows = PYTHON_SUPPORT[normalizeName(name)];
  return rows?.find((row) => {
    const spec = parseCondaVersionSpec(row.versions);
    return spec.ok && spec.matcher.matches(version);
  });
}
