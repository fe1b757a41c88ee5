/**
 * What a lock was made from, as one hash: envgen's version, the compatibility table (built-in
 * and overlays), and what the spec asks the solve for once resolved: the match specs, the
 * channels (by name), the platform and the virtual packages (for the pip companion: the pip
 * requirements). A change to any of them makes the lock stale, and `lock --check` and `build`
 * say so. What cannot change the solve (a server's port, the base image) is left out, and so
 * are mirrors: where packages are fetched from does not change which packages they are.
 */
import { createHash } from 'node:crypto';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { VirtualPackage } from './virtual-packages.js';

export interface LockInputs {
  version: string;
  table: Table;
  model: Pick<ResolvedModel, 'dependencies' | 'channels' | 'pip' | 'platform'>;
  virtual: readonly VirtualPackage[];
  /** What the file holds: `conda` (the explicit lock) or `pip` (the companion). */
  kind: 'conda' | 'pip';
}

export function inputHash(inputs: LockInputs): string {
  const { overridden: _marks, ...table } = inputs.table;
  const { model } = inputs;
  const solved =
    inputs.kind === 'conda'
      ? {
          dependencies: model.dependencies,
          channels: model.channels,
          platform: model.platform,
          virtual: inputs.virtual,
        }
      : { pip: model.pip };
  return createHash('sha256')
    .update(stableJson({ kind: inputs.kind, version: inputs.version, table, ...solved }))
    .digest('hex');
}

/** JSON with object keys sorted, so the hash does not depend on the order keys were written. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
