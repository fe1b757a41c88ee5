/**
 * Which advisories are accepted for now: `--ignore ID` (for this run) and envgen.yaml's
 * `vulns.ignore` list, each entry with its reason and an optional expiry date. An entry that
 * has expired ignores nothing any more, and says so.
 */
import { type Problem, problem } from '../problem.js';
import type { LoadedSpec } from '../spec/types.js';
import type { Advisory } from './advisories.js';

export interface IgnoreEntry {
  id: string;
  reason: string | null;
  expires: string | null;
  /** `--ignore` or envgen.yaml's line. */
  from: 'flag' | { file: string; line: number | null };
}

interface IgnoreList {
  active: IgnoreEntry[];
  problems: Problem[];
}

/** Today as YYYY-MM-DD (UTC), from the Io's clock. */
export function today(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function ignoreList(
  flags: readonly string[],
  loaded: LoadedSpec | null,
  date: string,
): IgnoreList {
  const active: IgnoreEntry[] = flags.map((id) => ({
    id,
    reason: null,
    expires: null,
    from: 'flag',
  }));
  const problems: Problem[] = [];
  (loaded?.spec.vulns?.ignore ?? []).forEach((entry, index) => {
    const at = loaded?.locate(['vulns', 'ignore', index]);
    if (entry.expires !== undefined && entry.expires <= date) {
      problems.push(
        problem(
          'vulns/ignore-expired',
          `the ignore entry for ${entry.id} expired on ${entry.expires}: ${entry.id} is reported again`,
          {
            ...(loaded ? { file: loaded.file } : {}),
            ...(at ? { line: at.line, column: at.column } : {}),
            fix: `upgrade past ${entry.id}, or give the entry a later expires date if "${entry.reason}" still holds`,
          },
        ),
      );
      return;
    }
    active.push({
      id: entry.id,
      reason: entry.reason,
      expires: entry.expires ?? null,
      from: { file: loaded?.file ?? '', line: at?.line ?? null },
    });
  });
  return { active, problems };
}

/** The entry that ignores an advisory (by its id or any alias), or null. */
export function ignoredBy(advisory: Advisory, entries: readonly IgnoreEntry[]): IgnoreEntry | null {
  const ids = new Set([advisory.id, ...advisory.aliases].map((id) => id.toUpperCase()));
  return entries.find((entry) => ids.has(entry.id.toUpperCase())) ?? null;
}
