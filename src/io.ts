/**
 * The only module that touches the outside world: files, environment, clock, output streams.
 * Commands receive an `Io`; tests pass one with captured streams and a temp directory, so the
 * code that runs in tests is the code that runs for users.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  unlinkSync,
} from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * node:fs/promises, loaded on first use: requiring it costs about a millisecond of every start,
 * and a command that only reads files (resolve, which reads them synchronously) never needs it.
 */
let fsPromises: typeof import('node:fs/promises') | undefined;
async function fsp(): Promise<typeof import('node:fs/promises')> {
  fsPromises ??= await import('node:fs/promises');
  return fsPromises;
}

export interface OutStream {
  write(text: string): void;
  /** Whether the stream is an interactive terminal (colour, live progress). */
  isTTY: boolean;
  /** The terminal's width and height in character cells, when it is one and says. */
  columns?: number;
  rows?: number;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}

interface ExecOptions {
  cwd?: string;
  /** Added to (and overriding) the inherited environment. */
  env?: Record<string, string>;
  /** Stop the process tree after this long. */
  timeoutMs?: number;
  /** Stop the process tree when this aborts (Ctrl-C). */
  signal?: AbortSignal;
  /** Each line of output as it arrives (stdout and stderr). */
  onLine?: (line: string) => void;
  /**
   * Keep all of stdout up to this many characters (what `git show` prints is the file itself),
   * instead of its last 64 KiB; past it, only the first `stdoutChars + 1` are kept.
   */
  stdoutChars?: number;
}

export interface ExecResult {
  /** null when the process was killed or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  canceled: boolean;
  /** The program does not exist (or is not executable). */
  notFound: boolean;
}

export interface Io {
  /** Working directory every relative path is resolved against (`--cwd` replaces it). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutStream;
  stderr: OutStream;
  stdinIsTTY: boolean;
  /** The machine's conda platform (`linux-64`, `linux-aarch64`, ...), for what can run here. */
  hostPlatform: string;
  /**
   * Reads a regular file of at most `maxBytes` (default {@link MAX_READ_BYTES}); rejects with
   * the Node error (ENOENT, EISDIR, ...) when it cannot, with `EFTYPE` when the path is not a
   * regular file (a FIFO, a device such as /dev/zero: nothing is read from it) and with `EFBIG`
   * as soon as more than `maxBytes` have been read (the rest is never read).
   */
  readFile(path: string, maxBytes?: number): Promise<Buffer>;
  /** The canonical absolute path, every symbolic link resolved; rejects when it is missing. */
  realPath(path: string): Promise<string>;
  /** What a symbolic link holds, as written; null when the path is not a link (or missing). */
  readLink(path: string): Promise<string | null>;
  /** When the path itself (not a link's target) was last modified, in ms; null when missing. */
  modifiedAt(path: string): Promise<number | null>;
  /**
   * Writes the content to a temp file beside `path` (creating the folders), without touching
   * `path` yet: `commit` renames it into place, `discard` removes it. Until one of them runs,
   * an interrupt (SIGINT, SIGTERM, SIGHUP) removes the temp file before the process ends.
   */
  stageFile(path: string, content: string | Uint8Array): Promise<StagedFile>;
  /** Removes a folder that is empty; leaves it (no error) when it holds anything or is gone. */
  removeEmptyFolder(path: string): Promise<void>;
  /** Whether a path exists (file or directory). */
  exists(path: string): Promise<boolean>;
  /**
   * The SHA-256 (hex) of a regular file, read as a stream (a file of gigabytes takes no memory);
   * rejects with the Node error when it cannot (ENOENT, EACCES, ...), `EFTYPE` when the path is
   * not a regular file.
   */
  sha256File(path: string): Promise<string>;
  /** The entries of a directory (not recursive); rejects when it cannot be read. */
  readDir(path: string): Promise<DirEntry[]>;
  /** Writes a file whole or not at all: a temp file beside it, then a rename. */
  writeFileAtomic(path: string, content: string | Uint8Array): Promise<void>;
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Asks a question on the terminal (stderr) and returns the answer; only when stdinIsTTY.
   * Rejects with `PromptCancelled` when the user presses Ctrl-C or Ctrl-D instead.
   */
  prompt(question: string): Promise<string>;
  /** Appends to a file (GitHub's step summary is appended to, not replaced). */
  appendFile(path: string, content: string): Promise<void>;
  /** Removes a file or folder tree; no error when it does not exist. */
  remove(path: string): Promise<void>;
  /** The executable a bare program name resolves to on PATH, or null. */
  which(program: string): Promise<string | null>;
  /** Runs a program with an argument array, never through a shell. */
  exec(file: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** An HTTP(S) request (the platform's fetch): repodata for `lock`. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /**
   * Serves `handler` on 127.0.0.1 at a free port until `close`: the channel `lock` shows the
   * solver (see src/lock/channel-proxy.ts). Nothing outside this machine can reach it.
   */
  serveLoopback(handler: LoopbackHandler): Promise<LoopbackServer>;
  /**
   * Points the symbolic link `link` at `target` in one step: a new link is created beside it
   * and renamed over the old one, so a reader sees the old target or the new, never nothing.
   */
  replaceSymlink(target: string, link: string): Promise<void>;
  /**
   * Creates a file (and its folders) only when it does not exist (O_EXCL); false when it
   * already does.
   */
  createExclusive(path: string, content: string): Promise<boolean>;
  /**
   * Sends a signal to a process (`0`: only asks whether it exists); false when there is no
   * such process (or it may not be signalled).
   */
  signalProcess(pid: number, signal: NodeJS.Signals | 0): boolean;
  /**
   * One HTTP GET to 127.0.0.1 (never through a proxy, never elsewhere): the status, or null
   * when nothing answered within `timeoutMs`.
   */
  getLoopback(port: number, path: string, timeoutMs: number): Promise<number | null>;
}

export interface StagedFile {
  /** The folders created for it, outermost first (empty when its folder existed). */
  createdFolders: readonly string[];
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** What a file read takes at most unless the caller says otherwise: 16 MiB. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/**
 * The name of an envgen temp file (`.<name>.<12 hex>.tmp`, written beside its target) or write
 * probe (`.envgen-probe-<12 hex>`): what a later run may sweep away after an interrupt.
 */
export const TEMP_FILE_NAME = /^(\..+\.[0-9a-f]{12}\.tmp|\.envgen-probe-[0-9a-f]{12})$/;

export interface LoopbackResponse {
  status: number;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
}

type LoopbackHandler = (path: string) => Promise<LoopbackResponse>;

interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * The real Io. `env` is the environment envgen sees and hands to the programs it runs (PATH
 * included); tests give their own instead of changing the process's.
 */
/** Whether `path` is a folder envgen can list (a file, a missing path or an unreadable folder is not). */
export async function isFolder(io: Io, path: string): Promise<boolean> {
  try {
    await io.readDir(path);
    return true;
  } catch {
    return false;
  }
}

export function createNodeIo(env: Readonly<Record<string, string | undefined>> = process.env): Io {
  const inherited = (): Record<string, string> =>
    Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  return {
    cwd: process.cwd(),
    env,
    stdout: {
      write: (text) => process.stdout.write(text),
      isTTY: Boolean(process.stdout.isTTY),
    },
    stderr: {
      write: (text) => process.stderr.write(text),
      isTTY: Boolean(process.stderr.isTTY),
      // Read at each use: the terminal can be resized while a command runs.
      get columns() {
        return process.stderr.columns;
      },
      get rows() {
        return process.stderr.rows;
      },
    },
    // Read on first use: process.stdin sets up a stream (a millisecond or more) that only `init`'s
    // questions need.
    get stdinIsTTY() {
      return Boolean(process.stdin.isTTY);
    },
    hostPlatform: `${process.platform === 'darwin' ? 'osx' : process.platform === 'win32' ? 'win' : process.platform}-${process.arch === 'x64' ? '64' : process.arch === 'arm64' ? (process.platform === 'linux' ? 'aarch64' : 'arm64') : process.arch}`,
    readFile: (path, maxBytes = MAX_READ_BYTES) => readRegularFile(path, maxBytes),
    realPath: async (path) => (await fsp()).realpath(path),
    readLink: async (path) => {
      try {
        return await (await fsp()).readlink(path);
      } catch {
        return null;
      }
    },
    modifiedAt: async (path) => {
      try {
        return (await (await fsp()).lstat(path)).mtimeMs;
      } catch {
        return null;
      }
    },
    stageFile,
    removeEmptyFolder: async (path) => (await fsp()).rmdir(path).catch(() => undefined),
    // Synchronous behind the promise, as readFile: one stat, no thread-pool round trip.
    exists: async (path) => existsSync(path),
    sha256File,
    // Synchronous behind the promise, as readFile: audit lists hundreds of folders, and a local
    // listing takes less than the thread-pool round trip of readdir from node:fs/promises.
    readDir: async (path) =>
      readdirSync(path, { withFileTypes: true }).map((entry) => ({
        name: entry.name,
        isDirectory: entry.isDirectory(),
        isFile: entry.isFile(),
      })),
    writeFileAtomic,
    now: () => Date.now(),
    appendFile: async (path, content) => (await fsp()).appendFile(path, content),
    remove: async (path) => (await fsp()).rm(path, { recursive: true, force: true }),
    which: (program) => which(program, env.PATH ?? ''),
    exec: (file, args, options = {}) =>
      runProcess(file, args, { ...options, env: { ...inherited(), ...options.env } }),
    fetch: (url, init) => fetchThroughProxy(env, url, init),
    serveLoopback,
    replaceSymlink,
    createExclusive: async (path, content) => {
      await (await fsp()).mkdir(dirname(path), { recursive: true });
      try {
        await (await fsp()).writeFile(path, content, { flag: 'wx' });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    },
    signalProcess: (pid, signal) => {
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },
    getLoopback,
    prompt: (question) => askOn(process.stdin, process.stderr, question),
  };
}

/** The user ended a question with Ctrl-C or Ctrl-D: the command stops, writing nothing. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled at a prompt');
    this.name = 'PromptCancelled';
  }
}

/**
 * One question on a terminal. Ctrl-C (readline's SIGINT) and Ctrl-D (the input ends) both
 * reject with `PromptCancelled`, so the command can stop cleanly instead of hanging or crashing.
 */
export async function askOn(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  const { createInterface } = await import('node:readline');
  const terminal = createInterface({
    input,
    output,
    terminal: (input as { isTTY?: boolean }).isTTY === true,
  });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    terminal.on('SIGINT', () => {
      output.write('\n');
      terminal.close();
    });
    terminal.on('close', () => {
      if (!answered) reject(new PromptCancelled());
    });
    terminal.question(question, (answer) => {
      answered = true;
      terminal.close();
      resolve(answer);
    });
  });
}

/** A read error of Node's shape, for what the file system itself would not refuse. */
function readError(code: 'EFTYPE' | 'EFBIG' | 'EISDIR', path: string, what: string): Error {
  return Object.assign(new Error(`${code}: ${what}, read '${path}'`), { code, path });
}

/**
 * Reads a regular file, refusing anything else before a byte is read, and stops at `maxBytes`:
 * a link to /dev/zero or a file that keeps growing cannot take memory without bound, and a FIFO
 * (opened without blocking) cannot hang the command.
 *
 * Synchronous calls behind the promise: a local file is read in microseconds, and each await of
 * node:fs/promises is a round trip through libuv's thread pool (five per file: open, stat, two
 * reads, close); audit reads a thousand files, resolve pays the pool's start-up for one.
 */
async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw readError('EISDIR', path, 'illegal operation on a directory');
    if (!info.isFile()) throw readError('EFTYPE', path, 'not a regular file');
    const chunks: Buffer[] = [];
    let total = 0;
    // The size the file says it has, plus one byte to see its end; then in chunks, for a file
    // that grows. One byte past the limit tells "exactly at the limit" from "over it".
    let want = info.size + 1;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(want, maxBytes + 1 - total));
      want = READ_CHUNK;
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw readError('EFBIG', path, `larger than ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

const READ_CHUNK = 256 * 1024;

async function sha256File(path: string): Promise<string> {
  const handle = await (await fsp()).open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw readError('EISDIR', path, 'illegal operation on a directory');
    if (!info.isFile()) throw readError('EFTYPE', path, 'not a regular file');
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({
      autoClose: false,
      highWaterMark: 1 << 20,
    })) {
      hash.update(chunk as Buffer);
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** Temp files written and neither renamed nor removed yet: an interrupt removes them. */
const pendingTemps = new Set<string>();
const TEMP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Temp-file writes still running on libuv's threads: one may create its file at any moment. */
const writesInFlight = new Set<Promise<unknown>>();
/** Set by an interrupt: no new temp file is begun; the process ends once the writes settle. */
let interrupted = false;
/** The longest an interrupt waits for the writes in flight before it ends the process. */
const SETTLE_MS = 2000;

/** Removes every pending temp file now (synchronously: the process is about to end). */
function removePendingTemps(): void {
  for (const tmp of pendingTemps) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone, or not created yet
    }
  }
}

/**
 * On an interrupt while temp files exist and nothing else listens for it: remove them, then end
 * the process as the signal would have. A write running on libuv's threads when the signal comes
 * may create its file at any moment, so no new one begins, the writes in flight settle first
 * (bounded), and then the temp files are removed.
 */
function onTempSignal(signal: NodeJS.Signals): void {
  // A long command's own handler stops it in order (its writes finish or fail as problems);
  // if it then ends the process early, the exit hook removes what is left.
  if (process.listenerCount(signal) > 1) return;
  const end = (): void => {
    removePendingTemps();
    untrackSignals();
    process.kill(process.pid, signal);
  };
  // A second interrupt while the writes settle ends the process at once.
  if (interrupted) {
    end();
    return;
  }
  interrupted = true;
  const settled = Promise.allSettled([...writesInFlight]);
  const limit = new Promise((done) => setTimeout(done, SETTLE_MS).unref());
  void Promise.race([settled, limit]).then(end);
}

function trackTemp(tmp: string): void {
  if (pendingTemps.size === 0) {
    for (const signal of TEMP_SIGNALS) process.on(signal, onTempSignal);
    process.on('exit', removePendingTemps);
  }
  pendingTemps.add(tmp);
}

function untrackTemp(tmp: string): void {
  if (!pendingTemps.delete(tmp) || pendingTemps.size > 0) return;
  untrackSignals();
}

function untrackSignals(): void {
  for (const signal of TEMP_SIGNALS) process.removeListener(signal, onTempSignal);
  process.removeListener('exit', removePendingTemps);
}

/** The folders `mkdir -p` would create for `dir`, outermost first. */
async function missingFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let folder = dir;
  while (!(await exists(folder))) {
    missing.unshift(folder);
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return missing;
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await fsp()).lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function stageFile(path: string, content: string | Uint8Array): Promise<StagedFile> {
  const dir = dirname(path);
  const createdFolders = await missingFolders(dir);
  await (await fsp()).mkdir(dir, { recursive: true });
  // Same directory as the target so the rename stays on one file system (atomic on POSIX).
  // node:crypto loads here, not at start-up: most commands never write a file.
  const { randomBytes } = await import('node:crypto');
  // After an interrupt no temp file is begun: the process ends once the writes in flight settle.
  if (interrupted) return new Promise<never>(() => undefined);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  trackTemp(tmp);
  const discard = async (): Promise<void> => {
    await (await fsp()).unlink(tmp).catch(() => undefined);
    untrackTemp(tmp);
  };
  const written = (await fsp()).writeFile(tmp, content, { flag: 'wx' });
  writesInFlight.add(written);
  try {
    await written;
  } catch (error) {
    await discard();
    throw error;
  } finally {
    writesInFlight.delete(written);
  }
  return {
    createdFolders,
    commit: async () => {
      try {
        await (await fsp()).rename(tmp, path);
        untrackTemp(tmp);
      } catch (error) {
        await discard();
        throw error;
      }
    },
    discard,
  };
}

async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await (await stageFile(path, content)).commit();
}

type ProxyAgent = import('undici').Dispatcher;
let proxyAgent: { key: string; agent: ProxyAgent } | undefined;

/**
 * Node 20's fetch ignores HTTPS_PROXY; a corporate network needs it. With a proxy set in the
 * environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case), requests go through undici's
 * proxy agent; without one, through the built-in fetch.
 */
async function fetchThroughProxy(
  env: Readonly<Record<string, string | undefined>>,
  url: string,
  init?: RequestInit,
): Promise<Response> {
  const read = (name: string): string | undefined => env[name] || env[name.toLowerCase()];
  const httpsProxy = read('HTTPS_PROXY');
  const httpProxy = read('HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return fetch(url, init);
  const { fetchThrough, proxyAgent: agentFor } = await import('./proxy-fetch.js');
  const options = {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(read('NO_PROXY') ? { noProxy: read('NO_PROXY') } : {}),
  };
  const key = JSON.stringify(options);
  if (proxyAgent?.key !== key) {
    proxyAgent = { key, agent: agentFor(options) };
  }
  return fetchThrough(proxyAgent.agent, url, init);
}

async function replaceSymlink(target: string, link: string): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const { symlink } = await fsp();
  await (await fsp()).mkdir(dirname(link), { recursive: true });
  const temp = join(dirname(link), `.${basename(link)}.${randomBytes(6).toString('hex')}.tmp`);
  await symlink(target, temp);
  try {
    await (await fsp()).rename(temp, link);
  } catch (error) {
    await (await fsp()).unlink(temp).catch(() => undefined);
    throw error;
  }
}

async function getLoopback(port: number, path: string, timeoutMs: number): Promise<number | null> {
  const { request } = await import('node:http');
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? null));
        response.on('error', () => done(null));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(null));
    req.end();
  });
}

async function serveLoopback(handler: LoopbackHandler): Promise<LoopbackServer> {
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    handler(path).then(
      (answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
      (error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      },
    );
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * A file shipped with envgen (`templates/...`, `schemas/...`), found by walking up from this
 * module: it sits in `src/` when run from source and in `dist/` when bundled.
 */
export function packageFile(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`envgen is installed without ${relativePath}`);
    dir = parent;
  }
}

async function which(program: string, path: string): Promise<string | null> {
  const candidates =
    isAbsolute(program) || program.includes('/')
      ? [program]
      : path
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      await (await fsp()).access(candidate, constants.X_OK);
      if ((await (await fsp()).stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return null;
}

/** Process groups of the programs running now, so a second Ctrl-C can stop them at once. */
const running = new Set<number>();

/** Kills every running program's process tree now (a second Ctrl-C, or a CI cancel). */
export function stopAllProcesses(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** How long a process tree gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 5000;
/** How much of each stream is kept for reports: the tail is where tools put their errors. */
const KEEP_CHARS = 64 * 1024;

/**
 * Runs a program in a process group of its own, so that on a timeout or Ctrl-C the whole tree
 * (conda's pip, docker's helpers) is stopped, not just the direct child.
 */
async function runProcess(
  file: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const { execa } = await import('execa');
  const started = Date.now();
  const child = execa(file, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    detached: true,
    stdin: 'ignore',
    buffer: false,
  });
  if (child.pid !== undefined) running.add(child.pid);
  let stdout = '';
  let stderr = '';
  const keep = (text: string, chunk: string): string => (text + chunk).slice(-KEEP_CHARS);
  const lines = (chunk: string, carry: { rest: string }): void => {
    const parts = (carry.rest + chunk).split(/\r?\n/);
    carry.rest = parts.pop() ?? '';
    for (const line of parts) options.onLine?.(line);
  };
  const outCarry = { rest: '' };
  const errCarry = { rest: '' };
  const whole: string[] = [];
  let wholeChars = 0;
  const limit = options.stdoutChars;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (limit === undefined) stdout = keep(stdout, chunk);
    else if (wholeChars <= limit) {
      whole.push(chunk);
      wholeChars += chunk.length;
    }
    lines(chunk, outCarry);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = keep(stderr, chunk);
    lines(chunk, errCarry);
  });

  let timedOut = false;
  let canceled = false;
  const killTree = (): void => {
    const pid = child.pid;
    if (pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is already gone
      }
    };
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = options.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        killTree();
      }, options.timeoutMs)
    : undefined;
  const onAbort = (): void => {
    canceled = true;
    killTree();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const result = await child;
  if (child.pid !== undefined) running.delete(child.pid);
  if (timer) clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  for (const carry of [outCarry, errCarry]) if (carry.rest) options.onLine?.(carry.rest);
  const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    stdout: limit === undefined ? stdout : whole.join('').slice(0, limit + 1),
    stderr,
    durationMs: Date.now() - started,
    timedOut,
    canceled,
    notFound: code === 'ENOENT' || code === 'EACCES',
  };
}

/**
 * A WASM module (the solver) panicked: Rust printed the panic through console.error and the
 * module threw `RuntimeError: unreachable` from a task no promise of ours awaits. The module is
 * not usable afterwards.
 */
export class WasmPanic extends Error {
  constructor(readonly detail: string) {
    super(`the solver stopped: ${detail}`);
    this.name = 'WasmPanic';
  }
}

/**
 * Runs `work` (a call into WASM) so that a panic inside it rejects with {@link WasmPanic}
 * instead of ending the process with a stack trace: the panic's print is held back (its message
 * kept), and the uncaught RuntimeError it throws is caught while `work` runs. What else the
 * module prints meanwhile is passed on once it is done.
 */
export async function guardWasmPanics<T>(work: () => Promise<T>): Promise<T> {
  const printed: string[] = [];
  const originalError = console.error;
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  let panicked = false;
  const onUncaught = (error: unknown): void => {
    // WebAssembly.RuntimeError (Node's lib types leave WebAssembly out).
    if (error instanceof Error && error.constructor.name === 'RuntimeError') {
      panicked = true;
      fail(new WasmPanic(panicMessage(printed) ?? error.message));
    } else {
      fail(error);
    }
  };
  console.error = (...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  try {
    return await Promise.race([work(), failed]);
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    console.error = originalError;
    if (!panicked) for (const text of printed) originalError(text);
  }
}

/** `panicked at …/mod.rs:316:10:\nfailed to join base_url and filename: …` -> its second line. */
function panicMessage(printed: readonly string[]): string | null {
  for (const text of printed) {
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('panicked at'));
    if (at >= 0) return (lines[at + 1] ?? lines[at] ?? '').trim().slice(0, 300) || null;
  }
  return null;
}
