/**
 * Runs the CLI in-process, as `bin/envgen` does, with captured output streams and the real
 * file system (temp directories or fixtures). Only the streams are fake.
 */
import { runCli } from '../../src/cli/program.js';
import { createNodeIo, type Io, PromptCancelled } from '../../src/io.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runEnvgen(
  argv: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    tty?: boolean;
    /** Makes stdin a terminal whose user types these answers, in order. */
    stdinTTY?: boolean;
    answers?: string[];
    /** The user presses Ctrl-C (or Ctrl-D) at this question (0-based) instead of answering. */
    cancelAt?: number;
  } = {},
): Promise<CliResult> {
  let stdout = '';
  const answers = [...(options.answers ?? [])];
  let stderr = '';
  let asked = 0;
  const env = { ...process.env, NO_COLOR: '1', ...options.env };
  const base = createNodeIo(env);
  const io: Io = {
    ...base,
    cwd: options.cwd ?? base.cwd,
    env,
    stdout: {
      write: (text) => {
        stdout += text;
      },
      isTTY: options.tty ?? false,
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
      isTTY: options.tty ?? false,
    },
    stdinIsTTY: options.stdinTTY ?? false,
    prompt: async () => {
      if (options.cancelAt !== undefined && asked++ === options.cancelAt)
        throw new PromptCancelled();
      return answers.shift() ?? '';
    },
  };
  const exitCode = await runCli(argv, io);
  return { exitCode, stdout, stderr };
}

/**
 * Runs the built CLI (`node bin/envgen`, as users do; `npm test` builds first) in its own
 * process: the bundle's own module graph, and a crash that cannot take the test runner with it.
 */
export async function runBuiltEnvgen(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  const { execa } = await import('execa');
  const bin = new URL('../../bin/envgen', import.meta.url).pathname;
  const result = await execa('node', [bin, ...argv], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: 60_000,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
  };
}
