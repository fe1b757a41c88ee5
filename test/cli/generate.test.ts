/** `envgen generate` end to end over a copy of the example repo: statuses, --check, --force. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

/** A fresh model repo with the example's spec and none of its generated files. */
function exampleCopy(): string {
  return tmpDir({ 'envgen.yaml': readFileSync('fixtures/example-repo/envgen.yaml', 'utf8') });
}

type Files = { path: string; status: string }[];
const statuses = (stdout: string): Record<string, string> =>
  Object.fromEntries((JSON.parse(stdout).files as Files).map((f) => [f.path, f.status]));

describe('envgen generate', () => {
  it('creates every file, then finds them unchanged', async () => {
    const dir = exampleCopy();
    const first = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(Object.values(statuses(first.stdout))).toEqual(Array(7).fill('created'));
    expect(Object.keys(statuses(first.stdout))).toEqual(
      expect.arrayContaining([
        'envs/sentiment/Dockerfile',
        'envs/legacy-detector/environment.yml',
        '.dockerignore',
        'docker-bake.hcl',
        'envs/smoke_check.py',
      ]),
    );
    const second = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(Object.values(statuses(second.stdout))).toEqual(Array(7).fill('unchanged'));
    const check = await runEnvgen(['generate', '--check'], { cwd: dir });
    expect(check.exitCode).toBe(0);
  });

  it('--check reports missing files and writes nothing', async () => {
    const dir = exampleCopy();
    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(1);
    expect(new Set(Object.values(statuses(check.stdout)))).toEqual(new Set(['missing']));
    const again = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(new Set(Object.values(statuses(again.stdout)))).toEqual(new Set(['missing']));
  });

  it('--check tells stale (the spec moved on) from edited (a person changed the file)', async () => {
    const dir = exampleCopy();
    await runEnvgen(['generate'], { cwd: dir });
    const spec = join(dir, 'envgen.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8')
        .replace('torch: "1.13"', 'torch: "2.0"')
        .replace('cuda: "11.7"', 'cuda: "11.8"'),
    );
    const dockerfile = join(dir, 'envs/sentiment/Dockerfile');
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace('USER app', 'USER root'));
    rmSync(join(dir, '.dockerignore'));
    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(1);
    const got = statuses(check.stdout);
    expect(got['envs/legacy-detector/environment.yml']).toBe('stale');
    expect(got['envs/legacy-detector/Dockerfile']).toBe('stale');
    expect(got['envs/sentiment/Dockerfile']).toBe('edited');
    expect(got['envs/sentiment/environment.yml']).toBe('unchanged');
    expect(got['.dockerignore']).toBe('missing');
  });

  it('never overwrites a hand edit without --force', async () => {
    const dir = exampleCopy();
    await runEnvgen(['generate'], { cwd: dir });
    const dockerfile = join(dir, 'envs/sentiment/Dockerfile');
    const edited = readFileSync(dockerfile, 'utf8').replace('USER app', 'USER root');
    writeFileSync(dockerfile, edited);
    const refused = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(statuses(refused.stdout)['envs/sentiment/Dockerfile']).toBe('edited');
    expect(readFileSync(dockerfile, 'utf8')).toBe(edited);
    expect(refused.stderr).toContain('[generate/edited]');
    const forced = await runEnvgen(['generate', '--force', '--json'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(statuses(forced.stdout)['envs/sentiment/Dockerfile']).toBe('updated');
    expect(readFileSync(dockerfile, 'utf8')).toContain('USER app');
  });

  it('an existing file envgen did not write counts as edited', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\n');
    const result = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(statuses(result.stdout)['.dockerignore']).toBe('edited');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n');
  });

  it('generates only the models named, plus the shared files', async () => {
    const dir = exampleCopy();
    const result = await runEnvgen(['generate', 'sentiment', '--json'], { cwd: dir });
    const paths = Object.keys(statuses(result.stdout));
    expect(paths.some((p) => p.startsWith('envs/legacy-detector/'))).toBe(false);
    expect(paths).toContain('envs/sentiment/Dockerfile');
    expect(paths).toContain('docker-bake.hcl');
  });

  it('an invalid spec writes nothing (exit 2)', async () => {
    const dir = tmpDir({
      'envgen.yaml': 'version: 1\nmodels:\n  m:\n    torch: "2.1"\n    python: "3.13"\n',
    });
    const result = await runEnvgen(['generate'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(2);
  });

  it('the example repo in fixtures ships its generated files, and they are current', async () => {
    const check = await runEnvgen([
      'generate',
      '--check',
      '--json',
      '--cwd',
      'fixtures/example-repo',
    ]);
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    expect(new Set(Object.values(statuses(check.stdout)))).toEqual(new Set(['unchanged']));
  });
});
