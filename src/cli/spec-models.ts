/**
 * What `resolve`, `generate` (and later `build` and `doctor`) share: load envgen.yaml, lay its
 * `compat:` and `--rules FILE` over the table, check the model names asked for, and resolve.
 */
import { join, resolve as resolvePath } from 'node:path';
import { loadOverlayFile } from '../compat/load-overlay.js';
import type { FleetInput } from '../compat/resolve.js';
import { resolveSpec, type SpecResolution } from '../compat/resolve-spec.js';
import { compatTable, type Table } from '../compat/table.js';
import { usageError } from '../problem.js';
import type { RulesOverlay } from '../rules-format.js';
import { didYouMean } from '../spec/did-you-mean.js';
import { loadSpec, SPEC_FILE } from '../spec/load-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import type { CommandContext } from './context.js';

export interface ResolvedSpec extends SpecResolution {
  loaded: LoadedSpec;
  /** The table the models were resolved with (built-in, the spec's compat:, --rules). */
  table: Table;
  /** The models asked for (all when none were named), in spec order. */
  selected: string[];
}

export async function loadRulesOverlay(
  ctx: CommandContext,
  rules: string | undefined,
): Promise<RulesOverlay[]> {
  return rules ? [await loadOverlayFile(ctx.io, resolvePath(ctx.io.cwd, rules))] : [];
}

/** The spec's model names; a name asked for that is not one of them is a usage error. */
export function checkModelNames(loaded: LoadedSpec, names: readonly string[]): string[] {
  const all = Object.keys(loaded.spec.models);
  for (const name of names) {
    if (!all.includes(name)) {
      const guess = didYouMean(name, all);
      throw usageError(
        'usage/unknown-model',
        `${loaded.file} has no model '${name}'`,
        `${guess ? `did you mean '${guess}'? ` : ''}models: ${all.join(', ')}`,
      );
    }
  }
  return all;
}

export async function resolveSpecModels(
  ctx: CommandContext,
  names: readonly string[],
  options: { rules?: string; fleet?: FleetInput; all?: boolean },
): Promise<ResolvedSpec> {
  const loaded = await loadSpec(ctx.io, join(ctx.root, SPEC_FILE));
  const overlays = [
    ...(loaded.spec.compat ? [loaded.spec.compat] : []),
    ...(await loadRulesOverlay(ctx, options.rules)),
  ];
  const all = checkModelNames(loaded, names);
  const selected = names.length > 0 ? all.filter((name) => names.includes(name)) : all;
  const table = compatTable(overlays);
  const resolution = resolveSpec(table, loaded, options.all ? all : selected, options.fleet ?? {});
  return { loaded, selected, table, ...resolution };
}
