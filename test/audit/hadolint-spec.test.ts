/**
 * hadolint's own rule tests (fixtures/audit/hadolint/cases.json, extracted from
 * test/Hadolint/Rule/DL*Spec.hs at the commit in SOURCE) as a behavioural spec for the rules
 * that alias a DL code: each case says whether hadolint catches the Dockerfile. The numbers are
 * a ratchet: they may only get better.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, ruleById } from '../../src/audit/catalogue.js';
import { auditTexts } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';

interface Case {
  code: string;
  expect: 'catch' | 'pass';
  onbuild: boolean;
  dockerfile: string;
  spec: string;
  config?: unknown;
}

const { cases } = JSON.parse(
  readFileSync(new URL('../../fixtures/audit/hadolint/cases.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

/**
 * Runs the one rule that aliases the case's code; whether it reported anything. hadolint's
 * snippets often have no FROM, which no builder accepts and envgen refuses (DKR000): such a
 * snippet is linted as the body of a `FROM scratch` stage.
 */
function flags(c: Case, id: string): boolean {
  const ignore = CATALOGUE.filter((r) => r.id !== id).map((r) => r.id);
  const text = /^\s*FROM\s/im.test(c.dockerfile) ? c.dockerfile : `FROM scratch\n${c.dockerfile}`;
  const texts = new Map([['Dockerfile', text]]);
  const result = auditTexts(
    [{ file: 'Dockerfile', text, kind: 'dockerfile' }],
    makeProject('/repo', texts),
    { ignore, severity: {}, trustedRegistries: [] },
  );
  // A rule with several aliases says which one each finding is.
  return result.diagnostics.some(
    (d) => d.ruleId === id && (d.aliases === undefined || d.aliases.includes(c.code)),
  );
}

const measured = cases
  .filter((c) => c.config === undefined || c.config === null)
  .flatMap((c) => {
    const rule = ruleById(c.code);
    return rule ? [{ c, id: rule.id }] : [];
  });

/**
 * Cases where envgen differs from hadolint on purpose; each rule's `--explain` says so.
 * Keyed by the spec line (plain and ONBUILD variants).
 */
const ON_PURPOSE: Record<string, string> = {
  'DL3002Spec.hs:77':
    'DKR014 checks the final stage only: build stages run as root to create environments',
  'DL3009Spec.hs:132': 'DKR018: apt lists in a cache mount of /var/lib/apt never reach a layer',
  'DL3009Spec.hs:133': 'DKR018: apt lists in a cache mount of /var/lib/apt never reach a layer',
  'DL3025Spec.hs:46':
    'DKR009 is about PID 1 and signals, which a shell-form HEALTHCHECK does not have',
  'DL3057Spec.hs:19': 'DKR022 asks a HEALTHCHECK of service images only (EXPOSE or serve:)',
  'DL3057Spec.hs:65': 'DKR022 asks a HEALTHCHECK of service images only (EXPOSE or serve:)',
  'DL3057Spec.hs:73': 'DKR022 asks a HEALTHCHECK of service images only (EXPOSE or serve:)',
};

const onPurpose = (c: Case) => ON_PURPOSE[c.spec.split('/').pop() ?? ''];

describe("hadolint's rule tests", () => {
  const results = measured
    .filter(({ c }) => onPurpose(c) === undefined)
    .map(({ c, id }) => ({ c, id, hit: flags(c, id) }));
  const mustCatch = results.filter((r) => r.c.expect === 'catch');
  const mustPass = results.filter((r) => r.c.expect === 'pass');

  // The issue asked for 93% and 1%; the ratchet holds what is reached: every case.
  it('catches every case hadolint must catch (ONBUILD triggers included)', () => {
    const missed = mustCatch.filter((r) => !r.hit).map((r) => r.c.spec);
    expect(mustCatch.length).toBeGreaterThan(80);
    expect(missed).toEqual([]);
  });

  it('flags none of what hadolint must pass', () => {
    const wrong = mustPass.filter((r) => r.hit).map((r) => r.c.spec);
    expect(mustPass.length).toBeGreaterThan(200);
    expect(wrong).toEqual([]);
  });

  it.each(Object.entries(ON_PURPOSE))('differs on purpose at %s: %s', (spec, why) => {
    const rule = measured.find(({ c }) => c.spec.endsWith(spec));
    expect(rule, spec).toBeDefined();
    const id = /^[A-Z]+[0-9]+/.exec(why)?.[0] ?? '';
    expect(ruleById(id)?.docs, `${id}'s --explain must say so`).toMatch(
      /Differs from hadolint on purpose/,
    );
  });

  it('no input crashes a rule', () => {
    for (const { c } of measured) {
      const text = c.dockerfile;
      expect(() =>
        auditTexts(
          [{ file: 'Dockerfile', text, kind: 'dockerfile' }],
          makeProject('/repo', new Map([['Dockerfile', text]])),
          { ignore: [], severity: {}, trustedRegistries: [] },
        ),
      ).not.toThrow();
    }
  });
});
