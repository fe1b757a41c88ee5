/**
 * Ordering for the plain numeric versions in the table: Python (`3.10`), CUDA (`12.8`),
 * compute capabilities (`8.6`), driver versions (`535.104.05`). These are dot-separated
 * integers, so they are compared number by number; conda version semantics (which torch
 * specs need) live in `conda-version.ts`.
 */
export function compareDotted(a: string, b: string): number {
  const pa = a.split('.').map((part) => Number.parseInt(part, 10));
  const pb = b.split('.').map((part) => Number.parseInt(part, 10));
  const length = Math.max(pa.length, pb.length);
  for (let i = 0; i < length; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Highest first. */
export function byDottedDescending(a: string, b: string): number {
  return compareDotted(b, a);
}

/**
 * The major version a version or a conda version spec starts from: `12.8`, `=12.4`, `>=12,<13`
 * and `12.4.*` -> 12. Nothing numeric (`cpu`, empty, absent): undefined.
 */
export function majorOf(version: string | undefined): number | undefined {
  const match = /(\d+)/.exec(version ?? '');
  return match?.[1] ? Number(match[1]) : undefined;
}
