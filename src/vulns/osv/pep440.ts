/**
 * PEP 440 versions for OSV's PyPI ranges: parsing, normalising and ordering, through
 * `@renovatebot/pep440` (a port of `packaging.version`, the reference implementation; see
 * docs/dependencies.md). The one envgen-specific rule lives here: a local version label
 * (`2.5.1+cu124`, the CUDA builds of torch's wheel index) is matched as its public version,
 * because advisories name public releases and a local build of 2.5.1 carries 2.5.1's code.
 */
import { compare, explain } from '@renovatebot/pep440';

/** A version PEP 440 accepts, in its normal form, with the public part (no `+local`) apart. */
export interface Pep440Version {
  /** The normal form, local label included: `1!2.0.post1.dev3+abc.5`. */
  normal: string;
  /** The normal form without the local label: `1!2.0.post1.dev3`. */
  public: string;
  /** A pre-release or a development release (`2.6.0rc1`, `2.6.0.dev20241112`). */
  prerelease: boolean;
}

/** The version as PEP 440 reads it, or null when PEP 440 does not accept it. */
export function parsePep440(text: string): Pep440Version | null {
  const parsed = explain(text.trim());
  if (!parsed) return null;
  const normal = parsed.local ? `${parsed.public}+${parsed.local}` : parsed.public;
  return { normal, public: parsed.public, prerelease: parsed.is_prerelease };
}

/**
 * PEP 440's order of two versions (negative, zero, positive), local labels included as PEP 440
 * orders them (`1.0 < 1.0+cu124`). Both must be valid: check with {@link parsePep440} first.
 */
export function comparePep440(a: string, b: string): number {
  return Math.sign(compare(a, b));
}
