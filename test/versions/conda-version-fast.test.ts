/**
 * simpleVersionSpec answers the common conda version specs without rattler's WASM; its answers
 * must be rattler's. The table is every spec-shaped token in the test suite and the fixtures,
 * plus edge cases, each matched against every version-shaped token found there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleVersionSpec } from '../../src/versions/conda-version.js';
import { loadRattler } from '../../src/versions/rattler.js';

function textFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|ya?ml|txt|json|toml|cfg)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const text = [...textFiles('test'), ...textFiles('fixtures')]
  .map((file) => readFileSync(file, 'utf8'))
  .join('\n');

const CLAUSE = String.raw`(?:>=|<=|==|!=|>|<|=|~=)?\d+(?:\.\d+)*(?:\.\*)?`;
const found = [...text.matchAll(new RegExp(`${CLAUSE}(?:[,|]${CLAUSE})*`, 'g'))].map((m) => m[0]);
const specs = [
  ...new Set([
    ...found,
    ...found.filter((s) => /^\d+(\.\d+)*$/.test(s)).map((s) => `${s}.*`),
    '2.1.*',
    '=3.11',
    '=11.8',
    '=2',
    '=0.16.2',
    '>=4.35',
    '<2',
    '==2',
    '!=2.0',
    '>2.1.0',
    '<=1.13',
    '0.*',
    '01.2.*',
    '>=1.2.*',
    '==1.2.*',
    '2.1',
    '>=1.0,<2',
  ]),
];
// Versions either side of each spec's own numbers, where an answer turns, plus edge cases.
const edgeVersions = [
  '0',
  '2',
  '2.0',
  '2.0.0',
  '2.1',
  '2.1.0',
  '2.10.0',
  '1.13.1',
  '2.1.2+cu118',
  '2.1.0a0',
  '1!2.0',
  '02.1',
  '2.1.0.post1',
];

function versionsAround(spec: string): string[] {
  const out = new Set(edgeVersions);
  for (const number of spec.match(/\d+(?:\.\d+)*/g) ?? []) {
    const parts = number.split('.').map(Number);
    for (let i = 0; i < parts.length; i++) {
      const head = parts.slice(0, i + 1);
      out.add(head.join('.'));
      for (const delta of [-1, 1]) {
        const moved = [...head];
        moved[i] = (moved[i] ?? 0) + delta;
        if ((moved[i] ?? 0) >= 0) {
          out.add(moved.join('.'));
          out.add([...moved, 0].join('.'));
          out.add([...moved, 5].join('.'));
        }
      }
    }
    out.add(`${number}.0`);
    out.add(`${number}.0.0`);
    out.add(`${number}.1`);
    out.add(`${number}0`);
  }
  return [...out];
}

describe('simpleVersionSpec agrees with rattler', () => {
  const { VersionSpec, Version } = loadRattler();

  it('has a table from the tests and fixtures', () => {
    expect(specs.filter((s) => simpleVersionSpec(s)).length).toBeGreaterThan(500);
  });

  it("gives rattler's answer for every spec form and the versions around it", () => {
    const parsed = new Map<string, InstanceType<typeof Version>>();
    const mismatches: string[] = [];
    for (const spec of specs) {
      const fast = simpleVersionSpec(spec);
      if (!fast) continue;
      for (const strictness of ['strict', 'lenient'] as const) {
        const slow = new VersionSpec(spec, strictness);
        if (fast.normalized !== slow.toString()) {
          mismatches.push(`${spec} (${strictness}): ${fast.normalized} vs ${slow.toString()}`);
        }
        for (const version of versionsAround(spec)) {
          let v = parsed.get(version);
          if (!v) {
            v = new Version(version);
            parsed.set(version, v);
          }
          if (fast.matches(version) !== slow.matches(v)) {
            mismatches.push(`${spec} (${strictness}) on ${version}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
