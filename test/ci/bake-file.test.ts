/**
 * docker-bake.hcl read back by HashiCorp's own HCL parser (@cdktf/hcl2json, HCL compiled to
 * WASM): one independent target per model, the registry cache as variables that are empty by
 * default (a local bake is unchanged), one cache per image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

interface Bake {
  variable: Record<string, [{ default: string }]>;
  group: { default: [{ targets: string[] }] };
  target: Record<string, [Record<string, unknown>]>;
}

async function bakeOf(text: string): Promise<Bake> {
  return (await parse('docker-bake.hcl', text)) as Bake;
}

function spec(count: number): string {
  const models = Array.from(
    { length: count },
    (_, i) =>
      `  m${i + 1}:\n    torch: "2.4"\n    python: "3.11"\n    cuda: cpu\n    source: pip\n`,
  );
  return `version: 1\nmodels:\n${models.join('')}`;
}

/** `observing`: the images whose model has `observe:`, which also take the tag as a build argument. */
function expectTargets(bake: Bake, images: string[], observing: string[] = []): void {
  expect(bake.group.default[0].targets).toEqual(images);
  expect(Object.keys(bake.target).sort()).toEqual([...images].sort());
  for (const image of images) {
    const [target] = bake.target[image] as [Record<string, unknown>];
    // Independent: no target inherits from or waits on another, so bake can spread them.
    const keys = ['cache-from', 'cache-to', 'context', 'dockerfile', 'platforms', 'tags'];
    if (observing.includes(image)) keys.push('args');
    expect(Object.keys(target).sort()).toEqual(keys.sort());
    if (observing.includes(image)) {
      expect(target.args).toEqual({ ENVGEN_IMAGE_TAG: `\${TAG}` });
    }
    expect(target.dockerfile).toBe(`envs/${image}/Dockerfile`);
    expect(target.tags).toEqual([`\${REGISTRY}${image}:\${TAG}`]);
    // The cache reads and writes <CACHE_REGISTRY><image>:buildcache, and only when set.
    expect(target['cache-from']).toBe(
      `\${CACHE_REGISTRY == "" ? [] : ["type=registry,ref=\${CACHE_REGISTRY}${image}:buildcache"]}`,
    );
    expect(target['cache-to']).toBe(
      `\${CACHE_REGISTRY != "" && CACHE_WRITE == "true" ? ["type=registry,mode=max,ref=\${CACHE_REGISTRY}${image}:buildcache"] : []}`,
    );
  }
}

describe('docker-bake.hcl', () => {
  it('the example repo: variables empty by default, a cache per target', async () => {
    const bake = await bakeOf(readFileSync('fixtures/example-repo/docker-bake.hcl', 'utf8'));
    expect(bake.variable).toEqual({
      REGISTRY: [{ default: '' }],
      TAG: [{ default: 'latest' }],
      CACHE_REGISTRY: [{ default: '' }],
      CACHE_WRITE: [{ default: 'false' }],
    });
    expectTargets(bake, ['sentiment', 'legacy-detector'], ['sentiment']);
  });

  it.each([1, 3, 50])('%i models: one independent target each', async (count) => {
    const dir = tmpDir({ 'envgen.yaml': spec(count) });
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    const bake = await bakeOf(readFileSync(join(dir, 'docker-bake.hcl'), 'utf8'));
    expectTargets(
      bake,
      Array.from({ length: count }, (_, i) => `m${i + 1}`),
    );
  });

  it('the parser refuses broken HCL (so its answers above mean something)', async () => {
    const text = readFileSync('fixtures/example-repo/docker-bake.hcl', 'utf8');
    await expect(bakeOf(text.replace('cache-to   =', 'cache-to   = [ ='))).rejects.toThrow(/parse/);
  });
});
