/** Durations given on the command line (`build --timeout`, `lock --timeout`). */
import { usageError } from '../problem.js';

/** `90`, `90s`, `15m`, `1h` -> milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match)
    throw usageError(
      'usage/invalid-flag',
      `--timeout '${text}' is not a duration`,
      'write seconds (900), or 900s, 15m, 1h',
    );
  const unit = { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit * 1000;
}
