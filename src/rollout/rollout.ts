/**
 * `envgen rollout MODEL`: build the model's environment at its final, versioned path
 * (`<root>/<model>@<hash>`: conda environments are not relocatable), prove it (the smoke check,
 * the spec's warm-up), switch `<root>/<model>/current` and the running service, and undo the
 * switch when anything fails. `--rollback` goes back to `previous`. Every step is a line of the
 * rollout log; one rollout of a model at a time (a lock file).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import { buildEnvironments } from '../environments/create-environments.js';
import type { Io } from '../io.js';
import { ROLLOUT_ROOT, SMOKE_SCRIPT, serveScript, systemdUnit } from '../layout.js';
import { type Problem, problem } from '../problem.js';
import type { Progress } from '../progress.js';
import type { CondaTool } from '../runner/conda-tool.js';
import { runSmoke } from '../smoke/run-smoke.js';
import type { Spec } from '../spec/types.js';
import { step } from '../tool-steps.js';
import {
  gunicornUpgrade,
  type HealthCheck,
  pollHealth,
  runningPid,
  runRestart,
  type ServiceControl,
  type ServiceEvent,
  type ServiceOutcome,
  sendSignal,
} from './service.js';
import {
  isEnvironment,
  type LogEntry,
  prune,
  type RolloutPaths,
  readLink,
  rolloutLog,
  rolloutPaths,
  setLinks,
  takeLock,
  versionedPrefix,
} from './state.js';

/**
 * What every run (a rollout or a rollback) needs. A rollback needs nothing more: it resolves no
 * spec and builds nothing, so it works when the spec no longer resolves, when it is most needed.
 */
export interface RunOptions {
  /** The repository (envgen.yaml, envs/...): a --restart-command runs there. */
  repoRoot: string;
  /** `--root`, absolute. */
  rolloutRoot: string;
  model: { name: string };
  signal: AbortSignal;
  progress: Progress;
  service: ServiceControl;
  health: HealthCheck | null;
  /** `--keep N`, after a switch. */
  keep?: number;
  /** This process, for the lock file. */
  pid: number;
}

/** A rollout's options: it builds (or reuses) the environment the spec resolves to now. */
export interface RolloutOptions extends RunOptions {
  spec: Spec;
  model: ResolvedModel;
  tool: CondaTool;
  /** The model's current lock (explicit conda lock, pip companion), when it has one. */
  lock: { conda: string; pip: string | null } | null;
  /** The environment file the environment is created from (when there is no lock). */
  envFile: string;
  hostPlatform: string;
  gpu: boolean;
  timeoutMs?: number;
}

/** `serve.warmup.timeout` when the spec gives none. */
const DEFAULT_WARMUP_SECONDS = 600;

type RolloutOutcome = 'switched' | 'unchanged' | 'not-switched' | 'rolled-back' | 'refused';

interface RolloutStep {
  step: string;
  ok: boolean;
  detail?: string;
  /** A failed tool step's last lines (create, pip, smoke...), as `envgen build` keeps them. */
  log?: string;
}

export interface RolloutReport {
  model: string;
  ok: boolean;
  outcome: RolloutOutcome;
  /** The environment `current` pointed at before, and the one it points at now. */
  from: string | null;
  to: string | null;
  hash: string | null;
  steps: RolloutStep[];
  /** The rollout log (JSON lines). */
  log: string;
  pruned: string[];
  problems: Problem[];
}

/** The short hash that names a model's environment: of the lock it installs, or its file. */
async function environmentHash(
  io: Io,
  files: readonly string[],
  localPackages: readonly string[],
): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file.split('/').at(-1) ?? file);
    hash.update('\0');
    hash.update(await io.readFile(file));
    hash.update('\0');
  }
  for (const local of localPackages) hash.update(`local:${local}\0`);
  return hash.digest('hex').slice(0, 12);
}

interface Run<Options extends RunOptions = RunOptions> {
  io: Io;
  options: Options;
  paths: RolloutPaths;
  report: RolloutReport;
  log: (entry: Omit<LogEntry, 'model'>) => Promise<void>;
}

async function begin<Options extends RunOptions>(
  io: Io,
  options: Options,
  mode: 'rollout' | 'rollback',
): Promise<Run<Options> | RolloutReport> {
  const paths = rolloutPaths(options.rolloutRoot, options.model.name);
  const id = `${options.pid}-${io.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const append = rolloutLog(io, paths, id);
  const report: RolloutReport = {
    model: options.model.name,
    ok: false,
    outcome: 'not-switched',
    from: null,
    to: null,
    hash: null,
    steps: [],
    log: paths.log,
    pruned: [],
    problems: [],
  };
  const log = async (entry: Omit<LogEntry, 'model'>): Promise<void> => {
    report.steps.push({
      step: entry.step,
      ok: entry.ok,
      ...(entry.detail ? { detail: entry.detail } : {}),
      ...(entry.log ? { log: entry.log } : {}),
    });
    await append({ model: options.model.name, ...entry });
  };
  // `envgen build`'s environment of the model lives at `<root>/<model>` when --root is build's
  // folder (.envgen/envs): a rollout root must not be that folder.
  if (await io.exists(join(paths.folder, 'conda-meta'))) {
    report.outcome = 'refused';
    report.problems.push(
      problem(
        'rollout/root-conflict',
        `${paths.folder} is an environment (envgen build's), not a rollout folder`,
        {
          fix: `leave --root out (the default, ${ROLLOUT_ROOT}, is what the generated ${serveScript(options.model.name)} and ${systemdUnit(options.model.name)} use) or pass another folder; with another --root, set ENVGEN_ROOT for the script and change the unit's PIDFile`,
        },
      ),
    );
    return report;
  }
  const lock = await takeLock(io, paths, options.pid, id);
  if (!lock.ok) {
    report.outcome = 'refused';
    report.problems.push(
      problem(
        'rollout/locked',
        `${options.model.name}: another rollout holds ${paths.lock} (process ${lock.holder.pid ?? 'unknown'}${lock.holder.since ? `, since ${lock.holder.since}` : ''})`,
        {
          fix: `wait for it to finish (${paths.log} shows its steps); a lock left by a killed rollout is taken over once its process is gone`,
        },
      ),
    );
    await append({ model: options.model.name, step: 'lock', ok: false, detail: 'refused: held' });
    return report;
  }
  await log({
    step: 'lock',
    ok: true,
    detail: `${mode} of ${options.model.name}${lock.tookOverFrom ? ` (took over the lock of process ${lock.tookOverFrom}, which is gone)` : ''}`,
  });
  if (lock.tookOverFrom) {
    report.problems.push(
      problem(
        'rollout/stale-lock',
        `${options.model.name}: the lock of process ${lock.tookOverFrom} (gone) was taken over`,
        { fix: `a rollout was killed; ${paths.log} shows how far it got` },
      ),
    );
  }
  releases.set(report, lock.release);
  return { io, options, paths, report, log };
}

const releases = new WeakMap<RolloutReport, () => Promise<void>>();

async function finish(run: Run): Promise<RolloutReport> {
  await run.log({ step: 'done', ok: run.report.ok, detail: run.report.outcome });
  await releases.get(run.report)?.();
  return run.report;
}

export async function rollout(io: Io, options: RolloutOptions): Promise<RolloutReport> {
  const started = await begin(io, options, 'rollout');
  if (!('paths' in started)) return started;
  const run = started;
  try {
    await rolloutSteps(run);
  } finally {
    await finish(run);
  }
  return run.report;
}

export async function rollback(io: Io, options: RunOptions): Promise<RolloutReport> {
  const started = await begin(io, options, 'rollback');
  if (!('paths' in started)) return started;
  const run = started;
  try {
    const current = await readLink(io, run.paths.current);
    const previous = await readLink(io, run.paths.previous);
    run.report.from = current?.path ?? null;
    if (!previous) {
      run.report.problems.push(
        problem(
          'rollout/no-previous',
          `${options.model.name}: ${run.paths.previous} points at no environment: there is nothing to go back to`,
          { fix: '`envgen rollout --status` shows what current and previous are' },
        ),
      );
      return run.report;
    }
    // A previous environment deleted since (by hand): switching to it would stop the service.
    if (!(await isEnvironment(io, run.paths.previous, previous.path))) {
      run.report.problems.push(
        problem(
          'rollout/no-previous',
          `${options.model.name}: ${run.paths.previous} points at ${previous.path}, which is no conda environment any more (removed since?): nothing was switched`,
          {
            fix: `roll the model out again to build it (envgen rollout ${options.model.name}); \`envgen rollout --status\` shows what current and previous are`,
          },
        ),
      );
      return run.report;
    }
    run.report.hash = previous.hash;
    await switchTo(run, previous.path, current?.path ?? null);
  } finally {
    await finish(run);
  }
  return run.report;
}

async function rolloutSteps(run: Run<RolloutOptions>): Promise<void> {
  const { io, options, paths, report } = run;
  const model = options.model;
  const files = options.lock
    ? [options.lock.conda, ...(options.lock.pip ? [options.lock.pip] : [])]
    : [options.envFile];
  const hash = await environmentHash(
    io,
    files,
    options.spec.models[model.name]?.localPackages ?? [],
  );
  const target = versionedPrefix(paths, hash);
  report.hash = hash;
  const current = await readLink(io, paths.current);
  const previous = await readLink(io, paths.previous);
  report.from = current?.path ?? null;
  if (current?.path === target) {
    report.ok = true;
    report.outcome = 'unchanged';
    report.to = target;
    await run.log({ step: 'unchanged', ok: true, detail: `current is already ${target}` });
    await pruneOld(run);
    return;
  }

  // 1. Build (or reuse) at the final path, proven by the smoke check.
  const built = await buildOrReuse(run, target, previous?.path === target);
  if (!built) return;
  // 2. The warm-up.
  if (!(await warmup(run, target))) return;
  // 3. Switch, and tell the service.
  if (await switchTo(run, target, current?.path ?? null)) await pruneOld(run);
}

async function buildOrReuse(
  run: Run<RolloutOptions>,
  target: string,
  isPrevious: boolean,
): Promise<boolean> {
  const { io, options, report } = run;
  const model = options.model;
  const python = join(target, 'bin', 'python');
  if (await io.exists(join(target, 'conda-meta'))) {
    const smoke = await runSmoke(
      io,
      options,
      model,
      python,
      [join(options.repoRoot, SMOKE_SCRIPT)],
      'smoke',
    );
    await run.log({
      step: 'smoke',
      ok: smoke.step.ok,
      detail: `smoke ${smoke.step.ok ? 'ok' : 'failed'} in ${Math.round(smoke.step.durationMs / 100) / 10} s`,
      ...(smoke.step.ok ? {} : { log: smoke.step.log }),
    });
    await run.log({
      step: 'reuse',
      ok: smoke.step.ok && smoke.problems.length === 0,
      detail: `${target} exists; smoke check ${smoke.step.ok ? 'passed' : 'failed'}`,
    });
    if (smoke.step.ok && smoke.problems.length === 0) return true;
    if (isPrevious) {
      report.problems.push(...smoke.problems);
      report.problems.push(notSwitched(run, `the existing ${target} fails its smoke check`));
      return false;
    }
    // Not what `current` or `previous` points at: build it again.
    await io.remove(target);
  }
  const [build] = await buildEnvironments(io, {
    root: options.repoRoot,
    spec: options.spec,
    models: [model],
    tool: options.tool,
    prefixRoot: options.rolloutRoot,
    prefixName: () => target.slice(options.rolloutRoot.length + 1),
    hostPlatform: options.hostPlatform,
    gpu: options.gpu,
    jobs: 1,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    keep: false,
    signal: options.signal,
    progress: options.progress,
    locks: new Map(options.lock ? [[model.name, options.lock]] : []),
  });
  if (!build) return false;
  for (const step of build.steps) {
    // Under build's own step names, so a problem's fix (`--- chat: create (last lines) ---`)
    // names the heading its lines are printed under.
    await run.log({
      step: step.name,
      ok: step.ok,
      detail: `${step.name} ${step.ok ? 'ok' : 'failed'} in ${Math.round(step.durationMs / 100) / 10} s`,
      ...(step.ok || !step.log ? {} : { log: step.log }),
    });
  }
  if (!build.ok) {
    report.problems.push(...build.problems);
    report.problems.push(
      notSwitched(run, `${target} could not be built or failed its smoke check`),
    );
    return false;
  }
  return true;
}

async function warmup(run: Run<RolloutOptions>, target: string): Promise<boolean> {
  const { io, options, report } = run;
  const warm = options.spec.models[options.model.name]?.serve?.warmup;
  if (!warm) return true;
  const [first, ...args] = warm.command as [string, ...string[]];
  const bin = join(target, 'bin');
  const program =
    !first.includes('/') && (await io.exists(join(bin, first))) ? join(bin, first) : first;
  const seconds = warm.timeout ?? DEFAULT_WARMUP_SECONDS;
  // A step as build's are: its progress shown, its time limit, Ctrl-C, the tail of its output.
  const { step: done, result } = await step(
    io,
    { timeoutMs: seconds * 1000, signal: options.signal, progress: options.progress },
    options.model.name,
    'warmup',
    program,
    args,
    { PATH: `${bin}:${io.env.PATH ?? ''}`, PYTHONNOUSERSITE: '1' },
    options.repoRoot,
  );
  const ok = done.ok;
  const why = result.canceled
    ? 'interrupted'
    : result.timedOut
      ? `took longer than ${seconds} s and was stopped`
      : result.notFound
        ? `${first} was not found`
        : `exit ${result.exitCode ?? 'killed'}`;
  const tail = done.log.split('\n').slice(-5).join(' | ');
  await run.log({
    step: 'warmup',
    ok,
    detail: ok ? `${warm.command.join(' ')}: ok` : `${warm.command.join(' ')}: ${why}: ${tail}`,
  });
  if (!ok) {
    report.problems.push(
      problem(
        'rollout/warmup',
        `${options.model.name}: the warm-up (${warm.command.join(' ')}) in ${target} failed: ${why}`,
        { fix: `its last lines are in ${run.paths.log}; fix the environment or serve.warmup` },
      ),
    );
    report.problems.push(notSwitched(run, 'the warm-up failed'));
  }
  return ok;
}

/**
 * Points `current` at `target` (`previous` at what it was), tells the service and checks its
 * health; on failure puts both links back. True when switched.
 */
async function switchTo(run: Run, target: string, from: string | null): Promise<boolean> {
  const { io, options, paths, report } = run;
  const oldPrevious = await io.readLink(paths.previous);
  const before = await runningPid(io, options.service);
  if (!before.ok) {
    await run.log({ step: 'service', ok: false, detail: before.detail });
    report.problems.push(
      problem('rollout/no-service', `${options.model.name}: ${before.detail}`, {
        fix: 'start the service (from <root>/<model>/current), or leave out --pidfile to switch the link alone',
      }),
    );
    report.problems.push(notSwitched(run, 'the service to tell is not running'));
    return false;
  }
  await setLinks(io, paths, target, from);
  await run.log({ step: 'switch', ok: true, detail: `${paths.current} -> ${target}` });
  // Telling the service and waiting for its health take seconds to minutes: shown as a step,
  // with the service's own steps (usr2, new-master, health...) as they come.
  const model = options.model.name;
  const service = options.service;
  const told = service.kind !== 'none';
  const startedAt = io.now();
  if (told) options.progress.start(model, 'service');
  const event = (e: ServiceEvent): Promise<void> => {
    options.progress.update(model, `service: ${e.step}`);
    return run.log(e);
  };
  let outcome: ServiceOutcome = { ok: true };
  if (service.kind === 'gunicorn' && before.pid !== null) {
    outcome = await gunicornUpgrade(
      io,
      service.pidfile,
      before.pid,
      options.health,
      event,
      options.signal,
    );
  } else {
    if (service.kind === 'signal' && before.pid !== null)
      outcome = await sendSignal(io, before.pid, service.signal, event);
    else if (service.kind === 'restart')
      outcome = await runRestart(io, service.command, options.repoRoot, event);
    if (outcome.ok && service.kind !== 'none' && options.health) {
      options.progress.update(model, 'service: health');
      const checked = await pollHealth(io, options.health, () => !options.signal.aborted);
      await run.log({ step: 'health', ok: checked.ok, detail: checked.detail });
      if (!checked.ok) outcome = { ok: false, failed: 'health', detail: checked.detail };
    }
  }
  if (told) options.progress.finish(model, 'service', outcome.ok, io.now() - startedAt);
  if (outcome.ok) {
    report.ok = true;
    report.to = target;
    report.outcome = 'switched';
    return true;
  }
  // Undo: the links as they were; the service told again (gunicorn's old master never left).
  if (from) await setLinks(io, paths, from, oldPrevious);
  else {
    await io.remove(paths.current);
    if (oldPrevious) await io.replaceSymlink(oldPrevious, paths.previous);
  }
  await run.log({ step: 'rollback', ok: true, detail: `${paths.current} -> ${from ?? '(none)'}` });
  if (service.kind === 'signal' && before.pid !== null)
    await sendSignal(io, before.pid, service.signal, event);
  if (service.kind === 'restart') await runRestart(io, service.command, options.repoRoot, event);
  report.outcome = 'rolled-back';
  report.to = from;
  const code =
    outcome.failed === 'new-master'
      ? 'rollout/new-master'
      : outcome.failed === 'restart'
        ? 'rollout/restart'
        : outcome.failed === 'no-service'
          ? 'rollout/no-service'
          : 'rollout/health';
  const kept = service.kind === 'gunicorn' ? `; the old master ${before.pid} keeps serving` : '';
  report.problems.push(
    problem(
      code,
      `${options.model.name}: ${outcome.detail ?? 'the service did not take the new environment'}: rolled back (current -> ${from ?? 'nothing'})${kept}`,
      { fix: `every step is in ${paths.log}; the server's own log says why it failed` },
    ),
  );
  return false;
}

function notSwitched(run: Run, why: string): Problem {
  return problem(
    'rollout/not-switched',
    `${run.options.model.name}: not switched: ${why}; current is unchanged`,
    { fix: `every step is in ${run.paths.log}` },
  );
}

async function pruneOld(run: Run): Promise<void> {
  if (run.options.keep === undefined) return;
  run.report.pruned = await prune(run.io, run.paths, run.options.keep);
  await run.log({
    step: 'prune',
    ok: true,
    detail:
      run.report.pruned.length > 0
        ? `removed ${run.report.pruned.join(', ')}`
        : 'nothing to remove',
  });
}
