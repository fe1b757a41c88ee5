/**
 * The torch release choice: which releases a torch spec matches, in the order the resolver tries
 * them, and the newest matching patch the chosen build exists for.
 *
 * A release whose existence is not confirmed is tried only when nothing confirmed matches (a
 * spec that names it, like '2.14'), never as the newest of a range.
 */

import type { Build, Patch, Release } from '../rules-format.js';
import { parseVersionSpec, type VersionMatcher } from '../versions/conda-version.js';
import { byDottedDescending } from '../versions/dotted.js';
import type { Table } from './table.js';

/** Why this torch patch: the newest that fits, or the newest matching the spec asked for. */
export type TorchDecision =
  | {
      kind: 'torch-newest-fitting';
      release: Release;
      patch: Patch;
      /** The release came from the user's compat table. */
      fromOverlay: boolean;
    }
  | {
      kind: 'torch-newest-matching';
      release: Release;
      patch: Patch;
      fromOverlay: boolean;
      /** The spec as asked, and as the conda matcher reads it. */
      spec: string;
      normalized: string;
    };

export type ReleaseRefusal =
  | { kind: 'bad-torch-spec'; spec: string }
  /** `known`: every release of the table, oldest first. */
  | { kind: 'unknown-torch'; spec: string | undefined; known: string[] };

interface ReleaseCandidates {
  matcher: VersionMatcher | undefined;
  /** The releases to try, newest first. */
  matching: Release[];
  /** Newer unconfirmed releases the spec matches too, passed over for `matching`. */
  unconfirmed: Release[];
}

type CandidatesFound =
  | { ok: true; candidates: ReleaseCandidates }
  | { ok: false; refusal: ReleaseRefusal };

/**
 * What each table answered for each spec: a spec of hundreds of models asks about the same few
 * torch specs again and again (the releases sorted, every patch matched, each time).
 */
const found = new WeakMap<Table, Map<string | undefined, CandidatesFound>>();

export function releaseCandidates(table: Table, spec: string | undefined): CandidatesFound {
  let bySpec = found.get(table);
  if (!bySpec) {
    bySpec = new Map();
    found.set(table, bySpec);
  }
  let answer = bySpec.get(spec);
  if (!answer) {
    answer = findCandidates(table, spec);
    bySpec.set(spec, answer);
  }
  if (!answer.ok) return answer;
  // The caller's own lists.
  const { matcher, matching, unconfirmed } = answer.candidates;
  return {
    ok: true,
    candidates: { matcher, matching: [...matching], unconfirmed: [...unconfirmed] },
  };
}

function findCandidates(table: Table, spec: string | undefined): CandidatesFound {
  let matcher: VersionMatcher | undefined;
  if (spec !== undefined) {
    const parsed = parseVersionSpec(spec);
    if (!parsed.ok) return { ok: false, refusal: { kind: 'bad-torch-spec', spec } };
    matcher = parsed.matcher;
  }
  const releases = [...table.releases].sort((a, b) => byDottedDescending(a.torch, b.torch));
  const all = releases.filter((release) => patchesFor(release, matcher).length > 0);
  const confirmed = all.filter((r) => !r.unconfirmed?.patches);
  const matching = confirmed.length > 0 ? confirmed : all;
  if (matching.length === 0) {
    const known = releases.map((r) => r.torch).reverse();
    return { ok: false, refusal: { kind: 'unknown-torch', spec, known } };
  }
  const unconfirmed = all.filter((r) => !matching.includes(r));
  return { ok: true, candidates: { matcher, matching, unconfirmed } };
}

export function patchesFor(release: Release, matcher: VersionMatcher | undefined): Patch[] {
  return matcher ? release.patches.filter((p) => matcher.matches(p.version)) : release.patches;
}

/** The newest of the matching patches that the build exists for (the caller made sure one does). */
export function newestPatch(patches: Patch[], build: Build): Patch {
  const eligible = build.patches
    ? patches.filter((p) => build.patches?.includes(p.version))
    : patches;
  return [...eligible].sort((a, b) => byDottedDescending(a.version, b.version))[0] as Patch;
}

export function torchDecision(
  table: Table,
  release: Release,
  patch: Patch,
  spec: string | undefined,
  matcher: VersionMatcher | undefined,
): TorchDecision {
  const fromOverlay = table.overridden.has(release.torch);
  if (!spec || !matcher) return { kind: 'torch-newest-fitting', release, patch, fromOverlay };
  return {
    kind: 'torch-newest-matching',
    release,
    patch,
    fromOverlay,
    spec,
    normalized: matcher.normalized,
  };
}
