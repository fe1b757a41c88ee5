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

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
