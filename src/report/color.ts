/**
 * Colour for human output, by the conventions chalk and Node follow (no-color.org,
 * force-color.org, Node's FORCE_COLOR): FORCE_COLOR `1`, `true` or empty forces colour, even when
 * the output is piped, and then NO_COLOR is ignored; FORCE_COLOR `0`, `false` or any other value
 * turns colour off. Otherwise NO_COLOR (set and not empty), output that is not a terminal, or
 * `TERM=dumb` mean no colour. envgen decides from the environment and the stream it is given.
 *
 * The painting is ECMA-48 SGR codes written here rather than a library's: envgen uses eight
 * styles of the 16-colour set, and loading chalk (with its terminal sniffing) cost every command
 * several milliseconds of start-up (issue 17).
 */
import type { OutStream } from '../io.js';

/** 0: no colour; 1: 16 colours; 2: 256; 3: truecolor (as FORCE_COLOR and chalk number them). */
export type ColorLevel = 0 | 1 | 2 | 3;

/** Wraps text in one style; the identity when colour is off. */
type Paint = (text: string) => string;

/** The styles human output uses, and the level they were decided at. */
export interface Palette {
  readonly level: ColorLevel;
  readonly bold: Paint;
  readonly dim: Paint;
  readonly underline: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly blue: Paint;
  readonly cyan: Paint;
}

type StyleName = Exclude<keyof Palette, 'level'>;

/** Each style's SGR open and close parameters. */
const SGR: Readonly<Record<StyleName, readonly [open: number, close: number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
};

const FORCED: Readonly<Record<string, ColorLevel>> = {
  '': 1,
  '1': 1,
  true: 1,
  '2': 2,
  '3': 3,
  '0': 0,
  false: 0,
};

/** The colour level for output on `stream`. */
export function colorLevel(
  stream: OutStream,
  env: Readonly<Record<string, string | undefined>>,
): ColorLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    // Any value but those: Node turns colour off; chalk too.
    return FORCED[force.toLowerCase()] ?? 0;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!stream.isTTY || env.TERM === 'dumb') return 0;
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 3;
  if (/-256(colou?r)?$/i.test(env.TERM ?? '')) return 2;
  return 1;
}

const identity: Paint = (text) => text;

/**
 * One style: open, the text, close. A close of the same kind inside the text (a red word in a
 * yellow line, a dim part of a bold one) would end the outer style early, so each is followed by
 * the outer style's open again, as chalk does.
 */
function sgrPaint([open, close]: readonly [number, number]): Paint {
  const openCode = `\u001b[${open}m`;
  const closeCode = `\u001b[${close}m`;
  return (text) => {
    const inner = text.includes(closeCode)
      ? text.replaceAll(closeCode, closeCode + openCode)
      : text;
    return `${openCode}${inner}${closeCode}`;
  };
}

/** The palette for `level`: every style the identity at 0. */
export function paletteFor(level: ColorLevel): Palette {
  const paint = (name: StyleName): Paint => (level === 0 ? identity : sgrPaint(SGR[name]));
  return {
    level,
    bold: paint('bold'),
    dim: paint('dim'),
    underline: paint('underline'),
    red: paint('red'),
    green: paint('green'),
    yellow: paint('yellow'),
    blue: paint('blue'),
    cyan: paint('cyan'),
  };
}

/** The palette for output on `stream` in environment `env`. */
export function colorFor(
  stream: OutStream,
  env: Readonly<Record<string, string | undefined>>,
): Palette {
  return paletteFor(colorLevel(stream, env));
}
