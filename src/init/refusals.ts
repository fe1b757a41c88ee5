/**
 * When the values init read from the repo do not resolve, the problem points at the line they
 * came from and names the flag that overrides them: `requirements.txt:1: no known torch release
 * matches '1.7.1'; pass --torch 1.8 to override (nearest releases: 1.8, 1.9)`.
 */
import type { Unsatisfiable } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Problem } from '../problem.js';
import { compareDotted } from '../versions/dotted.js';
import { type Pinned, splitWhere } from './detect/collector.js';

/**
 * The resolver's failure as init's problem: at the file and line the failing value came from
 * (unless a flag or an answer gave it), with the override flag in the fix.
 */
export function refusalAt(
  error: Unsatisfiable,
  table: Table,
  pinnedAt: Partial<Record<Pinned, string>>,
  flagged: readonly Pinned[],
): Problem {
  const field = isPinned(error.field) ? error.field : undefined;
  const where = field && !flagged.includes(field) ? pinnedAt[field] : undefined;
  const problem: Problem = {
    ruleId: error.ruleId,
    severity: 'error',
    message: error.message,
    ...(error.fix ? { fix: error.fix } : {}),
  };
  if (where === undefined || field === undefined) return problem;
  const { file, line } = splitWhere(where);
  const nearest = field === 'torch' ? nearestReleases(table, error.message) : [];
  const example = nearest[0] ?? (field === 'torch' ? '2.4' : field === 'python' ? '3.11' : '12.1');
  const override =
    field === 'torch'
      ? `pass --torch ${example} to override the pin at ${where} (nearest releases envgen knows: ${nearest.join(', ')})`
      : `pass --${field} ${field === 'source' ? 'pip' : example} to override the value at ${where}`;
  return {
    ...problem,
    file,
    ...(line !== null ? { line } : {}),
    message: `${error.message} (from ${where})`,
    fix: error.fix ? `${override}; or ${error.fix}` : override,
  };
}

/** The releases nearest the version the message quotes, nearest first (at most three). */
function nearestReleases(table: Table, message: string): string[] {
  const asked = /'[^0-9']*([0-9]+(?:\.[0-9]+)*)/.exec(message)?.[1];
  const releases = table.releases.map((r) => r.torch);
  if (asked === undefined) return releases.slice(-3).reverse();
  const key = (v: string) => {
    const [major = 0, minor = 0] = v.split('.').map(Number);
    return major * 100 + minor;
  };
  const target = key(asked);
  return [...releases]
    .sort((a, b) => Math.abs(key(a) - target) - Math.abs(key(b) - target) || compareDotted(b, a))
    .slice(0, 3);
}

function isPinned(field: string | undefined): field is Pinned {
  return field === 'torch' || field === 'python' || field === 'cuda' || field === 'source';
}
