/**
 * Conda version specs (`2.1`, `2.1.*`, `>=2.1,<2.3`, `2.1|2.2`) with conda's own semantics,
 * through rattler (conda's version and match-spec logic compiled to WASM). Loaded on first
 * use, so commands that never match a version do not pay for the WASM start-up.
 */
import { loadRattler as load, type Rattler } from './rattler.js';

export interface VersionMatcher {
  /** The spec as the user wrote it. */
  text: string;
  /** The spec conda will apply, e.g. `2.1.*` for `2.1`. */
  normalized: string;
  matches(version: string): boolean;
}

export type ParsedVersionSpec =
  | { ok: true; matcher: VersionMatcher }
  | { ok: false; error: string };

const BARE_VERSION = /^[0-9]+(\.[0-9]+)*$/;

/**
 * Parses a conda version spec. A bare version means its release series, as `conda install
 * pytorch=2.1` does: `2.1` matches 2.1.0 and 2.1.2 but not 2.10.0 (in `2.0|1.13` too).
 */
export function parseVersionSpec(text: string): ParsedVersionSpec {
  const conda = text
    .replaceAll(/\s+/g, '')
    .split('|')
    .map((alternative) =>
      alternative
        .split(',')
        .map((part) => (BARE_VERSION.test(part) ? `${part}.*` : part))
        .join(','),
    )
    .join('|');
  return parseCondaVersionSpec(conda, text, 'strict');
}

/**
 * Parses a version spec exactly as conda reads the version part of a match spec (`1.2` is
 * `==1.2` there); lenient by default, as conda is with package entries.
 */
export function parseCondaVersionSpec(
  conda: string,
  text = conda,
  strictness: 'strict' | 'lenient' = 'lenient',
): ParsedVersionSpec {
  const fast = simpleVersionSpec(conda);
  if (fast) return { ok: true, matcher: { text, ...fast } };
  const { VersionSpec, Version } = load();
  let spec: InstanceType<Rattler['VersionSpec']>;
  try {
    spec = new VersionSpec(conda, strictness);
  } catch (error) {
    return { ok: false, error: firstLine(error) };
  }
  return {
    ok: true,
    matcher: {
      text,
      normalized: spec.toString(),
      matches: (version) => spec.matches(new Version(version)),
    },
  };
}

// A release number without leading zeros (which rattler might print differently), small enough
// to compare as a JavaScript number.
const NUMBER = '(?:0|[1-9][0-9]{0,8})';
const SIMPLE_SPEC = new RegExp(
  `^(?:(?<op>>=|<=|>|<|==|!=)(?<version>${NUMBER}(?:\\.${NUMBER})*)|(?<prefix>${NUMBER}(?:\\.${NUMBER})*)\\.\\*|=(?<fuzzy>${NUMBER}(?:\\.${NUMBER})*))$`,
);
const SIMPLE_VERSION = new RegExp(`^${NUMBER}(?:\\.${NUMBER})*$`);

/**
 * The common spec forms (`2.1.*`, `=3.11`, `>=4.35`, `<2`), answered without rattler's WASM for plain
 * numeric versions: rattler (like conda) orders such versions segment by segment as numbers,
 * and `X.Y.*` matches the versions whose leading segments are X.Y. Where the answer would turn
 * on how a shorter version is padded (`==2` against `2.0`), and for any other spec or version
 * (letters, local parts, epochs, `|` and `,`), rattler answers. The same text parses alike in
 * strict and lenient mode: an operator with a plain version, or a bare prefix with `.*`.
 * test/versions/conda-version-fast.test.ts compares these answers with rattler's.
 */
export function simpleVersionSpec(
  conda: string,
): Pick<VersionMatcher, 'normalized' | 'matches'> | undefined {
  const groups = SIMPLE_SPEC.exec(conda)?.groups;
  if (!groups) return undefined;
  const { op, version, fuzzy } = groups;
  // `=3.11` (conda's fuzzy match, as in `python=3.11`) is the prefix `3.11.*`.
  const prefix = groups.prefix ?? fuzzy;
  const target = (version ?? prefix ?? '').split('.').map(Number);
  let slow: VersionMatcher | undefined;
  const viaRattler = (candidate: string): boolean => {
    slow ??= rattlerMatcher(conda);
    return slow.matches(candidate);
  };
  return {
    normalized: fuzzy === undefined ? conda : `${fuzzy}.*`,
    matches(candidate) {
      if (!SIMPLE_VERSION.test(candidate)) return viaRattler(candidate);
      const segments = candidate.split('.').map(Number);
      if (prefix !== undefined) {
        if (segments.length < target.length) return viaRattler(candidate);
        return target.every((n, i) => segments[i] === n);
      }
      const order = compareCommon(segments, target);
      if (order === 0 && segments.length !== target.length) return viaRattler(candidate);
      switch (op) {
        case '>=':
          return order >= 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '<':
          return order < 0;
        case '==':
          return order === 0;
        default:
          return order !== 0;
      }
    },
  };
}

/** -1, 0 or 1 by the first differing segment of the two's common length. */
function compareCommon(a: number[], b: number[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** rattler's own matcher for a spec already known to parse. */
function rattlerMatcher(conda: string): VersionMatcher {
  const { VersionSpec, Version } = load();
  const spec = new VersionSpec(conda, 'lenient');
  return {
    text: conda,
    normalized: spec.toString(),
    matches: (version) => spec.matches(new Version(version)),
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
