/** When human output is coloured: NO_COLOR, FORCE_COLOR (also when piped), TERM=dumb. */
import { describe, expect, it } from 'vitest';
import { colorFor } from '../../src/report/color.js';

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
