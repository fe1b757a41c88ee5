/**
 * CVSS v3.x base scores from their vectors (FIRST's CVSS v3.1 specification, section 7: the
 * base metric equations and Roundup), for OSV records that carry a `CVSS_V3` vector but no
 * severity label (GHSA records have the label; many PYSEC and CVE-derived ones do not).
 * CVSS v4 vectors are not scored: v4's score comes from a lookup of macro-vectors, not a
 * formula, and a wrong band is worse than none (the advisory is then `unknown`).
 */

const WEIGHTS = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** Privileges Required weighs more when the scope changes. */
const PR = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

/** The base score (0.0 to 10.0) of a `CVSS:3.0/…` or `CVSS:3.1/…` vector; null when it is not one. */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split('/');
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) return null;
  const metrics = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined || metrics.has(key)) return null;
    metrics.set(key, value);
  }
  const pick = <T extends Record<string, number>>(table: T, key: string): number | null => {
    const value = metrics.get(key);
    return value !== undefined && value in table ? (table[value] as number) : null;
  };
  const scope = metrics.get('S');
  if (scope !== 'U' && scope !== 'C') return null;
  const av = pick(WEIGHTS.AV, 'AV');
  const ac = pick(WEIGHTS.AC, 'AC');
  const pr = pick(PR[scope], 'PR');
  const ui = pick(WEIGHTS.UI, 'UI');
  const c = pick(WEIGHTS.CIA, 'C');
  const i = pick(WEIGHTS.CIA, 'I');
  const a = pick(WEIGHTS.CIA, 'A');
  if (av === null || ac === null || pr === null || ui === null) return null;
  if (c === null || i === null || a === null) return null;

  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/** The specification's Roundup: the smallest one-decimal number ≥ x, free of float noise. */
function roundUp(x: number): number {
  const scaled = Math.round(x * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/**
 * CVSS's qualitative rating of a base score, in GHSA's words (`moderate` for CVSS's Medium);
 * a score of 0.0 (CVSS's None) is `low`: the record still names an advisory.
 */
export function cvssBand(score: number): 'low' | 'moderate' | 'high' | 'critical' {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  return 'low';
}
