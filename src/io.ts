/**
 * The only module that touches the outside world: files, environment, clock, output streams.
 * Commands receive an `Io`; tests pass one with captured streams and a temp directory, so the
 * code that runs in tests is the code that runs for users.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OutStream {
  write(text: string): void;
  /** Whether the stream is an interactive terminal (colour, live progress). */
  isTTY: boolean;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}

export interface Io {
  /** Working directory every relative path is resolved against (`--cwd` replaces it). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutStream;
  stderr: OutStream;
  stdinIsTTY: boolean;
  /** Reads a file; rejects with the Node error (ENOENT, EISDIR, ...) when it cannot. */
  readFile(path: string): Promise<Buffer>;
  /** Whether a path exists (file or directory). */
  exists(path: string): Promise<boolean>;
  /** The entries of a directory (not recursive); rejects when it cannot be read. */
  readDir(path: string): Promise<DirEntry[]>;
  /** Writes a file whole or not at all: a temp file beside it, then a rename. */
  writeFileAtomic(path: string, content: string): Promise<void>;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Asks a question on the terminal (stderr) and returns the answer; only when stdinIsTTY. */
  prompt(question: string): Promise<string>;
}

export function createNodeIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: {
      write: (text) => process.stdout.write(text),
      isTTY: Boolean(process.stdout.isTTY),
    },
    stderr: {
      write: (text) => process.stderr.write(text),
      isTTY: Boolean(process.stderr.isTTY),
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readFile: (path) => readFile(path),
    exists: async (path) => {
      try {
        await stat(path);
        return true;
      } catch {
        return false;
      }
    },
    readDir: async (path) =>
      (await readdir(path, { withFileTypes: true })).map((entry) => ({
        name: entry.name,
        isDirectory: entry.isDirectory(),
        isFile: entry.isFile(),
      })),
    writeFileAtomic,
    now: () => Date.now(),
    prompt: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const terminal = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await terminal.question(question);
      } finally {
        terminal.close();
      }
    },
  };
}

async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // Same directory as the target so the rename stays on one file system (atomic on POSIX).
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { flag: 'wx' });
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
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
