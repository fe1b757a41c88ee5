/**
 * What generate, lock and build render: the spec's files, with current locks in place. Apart
 * from spec-models.ts so that `resolve` does not load the templates.
 */
import { join } from 'node:path';
import { type LockStates, lockStates } from '../lock/find-locks.js';
import { type PlannedFile, renderPlan } from '../render/plan.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import type { CommandContext } from './context.js';
import type { ResolvedSpec } from './spec-models.js';
import { VERSION } from './version.js';

/**
 * The files the whole spec renders to, the part of them that belongs to the models asked for
 * (plus the shared files and bundles), and the state of the locks they were rendered with.
 */
export async function planSpec(
  ctx: CommandContext,
  resolved: Pick<ResolvedSpec, 'loaded' | 'models' | 'selected' | 'table'>,
): Promise<{ whole: PlannedFile[]; plan: PlannedFile[]; locks: LockStates }> {
  const { loaded, models, selected } = resolved;
  const locks = await lockStates(ctx.io, ctx.root, resolved, VERSION);
  const whole = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models,
    version: VERSION,
    locked: locks.current,
    rootGunicornConfig: await ctx.io.exists(join(ctx.root, 'gunicorn.conf.py')),
  });
  const plan = whole.filter(
    (file) => !file.owner || selected.includes(file.owner) || !(file.owner in loaded.spec.models),
  );
  return { whole, plan, locks };
}
