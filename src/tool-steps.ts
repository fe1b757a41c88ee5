/**
 * One step of a long command (create an environment, build an image, run the smoke check): a
 * tool run with the step's time limit and the command's abort signal, its progress shown, and
 * the tail of its output kept for the report.
 */
import type { ExecResult, Io } from './io.js';
import type { Progress } from './progress.js';

export type StepName =
  | 'create'
  | 'pip'
  | 'local-packages'
  | 'smoke'
  | 'image'
  | 'image-smoke'
  | 'warmup';

export interface StepResult {
  name: StepName;
  ok: boolean;
  durationMs: number;
  /** The tail of the step's output (conda's own error message included). */
  log: string;
  timedOut?: boolean;
  canceled?: boolean;
  /** The step could not run here (another platform's environment). */
  skipped?: boolean;
}

export interface StepOptions {
  /** Limit per step; none when absent. */
  timeoutMs?: number;
  signal: AbortSignal;
  progress: Progress;
}

/** Lines of a failed step's output kept in the report. */
const LOG_TAIL_LINES = 40;

/** Runs one step's command, reporting progress and keeping the tail of its output. */
export async function step(
  io: Io,
  options: StepOptions,
  model: string,
  name: StepName,
  program: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
  judge: (result: ExecResult) => boolean = () => true,
): Promise<{ step: StepResult; result: ExecResult }> {
  options.progress.start(model, name);
  const result = await io.exec(program, args, {
    env,
    ...(cwd ? { cwd } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    signal: options.signal,
  });
  const judged = !result.timedOut && !result.canceled && judge(result);
  const ok = result.exitCode === 0 && judged;
  options.progress.finish(
    model,
    name,
    ok,
    result.durationMs,
    result.timedOut ? 'timed out' : undefined,
  );
  return {
    step: {
      name,
      ok,
      durationMs: result.durationMs,
      log: tail(`${result.stdout}\n${result.stderr}`),
      ...(result.timedOut ? { timedOut: true } : {}),
      ...(result.canceled ? { canceled: true } : {}),
    },
    result,
  };
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

/**
 * Where a failed step's log is, for a problem's fix: its last lines follow `envgen build`'s
 * table (and `envgen rollout`'s steps) under a heading of their own, and the JSON report holds
 * them in the step's `log` (build: `models[].steps[].log`; rollout: `steps[].log`).
 */
export function stepLogFix(model: string, stepName: string, then?: string): string {
  return `read the ${stepName} step's log: its last lines are printed under \`--- ${model}: ${stepName} (last lines) ---\`, and the JSON report (--json) has them in that step's log${then ? `; ${then}` : ''}`;
}
