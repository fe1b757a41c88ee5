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
  return io.stderr.isTTY ? liveProgress(io) : plainProgress(io);
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

function liveProgress(io: Io): Progress {
  const rows = new Map<string, { step: string; since: number; done?: string }>();
  let drawn = 0;
  const draw = (): void => {
    const lines = [...rows].map(([model, row]) =>
      row.done
        ? `  ${model}: ${row.done}`
        : `  ${model}: ${row.step} ${seconds(io.now() - row.since)}`,
    );
    // Move up over what was drawn last time and draw every row again.
    io.stderr.write(
      `${drawn > 0 ? `\u001b[${drawn}A` : ''}${lines.map((line) => `\u001b[2K${line}\n`).join('')}`,
    );
    drawn = lines.length;
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    start(model, step) {
      rows.set(model, { step, since: io.now() });
      draw();
    },
    update(model, step) {
      const row = rows.get(model);
      if (row && !row.done) row.step = step;
    },
    finish(model, step, ok, ms, note) {
      const row = rows.get(model);
      if (row) row.done = `${step} ${ok ? 'ok' : (note ?? 'failed')} (${seconds(ms)})`;
      draw();
    },
    close() {
      clearInterval(timer);
    },
  };
}
