/**
 * `envgen lock` on the fixture channel, then `graph` and `why` on the conda-lock.yml it writes:
 * the two halves of issue 18 meeting.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
async function lockedRepo(): Promise<{
  dir: string;
  locked: boolean;
  env: Record<string, string | undefined>;
}> {
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
  return { dir, env, locked: existsSync(join(dir, 'envs/detector/conda-lock.yml')) };
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

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'channels', 'conda-forge');

/** `size` of every package file of the fixture channel's linux-64 and noarch repodata. */
function fixtureSizes(): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const subdir of ['linux-64', 'noarch']) {
    const repodata = JSON.parse(readFileSync(join(FIXTURE, subdir, 'repodata.json'), 'utf8'));
    for (const key of ['packages', 'packages.conda']) {
      for (const [file, record] of Object.entries(repodata[key] ?? {})) {
        sizes.set(`${subdir}/${file}`, (record as { size: number }).size);
      }
    }
  }
  return sizes;
}

interface LockEntry {
  name: string;
  manager: string;
  platform: string;
  url: string;
  dependencies: Record<string, string>;
}

/** The linux-64 conda packages of the lock reachable from `root` (itself included), by name. */
function reachableInLock(dir: string, root: string): LockEntry[] {
  const lock = parse(readFileSync(join(dir, 'envs/detector/conda-lock.yml'), 'utf8')) as {
    package: LockEntry[];
  };
  const byName = new Map(
    lock.package
      .filter((p) => p.platform === 'linux-64' && p.manager === 'conda')
      .map((p) => [p.name, p]),
  );
  const seen = new Map<string, LockEntry>();
  const queue = [root];
  for (const name of queue) {
    const entry = byName.get(name);
    if (!entry || seen.has(name)) continue;
    seen.set(name, entry);
    queue.push(...Object.keys(entry.dependencies ?? {}));
  }
  return [...seen.values()];
}

interface SizesJson {
  sizes: {
    total: { packages: number; unknown: number };
    roots: { package: string; reach: { bytes: number; unknown: number } }[];
  } | null;
  packages: { id: string; size: number | null }[];
  problems: { ruleId: string; severity: string; message: string }[];
}

describe('sizes of a lock, from the repodata envgen lock cached', () => {
  it('graph MODEL: what pytorch pulls in is the sum of the repodata sizes of what it reaches', async () => {
    const { dir, env, locked } = await lockedRepo();
    expect(locked).toBe(true);
    const graph = await runEnvgen(['graph', 'detector', '--json'], { cwd: dir, env });
    expect(graph.exitCode, graph.stderr).toBe(0);
    const json = JSON.parse(graph.stdout) as SizesJson;

    const sizes = fixtureSizes();
    const reached = reachableInLock(dir, 'pytorch');
    expect(reached.length).toBeGreaterThan(5);
    const expected = reached.reduce((sum, entry) => {
      const size = sizes.get(entry.url.split('/').slice(-2).join('/'));
      expect(size, entry.url).toBeTypeOf('number');
      return sum + (size as number);
    }, 0);
    const pytorch = json.sizes?.roots.find((r) => r.package === 'pytorch');
    expect(pytorch?.reach).toMatchObject({ bytes: expected, unknown: 0 });
    expect(json.sizes?.total.unknown).toBe(0);
    expect(json.problems).toEqual([]);
    // Each package's own size is its repodata record's.
    const libcublas = reached.find((e) => e.name === 'libcublas') as LockEntry;
    expect(json.packages.find((p) => p.id === 'libcublas')?.size).toBe(
      sizes.get(libcublas.url.split('/').slice(-2).join('/')),
    );

    const text = await runEnvgen(['graph', 'detector'], { cwd: dir, env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ {2}pytorch\b.*pulls in /m);
    expect(text.stdout).not.toContain('graph/sizes-not-cached');
    expect(text.stdout).not.toMatch(/^note:/m);
  });

  it('with an empty cache: no sizes, and a note naming each channel folder and `envgen lock`', async () => {
    const { dir, locked } = await lockedRepo();
    expect(locked).toBe(true);
    const empty = join(dir, 'empty-cache');
    mkdirSync(empty);
    const env = { ENVGEN_CACHE_DIR: empty, ...NO_PROXY_ENV };
    const before = channel.requests.length;
    const graph = await runEnvgen(['graph', 'detector', '--json'], { cwd: dir, env });
    expect(graph.exitCode, graph.stderr).toBe(0);
    const json = JSON.parse(graph.stdout) as SizesJson;
    expect(json.sizes).toBeNull();
    expect(json.packages.every((p) => p.size === null)).toBe(true);
    expect(json.problems.map((p) => [p.ruleId, p.severity])).toEqual([
      ['graph/sizes-not-cached', 'info'],
    ]);
    // Both folders the lock's packages come from, each with its count of the lock's packages.
    const lock = parse(readFileSync(join(dir, 'envs/detector/conda-lock.yml'), 'utf8')) as {
      package: LockEntry[];
    };
    for (const subdir of ['linux-64', 'noarch']) {
      const folder = `${channel.url}/conda-forge/${subdir}`;
      const count = lock.package.filter(
        (p) => p.platform === 'linux-64' && p.url.startsWith(`${folder}/`),
      ).length;
      expect(count).toBeGreaterThan(0);
      expect(json.problems[0]?.message).toContain(`${folder} (${count})`);
    }

    const text = await runEnvgen(['graph', 'detector'], { cwd: dir, env });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${channel.url}/conda-forge/linux-64`);
    expect(text.stdout).toContain('`envgen lock detector`');
    // Offline: graph asked the channel for nothing.
    expect(channel.requests.length).toBe(before);
  });
});

describe('diff on what envgen lock wrote', () => {
  it('the explicit lock, the conda-lock.yml and the model hold the same packages', async () => {
    const { dir, env } = await lockedRepo();
    const explicit = 'envs/detector/conda-linux-64.lock';
    const condaLock = 'envs/detector/conda-lock.yml';
    for (const [a, b] of [
      [explicit, condaLock],
      ['detector', condaLock],
      ['detector', explicit],
    ] as const) {
      const result = await runEnvgen(['diff', a, b, '--platform', 'linux-64', '--json'], {
        cwd: dir,
        env,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        from: { packages: number };
        changes: unknown[];
      };
      expect([a, b, report.changes]).toEqual([a, b, []]);
      expect(report.from.packages).toBeGreaterThan(10);
    }
    // A copy with the fixture channel's CPU build of pytorch in place of the CUDA one (the
    // CPU build's own file name, no hash): a variant change, first of the changes.
    const text = readFileSync(join(dir, explicit), 'utf8');
    const cudaLine = text.split('\n').find((l) => l.includes('/pytorch-2.5.1-cuda126_py311'));
    expect(cudaLine).toBeDefined();
    const cpuUrl = (cudaLine as string)
      .replace(/#.*$/, '')
      .replace(/pytorch-2\.5\.1-[^/]+$/, 'pytorch-2.5.1-cpu_generic_py311h1a2b3c4_100.conda');
    writeFileSync(join(dir, 'cpu.lock'), text.replace(cudaLine as string, cpuUrl));
    const variant = await runEnvgen(['diff', explicit, 'cpu.lock', '--json'], { cwd: dir, env });
    const changes = (
      JSON.parse(variant.stdout) as { changes: { package: string; class: string }[] }
    ).changes;
    expect(changes[0]).toMatchObject({ package: 'pytorch', class: 'variant' });
  });
});
