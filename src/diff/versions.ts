/**
 * Ordering of the versions two inputs give for one package, conda's and PyPI's alike, enough to
 * say upgrade or downgrade and at which level: numbers compare as numbers, letters after numbers
 * (`1.0rc1` < `1.0`), a local part (`+cu121`) is left out of the order.
 */

export type VersionLevel = 'major' | 'minor' | 'patch';

function release(version: string): string {
  return version.split('+')[0] ?? version;
}

function parts(version: string): (number | string)[] {
  return release(version)
    .toLowerCase()
    .split(/[._-]/)
    .flatMap((part) => part.match(/\d+|[a-z]+/g) ?? [])
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A `post` release comes after its release; `rc`, `dev`, `a`, `b` come before it. */
function isPost(part: string): boolean {
  return part.startsWith('post');
}

/** Negative when `a` is older than `b`, positive when newer, 0 when the same release. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    // A missing part is 0 against a number; a pre-release tag (letters) sorts before it.
    if (x === undefined) {
      if (y === 0) continue;
      return typeof y === 'string' && !isPost(y) ? 1 : -1;
    }
    if (y === undefined) {
      if (x === 0) continue;
      return typeof x === 'string' && !isPost(x) ? -1 : 1;
    }
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The level at which two releases first differ: the first number, the second, or a later part. */
export function versionLevel(a: string, b: string): VersionLevel {
  const pa = parts(a);
  const pb = parts(b);
  const at = pa.findIndex((part, i) => part !== pb[i]);
  const index = at < 0 ? pa.length : at;
  return index === 0 ? 'major' : index === 1 ? 'minor' : 'patch';
}
