/**
 * Brings the files on disk in line with a plan, or (check mode) only says how they differ.
 * A file is written only when its content changes, atomically, and never over a hand edit or a
 * file envgen did not write unless forced: the seal in each file's header tells envgen's own
 * output from a person's.
 *
 * Nothing is written until the whole plan has been checked (no two planned paths collide, no
 * write or delete leaves the repository through a symbolic link), every target has been read
 * and every folder written to has been found writable: a target that cannot be read or written
 * is a problem (`generate/unwritable`) and leaves the files as they were, not half generated.
 * Then every new file is first written beside its target as a temp file; only when all of them
 * are on disk are they renamed into place, so a disk that fills up leaves the previous files.
 */
import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import { mapLimit } from '../concurrency.js';
import { type Io, MAX_READ_BYTES, type StagedFile } from '../io.js';
import { type Problem, problem, UserError } from '../problem.js';
import type { PlannedFile } from '../render/plan.js';
import { sealState } from '../render/seal.js';
import { outsideRepoProblems, refusedReadProblem } from '../safe-files.js';
import { findOrphans } from './orphans.js';
import { sweepStaleTemps } from './sweep-temps.js';

export type FileStatus =
  /** Written: it did not exist. */
  | 'created'
  /** Written: it was envgen's (or forced) and its content changes. */
  | 'updated'
  | 'unchanged'
  /** Check mode: it does not exist. */
  | 'missing'
  /** Check mode: envgen wrote it, the spec has moved on. */
  | 'stale'
  /** Its envgen seal is broken: a person changed it. Not overwritten without force. */
  | 'edited'
  /** It exists without an envgen seal: not envgen's. Not overwritten without force. */
  | 'foreign'
  /**
   * The user's own file where envgen's would only serve them (`.dockerignore`): theirs to keep,
   * not a failure. Replaced only with force.
   */
  | 'kept'
  /** Sealed by envgen, of a model or bundle no longer in the spec; kept. */
  | 'orphaned'
  /** An orphaned file, deleted (prune). */
  | 'removed';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  /** Whether envgen wrote (or, for `removed`, deleted) the file in this run. */
  written: boolean;
}

export interface ApplyOptions {
  /** Write nothing; report missing / stale / edited / foreign (and orphaned). */
  check: boolean;
  /** Overwrite files edited by hand or not written by envgen. */
  force: boolean;
  /**
   * Every path the whole spec renders to (the plan may hold only some models). When given,
   * envgen's files under `envs/*` and `bundles/*` outside it are reported `orphaned`.
   */
  everyPath?: readonly string[];
  /** Delete orphaned files (reported `removed`). Ignored in check mode. */
  prune?: boolean;
}

type Verb = 'read' | 'written' | 'deleted';

export async function applyPlan(
  io: Io,
  root: string,
  plan: readonly PlannedFile[],
  options: ApplyOptions,
): Promise<FileOutcome[]> {
  // 0. The plan itself: one path cannot be both a file and a folder.
  const collisions = planCollisions([...plan.map((f) => f.path), ...(options.everyPath ?? [])]);
  if (collisions.length > 0) throw new UserError(collisions);
  const refusals: Problem[] = [];

  // 1. Read every target and decide its status.
  const decided: { file: PlannedFile; status: FileStatus; write: boolean }[] = [];
  // Reads run side by side (a spec of hundreds of models means hundreds of files); the
  // decisions keep the plan's order.
  const reads = await mapLimit(plan, IO_AT_ONCE, (file) => readTarget(io, join(root, file.path)));
  for (const [index, file] of plan.entries()) {
    const read = reads[index] as Awaited<ReturnType<typeof readTarget>>;
    if ('error' in read) {
      refusals.push(
        refusedReadProblem(file.path, read.error, MAX_READ_BYTES) ??
          (await refusal(io, root, file.path, read.error, 'read')),
      );
      continue;
    }
    const status = statusOf(file.path, file.content, read.text, options);
    const write = !options.check && (status === 'created' || status === 'updated');
    decided.push({ file, status, write });
  }
  const orphans = options.everyPath ? await findOrphans(io, root, options.everyPath) : [];
  const prune = Boolean(options.prune) && !options.check;

  // 2. No write or delete may leave the repository (a symlinked envs/ or envs/<model>/).
  const writes = decided.filter((d) => d.write);
  const outside = [
    ...(await outsideRepoProblems(
      io,
      root,
      writes.map((d) => d.file.path),
      'written',
    )),
    ...(prune ? await outsideRepoProblems(io, root, orphans, 'deleted') : []),
  ];
  refusals.push(...outside);
  const escaping = new Set(outside.map((p) => p.file));

  // 3. Every folder that is written to (or deleted from) must take a write.
  const probes = new Map<string, Promise<NodeJS.ErrnoException | null>>();
  const changes: [string, Verb][] = [
    ...writes.map((d): [string, Verb] => [d.file.path, 'written']),
    ...(prune ? orphans.map((path): [string, Verb] => [path, 'deleted']) : []),
  ].filter(([path]) => !escaping.has(path));
  // Where each folder written to stands, looked up once per folder and side by side.
  const dirs = [...new Set(changes.map(([path]) => posix.dirname(path)))];
  const nearest = new Map(
    (await mapLimit(dirs, IO_AT_ONCE, (dir) => nearestFolder(io, root, dir))).map(
      (folder, index) => [dirs[index] as string, folder],
    ),
  );
  for (const [path, verb] of changes) {
    const folder = nearest.get(posix.dirname(path)) as string;
    let probe = probes.get(folder);
    if (!probe) {
      probe = probeWrite(io, join(root, folder));
      probes.set(folder, probe);
    }
    const error = await probe;
    if (error) refusals.push(await refusal(io, root, path, error, verb, folder));
  }
  if (refusals.length > 0) throw refused(refusals);

  // 4. Temp files an interrupted or killed run left behind go (they would end up in images).
  // A folder step 3 found missing (a new model's) holds none.
  if (!options.check) {
    await sweepStaleTemps(
      io,
      root,
      [
        '.',
        ...plan.map((f) => posix.dirname(f.path)),
        ...orphans.map((path) => posix.dirname(path)),
      ].filter((dir) => (nearest.get(dir) ?? dir) === dir),
    );
  }

  // 5. Only now write: every file staged beside its target, then all renamed into place.
  await writeAll(
    io,
    root,
    writes.map((d) => d.file),
  );
  const outcomes: FileOutcome[] = decided.map(({ file, status, write }) => ({
    path: file.path,
    status,
    written: write,
  }));
  // 6. Then delete.
  for (const path of orphans) {
    if (prune) await attempt(io, root, path, 'deleted', () => io.remove(join(root, path)));
    outcomes.push({ path, status: prune ? 'removed' : 'orphaned', written: prune });
  }
  if (prune) await removeEmptyFolders(io, root, orphans);
  return outcomes.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Paths of the plan that collide: one planned as a file and as a folder of another (a model
 * named `smoke_check.py` would put its files under the smoke script's path), or planned twice.
 */
function planCollisions(paths: readonly string[]): Problem[] {
  const unique = new Set(paths);
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const path of unique) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!unique.has(folder) || reported.has(folder)) continue;
      reported.add(folder);
      problems.push(
        problem(
          'generate/path-collision',
          `envgen would write ${folder} as a file and as the folder of ${path}`,
          {
            file: folder,
            fix: 'rename the model or bundle whose folder has the name of a generated file',
          },
        ),
      );
    }
  }
  return problems.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
}

/**
 * Writes the files whole or not at all: each is staged (a temp file beside it), and only when
 * every one is on disk are they renamed into place. A failed stage (a full disk) removes every
 * temp file and every folder made for them, so the repository is as it was; a failed rename
 * (rare: the folder changed under us) names the files that were written before it.
 */
async function writeAll(io: Io, root: string, files: readonly PlannedFile[]): Promise<void> {
  const staged: { path: string; file: StagedFile }[] = [];
  const failed: { path: string; error: unknown }[] = [];
  await mapLimit(files, IO_AT_ONCE, async (file) => {
    try {
      staged.push({
        path: file.path,
        file: await io.stageFile(join(root, file.path), file.content),
      });
    } catch (error) {
      failed.push({ path: file.path, error });
    }
  });
  if (failed.length > 0) {
    await Promise.all(staged.map(({ file }) => file.discard()));
    const folders = [...new Set(staged.flatMap(({ file }) => file.createdFolders))];
    // Innermost first, so a folder emptied of its sub-folder goes too.
    for (const folder of folders.sort((a, b) => b.length - a.length))
      await io.removeEmptyFolder(folder);
    throw refused(await Promise.all(failed.map((f) => failure(io, root, f.path, f.error))));
  }
  const written: string[] = [];
  const unwritten: { path: string; error: unknown }[] = [];
  await mapLimit(staged, IO_AT_ONCE, async ({ path, file }) => {
    try {
      await file.commit();
      written.push(path);
    } catch (error) {
      unwritten.push({ path, error });
    }
  });
  if (unwritten.length === 0) return;
  const problems = await Promise.all(unwritten.map((f) => failure(io, root, f.path, f.error)));
  const list = written.sort((a, b) => a.localeCompare(b)).join(', ') || 'none';
  throw refused(
    problems.map((p) => ({ ...p, message: `${p.message}; the files written before it: ${list}` })),
  );
}

async function failure(io: Io, root: string, path: string, error: unknown): Promise<Problem> {
  if (!isErrno(error)) throw error;
  return refusal(io, root, path, error, 'written');
}

/**
 * Files a repo may well have its own of: a `.dockerignore` that already keeps the user's weight
 * folders out. envgen's is a starting point, not something the images depend on.
 */
const USER_OWNED: ReadonlySet<string> = new Set(['.dockerignore']);

function statusOf(
  path: string,
  content: string,
  existing: string | null,
  options: ApplyOptions,
): FileStatus {
  if (existing === null) return options.check ? 'missing' : 'created';
  if (existing === content) return 'unchanged';
  const seal = sealState(existing);
  if (seal === 'intact') return options.check ? 'stale' : 'updated';
  if (options.force && !options.check) return 'updated';
  if (seal === 'broken') return 'edited';
  return USER_OWNED.has(path) ? 'kept' : 'foreign';
}

async function readTarget(
  io: Io,
  path: string,
): Promise<{ text: string | null } | { error: NodeJS.ErrnoException }> {
  try {
    return { text: (await io.readFile(path)).toString('utf8') };
  } catch (error) {
    if (!isErrno(error)) throw error;
    return error.code === 'ENOENT' ? { text: null } : { error };
  }
}

/** The closest folder at or above `dir` (relative) that exists; `.` is the root. */
async function nearestFolder(io: Io, root: string, dir: string): Promise<string> {
  let folder = dir;
  while (folder !== '.' && !(await io.exists(join(root, folder)))) folder = posix.dirname(folder);
  return folder;
}

/**
 * Whether a folder takes a write: an empty temp file staged there and discarded, never renamed
 * into place, so an interrupt at any moment leaves nothing behind (the temp file is removed
 * with the others). A read succeeding says nothing about a read-only mount or a folder without
 * write permission.
 */
async function probeWrite(io: Io, dir: string): Promise<NodeJS.ErrnoException | null> {
  const probe = join(dir, `.envgen-probe-${randomBytes(6).toString('hex')}`);
  try {
    await (await io.stageFile(probe, '')).discard();
    return null;
  } catch (error) {
    if (!isErrno(error)) throw error;
    return error;
  }
}

/** A write or delete after the checks passed can still fail (a full disk): a problem too. */
async function attempt(
  io: Io,
  root: string,
  path: string,
  verb: Verb,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isErrno(error)) throw error;
    throw refused([await refusal(io, root, path, error, verb)]);
  }
}

/** Folders that pruning left empty (`envs/<old>/`) go too; anything else in them stays. */
async function removeEmptyFolders(io: Io, root: string, removed: readonly string[]): Promise<void> {
  for (const folder of new Set(removed.map((path) => posix.dirname(path)))) {
    const left = await io.readDir(join(root, folder)).catch(() => null);
    if (left?.length === 0)
      await attempt(io, root, folder, 'deleted', () => io.remove(join(root, folder)));
  }
}

function refused(refusals: readonly Problem[]): UserError {
  const problems = [...refusals].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
  return new UserError(problems);
}

/**
 * Why a file cannot be read or written, as a problem. Its fix says "the command", not
 * `envgen generate`: generate, lock, build, init and ci all write through applyPlan.
 */
async function refusal(
  io: Io,
  root: string,
  path: string,
  error: NodeJS.ErrnoException,
  verb: Verb,
  folder = posix.dirname(path),
): Promise<Problem> {
  // A path in the way (a folder, or a file above it) is the repository's shape; permissions, a
  // read-only mount or a full disk are the machine's.
  const blocked = (message: string, fix: string): Problem =>
    problem('generate/path-blocked', message, { file: path, fix });
  const unwritable = (message: string, fix: string): Problem =>
    problem('generate/unwritable', message, { file: path, fix });
  const code = error.code ?? 'EIO';
  switch (code) {
    case 'EISDIR':
      return blocked(
        'a folder stands where envgen writes this file',
        `move or remove the folder ${path}, then run the command again`,
      );
    case 'ENOTDIR': {
      const blocker = await fileInTheWay(io, root, path);
      return blocked(
        `cannot be ${verb}: ${blocker} is a file, where envgen needs a folder`,
        `move or remove the file ${blocker}, then run the command again`,
      );
    }
    case 'ELOOP':
    case 'ENAMETOOLONG':
      return blocked(
        `cannot be ${verb} (${code})`,
        `check ${path} and the folders above it (symbolic links that loop, names that are too long)`,
      );
    case 'EACCES':
    case 'EPERM':
      return unwritable(
        `cannot be ${verb}: permission denied`,
        verb === 'read'
          ? `give your user read access to ${path}`
          : `give your user write access to ${folder === '.' ? 'the repository folder' : folder}`,
      );
    case 'EROFS':
      return unwritable(
        `cannot be ${verb}: the file system is read-only`,
        'run it in a writable checkout (or mount it read-write)',
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return unwritable(
        `cannot be ${verb}: no space left on the device`,
        'free some disk space (or raise the quota), then run the command again',
      );
    default:
      return unwritable(
        `cannot be ${verb} (${code})`,
        `check ${path}, the folders above it and the disk, then run the command again`,
      );
  }
}

/** The file that stands where a folder above `path` should be (ENOTDIR). */
async function fileInTheWay(io: Io, root: string, path: string): Promise<string> {
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    try {
      await io.readDir(join(root, prefix));
    } catch (error) {
      if (isErrno(error) && error.code === 'ENOTDIR') return prefix;
      break;
    }
  }
  return posix.dirname(path);
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** File operations in flight at once: enough to overlap I/O, few enough for any ulimit. */
const IO_AT_ONCE = 32;
