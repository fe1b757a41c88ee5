/**
 * `envgen lock`: solve each model's environment for each of its platforms with a real conda
 * solver, write explicit locks (and the pip companion, and conda-lock.yml), then bring the generated Dockerfiles
 * over to installing from them. `--check` compares only: no network, a `lock/out-of-date`
 * problem when a lock is missing, stale or edited.
 */
import { applyPlan, type FileOutcome } from '../../generate/apply-plan.js';
import { parseMirrorFlag } from '../../lock/channels.js';
import { lockTargets } from '../../lock/lock-targets.js';
import { type LockOutcome, runLock } from '../../lock/run-lock.js';
import { type Problem, problem, UserError, usageError } from '../../problem.js';
import { createProgress } from '../../progress.js';
import { colorFor } from '../../report/color.js';
import { formatFileOutcomes, outcomeLines } from '../../report/file-outcomes.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { formatWarnings } from '../../report/warnings.js';
import { PLATFORMS, type Platform } from '../../rules-format.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { durationMs } from '../duration.js';
import { exitFor } from '../exit-codes.js';
import { repodataCacheDir, repodataLimit } from '../repodata-cache.js';
import { type ResolvedSpec, resolveSpecModels } from '../spec-models.js';
import { planSpec } from '../spec-plan.js';
import { VERSION } from '../version.js';

export interface LockFlags {
  check?: boolean;
  update?: boolean;
  force?: boolean;
  offline?: boolean;
  platform?: string[];
  mirror?: string[];
  timeout?: string;
  rules?: string;
}

export async function runLockCommand(
  ctx: CommandContext,
  names: string[],
  flags: LockFlags,
): Promise<number> {
  const { io, root } = ctx;
  const platforms = (flags.platform ?? []).map(checkPlatform);
  const flagMirrors = Object.fromEntries((flags.mirror ?? []).map(parseMirrorFlag));
  const timeoutMs = flags.timeout ? durationMs(flags.timeout) : undefined;
  if (timeoutMs !== undefined && timeoutMs <= 0) {
    throw usageError('usage/invalid-flag', '--timeout must be longer than 0', 'e.g. --timeout 15m');
  }
  const maxRepodataBytes = repodataLimit(io);
  // Every model is resolved: the Dockerfiles regenerated afterwards list them all.
  const resolved = await resolveSpecModels(ctx, names, {
    ...(flags.rules ? { rules: flags.rules } : {}),
    all: true,
  });
  if (resolved.problems.length > 0) throw new UserError(resolved.problems);
  io.stderr.write(formatWarnings(resolved.models, colorFor(io.stderr, io.env)));

  const targets = lockTargets(resolved, platforms);
  const refused = targets.problems.filter((p) => p.severity === 'error');
  if (refused.length > 0) throw new UserError(refused);
  const progress = createProgress(io, { quiet: false });
  const result = await runLock(io, targets.targets, {
    root,
    specFile: SPEC_FILE,
    version: VERSION,
    table: resolved.table,
    check: Boolean(flags.check),
    update: Boolean(flags.update),
    force: Boolean(flags.force),
    offline: Boolean(flags.offline),
    cacheDir: repodataCacheDir(io),
    mirrors: { ...resolved.loaded.spec.lock?.mirrors, ...flagMirrors },
    allowedHosts: resolved.loaded.spec.lock?.allowed_hosts ?? [],
    ...(maxRepodataBytes !== undefined ? { maxRepodataBytes } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    progress,
  }).finally(() => progress.close());

  const problems: Problem[] = [
    ...targets.problems.filter((p) => p.severity !== 'error'),
    ...result.problems,
  ];
  // Locks written beside a refused one are current: the Dockerfiles follow them.
  let files: FileOutcome[] = [];
  if (!flags.check && result.solved) {
    files = await regenerate(ctx, resolved);
    problems.push(...refusedFiles(files));
  }

  if (ctx.json) {
    writeJson(io, {
      locks: result.outcomes,
      files: files.map(({ path, status }) => ({ path, status })),
      problems,
    });
  } else {
    io.stdout.write(formatLockOutcomes(ctx, result.outcomes, files));
  }
  if (problems.length > 0) io.stderr.write(formatProblems(problems, colorFor(io.stderr, io.env)));
  return exitFor(problems);
}

function checkPlatform(text: string): Platform {
  if ((PLATFORMS as readonly string[]).includes(text)) return text as Platform;
  throw usageError(
    'usage/bad-platform',
    `--platform ${JSON.stringify(text)} is not a platform envgen builds for`,
    `use one of: ${PLATFORMS.join(', ')}`,
  );
}

/** Generated files the switch to the locks could not touch: edited by hand, or not envgen's. */
function refusedFiles(files: readonly FileOutcome[]): Problem[] {
  const refused = files.filter((f) => f.status === 'edited' || f.status === 'foreign');
  if (refused.length === 0) return [];
  return [
    problem(
      'generate/edited',
      `not switched to the lock, edited by hand or not envgen's: ${refused.map((f) => f.path).join(', ')}`,
      { fix: 'move the change into envgen.yaml, then run `envgen generate --force`' },
    ),
  ];
}

/** The generated files, now that the locks exist: the Dockerfiles install from them. */
async function regenerate(ctx: CommandContext, resolved: ResolvedSpec): Promise<FileOutcome[]> {
  const { plan } = await planSpec(ctx, resolved);
  const outcomes = await applyPlan(ctx.io, ctx.root, plan, { check: false, force: false });
  return outcomes.filter((o) => o.status !== 'unchanged');
}

/** The locks (with their package counts) and their counts, then the generated files brought to them. */
function formatLockOutcomes(
  ctx: CommandContext,
  locks: LockOutcome[],
  files: FileOutcome[],
): string {
  const c = ctx.color;
  const good = new Set(['created', 'updated', 'removed']);
  const paint = (status: string) =>
    good.has(status) ? c.green : status === 'unchanged' ? c.dim : c.red;
  const packages = (o: LockOutcome): string =>
    o.packages !== undefined
      ? c.dim(
          ` (${o.packages} ${o.platform || o.platforms ? 'package' : 'requirement'}${o.packages === 1 ? '' : 's'}${o.platforms ? ` for ${o.platforms.join(', ')}` : ''})`,
        )
      : '';
  const generated =
    files.length > 0
      ? `Generated files brought to the locks:\n${outcomeLines(files, paint)
          .map((line) => `${line}\n`)
          .join('')}`
      : '';
  return `${formatFileOutcomes(locks, paint, packages)}\n${generated}`;
}
