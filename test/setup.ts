import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Output in tests is plain text: no colour, whatever the terminal running the tests.
process.env.NO_COLOR = '1';
process.env.FORCE_COLOR = '0';

// envgen's caches (compiled code, specs, repodata) in a folder of each test file's own, unless
// a test names another: tests never write the developer's ~/.cache/envgen, and no test reads
// what an earlier run left there. The built bin/envgen the tests start inherits it.
const caches = mkdtempSync(join(tmpdir(), 'envgen-test-cache-'));
process.env.ENVGEN_CACHE_DIR = caches;
afterAll(() => rmSync(caches, { recursive: true, force: true }));
