/** Entry point of the bundled CLI; `bin/envgen` calls `main`. */
import { createNodeIo, type Io } from '../io.js';
import { EXIT } from './exit-codes.js';
import { BUGS_URL, VERSION } from './version.js';

/**
 * `envgen --version` (or `-V`) and nothing else: answered before the command-line parser loads,
 * since CI scripts run it as a cheap check. It prints what the parser prints for it.
 */
const VERSION_ONLY = new Set(['--version', '-V']);

/**
 * Whether a run that exited with `code` went through, so bin/envgen keeps the code it compiled
 * (src/cli/code-cache.ts): done, findings, or something missing where it runs; not bad input or
 * usage (a mistyped command would get caches of its own), an interrupt or an internal error.
 */
export function ranThrough(code: number): boolean {
  return code === EXIT.ok || code === EXIT.failed || code === EXIT.environment;
}

export async function main(argv: readonly string[], io: Io = createNodeIo()): Promise<number> {
  // `envgen rules | head`: the reader went away, which is not an error of envgen's.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  try {
    if (argv.length === 1 && VERSION_ONLY.has(argv[0] ?? '')) {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.ok;
    }
    const { runCli } = await import('./program.js');
    return await runCli(argv, io);
  } catch (error) {
    // Anything that reaches here is a bug in envgen, not a mistake of the user's.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(
      `envgen: internal error (please report it at ${BUGS_URL} with this output, envgen ${VERSION}, Node ${process.version}):\n${detail}\n`,
    );
    return EXIT.internal;
  }
}
