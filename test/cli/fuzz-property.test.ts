/**
 * The property test of issue 16: resolve and generate on generated specs, audit on mutated
 * Dockerfiles and environment files (seeded from the real files under fixtures/), all in
 * process. Whatever the input: the exit code is 0-3, no stack trace, "internal error" or panic
 * is printed, a failing command writes nothing, and nothing is written outside the repository.
 * Deterministic (a seeded generator) and bounded in count; ENVGEN_FUZZ_SEED replays another seed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const SEED = Number(process.env.ENVGEN_FUZZ_SEED ?? 20261205);
const SPECS = 1200;
const GENERATES = 300;
const MUTATIONS = 1000;
const ROOT = join(import.meta.dirname, '../..');

/** mulberry32: a small, seeded, deterministic generator. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof generator>;

/** Values that break parsers, shells, templates and terminals. */
const HOSTILE = [
  '',
  ' ',
  '\\n',
  '"',
  "'",
  '\\\\',
  '$(id)',
  '`id`',
  '${REGISTRY}',
  '{{x}}',
  ': ',
  '#',
  '\\e[2J',
  '\\u2028',
  '\\x85',
  '\\0',
  '"]\\nRUN id',
  "'; id; '",
  '[[[[]]]]',
  '*',
  '&a',
  '!!binary',
  '%YAML',
  '\\t',
  'x'.repeat(600),
];

const FIELD_VALUES: Record<string, readonly string[]> = {
  torch: [
    '"2.1"',
    '"2.4"',
    '"2.5.1"',
    '">=2.1,<2.3"',
    '"2.11"',
    '"1.13"',
    '"9.9"',
    '2.4',
    '"2.*"',
    '">=99"',
    '"||"',
  ],
  python: ['"3.9"', '"3.10"', '3.10', '"3.11"', '"3.12"', '"3.13t"', '"4.0"', '2'],
  cuda: ['cpu', 'auto', '"11.8"', '"12.1"', '"12.4"', '"12.6"', '"12.8"', '"99.9"', '12.1'],
  source: ['auto', 'pytorch', 'conda-forge', 'pip', 'defaults'],
  base: ['miniconda', 'miniforge', 'micromamba', 'alpine'],
  vision: ['true', 'false', 'yes', '1'],
  audio: ['true', 'false'],
  conda: ['[numpy]', '[numpy, "transformers>=4.35", flask]', '[]', '["numpy=="]', '[pip]'],
  pip: ['[fastapi, uvicorn]', '["requests==2.31.0"]', '[torchserve]', '["-e ."]', '[]'],
};

function hostileScalar(random: Random): string {
  return JSON.stringify(random.pick(HOSTILE)).replaceAll('\\\\', '\\');
}

/** Values the schema accepts (which resolve, depends on the combination). */
const VALID: Record<string, readonly string[]> = {
  torch: ['"2.1"', '"2.4"', '"2.5.1"', '">=2.1,<2.3"'],
  python: ['"3.10"', '"3.11"'],
  cuda: ['cpu', 'auto', '"11.8"', '"12.1"', '"12.4"'],
  source: ['auto', 'pip', 'conda-forge'],
  base: ['miniconda', 'miniforge', 'micromamba'],
  vision: ['true', 'false'],
  audio: ['true', 'false'],
  conda: ['[numpy]', '[]'],
  pip: ['[fastapi, uvicorn]', '[]'],
};

function modelBlock(random: Random, wild: boolean): string {
  if (!wild) {
    return Object.entries(VALID)
      .filter(([field]) => field === 'torch' || random.chance(0.3))
      .map(([field, values]) => `    ${field}: ${random.pick(values)}`)
      .join('\n');
  }
  const lines: string[] = [];
  for (const [field, values] of Object.entries(FIELD_VALUES)) {
    if (!random.chance(field === 'torch' || field === 'cuda' ? 0.9 : 0.35)) continue;
    lines.push(`    ${field}: ${random.chance(0.1) ? hostileScalar(random) : random.pick(values)}`);
  }
  if (random.chance(0.3)) {
    const word = () =>
      random.chance(0.15)
        ? hostileScalar(random)
        : random.pick(['gunicorn', 'app:app', '-b', '0.0.0.0:8080', 'python', 'serve.py']);
    lines.push('    serve:');
    lines.push(`      command: [${Array.from({ length: 1 + random.int(4) }, word).join(', ')}]`);
    if (random.chance(0.7))
      lines.push(`      port: ${random.pick(['8080', '0', '70000', '"80"', '8000'])}`);
    if (random.chance(0.5))
      lines.push(
        `      health: ${random.pick(['/healthz', 'healthz', '/h ealth', hostileScalar(random)])}`,
      );
  }
  if (random.chance(0.05))
    lines.push(`    ${random.pick(['unknown', 'torch ', '- x', 'cuda'])}: 1`);
  return lines.join('\n');
}

// `smoke_check.py` collides with the shared smoke script: refused before anything is written (D6).
const NAMES = [
  'svc',
  'sentiment',
  'legacy-detector',
  'm.1',
  '0',
  'Bad',
  'a b',
  '..',
  'envs',
  '-x',
  'smoke_check.py',
];

function generatedSpec(random: Random): string {
  // Half the specs are well-formed (to reach resolve and generate), half wild.
  const wild = random.chance(0.5);
  const parts = [random.chance(0.95) ? 'version: 1' : `version: ${random.pick(['2', '"1"', 'x'])}`];
  if (random.chance(0.3))
    parts.push(`defaults:\n  python: ${random.pick(FIELD_VALUES.python ?? [])}`);
  if (random.chance(0.2))
    parts.push(
      `fleet:\n  driver: ${random.pick(['"535.104.05"', '"450.80.02"', 'abc', '"999"'])}\n  gpus: [${random.pick(['"8.0"', '"9.0"', '"7.0", "8.6"', '"x"'])}]`,
    );
  const models = Array.from(
    { length: 1 + random.int(3) },
    () => `  ${random.pick(wild ? NAMES : NAMES.slice(0, 4))}:\n${modelBlock(random, wild)}`,
  );
  parts.push(`models:\n${models.join('\n')}`);
  let text = `${parts.join('\n')}\n`;
  // Sometimes mutate the text itself, as a fuzzer does.
  if (wild && random.chance(0.3)) text = mutate(text, random);
  return text;
}

const TOKENS = [
  '\\\n',
  '&&',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ': ',
  '- ',
  '#',
  '\t',
  '\r\n',
  '\u2028',
  '\u0085',
  '\u001b[2J',
  '$(',
  '<<EOF\n',
  '\nEOF\n',
  'RUN ',
  'FROM ',
  '--mount=type=cache,target=/x ',
  'conda install -c defaults ',
  'pip install ',
  '*a ',
  '&a ',
  '\uFEFF',
  '\u0000',
];

/** One to four mutations: delete, duplicate or insert a span, insert a hostile token, swap lines, truncate. */
function mutate(text: string, random: Random): string {
  let out = text;
  for (let round = 1 + random.int(4); round > 0; round--) {
    const at = random.int(out.length + 1);
    const length = random.int(Math.min(200, out.length - at) + 1);
    switch (random.int(6)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + length);
        break;
      case 1:
        out =
          out.slice(0, at) + out.slice(at, at + length).repeat(1 + random.int(20)) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + random.pick(TOKENS) + out.slice(at);
        break;
      case 3: {
        const lines = out.split('\n');
        const i = random.int(lines.length);
        const j = random.int(lines.length);
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
        out = lines.join('\n');
        break;
      }
      case 4:
        out = out.slice(0, at);
        break;
      default:
        out = out.slice(0, at) + random.pick(HOSTILE) + out.slice(at);
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

/** Real Dockerfiles and environment files: the seeds of the audit mutations. */
function seeds(): { name: string; text: string }[] {
  const found: { name: string; text: string }[] = [];
  for (const base of ['fixtures/repos', 'fixtures/audit']) {
    for (const name of filesUnder(join(ROOT, base))) {
      const file = name.split('/').at(-1) ?? '';
      const isDockerfile = /dockerfile/i.test(file);
      const isEnvironment = /\.ya?ml$/.test(file) && /env|conda/i.test(file);
      if (!isDockerfile && !isEnvironment) continue;
      found.push({
        name: isDockerfile ? 'Dockerfile' : 'environment.yml',
        text: readFileSync(join(ROOT, base, name), 'utf8'),
      });
    }
  }
  return found;
}

/** What no command may ever print, whatever its input. */
function expectClean(result: CliResult, input: string): void {
  const context = `input:\n${JSON.stringify(input).slice(0, 2000)}\nstderr:\n${result.stderr.slice(0, 2000)}`;
  expect([0, 1, 2, 3], context).toContain(result.exitCode);
  const output = result.stdout + result.stderr;
  expect(output, context).not.toMatch(
    /internal error|panicked|RuntimeError|\n\s+at .+:\d+:\d+\)?\n/,
  );
}

/** A sandbox: the repository, a folder beside it and a cache folder, to see what leaves the repo. */
function sandbox() {
  const root = tmpDir();
  const repo = join(root, 'repo');
  const cache = join(root, 'cache');
  mkdirSync(repo);
  mkdirSync(join(root, 'outside'));
  const env = {
    ENVGEN_CACHE_DIR: cache,
    HOME: join(root, 'outside'),
    XDG_CACHE_HOME: join(root, 'outside'),
  };
  const reset = (files: Record<string, string>) => {
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
  };
  /** Nothing but the repository changed: `outside/` empty, no cache folder, no other entry. */
  const expectNothingOutside = () => {
    expect(readdirSync(root).sort()).toEqual(['outside', 'repo']);
    expect(filesUnder(join(root, 'outside'))).toEqual([]);
  };
  return { root, repo, env, reset, expectNothingOutside };
}

describe(`bad input under stress (seed ${SEED})`, () => {
  it(`resolve on ${SPECS} generated specs, generate on ${GENERATES}`, async () => {
    const random = generator(SEED);
    const box = sandbox();
    const exits = new Map<number, number>();
    for (let i = 0; i < SPECS; i++) {
      const text = generatedSpec(random);
      const generate = i < GENERATES;
      box.reset({ 'envgen.yaml': text });
      const result = await runEnvgen(generate ? ['generate', '--json'] : ['resolve', '--json'], {
        cwd: box.repo,
        env: box.env,
      });
      expectClean(result, text);
      exits.set(result.exitCode, (exits.get(result.exitCode) ?? 0) + 1);
      if (result.exitCode !== 0 || !generate) {
        // A failing command (and resolve, always) leaves the repository as it found it.
        expect(filesUnder(box.repo), text).toEqual(['envgen.yaml']);
      }
      box.expectNothingOutside();
    }
    // The generator reaches both outcomes: valid specs and refused ones.
    expect(exits.get(0)).toBeGreaterThan(SPECS / 10);
    expect(exits.get(2)).toBeGreaterThan(SPECS / 10);
  }, 120_000);

  it(`audit on ${MUTATIONS} mutated Dockerfiles and environment files`, async () => {
    const random = generator(SEED + 1);
    const originals = seeds();
    expect(originals.length).toBeGreaterThan(20);
    const box = sandbox();
    for (let i = 0; i < MUTATIONS; i++) {
      const seed = random.pick(originals);
      const text = mutate(seed.text, random);
      box.reset({ [seed.name]: text });
      const result = await runEnvgen(['audit', seed.name, '--format', 'json'], {
        cwd: box.repo,
        env: box.env,
      });
      expectClean(result, text);
      expect(result.exitCode, text).not.toBe(3);
      // Audit without --fix writes nothing, and the file is as it was.
      expect(filesUnder(box.repo)).toEqual([seed.name]);
      expect(readFileSync(join(box.repo, seed.name)).equals(Buffer.from(text))).toBe(true);
      box.expectNothingOutside();
      if (result.exitCode !== 2) JSON.parse(result.stdout);
    }
  }, 120_000);

  it('the mutations really are mutations of the seeds', () => {
    const random = generator(SEED);
    const text = 'FROM debian:12\nRUN true\n';
    const mutated = Array.from({ length: 20 }, () => mutate(text, random));
    expect(new Set(mutated).size).toBeGreaterThan(10);
    expect(relative(ROOT, ROOT)).toBe('');
  });
});
