/**
 * Which models install from a lock: those whose lock for their own platform (and pip companion)
 * is current, judged as `lock --check` judges it. A stale or edited lock is not used: the
 * Dockerfile goes back to solving from environment.yml until `envgen lock` runs again, and the
 * caller says so.
 */
import { join } from 'node:path';
import type { Io } from '../io.js';
import { lockPath } from '../layout.js';
import { QUIET_PROGRESS } from '../progress.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import { lockTargets, type TargetInput } from './lock-targets.js';
import { type LockOutcome, runLock } from './run-lock.js';

export interface LockStates {
  /** Models with a current lock. */
  current: Set<string>;
  /** Lock files of the selected models that exist but are not current (stale, edited, ...). */
  outdated: LockOutcome[];
}

export async function lockStates(
  io: Io,
  root: string,
  input: TargetInput,
  version: string,
): Promise<LockStates> {
  const present = await Promise.all(
    input.models.map(async (m) =>
      (await io.exists(join(root, lockPath(m.name, m.platform)))) ? m.name : null,
    ),
  );
  const locked = present.filter((name): name is string => name !== null);
  if (locked.length === 0) return { current: new Set(), outdated: [] };
  const { targets } = lockTargets({ ...input, selected: locked }, [], true);
  const result = await runLock(io, targets, {
    root,
    specFile: SPEC_FILE,
    version,
    table: input.table,
    check: true,
    update: false,
    force: false,
    offline: true,
    cacheDir: '',
    mirrors: {},
    progress: QUIET_PROGRESS,
  });
  const behind = new Set(
    result.outcomes.filter((o) => o.status !== 'unchanged').map((o) => o.model),
  );
  return {
    current: new Set(locked.filter((name) => !behind.has(name))),
    outdated: result.outcomes.filter(
      (o) => o.status !== 'unchanged' && input.selected.includes(o.model),
    ),
  };
}
