/**
 * `envgen lock` as users run it, the built `bin/envgen`, on the network: behind a proxy, and
 * against hostile channels on 127.0.0.1 (docs/../fuzz-2026-12.md D3, D8, D9, D13). Run from the
 * bundle, in a process of its own, because the defects were in the bundle (undici's proxy agent)
 * and in what only a process shows (a WASM panic's uncaught error, memory).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FixtureChannelServer,
  type HostileRoutes,
  NO_PROXY_ENV,
  serveChannels,
} from '../helpers/fixture-channel.js';
import { type LoopbackProxy, serveProxy } from '../helpers/loopback-proxy.js';
import { runBuiltEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const LINUX = '/conda-forge/linux-64/repodata.json';
const linux = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../fixtures/channels/conda-forge/linux-64/repodata.json'),
    'utf8',
  ),
) as {
  info: Record<string, unknown>;
  'packages.conda': Record<string, Record<string, unknown>>;
};

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function channel(hostile: HostileRoutes = {}): Promise<FixtureChannelServer> {
  const server = await serveChannels(undefined, { hostile });
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
    lockText: () => readFileSync(join(dir, 'envs/tagger/conda-linux-64.lock'), 'utf8'),
    wroteLocks: existsSync(join(dir, 'envs')),
    cachedBytes: () => sumSizes(cache),
  };
}

function sumSizes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/** No panic text, no stack trace, no internal error: only envgen's own report. */
function expectClean(stderr: string): void {
  expect(stderr).not.toMatch(/panicked|RuntimeError|wasm-function|\n\s+at |internal error/);
}

function send(body: string | Buffer, headers: Record<string, string> = {}) {
  return (response: ServerResponse) => {
    response.writeHead(200, headers);
    response.end(body);
  };
}

function withInfo(info: Record<string, unknown>): string {
  return JSON.stringify({ ...linux, info: { ...linux.info, ...info }, repodata_version: 2 });
}

/** A zstd frame of raw (stored) blocks: a valid .zst that needs no encoder. */
function zstdStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0])];
  const size = Buffer.alloc(4);
  size.writeUInt32LE(data.length);
  parts.push(size);
  const BLOCK = 128 * 1024;
  for (let at = 0; at < data.length || at === 0; at += BLOCK) {
    const chunk = data.subarray(at, at + BLOCK);
    const last = at + BLOCK >= data.length ? 1 : 0;
    const header = last | (chunk.length << 3);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}

/** A zstd bomb: `blocks` RLE blocks of 128 KiB each, 4 bytes apiece in the file. */
function zstdBomb(blocks: number): Buffer {
  // No content size; window descriptor 0x38: a 128 KiB window.
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  for (let i = 0; i < blocks; i++) {
    const header = (i === blocks - 1 ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, 0x20]));
  }
  return Buffer.concat(parts);
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

describe('bin/envgen lock against a hostile channel (D3, D8, D9, D13)', () => {
  it('D3: info.base_url "javascript:" in repodata.json is refused before the solver sees it', async () => {
    const server = await channel({
      [LINUX]: send(withInfo({ base_url: 'javascript:alert(1)//' })),
    });
    const result = await lock(server);
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-corrupt']);
    expect(result.messages).toContain('linux-64/repodata.json');
    expect(result.wroteLocks).toBe(false);
  });

  it('D3: the same base_url inside repodata.json.zst: the solver panics, envgen reports it', async () => {
    const zst = zstdStored(Buffer.from(withInfo({ base_url: 'javascript:alert(1)//' })));
    const server = await channel({ [`${LINUX}.zst`]: send(zst) });
    const result = await lock(server);
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-corrupt']);
    expect(result.messages).toContain('base_url');
    expect(result.wroteLocks).toBe(false);
  });

  it('D3: an honest repodata.json.zst is read (the size check lets real files through)', async () => {
    const zst = zstdStored(readFileSync('fixtures/channels/conda-forge/linux-64/repodata.json'));
    const server = await channel({ [`${LINUX}.zst`]: send(zst) });
    const result = await lock(server);
    expect(result.exitCode).toBe(0);
    expect(server.requests.some((r) => r.path === LINUX)).toBe(false);
  });

  it('D3: a zstd bomb (1 GiB of RLE blocks in 32 KB) is refused at the default limit, undecompressed', async () => {
    const server = await channel({ [`${LINUX}.zst`]: send(zstdBomb(8192)) });
    const result = await lock(server);
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-too-large']);
  });

  it('D3: a gzip bomb stops at ENVGEN_REPODATA_LIMIT_MB, and nothing of it is cached', async () => {
    const bomb = gzipSync(Buffer.alloc(8e6, ' '));
    const server = await channel({ [LINUX]: send(bomb, { 'content-encoding': 'gzip' }) });
    const result = await lock(server, { env: { ENVGEN_REPODATA_LIMIT_MB: '1' } });
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-too-large']);
    expect(result.cachedBytes()).toBeLessThan(1e6);
  });

  it('D3: a body with no end and no length stops at the limit', async () => {
    const server = await channel({
      [LINUX]: (response) => {
        response.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, ' ');
        let sent = 0;
        // At most 64 MB: the client is expected to hang up long before.
        const more = (): void => {
          while (sent < 1024 && response.write(chunk)) sent++;
          if (sent >= 1024 || response.destroyed) response.end();
          else response.once('drain', more);
        };
        response.on('close', () => {
          sent = 1024;
        });
        more();
      },
    });
    const result = await lock(server, { env: { ENVGEN_REPODATA_LIMIT_MB: '2' } });
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-too-large']);
  });

  it('D3: a declared 1 GiB body is refused from its Content-Length, before reading it', async () => {
    const server = await channel({
      [LINUX]: (response) => {
        response.writeHead(200, { 'content-length': String(2 ** 30) });
        response.write('{');
      },
    });
    const result = await lock(server);
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-too-large']);
  });

  it('D8: package URLs sent elsewhere by base_url are refused, unless lock.allowed_hosts allows the host', async () => {
    const other = withInfo({ base_url: 'https://evil.example/chan/' });
    const refused = await lock(await channel({ [LINUX]: send(other) }));
    expect(refused.exitCode).toBe(2);
    expectClean(refused.stderr);
    expect(refused.codes).toEqual(['lock/channel-foreign-url']);
    expect(refused.messages).toContain('https://evil.example/chan/');
    expect(refused.wroteLocks).toBe(false);

    const allowed = await lock(await channel({ [LINUX]: send(other) }), {
      lockExtra: '  allowed_hosts: [evil.example]\n',
    });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.lockText()).toContain('https://evil.example/chan/bzip2-');

    // A base_url that is not http(s) can never be right: refused before the solve, allowed or not.
    const file = await lock(
      await channel({ [LINUX]: send(withInfo({ base_url: 'file:///etc/' })) }),
      {
        lockExtra: '  allowed_hosts: [evil.example]\n',
      },
    );
    expect(file.exitCode).toBe(3);
    expect(file.codes).toEqual(['lock/channel-corrupt']);
    expect(file.messages).toContain('file:///etc/');
    expect(file.wroteLocks).toBe(false);
  });

  it('D9: a channel that trickles a byte at a time is cut off at --timeout (exit 3)', async () => {
    const server = await channel({
      [LINUX]: (response) => {
        response.writeHead(200);
        let sent = 0;
        // Bounded: 600 bytes, one each 100 ms, unless the client hangs up first.
        const timer = setInterval(() => {
          if (response.destroyed || sent++ >= 600) {
            clearInterval(timer);
            response.end();
          } else {
            response.write(' ');
          }
        }, 100);
        response.on('close', () => clearInterval(timer));
      },
    });
    const result = await lock(server, { args: ['--timeout', '2'] });
    expect(result.exitCode).toBe(3);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-timeout']);
    expect(result.wroteLocks).toBe(false);
  });

  it('--timeout must be a duration longer than 0 (exit 2)', async () => {
    const server = await channel();
    for (const value of ['0', 'soon']) {
      const result = await lock(server, { args: ['--timeout', value] });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('[usage/invalid-flag]');
    }
  });

  const broken = (mutate: (p: Record<string, unknown>) => void): string => {
    const copy = structuredClone(linux);
    for (const record of Object.values(copy['packages.conda'])) mutate(record);
    return JSON.stringify(copy);
  };
  it.each([
    ['an empty body', ''],
    ['a body that is not JSON', '{"info": {'],
    ['a truncated body', JSON.stringify(linux).slice(0, 5000)],
    ['non-hex MD5s', broken((p) => Object.assign(p, { md5: 'zz' }))],
    ['3-character MD5s', broken((p) => Object.assign(p, { md5: 'abc' }))],
  ])(
    'D13: %s is named as corrupt linux-64 repodata, not a missing channel or a conflict',
    async (_, body) => {
      const result = await lock(await channel({ [LINUX]: send(body) }));
      expect(result.exitCode).toBe(3);
      expectClean(result.stderr);
      expect(result.codes).toEqual(['lock/channel-corrupt']);
      expect(result.wroteLocks).toBe(false);
    },
  );

  it('D13: a file name holding a newline is corrupt repodata', async () => {
    const copy = structuredClone(linux);
    const records = copy['packages.conda'];
    const [first] = Object.keys(records) as [string];
    records[`${first.slice(0, -6)}\nhttp://x/y.conda`] = records[first] as Record<string, unknown>;
    delete records[first];
    const result = await lock(await channel({ [LINUX]: send(JSON.stringify(copy)) }));
    expect([2, 3]).toContain(result.exitCode);
    expectClean(result.stderr);
    expect(result.codes).toEqual(['lock/channel-corrupt']);
  });
});
