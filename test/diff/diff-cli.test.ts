/**
 * `envgen diff` end to end: the golden text and Markdown of a CUDA 11.8 lock against a CPU one,
 * two models of the example spec, --fail-on, bad inputs (exit 2), and REV:path in a git
 * repository made for the test.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const FIXTURES = resolve('fixtures');
const GPU = join(FIXTURES, 'diff/gpu-cu118.lock');
const CPU = join(FIXTURES, 'diff/cpu.lock');

async function diffJson(args: string[], cwd = FIXTURES) {
  const result = await runEnvgen(['diff', ...args, '--json'], { cwd });
  expect([result.exitCode, result.stderr]).toEqual([0, '']);
  return JSON.parse(result.stdout) as {
    from: { cuda: string | null; python: string | null; packages: number };
    to: { cuda: string | null; packages: number };
    changes: { package: string; class: string; classes: string[]; level: string | null }[];
    problems: unknown[];
  };
}

describe('envgen diff: a CUDA 11.8 lock against a CPU one', () => {
  it('classifies what the files differ in (fixtures/diff/SOURCE)', async () => {
    const diff = await diffJson(['diff/gpu-cu118.lock', 'diff/cpu.lock']);
    expect([diff.from.cuda, diff.to.cuda, diff.from.python]).toEqual(['11.8', 'cpu', '3.11']);
    const byClass = (cls: string) =>
      diff.changes.filter((c) => c.class === cls).map((c) => c.package);
    expect(byClass('variant')).toEqual([
      'cpuonly',
      'pytorch',
      'pytorch-cuda',
      'pytorch-mutex',
      'torchvision',
    ]);
    expect(byClass('removed')).toEqual(['cuda-cudart', 'libcublas']);
    expect(byClass('downgrade')).toEqual(['transformers']);
    expect(diff.changes).toHaveLength(8);
    expect(diff.changes[0]?.class).toBe('variant');
    expect(diff.problems).toEqual([]);
  });

  it('text and Markdown match the golden files', async () => {
    const text = await runEnvgen(['diff', 'diff/gpu-cu118.lock', 'diff/cpu.lock'], {
      cwd: FIXTURES,
    });
    expect(text.exitCode).toBe(0);
    await expect(text.stdout).toMatchFileSnapshot('golden/cuda118-to-cpu.txt');
    const markdown = await runEnvgen(
      ['diff', 'diff/gpu-cu118.lock', 'diff/cpu.lock', '--format', 'markdown'],
      { cwd: FIXTURES },
    );
    expect(markdown.exitCode).toBe(0);
    await expect(markdown.stdout).toMatchFileSnapshot('golden/cuda118-to-cpu.md.txt');
  });

  it('--fail-on: exit 1 for a class found, 0 for one not found, 2 for an unknown class', async () => {
    expect((await runEnvgen(['diff', GPU, CPU, '--fail-on', 'variant'])).exitCode).toBe(1);
    expect((await runEnvgen(['diff', GPU, CPU, '--fail-on', 'upgrade,abi'])).exitCode).toBe(0);
    expect((await runEnvgen(['diff', GPU, GPU, '--fail-on', 'any'])).exitCode).toBe(0);
    const bad = await runEnvgen(['diff', GPU, CPU, '--fail-on', 'variant,cuda']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('[usage/invalid-flag]');
  });
});

describe('envgen diff: models of the example spec', () => {
  it('sentiment against legacy-detector: CUDA 11.8 to 11.7, Python 3.11 to 3.9, torch 2.1 to 1.13', async () => {
    const diff = await diffJson(['sentiment', 'legacy-detector'], resolve('fixtures/example-repo'));
    const get = (name: string) => diff.changes.find((c) => c.package === name);
    expect([diff.from.cuda, diff.to.cuda]).toEqual(['11.8', '11.7']);
    expect(get('pytorch-cuda')?.classes).toEqual(['variant', 'downgrade']);
    expect(get('python')?.classes).toEqual(['abi', 'downgrade']);
    expect([get('pytorch')?.class, get('pytorch')?.level]).toEqual(['downgrade', 'major']);
    expect(get('torchserve')?.class).toBe('removed');
  });

  it('a name that is neither a file nor a model: exit 2 with the models', async () => {
    const result = await runEnvgen(['diff', 'sentimnet', 'sentiment', '--json'], {
      cwd: resolve('fixtures/example-repo'),
    });
    expect(result.exitCode).toBe(2);
    const [problem] = JSON.parse(result.stdout).problems;
    expect(problem.ruleId).toBe('usage/unknown-model');
    expect(problem.fix).toContain("did you mean 'sentiment'?");
  });

  it('a model against its own generated environment.yml: no change', async () => {
    const diff = await diffJson(
      ['sentiment', 'envs/sentiment/environment.yml'],
      resolve('fixtures/example-repo'),
    );
    expect(diff.from.packages).toBeGreaterThan(5);
    expect(diff.changes).toEqual([]);
  });

  it('a model with a lock is read from its lock and pip companion', async () => {
    const dir = tmpDir({
      'envgen.yaml': readFileSync('fixtures/example-repo/envgen.yaml', 'utf8'),
      'envs/sentiment/conda-linux-64.lock': readFileSync(GPU, 'utf8'),
      'envs/sentiment/pip-requirements.txt': 'torchserve==0.9.0\nopentelemetry-sdk\n',
    });
    const diff = await diffJson(['sentiment', join(FIXTURES, 'diff/cpu.lock')], dir);
    expect(diff.from.packages).toBe(11);
    expect(diff.changes.filter((c) => c.class === 'removed').map((c) => c.package)).toEqual([
      'cuda-cudart',
      'libcublas',
      'opentelemetry-sdk',
      'torchserve',
    ]);
  });
});

describe('envgen diff --platform', () => {
  it("reads a model's lock for the platform asked for", async () => {
    const dir = tmpDir({
      'envgen.yaml': readFileSync('fixtures/example-repo/envgen.yaml', 'utf8'),
      'envs/sentiment/conda-linux-64.lock': readFileSync(GPU, 'utf8'),
      'envs/sentiment/conda-linux-aarch64.lock': readFileSync(CPU, 'utf8').replace(
        '# platform: linux-64',
        '# platform: linux-aarch64',
      ),
    });
    const native = await diffJson(['sentiment', GPU], dir);
    expect(native.changes).toEqual([]);
    const arm = await diffJson(['sentiment', GPU, '--platform', 'linux-aarch64'], dir);
    expect(arm.from.cuda).toBe('cpu');
  });

  it("picks one platform of a multi-platform pixi.lock: the flag, else the other side's", async () => {
    const two = readFileSync('fixtures/pixi/numpy-as-pypi/pixi.lock', 'utf8').replace(
      '    packages:\n      osx-arm64:\n',
      '    packages:\n      linux-64:\n        - conda: https://prefix.dev/conda-forge/osx-arm64/bzip2-1.0.8-h99b78c6_7.conda\n      osx-arm64:\n',
    );
    const dir = tmpDir({ 'pixi.lock': two, 'one.lock': '# platform: linux-64\n@EXPLICIT\n' });
    const linux = await diffJson(['pixi.lock', 'one.lock'], dir);
    expect([linux.from.packages, linux.changes.map((c) => c.class)]).toEqual([1, ['removed']]);
    const osx = await diffJson(
      ['pixi.lock', join(FIXTURES, 'pixi/numpy-as-pypi/pixi.lock'), '--platform', 'osx-arm64'],
      dir,
    );
    expect(osx.changes).toEqual([]);
    const missing = await runEnvgen(['diff', 'pixi.lock', 'one.lock', '--platform', 'win-64'], {
      cwd: dir,
    });
    expect([missing.exitCode, missing.stderr.includes('[packages/no-platform]')]).toEqual([
      2,
      true,
    ]);
  });
});

describe('envgen diff pixi.lock#ENV', () => {
  const PT = 'https://conda.anaconda.org/pytorch/linux-64';
  const lock = [
    'version: 6',
    'environments:',
    '  default:',
    '    channels: []',
    '    packages:',
    '      linux-64:',
    `      - conda: ${PT}/pytorch-2.1.2-py3.11_cpu_0.tar.bz2`,
    '  cuda:',
    '    channels: []',
    '    packages:',
    '      linux-64:',
    `      - conda: ${PT}/pytorch-2.1.2-py3.11_cuda12.1_cudnn8.9.2_0.tar.bz2`,
    `      - conda: ${PT}/pytorch-cuda-12.1-ha16c6d3_6.tar.bz2`,
    'packages:',
    `- conda: ${PT}/pytorch-2.1.2-py3.11_cpu_0.tar.bz2`,
    `- conda: ${PT}/pytorch-2.1.2-py3.11_cuda12.1_cudnn8.9.2_0.tar.bz2`,
    `- conda: ${PT}/pytorch-cuda-12.1-ha16c6d3_6.tar.bz2`,
    '',
  ].join('\n');

  it('compares two environments of one pixi.lock', async () => {
    const dir = tmpDir({ 'pixi.lock': lock, 'requirements.txt': 'numpy==1.26.4\n' });
    const diff = await diffJson(['pixi.lock#cuda', 'pixi.lock'], dir);
    expect([diff.from.cuda, diff.to.cuda]).toEqual(['12.1', 'cpu']);
    expect(diff.changes.map((c) => [c.package, c.class])).toEqual([
      ['pytorch', 'variant'],
      ['pytorch-cuda', 'variant'],
    ]);
    const none = await runEnvgen(['diff', 'pixi.lock#gpu', 'pixi.lock', '--json'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(JSON.parse(none.stdout).problems[0].message).toContain("no environment 'gpu'");
    const other = await runEnvgen(['diff', 'requirements.txt#cuda', 'pixi.lock'], { cwd: dir });
    expect([other.exitCode, other.stderr.includes('[packages/unknown-kind]')]).toEqual([2, true]);
  });
});

describe('envgen diff: inputs it cannot read are exit 2', () => {
  it.each([
    [
      'an unknown shape',
      'notes.md',
      '# Notes\n\nnot packages\n',
      'packages/unknown-kind',
      undefined,
    ],
    [
      'a corrupt explicit lock',
      'conda-linux-64.lock',
      '@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda\nnot a url\n',
      'packages/corrupt',
      3,
    ],
    [
      'a bad hash',
      'x.lock',
      '@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda#zz\n',
      'packages/corrupt',
      2,
    ],
    [
      'a corrupt environment.yml',
      'environment.yml',
      'name: x\ndependencies:\n  - numpy\nname: y\n',
      // A duplicate key: the YAML itself cannot be read, as for envgen.yaml.
      'environment-yml/yaml-syntax',
      4,
    ],
    [
      'a pixi.lock that expands aliases without end',
      'pixi.lock',
      'version: 6\nenvironments: {}\npackages: []\nx:\n  - &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      'pixi-lock/alias-limit',
      undefined,
    ],
    [
      'an environment.yml nested 20,000 lists deep',
      'environment.yml',
      `name: x\ndependencies: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      'environment-yml/too-deep',
      undefined,
    ],
    [
      'an environment.yml with a bad entry',
      'environment.yml',
      'name: x\ndependencies:\n  - numpy\n  - {conda: 1}\n',
      'packages/corrupt',
      4,
    ],
    [
      'a pixi.lock of another version',
      'pixi.lock',
      'version: 5\nenvironments: {}\npackages: []\n',
      'packages/corrupt',
      1,
    ],
    [
      'a requirements file with a bad line',
      'requirements.txt',
      'numpy==1.26.4\n\nthis is not (a requirement)\n',
      'packages/corrupt',
      3,
    ],
    [
      'a binary file',
      'blob.lock',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]),
      'packages/unknown-kind',
      undefined,
    ],
  ])('%s', async (_name, file, content, code, line) => {
    const dir = tmpDir({ [file]: content });
    const result = await runEnvgen(['diff', file, GPU, '--json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const [problem] = JSON.parse(result.stdout).problems;
    expect([problem.ruleId, problem.file, problem.line]).toEqual([code, file, line]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing file, and a folder that is not an environment', async () => {
    const dir = tmpDir({ 'folder/readme.txt': 'x\n' });
    const missing = await runEnvgen(['diff', 'nope.lock', GPU], { cwd: dir });
    expect([missing.exitCode, missing.stderr.includes('[packages/not-found]')]).toEqual([2, true]);
    const folder = await runEnvgen(['diff', 'folder', GPU], { cwd: dir });
    expect([folder.exitCode, folder.stderr.includes('[prefix/not-an-environment]')]).toEqual([
      2,
      true,
    ]);
  });
});

describe('envgen diff REV:path', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      stdio: 'pipe',
    });

  function repo(): string {
    const dir = tmpDir();
    cpSync('fixtures/example-repo/envgen.yaml', join(dir, 'envgen.yaml'));
    mkdirSync(join(dir, 'envs/sentiment'), { recursive: true });
    writeFileSync(join(dir, 'envs/sentiment/conda-linux-64.lock'), readFileSync(GPU));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'gpu');
    writeFileSync(join(dir, 'envs/sentiment/conda-linux-64.lock'), readFileSync(CPU));
    return dir;
  }

  it('reads a lock and a model at a revision', async () => {
    const dir = repo();
    const lock = await diffJson(
      ['main:envs/sentiment/conda-linux-64.lock', 'envs/sentiment/conda-linux-64.lock'],
      dir,
    );
    expect([lock.from.cuda, lock.to.cuda, lock.changes.length]).toEqual(['11.8', 'cpu', 8]);
    const model = await diffJson(['main:sentiment', 'sentiment'], dir);
    expect(model.changes.map((c) => c.package)).toEqual(lock.changes.map((c) => c.package));
    const same = await diffJson(['HEAD:envs/sentiment/conda-linux-64.lock', GPU], dir);
    expect(same.changes).toEqual([]);
  });

  it('reads a file larger than what a process keeps of its output (64 KiB) whole', async () => {
    const dir = repo();
    const urls = Array.from(
      { length: 1500 },
      (_, i) =>
        `https://conda.anaconda.org/conda-forge/noarch/fixture-package-${i}-1.0.${i}-pyhd8ed1ab_0.conda#${'e'.repeat(32)}`,
    );
    const big = `# platform: linux-64\n@EXPLICIT\n${urls.join('\n')}\n`;
    expect(big.length).toBeGreaterThan(128 * 1024);
    writeFileSync(join(dir, 'big.lock'), big);
    git(dir, 'add', 'big.lock');
    git(dir, 'commit', '-qm', 'big');
    const diff = await diffJson(['HEAD:big.lock', 'big.lock'], dir);
    expect([diff.from.packages, diff.to.packages, diff.changes.length]).toEqual([1500, 1500, 0]);
  });

  it("a revision or path git does not have is exit 2 with git's reason", async () => {
    const dir = repo();
    const rev = await runEnvgen(
      ['diff', 'nosuch:envs/sentiment/conda-linux-64.lock', GPU, '--json'],
      { cwd: dir },
    );
    expect(rev.exitCode).toBe(2);
    const [problem] = JSON.parse(rev.stdout).problems;
    expect(problem.ruleId).toBe('packages/git-revision');
    expect(problem.message).toContain('nosuch');
    const path = await runEnvgen(['diff', 'main:envs/other.lock', GPU], { cwd: dir });
    expect([path.exitCode, path.stderr.includes('[packages/git-revision]')]).toEqual([2, true]);
  });
});

describe('envgen diff: installed environments and conda-lock.yml', () => {
  const PREFIXES = join(FIXTURES, 'prefixes');
  const changesOf = (stdout: string) =>
    (JSON.parse(stdout) as { changes: { package: string; class: string }[] }).changes.map((c) => [
      c.package,
      c.class,
    ]);

  it('two prefixes: a swapped build is rebuilt, an extra pip dist is added', async () => {
    // fixtures/prefixes/SOURCE.md: swapped-build gives flask build pyhd8ed1ab_1, extra-pip adds six.
    const clean = join(PREFIXES, 'clean');
    const rebuilt = await runEnvgen(['diff', clean, join(PREFIXES, 'swapped-build'), '--json']);
    expect([rebuilt.exitCode, changesOf(rebuilt.stdout)]).toEqual([0, [['flask', 'rebuilt']]]);
    const extra = await runEnvgen(['diff', clean, join(PREFIXES, 'extra-pip'), '--json']);
    expect(changesOf(extra.stdout)).toEqual([['six', 'added']]);
  });

  it('a prefix against the explicit lock it was installed from: only its pip dists differ', async () => {
    // conda-meta writes channels with their subdir; the lock does not: no channel change.
    const result = await runEnvgen([
      'diff',
      join(PREFIXES, 'clean'),
      join(PREFIXES, 'repo/envs/tagger/conda-linux-64.lock'),
      '--json',
    ]);
    expect(changesOf(result.stdout)).toEqual([['humanize', 'removed']]);
  });

  it("a real conda-lock.yml: one platform's entries, and a changed version in a copy", async () => {
    const file = join(FIXTURES, 'conda-lock/install-with-pip-deps/conda-lock.yml');
    const text = readFileSync(file, 'utf8');
    const entries = text.split('\n').filter((l) => l === '  platform: linux-64').length;
    const same = await runEnvgen(['diff', file, file, '--platform', 'linux-64', '--json']);
    expect(same.exitCode).toBe(0);
    const report = JSON.parse(same.stdout) as { from: { packages: number }; changes: unknown[] };
    expect([report.from.packages, report.changes]).toEqual([entries, []]);
    const dir = tmpDir({});
    const bumped = join(dir, 'conda-lock.yml');
    writeFileSync(
      bumped,
      text.replace("- name: idna\n  version: '3.4'\n", "- name: idna\n  version: '3.7'\n"),
    );
    const changed = await runEnvgen(['diff', file, bumped, '--platform', 'linux-64', '--json']);
    expect(changesOf(changed.stdout)).toEqual([['idna', 'upgrade']]);
  });
});
