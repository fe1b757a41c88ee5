/**
 * Telling the running service that `current` moved, and proving it answers: gunicorn's binary
 * upgrade (USR2, the new master's `<pidfile>.2`, its health, WINCH, TERM to the old master), a
 * plain signal, or a restart command (systemd, supervisor). Every wait is bounded in attempts
 * and time; the health check only ever asks 127.0.0.1.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Io } from '../io.js';

export type ServiceControl =
  | { kind: 'none' }
  /** gunicorn's binary upgrade through the master in the pidfile. */
  | { kind: 'gunicorn'; pidfile: string }
  /** One signal to the process in the pidfile (a server that reloads on it). */
  | { kind: 'signal'; pidfile: string; signal: 'HUP' | 'USR1' | 'USR2' }
  /** A command run (argument array, no shell) after each switch: `systemctl restart ...`. */
  | { kind: 'restart'; command: string[] };

export interface HealthCheck {
  port: number;
  path: string;
  /** How long the service has to answer healthy, in all. */
  timeoutMs: number;
}

/** What happened at each step, for the log and the report. */
export interface ServiceEvent {
  step: string;
  ok: boolean;
  detail?: string;
}

export interface ServiceOutcome {
  ok: boolean;
  /** What failed, when it did: the step's name (new-master, health, restart, ...). */
  failed?: 'no-service' | 'new-master' | 'health' | 'restart';
  detail?: string;
}

/** Time between two polls, and what one health request may take. */
const POLL_MS = 100;
const REQUEST_MS = 2000;
/** Answers in a row that make a service healthy. */
const HEALTHY_IN_A_ROW = 3;
/** How long a master has to start (its `.2` pidfile and a worker) or to go away. */
const MASTER_MS = 30_000;

async function readPid(io: Io, pidfile: string): Promise<number | null> {
  try {
    const text = (await io.readFile(pidfile, 64)).toString('utf8').trim();
    const pid = Number(text);
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** Before switching: the service named by the flags is running (its pid, or why not). */
export async function runningPid(
  io: Io,
  control: ServiceControl,
): Promise<{ ok: true; pid: number | null } | { ok: false; detail: string }> {
  if (control.kind !== 'gunicorn' && control.kind !== 'signal') return { ok: true, pid: null };
  const pid = await readPid(io, control.pidfile);
  if (pid === null)
    return {
      ok: false,
      detail: `${control.pidfile} does not hold a process id (is the service running?)`,
    };
  if (!io.signalProcess(pid, 0))
    return { ok: false, detail: `no process ${pid} (from ${control.pidfile}) is running` };
  return { ok: true, pid };
}

/**
 * Polls the health path until it answers 2xx HEALTHY_IN_A_ROW times in a row, at most
 * `timeoutMs` (and a bounded number of attempts); `alive` ends it early when the process that
 * should answer is gone.
 */
export async function pollHealth(
  io: Io,
  health: HealthCheck,
  alive: () => boolean = () => true,
): Promise<{ ok: boolean; detail: string }> {
  const deadline = io.now() + health.timeoutMs;
  const maxAttempts = Math.ceil(health.timeoutMs / POLL_MS) + HEALTHY_IN_A_ROW;
  let inARow = 0;
  let last: number | null = null;
  const url = `http://127.0.0.1:${health.port}${health.path}`;
  for (let attempt = 0; attempt < maxAttempts && io.now() < deadline; attempt++) {
    if (!alive()) return { ok: false, detail: `the server stopped while ${url} was checked` };
    last = await io.getLoopback(
      health.port,
      health.path,
      Math.max(1, Math.min(REQUEST_MS, deadline - io.now())),
    );
    if (last !== null && last >= 200 && last < 300) {
      inARow++;
      if (inARow >= HEALTHY_IN_A_ROW) return { ok: true, detail: `${url} answered ${last}` };
      continue;
    }
    inARow = 0;
    await sleep(POLL_MS);
  }
  return {
    ok: false,
    detail: `${url} did not answer healthy ${HEALTHY_IN_A_ROW} times in a row within ${Math.round(health.timeoutMs / 1000)} s (last: ${last === null ? 'no answer' : `HTTP ${last}`})`,
  };
}

/** Waits (bounded) until `done` holds; false when the time ran out. */
async function waitFor(
  io: Io,
  ms: number,
  done: () => Promise<boolean> | boolean,
): Promise<boolean> {
  const deadline = io.now() + ms;
  for (let attempt = 0; attempt <= ms / POLL_MS && io.now() <= deadline; attempt++) {
    if (await done()) return true;
    await sleep(POLL_MS);
  }
  return done();
}

/** The processes whose parent is `pid` (from /proc; empty where there is none). */
async function childrenOf(io: Io, pid: number): Promise<number[]> {
  let entries: Awaited<ReturnType<Io['readDir']>>;
  try {
    entries = await io.readDir('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = (await io.readFile(`/proc/${entry.name}/stat`, 4096)).toString('utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry.name));
    } catch {
      // the process ended while the list was read
    }
  }
  return children;
}

/** Stops a process with TERM and waits (bounded) for it to go; KILL when it does not. */
async function stopProcess(io: Io, pid: number): Promise<void> {
  if (!io.signalProcess(pid, 'SIGTERM')) return;
  if (await waitFor(io, MASTER_MS / 3, () => !io.signalProcess(pid, 0))) return;
  io.signalProcess(pid, 'SIGKILL');
  await waitFor(io, 2000, () => !io.signalProcess(pid, 0));
}

/**
 * gunicorn's binary upgrade, after `current` was switched: USR2 makes the old master fork and
 * re-execute its own command line (`<root>/<model>/current/bin/python .../gunicorn ...`, now
 * the new environment); the new master writes `<pidfile>.2`. Its workers must come up and the
 * health path answer from them: the old master's workers are paused (SIGSTOP) while it is
 * checked, since gunicorn ignores WINCH unless daemonized and both masters' workers accept on
 * the same socket. Healthy: WINCH and TERM to the old master (its workers resumed, they finish
 * the requests they hold); the new master renames `.2` to the pidfile once the old one is gone.
 * Unhealthy: the old workers resume, the new master is stopped, the old master keeps serving.
 */
export async function gunicornUpgrade(
  io: Io,
  pidfile: string,
  oldPid: number,
  health: HealthCheck | null,
  log: (event: ServiceEvent) => Promise<void>,
  abort?: AbortSignal,
): Promise<ServiceOutcome> {
  const newPidfile = `${pidfile}.2`;
  // The old master's children before USR2 (its workers): a child that appears after is the new
  // master (forked, then re-executed), until it writes its pidfile.
  const before = new Set(await childrenOf(io, oldPid));
  if (!io.signalProcess(oldPid, 'SIGUSR2')) {
    await log({ step: 'usr2', ok: false, detail: `process ${oldPid} is gone` });
    return { ok: false, failed: 'no-service', detail: `the master ${oldPid} is gone` };
  }
  await log({ step: 'usr2', ok: true, detail: `sent USR2 to the master ${oldPid}` });
  let newPid: number | null = null;
  // Every process that was (or may be) the new master: when all of them are gone, it failed to
  // start (gunicorn's master exits when a worker cannot boot) and there is no use waiting on.
  const candidates = new Set<number>();
  let failedEarly = false;
  let interrupted = false;
  const started = await waitFor(io, MASTER_MS, async () => {
    // Ctrl-C ends the wait (as a failure: the new master, if any, is stopped; the old serves).
    if (abort?.aborted) {
      interrupted = true;
      return true;
    }
    newPid = await readPid(io, newPidfile);
    if (newPid !== null && newPid !== oldPid) candidates.add(newPid);
    for (const child of await childrenOf(io, oldPid)) if (!before.has(child)) candidates.add(child);
    if (candidates.size > 0 && [...candidates].every((pid) => !io.signalProcess(pid, 0))) {
      failedEarly = true;
      return true;
    }
    if (newPid === null || newPid === oldPid || !io.signalProcess(newPid, 0)) return false;
    return (await childrenOf(io, newPid)).length > 0;
  });
  const pid = newPid as number | null;
  if (!started || failedEarly || interrupted || pid === null) {
    if (pid !== null && pid !== oldPid) await stopProcess(io, pid);
    const detail = interrupted
      ? 'interrupted (Ctrl-C) while the new master started'
      : failedEarly
        ? `the new master (${[...candidates].join(', ')}) exited while it started (see the server's log: a worker that cannot load the app stops it)`
        : pid === null
          ? `no new master wrote ${newPidfile} within ${MASTER_MS / 1000} s (it may have failed to start: see the server's log)`
          : `the new master ${pid} did not start its workers within ${MASTER_MS / 1000} s (see the server's log)`;
    await log({ step: 'new-master', ok: false, detail });
    return { ok: false, failed: 'new-master', detail };
  }
  await log({ step: 'new-master', ok: true, detail: `new master ${pid} (${newPidfile})` });

  if (health) {
    const oldWorkers = (await childrenOf(io, oldPid)).filter((child) => child !== pid);
    for (const worker of oldWorkers) io.signalProcess(worker, 'SIGSTOP');
    let checked: { ok: boolean; detail: string };
    try {
      // Ctrl-C ends the check (as a failure: the old workers resume, the new master stops).
      checked = await pollHealth(io, health, () => !abort?.aborted && io.signalProcess(pid, 0));
    } finally {
      for (const worker of oldWorkers) io.signalProcess(worker, 'SIGCONT');
    }
    await log({ step: 'health', ok: checked.ok, detail: checked.detail });
    if (!checked.ok) {
      await stopProcess(io, pid);
      await log({ step: 'stop-new-master', ok: true, detail: `stopped the new master ${pid}` });
      return { ok: false, failed: 'health', detail: checked.detail };
    }
  }
  io.signalProcess(oldPid, 'SIGWINCH');
  io.signalProcess(oldPid, 'SIGTERM');
  const gone = await waitFor(io, MASTER_MS, () => !io.signalProcess(oldPid, 0));
  await log({
    step: 'retire-old-master',
    ok: gone,
    detail: gone
      ? `sent WINCH and TERM to the old master ${oldPid}: it is gone`
      : `sent WINCH and TERM to the old master ${oldPid}: still running after ${MASTER_MS / 1000} s`,
  });
  const promoted = await waitFor(io, 5000, async () => (await readPid(io, pidfile)) === pid);
  await log({
    step: 'pidfile',
    ok: promoted,
    detail: promoted
      ? `${pidfile} holds the new master ${pid}`
      : `${pidfile} does not hold the new master ${pid} yet`,
  });
  return { ok: true };
}

/** A plain signal to the process in the pidfile (a server that reloads itself on it). */
export async function sendSignal(
  io: Io,
  pid: number,
  signal: 'HUP' | 'USR1' | 'USR2',
  log: (event: ServiceEvent) => Promise<void>,
): Promise<ServiceOutcome> {
  const ok = io.signalProcess(pid, `SIG${signal}`);
  await log({ step: 'signal', ok, detail: `sent ${signal} to ${pid}` });
  return ok ? { ok } : { ok, failed: 'no-service', detail: `process ${pid} is gone` };
}

/** The restart command, with its output kept for the problem. */
export async function runRestart(
  io: Io,
  command: string[],
  cwd: string,
  log: (event: ServiceEvent) => Promise<void>,
): Promise<ServiceOutcome> {
  const [program, ...args] = command as [string, ...string[]];
  const result = await io.exec(program, args, { cwd, timeoutMs: MASTER_MS * 4 });
  const ok = result.exitCode === 0;
  const detail = ok
    ? `${command.join(' ')}: exit 0`
    : `${command.join(' ')}: ${result.notFound ? 'not found' : result.timedOut ? 'timed out' : `exit ${result.exitCode ?? 'killed'}`}${lastLine(result.stderr || result.stdout)}`;
  await log({ step: 'restart', ok, detail });
  return ok ? { ok } : { ok, failed: 'restart', detail };
}

function lastLine(text: string): string {
  const line = text.trim().split('\n').at(-1)?.trim();
  return line ? ` (${line.slice(0, 300)})` : '';
}
