/**
 * What a lock was made from, as one hash: envgen's version, the compatibility table (built-in
 * and overlays), the model as the spec gives it (with defaults), the pins it resolved to, the
 * platform, the virtual packages and the channel addresses. Any change to one of them makes
 * the lock stale, and `lock --check` (and `build`) say so.
 */
import { createHash } from 'node:crypto';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { VirtualPackage } from './virtual-packages.js';

export interface LockInputs {
  version: string;
  table: Table;
  /** The model's entry in the spec, and the spec's defaults. */
  spec: unknown;
  model: ResolvedModel;
  platform: string;
  virtual: readonly VirtualPackage[];
  channelUrls: readonly string[];
  /** What the file holds: `conda` (the explicit lock) or `pip` (the companion). */
  kind: 'conda' | 'pip';
}

export function inputHash(inputs: LockInputs): string {
  const { overridden: _marks, ...table } = inputs.table;
  const { reasons: _reasons, warnings: _warnings, ...pins } = inputs.model;
  return createHash('sha256')
    .update(
      stableJson({
        kind: inputs.kind,
        version: inputs.version,
        table,
        spec: inputs.spec,
        pins,
        platform: inputs.kind === 'conda' ? inputs.platform : null,
        virtual: inputs.kind === 'conda' ? inputs.virtual : null,
        channels: inputs.kind === 'conda' ? inputs.channelUrls : null,
      }),
    )
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
