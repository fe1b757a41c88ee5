/**
 * The catalogue is complete and every rule proves itself: each id of the reference catalogue
 * (fixtures/reference/audit-rule-ids.txt, copied from ../shared/reference/audit.md A.1-A.3)
 * has a rule with documentation, and its valid and invalid examples run here as tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/audit/catalogue.js';
import { type AuditConfig, auditTexts, kindByName } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';
import { EXAMPLES } from '../../src/audit/rules/examples.js';
import { applyEdits } from '../../src/audit/text-edits.js';
import type { Example, Rule, RuleExamples } from '../../src/audit/types.js';

const REFERENCE_IDS = readFileSync(
  new URL('../../fixtures/reference/audit-rule-ids.txt', import.meta.url),
  'utf8',
)
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => /^[A-Z]+\d{3}$/.test(line));

const CONFIG: AuditConfig = { ignore: [], severity: {}, trustedRegistries: [] };

function audit(rule: Rule, example: Example) {
  const files = new Map(Object.entries(example.files));
  const [target, text] = Object.entries(example.files)[0] as [string, string];
  const kind = kindByName(target) ?? rule.target;
  const project = makeProject('/project', files);
  const only = { ...CONFIG, ignore: CATALOGUE.filter((r) => r.id !== rule.id).map((r) => r.id) };
  return { target, text, result: auditTexts([{ file: target, text, kind }], project, only) };
}

function run(rule: Rule, example: Example) {
  return audit(rule, example).result.diagnostics.filter((d) => d.ruleId === rule.id);
}

const examplesOf = (rule: Rule): RuleExamples => EXAMPLES[rule.id] ?? { valid: [], invalid: [] };

describe('the audit catalogue', () => {
  it('has a rule for every id of the reference catalogue, and no other', () => {
    expect(CATALOGUE.map((r) => r.id)).toEqual(REFERENCE_IDS);
  });

  it.each(CATALOGUE.map((r) => [r.id, r] as const))(
    '%s has a name, docs, and valid and invalid examples',
    (_id, rule) => {
      expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.docs.length).toBeGreaterThan(40);
      expect(examplesOf(rule).valid.length).toBeGreaterThan(0);
      expect(examplesOf(rule).invalid.length).toBeGreaterThan(0);
    },
  );
});

describe.each(CATALOGUE.map((r) => [r.id, r] as const))('%s examples', (_id, rule) => {
  it.each(examplesOf(rule).valid.map((e, i) => [i, e] as const))(
    'valid example %i has no finding',
    (_i, example) => {
      expect(run(rule, example)).toEqual([]);
    },
  );
  it.each(examplesOf(rule).invalid.map((e, i) => [i, e] as const))(
    'invalid example %i is reported at its lines, columns, and fixed as it says',
    (_i, example) => {
      const found = run(rule, example);
      expect(found.length).toBeGreaterThan(0);
      if (example.lines) expect(found.map((d) => d.line)).toEqual(example.lines);
      if (example.columns) expect(found.map((d) => d.column)).toEqual(example.columns);
      if (example.fixed !== undefined) {
        const { target, text, result } = audit(rule, example);
        expect(applyEdits(text, result.edits.get(target) ?? []).text).toBe(example.fixed);
      }
    },
  );
});
