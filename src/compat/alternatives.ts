/**
 * What would work where no build of a release fits: the same request with one constraint
 * loosened (the source, the CUDA version, the Python pin, then the torch spec), each decided
 * with the same fleet. At most three.
 */

import type { Source } from '../rules-format.js';
import { decideModel, type Refusal } from './decide-model.js';
import type { ResolveRequest } from './resolve-types.js';
import type { Table } from './table.js';

type LoosenedConstraint =
  | { kind: 'source-auto' }
  | { kind: 'cuda-auto' }
  | { kind: 'release-without-python-pin'; torch: string }
  | { kind: 'any-torch' };

export interface Alternative {
  loosened: LoosenedConstraint;
  torch: string;
  source: Source;
  cuda: string;
  python: string;
}

const MAX_ALTERNATIVES = 3;

/** Alternatives are offered for the refusals about builds, not for a bad spec or Python. */
export function alternativesFor(
  table: Table,
  request: ResolveRequest,
  refusal: Refusal,
): Alternative[] {
  const inner = refusal.kind === 'no-release-fits' ? refusal.newest : refusal;
  if (inner.kind !== 'no-build' && inner.kind !== 'fleet-runs-none') return [];
  return findAlternatives(table, request, inner.torch);
}

function findAlternatives(table: Table, request: ResolveRequest, torch: string): Alternative[] {
  const tries: [LoosenedConstraint, Partial<ResolveRequest>][] = [];
  if (request.source && request.source !== 'auto')
    tries.push([{ kind: 'source-auto' }, { source: 'auto' }]);
  if (request.cuda && request.cuda !== 'auto' && request.cuda !== 'cpu')
    tries.push([{ kind: 'cuda-auto' }, { cuda: 'auto' }]);
  if (request.python)
    tries.push([
      { kind: 'release-without-python-pin', torch },
      { python: undefined, torch },
    ]);
  tries.push([{ kind: 'any-torch' }, { torch: undefined }]);

  const found: Alternative[] = [];
  for (const [loosened, changed] of tries) {
    if (found.length >= MAX_ALTERNATIVES) break;
    const outcome = decideModel(table, { ...request, ...changed });
    if (!outcome.ok) continue;
    const { torch: chosen, build, python } = outcome.decision;
    found.push({
      loosened,
      torch: chosen.patch.version,
      source: build.build.source,
      cuda: build.build.cuda,
      python: python.version,
    });
  }
  return found;
}
