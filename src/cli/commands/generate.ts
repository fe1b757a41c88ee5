/** `envgen generate`: render each model's files, write what changed, or (`--check`) only compare. */
import { join } from 'node:path';
import { applyPlan, type FileOutcome, type FileStatus } from '../../generate/apply-plan.js';
import { keptDockerignoreProblems, localPackageFiles } from '../../generate/kept-dockerignore.js';
import { modelDockerfile } from '../../layout.js';
import { type Problem, UserError } from '../../problem.js';
import type { ProblemCode } from '../../problem-codes.js';
import { colorFor } from '../../report/color.js';
import { fileStatusPaint, formatFileOutcomes } from '../../report/file-outcomes.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { formatWarnings } from '../../report/warnings.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { exitFor } from '../exit-codes.js';
import { resolveSpecModels } from '../spec-models.js';
import { planSpec } from '../spec-plan.js';

export interface GenerateFlags {
  check?: boolean;
  force?: boolean;
  /** Delete files envgen wrote for models or bundles no longer in the spec. */
  prune?: boolean;
  rules?: string;
}

/** Statuses that fail the command (exit 1): with `--check`, anything but `unchanged` (or `kept`, the user's own). */
const REFUSED: ReadonlySet<FileStatus> = new Set(['edited', 'foreign']);

export async function runGenerate(
  ctx: CommandContext,
  names: string[],
  flags: GenerateFlags,
): Promise<number> {
  const check = Boolean(flags.check);
  // Shared files (bake file, bundles) list every model, so every model is resolved.
  const { loaded, models, problems, selected, table } = await resolveSpecModels(ctx, names, {
    ...(flags.rules ? { rules: flags.rules } : {}),
    all: true,
  });
  if (problems.length > 0) throw new UserError(problems);
  ctx.io.stderr.write(formatWarnings(models, colorFor(ctx.io.stderr, ctx.io.env)));
  const { whole, plan, locks } = await planSpec(ctx, { loaded, models, selected, table });
  const outcomes = await applyPlan(ctx.io, ctx.root, plan, {
    check,
    force: Boolean(flags.force),
    // Orphans are judged against every model's files, not only the models named.
    everyPath: whole.map((file) => file.path),
    prune: Boolean(flags.prune),
  });
  const failed = outcomes.filter((o) =>
    check ? o.status !== 'unchanged' && o.status !== 'kept' : REFUSED.has(o.status),
  );

  if (ctx.json) {
    writeJson(ctx.io, { files: outcomes.map(({ path, status }) => ({ path, status })) });
  } else {
    ctx.io.stdout.write(formatOutcomes(ctx, outcomes, !check && failed.length === 0));
  }
  const advice = adviceFor(outcomes, check);
  // The user's own .dockerignore shapes the context the images build from.
  if (outcomes.some((o) => o.path === '.dockerignore' && o.status === 'kept')) {
    const ignore = (await ctx.io.readFile(join(ctx.root, '.dockerignore'))).toString('utf8');
    const local = Object.values(loaded.spec.models).flatMap((m) => m.localPackages ?? []);
    const packageFiles = await localPackageFiles(ctx.io, ctx.root, [...new Set(local)]);
    advice.push(...keptDockerignoreProblems(ignore, whole, packageFiles));
  }
  for (const lock of locks.outdated) {
    advice.push({
      ruleId: 'lock/out-of-date',
      severity: 'warning',
      file: lock.path,
      message: `${lock.path} is ${lock.status}, so ${modelDockerfile(lock.model)} solves from environment.yml instead of installing it`,
      fix:
        lock.status === 'edited'
          ? 'run `envgen lock --force` to replace the edited lock'
          : 'run `envgen lock` (it brings the Dockerfile back to the lock)',
    });
  }
  if (advice.length > 0) {
    ctx.io.stderr.write(formatProblems(advice, colorFor(ctx.io.stderr, ctx.io.env)));
  }
  return exitFor(advice);
}

function formatOutcomes(ctx: CommandContext, outcomes: FileOutcome[], succeeded: boolean): string {
  const next = succeeded
    ? '\nNext: `docker buildx bake` builds the images; `envgen generate --check` in CI keeps them current.'
    : '';
  return `${formatFileOutcomes(outcomes, fileStatusPaint(ctx.color))}${next}\n`;
}

/** One problem per kind of trouble, each with its fix. */
function adviceFor(outcomes: FileOutcome[], check: boolean): Problem[] {
  const pathsOf = (...statuses: FileStatus[]): string[] =>
    outcomes.filter((o) => statuses.includes(o.status)).map((o) => o.path);
  const advice: Problem[] = [];
  const error = (ruleId: ProblemCode, message: string, fix: string): void => {
    advice.push({ ruleId, severity: 'error', message, fix });
  };

  const outOfDate = pathsOf('missing', 'stale', 'edited');
  if (check && outOfDate.length > 0) {
    error(
      'generate/out-of-date',
      `${outOfDate.length} generated file(s) are not what ${SPEC_FILE} renders to`,
      'run `envgen generate` (files edited by hand need `--force`, which overwrites the edits)',
    );
  }
  const edited = pathsOf('edited');
  if (!check && edited.length > 0) {
    error(
      'generate/edited',
      `not overwritten, edited by hand: ${edited.join(', ')}`,
      `move the change into ${SPEC_FILE}, then run \`envgen generate --force\` to overwrite`,
    );
  }
  const foreign = pathsOf('foreign');
  if (foreign.length > 0) {
    error(
      'generate/foreign',
      `not overwritten, not written by envgen: ${foreign.join(', ')}`,
      "`--force` replaces it with envgen's (keep a copy of your own), or remove it",
    );
  }
  const orphaned = pathsOf('orphaned');
  if (orphaned.length > 0) {
    advice.push({
      ruleId: 'generate/orphaned',
      // Kept files of a removed model fail --check; a plain generate only says so.
      severity: check ? 'error' : 'warning',
      message: `generated for models, bundles or observe: settings no longer in ${SPEC_FILE}: ${orphaned.join(', ')}`,
      fix: '`envgen generate --prune` deletes them',
    });
  }
  return advice;
}
