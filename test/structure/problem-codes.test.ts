/**
 * The problem registry: every code a command reports is registered with its severity and exit
 * class, every registered code is reported somewhere, the README's table is the registry, and
 * the CLI turns classes into exit codes as DESIGN.md says.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/audit/catalogue.js';
import { EXIT, exitFor } from '../../src/cli/exit-codes.js';
import { problem } from '../../src/problem.js';
import {
  codeInfo,
  isAuditRuleId,
  type ProblemCode,
  registeredCodes,
} from '../../src/problem-codes.js';

const ROOT = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const SOURCES = sourceFiles(join(ROOT, 'src'))
  .filter((path) => !path.endsWith('problem-codes.ts'))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

describe('the problem registry', () => {
  it.each(registeredCodes())('%s is reported somewhere in src/', (code) => {
    const [kind, suffix] = code.split('/') as [string, string | undefined];
    // Codes of user-written files are made from their kind and what is wrong.
    const spelled =
      SOURCES.includes(`'${code}'`) ||
      SOURCES.includes(`${code}:`) ||
      (suffix !== undefined &&
        ['spec', 'rules', 'conda-lock', 'pixi-lock', 'environment-yml'].includes(kind) &&
        SOURCES.includes(`'${suffix}'`));
    expect(spelled).toBe(true);
  });

  it('no code is spelled in src/ that the registry lacks', () => {
    const spelled = new Set(
      [
        ...SOURCES.matchAll(
          /'((?:usage|spec|resolve|rules|init|files|generate|dockerignore|lock|build|smoke|doctor|audit|prefix|drift)\/[a-z0-9-]+)'/g,
        ),
      ].map((m) => m[1] as string),
    );
    const registered = new Set<string>(registeredCodes());
    expect([...spelled].filter((code) => !registered.has(code))).toEqual([]);
  });

  it('every audit rule id is an audit code, and a finding only fails the check', () => {
    for (const rule of CATALOGUE) {
      expect(isAuditRuleId(rule.id)).toBe(true);
      expect(codeInfo(rule.id).exit).toBe('failed');
    }
  });

  it('the README lists every registered code with its severity and exit', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = new Map(
      [
        ...readme.matchAll(
          /^\| `([a-z0-9/-]+|[A-Z]+000)` *\| (error|warning|info) *\| (\d+) *\|/gm,
        ),
      ].map((m) => [m[1], [m[2], Number(m[3])]]),
    );
    // A `--rules` file has the spec's file codes under `rules/`: the README says so once.
    const registered = new Set<string>(registeredCodes());
    const expected = registeredCodes().filter(
      (code) => !(code.startsWith('rules/') && registered.has(code.replace(/^rules\//, 'spec/'))),
    );
    expect(new Set(rows.keys())).toEqual(new Set(expected));
    for (const code of expected) {
      const info = codeInfo(code);
      expect(rows.get(code), code).toEqual([info.severity, EXIT[info.exit]]);
    }
  });
});

describe('exit codes from problems', () => {
  const p = (code: ProblemCode, severity?: 'error' | 'warning' | 'info') =>
    problem(code, 'm', severity ? { severity } : {});
  it.each([
    ['nothing', [], 'error', 0],
    ['a warning alone', [p('init/python-pins')], 'error', 0],
    ['a failed check', [p('generate/out-of-date')], 'error', 1],
    ['bad input', [p('spec/unknown-key')], 'error', 2],
    ['a file that cannot be read', [p('spec/unreadable')], 'error', 3],
    ['a path in the way', [p('generate/path-blocked')], 'error', 2],
    ['permissions', [p('generate/unwritable')], 'error', 3],
    [
      'unsatisfiable and unreachable: the environment wins',
      [p('lock/unsatisfiable'), p('lock/channel-unreachable')],
      'error',
      3,
    ],
    [
      'an edited lock beside an unsatisfiable one',
      [p('lock/edited'), p('lock/unsatisfiable')],
      'error',
      2,
    ],
    ['a canceled build', [p('build/timeout'), p('build/canceled')], 'error', 130],
    ['an audit warning at --fail-on warning', [p('DKR008', 'warning')], 'warning', 1],
    ['an audit warning at --fail-on error', [p('DKR008', 'warning')], 'error', 0],
    ['an audit info at --fail-on info', [p('DKR008', 'info')], 'info', 1],
    ['a file audit cannot parse', [p('DKR000'), p('DKR008', 'warning')], 'warning', 2],
    [
      'a warning of an environment code only fails the check',
      [p('lock/cache-unwritable')],
      'warning',
      1,
    ],
    ['a doctor error downgraded to a warning', [p('doctor/no-docker', 'warning')], 'error', 0],
  ] as const)('%s', (_name, problems, threshold, exit) => {
    expect(exitFor(problems, threshold)).toBe(exit);
  });

  it('an unregistered code is a bug, not a silent exit 0', () => {
    expect(() => codeInfo('nope/never' as ProblemCode)).toThrow(/not in the registry/);
  });
});
