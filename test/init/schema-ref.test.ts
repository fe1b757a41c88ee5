/**
 * The schema modeline `envgen init` writes: the published schema of this envgen version by
 * URL (a model repo has no node_modules), or the local copy where envgen is installed in the
 * repo. Editors follow the line; a path that does not exist checks nothing.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

const FLAGS = ['init', '--yes', '--name', 'svc', '--torch', '2.4', '--cuda', 'cpu'];

async function modeline(dir: string): Promise<string> {
  const result = await runEnvgen(FLAGS, { cwd: dir });
  expect(result.exitCode).toBe(0);
  const first = readFileSync(join(dir, 'envgen.yaml'), 'utf8').split('\n')[0] ?? '';
  const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  expect(match).not.toBeNull();
  return match?.[1] ?? '';
}

describe('init: the schema modeline', () => {
  it('a repo without envgen installed gets the versioned https URL of the published schema', async () => {
    const dir = tmpDir({ 'app.py': 'import torch\n' });
    expect(await modeline(dir)).toBe(
      `https://cdn.jsdelivr.net/npm/envgen@${version}/schemas/envgen.schema.json`,
    );
  });

  it('a repo with envgen in node_modules gets the local path, relative to envgen.yaml', async () => {
    const dir = tmpDir({
      'app.py': 'import torch\n',
      'node_modules/envgen/schemas/envgen.schema.json': '{}\n',
    });
    expect(await modeline(dir)).toBe('./node_modules/envgen/schemas/envgen.schema.json');
  });

  it('an empty envgen folder, a folder in the file’s place or a dangling link is no local schema', async () => {
    const empty = tmpDir({ 'app.py': 'import torch\n', 'node_modules/envgen/package.json': '{}' });
    const folder = tmpDir({ 'app.py': 'import torch\n' });
    mkdirSync(join(folder, 'node_modules/envgen/schemas/envgen.schema.json'), { recursive: true });
    const dangling = tmpDir({ 'app.py': 'import torch\n' });
    mkdirSync(join(dangling, 'node_modules/envgen/schemas'), { recursive: true });
    symlinkSync(
      join(dangling, 'gone.json'),
      join(dangling, 'node_modules/envgen/schemas/envgen.schema.json'),
    );
    for (const dir of [empty, folder, dangling]) {
      expect(await modeline(dir)).toMatch(/^https:\/\/cdn\.jsdelivr\.net\/npm\/envgen@/);
    }
  });

  it('a linked install (npm link, pnpm) counts: the schema is read through the link', async () => {
    const store = tmpDir({ 'schemas/envgen.schema.json': '{}\n' });
    const dir = tmpDir({ 'app.py': 'import torch\n' });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(store, join(dir, 'node_modules/envgen'));
    writeFileSync(join(dir, 'requirements.txt'), 'flask\n');
    expect(await modeline(dir)).toBe('./node_modules/envgen/schemas/envgen.schema.json');
  });
});
