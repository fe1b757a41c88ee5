/**
 * How bin/envgen loads dist/ (src/cli/code-cache.ts): CommonJS files compiled through node:vm with
 * a V8 code cache per file, named by the file's content hash, written after the command has run;
 * a missing, stale or corrupt cache only costs a compile from source. The last tests run the
 * built bin/envgen (`npm test` builds first).
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { STALE_BUILD_MS } from '../../src/cache-dir.js';
import { chunkLoader, codeCacheDir, commandOf, NO_COMMAND } from '../../src/cli/code-cache.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const NODE = { version: 'v20.20.2', arch: 'x64' };

describe('codeCacheDir', () => {
  it('is a folder per Node version and architecture in envgen cache folder', () => {
    expect(codeCacheDir({ ENVGEN_CACHE_DIR: '/c/envgen', HOME: '/home/u' }, NODE)).toBe(
      join('/c/envgen', 'compile', 'v20.20.2-x64'),
    );
    expect(codeCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: '/home/u' }, NODE)).toBe(
      join('/xdg', 'envgen', 'compile', 'v20.20.2-x64'),
    );
    expect(codeCacheDir({ HOME: '/home/u' }, { version: 'v22.23.3', arch: 'arm64' })).toBe(
      join('/home/u', '.cache', 'envgen', 'compile', 'v22.23.3-arm64'),
    );
  });

  it('is none where NODE_DISABLE_COMPILE_CACHE is set', () => {
    expect(
      codeCacheDir({ ENVGEN_CACHE_DIR: '/c/envgen', NODE_DISABLE_COMPILE_CACHE: '1' }, NODE),
    ).toBeUndefined();
  });
});

/** A dist/-like folder: an entry that requires a chunk, directly and through createRequire. */
function chunks(): string {
  return tmpDir({
    'entry.cjs': [
      'const shared = require("./shared.cjs");',
      'const { createRequire } = require("node:module");',
      'const viaCreateRequire = createRequire(require("node:url").pathToFileURL(__filename).href)("./shared.cjs");',
      'const { sep } = require("node:path");',
      'exports.answer = () => shared.twice(21);',
      'exports.sameShared = viaCreateRequire === shared;',
      'exports.sep = sep;',
      'exports.file = __filename;',
    ].join('\n'),
    'shared.cjs': 'let calls = 0;\nexports.twice = (n) => { calls++; return n * 2; };\n',
  });
}

const HASHES = { 'entry.cjs': 'aaaa', 'shared.cjs': 'bbbb' };

/**
 * entry.cjs of `dist` loaded by dist/code-cache.cjs in a node of its own, for `command`; what
 * save() wrote.
 */
async function run(
  dist: string,
  cache: string,
  hashes: Record<string, string>,
  command = 'resolve',
): Promise<{ answer: number; written: number }> {
  const script = `
    const { chunkLoader } = require(${JSON.stringify(join(ROOT, 'dist', 'code-cache.cjs'))});
    const loader = chunkLoader(${JSON.stringify(cache)}, ${JSON.stringify(hashes)}, ${JSON.stringify(command)});
    const answer = loader.load(${JSON.stringify(join(dist, 'entry.cjs'))}).answer();
    process.stdout.write(JSON.stringify({ answer, written: loader.save() }));
  `;
  const { stdout } = await execa(process.execPath, ['-e', script]);
  return JSON.parse(stdout) as { answer: number; written: number };
}

describe('commandOf', () => {
  it.each([
    [['resolve', '--cwd', 'repo'], 'resolve'],
    [['audit'], 'audit'],
    [['--version'], NO_COMMAND],
    [[], NO_COMMAND],
    [['--cwd', 'repo', 'resolve'], NO_COMMAND],
    [['Resolve'], NO_COMMAND],
    [['../x'], NO_COMMAND],
    [['a'.repeat(21)], NO_COMMAND],
  ])('%j: %s', (argv, command) => {
    expect(commandOf(argv)).toBe(command);
  });
});

describe('chunkLoader', () => {
  it('loads CommonJS files of dist/ and their siblings, each once', () => {
    const dist = chunks();
    const loader = chunkLoader(undefined, HASHES);
    const entry = loader.load(join(dist, 'entry.cjs')) as Record<string, unknown>;
    expect((entry.answer as () => number)()).toBe(42);
    expect(entry.sameShared).toBe(true);
    expect(entry.sep).toBe('/');
    expect(entry.file).toBe(join(dist, 'entry.cjs'));
    // Once loaded, the same exports.
    expect(loader.load(join(dist, 'entry.cjs'))).toBe(entry);
    expect(loader.save()).toBe(0);
  });

  // The cache tests load in a process each, with the built loader (dist/code-cache.cjs): within
  // one process V8 would find the script in its own in-memory cache and never read the file's.
  it('writes a cache per file after the run, and the next run uses them', async () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    expect(await run(dist, cache, HASHES)).toEqual({ answer: 42, written: 2 });
    expect(readdirSync(cache).sort()).toEqual([
      'entry.cjs.aaaa.resolve.v8',
      'shared.cjs.bbbb.resolve.v8',
    ]);
    // Accepted by V8: nothing to write again.
    expect(await run(dist, cache, HASHES)).toEqual({ answer: 42, written: 0 });
  });

  it('keeps a cache per command: another command writes its own and reads only those', async () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    await run(dist, cache, HASHES, 'resolve');
    const resolveCache = readFileSync(join(cache, 'shared.cjs.bbbb.resolve.v8'));
    expect(await run(dist, cache, HASHES, 'audit')).toEqual({ answer: 42, written: 2 });
    expect(readdirSync(cache).sort()).toEqual([
      'entry.cjs.aaaa.audit.v8',
      'entry.cjs.aaaa.resolve.v8',
      'shared.cjs.bbbb.audit.v8',
      'shared.cjs.bbbb.resolve.v8',
    ]);
    // resolve's caches were neither rewritten nor needed again.
    expect(readFileSync(join(cache, 'shared.cjs.bbbb.resolve.v8'))).toEqual(resolveCache);
    expect(await run(dist, cache, HASHES, 'resolve')).toEqual({ answer: 42, written: 0 });
    expect(await run(dist, cache, HASHES, 'audit')).toEqual({ answer: 42, written: 0 });
  });

  it('a file whose content hash changed is compiled from source, and gets a cache of its own', async () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    await run(dist, cache, HASHES);
    writeFileSync(join(dist, 'shared.cjs'), 'exports.twice = (n) => n * 3;\n');
    expect(await run(dist, cache, { ...HASHES, 'shared.cjs': 'cccc' })).toEqual({
      answer: 63,
      written: 1,
    });
    expect(readdirSync(cache)).toContain('shared.cjs.cccc.resolve.v8');
  });

  it("a save removes other builds' cache files once they are old, and keeps younger ones", () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    mkdirSync(cache, { recursive: true });
    const old = (Date.now() - STALE_BUILD_MS - 60_000) / 1000;
    const files = {
      oldOtherBuild: 'chunk-OLD.cjs.1111.audit.v8',
      oldSameFile: 'shared.cjs.0000.resolve.v8',
      oldTemp: 'entry.cjs.2222.resolve.v8.123.tmp',
      // Named as envgen named caches before they were kept per command.
      oldUnlabelled: 'entry.cjs.aaaa.v8',
      // This build's, of another command: not another build's, however old.
      oldOtherCommand: 'shared.cjs.bbbb.generate.v8',
      youngOtherInstall: 'chunk-NEW.cjs.3333.resolve.v8',
      notACache: 'README',
    };
    for (const name of Object.values(files)) writeFileSync(join(cache, name), 'x');
    for (const name of Object.values(files).filter((n) => n !== files.youngOtherInstall)) {
      utimesSync(join(cache, name), old, old);
    }
    const loader = chunkLoader(cache, HASHES, 'resolve');
    (loader.load(join(dist, 'entry.cjs')) as { answer(): number }).answer();
    expect(loader.save()).toBe(2);
    expect(readdirSync(cache).sort()).toEqual(
      [
        'README',
        'chunk-NEW.cjs.3333.resolve.v8',
        'entry.cjs.aaaa.resolve.v8',
        'shared.cjs.bbbb.resolve.v8',
        'shared.cjs.bbbb.generate.v8',
      ].sort(),
    );
  });

  it("a save removes a temp file a crashed save left (this build's too), and other Node versions' folders once old", () => {
    const dist = chunks();
    const compile = tmpDir();
    const cache = join(compile, 'v20.20.2-x64');
    mkdirSync(cache, { recursive: true });
    const minuteAgo = (Date.now() - 120_000) / 1000;
    const old = (Date.now() - STALE_BUILD_MS - 60_000) / 1000;
    // This build's, a save's temp file two minutes old; and one just being written.
    writeFileSync(join(cache, 'shared.cjs.bbbb.audit.v8.999.tmp'), 'x');
    utimesSync(join(cache, 'shared.cjs.bbbb.audit.v8.999.tmp'), minuteAgo, minuteAgo);
    writeFileSync(join(cache, 'shared.cjs.bbbb.audit.v8.998.tmp'), 'x');
    for (const [folder, at] of [
      ['v18.20.0-x64', old],
      ['v22.1.0-x64-compile-cache', old],
      ['v22.23.3-x64', Date.now() / 1000],
    ] as const) {
      mkdirSync(join(compile, folder, 'inner'), { recursive: true });
      utimesSync(join(compile, folder), at, at);
    }
    const loader = chunkLoader(cache, HASHES, 'resolve');
    (loader.load(join(dist, 'entry.cjs')) as { answer(): number }).answer();
    expect(loader.save()).toBe(2);
    expect(readdirSync(cache).sort()).toEqual(
      [
        'entry.cjs.aaaa.resolve.v8',
        'shared.cjs.bbbb.audit.v8.998.tmp',
        'shared.cjs.bbbb.resolve.v8',
      ].sort(),
    );
    expect(readdirSync(compile).sort()).toEqual(['v20.20.2-x64', 'v22.23.3-x64']);
  });

  it('a corrupt cache is rejected, the file compiled from source, and the cache written again', async () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    await run(dist, cache, HASHES);
    writeFileSync(join(cache, 'shared.cjs.bbbb.resolve.v8'), Buffer.from('not a code cache'));
    expect(await run(dist, cache, HASHES)).toEqual({ answer: 42, written: 1 });
    expect(readFileSync(join(cache, 'shared.cjs.bbbb.resolve.v8')).toString()).not.toBe(
      'not a code cache',
    );
    expect(await run(dist, cache, HASHES)).toEqual({ answer: 42, written: 0 });
  });

  it('a file without a content hash has no cache; a cache folder that cannot be made, none either', async () => {
    const dist = chunks();
    const cache = join(tmpDir(), 'v20');
    expect(await run(dist, cache, { 'entry.cjs': 'aaaa' })).toEqual({ answer: 42, written: 1 });
    expect(readdirSync(cache)).toEqual(['entry.cjs.aaaa.resolve.v8']);
    // A file where the folder would be.
    const blocked = join(tmpDir({ file: 'x' }), 'file', 'v20');
    expect(await run(dist, blocked, HASHES)).toEqual({ answer: 42, written: 0 });
  });

  it('an error in a file reaches the caller, and a later load tries the file again', () => {
    const dist = tmpDir({ 'bad.cjs': 'throw new Error("bad chunk");\n' });
    const loader = chunkLoader(undefined, {});
    expect(() => loader.load(join(dist, 'bad.cjs'))).toThrow('bad chunk');
    expect(() => loader.load(join(dist, 'bad.cjs'))).toThrow('bad chunk');
  });
});

describe('bin/envgen with the code cache', () => {
  const envgen = (cache: string, env: Record<string, string> = {}) =>
    execa(
      process.execPath,
      ['bin/envgen', 'resolve', '--torch', '2.1', '--cuda', '11.8', '--json'],
      {
        env: { ENVGEN_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: '', ...env },
        reject: false,
      },
    );

  it('answers the same with no cache, with the one it wrote, and with a corrupt one', async () => {
    const cache = tmpDir();
    const cold = await envgen(cache);
    expect([cold.exitCode, cold.stderr]).toEqual([0, '']);
    expect(JSON.parse(cold.stdout).models[0].torch).toBe('2.1.2');
    const dir = codeCacheDir({ ENVGEN_CACHE_DIR: cache }) as string;
    const written = readdirSync(dir);
    // One per file of dist/ the command loaded, named by its content hash and the command.
    expect(written.some((name) => /^envgen\.cjs\.[0-9a-f]{16}\.resolve\.v8$/.test(name))).toBe(
      true,
    );
    expect(written.some((name) => /^program-\w+\.cjs\.[0-9a-f]{16}\.resolve\.v8$/.test(name))).toBe(
      true,
    );
    const warm = await envgen(cache);
    expect([warm.exitCode, warm.stderr, warm.stdout]).toEqual([0, '', cold.stdout]);
    for (const name of written) writeFileSync(join(dir, name), Buffer.alloc(64, 1));
    const corrupt = await envgen(cache);
    expect([corrupt.exitCode, corrupt.stderr, corrupt.stdout]).toEqual([0, '', cold.stdout]);
  });

  it('writes nothing with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const cache = tmpDir();
    const result = await envgen(cache, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(cache, 'compile'))).toBe(false);
  });

  it('writes nothing after a usage error (a mistyped command gets no caches of its own)', async () => {
    const cache = tmpDir();
    const typo = await execa(process.execPath, ['bin/envgen', 'resolv'], {
      env: { ENVGEN_CACHE_DIR: cache, NODE_DISABLE_COMPILE_CACHE: '' },
      reject: false,
    });
    expect(typo.exitCode).toBe(2);
    expect(existsSync(join(cache, 'compile'))).toBe(false);
  });
});
