/**
 * A problem is data, not an exception: every stage (spec validation, resolution, later audit
 * and doctor) reports through this one shape, and the reporters decide how it looks.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Stable id tests and tools match on, e.g. `spec/unknown-key`, `resolve/no-build`. */
  ruleId: string;
  severity: Severity;
  /** Path relative to the working directory, when the problem is in a file. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** What is wrong, in one sentence. */
  message: string;
  /** What would be accepted, or what to change. */
  fix?: string;
}

/**
 * Thrown when a command cannot go on because of what the user gave it (bad flag, invalid
 * spec, constraints nothing satisfies). The CLI prints the problems and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly problems: Problem[];
  readonly exitCode: number;

  constructor(problems: Problem[], exitCode = 2) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'UserError';
    this.problems = problems;
    this.exitCode = exitCode;
  }
}

/** Shorthand for a single-problem usage error (exit 2). */
export function usageError(ruleId: string, message: string, fix?: string): UserError {
  return new UserError([{ ruleId, severity: 'error', message, ...(fix ? { fix } : {}) }]);
}
