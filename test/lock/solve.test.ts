/**
 * The solver through the channel proxy, on fixtures/channels served on 127.0.0.1 by the test:
 * the virtual packages the proxy serves are what decide between a GPU and a CPU build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeIo } from '../../src/io.js';
import { type ChannelProxy, startChannelProxy } from '../../src/lock/channel-proxy.js';
import { lockChannels } from '../../src/lock/channels.js';
import { type LockedPackage, solve } from '../../src/lock/solve.js';
import { virtualPackagesFor } from '../../src/lock/virtual-packages.js';
import { QUIET_PROGRESS } from '../../src/progress.js';
import { type FixtureChannelServer, serveChannels } from '../helpers/fixture-channel.js';
import { tmpDir } from '../helpers/tmp-dir.js';

let server: FixtureChannelServer;
let proxy: ChannelProxy;

beforeEach(async () => {
  server = await serveChannels();
  const channels = lockChannels(['conda-forge'], { 'conda-forge': `${server.url}/conda-forge` });
  proxy = await startChannelProxy(
    createNodeIo(),
    channels,
    { dir: tmpDir(), offline: false, maxBytes: 512e6 },
    QUIET_PROGRESS,
  );
});
afterEach(async () => {
  await proxy.close();
  await server.close();
});

const torchOf = (packages: { name: string; build: string }[]): string | undefined =>
  packages.find((p) => p.name === 'pytorch')?.build;

describe('solving through the channel proxy', () => {
  // The same request, unconstrained in its build: only __cuda tells the two apart.
  const specs = ['python=3.11', 'pytorch=2.5.1'];

  it('chooses the CUDA build when the target has __cuda', async () => {
    const virtual = proxy.virtualUrl(virtualPackagesFor('linux-64', '12.6'));
    const outcome = await solve(specs, [...proxy.channelUrls, virtual], 'linux-64');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(torchOf(outcome.packages)).toMatch(/^cuda12[06]_py311/);
    expect(outcome.packages.map((p) => p.name)).toContain('cuda-version');
    expect(outcome.packages.some((p) => p.name.startsWith('__'))).toBe(false);
  });

  it('falls back to the CPU build without __cuda, as a GPU-less CI runner would', async () => {
    const virtual = proxy.virtualUrl(virtualPackagesFor('linux-64', 'cpu'));
    const outcome = await solve(specs, [...proxy.channelUrls, virtual], 'linux-64');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(torchOf(outcome.packages)).toBe('cpu_generic_py311h1a2b3c4_100');
  });

  it('asked for a CUDA build, a target without __cuda cannot be solved, and the solver says why', async () => {
    const outcome = await solve(
      ['python=3.11', 'pytorch=2.5.1=cuda*'],
      [...proxy.channelUrls, proxy.virtualUrl(virtualPackagesFor('linux-64', 'cpu'))],
      'linux-64',
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.explanation).toContain('__cuda');
  });

  it('maps package URLs back to the channel and describes its own addresses', async () => {
    const virtual = proxy.virtualUrl(virtualPackagesFor('linux-64', 'cpu'));
    const outcome = await solve(['python=3.12'], [...proxy.channelUrls, virtual], 'linux-64');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const python = outcome.packages.find((p) => p.name === 'python') as { url: string };
    expect(python.url.startsWith(proxy.channelUrls[0] as string)).toBe(true);
    expect(proxy.upstreamOf(python.url)).toBe(
      `${server.url}/conda-forge/linux-64/python-3.12.4-h1a2b3c4_0_cpython.conda`,
    );
    expect(proxy.describe(`in channel '${proxy.channelUrls[0]}/'`)).toBe(
      `in channel '${server.url}/conda-forge/'`,
    );
  });

  it("carries each package's size, SHA-256 and dependencies from the repodata, kept packages too", async () => {
    const virtual = proxy.virtualUrl(virtualPackagesFor('linux-64', '12.6'));
    const urls = [...proxy.channelUrls, virtual];
    const outcome = await solve(specs, urls, 'linux-64');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const repodata = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../fixtures/channels/conda-forge/linux-64/repodata.json'),
        'utf8',
      ),
    )['packages.conda'];
    const torch = outcome.packages.find((p) => p.name === 'pytorch') as LockedPackage;
    const record = repodata[torch.url.slice(torch.url.lastIndexOf('/') + 1)];
    expect(torch.size).toBe(record.size);
    expect(torch.sha256).toBe(record.sha256);
    expect(torch.depends).toEqual(record.depends);

    // Solved again keeping those packages: the same whole records, not the bare kept ones.
    const previous = outcome.packages.map((p) => ({
      url: p.url,
      name: p.name,
      version: p.version,
      build: p.build,
    }));
    const again = await solve(specs, urls, 'linux-64', previous);
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.packages).toEqual(outcome.packages);
  });
});
