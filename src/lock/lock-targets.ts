/** What `lock` solves and `lock --check` / `build` compare: each model on each of its platforms. */
import type { ResolvedModel } from '../compat/resolve.js';
import { resolveSpec } from '../compat/resolve-spec.js';
import type { Table } from '../compat/table.js';
import type { Problem } from '../problem.js';
import type { Platform } from '../rules-format.js';
import type { LoadedSpec } from '../spec/types.js';
import type { LockTarget } from './run-lock.js';

export interface TargetInput {
  loaded: LoadedSpec;
  table: Table;
  models: readonly ResolvedModel[];
  selected: readonly string[];
}

/**
 * Each selected model for its own platform and the others asked for (`platforms`, else
 * envgen.yaml `lock.platforms`), resolved again per platform: a build that does not exist for
 * linux-aarch64 is explained by the table, before any solve. With `primaryOnly`, only each
 * model's own platform (what its image installs).
 */
export function lockTargets(
  input: TargetInput,
  platforms: readonly Platform[],
  primaryOnly = false,
): { targets: LockTarget[]; problems: Problem[] } {
  const { loaded, table } = input;
  const { spec } = loaded;
  const extra = primaryOnly ? [] : platforms.length > 0 ? platforms : (spec.lock?.platforms ?? []);
  const targets: LockTarget[] = [];
  const problems: Problem[] = [];
  for (const model of input.models.filter((m) => input.selected.includes(m.name))) {
    const entry = spec.models[model.name];
    const wanted = platforms.length > 0 && !primaryOnly ? extra : [model.platform, ...extra];
    for (const platform of [...new Set(wanted)]) {
      if (platform === model.platform) {
        targets.push({ model, primary: true });
        continue;
      }
      const models = { ...spec.models, [model.name]: { ...entry, platform } };
      const other = resolveSpec(table, { ...loaded, spec: { ...spec, models } }, [model.name]);
      // A platform asked for on the command line must lock; one from `lock.platforms` (for
      // every model) is skipped, with a warning, for a model that has no build there.
      const asked = platforms.length > 0 && !primaryOnly;
      problems.push(
        ...other.problems.map((p) =>
          asked
            ? p
            : {
                ...p,
                ruleId: 'lock/platform-skipped' as const,
                severity: 'warning' as const,
                message: `${p.message}; not locked for ${platform}`,
              },
        ),
      );
      for (const m of other.models) targets.push({ model: m, primary: false });
    }
  }
  return { targets, problems };
}
