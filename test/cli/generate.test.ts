/** `envgen generate` end to end over a copy of the example repo: statuses, --check, --force. */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type GenerateFlags, runGenerate } from '../../src/cli/commands/generate.js';
import { createNodeIo } from '../../src/io.js';
import { paletteFor } from '../../src/report/color.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

/** A fresh model repo with the example's spec and none of its generated files. */
function exampleCopy(): string {
  return tmpDir({ 'envgen.yaml': readFileSync('fixtures/example-repo/envgen.yaml', 'utf8') });
}

/**
 * `runGenerate` called directly, for flags that src/cli/program.ts does not register yet
 * (`--prune`), with `--json` output captured.
 */
async function generateInProcess(
  cwd: string,
  flags: GenerateFlags,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    ...createNodeIo({ ...process.env, NO_COLOR: '1' }),
    cwd,
    stdout: {
      write: (text: string) => {
        stdout += text;
      },
      isTTY: false,
    },
    stderr: {
      write: (text: string) => {
        stderr += text;
      },
      isTTY: false,
    },
  };
  const ctx = { io, root: cwd, json: true, color: paletteFor(0) };
  const exitCode = await runGenerate(ctx, [], flags);
  return { exitCode, stdout, stderr };
}

type Files = { path: string; status: string }[];
const statuses = (stdout: string): Record<string, string> =>
  Object.fromEntries((JSON.parse(stdout).files as Files).map((f) => [f.path, f.status]));

describe('envgen generate', () => {
  it('creates every file, then finds them unchanged', async () => {
    const dir = exampleCopy();
    const first = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(Object.values(statuses(first.stdout))).toEqual(Array(12).fill('created'));
    expect(Object.keys(statuses(first.stdout))).toEqual(
      expect.arrayContaining([
        'envs/sentiment/Dockerfile',
        // observe: on sentiment (served by gunicorn): its config and the shared runtime files.
        'envs/sentiment/gunicorn.conf.py',
        'envs/envgen_observe.py',
        'envs/envgen-observe',
        'envs/legacy-detector/environment.yml',
        '.dockerignore',
        'docker-bake.hcl',
        'envs/smoke_check.py',
        'envs/sentiment/envgen-serve',
        'envs/sentiment/envgen-serve@.service',
      ]),
    );
    const second = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(Object.values(statuses(second.stdout))).toEqual(Array(12).fill('unchanged'));
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

  it('a file envgen did not write is foreign: kept without --force (exit 1), replaced with it', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\n');
    writeFileSync(join(dir, 'docker-bake.hcl'), 'target "mine" {}\n');
    const result = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    // The user's own .dockerignore is theirs to keep: `kept`, not a failure.
    expect(statuses(result.stdout)['.dockerignore']).toBe('kept');
    expect(statuses(result.stdout)['docker-bake.hcl']).toBe('foreign');
    expect(result.stderr).toContain('[generate/foreign]');
    expect(result.stderr).not.toContain('[generate/edited]');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('node_modules\n');
    expect(readFileSync(join(dir, 'docker-bake.hcl'), 'utf8')).toBe('target "mine" {}\n');

    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(1);
    expect(statuses(check.stdout)['.dockerignore']).toBe('kept');
    expect(statuses(check.stdout)['docker-bake.hcl']).toBe('foreign');
    expect(check.stderr).toContain('[generate/foreign]');

    const forced = await runEnvgen(['generate', '--force', '--json'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(statuses(forced.stdout)['.dockerignore']).toBe('updated');
    expect(statuses(forced.stdout)['docker-bake.hcl']).toBe('updated');
  });

  it("keeps the user's own .dockerignore without failing, in generate and in --check", async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, '.dockerignore'), '.git\nweights/\n');
    expect((await runEnvgen(['generate'], { cwd: dir })).exitCode).toBe(0);
    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(0);
    expect(statuses(check.stdout)['.dockerignore']).toBe('kept');
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('.git\nweights/\n');
  });

  it('checks a kept .dockerignore both ways: what the images need in, what must stay out', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, '.dockerignore'), '*\n!app.py\n');
    const broken = await runEnvgen(['generate'], { cwd: dir });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('[dockerignore/excludes-needed]');
    expect(broken.stderr).toContain('envs/smoke_check.py');
    writeFileSync(join(dir, '.dockerignore'), '.git\n');
    const leaky = await runEnvgen(['generate', '--check'], { cwd: dir });
    expect(leaky.exitCode).toBe(0);
    expect(leaky.stderr).toContain('[dockerignore/lets-in]');
  });

  it('prints the next step only when it succeeded', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, 'docker-bake.hcl'), 'target "mine" {}\n');
    const refused = await runEnvgen(['generate'], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).not.toContain('docker buildx bake');
    const forced = await runEnvgen(['generate', '--force'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('docker buildx bake');
  });

  it('a folder where a file goes: exit 2, each problem named, nothing written', async () => {
    const dir = exampleCopy();
    mkdirSync(join(dir, 'envs/sentiment/Dockerfile'), { recursive: true });
    const result = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('envs/sentiment/Dockerfile');
    expect(result.stderr).toContain('[generate/path-blocked]');
    expect(result.stderr).not.toContain('internal error');
    for (const path of ['.dockerignore', 'docker-bake.hcl', 'envs/sentiment/environment.yml']) {
      expect(existsSync(join(dir, path))).toBe(false);
    }
  });

  it('a file where the envs folder goes: exit 2, nothing written', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, 'envs'), 'not a folder\n');
    const result = await runEnvgen(['generate'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[generate/path-blocked]');
    expect(result.stderr).not.toContain('internal error');
    expect(existsSync(join(dir, '.dockerignore'))).toBe(false);
    expect(existsSync(join(dir, 'docker-bake.hcl'))).toBe(false);
    expect(readFileSync(join(dir, 'envs'), 'utf8')).toBe('not a folder\n');
  });

  it('files of a renamed model are orphaned: reported, --check fails, --prune deletes them', async () => {
    const dir = exampleCopy();
    await runEnvgen(['generate'], { cwd: dir });
    const spec = join(dir, 'envgen.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('  legacy-detector:', '  detector:'));
    const old = ['envs/legacy-detector/Dockerfile', 'envs/legacy-detector/environment.yml'];

    const generated = await runEnvgen(['generate', '--json'], { cwd: dir });
    expect(generated.exitCode).toBe(0);
    const got = statuses(generated.stdout);
    expect(old.map((p) => got[p])).toEqual(['orphaned', 'orphaned']);
    expect(got['envs/detector/Dockerfile']).toBe('created');
    for (const path of old) expect(existsSync(join(dir, path))).toBe(true);

    const check = await runEnvgen(['generate', '--check', '--json'], { cwd: dir });
    expect(check.exitCode).toBe(1);
    expect(old.map((p) => statuses(check.stdout)[p])).toEqual(['orphaned', 'orphaned']);
    expect(check.stderr).toContain('[generate/orphaned]');

    // Only the models named are generated, but the others' files are not orphans.
    const one = await runEnvgen(['generate', 'sentiment', '--json'], { cwd: dir });
    expect(Object.keys(statuses(one.stdout)).filter((p) => p.startsWith('envs/detector/'))).toEqual(
      [],
    );

    const pruned = await generateInProcess(dir, { prune: true });
    expect(pruned.exitCode).toBe(0);
    expect(old.map((p) => statuses(pruned.stdout)[p])).toEqual(['removed', 'removed']);
    expect(existsSync(join(dir, 'envs/legacy-detector'))).toBe(false);
    expect((await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode).toBe(0);
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
    expect(check.stderr).not.toMatch(/error/);
    expect(check.exitCode).toBe(0);
    expect(new Set(Object.values(statuses(check.stdout)))).toEqual(new Set(['unchanged']));
  });
});
