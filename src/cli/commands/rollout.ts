/**
 * `envgen rollout MODEL`: build the model's environment at a versioned path under --root,
 * prove it, switch `<root>/<model>/current` and the running service, roll back on failure;
 * `--rollback`, `--status`, `--keep N`. Flags in, one rollout, the report out.
 */
import { join, resolve as resolvePath } from 'node:path';
import { applyPlan } from '../../generate/apply-plan.js';
import { environmentFile, lockPath, pipLockPath, ROLLOUT_ROOT } from '../../layout.js';
import { type Problem, problem, UserError, usageError } from '../../problem.js';
import { createProgress } from '../../progress.js';
import { colorFor } from '../../report/color.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { formatRollout, formatRolloutStatus } from '../../report/rollout-text.js';
import { type RolloutOptions, type RunOptions, rollback, rollout } from '../../rollout/rollout.js';
import type { HealthCheck, ServiceControl } from '../../rollout/service.js';
import { rolloutStatus } from '../../rollout/status.js';
import { findCondaTool, INSTALL_HINT } from '../../runner/conda-tool.js';
import { loadSpec, SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { durationMs } from '../duration.js';
import { EXIT, exitFor } from '../exit-codes.js';
import { checkModelNames, resolveSpecModels } from '../spec-models.js';
import { planSpec } from '../spec-plan.js';
import { positiveInt } from '../whole-number.js';

export interface RolloutFlags {
  root?: string;
  pidfile?: string;
  signal?: string;
  restartCommand?: string;
  healthTimeout?: string;
  gpu?: boolean;
  conda?: string;
  timeout?: string;
  rollback?: boolean;
  keep?: string;
  status?: boolean;
}

const SIGNALS = ['HUP', 'USR1', 'USR2'] as const;

export async function runRollout(
  ctx: CommandContext,
  model: string | undefined,
  flags: RolloutFlags,
  signal: AbortSignal,
): Promise<number> {
  const { io, root } = ctx;
  const rolloutRoot = resolvePath(io.cwd, flags.root ?? join(root, ROLLOUT_ROOT));
  if (flags.status) return status(ctx, model, rolloutRoot);
  if (!model) {
    throw usageError(
      'usage/invalid-flag',
      'name the model to roll out',
      'e.g. envgen rollout sentiment --pidfile /run/sentiment.pid (or --status for every model)',
    );
  }
  const service = serviceControl(io.cwd, flags);
  const keep = flags.keep === undefined ? undefined : positiveInt(flags.keep, '--keep', 3);
  const healthTimeoutMs = positiveInt(flags.healthTimeout ?? '30', '--health-timeout', 30) * 1000;
  const timeoutMs = flags.timeout ? durationMs(flags.timeout) : undefined;

  // A rollback only loads the spec (for serve:): it must work when the spec no longer resolves.
  const resolved = flags.rollback ? undefined : await resolvedRollout(ctx, model);
  const loaded = resolved?.loaded ?? (await loadSpec(io, join(root, SPEC_FILE)));
  if (!resolved) checkModelNames(loaded, [model]);
  const serve = loaded.spec.models[model]?.serve;
  const health: HealthCheck | null =
    serve?.port && serve.health
      ? { port: serve.port, path: serve.health, timeoutMs: healthTimeoutMs }
      : null;
  const warnings: Problem[] = [];
  if (service.kind !== 'none' && !health) {
    warnings.push(
      problem(
        'rollout/no-health',
        `${model}: the spec gives no serve.port and serve.health, so the service is told but its health is not checked`,
        {
          file: SPEC_FILE,
          fix: `add serve: {port: ..., health: /healthz} to ${model} in ${SPEC_FILE}`,
        },
      ),
    );
  }

  const progress = createProgress(io, { quiet: false });
  const common: RunOptions = {
    repoRoot: root,
    rolloutRoot,
    model: { name: model },
    signal,
    progress,
    service,
    health,
    ...(keep !== undefined ? { keep } : {}),
    pid: process.pid,
  };
  let report: Awaited<ReturnType<typeof rollout>>;
  try {
    report = resolved
      ? await rollout(io, await rolloutOptions(ctx, resolved, flags, common, timeoutMs))
      : await rollback(io, common);
  } finally {
    progress.close();
  }
  const problems = [...warnings, ...report.problems];
  if (ctx.json) {
    const { problems: _, ...rest } = report;
    writeJson(io, { ...rest, problems });
  } else {
    io.stdout.write(formatRollout(report, ctx.color));
  }
  if (problems.length > 0 && !ctx.json) {
    io.stderr.write(formatProblems(problems, colorFor(io.stderr, io.env)));
  }
  if (signal.aborted) return EXIT.interrupted;
  return exitFor(problems);
}

/** The spec resolved for `model`; its problems refuse the rollout (exit 2). */
async function resolvedRollout(ctx: CommandContext, model: string) {
  const resolved = await resolveSpecModels(ctx, [model], {});
  if (resolved.problems.length > 0) throw new UserError(resolved.problems);
  const resolvedModel = resolved.models.find((m) => m.name === model);
  if (!resolvedModel) throw new Error(`model ${model} was not resolved`);
  return { ...resolved, model: resolvedModel };
}

/**
 * What a rollout builds from: the files the spec renders to now (current, as `envgen build`
 * wants them), the model's lock when it has one, and the conda tool.
 */
async function rolloutOptions(
  ctx: CommandContext,
  resolved: Awaited<ReturnType<typeof resolvedRollout>>,
  flags: RolloutFlags,
  common: RunOptions,
  timeoutMs: number | undefined,
): Promise<RolloutOptions> {
  const { io, root } = ctx;
  const model = resolved.model.name;
  // build would create it (and skip its smoke check); a service could not run it here.
  if (resolved.model.platform !== io.hostPlatform) {
    throw new UserError([
      problem(
        'rollout/other-platform',
        `${model} is for ${resolved.model.platform} and this machine is ${io.hostPlatform}: its environment could not run the service here`,
        {
          file: SPEC_FILE,
          fix: `roll it out on a ${resolved.model.platform} machine, or set platform: ${io.hostPlatform} for ${model}`,
        },
      ),
    ]);
  }
  const { whole, locks } = await planSpec(ctx, { ...resolved, selected: [model] });
  const files = await applyPlan(io, root, whole, { check: true, force: false });
  const stale = files.filter((f) => f.status !== 'unchanged' && f.path === environmentFile(model));
  if (stale.length > 0 || locks.outdated.some((o) => o.path.startsWith(`envs/${model}/`))) {
    throw new UserError([
      problem(
        'generate/out-of-date',
        `${model}: ${stale[0]?.path ?? 'the lock'} is not what ${SPEC_FILE} renders to now`,
        { fix: 'run `envgen generate` (and `envgen lock` for a locked model) first' },
      ),
    ]);
  }
  const found = await findCondaTool(io, flags.conda ? resolvePath(io.cwd, flags.conda) : undefined);
  if (!found.ok) {
    throw new UserError([
      problem('build/no-conda', `no conda tool found (looked at: ${found.tried.join('; ')})`, {
        fix: INSTALL_HINT,
      }),
    ]);
  }
  return {
    ...common,
    spec: resolved.loaded.spec,
    model: resolved.model,
    tool: found.tool,
    lock: locks.current.has(model)
      ? {
          conda: join(root, lockPath(model, resolved.model.platform)),
          pip: resolved.model.pip.length > 0 ? join(root, pipLockPath(model)) : null,
        }
      : null,
    envFile: join(root, environmentFile(model)),
    hostPlatform: io.hostPlatform,
    gpu: Boolean(flags.gpu),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

async function status(
  ctx: CommandContext,
  model: string | undefined,
  rolloutRoot: string,
): Promise<number> {
  const loaded = await loadSpec(ctx.io, join(ctx.root, SPEC_FILE));
  const all = checkModelNames(loaded, model ? [model] : []);
  const names = model ? [model] : all;
  const models = await rolloutStatus(
    ctx.io,
    rolloutRoot,
    names.map((name) => {
      const serve = loaded.spec.models[name]?.serve;
      return {
        name,
        health: serve?.port && serve.health ? { port: serve.port, path: serve.health } : null,
      };
    }),
  );
  if (ctx.json) writeJson(ctx.io, { root: rolloutRoot, models, problems: [] });
  else ctx.io.stdout.write(formatRolloutStatus(models, ctx.color));
  return EXIT.ok;
}

function serviceControl(cwd: string, flags: RolloutFlags): ServiceControl {
  if (flags.restartCommand && (flags.pidfile || flags.signal)) {
    throw usageError(
      'usage/invalid-flag',
      '--restart-command cannot be used with --pidfile or --signal',
      'tell the service one way: --pidfile FILE (gunicorn), --pidfile FILE --signal HUP, or --restart-command CMD ARGS...',
    );
  }
  if (flags.restartCommand !== undefined) {
    return { kind: 'restart', command: restartArgv(flags.restartCommand) };
  }
  if (flags.signal !== undefined) {
    const name = flags.signal.toUpperCase().replace(/^SIG/, '');
    if (!flags.pidfile) {
      throw usageError(
        'usage/invalid-flag',
        '--signal needs --pidfile FILE (the process to signal)',
        `e.g. --pidfile /run/model.pid --signal ${name || 'HUP'}`,
      );
    }
    if (!(SIGNALS as readonly string[]).includes(name)) {
      throw usageError(
        'usage/invalid-flag',
        `--signal '${flags.signal}' is not one of ${SIGNALS.join(', ')}`,
        'e.g. --signal HUP (leave --signal out for gunicorn: the USR2 upgrade)',
      );
    }
    return {
      kind: 'signal',
      pidfile: resolvePath(cwd, flags.pidfile),
      signal: name as (typeof SIGNALS)[number],
    };
  }
  if (flags.pidfile) return { kind: 'gunicorn', pidfile: resolvePath(cwd, flags.pidfile) };
  return { kind: 'none' };
}

/**
 * `--restart-command`: a JSON list of arguments (`["systemctl", "restart", "x"]`), or words
 * split at white space; never a shell.
 */
function restartArgv(text: string): string[] {
  let argv: unknown = null;
  if (text.trim().startsWith('[')) {
    try {
      argv = JSON.parse(text);
    } catch {
      argv = null;
    }
  } else argv = text.trim().split(/\s+/).filter(Boolean);
  if (
    !Array.isArray(argv) ||
    argv.length === 0 ||
    !argv.every((arg) => typeof arg === 'string' && arg !== '')
  ) {
    throw usageError(
      'usage/invalid-flag',
      `--restart-command '${text}' is not a command: words, or a JSON list of strings`,
      'e.g. --restart-command \'systemctl restart envgen-sentiment@srv-models.service\', or \'["sh", "-c", "..."]\'',
    );
  }
  return argv as string[];
}
