/**
 * `envgen rollout` without a server: flags, refusals, the warm-up, reuse, a stale lock and
 * --status, over environments made by the fake conda (fixtures/bin). The real-gunicorn
 * tests are in rollout-gunicorn.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fakeTools } from '../helpers/fake-tools.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

function spec(conda: string, warmup?: string): string {
  return `version: 1
models:
  chat:
    torch: "2.1"
    python: "3.11"
    cuda: "11.8"
    source: pytorch
    conda: ${conda}
    serve:
      command: ["python", "serve.py"]
      port: 1
      health: /healthz
${warmup ? `      warmup:\n        command: ${warmup}\n        timeout: 30\n` : ''}`;
}

async function repo(conda = '[]', warmup?: string) {
  const dir = tmpDir({ 'envgen.yaml': spec(conda, warmup) });
  expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
  const { env } = fakeTools(dir, { version: '2.1.2', cuda: '11.8' });
  const root = join(dir, 'rollouts');
  const rollout = (...args: string[]) =>
    runEnvgen(['rollout', ...args, '--root', root], { cwd: dir, env });
  return { dir, env, root, rollout };
}

const json = (stdout: string) => JSON.parse(stdout);
const codes = (stdout: string): string[] =>
  json(stdout).problems.map((p: { ruleId: string }) => p.ruleId);

describe('envgen rollout: flags', () => {
  it.each([
    [['--json'], 'no model'],
    [['chat', '--signal', 'HUP', '--json'], '--signal without --pidfile'],
    [['chat', '--pidfile', 'p', '--signal', 'KILL', '--json'], 'a signal not offered'],
    [['chat', '--pidfile', 'p', '--restart-command', 'true', '--json'], 'two ways at once'],
    [['chat', '--restart-command', '["sh", 1]', '--json'], 'a JSON list that is not of strings'],
    [['chat', '--restart-command', ' ', '--json'], 'an empty command'],
    [['chat', '--keep', '0', '--json'], '--keep 0'],
    [['chat', '--health-timeout', 'soon', '--json'], 'a timeout that is no number'],
  ])('%j is a usage error (%s)', async (args) => {
    const { rollout } = await repo();
    const result = await rollout(...args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[usage/invalid-flag]');
  });
});

describe('envgen rollout', () => {
  it('switches with no service named, reuses nothing twice, and says when nothing changed', async () => {
    const { root, rollout } = await repo();
    const first = await rollout('chat', '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    const report = json(first.stdout);
    expect(report).toMatchObject({ ok: true, outcome: 'switched', from: null, problems: [] });
    expect(report.to).toBe(join(root, `chat@${report.hash}`));
    expect(report.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(report.to);
    expect(existsSync(join(root, 'chat', 'previous'))).toBe(false);
    const again = await rollout('chat', '--json');
    expect(again.exitCode).toBe(0);
    expect(json(again.stdout)).toMatchObject({ ok: true, outcome: 'unchanged', to: report.to });
    const log = readFileSync(join(root, 'rollout.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({
      model: 'chat',
      step: 'done',
      ok: true,
      detail: 'unchanged',
    });
    // Each run's lines share their rollout id; the two runs have two.
    expect(new Set(log.map((l) => l.rollout)).size).toBe(2);
  });

  it('reuses an existing environment that passes the smoke check, and rebuilds one that does not', async () => {
    const { dir, env, root, rollout } = await repo();
    const first = json((await rollout('chat', '--json')).stdout);
    // Back to nothing: the environment stays on disk, current is removed by hand.
    const current = join(root, 'chat', 'current');
    unlinkSync(current);
    const reused = await rollout('chat', '--json');
    expect(json(reused.stdout).steps.map((s: { step: string }) => s.step)).toContain('reuse');
    expect(json(reused.stdout).steps.map((s: { step: string }) => s.step)).not.toContain('create');
    unlinkSync(current);
    // Its smoke check now fails (a CPU torch): it is built again (and fails again: not switched).
    const rebuilt = await runEnvgen(['rollout', 'chat', '--root', root, '--json'], {
      cwd: dir,
      env: { ...env, STUB_TORCH_CUDA: '' },
    });
    expect(rebuilt.exitCode).toBe(1);
    const steps = json(rebuilt.stdout).steps.map((s: { step: string; ok: boolean }) => [
      s.step,
      s.ok,
    ]);
    expect(steps).toEqual(
      expect.arrayContaining([
        ['reuse', false],
        ['create', true],
        ['smoke', false],
      ]),
    );
    // The failed smoke check's last lines, where its problem's fix says they are.
    const failed = json(rebuilt.stdout).steps.filter((s: { ok: boolean }) => !s.ok);
    expect(failed.find((s: { step: string }) => s.step === 'smoke').log).toMatch(/\S/);
    expect(codes(rebuilt.stdout)).toEqual(
      expect.arrayContaining(['smoke/cpu-build', 'rollout/not-switched']),
    );
    expect(existsSync(current)).toBe(false);
    // Built again at the same path and kept there for inspection (--keep prunes it).
    expect(json(rebuilt.stdout).hash).toBe(first.hash);
  });

  it('does not switch when the warm-up fails, and names it', async () => {
    const { rollout, root } = await repo(
      '[]',
      '["python", "-c", "import sys; print(\'weights missing\'); sys.exit(3)"]',
    );
    const result = await rollout('chat', '--json');
    expect(result.exitCode).toBe(1);
    const report = json(result.stdout);
    expect(report.outcome).toBe('not-switched');
    expect(codes(result.stdout)).toEqual(['rollout/warmup', 'rollout/not-switched']);
    expect(report.steps.find((s: { step: string }) => s.step === 'warmup').detail).toContain(
      'weights missing',
    );
    expect(existsSync(join(root, 'chat', 'current'))).toBe(false);
  });

  it('runs the warm-up with the environment first on PATH', async () => {
    const { rollout, root } = await repo(
      '[]',
      '["python", "-c", "import os, sys; sys.exit(0 if os.environ[\'ENVGEN_FAKE_ENV\'] in sys.executable else 4)"]',
    );
    const result = await rollout('chat', '--json');
    expect(result.exitCode, result.stdout).toBe(0);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(json(result.stdout).to);
    // Shown as it runs, as build's steps are (up to serve.warmup.timeout).
    expect(result.stderr).toMatch(/chat: warmup ok \(/);
  });

  it('refuses to switch when the service in --pidfile is not running (exit 3), and switches nothing', async () => {
    const { dir, root, rollout } = await repo();
    await rollout('chat');
    const before = readlinkSync(join(root, 'chat', 'current'));
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    writeFileSync(join(dir, 'gone.pid'), `${deadPid()}\n`);
    const result = await rollout('chat', '--pidfile', join(dir, 'gone.pid'), '--json');
    expect(result.exitCode).toBe(3);
    expect(codes(result.stdout)).toEqual(['rollout/no-service', 'rollout/not-switched']);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(before);
  });

  it('runs --restart-command after the switch and again after rolling back a failed health check', async () => {
    const { dir, root, rollout } = await repo();
    await rollout('chat');
    const before = readlinkSync(join(root, 'chat', 'current'));
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    const calls = join(dir, 'restarts.txt');
    // Port 1 answers nothing: the health check fails after --health-timeout.
    const result = await rollout(
      'chat',
      '--health-timeout',
      '1',
      '--json',
      '--restart-command',
      JSON.stringify(['sh', '-c', `readlink "${join(root, 'chat', 'current')}" >> "${calls}"`]),
    );
    expect(result.exitCode).toBe(1);
    expect(json(result.stdout).outcome).toBe('rolled-back');
    expect(codes(result.stdout)).toEqual(['rollout/health']);
    const restarts = readFileSync(calls, 'utf8').trim().split('\n');
    expect(restarts).toHaveLength(2);
    expect(restarts[0]).not.toBe(before);
    expect(restarts[1]).toBe(before);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(before);
    // Telling the service and waiting for its health is shown as a step of its own.
    expect(result.stderr).toMatch(/chat: service \.\.\.\n/);
    expect(result.stderr).toMatch(/chat: service failed \(/);
  });

  it('--signal HUP signals the process in --pidfile, and again after rolling back', async () => {
    const { dir, root, rollout } = await repo();
    await rollout('chat');
    const before = readlinkSync(join(root, 'chat', 'current'));
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    const hups = join(dir, 'hups.txt');
    // A stand-in server that notes each HUP (bounded: it ends by itself after 30 s).
    const server = spawn(
      'sh',
      [
        '-c',
        `trap 'echo hup >> "${hups}"' HUP; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
      ],
      { stdio: 'ignore' },
    );
    try {
      writeFileSync(join(dir, 'server.pid'), `${server.pid}\n`);
      const result = await rollout(
        'chat',
        '--pidfile',
        join(dir, 'server.pid'),
        '--signal',
        'SIGHUP',
        '--health-timeout',
        '1',
        '--json',
      );
      // Port 1 answers nothing: the health check fails, the link goes back, HUP is sent again.
      expect(result.exitCode).toBe(1);
      expect(codes(result.stdout)).toEqual(['rollout/health']);
      expect(readlinkSync(join(root, 'chat', 'current'))).toBe(before);
      for (let i = 0; i < 100 && lines(hups) < 2; i++) await sleep(20);
      expect(lines(hups)).toBe(2);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('a failing --restart-command is rolled back with rollout/restart', async () => {
    const { dir, root, rollout } = await repo();
    await rollout('chat');
    const before = readlinkSync(join(root, 'chat', 'current'));
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    const result = await rollout('chat', '--json', '--restart-command', 'false');
    expect(result.exitCode).toBe(1);
    expect(codes(result.stdout)).toContain('rollout/restart');
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(before);
  });

  // The moment a rollback is needed may be the moment the spec stops resolving: it needs only
  // the spec's serve: and the links, never a resolution or a build.
  it('--rollback goes back when the spec no longer resolves; a rollout of that spec is refused', async () => {
    const { dir, root, rollout } = await repo();
    await rollout('chat');
    const first = readlinkSync(join(root, 'chat', 'current'));
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    await rollout('chat');
    expect(readlinkSync(join(root, 'chat', 'current'))).not.toBe(first);
    // No torch 1.0 for CUDA 11.8: the spec is valid YAML and schema, and does not resolve.
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]').replace('torch: "2.1"', 'torch: "1.0"'));
    const refused = await rollout('chat', '--json');
    expect(refused.exitCode).toBe(2);
    const back = await rollout('chat', '--rollback', '--json');
    expect(back.exitCode, back.stdout).toBe(0);
    expect(json(back.stdout).to).toBe(first);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(first);
  });

  it("refuses a model for another platform than this machine's before building (exit 3)", async () => {
    const { dir, root, rollout } = await repo();
    writeFileSync(
      join(dir, 'envgen.yaml'),
      spec('[]')
        .replace('torch: "2.1"', 'torch: "2.4"')
        .replace('cuda: "11.8"', 'cuda: cpu\n    platform: linux-aarch64')
        .replace('source: pytorch', 'source: conda-forge'),
    );
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    const result = await rollout('chat', '--json');
    expect(result.exitCode).toBe(3);
    expect(codes(result.stdout)).toEqual(['rollout/other-platform']);
    expect(existsSync(root)).toBe(false);
  });

  it('--rollback with no previous environment is a usage error', async () => {
    const { rollout } = await repo();
    await rollout('chat');
    const result = await rollout('chat', '--rollback', '--json');
    expect(result.exitCode).toBe(2);
    expect(codes(result.stdout)).toEqual(['rollout/no-previous']);
  });

  it('--rollback to a previous environment removed since is refused, and nothing is switched', async () => {
    const { root, rollout } = await repo();
    await rollout('chat');
    const current = readlinkSync(join(root, 'chat', 'current'));
    // previous points at a versioned environment that is gone (deleted by hand); then at a
    // folder that is no environment (its contents deleted).
    symlinkSync(join(root, 'chat@000000000000'), join(root, 'chat', 'previous'));
    for (const left of ['nothing', 'an empty folder']) {
      if (left === 'an empty folder') mkdirSync(join(root, 'chat@000000000000'));
      const result = await rollout('chat', '--rollback', '--json');
      expect(result.exitCode).toBe(2);
      expect(codes(result.stdout)).toEqual(['rollout/no-previous']);
      expect(readlinkSync(join(root, 'chat', 'current'))).toBe(current);
      // --status says the same of it as the rollback does.
      const status = json((await rollout('--status', '--json')).stdout);
      expect(status.models[0].previous.exists).toBe(false);
      expect(status.models[0].current.exists).toBe(true);
    }
  });

  it("by default keeps its folders in .envgen/rollout, apart from envgen build's .envgen/envs", async () => {
    const { dir, env } = await repo();
    const result = await runEnvgen(['rollout', 'chat', '--json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const rolloutRoot = join(dir, '.envgen', 'rollout');
    const to = json(result.stdout).to;
    expect(to).toBe(join(rolloutRoot, `chat@${json(result.stdout).hash}`));
    expect(readlinkSync(join(rolloutRoot, 'chat', 'current'))).toBe(to);
    expect(existsSync(join(rolloutRoot, 'rollout.jsonl'))).toBe(true);
    expect(existsSync(join(dir, '.envgen', 'envs', 'chat'))).toBe(false);
    // envgen build then creates its environment in its own folder and leaves the links alone.
    const build = await runEnvgen(['build', 'chat'], { cwd: dir, env });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(existsSync(join(dir, '.envgen', 'envs', 'chat', 'conda-meta'))).toBe(true);
    expect(readlinkSync(join(rolloutRoot, 'chat', 'current'))).toBe(to);
    // The generated script starts from that root.
    expect(readFileSync(join(dir, 'envs', 'chat', 'envgen-serve'), 'utf8')).toContain(
      'root=.envgen/rollout\n',
    );
  });

  it("refuses a root where <root>/<model> is envgen build's environment", async () => {
    const { root, rollout } = await repo();
    mkdirSync(join(root, 'chat', 'conda-meta'), { recursive: true });
    const result = await rollout('chat', '--json');
    expect(result.exitCode).toBe(2);
    expect(codes(result.stdout)).toEqual(['rollout/root-conflict']);
  });

  it('takes over a lock left by a rollout whose process is gone, with a warning', async () => {
    const { root, rollout } = await repo();
    mkdirSync(join(root, 'chat'), { recursive: true });
    writeFileSync(
      join(root, 'chat', 'rollout.lock'),
      JSON.stringify({ pid: deadPid(), token: 'old', since: '2026-01-01T00:00:00.000Z' }),
    );
    const result = await rollout('chat', '--json');
    expect(result.exitCode).toBe(0);
    expect(codes(result.stdout)).toEqual(['rollout/stale-lock']);
    expect(existsSync(join(root, 'chat', 'rollout.lock'))).toBe(false);
  });

  it('--status lists current and previous, and that nothing answers', async () => {
    const { dir, root, rollout } = await repo();
    const first = json((await rollout('chat', '--json')).stdout);
    writeFileSync(join(dir, 'envgen.yaml'), spec('[curl]'));
    await runEnvgen(['generate'], { cwd: dir });
    const second = json((await rollout('chat', '--json')).stdout);
    const status = await runEnvgen(['rollout', '--status', '--root', root], { cwd: dir });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`current   ${second.hash}  ${second.to}`);
    expect(status.stdout).toContain(`previous  ${first.hash}  ${first.to}`);
    expect(status.stdout).toContain('http://127.0.0.1:1/healthz: does not answer');
    const asJson = json(
      (await runEnvgen(['rollout', '--status', '--root', root, '--json'], { cwd: dir })).stdout,
    );
    expect(asJson).toMatchObject({
      root,
      problems: [],
      models: [
        {
          name: 'chat',
          current: { path: second.to, hash: second.hash, exists: true },
          previous: { path: first.to, hash: first.hash, exists: true },
          service: { answers: false, status: null },
        },
      ],
    });
    expect(typeof asJson.models[0].current.switchedAt).toBe('number');
  });
});

function lines(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').length : 0;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(child.stdout).trim());
}
