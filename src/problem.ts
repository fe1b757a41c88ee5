/**
 * A problem is data, not an exception: every command (spec loading, resolution, init, generate,
 * lock, build, doctor, audit) reports through this one shape, and the reporters decide how it
 * looks. Its code comes from the registry (src/problem-codes.ts), which also says what exit it
 * calls for; a diagnostic is a problem with a location.
 */
import { codeInfo, type ProblemCode, type Severity } from './problem-codes.js';

export interface Problem {
  /** Stable code tests and tools match on, e.g. `spec/unknown-key`, `resolve/no-build`, `DKR008`. */
  ruleId: ProblemCode;
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

/** A problem at a place in a file: what audit reports. */
export type Diagnostic = Problem & { file: string; line: number; column: number };

/** A problem of `code` at its registered severity, unless `details` says otherwise. */
export function problem(
  code: ProblemCode,
  message: string,
  details: Partial<Omit<Problem, 'ruleId' | 'message'>> = {},
): Problem {
  return { ruleId: code, severity: codeInfo(code).severity, message, ...details };
}

/**
 * Thrown when a command cannot go on because of what it was given or found (bad flag, invalid
 * spec, constraints nothing satisfies, a file it cannot write). The CLI prints the problems and
 * decides the exit from their codes.
 */
export class UserError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'UserError';
    this.problems = problems;
  }
}

/** Shorthand for a single-problem error. */
export function usageError(code: ProblemCode, message: string, fix?: string): UserError {
  return new UserError([problem(code, message, fix ? { fix } : {})]);
}
