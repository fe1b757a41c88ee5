/**
 * Colour for human output, by the conventions chalk and Node follow (no-color.org,
 * force-color.org, Node's FORCE_COLOR): FORCE_COLOR `1`, `true` or empty forces 16 colours,
 * `2` 256, `3` truecolor, even when the output is piped, and then NO_COLOR is ignored;
 * FORCE_COLOR `0` or `false` turns colour off. Otherwise NO_COLOR (set and not empty), output
 * that is not a terminal, or `TERM=dumb` mean no colour. chalk reads only process.env and its
 * stdout, so envgen decides from the environment and the stream it is given.
 */
import { Chalk, type ChalkInstance, type ColorSupportLevel, supportsColor } from 'chalk';
import type { OutStream } from '../io.js';

const FORCED: Readonly<Record<string, ColorSupportLevel>> = {
  '': 1,
  '1': 1,
  true: 1,
  '2': 2,
  '3': 3,
  '0': 0,
  false: 0,
};

/** The colour level for output on `stream`: 0 (none) to 3 (truecolor). */
function colorLevel(
  stream: OutStream,
  env: Readonly<Record<string, string | undefined>>,
): ColorSupportLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    const level = FORCED[force.toLowerCase()];
    // Any other value: Node turns colour off; chalk too.
    return level ?? 0;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  return supportsColor ? supportsColor.level : 1;
}

export function colorFor(
  stream: OutStream,
  env: Readonly<Record<string, string | undefined>>,
): ChalkInstance {
  return new Chalk({ level: colorLevel(stream, env) });
}
