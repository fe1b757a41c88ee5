/**
 * The resolver: from a model's intent (torch spec, Python, CUDA, source, fleet) to full pins,
 * channels, dependencies, driver floors and architectures, with one reason per decision.
 *
 * Decide first, explain afterwards: `decide-model.ts` makes every choice as typed data (the torch
 * release, Python, source and CUDA build, the fleet), `explain.ts` writes the reasons from
 * those, and `explain-refusal.ts` the refusal with what would work instead. No build satisfying
 * the constraints is not an exception: the outcome says what failed and what would work.
 */
import { alternativesFor } from './alternatives.js';
import { decideModel } from './decide-model.js';
import { explainDecision } from './explain.js';
import { explainRefusal } from './explain-refusal.js';
import { installPlan } from './install-plan.js';
import type { ResolveOutcome, ResolveRequest } from './resolve-types.js';
import type { Table } from './table.js';

export type {
  FleetInput,
  ResolvedModel,
  ResolveOutcome,
  ResolveRequest,
  Unsatisfiable,
} from './resolve-types.js';

export function resolveModel(table: Table, request: ResolveRequest): ResolveOutcome {
  const outcome = decideModel(table, request);
  if (!outcome.ok) {
    const alternatives = alternativesFor(table, request, outcome.refusal);
    return { ok: false, error: explainRefusal(table, outcome.refusal, alternatives) };
  }
  const { decision } = outcome;
  const { build, driverFloors: floors, archs } = decision.build;
  const torchvision = decision.torchvision?.version ?? null;
  const torchaudio = decision.torchaudio?.version ?? null;
  const plan = installPlan({
    release: decision.release,
    build,
    torch: decision.torch.patch.version,
    python: decision.python.version,
    torchvision,
    torchaudio,
  });
  const { reasons, warnings } = explainDecision(table, decision, plan.reason);
  return {
    ok: true,
    model: {
      name: request.name,
      torch: decision.torch.patch.version,
      python: decision.python.version,
      cuda: build.cuda,
      source: build.source,
      platform: decision.platform,
      torchvision,
      torchaudio,
      channels: plan.channels,
      dependencies: plan.dependencies,
      pip: plan.pip,
      minDriver: floors
        ? { toolkit: floors.toolkit?.linux ?? null, compat: floors.compat?.linux ?? null }
        : null,
      archs: archs ? [...archs.sass] : null,
      ptx: archs?.ptx ?? null,
      archSources: archs ? [...archs.sources] : null,
      reasons,
      warnings,
    },
  };
}
