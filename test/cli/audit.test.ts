/** `envgen audit` end to end: discovery, formats, exit codes, configuration, ignores, --fix. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv4 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

interface AuditDiagnostic {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
}

function classicRepo(): string {
  const dir = tmpDir();
  cpSync('fixtures/audit/classic', dir, { recursive: true });
  return dir;
}

async function audit(dir: string, args: string[] = []) {
  const result = await runEnvgen(['audit', '--format', 'json', ...args], { cwd: dir });
  return {
    ...result,
    diagnostics: (JSON.parse(result.stdout || '{"diagnostics":[]}').diagnostics ??
      []) as AuditDiagnostic[],
  };
}

const ids = (diagnostics: AuditDiagnostic[], file?: string) =>
  [...new Set(diagnostics.filter((d) => !file || d.file === file).map((d) => d.ruleId))].sort();

describe('envgen audit', () => {
  it('catches the classic mistakes', async () => {
    const { exitCode, diagnostics } = await audit(classicRepo());
    expect(exitCode).toBe(1);
    // Single stage from miniconda3:latest, conda run as root, conda activate in RUN, a secret in ENV.
    expect(ids(diagnostics, 'Dockerfile')).toEqual(
      expect.arrayContaining(['DKR001', 'DKR007', 'DKR008', 'DKR012', 'DKR014', 'DKR015']),
    );
    // defaults mixed with conda-forge, the pytorch channel with cudatoolkit, torch from conda and pip.
    expect(ids(diagnostics, 'environment.yml')).toEqual(
      expect.arrayContaining(['ENV001', 'ENV004', 'ENV006', 'ENV009']),
    );
    // A devel CUDA image as the runtime.
    expect(ids(diagnostics, 'devel.Dockerfile')).toContain('DKR010');
  });

  it('everything envgen generates audits clean at the default threshold', async () => {
    for (const dir of ['fixtures/example-repo', 'test/render/__golden__/matrix']) {
      const copy = tmpDir();
      cpSync(dir, copy, { recursive: true });
      // The golden files' spec, so cross-file rules see the models they were rendered from.
      if (dir.includes('matrix'))
        cpSync('fixtures/render-matrix/envgen.yaml', join(copy, 'envgen.yaml'));
      const { diagnostics } = await audit(copy);
      const blocking = diagnostics.filter((d) => d.severity !== 'info');
      expect(blocking, `${dir}: ${JSON.stringify(blocking, null, 1)}`).toEqual([]);
    }
  });

  it('--fail-on error passes warnings; info alone passes the default', async () => {
    const dir = tmpDir({ Dockerfile: 'FROM debian:12.11-slim\nUSER nobody\nCMD ["sleep", "1"]\n' });
    const strict = await audit(dir, ['--fail-on', 'info']);
    const lenient = await audit(dir, ['--fail-on', 'error']);
    expect(lenient.exitCode).toBe(0);
    expect(strict.exitCode).toBe(strict.diagnostics.length > 0 ? 1 : 0);
  });

  it('an unparseable file is a finding with its line, and exit 2', async () => {
    const dir = tmpDir({ 'environment.yml': 'name: x\ndependencies:\n  - numpy\n  - [\n' });
    const { exitCode, diagnostics } = await audit(dir, ['environment.yml']);
    expect(exitCode).toBe(2);
    expect(diagnostics[0]).toMatchObject({ ruleId: 'ENV000', file: 'environment.yml' });
  });

  it('inline and file-level ignores, and envgen.yaml configuration', async () => {
    const dir = classicRepo();
    const dockerfile = join(dir, 'Dockerfile');
    const text = readFileSync(dockerfile, 'utf8');
    writeFileSync(
      dockerfile,
      text.replace('CMD conda run', '# envgen ignore=DKR008 the logs go to a file\nCMD conda run'),
    );
    const inline = await audit(dir);
    expect(ids(inline.diagnostics, 'Dockerfile')).not.toContain('DKR008');
    writeFileSync(dockerfile, `# envgen ignore-file=DL3007\n${text}`);
    expect(ids((await audit(dir)).diagnostics, 'Dockerfile')).not.toContain('DKR012');
    writeFileSync(
      join(dir, 'envgen.yaml'),
      'version: 1\nmodels:\n  serve: {}\naudit:\n  ignore: [ENV001]\n  severity:\n    ENV004: error\n',
    );
    const configured = await audit(dir);
    expect(ids(configured.diagnostics)).not.toContain('ENV001');
    expect(configured.diagnostics.find((d) => d.ruleId === 'ENV004')?.severity).toBe('error');
  });

  it('--fix applies the mechanical fixes, atomically, and only where there were findings', async () => {
    const dir = tmpDir({
      Dockerfile:
        'FROM debian:12.11-slim\nUSER app\nCMD ["conda", "run", "-n", "serve", "python", "app.py"]\n',
      'environment.yml': 'name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n',
      'other.Dockerfile': 'FROM debian:12.11-slim\nUSER app\nCMD ["sleep", "1"]\n',
    });
    const before = readFileSync(join(dir, 'other.Dockerfile'), 'utf8');
    const result = await runEnvgen(['audit', '--fix', '--format', 'json'], { cwd: dir });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('--no-capture-output');
    expect(readFileSync(join(dir, 'environment.yml'), 'utf8')).toContain('nodefaults');
    expect(readFileSync(join(dir, 'other.Dockerfile'), 'utf8')).toBe(before);
    const after = JSON.parse(result.stdout).diagnostics as AuditDiagnostic[];
    expect(ids(after)).not.toContain('DKR008');
    expect(ids(after)).not.toContain('ENV002');
  });

  it('--fix reaches a fixed point: several fixes to one file land over passes, and fixing again changes nothing', async () => {
    // DKR019 (two flags), DKR009 (exec form), DKR028 (PYTHONUNBUFFERED) and DKR013 all edit
    // one Dockerfile; overlapping fixes wait for the next pass.
    const dir = tmpDir({
      Dockerfile: [
        'FROM debian:12.11-slim',
        'RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*',
        'RUN pip install --no-cache-dir "torch==2.4.1"',
        'USER 10001',
        'CMD python -m server',
        '',
      ].join('\n'),
    });
    const first = await runEnvgen(['audit', '--fix', '--format', 'json'], { cwd: dir });
    expect(first.stderr).toMatch(/applied [0-9]+ fix/);
    const once = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(once).toContain('apt-get install -y --no-install-recommends curl');
    const remaining = JSON.parse(first.stdout).diagnostics as (AuditDiagnostic & {
      fixable: boolean;
    })[];
    expect(remaining.filter((d) => d.fixable)).toEqual([]);
    const second = await runEnvgen(['audit', '--fix', '--format', 'json'], { cwd: dir });
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(once);
    expect(second.stderr).not.toMatch(/applied [1-9]/);
  });

  it('--explain prints a rule’s documentation; an unknown rule gets a suggestion', async () => {
    const known = await runEnvgen(['audit', '--explain', 'DKR008']);
    expect(known.exitCode).toBe(0);
    expect(known.stdout).toContain('DKR008');
    expect(known.stdout).toContain('--no-capture-output');
    const alias = await runEnvgen(['audit', '--explain', 'DL3025']);
    expect(alias.stdout).toContain('DKR009');
    const unknown = await runEnvgen(['audit', '--explain', 'DKR80']);
    expect(unknown.exitCode).toBe(2);
  });

  it('SARIF output is accepted by the SARIF 2.1.0 JSON schema', async () => {
    const result = await runEnvgen(['audit', '--format', 'sarif'], { cwd: classicRepo() });
    const sarif = JSON.parse(result.stdout);
    const require = createRequire(import.meta.url);
    const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    // The formats the SARIF schema names, checked (Ajv knows none of them without ajv-formats,
    // and would warn once per use that it ignores them).
    const validate = new Ajv4({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
      formats: {
        uri: (text: string) => URL.canParse(text),
        'uri-reference': (text: string) => URL.canParse(text, 'file:///repo/'),
        'date-time': (text: string) =>
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(text) && !Number.isNaN(Date.parse(text)),
      },
    }).compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    expect(run.results.length).toBeGreaterThan(0);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^\//);
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('gitlab format: a Code Quality report of the same findings as json, exit 1 as with any format', async () => {
    const dir = classicRepo();
    const quality = await runEnvgen(['audit', '--format', 'gitlab'], { cwd: dir });
    const { diagnostics, exitCode } = await audit(dir);
    expect(quality.exitCode).toBe(exitCode);
    const issues = JSON.parse(quality.stdout) as {
      check_name: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(issues.map((i) => [i.check_name, i.location.path, i.location.lines.begin])).toEqual(
      diagnostics.map((d) => [d.ruleId, d.file, d.line]),
    );
  });

  it('github format escapes what workflow commands need escaped', async () => {
    const dir = tmpDir({
      'environment.yml':
        'name: x\nchannels:\n  - defaults\n  - conda-forge\ndependencies:\n  - python=3.11\n',
    });
    const result = await runEnvgen(['audit', '--format', 'github'], { cwd: dir });
    const lines = result.stdout.trim().split('\n');
    expect(
      lines.every((line) =>
        /^::(error|warning|notice) file=environment\.yml,line=\d+,col=\d+,title=envgen [A-Z]+\d{3}::/.test(
          line,
        ),
      ),
    ).toBe(true);
    expect(result.stdout).not.toMatch(/::[^\n]*\r/);
  });
});

describe('envgen audit --fix --pin', () => {
  it('pins a base image to the tag the user names', async () => {
    const dir = tmpDir({
      Dockerfile:
        'FROM continuumio/miniconda3:latest AS build\nFROM debian:12.11-slim\nUSER app\nCMD ["sleep", "1"]\n',
    });
    await runEnvgen(
      ['audit', '--fix', '--pin', 'continuumio/miniconda3=25.3.1-1', '--format', 'json'],
      { cwd: dir },
    );
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8').split('\n')[0]).toBe(
      'FROM continuumio/miniconda3:25.3.1-1 AS build',
    );
    const bad = await runEnvgen(['audit', '--pin', 'not an image'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
  });
});

describe('envgen audit: which files', () => {
  const BAD = 'FROM ubuntu:latest\nRUN apt-get install curl\n';

  it.each([
    'Dockerfile-cpu',
    'Dockerfile_amd',
    'Dockerfile.gpu',
    'api.Dockerfile',
    'Containerfile',
  ])('%s is a Dockerfile, named or found', async (name) => {
    const dir = tmpDir({ [`docker/${name}`]: BAD, 'docker/Dockerfile.dockerignore': '.git\n' });
    const found = await audit(dir);
    expect(
      found.diagnostics.some((d) => d.file === `docker/${name}` && d.ruleId === 'DKR012'),
    ).toBe(true);
    expect(found.diagnostics.every((d) => d.file !== 'docker/Dockerfile.dockerignore')).toBe(true);
    const named = await audit(dir, [`docker/${name}`]);
    expect(named.exitCode).toBe(1);
  });

  it('a folder names the files found under it', async () => {
    const dir = tmpDir({ 'svc/Dockerfile': BAD, 'other/Dockerfile': BAD });
    const { diagnostics } = await audit(dir, ['svc']);
    expect([...new Set(diagnostics.map((d) => d.file))]).toEqual(['svc/Dockerfile']);
  });

  it('named files are read from --cwd', async () => {
    const dir = tmpDir({ 'svc/Dockerfile': BAD });
    const result = await runEnvgen([
      'audit',
      '--format',
      'json',
      '--cwd',
      join(dir, 'svc'),
      'Dockerfile',
    ]);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).diagnostics[0].file).toBe('Dockerfile');
  });

  it('--kind says what a named file is', async () => {
    const dir = tmpDir({ 'recipes/gpu.txt': BAD });
    const refused = await audit(dir, ['recipes/gpu.txt']);
    expect(refused.exitCode).toBe(2);
    const { exitCode, diagnostics } = await audit(dir, ['--kind', 'dockerfile', 'recipes/gpu.txt']);
    expect(exitCode).toBe(1);
    expect(ids(diagnostics)).toContain('DKR012');
  });

  it('finding no file says so on stderr', async () => {
    const result = await runEnvgen(['audit'], { cwd: tmpDir({ 'README.md': '# x\n' }) });
    expect(result.stderr).toContain('no Dockerfile, environment file or envgen.yaml found');
  });

  it("envgen's own environment file: no duplicate finding where its pin meets the spec's, and `envgen lock` as the lock", async () => {
    const dir = tmpDir({
      'envgen.yaml':
        'version: 1\nmodels:\n  m:\n    torch: "2.1"\n    cuda: "12.1"\n    source: pip\n    pip: ["numpy==1.26.4"]\n',
    });
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'envs/m/environment.yml'), 'utf8')).toContain('numpy<2');
    const result = await runEnvgen(
      ['audit', '--format', 'json', '--fail-on', 'info', 'envs/m/environment.yml'],
      {
        cwd: dir,
      },
    );
    const diagnostics = JSON.parse(result.stdout).diagnostics as (AuditDiagnostic & {
      fix: string;
    })[];
    expect(diagnostics.filter((d) => d.ruleId === 'ENV021')).toEqual([]);
    expect(diagnostics.find((d) => d.ruleId === 'ENV019')?.fix).toContain('envgen lock m');
  });
});

describe('envgen audit: choosing rules', () => {
  const BAD = 'FROM ubuntu:latest\nRUN apt-get install curl\nRUN pip install flask\n';

  it('--list lists every rule with its severity and aliases', async () => {
    const result = await runEnvgen(['audit', '--list', '--json']);
    expect(result.exitCode).toBe(0);
    const { rules } = JSON.parse(result.stdout) as { rules: { id: string; aliases: string[] }[] };
    expect(rules.length).toBeGreaterThanOrEqual(57);
    expect(rules.find((r) => r.id === 'DKR019')?.aliases).toEqual(['DL3015', 'DL3014']);
  });

  it('--only and --ignore take ids or aliases', async () => {
    const dir = tmpDir({ Dockerfile: BAD });
    const only = await audit(dir, ['--only', 'DKR017,DL3007']);
    expect(ids(only.diagnostics)).toEqual(['DKR012', 'DKR017']);
    const ignored = await audit(dir, ['--ignore', 'DKR017', '--ignore', 'DKR012']);
    expect(ids(ignored.diagnostics)).not.toContain('DKR017');
    expect(ids(ignored.diagnostics)).not.toContain('DKR012');
    expect(ids(ignored.diagnostics).length).toBeGreaterThan(0);
  });

  it('an unknown rule in --only is exit 2 with a suggestion', async () => {
    const result = await runEnvgen(['audit', '--only', 'DKR0177'], {
      cwd: tmpDir({ Dockerfile: BAD }),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('did you mean DKR017?');
  });

  it('--explain says how to change the severity', async () => {
    const result = await runEnvgen(['audit', '--explain', 'DKR019']);
    expect(result.stdout).toContain('audit: { severity: { DKR019: error } }');
  });
});

describe('envgen audit: an alias selects only its findings', () => {
  it('--only DL3015 reports the missing --no-install-recommends, not the missing -y', async () => {
    const dir = tmpDir({ Dockerfile: 'FROM debian:12.11-slim\nRUN apt-get install curl\n' });
    const { diagnostics } = await audit(dir, ['--only', 'DL3015']);
    expect(diagnostics.map((d) => [d.ruleId, (d as { aliases?: string[] }).aliases])).toEqual([
      ['DKR019', ['DL3015']],
    ]);
  });

  it('--ignore DL4000 hides MAINTAINER, not the other structural findings of DKR030', async () => {
    const dir = tmpDir({
      Dockerfile:
        'FROM debian:12.11-slim AS app\nMAINTAINER someone\nFROM debian:12.11-slim AS app\nCOPY --from=bulid /x /x\n',
    });
    const { diagnostics } = await audit(dir, ['--only', 'DKR030', '--ignore', 'DL4000']);
    const found = diagnostics.map((d) => (d as { aliases?: string[] }).aliases?.[0]);
    expect(found).not.toContain('DL4000');
    expect(found).toContain('DL3024');
    expect(found).toContain('DL3022');
  });
});

describe('envgen audit: folders', () => {
  it('a folder finds environment files by content, and --kind leaves what a folder holds alone', async () => {
    const dir = tmpDir({
      'svc/Dockerfile': 'FROM ubuntu:latest\n',
      'svc/conda.yml':
        'name: x\nchannels: [defaults, conda-forge]\ndependencies:\n  - python=3.11\n',
      'svc/recipe': 'FROM ubuntu:latest\n',
    });
    const { exitCode, diagnostics } = await audit(dir, [
      '--kind',
      'dockerfile',
      'svc',
      'svc/recipe',
    ]);
    expect(exitCode).toBe(1);
    const files = [...new Set(diagnostics.map((d) => d.file))].sort();
    expect(files).toEqual(['svc/Dockerfile', 'svc/conda.yml', 'svc/recipe']);
    expect(ids(diagnostics, 'svc/conda.yml')).toContain('ENV001');
  });

  it('a named folder that a plain run skips (build/) is still read', async () => {
    const dir = tmpDir({ 'build/Dockerfile': 'FROM ubuntu:latest\n' });
    const { exitCode, diagnostics } = await audit(dir, ['build']);
    expect(exitCode).toBe(1);
    expect(diagnostics.map((d) => d.file)).toContain('build/Dockerfile');
  });
});

describe('which file is the spec', () => {
  /** The example repo (with the workflow `envgen ci github` writes) and a driver below CUDA 11's floor. */
  function exampleBelowFloor(): string {
    const dir = tmpDir();
    cpSync('fixtures/example-repo', dir, { recursive: true });
    const spec = join(dir, 'envgen.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('"535.104.05"', '"440.33.01"'));
    return dir;
  }

  it("the folder's envgen.yaml only: .github/workflows/envgen.yml is not audited as a spec", async () => {
    const dir = exampleBelowFloor();
    const { diagnostics } = await audit(dir);
    const spec002 = diagnostics.filter((d) => d.ruleId === 'SPEC002');
    expect(spec002.map((d) => d.file)).toEqual(['envgen.yaml', 'envgen.yaml']);
    expect(diagnostics.some((d) => d.file.startsWith('.github/'))).toBe(false);
  });

  it('--kind spec on an envgen.yaml below the folder: SPEC000, exit 2, and how to audit it', async () => {
    const dir = exampleBelowFloor();
    cpSync(join(dir, 'envgen.yaml'), join(dir, 'sub', 'envgen.yaml'));
    const result = await runEnvgen(
      ['audit', '--kind', 'spec', 'sub/envgen.yaml', '--format', 'json'],
      { cwd: dir },
    );
    expect(result.exitCode).toBe(2);
    const [only, ...rest] = JSON.parse(result.stdout).diagnostics;
    expect(rest).toEqual([]);
    expect([only.ruleId, only.file, only.fix]).toEqual([
      'SPEC000',
      'sub/envgen.yaml',
      'audit this one from its folder: `envgen audit --cwd sub`',
    ]);
  });

  it('--kind spec on a file of another name, even at the top: SPEC000, and that the name is envgen.yaml', async () => {
    const dir = exampleBelowFloor();
    cpSync(join(dir, 'envgen.yaml'), join(dir, 'spec.yaml'));
    const result = await runEnvgen(['audit', '--kind', 'spec', 'spec.yaml', '--format', 'json'], {
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    const [only, ...rest] = JSON.parse(result.stdout).diagnostics;
    expect(rest).toEqual([]);
    expect([only.ruleId, only.file]).toEqual(['SPEC000', 'spec.yaml']);
    expect(only.fix).toContain('named envgen.yaml');
    expect(only.fix).not.toContain('--cwd .');
  });
});
