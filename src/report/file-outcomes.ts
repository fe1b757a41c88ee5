/**
 * What a command did to each file it writes, for people: `generate` reports its files with it,
 * and `lock` its locks and then the generated files it brought to them. One line a file (the
 * status, padded and painted, then the path), and a count of each status.
 */
import type { Palette } from './color.js';

/** What happened to one file, and where it is. */
export interface Outcome {
  status: string;
  path: string;
}

/** The colour a status is painted in. */
export type StatusPaint = (status: string) => (text: string) => string;

/**
 * The generated files' palette: written green, untouched dim, out of date (or left over)
 * yellow, refused or missing red.
 */
export function fileStatusPaint(c: Palette): StatusPaint {
  const paint: Record<string, (text: string) => string> = {
    created: c.green,
    updated: c.green,
    unchanged: c.dim,
    missing: c.red,
    stale: c.yellow,
    edited: c.red,
    foreign: c.red,
    kept: c.dim,
    orphaned: c.yellow,
    removed: c.green,
  };
  return (status) => paint[status] ?? c.red;
}

/** One line an outcome: `created   envs/a/Dockerfile`, then the outcome's `detail`, if any. */
export function outcomeLines<T extends Outcome>(
  outcomes: readonly T[],
  paint: StatusPaint,
  detail: (outcome: T) => string = () => '',
): string[] {
  return outcomes.map((o) => `${paint(o.status)(o.status.padEnd(9))} ${o.path}${detail(o)}`);
}

/** How many outcomes have each status, in the order first seen: `2 created, 1 unchanged`. */
export function statusCounts(outcomes: readonly Pick<Outcome, 'status'>[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

/** The file lines, then the counts: `created   envs/a/Dockerfile\n1 created.` (no final newline). */
export function formatFileOutcomes<T extends Outcome>(
  outcomes: readonly T[],
  paint: StatusPaint,
  detail?: (outcome: T) => string,
): string {
  return `${outcomeLines(outcomes, paint, detail).join('\n')}\n${statusCounts(outcomes)}.`;
}
