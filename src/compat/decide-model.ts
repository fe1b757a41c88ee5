/**
 * Every decision the resolver makes for one model, as data: the torch release and patch, the
 * Python, the source and CUDA build with how the fleet is served, and the domain libraries; or
 * the refusal that stopped it. Nothing here writes prose: `explain.ts` and `explain-refusal.ts`
 * render these.
 *
 * Releases are tried newest first; a release that cannot serve the request is skipped (and the
 * skip recorded) for the next. When none can, the newest one's refusal is the answer.
 */

import type { Patch, Platform, Release } from '../rules-format.js';
import { type BuildDecision, type BuildRefusal, chooseBuild } from './build-choice.js';
import { chooseDomainLibrary, type DomainDecision, type DomainRefusal } from './domain-choice.js';
import { choosePython, type PythonDecision, type PythonRefusal } from './python-choice.js';
import {
  newestPatch,
  patchesFor,
  type ReleaseRefusal,
  releaseCandidates,
  type TorchDecision,
  torchDecision,
} from './release-choice.js';
import type { ResolveRequest } from './resolve-types.js';
import type { Table } from './table.js';

/** A refusal of one release; the whole answer where no other release was tried. */
type ReleaseAttemptRefusal = PythonRefusal | BuildRefusal | DomainRefusal;

export type Refusal =
  | ReleaseRefusal
  | ReleaseAttemptRefusal
  /** Without a torch spec, several releases were tried and none fits: the newest's refusal. */
  | { kind: 'no-release-fits'; newest: ReleaseAttemptRefusal };

/** A newer release passed over, and why. */
export type SkippedRelease =
  | { kind: 'release-unconfirmed'; torch: string }
  | { kind: 'release-refused'; torch: string; refusal: ReleaseAttemptRefusal };

export interface ModelDecision {
  platform: Platform;
  release: Release;
  torch: TorchDecision;
  skipped: SkippedRelease[];
  python: PythonDecision;
  build: BuildDecision;
  torchvision: DomainDecision | null;
  torchaudio: DomainDecision | null;
}

export type ModelOutcome = { ok: true; decision: ModelDecision } | { ok: false; refusal: Refusal };

export function decideModel(table: Table, request: ResolveRequest): ModelOutcome {
  const platform = request.platform ?? 'linux-64';
  const found = releaseCandidates(table, request.torch);
  if (!found.ok) return { ok: false, refusal: found.refusal };
  const { matcher, matching, unconfirmed } = found.candidates;

  const skipped: SkippedRelease[] = unconfirmed.map((r) => ({
    kind: 'release-unconfirmed',
    torch: r.torch,
  }));
  let newest: ReleaseAttemptRefusal | undefined;
  for (const release of matching) {
    const patches = patchesFor(release, matcher);
    const attempt = decideRelease(table, request, release, patches, platform);
    if (attempt.ok) {
      const { patch, build, python, torchvision, torchaudio } = attempt;
      return {
        ok: true,
        decision: {
          platform,
          release,
          torch: torchDecision(table, release, patch, request.torch, matcher),
          skipped,
          python,
          build,
          torchvision,
          torchaudio,
        },
      };
    }
    newest ??= attempt.refusal;
    skipped.push({ kind: 'release-refused', torch: release.torch, refusal: attempt.refusal });
  }
  const refusal = newest as ReleaseAttemptRefusal;
  if (matching.length > 1 && !request.torch) {
    return { ok: false, refusal: { kind: 'no-release-fits', newest: refusal } };
  }
  return { ok: false, refusal };
}

type ReleaseAttempt =
  | {
      ok: true;
      patch: Patch;
      python: PythonDecision;
      build: BuildDecision;
      torchvision: DomainDecision | null;
      torchaudio: DomainDecision | null;
    }
  | { ok: false; refusal: ReleaseAttemptRefusal };

function decideRelease(
  table: Table,
  request: ResolveRequest,
  release: Release,
  patches: Patch[],
  platform: Platform,
): ReleaseAttempt {
  const python = choosePython(release, request.python, table.releases);
  if (python.kind === 'python-unsupported') return { ok: false, refusal: python };
  const build = chooseBuild(table, release, patches, python.version, request, platform);
  if (!build.ok) return { ok: false, refusal: build.refusal };
  const patch = newestPatch(patches, build.decision.build);
  const source = build.decision.build.source;
  const torchvision = chooseDomainLibrary(patch, source, 'torchvision', request.vision);
  if (torchvision?.kind === 'no-domain-pairing') return { ok: false, refusal: torchvision };
  const torchaudio = chooseDomainLibrary(patch, source, 'torchaudio', request.audio);
  if (torchaudio?.kind === 'no-domain-pairing') return { ok: false, refusal: torchaudio };
  return { ok: true, patch, python, build: build.decision, torchvision, torchaudio };
}
