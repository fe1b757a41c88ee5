/**
 * A conda match spec as a package record: the name, the channel of `channel::name`, and the
 * version where the spec pins one (`numpy=1.26.4`, `numpy==1.26.4`, `numpy 1.26.4 py311_0`,
 * `python=3.11`, which is the 3.11 series); a range (`numpy>=1.24,<2`) pins none, so the
 * version is null. Used for environment.yml and for a model's resolved pins.
 */
import { parseCondaMatchSpec } from '../spec/package-entries.js';
import { type PackageRecord, packageRecord } from './package-set.js';

const PINNED = /^(?:==|=)?([0-9A-Za-z_.+!]+?)(?:\.\*|\*)?$/;

/** The record of a match spec, or the reason it is not one. */
export function matchSpecRecord(
  spec: string,
): { ok: true; record: PackageRecord } | { ok: false; error: string } {
  const parsed = parseCondaMatchSpec(spec);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const { name, channel, version, build } = parsed.value;
  const pinned = version ? PINNED.exec(version)?.[1] : undefined;
  const exactBuild = build && !/[*]/.test(build) ? build : null;
  return {
    ok: true,
    record: packageRecord({
      name,
      manager: 'conda',
      version: pinned ?? null,
      build: pinned ? exactBuild : null,
      channel: channel ? (channel.split('/')[0] ?? null) : null,
      subdir: channel?.includes('/') ? (channel.split('/')[1] ?? null) : null,
    }),
  };
}
