/**
 * The live progress display, replayed on a fake terminal of a given size: every line fits the
 * width, the live area stays within the height, and each finished step is printed once.
 */
import { describe, expect, it } from 'vitest';
import { createNodeIo, type Io } from '../../src/io.js';
import { createProgress } from '../../src/progress.js';
import { type FakeTerminal, fakeTerminal } from '../helpers/fake-terminal.js';

function ioOn(stderr: FakeTerminal | Io['stderr'], env: Record<string, string> = {}): Io {
  let clock = 0;
  return {
    ...createNodeIo({ TERM: 'xterm-256color', ...env }),
    stderr,
    now: () => (clock += 100),
  };
}

/** Nine models at once, each through two steps; one name is longer than the terminal is wide. */
function runNine(io: Io): string[] {
  const models = [...Array.from({ length: 8 }, (_, i) => `m${i}`), 'sentiment-classifier-large'];
  const progress = createProgress(io, { quiet: false });
  const finished: string[] = [];
  for (const model of models) progress.start(model, 'create');
  for (const model of models) {
    progress.update(model, 'create (downloading 412 MB of 1.9 GB)');
    progress.finish(model, 'create', true, 1500);
    finished.push(`${model}: create`);
    progress.start(model, 'local-packages');
  }
  for (const model of models) {
    progress.finish(model, 'local-packages', model !== 'm3', 2500, 'failed (exit 1)');
    finished.push(`${model}: local-packages`);
  }
  progress.close();
  return finished;
}

describe('live progress', () => {
  for (const [columns, rows] of [
    [28, 6],
    [80, 3],
    [20, 2],
    [120, 40],
  ] as const) {
    it(`fits a ${columns}x${rows} terminal and prints each finished step once`, () => {
      const term = fakeTerminal(columns, rows);
      const finished = runNine(ioOn(term));
      expect(term.wraps).toBe(0);
      expect(term.clipped).toBe(0);
      const lines = term.lines();
      for (const line of lines) expect([...line].length).toBeLessThan(columns);
      // Only finished steps are left, in the order they finished, each once.
      expect(lines).toHaveLength(finished.length);
      lines.forEach((line, i) => {
        const expected = `  ${finished[i]}`;
        expect(expected.startsWith(line.replace(/…$/, '')) || line.startsWith(expected)).toBe(true);
      });
      // The model that failed says so, and no line is a running step left behind.
      expect(lines.some((line) => line.startsWith('  m3: local-packages fai'))).toBe(columns > 24);
      for (const line of lines) expect(line).not.toMatch(/\d\.\ds$/);
    });
  }

  it('never moves the cursor more rows up than the live area it drew', () => {
    const term = fakeTerminal(40, 6);
    runNine(ioOn(term));
    const ups = term
      .raw()
      .split('\u001b[')
      .slice(1)
      .flatMap((part) => /^(\d+)A/.exec(part)?.[1] ?? [])
      .map(Number);
    expect(ups.length).toBeGreaterThan(0);
    expect(Math.max(...ups)).toBeLessThanOrEqual(5);
  });

  it('TERM=dumb gets plain lines: no cursor movement, no escape codes at all', () => {
    const term = fakeTerminal(80, 24);
    runNine(ioOn(term, { TERM: 'dumb' }));
    expect(term.raw()).not.toContain('\u001b');
    expect(term.lines().filter((l) => / local-packages (ok|failed)/.test(l))).toHaveLength(9);
  });
});
