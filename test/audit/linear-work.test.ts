/**
 * Audit and spec loading do work in proportion to their input (fuzz report D4, D5, D10): the
 * same file four times as long costs about four times the work, counted deterministically
 * (characters sliced, regular-expression searches, parses), never timed. Speed itself is in
 * `npm run bench`. Before the fix these grew with the square of the input: position lookups
 * sliced the text before every dependency, every RUN's fix parsed the Dockerfile again, every
 * RUN rebuilt the variables of all instructions before it.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { countWork, growth } from '../helpers/work-counter.js';

/** Linear work grows 4x for 4x the input; quadratic, 16x. */
const LINEAR = 5;

async function auditWork(files: Record<string, string>, target: string) {
  const dir = tmpDir(files);
  let result: Awaited<ReturnType<typeof runEnvgen>> | undefined;
  const work = await countWork(async () => {
    result = await runEnvgen(['audit', target, '--format', 'json'], { cwd: dir });
  });
  const diagnostics = JSON.parse(result?.stdout ?? '{}').diagnostics as { ruleId: string }[];
  return { work, exitCode: result?.exitCode, diagnostics };
}

const shapes: { name: string; file: string; text: (n: number) => string; rule?: string }[] = [
  {
    name: 'an environment file of n dependencies (ENV016 positions)',
    file: 'environment.yml',
    text: (n) =>
      `name: x\nchannels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.11\n${'  - numpy>=1.0\n'.repeat(n)}  - 1\n`,
    rule: 'ENV016',
  },
  {
    name: 'a Dockerfile of n conda RUNs without --yes (DKR004 fixes, variables before each RUN)',
    file: 'Dockerfile',
    text: (n) =>
      `FROM continuumio/miniconda3:24.1.2-0\nENV A=1\n${'RUN conda install numpy && pip install x\n'.repeat(n)}`,
    rule: 'DKR004',
  },
  {
    name: 'a Dockerfile of n plain RUNs',
    file: 'Dockerfile',
    text: (n) => `FROM debian:12\n${'RUN echo hello && true\n'.repeat(n)}`,
  },
  {
    name: 'one RUN of n conda commands',
    file: 'Dockerfile',
    text: (n) => `FROM debian:12\nRUN ${'conda install x && '.repeat(n)}true\n`,
    rule: 'DKR004',
  },
  {
    name: 'a Dockerfile of n ignore pragmas before one RUN',
    file: 'Dockerfile',
    text: (n) => `FROM debian:12\n${'# envgen ignore=DKR029 reason\n'.repeat(n)}RUN true\n`,
  },
];

describe('audit work grows linearly with the input', () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const small = await auditWork({ [shape.file]: shape.text(150) }, shape.file);
      const large = await auditWork({ [shape.file]: shape.text(600) }, shape.file);
      expect(small.exitCode).toBe(large.exitCode);
      expect([0, 1]).toContain(large.exitCode);
      if (shape.rule) {
        const count = (r: typeof small) =>
          r.diagnostics.filter((d) => d.ruleId === shape.rule).length;
        // The findings themselves grow with the input: the work per finding does not.
        expect(count(large)).toBeGreaterThanOrEqual(4 * count(small) - 4);
        expect(count(small)).toBeGreaterThan(0);
      }
      expect(growth(small.work, large.work)).toBeLessThan(LINEAR);
    });
  }

  it('parses a Dockerfile a fixed number of times, however many fixable findings it has', async () => {
    const parses = async (runs: number) => {
      const original = DockerfileParser.parse;
      let count = 0;
      DockerfileParser.parse = (...args: Parameters<typeof original>) => {
        count++;
        return original(...args);
      };
      try {
        const dir = tmpDir({
          Dockerfile: `FROM continuumio/miniconda3:24.1.2-0\n${'RUN conda install numpy\n'.repeat(runs)}`,
        });
        const result = await runEnvgen(['audit', 'Dockerfile', '--format', 'json'], { cwd: dir });
        expect(result.exitCode).toBe(1);
      } finally {
        DockerfileParser.parse = original;
      }
      return count;
    };
    expect(await parses(40)).toBe(await parses(5));
  });
});

describe('spec loading work grows linearly with the input', () => {
  const spec = 'version: 1\nmodels:\n  m:\n    torch: "2.4"\n    cuda: cpu\n';
  const resolveWork = async (text: string) => {
    const dir = tmpDir({ 'envgen.yaml': text });
    let exitCode: number | undefined;
    const work = await countWork(async () => {
      exitCode = (await runEnvgen(['resolve', '--json'], { cwd: dir })).exitCode;
    });
    return { work, exitCode };
  };

  for (const [name, lines] of [
    ['blank lines', '\n'],
    ['CRLF blank lines', '\r\n'],
    ['comment lines', '# a comment\n   \n'],
  ] as const) {
    it(`${name} before the spec`, async () => {
      const small = await resolveWork(lines.repeat(2000) + spec);
      const large = await resolveWork(lines.repeat(8000) + spec);
      expect([small.exitCode, large.exitCode]).toEqual([0, 0]);
      expect(growth(small.work, large.work)).toBeLessThan(LINEAR);
    });
  }

  it('a spec of nearly 1 MB of blank lines (the largest allowed) loads', async () => {
    // With the old /^\s*#.*$/gm this took minutes (D4); the test would time out.
    const dir = tmpDir({ 'envgen.yaml': '\n'.repeat(1024 * 1024 - spec.length) + spec });
    const result = await runEnvgen(['resolve', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).models[0].name).toBe('m');
  });
});
