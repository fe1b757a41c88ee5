/** `envgen generate`: render each model's files, write what changed, or (`--check`) only compare. */
import { applyPlan, type FileOutcome } from '../../generate/apply-plan.js';
import { UserError } from '../../problem.js';
import { renderPlan } from '../../render/plan.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { resolveSpecModels } from '../spec-models.js';
import { VERSION } from '../version.js';

export interface GenerateFlags {
  check?: boolean;
  force?: boolean;
  rules?: string;
}

export async function runGenerate(
  ctx: CommandContext,
  names: string[],
  flags: GenerateFlags,
): Promise<number> {
  // Shared files (bake file, bundles) list every model, so every model is resolved.
  const { loaded, models, problems, selected } = await resolveSpecModels(ctx, names, {
    ...(flags.rules ? { rules: flags.rules } : {}),
    all: true,
  });
  if (problems.length > 0) throw new UserError(problems);
  const plan = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models,
    version: VERSION,
  }).filter(
    (file) => !file.owner || selected.includes(file.owner) || !(file.owner in loaded.spec.models),
  );
  const outcomes = await applyPlan(ctx.io, ctx.root, plan, {
    check: Boolean(flags.check),
    force: Boolean(flags.force),
  });
  const failed = outcomes.filter((o) =>
    flags.check ? o.status !== 'unchanged' : o.status === 'edited',
  );

  if (ctx.json) {
    ctx.io.stdout.write(
      `${JSON.stringify({ files: outcomes.map(({ path, status }) => ({ path, status })) }, null, 2)}\n`,
    );
  } else {
    ctx.io.stdout.write(formatOutcomes(ctx, outcomes, Boolean(flags.check)));
  }
  if (failed.length > 0) {
    ctx.io.stderr.write(failureAdvice(failed, Boolean(flags.check)));
    return 1;
  }
  return 0;
}

function formatOutcomes(ctx: CommandContext, outcomes: FileOutcome[], check: boolean): string {
  const c = ctx.color;
  const paint: Record<string, (text: string) => string> = {
    created: c.green,
    updated: c.green,
    unchanged: c.dim,
    missing: c.red,
    stale: c.yellow,
    edited: c.red,
  };
  const lines = outcomes.map((o) => `${(paint[o.status] ?? String)(o.status.padEnd(9))} ${o.path}`);
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const next = check
    ? ''
    : '\nNext: `docker buildx bake` builds the images; `envgen generate --check` in CI keeps them current.';
  return `${lines.join('\n')}\n${summary}.${next}\n`;
}

function failureAdvice(failed: FileOutcome[], check: boolean): string {
  const edited = failed.filter((o) => o.status === 'edited').map((o) => o.path);
  const lines: string[] = [];
  if (check) {
    lines.push(
      `error: ${failed.length} generated file(s) are not what envgen.yaml renders to [generate/out-of-date]`,
    );
    lines.push(
      '  fix: run `envgen generate` (files edited by hand need `--force`, which overwrites the edits)',
    );
  } else {
    lines.push(`error: not overwritten, edited by hand: ${edited.join(', ')} [generate/edited]`);
    lines.push(
      '  fix: move the change into envgen.yaml, then run `envgen generate --force` to overwrite',
    );
  }
  return `${lines.join('\n')}\n`;
}
