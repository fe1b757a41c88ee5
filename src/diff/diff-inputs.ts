/** `envgen diff A B`: read both sides, pick one platform of each, compare. */
import type { Io } from '../io.js';
import { diffPackageSets, type PackageDiff } from './compare.js';
import { choosePlatform, readSide } from './read-side.js';

export async function diffInputs(
  io: Io,
  root: string,
  from: string,
  to: string,
  options: { platform?: string } = {},
): Promise<PackageDiff> {
  const [a, b] = await Promise.all([
    readSide(io, root, from, options.platform),
    readSide(io, root, to, options.platform),
  ]);
  const single = (sets: typeof a) => (sets.length === 1 ? (sets[0]?.platform ?? null) : null);
  const left = choosePlatform(a, from, options.platform, single(b));
  const right = choosePlatform(b, to, options.platform, left.platform);
  return diffPackageSets(left, right);
}
