/**
 * Compares two package sets and decides what each difference is, before anything is printed:
 * a typed change per package, with every class that applies and the one it is shown under.
 * CUDA variant changes come first (a CUDA build replaced by a CPU one breaks a GPU image
 * silently), then Python ABI changes, downgrades, removals, upgrades, additions, channel
 * switches and rebuilds.
 */
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
import { channelName, identityKey } from './identity.js';
import { cudaTag, pinsCuda, pythonTag, setCuda, setPython } from './variants.js';
import { compareVersions, type VersionLevel, versionLevel } from './versions.js';

export const CHANGE_CLASSES = [
  'variant',
  'abi',
  'downgrade',
  'removed',
  'upgrade',
  'added',
  'channel',
  'rebuilt',
] as const;
export type ChangeClass = (typeof CHANGE_CLASSES)[number];

/** One side of a change: the package as that input has it. */
export interface PackageSide {
  name: string;
  manager: PackageRecord['manager'];
  version: string | null;
  build: string | null;
  channel: string | null;
}

export interface PackageChange {
  /** The package's name as the newer side (else the older) writes it. */
  package: string;
  /** The class it is shown under: the first of `classes` in {@link CHANGE_CLASSES} order. */
  class: ChangeClass;
  classes: ChangeClass[];
  /** For upgrades and downgrades: where the versions first differ. */
  level: VersionLevel | null;
  from: PackageSide | null;
  to: PackageSide | null;
  /** The CUDA variant on each side, when it changed. */
  cuda: { from: string | null; to: string | null } | null;
  /** The Python ABI on each side, when it changed. */
  python: { from: string | null; to: string | null } | null;
  /** Same name, version and build, other file: the hashes differ. */
  hashChanged: boolean;
}

export interface SideSummary {
  label: string;
  kind: PackageSet['kind'];
  platform: string | null;
  packages: number;
  cuda: string | null;
  python: string | null;
}

export interface PackageDiff {
  from: SideSummary;
  to: SideSummary;
  changes: PackageChange[];
  counts: Record<ChangeClass, number>;
}

export function diffPackageSets(a: PackageSet, b: PackageSet): PackageDiff {
  const changes: PackageChange[] = [];
  const before = byKey(a.packages);
  const after = byKey(b.packages);
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    for (const [x, y] of pairUp(before.get(key) ?? [], after.get(key) ?? [])) {
      const change = classify(x, y);
      if (change) changes.push(change);
    }
  }
  const rank = (c: PackageChange) => CHANGE_CLASSES.indexOf(c.class);
  changes.sort((x, y) => rank(x) - rank(y) || x.package.localeCompare(y.package, 'en'));
  const counts = Object.fromEntries(CHANGE_CLASSES.map((c) => [c, 0])) as Record<
    ChangeClass,
    number
  >;
  for (const change of changes) counts[change.class]++;
  return { from: summary(a), to: summary(b), changes, counts };
}

function summary(set: PackageSet): SideSummary {
  return {
    label: set.label,
    kind: set.kind,
    platform: set.platform,
    packages: set.packages.length,
    cuda: setCuda(set.packages),
    python: setPython(set.packages),
  };
}

function byKey(records: readonly PackageRecord[]): Map<string, PackageRecord[]> {
  const map = new Map<string, PackageRecord[]>();
  for (const record of records) {
    const key = identityKey(record);
    map.set(key, [...(map.get(key) ?? []), record]);
  }
  return map;
}

/**
 * Pairs the records of one key: the same installer first, then across installers (conda's
 * pytorch against pip's torch); what is left is added or removed.
 */
function pairUp(
  xs: PackageRecord[],
  ys: PackageRecord[],
): [PackageRecord | null, PackageRecord | null][] {
  const left = [...xs];
  const right = [...ys];
  const pairs: [PackageRecord | null, PackageRecord | null][] = [];
  for (const x of [...left]) {
    const at = right.findIndex((y) => y.manager === x.manager);
    if (at < 0) continue;
    pairs.push([x, right.splice(at, 1)[0] ?? null]);
    left.splice(left.indexOf(x), 1);
  }
  while (left.length > 0 && right.length > 0)
    pairs.push([left.shift() ?? null, right.shift() ?? null]);
  for (const x of left) pairs.push([x, null]);
  for (const y of right) pairs.push([null, y]);
  return pairs;
}

function side(record: PackageRecord): PackageSide {
  return {
    name: record.name,
    manager: record.manager,
    version: record.version,
    build: record.build,
    channel: channelName(record),
  };
}

function differs(x: string | null, y: string | null): boolean {
  return x !== null && y !== null && x !== y;
}

/** The change between two records of one package (either may be missing), or null when none. */
export function classify(x: PackageRecord | null, y: PackageRecord | null): PackageChange | null {
  const classes: ChangeClass[] = [];
  let level: VersionLevel | null = null;
  let cuda: PackageChange['cuda'] = null;
  let python: PackageChange['python'] = null;
  let hashChanged = false;
  if (!x || !y) {
    const only = (x ?? y) as PackageRecord;
    classes.push(x ? 'removed' : 'added');
    // Adding or removing what pins CUDA (pytorch-cuda, cpuonly) changes the variant.
    if (pinsCuda(only)) {
      classes.push('variant');
      cuda = x ? { from: cudaTag(only), to: null } : { from: null, to: cudaTag(only) };
    }
  } else {
    if (x.version !== null && y.version !== null && !sameVersion(x, y)) {
      const order = compareVersions(x.version, y.version);
      if (order !== 0) {
        classes.push(order < 0 ? 'upgrade' : 'downgrade');
        level = versionLevel(x.version, y.version);
      } else {
        classes.push('rebuilt');
      }
    } else if (differs(x.build, y.build)) {
      classes.push('rebuilt');
    } else if (x.version === y.version && x.build === y.build && hashesDiffer(x, y)) {
      classes.push('rebuilt');
      hashChanged = true;
    }
    const channelFrom = channelName(x);
    const channelTo = channelName(y);
    if (x.manager !== y.manager || differs(channelFrom, channelTo)) classes.push('channel');
    const cudaFrom = cudaTag(x);
    const cudaTo = cudaTag(y);
    if (differs(cudaFrom, cudaTo)) {
      classes.push('variant');
      cuda = { from: cudaFrom, to: cudaTo };
    }
    const pyFrom = pythonTag(x);
    const pyTo = pythonTag(y);
    if (differs(pyFrom, pyTo)) {
      classes.push('abi');
      python = { from: pyFrom, to: pyTo };
    }
  }
  if (classes.length === 0) return null;
  const ordered = CHANGE_CLASSES.filter((c) => classes.includes(c));
  const primary = ordered[0] as ChangeClass;
  return {
    package: (y ?? x)?.name ?? '',
    class: primary,
    classes: ordered,
    level,
    from: x ? side(x) : null,
    to: y ? side(y) : null,
    cuda,
    python,
    hashChanged,
  };
}

/**
 * Whether two records have the same version. A pin read from a spec (no build, no file) names a
 * series: `python=3.11` is 3.11.*, so a lock's 3.11.7 is the same.
 */
function sameVersion(x: PackageRecord, y: PackageRecord): boolean {
  if (x.version === y.version) return true;
  const fromSpec = (r: PackageRecord) =>
    r.build === null && r.url === null && r.md5 === null && r.sha256 === null;
  const inSeries = (series: PackageRecord, full: PackageRecord) =>
    fromSpec(series) && Boolean(full.version?.startsWith(`${series.version}.`));
  return inSeries(x, y) || inSeries(y, x);
}

function hashesDiffer(x: PackageRecord, y: PackageRecord): boolean {
  return (
    differs(x.sha256, y.sha256) ||
    (x.sha256 === null || y.sha256 === null ? differs(x.md5, y.md5) : false)
  );
}
