/**
 * `envgen init` on real public model repos (fixtures/repos/<owner>__<name>: the files that
 * matter, copied at the commit in SOURCE). Each repo's expected.json is the answer decided by
 * reading the repo (its `why` cites the lines), not by running envgen. Each repo is copied to a
 * temp folder, and `init --yes --json`, `generate --check` and `audit` run on the copy.
 *
 * `knownGaps` names the fields init does not get right yet, with why: those checks are
 * `it.fails`, so the day init gets one right the suite says so.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSpecText } from '../../src/spec/load-spec.js';
import { normalizeName } from '../../src/spec/package-entries.js';
import type { ModelSpec } from '../../src/spec/types.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const ROOT = join(import.meta.dirname, '../../fixtures/repos');

interface Expected {
  repo: string;
  torch: { min: string; max: string | null };
  python: { min: string; max: string | null };
  cuda: string;
  packages: string[];
  vision: boolean;
  audio: boolean;
  selfInstall: boolean;
  /** Why installing the repo is neither needed nor wrong (its own scripts install it too). */
  selfInstallOptional?: string;
  selfPackage?: string;
  serve: null | {
    file: string;
    object: string;
    framework: 'flask' | 'fastapi' | 'gunicorn';
    port: number;
    cwd: string;
    cwdAlternatives?: string[];
  };
  /** observe: init proposes (the repo depends on prometheus_client or OpenTelemetry); absent: none. */
  observe?: { metrics?: 'prometheus'; tracing?: 'otlp' };
  knownGaps?: Record<string, string>;
  /** Flags the repo needs, with why (`--force` where it has a docker-bake.hcl of its own). */
  initFlags?: { flags: string[]; why: string };
}

interface Outcome {
  model: { torch: string; python: string; cuda: string };
  /** What init warned about (a kept .dockerignore that lets .env files in). */
  warnings: string[];
  spec: ModelSpec;
  generateCheck: number;
  audit: { exitCode: number; diagnostics: { ruleId: string; severity: string; file: string }[] };
}

const repos = readdirSync(ROOT).filter((name) => name.includes('__'));

/** `2.1.2` or `2.1` against inclusive series bounds. */
function inSeries(version: string, { min, max }: { min: string; max: string | null }): boolean {
  const key = (v: string) => v.split('.').slice(0, 2).map(Number) as [number, number];
  const cmp = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
  return cmp(key(version), key(min)) >= 0 && (max === null || cmp(key(version), key(max)) <= 0);
}

/** Names a package entry installs: a conda or pip name, or `name @ URL`. */
function entryName(entry: string): string {
  return normalizeName(/^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)/.exec(entry.trim())?.[1] ?? entry);
}

describe.each(repos)('%s', (name) => {
  const expected = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as Expected;
  const gaps = expected.knownGaps ?? {};
  const check = (field: string) => (field in gaps ? it.fails : it);
  let outcome: Outcome;

  beforeAll(async () => {
    const dir = tmpDir();
    cpSync(join(ROOT, name, 'repo'), dir, { recursive: true });
    const flags = expected.initFlags?.flags ?? [];
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'm', ...flags], {
      cwd: dir,
    });
    if (result.exitCode !== 0) throw new Error(`init exited ${result.exitCode}: ${result.stderr}`);
    const text = readFileSync(join(dir, 'envgen.yaml'), 'utf8');
    const generateCheck = (await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode;
    // The files init generated, not the repo's own Dockerfiles, must audit clean.
    const audited = await runEnvgen(
      ['audit', '--format', 'json', 'envs/m/Dockerfile', 'envs/m/environment.yml'],
      {
        cwd: dir,
      },
    );
    outcome = {
      model: JSON.parse(result.stdout).model,
      warnings: (JSON.parse(result.stdout).problems as { ruleId: string }[]).map((p) => p.ruleId),
      spec: parseSpecText(text, 'envgen.yaml').spec.models.m as ModelSpec,
      generateCheck,
      audit: { exitCode: audited.exitCode, ...JSON.parse(audited.stdout) },
    };
  }, 60_000);

  check('torch')(`torch ${expected.torch.min}-${expected.torch.max ?? 'newest'}`, () => {
    expect(inSeries(outcome.model.torch, expected.torch), outcome.model.torch).toBe(true);
  });

  check('python')(`python ${expected.python.min}-${expected.python.max ?? 'newest'}`, () => {
    expect(inSeries(outcome.model.python, expected.python), outcome.model.python).toBe(true);
  });

  check('cuda')(`cuda ${expected.cuda}`, () => {
    const { cuda } = outcome.model;
    if (expected.cuda === 'cpu') expect(cuda).toBe('cpu');
    else if (expected.cuda === 'gpu') expect(cuda).not.toBe('cpu');
    else expect(cuda).toBe(expected.cuda);
  });

  check('packages')('the packages it needs', () => {
    const { spec } = outcome;
    const names = new Set([...(spec.conda ?? []), ...(spec.pip ?? [])].map(entryName));
    // torch's own pip wheels bring triton; the repo's own package is installed as localPackages.
    if (outcome.model.cuda !== 'cpu') names.add('triton');
    if (expected.selfPackage && spec.localPackages?.includes('.')) {
      names.add(normalizeName(expected.selfPackage));
    }
    const missing = expected.packages.filter((p) => !names.has(normalizeName(p)));
    expect(missing).toEqual([]);
    if (expected.vision) expect(spec.vision).toBe(true);
    if (expected.audio) expect(spec.audio).toBe(true);
  });

  check('selfInstall')(
    expected.selfInstall ? 'installs the repo itself' : 'does not install the repo',
    () => {
      const installs = outcome.spec.localPackages?.includes('.') ?? false;
      if (expected.selfInstallOptional && installs) return;
      expect(installs).toBe(expected.selfInstall);
    },
  );

  check('serve')(
    expected.serve ? `serves ${expected.serve.file}` : 'writes no serve command',
    () => {
      const serve = outcome.spec.serve;
      const want = expected.serve;
      if (want === null) {
        expect(serve).toBeUndefined();
        return;
      }
      expect(serve?.port).toBe(want.port);
      const command = serve?.command ?? [];
      expect(command[0]).toBe(want.framework === 'fastapi' ? 'uvicorn' : 'gunicorn');
      expect(command.join(' ')).toContain(String(want.port));
      // The app is imported from its folder (`--chdir dir file:obj`) or from the root (`a.b.file:obj`).
      const module = want.file.replace(/\.py$/, '');
      const dirFlag = command.findIndex((arg) => arg === '--chdir' || arg === '--app-dir');
      const cwd = dirFlag === -1 ? '.' : command[dirFlag + 1];
      expect([want.cwd, ...(want.cwdAlternatives ?? [])]).toContain(cwd);
      const inFolder =
        cwd === '.' ? module.replaceAll('/', '.') : module.slice((cwd?.length ?? 0) + 1);
      const target = command.find((arg) => arg.includes(':') && !arg.includes('0.0.0.0'));
      expect(target?.replace(/\(\)$/, '')).toBe(`${inFolder}:${want.object}`);
    },
  );

  check('observe')(
    expected.observe ? 'proposes observe: as the repo depends on it' : 'proposes no observe:',
    () => {
      const observe = outcome.spec.observe;
      if (!expected.observe) {
        expect(observe).toBeUndefined();
        return;
      }
      expect({ metrics: observe?.metrics, tracing: observe?.tracing }).toEqual({
        metrics: expected.observe.metrics,
        tracing: expected.observe.tracing,
      });
    },
  );

  it('generates current files that audit without warnings or errors', () => {
    expect(outcome.generateCheck).toBe(0);
    // The repo's own .dockerignore is kept; when it lets .git or .env files into `COPY . /app`,
    // init said so (dockerignore/lets-in), and audit says the same (DKR023). Nothing else.
    const gaps = outcome.warnings.includes('dockerignore/lets-in');
    const findings = outcome.audit.diagnostics.filter(
      (d) => d.severity !== 'info' && !(gaps && d.ruleId === 'DKR023'),
    );
    expect(findings).toEqual([]);
  });
});
