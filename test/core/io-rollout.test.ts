/**
 * The Io operations `envgen rollout` relies on: a symbolic link replaced in one rename (a reader
 * never finds it missing), a file created only when absent, signals, and a GET that only ever
 * asks 127.0.0.1 (never a proxy from the environment).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { tmpDir } from '../helpers/tmp-dir.js';

describe('Io for rollouts', () => {
  it('replaceSymlink: readers see the old target or the new one, never nothing, and no temp file stays', async () => {
    const io = createNodeIo({});
    const dir = tmpDir();
    for (const name of ['a', 'b']) mkdirSync(join(dir, name));
    const link = join(dir, 'links', 'current');
    await io.replaceSymlink(join(dir, 'a'), link);
    expect(readlinkSync(link)).toBe(join(dir, 'a'));
    let missing = 0;
    let reads = 0;
    let done = false;
    const reader = (async () => {
      while (!done && reads < 100_000) {
        reads++;
        if (!existsSync(link)) missing++;
        if (reads % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 200; i++) await io.replaceSymlink(join(dir, i % 2 ? 'a' : 'b'), link);
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(missing).toBe(0);
    expect(readlinkSync(link)).toBe(join(dir, 'a'));
    expect(readdirSync(join(dir, 'links'))).toEqual(['current']);
  });

  it('replaceSymlink replaces a link that points at nothing', async () => {
    const io = createNodeIo({});
    const dir = tmpDir();
    symlinkSync(join(dir, 'gone'), join(dir, 'current'));
    await io.replaceSymlink(join(dir, 'there'), join(dir, 'current'));
    expect(readlinkSync(join(dir, 'current'))).toBe(join(dir, 'there'));
  });

  it('createExclusive creates once, with its folders', async () => {
    const io = createNodeIo({});
    const path = join(tmpDir(), 'model', 'rollout.lock');
    expect(await io.createExclusive(path, 'one')).toBe(true);
    expect(await io.createExclusive(path, 'two')).toBe(false);
    expect((await io.readFile(path)).toString()).toBe('one');
  });

  it('signalProcess: true for a process that is there, false once it has ended', async () => {
    const io = createNodeIo({});
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const exited = new Promise((r) => child.once('exit', r));
    expect(io.signalProcess(pid, 0)).toBe(true);
    expect(io.signalProcess(pid, 'SIGTERM')).toBe(true);
    await exited;
    expect(io.signalProcess(pid, 0)).toBe(false);
  });

  it('getLoopback asks 127.0.0.1 itself even with a proxy set, and gives null when nothing answers', async () => {
    const io = createNodeIo({ HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' });
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/healthz' ? 204 : 404);
      response.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      expect(await io.getLoopback(port, '/healthz', 2000)).toBe(204);
      expect(await io.getLoopback(port, '/other', 2000)).toBe(404);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(await io.getLoopback(port, '/healthz', 2000)).toBe(null);
  });
});
