/**
 * Ctrl-C (or a CI cancel: SIGTERM, SIGHUP) during a long command: the first one aborts the
 * command's signal, so it stops the running tools' process trees, removes what it half made and
 * reports; a second one stops everything at once (exit 130).
 */
import { stopAllProcesses } from '../io.js';
import { EXIT } from './exit-codes.js';

/** The signals that stop a long command. */
export const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** What the listeners are installed on: `process`, or a stand-in in tests. */
interface SignalSource {
  on(event: (typeof INTERRUPTS)[number], listener: () => void): unknown;
  removeListener(event: (typeof INTERRUPTS)[number], listener: () => void): unknown;
}

export interface InterruptOptions {
  source?: SignalSource;
  /** What a second interrupt does (default: stop every process tree started, exit 130). */
  onSecond?: () => void;
}

function stopNow(): void {
  stopAllProcesses();
  process.exit(EXIT.interrupted);
}

/**
 * Runs `work` with a signal that the first interrupt aborts; the listeners are installed for
 * the time `work` runs, and removed however it ends.
 */
export async function withInterrupts<T>(
  work: (signal: AbortSignal) => Promise<T>,
  { source = process, onSecond = stopNow }: InterruptOptions = {},
): Promise<T> {
  const controller = new AbortController();
  const interrupt = (): void => {
    if (controller.signal.aborted) onSecond();
    else controller.abort();
  };
  for (const name of INTERRUPTS) source.on(name, interrupt);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of INTERRUPTS) source.removeListener(name, interrupt);
  }
}
