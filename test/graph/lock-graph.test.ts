/**
 * `envgen lock` on the fixture channel, then `graph` and `why` on the conda-lock.yml it writes:
 * the two halves of issue 18 meeting.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FixtureChannelServer,
  NO_PROXY_ENV,
  serveChannels,
} from '../helpers/fixture-channel.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

let channel: FixtureChannelServer;
beforeAll(async () => {
  channel = await serveChannels();
});
afterAll(async () => {
  await channel.close();
});

/** A GPU model on conda-forge: pytorch's CUDA build, which depends on libcublas. */
async function lockedRepo(): Promise<{ dir: string; locked: boolean }> {
  const dir = tmpDir({
    'envgen.yaml': `version: 1
lock:
  mirrors:
    conda-forge: ${channel.url}/conda-forge
models:
  detector:
    torch: "2.5"
    python: "3.11"
    cuda: "12.6"
    source: conda-forge
    conda: [flask]
`,
  });
  const env = { ENVGEN_CACHE_DIR: join(dir, '.cache'), ...NO_PROXY_ENV };
  const lock = await runEnvgen(['lock'], { cwd: dir, env });
  expect(lock.exitCode, lock.stderr).toBe(0);
  return { dir, locked: existsSync(join(dir, 'envs/detector/conda-lock.yml')) };
}

describe('graph and why on what envgen lock wrote', () => {
  it('every conda root is a package of the lock; libcublas is there through pytorch', async () => {
    const { dir, locked } = await lockedRepo();
    expect(locked).toBe(true);
    const graph = await runEnvgen(['graph', 'detector', '--json'], { cwd: dir });
    expect(graph.exitCode, graph.stderr).toBe(0);
    const json = JSON.parse(graph.stdout) as {
      roots: { spec: string; manager: string; package: string | null }[];
      packages: { id: string; gpu: boolean }[];
    };
    expect(json.roots.filter((r) => r.manager === 'conda' && r.package === null)).toEqual([]);
    expect(json.packages.find((p) => p.id === 'libcublas')?.gpu).toBe(true);

    const why = await runEnvgen(['why', 'libcublas', 'detector', '--json'], { cwd: dir });
    expect(why.exitCode, why.stderr).toBe(0);
    const paths = JSON.parse(why.stdout).environments[0].paths as {
      root: string;
      paths: { package: string }[][];
    }[];
    const viaPytorch = paths.flatMap((r) => r.paths).filter((p) => p[0]?.package === 'pytorch');
    expect(viaPytorch.length).toBeGreaterThan(0);
    expect(viaPytorch.every((p) => p[p.length - 1]?.package === 'libcublas')).toBe(true);
  });
});
