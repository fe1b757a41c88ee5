/**
 * A Python the repo gives as a range (`requires-python = ">=3.9,<3.12"`, Poetry's `^3.10`) is
 * not a pin: its floor says what the code still runs on, not what the image should hold. So
 * torch is chosen first, without the Python, and then the newest Python inside the range that
 * this torch supports.
 */

import { pythonsBetween } from '../compat/python-choice.js';
import { type ResolveOutcome, type ResolveRequest, resolveModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import { quote } from './detect/collector.js';
import { pythonAllows } from './detect/python-version.js';

export interface RangeChoice {
  outcome: ResolveOutcome;
  /** One line saying which Python was taken from the range, and why. */
  evidence: string;
}

/**
 * Resolves with the newest Python in `range` that the chosen torch supports.
 *
 * - `request(python)`: the resolver's request for the model, with that Python or none
 * - when the torch chosen without a Python supports none of the range, the newest Python of
 *   the range that some torch matching the rest supports, with that torch
 * - when no torch does, the resolver's own Python, saying so
 */
export function resolveInPythonRange(
  table: Table,
  range: string,
  request: (python?: string) => ResolveRequest,
): RangeChoice {
  const first = resolveModel(table, request());
  if (!first.ok) return { outcome: first, evidence: '' };
  const torch = seriesOf(first.model.torch);
  const release = table.releases.find((r) => r.torch === torch);
  const supported = release ? pythonsBetween(release.python.min, release.python.max) : [];
  const inRange = (python: string) => pythonAllows(range, python);
  const newest = supported.filter(inRange).at(-1);
  if (newest !== undefined) {
    const outcome = resolveModel(table, request(newest));
    if (outcome.ok) {
      return {
        outcome,
        evidence: `python ${newest}: the newest in ${quote(range)} that torch ${torch} supports (${release?.python.min}-${release?.python.max})`,
      };
    }
  }
  for (const python of allPythons(table).filter(inRange).reverse()) {
    const outcome = resolveModel(table, request(python));
    if (outcome.ok) {
      return {
        outcome,
        evidence: `python ${python}: torch ${torch} supports none of ${quote(range)}, so torch ${seriesOf(outcome.model.torch)}, the newest that supports ${python}`,
      };
    }
  }
  return {
    outcome: first,
    evidence: `python ${quote(range)} from the repo: no torch that fits the rest supports any of it; using the resolver's choice, ${first.model.python}`,
  };
}

/** `2.4.1` -> `2.4`. */
export function seriesOf(torch: string): string {
  return torch.split('.').slice(0, 2).join('.');
}

/** Every stable Python some release of the table supports, oldest first. */
function allPythons(table: Table): string[] {
  const minors = new Set<number>();
  for (const release of table.releases) {
    for (const python of pythonsBetween(release.python.min, release.python.max)) {
      minors.add(Number(python.split('.')[1]));
    }
  }
  return [...minors].sort((a, b) => a - b).map((minor) => `3.${minor}`);
}
