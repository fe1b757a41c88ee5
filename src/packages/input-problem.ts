/**
 * How a reader says that a file is not what it should be: `packages/corrupt` at the file and
 * line, with what was expected there. Readers throw it; the CLI prints it and exits 2.
 */
import { problem, UserError } from '../problem.js';

/** A corrupt input: what is wrong at `line` (1-based, when known) and what would be accepted. */
export function corruptInput(
  file: string,
  line: number | undefined,
  message: string,
  expected: string,
): UserError {
  return new UserError([
    problem('packages/corrupt', `${file}${line ? `:${line}` : ''}: ${message}`, {
      file,
      ...(line ? { line } : {}),
      fix: `expected ${expected}`,
    }),
  ]);
}
