/** Whole numbers given on the command line (`build --jobs`, `rollout --keep`, `--health-timeout`). */
import { usageError } from '../problem.js';

/** `text` as a whole number >= 1, or `usage/invalid-flag` with an example (`e.g. --jobs 2`). */
export function positiveInt(text: string, flag: string, example = 2): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw usageError(
      'usage/invalid-flag',
      `${flag} '${text}' is not a whole number >= 1`,
      `e.g. ${flag} ${example}`,
    );
  return value;
}
