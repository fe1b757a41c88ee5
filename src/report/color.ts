/**
 * Colour for human output. chalk decides from the terminal and FORCE_COLOR but does not read
 * NO_COLOR (its maintainers declined it), so envgen does: NO_COLOR set, or output that is not
 * a terminal, means no colour.
 */
import { Chalk, type ChalkInstance, supportsColor } from 'chalk';
import type { OutStream } from '../io.js';

export function colorFor(
  stream: OutStream,
  env: Readonly<Record<string, string | undefined>>,
): ChalkInstance {
  const off = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !stream.isTTY;
  return new Chalk({ level: off ? 0 : supportsColor ? supportsColor.level : 1 });
}
