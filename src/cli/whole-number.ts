/** Whole numbers given on the command line (`build --jobs`, `rollout --keep`, `--health-timeout`). */
import { usageError } from '../problem.js';

/**
 * `text` as a whole number from 1 (to `max`, when given), or `usage/invalid-flag` with an
 * example (`e.g. --jobs 2`).
 */
export function positiveInt(text: string, flag: string, example = 2, max?: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || (max !== undefined && value > max))
    throw usageError(
      'usage/invalid-flag',
      `${flag} '${text}' is not a whole number ${max === undefined ? '>= 1' : `from 1 to ${max}`}`,
      `e.g. ${flag} ${example}`,
    );
  return value;
}
