/**
 * Resolves the models of a loaded spec: applies `defaults`, the fleet and the spec's own
 * `compat:` overlay, and turns each unsatisfiable model into a problem that points at the
 * model's line in envgen.yaml.
 */

import type { Problem } from '../problem.js';
import { observeSettings } from '../spec/observe.js';
import { entryName, isVcsRequirement } from '../spec/package-entries.js';
import type { LoadedSpec, ModelSpec } from '../spec/types.js';
import { type ObserveOutcome, planObserve } from './observe-plan.js';
import {
  type FleetInput,
  type ResolvedModel,
  type ResolveRequest,
  resolveModel,
} from './resolve.js';
import type { Table } from './table.js';

export interface SpecResolution {
  models: ResolvedModel[];
  problems: Problem[];
}

export function resolveSpec(
  table: Table,
  loaded: LoadedSpec,
  names: readonly string[],
  fleetOverride: FleetInput = {},
): SpecResolution {
  const { spec } = loaded;
  const fleet: FleetInput = { ...spec.fleet, ...fleetOverride };
  const models: ResolvedModel[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const model = spec.models[name] as ModelSpec;
    const request = requestFor(name, model, spec.defaults ?? {}, fleet);
    const outcome = resolveModel(table, request);
    if (outcome.ok) {
      const settings = observeSettings(model, spec.defaults);
      const observe = settings ? planObserve(settings, model, outcome.model.python) : undefined;
      if (observe && !observe.ok) {
        problems.push({
          ruleId: 'spec/observe',
          severity: 'error',
          file: loaded.file,
          ...(loaded.locate(['models', name, 'observe']) ?? loaded.locate(['models', name])),
          message: `model '${name}': ${observe.message}`,
          fix: observe.fix,
        });
        continue;
      }
      models.push(withUserPackages(outcome.model, model, observe));
      continue;
    }
    const { error } = outcome;
    const field = error.field === 'fleet' ? undefined : error.field;
    const at =
      (field && field in model ? loaded.locate(['models', name, field]) : undefined) ??
      (error.field === 'fleet' && spec.fleet ? loaded.locate(['fleet']) : undefined) ??
      loaded.locate(['models', name]);
    problems.push({
      ruleId: error.ruleId,
      severity: 'error',
      file: loaded.file,
      ...at,
      message: `model '${name}': ${error.message}`,
      fix: error.fix,
    });
  }
  return { models, problems };
}

export function requestFor(
  name: string,
  model: ModelSpec,
  defaults: NonNullable<LoadedSpec['spec']['defaults']>,
  fleet: FleetInput,
): ResolveRequest {
  const python = model.python ?? defaults.python;
  const cuda = model.cuda ?? defaults.cuda;
  const source = model.source ?? defaults.source;
  const platform = model.platform ?? defaults.platform;
  return {
    name,
    ...(model.torch ? { torch: model.torch } : {}),
    ...(python ? { python } : {}),
    ...(cuda ? { cuda } : {}),
    ...(source ? { source } : {}),
    ...(platform ? { platform } : {}),
    vision: model.vision ?? false,
    audio: model.audio ?? false,
    ...(cuda === 'cpu' ? {} : { fleet }),
  };
}

/**
 * The model's own packages follow envgen's pins (and those observe: adds); a pip section needs
 * pip from conda.
 */
function withUserPackages(
  resolved: ResolvedModel,
  model: ModelSpec,
  observe?: Extract<ObserveOutcome, { ok: true }>,
): ResolvedModel {
  const observed = observe
    ? {
        dependencies: [...resolved.dependencies, ...observe.plan.added],
        pip: [...resolved.pip, ...observe.plan.addedPip],
        reasons: [...resolved.reasons, observe.reason],
        observe: observe.plan,
      }
    : {};
  return withOwnPackages({ ...resolved, ...observed }, model);
}

function withOwnPackages(resolved: ResolvedModel, model: ModelSpec): ResolvedModel {
  // A bare user entry (`numpy`) is already covered by envgen's pin of it (`numpy<2`).
  const pinnedNames = new Set([...resolved.dependencies, ...resolved.pip].map(entryName));
  const bare = (entry: string): boolean =>
    /^[A-Za-z0-9_.-]+$/.test(entry.trim()) && pinnedNames.has(entryName(entry));
  const conda = (model.conda ?? []).filter((entry) => !bare(entry));
  const pip = (model.pip ?? []).filter((entry) => !bare(entry));
  const dependencies = [...resolved.dependencies, ...conda];
  const localPackages = model.localPackages ?? [];
  if ((pip.length > 0 || localPackages.length > 0) && !dependencies.includes('pip')) {
    dependencies.push('pip');
  }
  const reasons = [...resolved.reasons];
  // pip clones a `git+https://…` requirement with git, which the build images do not have.
  const vcs = pip.find((entry) => isVcsRequirement(entry) && /\bgit\+/i.test(entry));
  if (vcs && !dependencies.some((d) => entryName(d) === 'git')) {
    dependencies.push('git');
    reasons.push(`git: pip needs it to install ${vcs}`);
  }
  return { ...resolved, dependencies, pip: [...resolved.pip, ...pip], reasons };
}
