/**
 * Dependencies point one way (.dependency-cruiser.cjs says how): no module imports itself in a
 * loop, no folder imports a folder above it, and no two folders depend on each other.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs'));

let result: ICruiseResult;

beforeAll(async () => {
  const previous = process.cwd();
  process.chdir(ROOT);
  try {
    const cruised = await cruise(['src'], { ...config.options, ruleSet: config, validate: true });
    result = cruised.output as ICruiseResult;
  } finally {
    process.chdir(previous);
  }
}, 60_000);

/** `src/lock/run-lock.ts` -> `lock`; a shared module at the top of src/ is its own unit. */
function unitOf(path: string): string {
  return path.split('/')[1] as string;
}

describe('the import graph of src/', () => {
  it('reads every module', () => {
    const modules = result.modules.filter((m) => m.source.startsWith('src/'));
    expect(modules.length).toBeGreaterThan(200);
    expect(modules.some((m) => m.source === 'src/cli/program.ts')).toBe(true);
  });

  it('breaks none of the layering rules', () => {
    const violations = result.summary.violations.map(
      (v) =>
        `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`,
    );
    expect(violations).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      if (!module.source.startsWith('src/')) continue;
      const from = unitOf(module.source);
      for (const dependency of module.dependencies) {
        if (!dependency.resolved.startsWith('src/')) continue;
        const to = unitOf(dependency.resolved);
        if (to === from) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const pairs: string[] = [];
    const reaches = (start: string, goal: string, seen = new Set<string>()): boolean => {
      for (const next of edges.get(start) ?? []) {
        if (next === goal) return true;
        if (!seen.has(next)) {
          seen.add(next);
          if (reaches(next, goal, seen)) return true;
        }
      }
      return false;
    };
    for (const [from, tos] of edges) {
      for (const to of tos) if (reaches(to, from)) pairs.push(`${from} -> ${to}`);
    }
    expect(pairs).toEqual([]);
  });
});
