/**
 * The one way a rule is declared: its id, name, target, severity and docs, and a `check` that
 * reports what it finds (`report(finding)`), so a rule is a declaration, not a loop that builds
 * arrays. The engine calls the rule's `check(context)` and gets the findings reported.
 */
import type { ContextFor, Finding, Rule, Target } from '../types.js';

export interface RuleDefinition<T extends Target> extends Omit<Rule<T>, 'check'> {
  /** Reports each finding; may also return findings (a check that maps one list to findings). */
  check(context: ContextFor<T>, report: (finding: Finding) => void): Finding[] | undefined;
}

export function defineRule<T extends Target>(definition: RuleDefinition<T>): Rule<T> {
  const { check, ...declared } = definition;
  return {
    ...declared,
    check(context) {
      const found: Finding[] = [];
      const returned = check(context, (finding) => {
        found.push(finding);
      });
      if (returned) found.push(...returned);
      return found;
    },
  };
}
