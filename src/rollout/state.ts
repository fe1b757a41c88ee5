/**
 * What `envgen rollout` keeps on disk under its root: the versioned environments
 * (`<root>/<model>@<hash>`), each model's links (`current`, `previous`), the lock file held
 * while a rollout runs, and the JSON-lines log of every step. Everything goes through the Io.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { type Io, isFolder } from '../io.js';
import {
  ROLLOUT_LOG,
  rolloutFolder,
  rolloutLink,
  rolloutLockFile,
  rolloutPrefix,
} from '../layout.js';

export interface RolloutPaths {
  /** The rollout root (absolute). */
  root: string;
  model: string;
  folder: string;
  current: string;
  previous: string;
  lock: string;
  log: string;
}

export function rolloutPaths(root: string, model: string): RolloutPaths {
  return {
    root,
    model,
    folder: rolloutFolder(root, model),
    current: rolloutLink(root, model, 'current'),
    previous: rolloutLink(root, model, 'previous'),
    lock: rolloutLockFile(root, model),
    log: `${root}/${ROLLOUT_LOG}`,
  };
}

export function versionedPrefix(paths: RolloutPaths, hash: string): string {
  return rolloutPrefix(paths.root, paths.model, hash);
}

/** One environment a link points at. */
export interface LinkedEnvironment {
  /** The environment's path, as the link holds it. */
  path: string;
  /** The hash in its name (`<model>@<hash>`), or null when the name has none. */
  hash: string | null;
  /** When the link was made: when the model was switched to it (ms since the epoch). */
  switchedAt: number | null;
}

/**
 * Whether what `link` points at (`target`, relative to the link's folder when not absolute) is a
 * conda environment: a folder holding conda-meta. One answer for --status, a rollback and a
 * rollout's reuse.
 */
export async function isEnvironment(io: Io, link: string, target: string): Promise<boolean> {
  return isFolder(io, join(resolve(dirname(link), target), 'conda-meta'));
}

export async function readLink(io: Io, link: string): Promise<LinkedEnvironment | null> {
  const path = await io.readLink(link);
  if (path === null) return null;
  const name = basename(path);
  const at = name.lastIndexOf('@');
  return {
    path,
    hash: at > 0 ? name.slice(at + 1) : null,
    switchedAt: await io.modifiedAt(link),
  };
}

/** Points `current` (and `previous`) at environments, each link replaced in one rename. */
export async function setLinks(
  io: Io,
  paths: RolloutPaths,
  current: string,
  previous: string | null,
): Promise<void> {
  if (previous) await io.replaceSymlink(previous, paths.previous);
  else await io.remove(paths.previous);
  await io.replaceSymlink(current, paths.current);
}

/** One line of the rollout log. */
export interface LogEntry {
  model: string;
  /** The step: lock, build, reuse, smoke, warmup, switch, usr2, new-master, health, ... */
  step: string;
  ok: boolean;
  detail?: string;
  /** A failed tool step's last lines. */
  log?: string;
}

/** Appends a line to the log (`<root>/rollout.jsonl`): the time, the rollout's id, the step. */
export function rolloutLog(
  io: Io,
  paths: RolloutPaths,
  id: string,
): (entry: LogEntry) => Promise<void> {
  return (entry) =>
    io.appendFile(
      paths.log,
      `${JSON.stringify({ time: new Date(io.now()).toISOString(), rollout: id, ...entry })}\n`,
    );
}

export type LockResult =
  | { ok: true; release: () => Promise<void>; tookOverFrom?: number }
  | { ok: false; holder: { pid: number | null; since: string | null } };

/**
 * Takes the model's lock file (created only when absent). A lock whose process is gone (a
 * rollout that was killed) is taken over; one held by a running process refuses.
 */
export async function takeLock(
  io: Io,
  paths: RolloutPaths,
  pid: number,
  token: string,
): Promise<LockResult> {
  const content = `${JSON.stringify({ pid, token, since: new Date(io.now()).toISOString() })}\n`;
  const release = async (): Promise<void> => {
    // Only our own lock is removed.
    if ((await readHolder(io, paths.lock)).token === token) await io.remove(paths.lock);
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await io.createExclusive(paths.lock, content)) {
      return { ok: true, release };
    }
    const holder = await readHolder(io, paths.lock);
    // Held by a running process (this one too: two rollouts in one process) refuses.
    if (holder.pid !== null && io.signalProcess(holder.pid, 0)) {
      return { ok: false, holder: { pid: holder.pid, since: holder.since } };
    }
    // A lock being written (empty for an instant) is held; an unreadable one for long is not.
    const age = io.now() - ((await io.modifiedAt(paths.lock)) ?? 0);
    if (holder.pid === null && age < 10_000) {
      return { ok: false, holder: { pid: null, since: holder.since } };
    }
    // Held by no running process: a rollout was killed. Take it over (once).
    await io.remove(paths.lock);
    if (attempt === 0 && (await io.createExclusive(paths.lock, content))) {
      return { ok: true, release, ...(holder.pid !== null ? { tookOverFrom: holder.pid } : {}) };
    }
  }
  const holder = await readHolder(io, paths.lock);
  return { ok: false, holder: { pid: holder.pid, since: holder.since } };
}

async function readHolder(
  io: Io,
  lock: string,
): Promise<{ pid: number | null; since: string | null; token: string | null }> {
  try {
    const parsed = JSON.parse((await io.readFile(lock, 4096)).toString('utf8')) as {
      pid?: unknown;
      since?: unknown;
      token?: unknown;
    };
    return {
      pid: Number.isInteger(parsed.pid) ? (parsed.pid as number) : null,
      since: typeof parsed.since === 'string' ? parsed.since : null,
      token: typeof parsed.token === 'string' ? parsed.token : null,
    };
  } catch {
    return { pid: null, since: null, token: null };
  }
}

/** The model's versioned environments under the root, newest first (by folder time). */
async function versionedEnvironments(
  io: Io,
  paths: RolloutPaths,
): Promise<{ path: string; modifiedAt: number }[]> {
  let entries: Awaited<ReturnType<Io['readDir']>>;
  try {
    entries = await io.readDir(paths.root);
  } catch {
    return [];
  }
  const found: { path: string; modifiedAt: number }[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory || !entry.name.startsWith(`${paths.model}@`)) continue;
    const path = `${paths.root}/${entry.name}`;
    found.push({ path, modifiedAt: (await io.modifiedAt(path)) ?? 0 });
  }
  return found.sort((a, b) => b.modifiedAt - a.modifiedAt || b.path.localeCompare(a.path));
}

/**
 * `--keep N`: removes the model's environments beyond the N newest, never the ones `current`
 * and `previous` point at (they count among the N). Returns the paths removed.
 */
export async function prune(io: Io, paths: RolloutPaths, keep: number): Promise<string[]> {
  const kept = new Set<string>();
  for (const link of [paths.current, paths.previous]) {
    const target = await io.readLink(link);
    if (target) kept.add(target);
  }
  const all = await versionedEnvironments(io, paths);
  let room = Math.max(0, keep - kept.size);
  const removed: string[] = [];
  for (const env of all) {
    if (kept.has(env.path)) continue;
    if (room > 0) {
      room--;
      continue;
    }
    await io.remove(env.path);
    removed.push(env.path);
  }
  return removed;
}
