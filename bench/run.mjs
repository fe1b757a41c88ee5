#!/usr/bin/env node
// envgen's benchmark: start-up against bare node, resolve, generate for 100 and 400 models, and
// audit over 800 files. Several runs each; medians and ratios measured in the same run, printed
// as a table and written to bench/results/latest.json. Exit 1 when a budget does not hold.
// Run with `npm run bench` (it builds first).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, 'bin', 'envgen');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Milliseconds of one run of `node args...` (spawned without a shell), in cwd. */
function time(args, cwd) {
  const started = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, args, { cwd, stdio: 'ignore' });
  } catch (error) {
    // generate --check and audit exit 1 on findings; only the time matters here.
    if (typeof error.status !== 'number') throw error;
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(name, args, cwd, prepare) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    prepare?.();
    samples.push(time(args, cwd));
  }
  return {
    name,
    runs: RUNS,
    medianMs: Math.round(median(samples) * 10) / 10,
    minMs: Math.round(Math.min(...samples) * 10) / 10,
  };
}

/** A spec with `count` models across torch releases, sources and CUDA builds. */
function specWith(count) {
  const kinds = [
    'torch: "2.1"\n    cuda: "11.8"\n    source: pytorch\n    conda: [numpy, "transformers>=4.35"]',
    'torch: "2.4"\n    cuda: cpu\n    source: pip\n    pip: [fastapi, uvicorn]',
    'torch: "2.11"\n    cuda: "12.9"\n    source: conda-forge\n    base: miniforge',
    'torch: "2.8"\n    cuda: "12.8"\n    source: pip\n    base: micromamba\n    serve:\n      command: [uvicorn, "main:app"]\n      port: 8000\n      health: /health',
  ];
  const models = Array.from(
    { length: count },
    (_, i) => `  m${i}:\n    ${kinds[i % kinds.length]}`,
  );
  return `version: 1\ndefaults:\n  python: "3.11"\nmodels:\n${models.join('\n')}\n`;
}

function repo(count) {
  const dir = mkdtempSync(join(tmpdir(), `envgen-bench-${count}-`));
  writeFileSync(join(dir, 'envgen.yaml'), specWith(count));
  return dir;
}

const made = [];
const results = [];
const empty = mkdtempSync(join(tmpdir(), 'envgen-bench-'));
made.push(empty);

results.push(measure('node -e 0', ['-e', '0'], empty));
results.push(measure('envgen --version', [bin, '--version'], empty));
results.push(
  measure(
    'envgen resolve (flags)',
    [bin, 'resolve', '--torch', '2.1', '--cuda', '11.8', '--json'],
    empty,
  ),
);
for (const count of [100, 400]) {
  const dir = repo(count);
  made.push(dir);
  // Each run starts from no generated files, so every run renders and writes everything.
  results.push(
    measure(`envgen generate (${count} models)`, [bin, 'generate', '--json'], dir, () =>
      rmSync(join(dir, 'envs'), { recursive: true, force: true }),
    ),
  );
}
const auditDir = repo(400);
made.push(auditDir);
execFileSync(process.execPath, [bin, 'generate'], { cwd: auditDir, stdio: 'ignore' });
results.push(measure('envgen audit (800+ files)', [bin, 'audit', '--format', 'json'], auditDir));

const by = (name) => results.find((r) => r.name === name);
const node = by('node -e 0').medianMs;
const budgets = [
  {
    what: '--version within 2x bare node start-up',
    ok: by('envgen --version').medianMs <= 2 * node,
    value: `${(by('envgen --version').medianMs / node).toFixed(2)}x`,
  },
  {
    what: 'resolve within 2.5x bare node start-up',
    ok: by('envgen resolve (flags)').medianMs <= 2.5 * node,
    value: `${(by('envgen resolve (flags)').medianMs / node).toFixed(2)}x`,
  },
  {
    what: 'generate for 400 models under 1.5 s',
    ok: by('envgen generate (400 models)').medianMs < 1500,
    value: `${by('envgen generate (400 models)').medianMs} ms`,
  },
  {
    what: 'generate grows linearly (400 models within 4.5x of 100)',
    ok:
      by('envgen generate (400 models)').medianMs - node <=
      4.5 * (by('envgen generate (100 models)').medianMs - node),
    value: `${((by('envgen generate (400 models)').medianMs - node) / (by('envgen generate (100 models)').medianMs - node)).toFixed(2)}x`,
  },
  {
    what: 'audit of 800 files under 2 s',
    ok: by('envgen audit (800+ files)').medianMs < 2000,
    value: `${by('envgen audit (800+ files)').medianMs} ms`,
  },
];

const width = Math.max(...results.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(width)}  median ms  min ms  x node`);
for (const r of results)
  console.log(
    `${r.name.padEnd(width)}  ${String(r.medianMs).padStart(9)}  ${String(r.minMs).padStart(6)}  ${(r.medianMs / node).toFixed(2).padStart(6)}`,
  );
console.log('');
for (const b of budgets) console.log(`${b.ok ? 'ok  ' : 'FAIL'} ${b.what}: ${b.value}`);

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, runs: RUNS, results, budgets }, null, 2)}\n`,
);
for (const dir of made) rmSync(dir, { recursive: true, force: true });
process.exitCode = budgets.every((b) => b.ok) ? 0 : 1;
