/**
 * `envgen rollout` with real parts: Debian's gunicorn (/usr/bin/python3 has it, and Flask)
 * serving a small WSGI app on 127.0.0.1, started from `<root>/<model>/current/bin/...` of an
 * environment made by the fake conda (fixtures/bin/conda, its python a wrapper around
 * /usr/bin/python3 with FAKE_CONDA_PYTHON), switched under a bounded load of node http
 * requests. The app answers with the name of the environment it runs in; its health path
 * fails in an environment whose file asks for `flask>=2`, and it does not import in one that
 * asks for `flask>=1`.
 *
 * Every server is started in a process group of its own and the group is killed after each
 * test; every loop is bounded in count and time; nothing asserts on timing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeTools } from '../helpers/fake-tools.js';
import { freePort, isRunning } from '../helpers/processes.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const SYSTEM_PYTHON = '/usr/bin/python3';
/** Debian's gunicorn and Flask (`apt-get install gunicorn python3-flask`; .ci/run installs them). */
const GUNICORN_READY =
  existsSync(SYSTEM_PYTHON) &&
  spawnSync(SYSTEM_PYTHON, ['-c', 'import gunicorn, flask'], { stdio: 'ignore', timeout: 10_000 })
    .status === 0;

const APP = `import os

ENV = os.environ.get("ENVGEN_FAKE_ENV", "")
with open(os.path.join(ENV, ".envgen-fake-spec")) as spec:
    SPEC = spec.read()
HEALTHY = "flask>=2" not in SPEC
if "flask>=1" in SPEC:
    raise RuntimeError("this environment cannot load the app")


def app(environ, start_response):
    if environ["PATH_INFO"] == "/healthz" and not HEALTHY:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"unhealthy\\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [os.path.basename(ENV).encode()]
`;

/** Waits until a file exists, or gives up: for a lock file, bounded. */
const WAIT_FOR_GO = `import os, sys, time
for _ in range(400):
    if os.path.exists("go"):
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
`;

function spec(port: number, conda: string, warmup = false): string {
  return `version: 1
models:
  chat:
    torch: "2.1"
    python: "3.11"
    cuda: "11.8"
    source: pytorch
    conda: ${conda}
    serve:
      command: ["gunicorn", "-b", "127.0.0.1:${port}", "app:app"]
      port: ${port}
      health: /healthz
${warmup ? '      warmup:\n        command: ["python", "wait_for_go.py"]\n        timeout: 60\n' : ''}`;
}

const V1 = '[gunicorn]';
const V2 = '[gunicorn, flask]';
const UNHEALTHY = '[gunicorn, "flask>=2"]';
const BROKEN = '[gunicorn, "flask>=1"]';

/** One GET to 127.0.0.1: the status and body, or the error's code. */
function get(
  port: number,
  path = '/',
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, timeout: 10_000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => done({ status: response.statusCode ?? 0, body }));
        response.on('error', (error) => done({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) =>
      done({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
    );
    req.end();
  });
}

/** Requests, 4 at a time, until stopped, at most `max` of them or `maxMs`: the failures kept. */
function load(port: number, max = 20_000, maxMs = 60_000) {
  let stopped = false;
  let sent = 0;
  const failures: string[] = [];
  const bodies = new Set<string>();
  const deadline = Date.now() + maxMs;
  const worker = async (): Promise<void> => {
    while (!stopped && sent < max && Date.now() < deadline) {
      sent++;
      const answer = await get(port);
      if ('error' in answer) failures.push(answer.error);
      else if (answer.status !== 200) failures.push(`HTTP ${answer.status}`);
      else bodies.add(answer.body);
    }
  };
  const workers = Promise.all([worker(), worker(), worker(), worker()]);
  return {
    stop: async () => {
      stopped = true;
      await workers;
      return { sent, failures, bodies };
    },
  };
}

const groups: number[] = [];

afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

interface Setup {
  dir: string;
  port: number;
  env: Record<string, string | undefined>;
  root: string;
  pidfile: string;
}

/** A repo whose model `chat` is rolled out once (V1) with no service, then served by gunicorn. */
async function served(): Promise<Setup & { server: ChildProcess }> {
  const setup = await rolledOutOnce();
  // Started as users start it: the script `envgen generate` wrote, which runs
  // <root>/chat/current/bin/python <root>/chat/current/bin/gunicorn --pid <root>/chat/gunicorn.pid.
  const server = spawn(
    'sh',
    [join(setup.dir, 'envs', 'chat', 'envgen-serve'), '-w', '2', '--graceful-timeout', '5'],
    {
      cwd: setup.dir,
      detached: true,
      stdio: 'ignore',
      env: { ...cleanEnv(), ENVGEN_ROOT: setup.root },
    },
  );
  if (server.pid) groups.push(server.pid);
  // Ready when it answers (bounded).
  for (let attempt = 0; attempt < 200; attempt++) {
    const answer = await get(setup.port);
    if ('status' in answer && answer.status === 200) break;
    await sleep(50);
  }
  expect(await get(setup.port)).toMatchObject({ status: 200 });
  return { ...setup, server };
}

/** The environment gunicorn runs with: this one's, without test variables. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS')
      env[key] = value;
  }
  return env;
}

async function rolledOutOnce(): Promise<Setup> {
  const port = await freePort();
  const dir = tmpDir({ 'envgen.yaml': spec(port, V1), 'app.py': APP });
  expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
  const { env } = fakeTools(dir, { version: '2.1.2', cuda: '11.8' });
  const fullEnv = { ...env, FAKE_CONDA_PYTHON: SYSTEM_PYTHON };
  const root = join(dir, 'rollouts');
  const first = await runEnvgen(['rollout', 'chat', '--root', root, '--json'], {
    cwd: dir,
    env: fullEnv,
  });
  expect(first.exitCode, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, outcome: 'switched', from: null });
  return { dir, port, env: fullEnv, root, pidfile: join(root, 'chat', 'gunicorn.pid') };
}

async function changeSpec(setup: Setup, conda: string): Promise<void> {
  writeFileSync(join(setup.dir, 'envgen.yaml'), spec(setup.port, conda));
  expect((await runEnvgen(['generate'], { cwd: setup.dir })).exitCode).toBe(0);
}

/** An environment's folder name, `chat@<hash>`: what the app answers with. */
function name(path: string): string | undefined {
  return path.split('/').at(-1);
}

function target(setup: Setup): string {
  return readlinkSync(join(setup.root, 'chat', 'current'));
}

function masterPid(setup: Setup): number {
  return Number(readFileSync(setup.pidfile, 'utf8').trim());
}

// A missing gunicorn is a failure, never a skip: .ci/run installs Debian's packages.
beforeAll(() => {
  if (!GUNICORN_READY) {
    throw new Error(
      'these tests run Debian gunicorn and Flask under /usr/bin/python3: apt-get install -y --no-install-recommends gunicorn python3-flask (as .ci/run does)',
    );
  }
});

// Seconds each; the limit leaves room for a loaded CI machine (every wait inside is bounded).
describe('envgen rollout with a real gunicorn', { timeout: 90_000 }, () => {
  it('switches a served model to a new environment under load with no failed request, then rolls back', async () => {
    const setup = await served();
    const v1 = target(setup);
    const oldMaster = masterPid(setup);
    await changeSpec(setup, V2);

    const traffic = load(setup.port);
    const result = await runEnvgen(
      ['rollout', 'chat', '--root', setup.root, '--pidfile', setup.pidfile, '--json'],
      { cwd: setup.dir, env: setup.env },
    );
    // A few more requests after the switch, all from the new environment.
    const after = await Promise.all([1, 2, 3, 4, 5].map(() => get(setup.port)));
    const seen = await traffic.stop();
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, outcome: 'switched', from: v1 });
    const v2 = target(setup);
    expect(v2).not.toBe(v1);
    expect(report.to).toBe(v2);
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual(
      expect.arrayContaining([
        'create',
        'smoke',
        'switch',
        'usr2',
        'new-master',
        'health',
        'retire-old-master',
      ]),
    );
    expect(seen.sent).toBeGreaterThan(0);
    expect(seen.failures).toEqual([]);
    // The traffic spanned the switch: answers came from both environments.
    expect(seen.bodies).toEqual(new Set([name(v1), name(v2)]));
    expect(after.map((a) => ('body' in a ? a.body : a.error))).toEqual(Array(5).fill(name(v2)));
    // The old master is gone; the pidfile holds the new one (gunicorn renamed <pidfile>.2).
    expect(masterPid(setup)).not.toBe(oldMaster);
    expect(isRunning(oldMaster)).toBe(false);

    // --status: both environments and an answering service; the log has every step.
    const status = await runEnvgen(['rollout', '--status', '--root', setup.root, '--json'], {
      cwd: setup.dir,
    });
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).models[0]).toMatchObject({
      name: 'chat',
      current: { path: v2, hash: name(v2)?.split('@')[1], exists: true },
      previous: { path: v1, exists: true },
      service: { answers: true },
    });
    const log = readFileSync(join(setup.root, 'rollout.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log.filter((l) => l.step === 'switch').length).toBe(2);

    // --rollback: back to v1, through the same gunicorn sequence.
    const back = await runEnvgen(
      ['rollout', 'chat', '--rollback', '--root', setup.root, '--pidfile', setup.pidfile, '--json'],
      { cwd: setup.dir, env: setup.env },
    );
    expect(back.exitCode, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({
      ok: true,
      outcome: 'switched',
      from: v2,
      to: v1,
    });
    expect(target(setup)).toBe(v1);
    expect(readlinkSync(join(setup.root, 'chat', 'previous'))).toBe(v2);
    expect(await get(setup.port)).toEqual({ status: 200, body: name(v1) });
  });

  it('never switches to an environment whose smoke check fails (CPU torch in a CUDA model)', async () => {
    const setup = await served();
    const v1 = target(setup);
    const master = masterPid(setup);
    await changeSpec(setup, V2);
    const result = await runEnvgen(
      ['rollout', 'chat', '--root', setup.root, '--pidfile', setup.pidfile, '--json'],
      { cwd: setup.dir, env: { ...setup.env, STUB_TORCH_CUDA: '' } },
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, outcome: 'not-switched' });
    const codes = report.problems.map((p: { ruleId: string }) => p.ruleId);
    expect(codes).toEqual(expect.arrayContaining(['smoke/cpu-build', 'rollout/not-switched']));
    expect(report.steps.map((s: { step: string }) => s.step)).not.toContain('switch');
    expect(target(setup)).toBe(v1);
    expect(existsSync(`${setup.pidfile}.2`)).toBe(false);
    expect(masterPid(setup)).toBe(master);
    expect(await get(setup.port)).toEqual({ status: 200, body: v1.split('/').at(-1) });
  });

  it('rolls back an environment whose health check fails; the old master keeps serving', async () => {
    const setup = await served();
    const v1 = target(setup);
    const master = masterPid(setup);
    await changeSpec(setup, UNHEALTHY);
    const result = await runEnvgen(
      [
        'rollout',
        'chat',
        '--root',
        setup.root,
        '--pidfile',
        setup.pidfile,
        '--health-timeout',
        '3',
        '--json',
      ],
      { cwd: setup.dir, env: setup.env },
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, outcome: 'rolled-back', from: v1, to: v1 });
    expect(report.problems.map((p: { ruleId: string }) => p.ruleId)).toContain('rollout/health');
    expect(report.problems[0].message).toContain(String(master));
    expect(report.problems[0].fix).toContain(join(setup.root, 'rollout.jsonl'));
    expect(target(setup)).toBe(v1);
    expect(masterPid(setup)).toBe(master);
    expect(isRunning(master)).toBe(true);
    // Only the old master's workers answer (bounded: a few requests).
    for (let i = 0; i < 6; i++) {
      expect(await get(setup.port, '/healthz')).toEqual({
        status: 200,
        body: v1.split('/').at(-1),
      });
    }
  });
  it('rolls back when the new master cannot start its workers; the old master keeps serving', async () => {
    const setup = await served();
    const v1 = target(setup);
    const master = masterPid(setup);
    await changeSpec(setup, BROKEN);
    const result = await runEnvgen(
      ['rollout', 'chat', '--root', setup.root, '--pidfile', setup.pidfile, '--json'],
      { cwd: setup.dir, env: setup.env },
    );
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: false, outcome: 'rolled-back', to: v1 });
    // gunicorn's new master exits when a worker fails to boot: seen while it starts, or while
    // its health is checked.
    expect(['rollout/new-master', 'rollout/health']).toContain(report.problems[0].ruleId);
    expect(target(setup)).toBe(v1);
    expect(masterPid(setup)).toBe(master);
    expect(await get(setup.port)).toEqual({ status: 200, body: name(v1) });
  });
});

describe('envgen rollout without a server', { timeout: 60_000 }, () => {
  it('refuses a second rollout of the model while one runs (exit 3, rollout/locked)', async () => {
    const port = await freePort();
    const setup = await (async () => {
      const dir = tmpDir({
        'envgen.yaml': spec(port, V1, true),
        'app.py': APP,
        'wait_for_go.py': WAIT_FOR_GO,
      });
      expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
      const { env } = fakeTools(dir, { version: '2.1.2', cuda: '11.8' });
      return {
        dir,
        env: { ...env, FAKE_CONDA_PYTHON: SYSTEM_PYTHON },
        root: join(dir, 'rollouts'),
      };
    })();
    const first = runEnvgen(['rollout', 'chat', '--root', setup.root, '--json'], {
      cwd: setup.dir,
      env: setup.env,
    });
    const lock = join(setup.root, 'chat', 'rollout.lock');
    for (let i = 0; i < 400 && !existsSync(lock); i++) await sleep(25);
    expect(existsSync(lock)).toBe(true);
    const second = await runEnvgen(['rollout', 'chat', '--root', setup.root, '--json'], {
      cwd: setup.dir,
      env: setup.env,
    });
    writeFileSync(join(setup.dir, 'go'), '');
    const firstResult = await first;
    expect(second.exitCode).toBe(3);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ok: false,
      outcome: 'refused',
      problems: [{ ruleId: 'rollout/locked' }],
    });
    expect(firstResult.exitCode, firstResult.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('--keep N removes older environments, never current or previous', async () => {
    const port = await freePort();
    const dir = tmpDir({ 'envgen.yaml': spec(port, V1), 'app.py': APP });
    const env = {
      ...fakeTools(dir, { version: '2.1.2', cuda: '11.8' }).env,
      FAKE_CONDA_PYTHON: SYSTEM_PYTHON,
    };
    const root = join(dir, 'rollouts');
    const made: string[] = [];
    for (const conda of [V1, V2, UNHEALTHY, '[gunicorn, "flask>=1"]']) {
      writeFileSync(join(dir, 'envgen.yaml'), spec(port, conda));
      expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
      const result = await runEnvgen(['rollout', 'chat', '--root', root, '--keep', '3', '--json'], {
        cwd: dir,
        env,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      made.push(JSON.parse(result.stdout).to);
    }
    // Four built, three kept: the oldest went; current and previous are the last two.
    expect(existsSync(made[0] as string)).toBe(false);
    for (const kept of made.slice(1)) expect(existsSync(kept)).toBe(true);
    expect(readlinkSync(join(root, 'chat', 'current'))).toBe(made[3]);
    expect(readlinkSync(join(root, 'chat', 'previous'))).toBe(made[2]);
    // Rolled back to previous, then --keep 1 keeps both links' environments all the same.
    const back = await runEnvgen(['rollout', 'chat', '--rollback', '--root', root, '--json'], {
      cwd: dir,
      env,
    });
    expect(JSON.parse(back.stdout)).toMatchObject({ ok: true, from: made[3], to: made[2] });
    const again = await runEnvgen(['rollout', 'chat', '--root', root, '--keep', '1', '--json'], {
      cwd: dir,
      env,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      outcome: 'switched',
      from: made[2],
      to: made[3],
    });
    expect(existsSync(made[1] as string)).toBe(false);
    expect(existsSync(made[2] as string)).toBe(true);
    expect(existsSync(made[3] as string)).toBe(true);
  });
});
