/**
 * The table the resolver works from: the built-in `rules.json`, with user overlays
 * (`compat:` in envgen.yaml, `--rules FILE`) laid over it. An overlay entry replaces the
 * built-in entry with the same key and adds the others, so a new PyTorch release needs no
 * envgen release.
 */

import type { RulesOverlay, RulesTable } from '../rules-format.js';
import builtin from './rules.json';

export const BUILTIN_TABLE = builtin as unknown as RulesTable;

export interface Table extends RulesTable {
  /** Release keys (`2.15`) and driver labels that came from an overlay, for the reasons. */
  overridden: Set<string>;
}

/** The compatibility table: the built-in rules with each overlay (envgen.yaml `compat`, `--rules`) merged over it. */
export function compatTable(overlays: readonly RulesOverlay[] = []): Table {
  const table: Table = { ...BUILTIN_TABLE, overridden: new Set() };
  for (const overlay of overlays) {
    table.sources = { ...table.sources, ...overlay.sources };
    table.architectures = { ...table.architectures, ...overlay.architectures };
    table.releases = mergeBy(table.releases, overlay.releases, (r) => r.torch, table.overridden);
    table.drivers = mergeBy(table.drivers, overlay.drivers, (d) => d.label, table.overridden);
    table.compatFloors = mergeBy(table.compatFloors, overlay.compatFloors, (f) => f.cudaMajor);
    table.archFloors = mergeBy(table.archFloors, overlay.archFloors, (f) => f.computeCapability);
    table.notes = [...table.notes, ...(overlay.notes ?? [])];
  }
  return table;
}

function mergeBy<T>(
  base: T[],
  extra: T[] | undefined,
  key: (item: T) => string,
  marks?: Set<string>,
): T[] {
  if (!extra || extra.length === 0) return base;
  const byKey = new Map(base.map((item) => [key(item), item]));
  for (const item of extra) {
    byKey.set(key(item), item);
    marks?.add(key(item));
  }
  return [...byKey.values()];
}
