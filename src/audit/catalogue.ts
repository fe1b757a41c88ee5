/**
 * The rule catalogue (../shared/reference/audit.md, sections A.1-A.3, and the OBS family of
 * issue 20): every rule, in id order.
 * A test proves it complete: each id of the reference has a module here, with documentation and
 * valid and invalid examples that run as tests.
 */
import { DOCKERFILE_RULES } from './rules/dockerfile/index.js';
import { ENVIRONMENT_RULES } from './rules/environment/index.js';
import { OBSERVE_RULES } from './rules/observe/index.js';
import { SPEC_RULES } from './rules/spec/index.js';
import type { Rule } from './types.js';

export const CATALOGUE: readonly Rule[] = [
  ...ENVIRONMENT_RULES,
  ...DOCKERFILE_RULES,
  ...SPEC_RULES,
  ...OBSERVE_RULES,
] as Rule[];

export function ruleById(id: string): Rule | undefined {
  const wanted = id.toUpperCase();
  return CATALOGUE.find(
    (r) => r.id === wanted || (r.aliases ?? []).some((a) => a.toUpperCase() === wanted),
  );
}
