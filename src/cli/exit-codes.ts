/**
 * The exit code of a command, decided here and nowhere else (DESIGN.md): 0 nothing to report
 * at the threshold, 1 the check ran and failed, 2 bad input or usage, 3 the environment is
 * missing something, 130 the user stopped it, 70 envgen itself failed. Domain code reports problems; their codes'
 * classes (src/problem-codes.ts) decide.
 */
import type { Problem } from '../problem.js';
import { codeInfo, type ExitClass, type Severity } from '../problem-codes.js';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  environment: 3,
  interrupted: 130,
  /** A bug in envgen (the stack trace is printed): BSD's EX_SOFTWARE. */
  internal: 70,
} as const satisfies Record<'ok' | ExitClass | 'internal', number>;

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
/** Which class wins when problems of several are reported: the one that says most. */
const PRECEDENCE: Record<ExitClass, number> = {
  failed: 1,
  usage: 2,
  environment: 3,
  interrupted: 4,
};

/**
 * The exit for problems: the strongest class among those at or above `threshold` (audit's
 * `--fail-on`; errors otherwise), 0 when there are none.
 */
export function exitFor(problems: readonly Problem[], threshold: Severity = 'error'): number {
  let worst: ExitClass | undefined;
  for (const p of problems) {
    if (RANK[p.severity] < RANK[threshold]) continue;
    // Below the error level, a finding only fails the check.
    const cls = p.severity === 'error' ? codeInfo(p.ruleId).exit : 'failed';
    if (!worst || PRECEDENCE[cls] > PRECEDENCE[worst]) worst = cls;
  }
  return worst ? EXIT[worst] : EXIT.ok;
}
