/**
 * D7 against the built executable: Ctrl-C while generate has its files staged leaves no
 * `.<name>.<hex>.tmp` behind (the image's `COPY . /app` would copy them).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { TEMP_FILE_NAME } from '../../src/io.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const MODELS = 800;

/** Every envgen temp file under a folder. */
function tempsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && TEMP_FILE_NAME.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

it('SIGINT while files are staged: the process ends by the signal, no temp file is left', async () => {
  const dir = tmpDir();
  const models = Array.from(
    { length: MODELS },
    (_, i) => `  model-${i}:\n    torch: "2.4"\n    cuda: cpu\n`,
  ).join('');
  writeFileSync(join(dir, 'envgen.yaml'), `version: 1\nmodels:\n${models}`);
  const child = execa('node', ['bin/envgen', 'generate', '--cwd', dir], { reject: false });
  // Wait (bounded: 3000 polls) until a temp file shows that writing has begun, then interrupt.
  let seen = false;
  for (let poll = 0; poll < 3000 && child.exitCode === null && !seen; poll++) {
    seen = readdirSync(dir).some((name) => TEMP_FILE_NAME.test(name));
    if (!seen) await sleep(5);
  }
  expect(seen).toBe(true);
  child.kill('SIGINT');
  const result = await child;
  expect(result.signal === 'SIGINT' || result.exitCode === 130).toBe(true);
  expect(tempsUnder(dir)).toEqual([]);
}, 60_000);
