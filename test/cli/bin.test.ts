/**
 * A few checks of the built executable (`npm test` builds first): the way users and CI run
 * envgen, through node and bin/envgen.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { fixtureZip } from '../vulns/osv-fixtures.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The fixtures' OSV records as an export zip (PyPI-all.zip's shape), in a temp folder. */
function osvZip(): string {
  const dir = mkdtempSync(join(tmpdir(), 'envgen-osv-'));
  writeFileSync(join(dir, 'PyPI-all.zip'), fixtureZip());
  return join(dir, 'PyPI-all.zip');
}

/** Each command, run through bin/envgen, exits and prints (stdout) as it does from source. */
async function expectSameAsSource(cases: string[][]): Promise<void> {
  for (const args of cases) {
    const bundled = await execa('node', ['bin/envgen', ...args], {
      reject: false,
      stripFinalNewline: false,
    });
    const source = await runEnvgen(args);
    expect([args, bundled.exitCode, bundled.stdout]).toEqual([
      args,
      source.exitCode,
      source.stdout,
    ]);
  }
}

describe('bin/envgen', () => {
  it('stops quietly when its reader goes away (`envgen rules --json | head -c 10`)', async () => {
    const child = execa('node', ['bin/envgen', 'rules', '--json'], { reject: false });
    // The reader is gone before envgen writes a byte.
    child.stdout?.destroy();
    const { stderr, exitCode } = await child;
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
  });

  it('generate through the bundle renders with the templates the build compiled as from source', async () => {
    // dist/templates.cjs (scripts/build.mjs) against the render goldens, rendered from templates/
    // (test/render/render-plan.test.ts): the same files but for the version (header, labels) and
    // so the hash.
    const dir = mkdtempSync(join(tmpdir(), 'envgen-bin-generate-'));
    cpSync('fixtures/render-matrix/envgen.yaml', join(dir, 'envgen.yaml'));
    const { exitCode } = await execa('node', ['bin/envgen', 'generate', '--cwd', dir]);
    expect(exitCode).toBe(0);
    const golden = 'test/render/__golden__/matrix';
    const same = (text: string, version: string): string =>
      text.replaceAll(version, 'VERSION').replace(/^# envgen-hash: .*$/m, '');
    const paths = (readdirSync(golden, { recursive: true }) as string[]).filter((path) =>
      statSync(join(golden, path)).isFile(),
    );
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths)
      expect(same(readFileSync(join(dir, path), 'utf8'), pkg.version), path).toBe(
        same(readFileSync(join(golden, path), 'utf8'), '0.0.0-test'),
      );
    rmSync(dir, { recursive: true, force: true });
  });

  it('init on a real repo through the bundle: its data tables, TOML and pip parsers, and notes', async () => {
    // demucs (fixtures/repos/facebookresearch__demucs): torchaudio<2.1 bounds torch through the
    // bundled pairings; the README's `pip install -e .` makes the repo a local package.
    const dir = mkdtempSync(join(tmpdir(), 'envgen-bin-init-'));
    cpSync('fixtures/repos/facebookresearch__demucs/repo', dir, { recursive: true });
    const { stdout, exitCode } = await execa(
      'node',
      ['bin/envgen', 'init', '--yes', '--json', '--name', 'demucs', '--cwd', dir],
      { reject: false },
    );
    expect(exitCode).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.model.torch.startsWith('2.0.')).toBe(true);
    expect(out.model.torchaudio.startsWith('2.0.')).toBe(true);
    expect(out.files).toContainEqual({ path: 'envs/demucs/Dockerfile', status: 'created' });
    expect(readFileSync(join(dir, 'envs/demucs/Dockerfile'), 'utf8')).toContain(
      'pip install --no-deps /tmp/envgen/src',
    );
    expect(out.notes.length).toBeGreaterThan(0);
    // The Python table and the domain-dependents table, as bundled.
    const small = mkdtempSync(join(tmpdir(), 'envgen-bin-init-'));
    writeFileSync(join(small, 'requirements.txt'), 'torch==2.2.2\nnumpy==1.24.3\nencodec==0.1.1\n');
    const second = await execa('node', ['bin/envgen', 'init', '--yes', '--json', '--cwd', small]);
    const model = JSON.parse(second.stdout).model;
    expect([model.python, model.torchaudio]).toEqual(['3.11', '2.2.2']);
    for (const d of [dir, small]) rmSync(d, { recursive: true, force: true });
  });

  it('vulns, diff and graph through the bundle answer as from source (fflate, PEP 440, YAML, DOT)', async () => {
    const lock = 'fixtures/diff/gpu-cu118.lock';
    const cases = [
      ['vulns', lock, '--db', 'fixtures/osv/records', '--json'],
      ['vulns', lock, '--db', osvZip(), '--json'],
      ['diff', lock, 'fixtures/diff/cpu.lock', '--json'],
      ['diff', 'fixtures/pixi-v7/rattler-minio/pixi.lock', lock, '--json'],
      ['graph', '--prefix', 'fixtures/prefixes/clean', '--format', 'dot'],
    ];
    await expectSameAsSource(cases);
  });

  it("this round's commands through the bundle answer as from source (ci, observe:, OBS rules, rollout --status)", async () => {
    const example = 'fixtures/example-repo';
    const cases = [
      ['ci', 'github', '--registry', 'ghcr.io/envgen/example', '--check', '--cwd', example],
      // The observe templates (gunicorn.conf.py, envgen_observe.py, envgen-observe), precompiled.
      ['generate', '--check', '--json', '--cwd', example],
      ['resolve', 'sentiment', '--json', '--cwd', example],
      ['audit', '--format', 'json', '--cwd', 'fixtures/obs-audit/metadata-service-otel'],
      [
        'rollout',
        '--status',
        '--json',
        '--root',
        mkdtempSync(join(tmpdir(), 'envgen-rollout-')),
        '--cwd',
        example,
      ],
    ];
    await expectSameAsSource(cases);
    // The OBS rules and the python target load in the bundle: the fixture's trap is found.
    const audit = await execa(
      'node',
      [
        'bin/envgen',
        'audit',
        '--format',
        'json',
        '--cwd',
        'fixtures/obs-audit/metadata-service-otel',
      ],
      { reject: false },
    );
    const ruleIds = (
      JSON.parse(audit.stdout) as { diagnostics: { ruleId: string }[] }
    ).diagnostics.map((d) => d.ruleId);
    expect(ruleIds).toContain('OBS001');
    // The GitLab pipeline the bundle writes is the one the source renders (its --check passes).
    const repo = mkdtempSync(join(tmpdir(), 'envgen-bin-ci-'));
    cpSync(example, repo, { recursive: true });
    const written = await execa('node', ['bin/envgen', 'ci', 'gitlab', '--cwd', repo], {
      reject: false,
    });
    expect(written.exitCode).toBe(0);
    expect(existsSync(join(repo, '.gitlab-ci.yml'))).toBe(true);
    expect((await runEnvgen(['ci', 'gitlab', '--check', '--cwd', repo])).exitCode).toBe(0);
  });

  it('--version prints the package version', async () => {
    const { stdout, exitCode } = await execa('node', ['bin/envgen', '--version']);
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('resolves the example repo and exits 0', async () => {
    const { stdout, exitCode } = await execa('node', [
      'bin/envgen',
      'resolve',
      '--json',
      '--cwd',
      'fixtures/example-repo',
    ]);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).models).toHaveLength(2);
  });

  it('resolves torch 1.9 from the bundled table: the link page of its era and the arch list source', async () => {
    const { stdout, exitCode } = await execa('node', [
      'bin/envgen',
      'resolve',
      '--json',
      '--torch',
      '1.9',
      '--cuda',
      '10.2',
      '--source',
      'pip',
    ]);
    expect(exitCode).toBe(0);
    const [model] = JSON.parse(stdout).models;
    expect(model.pip.slice(0, 2)).toEqual([
      '--find-links https://download.pytorch.org/whl/torch_stable.html',
      'torch==1.9.1+cu102',
    ]);
    expect(model.archs).toEqual(['3.7', '5.0', '6.0', '7.0']);
    expect(model.archSources).toEqual(['S42']);
    expect(model.minDriver).toEqual({ toolkit: '440.33', compat: null });
    expect(model.reasons.join('\n')).toContain('no minor-version compatibility before CUDA 11');
  });

  it('ENV006 reads the bundled table (and its WASM version specs) on a real file', async () => {
    // fixtures/real-envs/stylegan3 (see its SOURCE): pytorch=1.9.1 with the cudatoolkit of its build.
    const result = await execa(
      'node',
      ['bin/envgen', 'audit', '--format', 'json', 'fixtures/real-envs/stylegan3/environment.yml'],
      { reject: false },
    );
    const ids = JSON.parse(result.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain('ENV006');
  });

  it('exits 2 on bad input without a stack trace', async () => {
    const result = await execa('node', ['bin/envgen', 'resolve', '--torch', '9.9'], {
      reject: false,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[resolve/unknown-torch]');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('start-up stays lean: --version, rules and a plain resolve load neither the WASM version parser nor Ajv', async () => {
    // Lists the modules loaded after a command, through Node's own module registry.
    const probe = `
      import { createRequire } from 'node:module';
      import { main } from './dist/envgen.cjs';
      import { readFile } from 'node:fs/promises';
      const quiet = { write() {}, isTTY: false };
      await main(process.argv.slice(1), { cwd: process.cwd(), env: {}, stdinIsTTY: false, hostPlatform: 'linux-64', stdout: quiet,
        stderr: quiet, readFile, exists: async () => false, readDir: async () => [], writeFileAtomic: async () => {}, now: () => 0, prompt: async () => '' });
      const cache = Object.keys(createRequire(import.meta.url).cache);
      process.stdout.write(JSON.stringify({ rattler: cache.some((p) => p.includes('rattler')), ajv: cache.some((p) => p.includes('/ajv/')) }));
    `;
    const run = async (...args: string[]) =>
      JSON.parse(
        (await execa('node', ['--input-type=module', '-e', probe, '--', ...args])).stdout,
      ) as { rattler: boolean; ajv: boolean };
    expect(await run('--version')).toEqual({ rattler: false, ajv: false });
    expect(await run('rules')).toEqual({ rattler: false, ajv: false });
    // A plain spec is answered without rattler; a compound one loads it (so the probe can see it).
    expect((await run('resolve', '--torch', '2.1')).rattler).toBe(false);
    expect((await run('resolve', '--torch', '>=2.1,<2.3')).rattler).toBe(true);
  });

  // A real terminal: util-linux `script` runs the bundle on a pseudo-terminal, so init asks its
  // questions and the keys reach readline as a user's would (Ctrl-C is 0x03, Ctrl-D 0x04).
  it.skipIf(!existsSync('/usr/bin/script') || process.platform !== 'linux')(
    'Ctrl-C or Ctrl-D at an init question on a terminal: exit 130, quietly, nothing written',
    async () => {
      for (const [key, answersFirst] of [
        ['\u0003', ''],
        ['\u0004', ''],
        ['\u0003', '\r'],
      ] as const) {
        const dir = mkdtempSync(join(tmpdir(), 'envgen-bin-tty-'));
        writeFileSync(join(dir, 'requirements.txt'), 'torch==2.2.2\n');
        const command = `'${process.execPath}' '${resolve('bin/envgen')}' init`;
        const child = execa('script', ['-qfec', command, '/dev/null'], {
          cwd: dir,
          env: { TERM: 'xterm', NO_COLOR: '1' },
          reject: false,
          timeout: 60_000,
        });
        let screen = '';
        let pressed = false;
        let answered = answersFirst === '';
        child.stdout?.on('data', (chunk: Buffer) => {
          screen += chunk.toString();
          // Answer the first question (taking its default), then press the key at the next.
          if (!answered && screen.includes('Model name [')) {
            answered = true;
            child.stdin?.write(answersFirst);
          } else if (
            answered &&
            !pressed &&
            screen.includes(answersFirst ? 'torch [' : 'Model name [')
          ) {
            pressed = true;
            child.stdin?.write(key);
          }
        });
        const { exitCode } = await child;
        expect(pressed).toBe(true);
        expect(exitCode).toBe(130);
        expect(screen).not.toMatch(/internal error|at \S+ \(|Error:/);
        expect(readdirSync(dir)).toEqual(['requirements.txt']);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
