/**
 * Node's module compile cache (src/cli/compile-cache.ts, called first by bin/envgen): on where
 * node:module has enableCompileCache (Node 22.1+), in envgen's cache folder; nothing, and no
 * error, where it does not (Node 20). node:module is injected, so both cases run on any Node.
 */

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, vi } from 'vitest';
import { enableCompileCache } from '../../src/cli/compile-cache.js';

describe('enableCompileCache', () => {
  it('turns the cache on in $ENVGEN_CACHE_DIR/compile where the API exists', () => {
    const mod = { enableCompileCache: vi.fn() };
    const dir = enableCompileCache(mod, { ENVGEN_CACHE_DIR: '/c/envgen', HOME: '/home/u' });
    expect(dir).toBe(join('/c/envgen', 'compile'));
    expect(mod.enableCompileCache).toHaveBeenCalledTimes(1);
    expect(mod.enableCompileCache).toHaveBeenCalledWith(join('/c/envgen', 'compile'));
  });

  it('uses the XDG cache folder, else ~/.cache, without ENVGEN_CACHE_DIR', () => {
    const mod = { enableCompileCache: vi.fn() };
    expect(enableCompileCache(mod, { XDG_CACHE_HOME: '/xdg', HOME: '/home/u' })).toBe(
      join('/xdg', 'envgen', 'compile'),
    );
    expect(enableCompileCache(mod, { HOME: '/home/u' })).toBe(
      join('/home/u', '.cache', 'envgen', 'compile'),
    );
    expect(mod.enableCompileCache.mock.calls).toEqual([
      [join('/xdg', 'envgen', 'compile')],
      [join('/home/u', '.cache', 'envgen', 'compile')],
    ]);
  });

  it('does nothing, and does not throw, where node:module has no enableCompileCache (Node 20)', () => {
    expect(enableCompileCache({}, { ENVGEN_CACHE_DIR: '/c/envgen' })).toBeUndefined();
  });

  it('does not throw when Node refuses', () => {
    const mod = {
      enableCompileCache: vi.fn(() => {
        throw new Error('EACCES');
      }),
    };
    expect(enableCompileCache(mod, { ENVGEN_CACHE_DIR: '/c/envgen' })).toBeUndefined();
    expect(mod.enableCompileCache).toHaveBeenCalledTimes(1);
  });

  it('bin/envgen runs with the real node:module, and fills the cache only where the API exists', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'envgen-compile-cache-'));
    try {
      const { stdout, stderr, exitCode } = await execa(
        process.execPath,
        ['bin/envgen', '--version'],
        {
          env: { ENVGEN_CACHE_DIR: cache, NODE_COMPILE_CACHE: '', NODE_DISABLE_COMPILE_CACHE: '' },
          reject: false,
        },
      );
      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const dir = join(cache, 'compile');
      if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
        expect(readdirSync(dir).length).toBeGreaterThan(0);
      } else {
        expect(existsSync(dir)).toBe(false);
      }
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
