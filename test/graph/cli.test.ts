/**
 * `envgen graph` and `envgen why` end to end, in process, on the example repo with the
 * hand-made conda-lock.yml of fixtures/graph (read through src/packages/conda-lock.ts: a TEMP
 * stub on this branch, the real reader once merged) and on an installed environment made here
 * (read through src/packages/prefix.ts, the same). Expected answers come from reading
 * fixtures/graph/conda-lock.yml and the prefix below.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@ts-graphviz/ast';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const schema = JSON.parse(read('schemas/graph.schema.json'));
const validate = new Ajv({ allErrors: true }).compile(schema);

/**
 * Sizes of a lock's packages come from envgen's repodata cache: here, one that is not there
 * (a fixed path, so the golden note is the same on every machine), never the user's own.
 */
const NO_CACHE = '/nonexistent/envgen-cache';

function envgen(
  argv: string[],
  options: Parameters<typeof runEnvgen>[1] = {},
): ReturnType<typeof runEnvgen> {
  return runEnvgen(argv, { ...options, env: { ENVGEN_CACHE_DIR: NO_CACHE, ...options.env } });
}

/**
 * The example spec without sentiment's `observe:` block (and the comment above it):
 * fixtures/graph/conda-lock.yml was solved for sentiment before it observed, so its roots are
 * the spec's packages without the ones observe: adds.
 */
function specWithoutObserve(): string {
  const lines = read('fixtures/example-repo/envgen.yaml').split('\n');
  const at = lines.indexOf('    observe:');
  if (at === -1) throw new Error('the example spec has no observe: block any more');
  let start = at;
  while (lines[start - 1]?.startsWith('    #')) start--;
  let end = at + 1;
  while (lines[end]?.startsWith('      ')) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join('\n');
}

/** The example repo, with the sentiment model locked (legacy-detector is not). */
function repo(): string {
  return tmpDir({
    'envgen.yaml': specWithoutObserve(),
    'envs/sentiment/conda-lock.yml': read('fixtures/graph/conda-lock.yml'),
  });
}

interface GraphJson {
  rootsFrom: string;
  roots: { spec: string; manager: string; package: string | null }[];
  packages: {
    id: string;
    dependencies: { package: string; spec: string }[];
    unresolved: { spec: string; virtual: boolean }[];
  }[];
  cycles: string[][];
  sizes: {
    total: { bytes: number; gpuBytes: number };
    roots: { spec: string; reach: { bytes: number; gpuBytes: number }; only: { bytes: number } }[];
  } | null;
  source: { kind: string; platform: string | null };
}

async function graphJson(args: string[], cwd: string): Promise<GraphJson> {
  const result = await envgen(['graph', ...args, '--json'], { cwd });
  expect([result.exitCode, result.stderr]).toEqual([0, '']);
  const json = JSON.parse(result.stdout);
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  return json;
}

describe('envgen graph MODEL (conda-lock.yml)', () => {
  it('JSON: the packages of the model platform, rooted at the spec, valid by the schema', async () => {
    const json = await graphJson(['sentiment'], repo());
    expect(json.source).toEqual({
      kind: 'conda-lock',
      label: 'envs/sentiment/conda-lock.yml',
      platform: 'linux-64',
    });
    // 38 conda packages for linux-64 and 4 pip packages.
    expect(json.packages).toHaveLength(42);
    expect(json.rootsFrom).toBe('spec');
    // The model's environment.yml, as envgen renders it (fixtures/example-repo/envs/sentiment).
    expect(json.roots.map((r) => [r.spec, r.manager, r.package])).toEqual([
      ['python=3.11', 'conda', 'python'],
      ['pytorch==2.1.2', 'conda', 'pytorch'],
      ['torchvision==0.16.2', 'conda', 'torchvision'],
      ['pytorch-cuda=11.8', 'conda', 'pytorch-cuda'],
      ['numpy<2', 'conda', 'numpy'],
      ['transformers>=4.35', 'conda', 'transformers'],
      ['flask', 'conda', 'flask'],
      ['gunicorn', 'conda', 'gunicorn'],
      ['pip', 'conda', 'pip'],
      ['torchserve', 'pip', 'torchserve'],
      ['opentelemetry-sdk', 'pip', 'opentelemetry-sdk'],
    ]);
    const pkg = (id: string) => json.packages.find((p) => p.id === id);
    expect(pkg('pytorch-cuda')?.dependencies).toEqual([
      { package: 'cuda-cudart', spec: 'cuda-cudart >=11.8,<12.0' },
      { package: 'libcublas', spec: 'libcublas >=11.11.3.6,<12.1.0.26' },
      { package: 'libcufft', spec: 'libcufft >=10.9.0.58,<11.0.0.21' },
    ]);
    // pip's `Pillow` is conda's pillow; psutil is in no package of the lock.
    expect(pkg('torchserve')?.dependencies.map((d) => d.package)).toEqual([
      'packaging',
      'pillow',
      'wheel',
    ]);
    expect(pkg('torchserve')?.unresolved).toEqual([{ spec: 'psutil', virtual: false }]);
    expect(pkg('pytorch')?.unresolved).toEqual([{ spec: '__glibc >=2.17,<3.0.a0', virtual: true }]);
    expect(json.cycles).toEqual([]);
    // A conda-lock.yml records no sizes.
    expect(json.sizes).toBeNull();
  });

  it('text: a tree per root, each package drawn in full once, later ones marked', async () => {
    const result = await envgen(['graph', 'sentiment'], { cwd: repo() });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[1]).toBe('python 3.11.7 [=3.11]');
    // ld_impl_linux-64 is only under python: once. libgcc-ng is under many: once in full.
    expect(lines.filter((l) => l.includes('ld_impl_linux-64 2.40'))).toHaveLength(1);
    expect(lines.filter((l) => /libgcc-ng 13\.2\.0 \[>=12\]$/.test(l))).toHaveLength(1);
    expect(
      lines.filter((l) => l.includes('libgcc-ng 13.2.0') && l.endsWith('(*)')).length,
    ).toBeGreaterThan(1);
    expect(lines).toContain('pytorch-cuda 11.8 [=11.8] (*)');
    expect(result.stdout).toContain('torchserve → psutil');
  });

  it('--invert PACKAGE: who depends on it, up to the roots', async () => {
    const result = await envgen(['graph', 'sentiment', '--invert', 'libcublas'], {
      cwd: repo(),
    });
    expect(result.exitCode).toBe(0);
    const tree = result.stdout.split('\n').slice(1, 5);
    expect(tree).toEqual([
      'libcublas 11.11.3.6',
      '└── pytorch-cuda 11.8 [>=11.11.3.6,<12.1.0.26] ← pytorch-cuda=11.8',
      '    └── pytorch 2.1.2 [>=11.8,<11.9] ← pytorch==2.1.2',
      '        └── torchvision 0.16.2 [2.1.2] ← torchvision==0.16.2',
    ]);
  });

  it('--invert PACKAGE --json: the package and what depends on it, valid by the schema', async () => {
    const json = (await graphJson(['sentiment', '--invert', 'libcublas'], repo())) as GraphJson & {
      invert: { package: string };
    };
    expect(json.invert).toEqual({ package: 'libcublas' });
    expect(json.packages.map((p) => p.id).sort()).toEqual([
      'libcublas',
      'pytorch',
      'pytorch-cuda',
      'torchvision',
    ]);
  });

  it('--format dot: Graphviz reads every package and dependency', async () => {
    const result = await envgen(['graph', 'sentiment', '--format', 'dot'], { cwd: repo() });
    expect(result.exitCode).toBe(0);
    const [graph] = parse(result.stdout).children;
    const statements = graph?.children ?? [];
    expect(statements.filter((s) => s.type === 'Node')).toHaveLength(42);
    const json = await graphJson(['sentiment'], repo());
    const edges = json.packages.reduce((n, p) => n + p.dependencies.length, 0);
    expect(statements.filter((s) => s.type === 'Edge')).toHaveLength(edges);
  });

  it('--platform reads another platform of the lock; one it lacks is exit 2', async () => {
    const dir = repo();
    const json = await graphJson(['sentiment', '--platform', 'linux-aarch64'], dir);
    expect(json.packages.map((p) => p.id).sort()).toEqual([
      '_openmp_mutex',
      'libgcc-ng',
      'libgomp',
      'python',
    ]);
    expect(json.roots.filter((r) => r.package !== null).map((r) => r.spec)).toEqual([
      'python=3.11',
    ]);
    const missing = await envgen(['graph', 'sentiment', '--platform', 'osx-arm64'], {
      cwd: dir,
    });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('[graph/no-platform]');
    expect(missing.stderr).toContain('linux-64, linux-aarch64');
  });

  it('a model without a lock, and no model with several in the spec, are exit 2', async () => {
    const dir = repo();
    const unlocked = await envgen(['graph', 'legacy-detector'], { cwd: dir });
    expect(unlocked.exitCode).toBe(2);
    expect(unlocked.stderr).toContain('[graph/no-lock]');
    const none = await envgen(['graph', '--json'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(JSON.parse(none.stdout).problems[0].ruleId).toBe('graph/model-needed');
    // A folder where the lock should be: bad input, not a stack trace.
    const folder = tmpDir({
      'envgen.yaml': read('fixtures/example-repo/envgen.yaml'),
      'envs/sentiment/conda-lock.yml/x': '',
    });
    const notFile = await envgen(['graph', 'sentiment'], { cwd: folder });
    expect(notFile.exitCode).toBe(2);
    expect(notFile.stderr).toContain('[files/not-regular]');
    const unknown = await envgen(['graph', 'sentimant'], { cwd: dir });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'sentiment'?");
  });
});

interface WhyJson {
  environments: {
    model: string;
    found: boolean;
    asked?: string[];
    paths?: {
      root: string;
      length: number;
      count: number;
      paths: { package: string; spec: string }[][];
    }[];
  }[];
}

async function whyJson(args: string[], cwd: string): Promise<WhyJson> {
  const result = await envgen(['why', ...args, '--json'], { cwd });
  expect([result.exitCode, result.stderr]).toEqual([0, '']);
  return JSON.parse(result.stdout);
}

const chains = (json: WhyJson) =>
  (json.environments[0]?.paths ?? []).flatMap((r) =>
    r.paths.map((p) => p.map((s) => s.spec).join(' → ')),
  );

describe('envgen why PACKAGE [MODEL]', () => {
  it('a root that asks for a CUDA library directly: the one short path, not through it', async () => {
    const json = await whyJson(['libcublas', 'sentiment'], repo());
    // pytorch-cuda=11.8 is a root; pytorch's and torchvision's paths run through it.
    expect(chains(json)).toEqual(['pytorch-cuda=11.8 → libcublas >=11.11.3.6,<12.1.0.26']);
  });

  it('every shortest path from a root, with the spec at each step', async () => {
    const json = await whyJson(['markupsafe', 'sentiment'], repo());
    expect(json.environments[0]?.paths?.map((r) => [r.root, r.length, r.count])).toEqual([
      ['flask', 2, 2],
    ]);
    expect(chains(json)).toEqual([
      'flask → jinja2 >=3.1.2 → markupsafe >=2.0',
      'flask → werkzeug >=3.0.0 → markupsafe >=2.1.1',
    ]);
  });

  it('without a model: every model that has a lock (here sentiment)', async () => {
    const json = await whyJson(['idna'], repo());
    expect(json.environments.map((e) => e.model)).toEqual(['sentiment']);
    expect(chains(json)).toEqual([
      'torchvision==0.16.2 → requests → idna >=2.5,<4',
      'transformers>=4.35 → requests → idna >=2.5,<4',
    ]);
  });

  it('a package the spec asks for, and the roots that need it too', async () => {
    const json = await whyJson(['python', 'sentiment'], repo());
    const env = json.environments[0];
    expect(env?.asked).toEqual(['python=3.11']);
    expect(env?.paths?.map((r) => [r.root, r.length, r.count])).toEqual([
      ['pytorch==2.1.2', 1, 1],
      ['torchvision==0.16.2', 1, 1],
      ['numpy<2', 1, 1],
      ['transformers>=4.35', 1, 1],
      ['flask', 1, 1],
      ['gunicorn', 1, 1],
      ['pip', 1, 1],
      // torchserve (pip) through packaging, pillow and wheel; opentelemetry-sdk through typing-extensions.
      ['torchserve', 2, 3],
      ['opentelemetry-sdk', 2, 1],
    ]);
  });

  it('text: one line per path', async () => {
    const result = await envgen(['why', 'markupsafe', 'sentiment'], { cwd: repo() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('  flask'))).toEqual([
      '  flask → jinja2 >=3.1.2 → markupsafe >=2.0',
      '  flask → werkzeug >=3.0.0 → markupsafe >=2.1.1',
    ]);
  });

  it('a package not in the environment is exit 1, with the closest name', async () => {
    const dir = repo();
    const typo = await envgen(['why', 'pilow', 'sentiment'], { cwd: dir });
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toContain('[graph/unknown-package]');
    expect(typo.stderr).toContain("did you mean 'pillow'?");
    // psutil is asked for by torchserve, but the lock has no such package.
    const absent = await envgen(['why', 'psutil', 'sentiment', '--json'], { cwd: dir });
    expect(absent.exitCode).toBe(1);
    expect(JSON.parse(absent.stdout).problems[0].ruleId).toBe('graph/unknown-package');
  });
});

/** conda-meta/<name>-<version>-<build>.json as conda writes it (the fields graph reads and more). */
function meta(name: string, version: string, build: string, depends: string[], sizes: number[]) {
  const fn = `${name}-${version}-${build}.conda`;
  return [
    `conda-meta/${name}-${version}-${build}.json`,
    JSON.stringify({
      name,
      version,
      build,
      build_number: 0,
      channel: 'https://conda.anaconda.org/conda-forge',
      subdir: 'linux-64',
      fn,
      url: `https://conda.anaconda.org/conda-forge/linux-64/${fn}`,
      md5: '0'.repeat(32),
      depends,
      size: sizes.reduce((a, b) => a + b, 0),
      files: sizes.map((_, i) => `lib/${name}-${i}.so`),
      paths_data: {
        paths_version: 1,
        paths: sizes.map((size, i) => ({
          _path: `lib/${name}-${i}.so`,
          path_type: 'hardlink',
          sha256: '0'.repeat(64),
          size_in_bytes: size,
        })),
      },
      requested_spec: '',
    }),
  ] as const;
}

/**
 * An installed environment: pytorch needs python and two CUDA libraries; python needs pip (as
 * conda adds it) and pip needs python, a cycle. The history asked for python=3.11 and pytorch.
 */
function prefix(): string {
  return tmpDir(
    Object.fromEntries([
      meta(
        'python',
        '3.11.7',
        'hab00c5b_1_cpython',
        ['libzlib >=1.2.13,<2.0.0a0', 'pip'],
        [30_000_000, 1_000_000],
      ),
      meta('pip', '23.3.2', 'pyhd8ed1ab_0', ['python >=3.7'], [5_000_000]),
      meta('libzlib', '1.2.13', 'hd590300_5', [], [100_000]),
      meta('cuda-cudart', '12.1.105', 'hd3aeb46_0', [], [900_000]),
      meta('libcublas', '12.1.3.1', 'hd3aeb46_0', ['cuda-cudart >=12.1'], [600_000_000]),
      meta(
        'pytorch',
        '2.1.2',
        'cuda120_py311h25b6552_301',
        ['python >=3.11,<3.12.0a0', 'libcublas >=12.1', 'cuda-cudart >=12.1', '__cuda'],
        [1_000_000_000, 500_000_000],
      ),
      [
        'conda-meta/history',
        "==> 2024-01-15 10:30:00 <==\n# cmd: conda create -p env python=3.11 pytorch\n# conda version: 24.1.0\n# update specs: ['python=3.11', 'pytorch']\n",
      ],
    ]),
  );
}

describe('--prefix DIR (an installed environment)', () => {
  it('roots at the history, finds the python/pip cycle, and sums the sizes', async () => {
    const dir = prefix();
    const json = await graphJson(['--prefix', dir], repo());
    expect(json.source.kind).toBe('prefix');
    expect(json.rootsFrom).toBe('history');
    expect(json.roots.map((r) => [r.spec, r.package])).toEqual([
      ['python=3.11', 'python'],
      ['pytorch', 'pytorch'],
    ]);
    expect(json.cycles.map((c) => [...new Set(c)].sort())).toEqual([['pip', 'python']]);
    // python: 31 MB + pip 5 MB + libzlib 0.1 MB; pytorch: 1.5 GB + libcublas 600 MB +
    // cuda-cudart 0.9 MB + python's 36.1 MB. Only through pytorch: all but python's part.
    expect(
      json.sizes?.roots.map((r) => [r.spec, r.reach.bytes, r.reach.gpuBytes, r.only.bytes]),
    ).toEqual([
      ['python=3.11', 36_100_000, 0, 36_100_000],
      ['pytorch', 2_137_000_000, 600_900_000, 2_100_900_000],
    ]);
    expect(json.sizes?.total).toEqual({
      packages: 6,
      bytes: 2_137_000_000,
      gpuBytes: 600_900_000,
      unknown: 0,
    });
  });

  it('text: what each root pulls in, and how much of it is CUDA libraries', async () => {
    const result = await envgen(['graph', '--prefix', prefix()], { cwd: repo() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'pytorch      pulls in 2.1 GB, 600.9 MB of it CUDA libraries; 2.1 GB only through it',
    );
    expect(result.stdout).toContain('cycle: ');
  });

  it('with a model named, the prefix is rooted at its spec: what it lacks is shown as not there', async () => {
    const json = await graphJson(['sentiment', '--prefix', prefix()], repo());
    expect(json.rootsFrom).toBe('spec');
    expect(json.roots.filter((r) => r.package !== null).map((r) => r.spec)).toEqual([
      'python=3.11',
      'pytorch==2.1.2',
      'pip',
    ]);
    const dir = prefix();
    const text = await envgen(['graph', 'sentiment', '--prefix', dir], { cwd: repo() });
    expect(text.stdout.split('\n')).toContain(`numpy<2 (not in ${dir})`);
  });

  it('why in a prefix, with no model: from what the history asked for', async () => {
    const json = await whyJson(['libcublas', '--prefix', prefix()], repo());
    expect(json.environments[0]?.model).toBeNull();
    expect(chains(json)).toEqual(['pytorch → libcublas >=12.1']);
  });
});

describe('golden text', () => {
  it('graph sentiment', async () => {
    const result = await envgen(['graph', 'sentiment'], { cwd: repo() });
    await expect(result.stdout).toMatchFileSnapshot('__golden__/graph-sentiment.txt');
  });

  it('why python sentiment', async () => {
    const result = await envgen(['why', 'python', 'sentiment'], { cwd: repo() });
    await expect(result.stdout).toMatchFileSnapshot('__golden__/why-python-sentiment.txt');
  });

  it('graph --prefix, with its sizes', async () => {
    const dir = prefix();
    const result = await envgen(['graph', '--prefix', dir], { cwd: repo() });
    await expect(result.stdout.replaceAll(dir, 'PREFIX')).toMatchFileSnapshot(
      '__golden__/graph-prefix.txt',
    );
  });
});

describe('flags', () => {
  it('--platform with --prefix is a usage error', async () => {
    const result = await envgen(['graph', '--prefix', prefix(), '--platform', 'linux-64'], {
      cwd: repo(),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[usage/invalid-flag]');
  });
});
