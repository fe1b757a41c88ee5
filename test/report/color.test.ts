/** When human output is coloured: NO_COLOR, FORCE_COLOR (also when piped), TERM=dumb. */
import { describe, expect, it } from 'vitest';
import { colorFor, colorLevel, paletteFor } from '../../src/report/color.js';

const terminal = { write() {}, isTTY: true };
const pipe = { write() {}, isTTY: false };

describe('colorFor', () => {
  it('a terminal gets colour; a pipe, NO_COLOR or TERM=dumb do not', () => {
    expect(colorFor(terminal, { TERM: 'xterm-256color' }).level).toBeGreaterThan(0);
    expect(colorFor(pipe, { TERM: 'xterm-256color' }).level).toBe(0);
    expect(colorFor(terminal, { NO_COLOR: '1' }).level).toBe(0);
    // An empty NO_COLOR is as if unset (no-color.org).
    expect(colorFor(terminal, { NO_COLOR: '' }).level).toBeGreaterThan(0);
    expect(colorFor(terminal, { TERM: 'dumb' }).level).toBe(0);
  });

  it('FORCE_COLOR forces colour even when piped, at the level it names', () => {
    expect(colorFor(pipe, { FORCE_COLOR: '1' }).level).toBe(1);
    expect(colorFor(pipe, { FORCE_COLOR: '' }).level).toBe(1);
    expect(colorFor(pipe, { FORCE_COLOR: 'true' }).level).toBe(1);
    expect(colorFor(pipe, { FORCE_COLOR: '2' }).level).toBe(2);
    expect(colorFor(pipe, { FORCE_COLOR: '3' }).level).toBe(3);
    expect(colorFor(pipe, { FORCE_COLOR: '1', TERM: 'dumb' }).level).toBe(1);
    // Forced colour wins over NO_COLOR (as in Node); FORCE_COLOR=0 turns it off on a terminal.
    expect(colorFor(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }).level).toBe(1);
    expect(colorFor(terminal, { FORCE_COLOR: '0' }).level).toBe(0);
    expect(colorFor(terminal, { FORCE_COLOR: 'false' }).level).toBe(0);
    expect(colorFor(pipe, { FORCE_COLOR: '1' }).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('paletteFor', () => {
  it('paints with SGR codes at level 1 and above, and not at all at 0', () => {
    const on = paletteFor(1);
    expect(on.bold('x')).toBe('\u001b[1mx\u001b[22m');
    expect(on.dim('x')).toBe('\u001b[2mx\u001b[22m');
    expect(on.underline('x')).toBe('\u001b[4mx\u001b[24m');
    expect(on.green('x')).toBe('\u001b[32mx\u001b[39m');
    expect(on.yellow('x')).toBe('\u001b[33mx\u001b[39m');
    expect(on.blue('x')).toBe('\u001b[34mx\u001b[39m');
    expect(on.cyan('x')).toBe('\u001b[36mx\u001b[39m');
    expect(paletteFor(3).red('x')).toBe('\u001b[31mx\u001b[39m');
    const off = paletteFor(0);
    for (const style of [
      'bold',
      'dim',
      'underline',
      'red',
      'green',
      'yellow',
      'blue',
      'cyan',
    ] as const) {
      expect(off[style]('x')).toBe('x');
    }
  });

  it('a style nested in one of the same kind does not end the outer one early', () => {
    const c = paletteFor(1);
    // yellow, then red inside it, then back to yellow for the rest of the line
    expect(c.yellow(`a ${c.red('b')} c`)).toBe(
      '\u001b[33ma \u001b[31mb\u001b[39m\u001b[33m c\u001b[39m',
    );
    // bold and dim share a close code
    expect(c.bold(`a ${c.dim('b')} c`)).toBe(
      '\u001b[1ma \u001b[2mb\u001b[22m\u001b[1m c\u001b[22m',
    );
    // different kinds nest as they are
    expect(c.bold(c.red('b'))).toBe('\u001b[1m\u001b[31mb\u001b[39m\u001b[22m');
  });
});

describe('colorLevel on a terminal', () => {
  it('reads COLORTERM and TERM for the level; colour is on even where neither says more', () => {
    expect(colorLevel(terminal, { COLORTERM: 'truecolor' })).toBe(3);
    expect(colorLevel(terminal, { TERM: 'xterm-256color' })).toBe(2);
    expect(colorLevel(terminal, { TERM: 'xterm' })).toBe(1);
    expect(colorLevel(terminal, {})).toBe(1);
    expect(colorLevel(pipe, { COLORTERM: 'truecolor' })).toBe(0);
  });
});
