/**
 * The Python choice for a torch release: the newest it supports when none is asked for, else the
 * one asked for if the release supports it, stably or experimentally.
 */

import type { PythonRange, Release } from '../rules-format.js';
import { compareDotted } from '../versions/dotted.js';

export type PythonDecision =
  | {
      kind: 'python-newest-supported';
      version: string;
      torch: string;
      range: PythonRange;
      /** Why the newest supported Python is not confirmed, if it is not. */
      unconfirmedMax: string | undefined;
    }
  | {
      kind: 'python-as-asked';
      version: string;
      torch: string;
      range: PythonRange;
      /** Set where the Python asked for is the range's unconfirmed newest. */
      unconfirmedMax: string | undefined;
    }
  | { kind: 'python-experimental-as-asked'; version: string; torch: string; range: PythonRange };

export interface PythonRefusal {
  kind: 'python-unsupported';
  torch: string;
  requested: string;
  range: PythonRange;
  /** The stable Pythons of the range. */
  supported: string[];
  /** The releases of the table that support the requested Python, oldest first. */
  supporters: string[];
}

export function choosePython(
  release: Release,
  requested: string | undefined,
  all: readonly Release[],
): PythonDecision | PythonRefusal {
  const { torch, python: range } = release;
  const stable = pythonsBetween(range.min, range.max);
  const unconfirmedMax = range.unconfirmed?.max;
  if (!requested) {
    return { kind: 'python-newest-supported', version: range.max, torch, range, unconfirmedMax };
  }
  if (stable.includes(requested)) {
    return {
      kind: 'python-as-asked',
      version: requested,
      torch,
      range,
      unconfirmedMax: requested === range.max ? unconfirmedMax : undefined,
    };
  }
  if (range.experimental.includes(requested)) {
    return { kind: 'python-experimental-as-asked', version: requested, torch, range };
  }
  const supporters = all
    .filter((r) => pythonsBetween(r.python.min, r.python.max).includes(requested))
    .map((r) => r.torch)
    .sort(compareDotted);
  return { kind: 'python-unsupported', torch, requested, range, supported: stable, supporters };
}

/** `3.8`..`3.11` -> [3.8, 3.9, 3.10, 3.11]. */
export function pythonsBetween(min: string, max: string): string[] {
  const [major, lo] = min.split('.').map(Number);
  const hi = Number(max.split('.')[1]);
  const out: string[] = [];
  for (let minor = lo ?? 0; minor <= hi; minor++) out.push(`${major}.${minor}`);
  return out;
}
