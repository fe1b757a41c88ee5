/**
 * `envgen build` end to end. There is no conda, Docker or GPU here: fixtures/bin holds small
 * fake `conda`/`micromamba`/`docker` executables (they record their arguments and environment)
 * and fixtures/stub-torch a stand-in `torch` module, driven by STUB_* variables. The code path
 * is the one used with the real tools.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeTools } from '../helpers/fake-tools.js';
import { isRunning } from '../helpers/processes.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const BIN = resolve('fixtures/bin');

const SPEC = `version: 1
models:
  chat:
    torch: "2.1"
    python: "3.11"
    cuda: "11.8"
    source: pytorch
    conda: [numpy]
  tagger:
    torch: "2.1"
    python: "3.11"
    cuda: cpu
    source: pip
`;

/** A model repo with generated files, and the environment for the fakes. */
async function repo(spec = SPEC) {
  const dir = tmpDir({ 'envgen.yaml': spec });
  expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
  const { env, calls } = fakeTools(dir, { version: '2.1.2', cuda: '11.8' });
  return { dir, env, calls };
}

describe('envgen build', () => {
  it('creates each environment with CONDA_OVERRIDE_CUDA for GPU models and passes the smoke check', async () => {
    const { dir, env, calls } = await repo();
    const result = await runEnvgen(['build', 'chat', '--json'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(
      report.models[0].steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok]),
    ).toEqual([
      ['create', true],
      ['smoke', true],
    ]);
    expect(report.models[0].smoke).toMatchObject({ torch: '2.1.2', cuda: '11.8' });
    const create = calls().find((c) => c.argv.includes('create'));
    expect(create?.tool).toBe('micromamba');
    expect(create?.argv).toEqual([
      'create',
      '--yes',
      '--strict-channel-priority',
      '--prefix',
      join(dir, '.envgen/envs/chat'),
      '--file',
      join(dir, 'envs/chat/environment.yml'),
    ]);
    expect(create?.env.CONDA_OVERRIDE_CUDA).toBe('11.8');
  });

  it('catches the CPU build of torch installed where CUDA was resolved', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'chat', '--json'], {
      cwd: dir,
      env: { ...env, STUB_TORCH_CUDA: '' },
    });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.models[0].problems.map((p: { ruleId: string }) => p.ruleId)).toEqual([
      'smoke/cpu-build',
    ]);
  });

  it('catches a wrong torch version and a CUDA build where the CPU build was resolved', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'tagger', '--json'], {
      cwd: dir,
      env: { ...env, STUB_TORCH_VERSION: '2.0.1' },
    });
    expect(result.exitCode).toBe(1);
    const ids = JSON.parse(result.stdout).models[0].problems.map(
      (p: { ruleId: string }) => p.ruleId,
    );
    expect(ids).toEqual(['smoke/torch-version', 'smoke/cuda-build']);
  });

  it('a package that does not solve fails with conda’s own message, and the prefix is removed', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'chat', '--json', '--conda', join(BIN, 'conda')], {
      cwd: dir,
      env: { ...env, FAKE_CONDA_FAIL: 'solve' },
    });
    expect(result.exitCode).toBe(1);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.problems[0].ruleId).toBe('build/solve');
    expect(model.problems[0].message).toContain('PackagesNotFoundError');
    expect(model.steps[0].log).toContain('PackagesNotFoundError');
    expect(existsSync(join(dir, '.envgen/envs/chat'))).toBe(false);
  });

  it('a failed environment is removed, unless --keep keeps it for inspection', async () => {
    const { dir, env } = await repo();
    const leftover = join(dir, '.envgen/envs/chat');
    const failing = { cwd: dir, env: { ...env, FAKE_CONDA_FAIL: 'solve' } };
    mkdirSync(leftover, { recursive: true });
    await runEnvgen(['build', 'chat', '--conda', join(BIN, 'conda')], failing);
    expect(existsSync(leftover)).toBe(false);
    mkdirSync(leftover, { recursive: true });
    await runEnvgen(['build', 'chat', '--keep', '--conda', join(BIN, 'conda')], failing);
    expect(existsSync(leftover)).toBe(true);
  });

  it('text output: the table on stdout; problems and step logs on stderr, the fix naming where the log is', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'chat', '--timeout', '2s'], {
      cwd: dir,
      env: { ...env, FAKE_CONDA_FAIL: 'hang' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/^model\s+result/);
    expect(result.stdout).not.toContain('error');
    expect(result.stdout).not.toContain('[build/timeout]');
    expect(result.stderr).toContain('[build/timeout]');
    // The fix names the heading the log is printed under, and that heading is there.
    const heading = '--- chat: create (last lines) ---';
    expect(result.stderr).toMatch(
      /fix: read the create step's log: .*--- chat: create \(last lines\) ---/,
    );
    expect(result.stderr.split('\n').filter((line) => line === heading)).toHaveLength(1);
  });

  it('a hanging tool is stopped with its whole process tree at --timeout (exit 3)', async () => {
    const { dir, env } = await repo();
    const pidFile = join(dir, 'child.pid');
    const result = await runEnvgen(['build', 'chat', '--json', '--timeout', '2s'], {
      cwd: dir,
      env: { ...env, FAKE_CONDA_FAIL: 'hang', FAKE_CHILD_PID_FILE: pidFile },
    });
    expect(result.exitCode).toBe(3);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.steps[0]).toMatchObject({ name: 'create', ok: false, timedOut: true });
    expect(model.problems[0].ruleId).toBe('build/timeout');
    const child = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((done) => setTimeout(done, 300));
    expect(isRunning(child)).toBe(false);
  });

  it('no conda tool: exit 3 with how to install one', async () => {
    const { dir } = await repo();
    const result = await runEnvgen(['build'], {
      cwd: dir,
      env: { PATH: '/nonexistent', MAMBA_EXE: undefined, CONDA_EXE: undefined },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('[build/no-conda]');
    expect(result.stderr).toContain('micromamba');
  });

  it('files that are not current stop the build (exit 1) unless --write', async () => {
    const { dir, env } = await repo();
    writeFileSync(join(dir, 'envgen.yaml'), SPEC.replace('cuda: "11.8"', 'cuda: "12.1"'));
    const stale = await runEnvgen(['build', 'chat'], { cwd: dir, env });
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('[generate/out-of-date]');
    const written = await runEnvgen(['build', 'chat', '--write', '--json'], {
      cwd: dir,
      env: { ...env, STUB_TORCH_CUDA: '12.1' },
    });
    expect(written.exitCode).toBe(0);
  });

  it('several models in parallel, with JUnit and a GitHub step summary', async () => {
    const { dir, env } = await repo();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const result = await runEnvgen(
      ['build', '--jobs', '2', '--junit', 'build.xml', '--report', 'report.json'],
      {
        cwd: dir,
        env: { ...env, GITHUB_STEP_SUMMARY: summary },
      },
    );
    // The stub has one torch for both: chat passes, tagger (the CPU build) sees a CUDA build.
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.models.map((m: { name: string; ok: boolean }) => [m.name, m.ok])).toEqual([
      ['chat', true],
      ['tagger', false],
    ]);
    const junit = readFileSync(join(dir, 'build.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="envgen build" tests="4" failures="1">');
    expect(junit).toMatch(
      /<testcase classname="envgen.build.tagger" name="smoke"[^>]*>\s*<failure/,
    );
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown.startsWith('# earlier step\n')).toBe(true);
    expect(markdown).toContain('| chat |');
    expect(result.stderr).toMatch(/\[\d\d:\d\d:\d\d\] chat: create \.\.\./);
  });

  it("installs the repo's own packages (localPackages) after the environment, without dependencies", async () => {
    const spec = SPEC.replace(
      '    conda: [numpy]\n',
      '    conda: [numpy]\n    localPackages: ["."]\n',
    );
    const { dir, env, calls } = await repo(spec);
    const result = await runEnvgen(['build', 'chat', '--json'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.steps.map((s: { name: string }) => s.name)).toEqual([
      'create',
      'local-packages',
      'smoke',
    ]);
    const pip = calls().filter((c) => c.tool === 'pip');
    expect(pip).toHaveLength(1);
    expect(pip[0]?.argv).toEqual([`install --no-deps ${dir}`]);
  });

  it('a repo package that pip cannot install fails the build with build/pip-failed', async () => {
    const spec = SPEC.replace(
      '    conda: [numpy]\n',
      '    conda: [numpy]\n    localPackages: ["."]\n',
    );
    const { dir, env } = await repo(spec);
    const result = await runEnvgen(['build', 'chat', '--json'], {
      cwd: dir,
      env: { ...env, FAKE_PIP_FAIL: 'x' },
    });
    expect(result.exitCode).toBe(1);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.problems.map((p: { ruleId: string }) => p.ruleId)).toEqual(['build/pip-failed']);
    expect(model.steps.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ['create', true],
      ['local-packages', false],
    ]);
  });

  it('--docker builds the images with bake and runs the smoke check inside them', async () => {
    const { dir, env, calls } = await repo();
    const script = join(dir, 'envs/smoke_check.py');
    const result = await runEnvgen(['build', 'chat', '--docker', '--json'], {
      cwd: dir,
      env: { ...env, FAKE_DOCKER_SMOKE_SCRIPT: script },
    });
    expect(result.exitCode).toBe(0);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.steps.map((s: { name: string }) => s.name)).toEqual([
      'create',
      'smoke',
      'image',
      'image-smoke',
    ]);
    const docker = calls().filter((c) => c.tool === 'docker');
    // buildx and the daemon are checked before anything is built.
    expect(docker.map((c) => c.argv.slice(0, 2))).toEqual([
      ['buildx', 'version'],
      ['info', '--format'],
      ['buildx', 'bake'],
      ['run', '--rm'],
    ]);
    expect(docker[2]?.argv).toEqual([
      'buildx',
      'bake',
      '--file',
      'docker-bake.hcl',
      '--load',
      'chat',
    ]);
    // The image just built, under a tag of envgen's own, never pulled.
    expect(docker[2]?.env).toMatchObject({ TAG: 'envgen-check' });
    expect(docker[3]?.argv).toEqual(expect.arrayContaining(['--pull=never', 'chat:envgen-check']));
  });

  it('--docker --builder NAME: the builder is checked (bootstrapped), then bakes, with the registry cache variables', async () => {
    const { dir, env, calls } = await repo();
    const result = await runEnvgen(['build', 'chat', '--docker', '--builder', 'k8s', '--json'], {
      cwd: dir,
      env: {
        ...env,
        FAKE_DOCKER_BUILDERS: 'default,k8s',
        FAKE_DOCKER_SMOKE_SCRIPT: join(dir, 'envs/smoke_check.py'),
        CACHE_REGISTRY: 'ghcr.io/acme/models/',
        CACHE_WRITE: 'true',
      },
    });
    expect(result.exitCode).toBe(0);
    const docker = calls().filter((c) => c.tool === 'docker');
    expect(docker.map((c) => c.argv.slice(0, 2))).toEqual([
      ['buildx', 'version'],
      ['info', '--format'],
      ['buildx', 'inspect'],
      ['buildx', 'bake'],
      ['run', '--rm'],
    ]);
    expect(docker[2]?.argv).toEqual(['buildx', 'inspect', 'k8s', '--bootstrap']);
    expect(docker[3]?.argv).toEqual([
      'buildx',
      'bake',
      '--builder',
      'k8s',
      '--file',
      'docker-bake.hcl',
      '--load',
      'chat',
    ]);
    // The bake file's cache variables reach bake from the environment; the image checked keeps
    // envgen's own tag and no registry.
    expect(docker[3]?.env).toMatchObject({
      CACHE_REGISTRY: 'ghcr.io/acme/models/',
      CACHE_WRITE: 'true',
      REGISTRY: '',
      TAG: 'envgen-check',
    });
  });

  it('--builder: a builder that is not there or does not answer is exit 3 with the fix, before anything is built', async () => {
    for (const [extra, text] of [
      [{}, 'no builder "k8s" found'],
      [
        { FAKE_DOCKER_BUILDERS: 'default,k8s', FAKE_DOCKER_DOWN_BUILDERS: 'k8s' },
        'failed to bootstrap',
      ],
    ] as const) {
      const { dir, env, calls } = await repo();
      const result = await runEnvgen(['build', 'chat', '--docker', '--builder', 'k8s'], {
        cwd: dir,
        env: { ...env, ...extra },
      });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain('[build/no-builder]');
      expect(result.stderr).toContain(text);
      expect(result.stderr).toMatch(/fix: `docker buildx ls` lists the builders/);
      expect(calls().some((c) => c.argv.includes('create') || c.argv.includes('bake'))).toBe(false);
    }
  });

  it('--builder without --docker, or a name buildx would not take: exit 2', async () => {
    const { dir, env } = await repo();
    for (const argv of [
      ['build', 'chat', '--builder', 'k8s'],
      ['build', 'chat', '--docker', '--builder', '--oops'],
      ['build', 'chat', '--docker', '--builder', 'a b'],
    ]) {
      const result = await runEnvgen(argv, { cwd: dir, env });
      expect(result.exitCode, argv.join(' ')).toBe(2);
    }
    const without = await runEnvgen(['build', 'chat', '--builder', 'k8s'], { cwd: dir, env });
    expect(without.stderr).toContain('[usage/invalid-flag]');
    expect(without.stderr).toContain('add --docker');
  });

  it('--docker without docker: exit 3', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'chat', '--docker', '--conda', join(BIN, 'conda')], {
      cwd: dir,
      env: { ...env, PATH: '/usr/bin:/bin' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('[build/no-docker]');
  });

  it('--docker without buildx, or with no daemon answering: exit 3 with a fix, before anything is built', async () => {
    for (const [variable, ruleId] of [
      ['FAKE_DOCKER_NO_BUILDX', 'build/no-buildx'],
      ['FAKE_DOCKER_MISSING_DAEMON', 'build/docker-daemon'],
    ] as const) {
      const { dir, env, calls } = await repo();
      const result = await runEnvgen(['build', 'chat', '--docker'], {
        cwd: dir,
        env: { ...env, [variable]: '1' },
      });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain(`[${ruleId}]`);
      expect(result.stderr).toMatch(/fix: .*(buildx plugin|start the daemon)/);
      expect(result.stdout).toBe('');
      // Nothing was created or baked: the check comes first.
      expect(calls().some((c) => c.argv.includes('create') || c.argv.includes('bake'))).toBe(false);
    }
  });

  it('--gpu requires a visible GPU whose architecture the build carries, and a working device', async () => {
    const { dir, env } = await repo();
    const none = await runEnvgen(['build', 'chat', '--gpu', '--json'], { cwd: dir, env });
    expect(
      JSON.parse(none.stdout).models[0].problems.map((p: { ruleId: string }) => p.ruleId),
    ).toContain('smoke/no-gpu');
    const gpus = {
      ...env,
      STUB_GPUS: 'NVIDIA H100 80GB HBM3=9.0',
      STUB_ARCH_LIST: 'sm_50,sm_60,sm_70,sm_75,sm_80,sm_86',
    };
    const arch = await runEnvgen(['build', 'chat', '--gpu', '--json'], {
      cwd: dir,
      env: {
        ...gpus,
        STUB_MATMUL_ERROR: 'CUDA error: no kernel image is available for execution on the device',
      },
    });
    expect(
      JSON.parse(arch.stdout).models[0].problems.map((p: { ruleId: string }) => p.ruleId),
    ).toEqual(['smoke/arch', 'smoke/device-op']);
    const fine = await runEnvgen(['build', 'chat', '--gpu', '--json'], {
      cwd: dir,
      env: { ...gpus, STUB_ARCH_LIST: 'sm_80,sm_86,sm_90' },
    });
    expect(fine.exitCode).toBe(0);
  });

  it('Ctrl-C stops the running tool tree, removes the half-made environment and exits 130', async () => {
    const { dir, env } = await repo();
    const pidFile = join(dir, 'child.pid');
    const running = runEnvgen(['build', 'chat', '--json'], {
      cwd: dir,
      env: { ...env, FAKE_CONDA_FAIL: 'hang', FAKE_CHILD_PID_FILE: pidFile },
    });
    while (!existsSync(pidFile)) await new Promise((done) => setTimeout(done, 50));
    process.emit('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(JSON.parse(result.stdout).models[0].problems[0].ruleId).toBe('build/canceled');
    expect(existsSync(join(dir, '.envgen/envs/chat'))).toBe(false);
    await new Promise((done) => setTimeout(done, 300));
    expect(isRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('on a terminal, progress is a live line per model; TERM=dumb gets plain lines', async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['build', 'chat'], {
      cwd: dir,
      env: { ...env, TERM: 'xterm' },
      tty: true,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('\r\u001b[J  chat: create');
    expect(result.stderr.match(/chat: smoke ok \(\d+\.\ds\)/g)).toHaveLength(1);
    const dumb = await runEnvgen(['build', 'chat'], {
      cwd: dir,
      env: { ...env, TERM: 'dumb' },
      tty: true,
    });
    expect(dumb.exitCode).toBe(0);
    expect(dumb.stderr).toMatch(/chat: smoke ok \(\d+\.\ds\)/);
    expect(dumb.stderr).not.toContain('\u001b');
  });

  it('another platform’s environment is solved for that platform, and not run here', async () => {
    const { dir, env, calls } = await repo(
      `${SPEC}  arm:\n    torch: "2.4"\n    python: "3.11"\n    cuda: cpu\n    source: pip\n    platform: linux-aarch64\n`,
    );
    const result = await runEnvgen(['build', 'arm', '--json'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const create = calls().find((c) => c.argv.includes('create'));
    expect(create?.argv.slice(-2)).toEqual(['--platform', 'linux-aarch64']);
    expect(JSON.parse(result.stdout).models[0].steps[1]).toMatchObject({
      name: 'smoke',
      skipped: true,
    });
  });

  it('a smoke check that crashes after its report, or hangs, fails the model', async () => {
    const { dir, env } = await repo();
    // The stub torch stands in for a crash at interpreter exit (a common CUDA failure).
    const crash = await runEnvgen(['build', 'chat', '--json'], {
      cwd: dir,
      env: { ...env, STUB_EXIT_CODE: '139' },
    });
    expect(crash.exitCode).toBe(1);
    expect(
      JSON.parse(crash.stdout).models[0].problems.map((p: { ruleId: string }) => p.ruleId),
    ).toEqual(['smoke/exit']);
    const hang = await runEnvgen(['build', 'chat', '--json', '--timeout', '2s'], {
      cwd: dir,
      env: { ...env, STUB_IMPORT_SLEEP: '30' },
    });
    expect(hang.exitCode).toBe(3);
    const model = JSON.parse(hang.stdout).models[0];
    expect(model.ok).toBe(false);
    expect(model.problems.map((p: { ruleId: string }) => p.ruleId)).toEqual(['build/timeout']);
  });

  it('keeps environments out of git', async () => {
    const { dir, env } = await repo();
    await runEnvgen(['build', 'chat'], { cwd: dir, env });
    expect(readFileSync(join(dir, '.envgen/envs/.gitignore'), 'utf8')).toContain('*');
  });
});
