/**
 * Lazy progress: nothing on stderr (not even the live display's redraws) until a step starts;
 * then the same lines as the progress it stands for.
 */
import { describe, expect, it } from 'vitest';
import { createNodeIo, type Io } from '../../src/io.js';
import { lazyProgress } from '../../src/progress.js';

function capture(isTTY: boolean): { io: Io; written: string[] } {
  const written: string[] = [];
  return {
    written,
    io: {
      ...createNodeIo({ TERM: 'xterm-256color' }),
      stderr: { write: (text) => written.push(text), isTTY, columns: 80, rows: 24 },
      now: () => 0,
    },
  };
}

describe('lazyProgress', () => {
  it('writes nothing when no step starts, on a terminal or not', () => {
    for (const tty of [true, false]) {
      const { io, written } = capture(tty);
      const progress = lazyProgress(io);
      progress.update('a', 'x');
      progress.finish('a', 'x', true, 1);
      progress.close();
      expect(written).toEqual([]);
    }
  });

  it('shows a step once it starts, as the plain progress does', () => {
    const { io, written } = capture(false);
    const progress = lazyProgress(io);
    progress.start('tagger', 'checking 3 files (0 MB)');
    progress.finish('tagger', 'checking 3 files (0 MB)', false, 1500, '1 changed');
    progress.close();
    expect(written).toEqual([
      '[00:00:00] tagger: checking 3 files (0 MB) ...\n',
      '[00:00:00] tagger: checking 3 files (0 MB) 1 changed (1.5s)\n',
    ]);
  });
});
