/**
 * GitLab's Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in the
 * subset of the Code Climate format GitLab reads, `description`, `check_name`, `fingerprint`,
 * `severity` (info, minor, major, critical, blocker) and `location` (`path`, `lines.begin`).
 * https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
 *
 * The fingerprint (GitLab matches issues between a merge request and its target with it) is of
 * the rule, the file and the message, not the line, so a finding that only moves is the same
 * finding; identical findings in one file are told apart by their order.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../problem.js';

const SEVERITY = { error: 'major', warning: 'minor', info: 'info' } as const;

export function formatCodeQuality(diagnostics: readonly Diagnostic[]): string {
  const seen = new Map<string, number>();
  const issues = diagnostics.map((d) => {
    const key = [d.ruleId, d.file, d.message].join('\0');
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return {
      description: d.fix ? `${d.message} (fix: ${d.fix})` : d.message,
      check_name: d.ruleId,
      fingerprint: createHash('md5').update(`${key}\0${count}`).digest('hex'),
      severity: SEVERITY[d.severity],
      location: { path: d.file, lines: { begin: d.line } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
