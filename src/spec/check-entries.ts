/**
 * Checks the package entries and server command of every model once the spec's shape is
 * valid: each conda entry must be a conda match spec, each pip entry a PEP 508 requirement,
 * and none may name torch or its domain libraries, which envgen pins itself.
 */
import type { Problem } from '../problem.js';
import { didYouMean } from './did-you-mean.js';
import { normalizeName, parseCondaMatchSpec, parsePipRequirement } from './package-entries.js';
import type { Position, Spec } from './types.js';

/** Packages envgen pins from the compatibility table; a spec names them through `torch:`, `vision:`, `audio:`. */
const PINNED_BY_ENVGEN: Record<string, string> = {
  torch: 'torch:',
  pytorch: 'torch:',
  'pytorch-cuda': 'cuda:',
  'pytorch-gpu': 'torch: and cuda:',
  'pytorch-cpu': 'torch: and cuda: cpu',
  cudatoolkit: 'cuda:',
  'cuda-version': 'cuda:',
  cpuonly: 'cuda: cpu',
  torchvision: 'vision: true',
  torchaudio: 'audio: true',
  python: 'python:',
};

interface Context {
  file: string;
  locate(path: (string | number)[]): Position | undefined;
}

export function checkPackageEntries(spec: Spec, context: Context): Problem[] {
  const problems: Problem[] = [];
  for (const [name, model] of Object.entries(spec.models)) {
    for (const [kind, entries] of [
      ['conda', model.conda ?? []],
      ['pip', model.pip ?? []],
    ] as const) {
      entries.forEach((entry, index) => {
        const path = ['models', name, kind, index];
        const parsed = kind === 'conda' ? parseCondaMatchSpec(entry) : parsePipRequirement(entry);
        if (!parsed.ok) {
          problems.push({
            ruleId: kind === 'conda' ? 'spec/invalid-match-spec' : 'spec/invalid-pip-requirement',
            severity: 'error',
            file: context.file,
            ...context.locate(path),
            message: `models.${name}.${kind}[${index}]: ${parsed.error}`,
            fix: parsed.fix,
          });
          return;
        }
        const owner = PINNED_BY_ENVGEN[normalizeName(parsed.value.name)];
        if (owner) {
          problems.push({
            ruleId: 'spec/pinned-by-envgen',
            severity: 'error',
            file: context.file,
            ...context.locate(path),
            message: `models.${name}.${kind}[${index}]: '${entry}' is pinned by envgen from the compatibility table`,
            fix: `remove it and set \`${owner}\` on the model instead`,
          });
        }
      });
    }
  }
  return problems;
}

/** Bundles name models of this spec, do not take a model's name, and share one platform. */
export function checkBundles(spec: Spec, context: Context): Problem[] {
  const problems: Problem[] = [...checkTargetNames(spec, context)];
  const models = Object.keys(spec.models);
  for (const [bundle, members] of Object.entries(spec.bundles ?? {})) {
    const at = (path: (string | number)[]) => ({ file: context.file, ...context.locate(path) });
    if (models.includes(bundle)) {
      problems.push({
        ruleId: 'spec/bundle-name-taken',
        severity: 'error',
        ...at(['bundles', bundle]),
        message: `bundle '${bundle}' has the name of a model; both would build the image '${bundle}'`,
        fix: 'give the bundle another name',
      });
    }
    members.forEach((member, index) => {
      if (!models.includes(member)) {
        const guess = didYouMean(member, models);
        problems.push({
          ruleId: 'spec/bundle-unknown-model',
          severity: 'error',
          ...at(['bundles', bundle, index]),
          message: `bundle '${bundle}' names '${member}', which is not a model of this spec`,
          fix: `${guess ? `did you mean '${guess}'? ` : ''}models: ${models.join(', ')}`,
        });
      }
    });
    const platforms = new Set(
      members
        .filter((m) => models.includes(m))
        .map((m) => spec.models[m]?.platform ?? spec.defaults?.platform ?? 'linux-64'),
    );
    if (platforms.size > 1) {
      problems.push({
        ruleId: 'spec/bundle-platforms',
        severity: 'error',
        ...at(['bundles', bundle]),
        message: `bundle '${bundle}' mixes platforms (${[...platforms].join(', ')}); one image has one platform`,
        fix: 'bundle models of one platform together',
      });
    }
  }
  return problems;
}

/**
 * Models and bundles become bake targets, where `.` is written `_` (bake takes letters, digits,
 * `_` and `-`): `a.b` and `a_b` would be one target, and one image would be lost.
 */
function checkTargetNames(spec: Spec, context: Context): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  const names: [string, 'models' | 'bundles'][] = [
    ...Object.keys(spec.models).map((n): [string, 'models'] => [n, 'models']),
    ...Object.keys(spec.bundles ?? {}).map((n): [string, 'bundles'] => [n, 'bundles']),
  ];
  for (const [name, section] of names) {
    const target = name.replaceAll('.', '_');
    const earlier = seen.get(target);
    if (earlier !== undefined && earlier !== name) {
      problems.push({
        ruleId: 'spec/name-collision',
        severity: 'error',
        file: context.file,
        ...context.locate([section, name]),
        message: `'${name}' and '${earlier}' become the same build target '${target}'`,
        fix: 'rename one of them',
      });
    }
    seen.set(target, name);
  }
  return problems;
}
