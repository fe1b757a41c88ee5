/**
 * The fleet-aware fix for a model's torch advisories: the smallest torch upgrade from the
 * compatibility table that is past each advisory's fixed version and still resolves for the
 * spec's fleet (driver floor, GPU architectures, Python). Where no release past a fix resolves,
 * what blocks it: the fleet's driver (and the oldest driver that would do), its GPUs, or both.
 * Decided here as data; src/report renders it.
 */
import { type ResolvedModel, resolveModel } from '../compat/resolve.js';
import type { ResolveRequest, Unsatisfiable } from '../compat/resolve-types.js';
import type { Table } from '../compat/table.js';
import { compareDotted } from '../versions/dotted.js';
import type { Advisory } from './advisories.js';

/** One step up: the torch patch that fixes these advisories, and the build it resolves to. */
interface TorchUpgrade {
  torch: string;
  source: string;
  cuda: string;
  python: string;
  /** The advisories it fixes (ids). */
  fixes: string[];
  /** The model pinned CUDA or a source that the upgrade leaves (`cuda`, `source`). */
  loosened: ('cuda' | 'source')[];
}

/** Why no release past an advisory's fix resolves for the fleet. */
export type FixBlocker =
  | { kind: 'driver'; oldestDriver: string | null }
  | { kind: 'gpus'; gpus: string[] }
  | { kind: 'driver-and-gpus'; gpus: string[] }
  /** The release does not support the model's Python. */
  | { kind: 'python'; python: string }
  | { kind: 'other'; ruleId: Unsatisfiable['ruleId'] };

interface BlockedAdvisory {
  id: string;
  /** The first torch release past the advisory's fix, which the fleet cannot run. */
  torch: string;
  blocker: FixBlocker;
  /** The resolver's own words for the refusal. */
  message: string;
}

export interface TorchFix {
  /** The torch version the environment has. */
  from: string;
  /** The upgrade past every fix the fleet allows; null when none is possible. */
  upgrade: TorchUpgrade | null;
  blocked: BlockedAdvisory[];
  /** Advisories that name no fixed version: no upgrade is known to fix them. */
  unfixed: string[];
}

/** The patches of every release in the table, lowest first. */
function torchPatches(table: Table): string[] {
  return table.releases
    .flatMap((release) => release.patches.map((patch) => patch.version))
    .sort(compareDotted);
}

/** The lowest fixed version past `current` (an advisory lists one per branch it fixes). */
function neededFix(advisory: Advisory, current: string): string | null {
  const past = advisory.fixed.filter((v) => compareDotted(v, current) > 0).sort(compareDotted);
  return past[0] ?? null;
}

type Attempt =
  | { ok: true; model: ResolvedModel; loosened: ('cuda' | 'source')[] }
  | { ok: false; error: Unsatisfiable };

/** The request at torch `patch`; where the model pins CUDA or a source, those loosened next. */
function attempt(table: Table, request: ResolveRequest, patch: string): Attempt {
  const exact = resolveModel(table, { ...request, torch: patch });
  if (exact.ok) return { ok: true, model: exact.model, loosened: [] };
  const loosened: ('cuda' | 'source')[] = [];
  if (request.cuda && request.cuda !== 'auto' && request.cuda !== 'cpu') loosened.push('cuda');
  if (request.source && request.source !== 'auto') loosened.push('source');
  if (loosened.length === 0) return { ok: false, error: exact.error };
  const loose = resolveModel(table, {
    ...request,
    torch: patch,
    ...(loosened.includes('cuda') ? { cuda: 'auto' } : {}),
    ...(loosened.includes('source') ? { source: 'auto' } : {}),
  });
  return loose.ok ? { ok: true, model: loose.model, loosened } : { ok: false, error: exact.error };
}

/** What in the fleet stops `patch`: decided again without the driver, then without the GPUs. */
function blockerFor(
  table: Table,
  request: ResolveRequest,
  patch: string,
  error: Unsatisfiable,
): FixBlocker {
  const fleet = request.fleet ?? {};
  const loose = { ...request, torch: patch, cuda: 'auto', source: 'auto' as const };
  const gpus = fleet.gpus ?? [];
  if (error.ruleId === 'resolve/python' && request.python) {
    return { kind: 'python', python: request.python };
  }
  if (error.field !== 'fleet') return { kind: 'other', ruleId: error.ruleId };
  if (fleet.driver !== undefined) {
    const withoutDriver = resolveModel(table, { ...loose, fleet: { gpus } });
    if (withoutDriver.ok) return { kind: 'driver', oldestDriver: oldestDriver(table, loose) };
  }
  if (gpus.length > 0) {
    const withoutGpus = resolveModel(table, {
      ...loose,
      fleet: fleet.driver ? { driver: fleet.driver } : {},
    });
    if (withoutGpus.ok) return { kind: 'gpus', gpus };
    if (fleet.driver !== undefined) return { kind: 'driver-and-gpus', gpus };
  }
  return { kind: 'other', ruleId: error.ruleId };
}

/** The oldest driver that runs some build of the release on the fleet's GPUs. */
function oldestDriver(table: Table, request: ResolveRequest): string | null {
  const release = table.releases.find((r) => r.patches.some((p) => p.version === request.torch));
  const cudas = new Set(
    (release?.builds ?? []).map((b) => b.cuda).filter((cuda) => cuda !== 'cpu'),
  );
  const floors: string[] = [];
  for (const cuda of cudas) {
    const outcome = resolveModel(table, {
      ...request,
      cuda,
      fleet: { gpus: request.fleet?.gpus ?? [] },
    });
    const floor = outcome.ok
      ? (outcome.model.minDriver?.compat ?? outcome.model.minDriver?.toolkit)
      : null;
    if (floor) floors.push(floor);
  }
  return floors.sort(compareDotted)[0] ?? null;
}

/**
 * The fix for a model whose torch `current` has `advisories`: the request is the model's own
 * (its Python, CUDA, source and the spec's fleet), asked again for each newer torch patch.
 */
export function torchFix(
  table: Table,
  request: ResolveRequest,
  current: string,
  advisories: readonly Advisory[],
): TorchFix {
  const patches = torchPatches(table).filter((p) => compareDotted(p, current) > 0);
  const unfixed: string[] = [];
  const needs: { id: string; fix: string }[] = [];
  for (const advisory of advisories) {
    const fix = neededFix(advisory, current);
    if (fix === null) unfixed.push(advisory.id);
    else needs.push({ id: advisory.id, fix });
  }
  const blocked: BlockedAdvisory[] = [];
  let upgrade: TorchUpgrade | null = null;
  // The smallest patch that resolves past each need; the upgrade is the one for the highest.
  const answers = new Map<string, { patch: string; attempt: Attempt } | null>();
  const firstResolving = (fix: string) => {
    const cached = answers.get(fix);
    if (cached !== undefined) return cached;
    let first: { patch: string; attempt: Attempt } | null = null;
    for (const patch of patches.filter((p) => compareDotted(p, fix) >= 0)) {
      const tried = attempt(table, request, patch);
      if (tried.ok) {
        first = { patch, attempt: tried };
        break;
      }
    }
    answers.set(fix, first);
    return first;
  };
  const fixable: { id: string; fix: string }[] = [];
  for (const need of needs) {
    const found = firstResolving(need.fix);
    if (found) {
      fixable.push(need);
      continue;
    }
    const target = patches.find((p) => compareDotted(p, need.fix) >= 0);
    if (!target) {
      blocked.push({
        id: need.id,
        torch: need.fix,
        blocker: { kind: 'other', ruleId: 'resolve/unknown-torch' },
        message: `torch ${need.fix} is not in the compatibility table`,
      });
      continue;
    }
    const tried = attempt(table, request, target);
    const error = tried.ok ? null : tried.error;
    blocked.push({
      id: need.id,
      torch: target,
      blocker: error
        ? blockerFor(table, request, target, error)
        : { kind: 'other', ruleId: 'resolve/fleet' },
      message: error ? error.message : '',
    });
  }
  const highest = fixable
    .map((n) => n.fix)
    .sort(compareDotted)
    .at(-1);
  if (highest !== undefined) {
    const found = firstResolving(highest);
    if (found?.attempt.ok) {
      const { model, loosened } = found.attempt;
      upgrade = {
        torch: found.patch,
        source: model.source,
        cuda: model.cuda,
        python: model.python,
        fixes: fixable.filter((n) => compareDotted(found.patch, n.fix) >= 0).map((n) => n.id),
        loosened,
      };
    }
  }
  return { from: current, upgrade, blocked, unfixed };
}
