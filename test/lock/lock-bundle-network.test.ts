/**
 * `envgen lock` as users run it, the built `bin/envgen`, on the network: behind a proxy on
 * 127.0.0.1. Run from the bundle, in a process of its own, because the defect was in the bundle
 * (undici's proxy agent).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FixtureChannelServer,
  NO_PROXY_ENV,
  serveChannels,
} from '../helpers/fixture-channel.js';
import { type LoopbackProxy, serveProxy } from '../helpers/loopback-proxy.js';
import { runBuiltEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const LINUX = '/conda-forge/linux-64/repodata.json';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function channel(): Promise<FixtureChannelServer> {
  const server = await serveChannels();
  servers.push(server);
  return server;
}

async function proxy(): Promise<LoopbackProxy> {
  const server = await serveProxy();
  servers.push(server);
  return server;
}

/** A repo locking one CPU model from `server`'s conda-forge, through the built CLI. */
async function lock(
  server: FixtureChannelServer,
  options: { env?: Record<string, string | undefined>; args?: string[]; lockExtra?: string } = {},
) {
  const dir = tmpDir({
    'envgen.yaml': `version: 1
lock:
  mirrors:
    conda-forge: ${server.url}/conda-forge
${options.lockExtra ?? ''}models:
  tagger:
    torch: "2.5"
    python: "3.12"
    cuda: cpu
    source: conda-forge
`,
  });
  const cache = join(dir, '.cache');
  const result = await runBuiltEnvgen(['lock', '--json', ...(options.args ?? [])], {
    cwd: dir,
    env: { ENVGEN_CACHE_DIR: cache, ...NO_PROXY_ENV, ...options.env },
  });
  const out = result.stdout
    ? (JSON.parse(result.stdout) as { problems: { ruleId: string; message: string }[] })
    : { problems: [] };
  return {
    ...result,
    codes: out.problems.filter((p) => p.ruleId !== 'lock/pip-unpinned').map((p) => p.ruleId),
    messages: out.problems.map((p) => p.message).join('\n'),
    wroteLocks: existsSync(join(dir, 'envs')),
  };
}

/** No panic text, no stack trace, no internal error: only envgen's own report. */
function expectClean(stderr: string): void {
  expect(stderr).not.toMatch(/panicked|RuntimeError|wasm-function|\n\s+at |internal error/);
}

describe('bin/envgen lock behind an HTTP proxy (issue 16, item 1)', () => {
  it('goes through HTTP_PROXY from the bundle, and around it for NO_PROXY hosts', async () => {
    const server = await channel();
    const through = await proxy();
    const proxied = await lock(server, { env: { HTTP_PROXY: through.url } });
    expect(proxied.exitCode).toBe(0);
    expectClean(proxied.stderr);
    expect(proxied.codes).toEqual([]);
    const host = server.url.replace('http://', '');
    expect(through.carried.length).toBeGreaterThan(0);
    expect(new Set(through.carried)).toEqual(new Set([host]));

    const around = await proxy();
    const direct = await lock(server, {
      env: { HTTPS_PROXY: around.url, HTTP_PROXY: around.url, NO_PROXY: '127.0.0.1' },
    });
    expect(direct.exitCode).toBe(0);
    expect(around.carried).toEqual([]);
    expect(server.requests.some((r) => r.path === LINUX && r.status === 200)).toBe(true);
  });

  it('a proxy that does not answer is a channel that cannot be reached (exit 3)', async () => {
    const server = await channel();
    const gone = await proxy();
    await gone.close();
    const result = await lock(server, { env: { http_proxy: gone.url } });
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-unreachable']);
    expect(result.wroteLocks).toBe(false);
  });
});
