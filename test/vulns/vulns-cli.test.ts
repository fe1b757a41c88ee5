/**
 * `envgen vulns` end to end (in-process) on the real OSV records of fixtures/osv/records: read
 * offline through `--db`, or served by a loopback OSV API for the online source. Expected
 * findings are read from the inputs and the records' ranges (see each test).
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { type FakeOsv, fixtureRecords, RECORDS_DIR, serveFakeOsv } from './osv-fixtures.js';

/** The real OSV records of fixtures/osv/records, read offline as `--db` reads them. */
const DB = RECORDS_DIR;

const FIXTURES = resolve('fixtures');

let osv: FakeOsv;
beforeAll(async () => {
  osv = await serveFakeOsv(fixtureRecords());
});
afterAll(async () => {
  await osv.close();
});

interface Report {
  source: string;
  targets: {
    name: string;
    kind: string;
    checked: number;
    findings: { package: string; version: string; advisory: { id: string }; ignored: unknown }[];
    notChecked: { package: string; reason: { kind: string } }[];
    fix: {
      from: string;
      upgrade: { torch: string; cuda: string; fixes: string[] } | null;
      blocked: { id: string; torch: string; blocker: { kind: string; oldestDriver?: string } }[];
    } | null;
  }[];
  problems: { ruleId: string; line?: number }[];
}

/** A repo whose fleet is V100s (7.0) on driver 470.57.02, with one model on torch 2.5. */
function v100Repo(extra = ''): string {
  return tmpDir({
    'envgen.yaml': `version: 1
fleet:
  driver: "470.57.02"
  gpus: ["7.0"]
models:
  detector:
    torch: "2.5"
    python: "3.11"
${extra}`,
  });
}

describe('envgen vulns on a model (its resolved pins)', () => {
  it('finds the torch advisories and the fix the V100 fleet allows', async () => {
    const cwd = v100Repo();
    const result = await runEnvgen(['vulns', '--json', '--db', DB], { cwd });
    expect(JSON.parse(result.stdout).source).toBe(DB);
    const report = JSON.parse(result.stdout) as Report;
    const [target] = report.targets;
    // The resolver pins torch 2.5.1 (2.5's newest patch with a CUDA 11 build the driver runs):
    // <= 2.5.1 (GHSA-53q9) and < 2.10.0 (GHSA-63cw) affect it; < 1.13.1 (PYSEC-2022-43015) does not.
    expect(target?.findings.map((f) => f.advisory.id)).toEqual([
      'GHSA-53q9-r3pm-6pq6',
      'GHSA-63cw-57p8-fm3p',
    ]);
    expect(target?.fix?.upgrade).toMatchObject({
      torch: '2.6.0',
      cuda: '11.8',
      fixes: ['GHSA-53q9-r3pm-6pq6'],
    });
    expect(target?.fix?.blocked).toEqual([
      expect.objectContaining({
        id: 'GHSA-63cw-57p8-fm3p',
        torch: '2.10.0',
        blocker: { kind: 'driver', oldestDriver: '525' },
      }),
    ]);
    // The critical one is at or above the default --fail-on high.
    expect(result.exitCode).toBe(1);
    expect(report.problems).toEqual([]);
  });

  it('says the fix in text, grouped by severity', async () => {
    const result = await runEnvgen(['vulns', '--db', DB], { cwd: v100Repo() });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/critical\n\s+GHSA-53q9-r3pm-6pq6 /);
    expect(result.stdout).toContain('torch 2.5.1 -> 2.6.0 fixes GHSA-53q9-r3pm-6pq6');
    expect(result.stdout).toMatch(/GHSA-63cw-57p8-fm3p needs torch 2\.10\.0.*driver to >= 525/);
  });

  it('--fail-on critical still fails; --ignore of the critical one passes at critical', async () => {
    const cwd = v100Repo();
    expect(
      (await runEnvgen(['vulns', '--db', DB, '--fail-on', 'critical'], { cwd })).exitCode,
    ).toBe(1);
    const ignored = await runEnvgen(
      ['vulns', '--db', DB, '--fail-on', 'critical', '--ignore', 'CVE-2025-32434', '--json'],
      { cwd },
    );
    expect(ignored.exitCode).toBe(0);
    const report = JSON.parse(ignored.stdout) as Report;
    expect(
      report.targets[0]?.findings.find((f) => f.advisory.id === 'GHSA-53q9-r3pm-6pq6')?.ignored,
    ).toMatchObject({
      id: 'CVE-2025-32434',
      from: 'flag',
    });
  });

  it("envgen.yaml's vulns.ignore: a live entry ignores, an expired one does not and says so", async () => {
    const cwd = v100Repo(`vulns:
  ignore:
    - id: GHSA-53q9-r3pm-6pq6
      reason: we load no weights from outside
      expires: "2999-01-01"
    - id: GHSA-63cw-57p8-fm3p
      reason: the same
      expires: "2000-01-01"
`);
    const result = await runEnvgen(['vulns', '--db', DB, '--json'], { cwd });
    const report = JSON.parse(result.stdout) as Report;
    const ignored = Object.fromEntries(
      (report.targets[0]?.findings ?? []).map((f) => [f.advisory.id, f.ignored !== null]),
    );
    expect(ignored).toEqual({ 'GHSA-53q9-r3pm-6pq6': true, 'GHSA-63cw-57p8-fm3p': false });
    expect(report.problems).toEqual([
      expect.objectContaining({ ruleId: 'vulns/ignore-expired', line: 14 }),
    ]);
    // GHSA-63cw is rated high (its record's database_specific): still exit 1.
    expect(result.exitCode).toBe(1);
    // With it ignored for the run as well, nothing is left: exit 0 less the warning's class.
    const clean = await runEnvgen(['vulns', '--db', DB, '--ignore', 'GHSA-63cw-57p8-fm3p'], {
      cwd,
    });
    expect(clean.exitCode).toBe(0);
    expect(clean.stderr).toContain('vulns/ignore-expired');
  });

  it('an ignore entry without a reason is bad input (exit 2)', async () => {
    const cwd = v100Repo(`vulns:
  ignore:
    - id: GHSA-53q9-r3pm-6pq6
`);
    const result = await runEnvgen(['vulns', '--db', DB], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("vulns.ignore[0] has no 'reason' [spec/missing-key]");
  });
});

describe('envgen vulns on files', () => {
  it('an environment.yml (stable-diffusion): conda and pip packages, the unmapped not checked', async () => {
    // pytorch=1.11.0 (conda) -> torch 1.11.0: < 1.13.1 (PYSEC-2022-43015), < 2.6.0 (GHSA-53q9),
    // and as PyPI `pytorch` < 2.10.0 (GHSA-63cw); pillow==6.2.0 < 9.2.0 and < 10.0.0;
    // transformers==4.19.2 < 4.48.0 and <= 4.29.2 (last_affected); flask==2.1.3 < 2.2.5;
    // numpy=1.19.2 is past both numpy records (1.16.1, 1.19.1). cudatoolkit is not mapped;
    // eventlet has no version.
    const result = await runEnvgen(
      ['vulns', 'real-envs/stable-diffusion/environment.yaml', '--db', DB, '--json'],
      { cwd: FIXTURES },
    );
    const report = JSON.parse(result.stdout) as Report;
    const [target] = report.targets;
    expect(target?.kind).toBe('input');
    expect(target?.fix).toBeNull();
    expect(target?.findings.map((f) => `${f.package} ${f.advisory.id}`).sort()).toEqual([
      'flask PYSEC-2023-62',
      'pillow PYSEC-2022-42979',
      'pillow PYSEC-2023-227',
      'pytorch GHSA-53q9-r3pm-6pq6',
      'pytorch GHSA-63cw-57p8-fm3p',
      'pytorch PYSEC-2022-43015',
      'transformers GHSA-282v-666c-3fvg',
      'transformers GHSA-wrfc-pvp9-mr9g',
    ]);
    const notChecked = Object.fromEntries(
      target?.notChecked.map((n) => [n.package, n.reason.kind]) ?? [],
    );
    expect(notChecked).toMatchObject({ cudatoolkit: 'unknown-name', eventlet: 'no-version' });
    expect(result.exitCode).toBe(1);
  });

  it('an explicit lock: build strings are not versions, CUDA libraries are not checked', async () => {
    // pytorch-2.1.2-py3.11_cuda11.8_cudnn8.7.0_0 -> torch 2.1.2 (GHSA-53q9, GHSA-63cw);
    // transformers 4.36.2 < 4.48.0 (GHSA-wrfc) but past 4.29.2 (GHSA-282v's last_affected).
    const result = await runEnvgen(['vulns', 'diff/gpu-cu118.lock', '--db', DB, '--json'], {
      cwd: FIXTURES,
    });
    const report = JSON.parse(result.stdout) as Report;
    const [target] = report.targets;
    expect(target?.findings.map((f) => `${f.package} ${f.version} ${f.advisory.id}`)).toEqual([
      'pytorch 2.1.2 GHSA-53q9-r3pm-6pq6',
      'pytorch 2.1.2 GHSA-63cw-57p8-fm3p',
      'transformers 4.36.2 GHSA-wrfc-pvp9-mr9g',
    ]);
    const notChecked = Object.fromEntries(
      target?.notChecked.map((n) => [n.package, n.reason.kind]) ?? [],
    );
    expect(notChecked).toMatchObject({
      libcublas: 'not-pypi',
      'pytorch-cuda': 'not-pypi',
      'pytorch-mutex': 'not-pypi',
    });
  });

  it('an installed prefix: no advisory affects it, exit 0; python is not checked, never clean', async () => {
    // fixtures/prefixes/clean: conda's flask 3.0.3, werkzeug 3.0.4, pip 24.2 (in the mapping),
    // python 3.12.4 and python_abi (no PyPI name); pip's humanize 4.9.0 (a dist-info alone).
    const result = await runEnvgen(['vulns', 'prefixes/clean', '--db', DB, '--json'], {
      cwd: FIXTURES,
    });
    expect(result.exitCode).toBe(0);
    const [target] = (JSON.parse(result.stdout) as Report).targets;
    expect([target?.checked, target?.findings]).toEqual([4, []]);
    expect(target?.notChecked.map((n) => [n.package, n.reason.kind]).sort()).toEqual([
      ['python', 'not-pypi'],
      ['python_abi', 'not-pypi'],
    ]);
  });

  it('SARIF: one result per finding, with the advisory URL', async () => {
    const result = await runEnvgen(
      ['vulns', 'diff/gpu-cu118.lock', '--db', DB, '--format', 'sarif'],
      {
        cwd: FIXTURES,
      },
    );
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      runs: { results: { ruleId: string; level: string; properties: { url: string } }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((r) => [r.ruleId, r.level, r.properties.url])).toEqual([
      ['GHSA-53q9-r3pm-6pq6', 'error', 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6'],
      ['GHSA-63cw-57p8-fm3p', 'error', 'https://github.com/advisories/GHSA-63cw-57p8-fm3p'],
      ['GHSA-wrfc-pvp9-mr9g', 'error', 'https://github.com/advisories/GHSA-wrfc-pvp9-mr9g'],
    ]);
  });

  it('GitHub annotations: one per finding, at the input', async () => {
    const result = await runEnvgen(
      ['vulns', 'diff/gpu-cu118.lock', '--db', DB, '--format', 'github'],
      {
        cwd: FIXTURES,
      },
    );
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^::error file=diff\/gpu-cu118\.lock,line=1,col=1,title=envgen vulns\/advisory::/,
    );
  });

  it('without --db it asks OSV online, with the same findings', async () => {
    const offline = await runEnvgen(['vulns', 'diff/gpu-cu118.lock', '--db', DB, '--json'], {
      cwd: FIXTURES,
    });
    const online = await runEnvgen(['vulns', 'diff/gpu-cu118.lock', '--json'], {
      cwd: FIXTURES,
      env: { ENVGEN_OSV_URL: osv.url, ENVGEN_CACHE_DIR: join(tmpDir(), 'cache') },
    });
    expect(online.exitCode, online.stderr).toBe(offline.exitCode);
    const findings = (stdout: string) =>
      (JSON.parse(stdout) as Report).targets[0]?.findings.map((f) => f.advisory.id);
    expect(findings(online.stdout)).toEqual(findings(offline.stdout));
    expect((JSON.parse(online.stdout) as Report).source).toBe(osv.url);
    expect(osv.requests.some((r) => r.path === '/v1/querybatch')).toBe(true);
  });

  it('nothing to check, or a bad --ignore, is bad input (exit 2)', async () => {
    expect((await runEnvgen(['vulns', '--db', DB], { cwd: tmpDir() })).exitCode).toBe(2);
    const bad = await runEnvgen(['vulns', 'diff/cpu.lock', '--db', DB, '--ignore', 'not an id'], {
      cwd: FIXTURES,
    });
    expect(bad.exitCode).toBe(2);
  });
});
