/**
 * The one guard every writer in a repository goes through (generate and its prune, lock,
 * `audit --fix`, init): a write or delete whose real path leaves the repository, because a
 * folder on the way (`envs/`, `envs/<model>/`, `bundles/…`) is a symbolic link out of it, is
 * refused (`files/outside-repo`, exit 2) and the problem names the link and where it points.
 * A cloned repository can ship such a link; envgen must not write into, or delete from, another
 * project through it.
 *
 * Also the problems of reads that envgen refuses: what is not a regular file (a FIFO, a link to
 * /dev/zero) and what is larger than a hand-written or generated file can be.
 */
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Io } from './io.js';
import { type Problem, problem, UserError } from './problem.js';

type Change = 'written' | 'deleted';

/**
 * Problems for the paths (relative to `root`, POSIX) whose folders lead out of the repository.
 * The last part of each path is not followed: a write replaces a link by renaming over it, and a
 * delete removes the link itself, so neither reaches its target.
 */
export async function outsideRepoProblems(
  io: Io,
  root: string,
  paths: readonly string[],
  change: Change,
): Promise<Problem[]> {
  const realRoot = await io.realPath(root);
  const folders = new Map<string, Promise<Escape | null>>();
  // Every folder on the way of every path, looked at side by side; each one once.
  const ways = paths.map((path) => {
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (isAbsolute(path) || parts.includes('..')) return null;
    return parts.slice(0, -1).map((_, i) => {
      const folder = parts.slice(0, i + 1).join('/');
      if (!folders.has(folder)) folders.set(folder, escapeAt(io, root, realRoot, folder));
      return folders.get(folder) as Promise<Escape | null>;
    });
  });
  const problems: Problem[] = [];
  for (const [index, path] of paths.entries()) {
    const way = ways[index];
    if (!way) {
      problems.push(outsideProblem(path, change, null));
      continue;
    }
    // The first folder out of the repository, outermost first, is the one named.
    for (const found of await Promise.all(way)) {
      if (found) {
        problems.push(outsideProblem(path, change, found));
        break;
      }
    }
  }
  return problems;
}

/** Throws the problems of {@link outsideRepoProblems}, if there are any. */
export async function refuseOutsideRepo(
  io: Io,
  root: string,
  paths: readonly string[],
  change: Change,
): Promise<void> {
  const problems = await outsideRepoProblems(io, root, paths, change);
  if (problems.length > 0) throw new UserError(problems);
}

/** Writes a file of the repository (atomically), unless its real path leaves the repository. */
export async function writeInRepo(
  io: Io,
  root: string,
  path: string,
  content: string | Uint8Array,
): Promise<void> {
  await refuseOutsideRepo(io, root, [path], 'written');
  await io.writeFileAtomic(join(root, path), content);
}

/**
 * Where a file named inside the repository really is, for a write through it (`audit --fix`):
 * a symbolic link is written through to its target when that stays in the repository (the link
 * stays a link), and refused when it leaves. Returns the absolute path to write.
 */
export async function writeTarget(io: Io, root: string, path: string): Promise<string> {
  await refuseOutsideRepo(io, root, [path], 'written');
  const absolute = join(root, path);
  const link = await io.readLink(absolute);
  if (link === null) return absolute;
  const realRoot = await io.realPath(root);
  const real = await io.realPath(absolute).catch(() => resolve(dirname(absolute), link));
  if (!inside(realRoot, real)) {
    throw new UserError([outsideProblem(path, 'written', { link: path, target: link })]);
  }
  return real;
}

interface Escape {
  /** The link, relative to the repository. */
  link: string;
  /** What it holds. */
  target: string;
}

async function escapeAt(
  io: Io,
  root: string,
  realRoot: string,
  folder: string,
): Promise<Escape | null> {
  const absolute = join(root, folder);
  const link = await io.readLink(absolute);
  if (link === null) return null;
  // A dangling link is judged by where it points: `mkdir -p` would create that.
  const real = await io.realPath(absolute).catch(() => resolve(dirname(absolute), link));
  return inside(realRoot, real) ? null : { link: folder, target: link };
}

function inside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

function outsideProblem(path: string, change: Change, link: Escape | null): Problem {
  return problem(
    'files/outside-repo',
    link
      ? `not ${change}: ${link.link} is a symbolic link to ${link.target}, out of the repository`
      : `not ${change}: the path leaves the repository`,
    {
      file: path,
      fix: link
        ? `replace the link ${link.link} with a folder of the repository (or remove it), then run the command again`
        : 'name a path inside the repository',
    },
  );
}

/**
 * The problem of a read envgen refused (see `Io.readFile`): not a regular file (`EFTYPE`), or
 * larger than the limit (`EFBIG`); null for any other error.
 */
export function refusedReadProblem(path: string, error: unknown, maxBytes: number): Problem | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EFTYPE') {
    return problem('files/not-regular', `${path} is not a regular file (a FIFO, a device, …)`, {
      file: path,
      fix: `replace ${path} with a regular file (or remove it)`,
    });
  }
  if (code === 'EFBIG') {
    return problem('files/too-large', `${path} is larger than ${maxBytes} bytes`, {
      file: path,
      fix: `check ${path}: envgen reads at most ${maxBytes} bytes of it`,
    });
  }
  return null;
}
