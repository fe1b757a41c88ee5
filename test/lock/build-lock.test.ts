/**
 * `envgen build` for a model with a lock: it installs the lock (no solve) with the fake conda of
 * fixtures/bin, then the pip companion with the fake environment's pip, and refuses a lock
 * that is no longer what envgen.yaml locks to. The lock itself comes from a real solve against
 * fixtures/channels served on 127.0.0.1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BIN as BIN, fakeTools } from '../helpers/fake-tools.js';
import {
  type FixtureChannelServer,
  NO_PROXY_ENV,
  serveChannels,
} from '../helpers/fixture-channel.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

let channel: FixtureChannelServer;

beforeEach(async () => {
  channel = await serveChannels();
});
afterEach(async () => {
  await channel.close();
});

async function lockedRepo(pip: string) {
  const spec = `version: 1
lock:
  mirrors:
    conda-forge: ${channel.url}/conda-forge
models:
  tagger:
    torch: "2.5"
    python: "3.11"
    cuda: cpu
    source: conda-forge
    pip: ${pip}
`;
  const dir = tmpDir({ 'envgen.yaml': spec });
  const fakes = fakeTools(dir, { version: '2.5.1', cuda: '' });
  const env = { ...fakes.env, ENVGEN_CACHE_DIR: join(dir, '.cache'), ...NO_PROXY_ENV };
  expect((await runEnvgen(['lock'], { cwd: dir, env })).exitCode).toBe(0);
  const { calls } = fakes;
  return { dir, env, calls };
}

describe('envgen build with a lock', () => {
  it('installs the explicit lock without a solve, then the pip companion', async () => {
    const { dir, env, calls } = await lockedRepo('["requests==2.32.3"]');
    const result = await runEnvgen(['build', '--json', '--conda', join(BIN, 'conda')], {
      cwd: dir,
      env,
    });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.models[0].steps.map((s: { name: string }) => s.name)).toEqual([
      'create',
      'pip',
      'smoke',
    ]);
    const create = calls().find((c) => c.tool === 'conda' && c.argv[0] === 'create');
    expect(create?.argv).toEqual([
      'create',
      '--yes',
      '--prefix',
      join(dir, '.envgen', 'envs', 'tagger'),
      '--override-channels',
      '--channel',
      'conda-forge',
      '--file',
      join(dir, 'envs', 'tagger', 'conda-linux-64.lock'),
      '--json',
    ]);
    expect(calls().some((c) => c.argv.includes('env'))).toBe(false);
    const pip = calls().find((c) => c.tool === 'pip');
    expect(pip?.argv[0]).toBe(
      `install --requirement ${join(dir, 'envs', 'tagger', 'pip-requirements.txt')}`,
    );
  });

  it('reports a pip companion that pip cannot install', async () => {
    const { dir, env } = await lockedRepo('["requests==2.32.3"]');
    const result = await runEnvgen(['build', '--json', '--conda', join(BIN, 'conda')], {
      cwd: dir,
      env: { ...env, FAKE_PIP_FAIL: 'requests==2.32.3' },
    });
    expect(result.exitCode).toBe(1);
    const model = JSON.parse(result.stdout).models[0];
    expect(model.problems[0].ruleId).toBe('build/pip-failed');
    expect(model.steps.at(-1)).toMatchObject({ name: 'pip', ok: false });
  });

  it('refuses a stale lock before creating anything (exit 1)', async () => {
    const { dir, env, calls } = await lockedRepo('[]');
    const path = join(dir, 'envgen.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('python: "3.11"', 'python: "3.12"'));
    // The Dockerfile follows the spec; the lock does not until `envgen lock` runs again.
    expect((await runEnvgen(['generate'], { cwd: dir, env })).exitCode).toBe(0);
    const result = await runEnvgen(['build'], { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('envs/tagger/conda-linux-64.lock is stale');
    expect(result.stderr).toContain('[lock/out-of-date]');
    expect(calls().filter((c) => c.tool === 'conda' && c.argv[0] === 'create')).toEqual([]);
  });
});
