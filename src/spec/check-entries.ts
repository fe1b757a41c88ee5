/**
 * Checks the package entries and server command of every model once the spec's shape is
 * valid: each conda entry must be a conda match spec, each pip entry a PEP 508 requirement,
 * and none may name torch or its domain libraries, which envgen pins itself.
 */
import type { Problem } from '../problem.js';
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
