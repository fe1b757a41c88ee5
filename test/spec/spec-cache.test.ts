/**
 * The spec cache (src/spec/spec-cache.ts): a text this build has loaded comes back as it loaded,
 * with the same positions; another build, another text, an invalid spec or a cache that cannot
 * be read or written changes nothing but speed. Real files in temp folders; the build id is
 * given (from source there is none, and no cache).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { STALE_BUILD_MS } from '../../src/cache-dir.js';
import { createNodeIo, type Io } from '../../src/io.js';
import { UserError } from '../../src/problem.js';
import { loadSpecText, parseSpecText } from '../../src/spec/load-spec.js';
import {
  BUILD_ID,
  cachedSpec,
  jsonKeeps,
  keepSpec,
  MAX_CACHED_SPECS,
  specCache,
} from '../../src/spec/spec-cache.js';
import type { Spec } from '../../src/spec/types.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const SPEC = `version: 1
fleet:
  driver: "535.104.05"
models:
  m:
    torch: "2.1"
    python: "3.10"
    cuda: "11.8"
    conda: [numpy]
`;

function ioWithCache(): { io: Io; dir: string } {
  const root = tmpDir();
  return { io: createNodeIo({ ...process.env, ENVGEN_CACHE_DIR: root }), dir: join(root, 'spec') };
}

describe('jsonKeeps', () => {
  it.each([
    [{ a: ['x', 1, true, null, { b: 2.5 }] }, true],
    [{ a: Number.POSITIVE_INFINITY }, false],
    [{ a: Number.NaN }, false],
    [{ a: -0 }, false],
    [{ a: undefined }, false],
    [{ a: new Date(0) }, false],
    [JSON.parse('{"__proto__": {"x": 1}}'), false],
    [Object.create(null), false],
  ])('%j: %s', (value, keeps) => {
    expect(jsonKeeps(value)).toBe(keeps);
  });
});

describe('spec cache', () => {
  it('is off where no build names it (run from source)', () => {
    expect(BUILD_ID).toBeUndefined();
    expect(specCache(createNodeIo(), undefined)).toBeUndefined();
  });

  it('a second load of the same text is the cached one, with the same positions', async () => {
    const { io, dir } = ioWithCache();
    const cache = specCache(io, 'b1');
    const first = await loadSpecText(io, SPEC, 'envgen.yaml', cache);
    const written = readdirSync(dir);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^b1-[0-9a-f]{64}\.spec$/);
    // The file: the digest of the spec's JSON, then the JSON.
    const file = join(dir, written[0] as string);
    const [digest, json] = readFileSync(file, 'utf8').split('\n') as [string, string];
    expect(digest).toBe(sha256(json));
    const kept = JSON.parse(json) as Spec;
    expect(kept).toEqual(first.spec);
    // What the cache holds is what the next load returns: change it (with its digest) and the
    // load shows it.
    (kept.models.m as { torch: string }).torch = '2.4';
    writeFileSync(file, `${sha256(JSON.stringify(kept))}\n${JSON.stringify(kept)}`);
    const second = await loadSpecText(io, SPEC, 'envgen.yaml', cache);
    expect(second.spec.models.m?.torch).toBe('2.4');
    expect(second.file).toBe('envgen.yaml');
    // Positions come from the text itself, parsed when first asked.
    for (const path of [
      ['models', 'm', 'torch'],
      ['fleet', 'driver'],
      ['models', 'm', 'conda', 0],
    ]) {
      expect(second.locate(path)).toEqual(first.locate(path));
      expect(second.locate(path)).toBeDefined();
    }
    expect(second.locate(['models', 'nope'])).toBeUndefined();
  });

  it('another build or another text reads nothing; each writes its own', async () => {
    const { io, dir } = ioWithCache();
    await loadSpecText(io, SPEC, 'envgen.yaml', specCache(io, 'b1'));
    expect(await cachedSpec(io, specCache(io, 'b2') as never, SPEC)).toBeUndefined();
    const other = SPEC.replace('numpy', 'scipy');
    expect(await cachedSpec(io, specCache(io, 'b1') as never, other)).toBeUndefined();
    const loaded = await loadSpecText(io, other, 'envgen.yaml', specCache(io, 'b1'));
    expect(loaded.spec.models.m?.conda).toEqual(['scipy']);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('an invalid spec throws as a first load does and is never written', async () => {
    const { io, dir } = ioWithCache();
    const invalid = SPEC.replace('cuda: "11.8"', 'cuda: eleven');
    const expected = (() => {
      try {
        parseSpecText(invalid, 'envgen.yaml');
      } catch (error) {
        return (error as UserError).problems;
      }
      return [];
    })();
    expect(expected.length).toBeGreaterThan(0);
    await expect(loadSpecText(io, invalid, 'envgen.yaml', specCache(io, 'b1'))).rejects.toEqual(
      new UserError(expected),
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('a corrupt cached spec is parsed again; a cache that cannot be written costs nothing', async () => {
    const { io, dir } = ioWithCache();
    const cache = specCache(io, 'b1');
    await loadSpecText(io, SPEC, 'envgen.yaml', cache);
    const file = join(dir, readdirSync(dir)[0] as string);
    const changed = '{"version":1,"models":{}}';
    for (const corrupt of [
      '',
      '{"version":1}',
      `${sha256('[')}\n[`,
      `${sha256('[]')}\n[]`,
      // Valid JSON of a spec, but not what the digest says.
      `${sha256(SPEC)}\n${changed}`,
    ]) {
      writeFileSync(file, corrupt);
      expect((await loadSpecText(io, SPEC, 'envgen.yaml', cache)).spec.models.m?.torch).toBe('2.1');
      // Written again, whole.
      const [digest, json] = readFileSync(file, 'utf8').split('\n') as [string, string];
      expect(digest).toBe(sha256(json));
    }
    // A file where the cache folder would be.
    const blocked = tmpDir({ spec: 'a file' });
    const io2 = createNodeIo({ ...process.env, ENVGEN_CACHE_DIR: blocked });
    const loaded = await loadSpecText(io2, SPEC, 'envgen.yaml', specCache(io2, 'b1'));
    expect(loaded.spec.models.m?.python).toBe('3.10');
  });

  it(`keeps at most ${MAX_CACHED_SPECS} of a build, and removes other builds' once old`, async () => {
    const { io, dir } = ioWithCache();
    const cache = specCache(io, 'b1');
    if (!cache) throw new Error('no cache');
    const spec = parseSpecText(SPEC, 'envgen.yaml').spec;
    const texts = Array.from({ length: MAX_CACHED_SPECS + 2 }, (_, i) => `${SPEC}# ${i}\n`);
    for (const [i, text] of texts.entries()) {
      await keepSpec(io, cache, text, spec);
      // As if written a second apart, the first longest ago.
      const at = Date.now() / 1000 - (texts.length - i);
      utimesSync(join(dir, `b1-${sha256(text)}.spec`), at, at);
    }
    const old = (Date.now() - STALE_BUILD_MS - 60_000) / 1000;
    writeFileSync(join(dir, 'b0-old.spec'), '{}');
    utimesSync(join(dir, 'b0-old.spec'), old, old);
    writeFileSync(join(dir, 'b9-young.spec'), '{}');
    await keepSpec(io, cache, `${SPEC}# last\n`, spec);
    const left = readdirSync(dir);
    expect(left.filter((n) => n.startsWith('b1-'))).toHaveLength(MAX_CACHED_SPECS);
    expect(left).toContain('b9-young.spec');
    expect(left).not.toContain('b0-old.spec');
    // The ones written first went; the last is there.
    expect(await cachedSpec(io, cache, texts[0] as string)).toBeUndefined();
    expect(await cachedSpec(io, cache, texts[2] as string)).toBeUndefined();
    expect(await cachedSpec(io, cache, `${SPEC}# last\n`)).toEqual(spec);
    expect(await cachedSpec(io, cache, texts.at(-1) as string)).toEqual(spec);
  });
});

describe('bin/envgen with the spec cache', () => {
  it('answers the same from the cache as from the YAML, and keeps one file per text', async () => {
    const cache = tmpDir();
    const run = () =>
      execa(
        process.execPath,
        ['bin/envgen', 'resolve', '--cwd', 'fixtures/example-repo', '--json'],
        {
          cwd: ROOT,
          env: { ENVGEN_CACHE_DIR: cache },
        },
      );
    const first = await run();
    const files = readdirSync(join(cache, 'spec'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{16}-[0-9a-f]{64}\.spec$/);
    const second = await run();
    expect(second.stdout).toBe(first.stdout);
    expect(readdirSync(join(cache, 'spec'))).toEqual(files);
  });

  it('audit reads envgen.yaml through it too, with the same findings', async () => {
    const cache = tmpDir();
    const audit = () =>
      execa(
        process.execPath,
        ['bin/envgen', 'audit', '--cwd', 'fixtures/example-repo', '--format', 'json'],
        { cwd: ROOT, env: { ENVGEN_CACHE_DIR: cache }, reject: false },
      );
    const first = await audit();
    expect(readdirSync(join(cache, 'spec'))).toHaveLength(1);
    const second = await audit();
    expect([second.exitCode, second.stdout]).toEqual([first.exitCode, first.stdout]);
    expect(JSON.parse(first.stdout).diagnostics.length).toBeGreaterThan(0);
  });
});
