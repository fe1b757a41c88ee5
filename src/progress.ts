/**
 * Progress of long steps on stderr. On a terminal: one live line per model with its step and
 * the time it has taken so far. Elsewhere (CI logs): plain timestamped lines, one per event.
 */
import type { Io } from './io.js';

export interface Progress {
  start(model: string, step: string): void;
  /** New text for a running step (bytes downloaded); shown live on a terminal only. */
  update(model: string, step: string): void;
  finish(model: string, step: string, ok: boolean, durationMs: number, note?: string): void;
  /** Stops the live display (it leaves the last state on screen). */
  close(): void;
}

/** Shows nothing: for steps run inside another command's display. */
export const QUIET_PROGRESS: Progress = { start() {}, update() {}, finish() {}, close() {} };

export function createProgress(io: Io, options: { quiet: boolean }): Progress {
  if (options.quiet) return QUIET_PROGRESS;
  return canRedraw(io) ? liveProgress(io) : plainProgress(io);
}

/**
 * Whether stderr is a terminal that understands cursor movement: `TERM=dumb` (Emacs shells,
 * some CI consoles) takes the text as it comes, so it gets the plain lines.
 */
function canRedraw(io: Io): boolean {
  return io.stderr.isTTY && io.env.TERM !== 'dumb';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function plainProgress(io: Io): Progress {
  const stamp = (): string => new Date(io.now()).toISOString().slice(11, 19);
  return {
    start: (model, step) => io.stderr.write(`[${stamp()}] ${model}: ${step} ...\n`),
    update() {},
    finish: (model, step, ok, ms, note) =>
      io.stderr.write(
        `[${stamp()}] ${model}: ${step} ${ok ? 'ok' : (note ?? 'failed')} (${seconds(ms)})\n`,
      ),
    close() {},
  };
}

/** Sizes assumed when a terminal does not say its own. */
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/**
 * Cuts a line to the terminal's width. One cell is left free: a line that fills the last column
 * makes some terminals wrap, and the cursor movement would then miscount the rows drawn.
 */
function fitLine(line: string, columns: number): string {
  const room = Math.max(1, columns - 1);
  const chars = [...line];
  if (chars.length <= room) return line;
  return room === 1 ? '…' : `${chars.slice(0, room - 1).join('')}…`;
}

/**
 * The live display: a finished step is printed once, as a line of its own above the live area,
 * and stays in the scrollback; the live area holds one line per running step, redrawn in place.
 * It never has more lines than the terminal has rows, less one (the cursor can only move up
 * within the screen), and no line is wider than the terminal.
 */
function liveProgress(io: Io): Progress {
  const running = new Map<string, { step: string; since: number }>();
  /** Lines of the live area on screen now, below which the cursor stands. */
  let drawn = 0;
  let closed = false;
  const size = (): { columns: number; rows: number } => ({
    columns: io.stderr.columns && io.stderr.columns > 0 ? io.stderr.columns : DEFAULT_COLUMNS,
    rows: io.stderr.rows && io.stderr.rows > 0 ? io.stderr.rows : DEFAULT_ROWS,
  });
  const liveLines = (rows: number): string[] => {
    const lines = [...running].map(
      ([model, row]) => `  ${model}: ${row.step} ${seconds(io.now() - row.since)}`,
    );
    const room = Math.max(1, rows - 1);
    if (lines.length <= room) return lines;
    // The rest are summed up on the last line the screen has room for.
    const shown = lines.slice(0, room - 1);
    return [...shown, `  … and ${lines.length - shown.length} more running`];
  };
  /** Clears the live area, prints `finished` lines once, and draws the live area again. */
  const draw = (finished: string[] = []): void => {
    if (closed) return;
    const { columns, rows } = size();
    const live = liveLines(rows);
    const up = drawn > 0 ? `\u001b[${drawn}A` : '';
    const lines = [...finished, ...live].map((line) => `${fitLine(line, columns)}\n`);
    io.stderr.write(`${up}\r\u001b[J${lines.join('')}`);
    drawn = live.length;
  };
  const timer = setInterval(() => draw(), 1000);
  timer.unref();
  return {
    start(model, step) {
      running.set(model, { step, since: io.now() });
      draw();
    },
    update(model, step) {
      const row = running.get(model);
      if (row) row.step = step;
    },
    finish(model, step, ok, ms, note) {
      running.delete(model);
      draw([`  ${model}: ${step} ${ok ? 'ok' : (note ?? 'failed')} (${seconds(ms)})`]);
    },
    close() {
      clearInterval(timer);
      // What still runs (an interrupted command) is left on screen as it was last drawn.
      closed = true;
    },
  };
}

/**
 * Progress that shows nothing, and starts no display, until a step starts: for commands whose
 * long steps are rare (hashing a big environment's files), so that a quick run draws nothing.
 */
export function lazyProgress(io: Io): Progress {
  let shown: Progress | undefined;
  return {
    start(model, step) {
      shown ??= createProgress(io, { quiet: false });
      shown.start(model, step);
    },
    update: (model, step) => shown?.update(model, step),
    finish: (model, step, ok, ms, note) => shown?.finish(model, step, ok, ms, note),
    close: () => shown?.close(),
  };
}
