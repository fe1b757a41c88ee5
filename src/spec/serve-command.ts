/**
 * The server a command line starts, with the wrappers in front taken off (`exec`, `env X=1`,
 * `tini --`, `poetry run`, `conda run -n x`, `opentelemetry-instrument …`, `python -m`): one
 * reader for `observe:` (which rewrites a model's serve.command) and the OBS audit rules (which
 * read Dockerfiles, scripts and serve.command), so the two cannot disagree about a command.
 */
import { posix } from 'node:path';

export type Server = 'gunicorn' | 'uvicorn' | 'hypercorn' | 'fastapi';

/** Words in front of a server that run it: skipped, with the words they take. */
export const PLAIN_WRAPPERS = new Set(['exec', 'tini', 'dumb-init', '--', 'nice', 'nohup', 'time']);
const RUNNERS = new Set([
  'poetry',
  'uv',
  'pipenv',
  'pdm',
  'hatch',
  'rye',
  'conda',
  'mamba',
  'micromamba',
]);
/** Options of `conda run`, `uv run` and the like that take a value. */
const RUNNER_VALUE_OPTIONS = new Set([
  '-n',
  '--name',
  '-p',
  '--prefix',
  '-e',
  '--env',
  '--cwd',
  '--with',
  '--python',
  '--project',
  '--directory',
  '--group',
  '--extra',
  '--env-file',
]);

const SERVERS: Record<string, Server> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  fastapi: 'fastapi',
};

/** The server a command runs, wrappers skipped; undefined when it runs none of them. */
export function serverOf(words: readonly string[]):
  | {
      server: Server;
      /** The server's words, its program (or module, after `python -m`) first. */
      words: string[];
      /** Where that first word is in `words` given. */
      at: number;
      instrumented: boolean;
    }
  | undefined {
  let i = 0;
  let instrumented = false;
  while (i < words.length) {
    const word = words[i] as string;
    const name = posix.basename(word);
    if (/^[A-Za-z_]\w*=/.test(word) || PLAIN_WRAPPERS.has(name)) {
      i++;
    } else if (name === 'env') {
      i++;
      while (i < words.length && /^-/.test(words[i] as string)) i++;
    } else if (name === 'gosu' || name === 'su-exec') {
      i += 2;
    } else if (RUNNERS.has(name) && words[i + 1] === 'run') {
      i += 2;
      while (i < words.length && (words[i] as string).startsWith('-')) {
        const option = words[i] as string;
        i += RUNNER_VALUE_OPTIONS.has(option) ? 2 : 1;
      }
    } else if (name === 'opentelemetry-instrument') {
      instrumented = true;
      i++;
      // Its own options all take a value: `--traces_exporter otlp` or `--service_name=x`.
      while (i < words.length && (words[i] as string).startsWith('-')) {
        i += (words[i] as string).includes('=') ? 1 : 2;
      }
    } else if (/^python(\d+(\.\d+)?)?$/.test(name) && words[i + 1] === '-m') {
      const module = words[i + 2] ?? '';
      const server = SERVERS[module];
      if (!server) return undefined;
      return { server, words: [module, ...words.slice(i + 3)], at: i + 2, instrumented };
    } else {
      const server = SERVERS[name];
      if (!server) return undefined;
      // `fastapi run` serves; `fastapi dev` reloads (one process).
      if (server === 'fastapi' && words[i + 1] !== 'run') return undefined;
      return { server, words: words.slice(i), at: i, instrumented };
    }
  }
  return undefined;
}
