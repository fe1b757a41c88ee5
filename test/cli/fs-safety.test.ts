/**
 * File-system safety on real temp folders (issue 16, items 10, 11, 14; fuzz defects D1, D2, D6,
 * D7, D15): no write or delete through a symbolic link out of the repository, no read of what is
 * not a regular file or past a size limit, no plan that collides with itself, and no temp files
 * left behind.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { headerFor, seal } from '../../src/render/seal.js';
import { fakeTools } from '../helpers/fake-tools.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const SPEC = 'version: 1\nmodels:\n  svc:\n    torch: "2.4"\n    cuda: cpu\n';

/** The problem codes in a command's text output (`… [code]`). */
const codesOf = (stderr: string): string[] =>
  [...stderr.matchAll(/\[([a-z]+\/[a-z0-9-]+)\]/g)].map((m) => m[1] as string);

/** Every file under a folder, relative, following no link. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(join(dir, entry.name), rel) : [rel];
  });
}

/** A repository with a spec, and a folder beside it that is another project. */
function repoAndOutside(spec = SPEC): { repo: string; outside: string } {
  const base = tmpDir();
  const repo = join(base, 'repo');
  const outside = join(base, 'outside');
  mkdirSync(repo);
  mkdirSync(outside);
  writeFileSync(join(repo, 'envgen.yaml'), spec);
  return { repo, outside };
}

describe('D1: no write or delete out of the repository through a symbolic link', () => {
  it('generate refuses a symlinked envs/ (absolute link): exit 2, nothing written anywhere', async () => {
    const { repo, outside } = repoAndOutside();
    symlinkSync(outside, join(repo, 'envs'));
    const result = await runEnvgen(['generate'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(new Set(codesOf(result.stderr))).toEqual(new Set(['files/outside-repo']));
    // The link is named, with where it points.
    expect(result.stderr).toContain(`envs is a symbolic link to ${outside}`);
    expect(filesUnder(outside)).toEqual([]);
    expect(readdirSync(repo).sort()).toEqual(['envgen.yaml', 'envs']);
  });

  it('generate refuses a symlinked envs/<model>/ (relative link)', async () => {
    const { repo, outside } = repoAndOutside();
    mkdirSync(join(repo, 'envs'));
    symlinkSync('../../outside', join(repo, 'envs/svc'));
    const result = await runEnvgen(['generate', '--json'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['files/outside-repo', 'files/outside-repo']);
    expect(filesUnder(outside)).toEqual([]);
    expect(existsSync(join(repo, 'docker-bake.hcl'))).toBe(false);
  });

  it('generate refuses a symlinked bundles/', async () => {
    const { repo, outside } = repoAndOutside(`${SPEC}bundles:\n  pack: [svc]\n`);
    symlinkSync(outside, join(repo, 'bundles'));
    const result = await runEnvgen(['generate'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(new Set(codesOf(result.stderr))).toEqual(new Set(['files/outside-repo']));
    expect(filesUnder(outside)).toEqual([]);
    expect(existsSync(join(repo, 'envs'))).toBe(false);
  });

  it('a link that stays inside the repository is followed as before', async () => {
    const { repo } = repoAndOutside();
    mkdirSync(join(repo, 'generated'));
    symlinkSync('generated', join(repo, 'envs'));
    const result = await runEnvgen(['generate'], { cwd: repo });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(repo, 'generated/svc/Dockerfile'))).toBe(true);
  });

  it("generate --prune does not delete another project's files through the link", async () => {
    const { repo, outside } = repoAndOutside();
    // outside/envs/oldmodel: another project's generated files, sealed by envgen.
    const old = (body: string) =>
      seal(`${headerFor('0.0.0', 'envgen.yaml', 'oldmodel')}\n${body}\n`);
    mkdirSync(join(outside, 'envs/oldmodel'), { recursive: true });
    writeFileSync(join(outside, 'envs/oldmodel/Dockerfile'), old('FROM scratch'));
    writeFileSync(join(outside, 'envs/oldmodel/environment.yml'), old('name: oldmodel'));
    symlinkSync('../outside/envs', join(repo, 'envs'));
    const result = await runEnvgen(['generate', '--prune'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toContain('files/outside-repo');
    expect(filesUnder(join(outside, 'envs')).sort()).toEqual([
      'oldmodel/Dockerfile',
      'oldmodel/environment.yml',
    ]);
  });

  it('lock refuses before it solves or writes a lock there', async () => {
    const spec = `${SPEC}lock:\n  mirrors:\n    conda-forge: http://127.0.0.1:9/conda-forge\n`;
    const { repo, outside } = repoAndOutside(spec);
    mkdirSync(join(repo, 'envs'));
    symlinkSync(outside, join(repo, 'envs/svc'));
    const result = await runEnvgen(['lock'], {
      cwd: repo,
      env: { ENVGEN_CACHE_DIR: join(repo, '.cache'), HTTPS_PROXY: '', HTTP_PROXY: '' },
    });
    expect(result.exitCode).toBe(2);
    expect(new Set(codesOf(result.stderr))).toEqual(new Set(['files/outside-repo']));
    expect(filesUnder(outside)).toEqual([]);
  });

  it('init writes nothing, envgen.yaml included, when envs/ leads out', async () => {
    const { repo, outside } = repoAndOutside();
    const dir = join(repo, 'fresh');
    mkdirSync(dir);
    symlinkSync(outside, join(dir, 'envs'));
    const result = await runEnvgen(
      ['init', '--yes', '--name', 'svc', '--torch', '2.4', '--cuda', 'cpu'],
      { cwd: dir },
    );
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toContain('files/outside-repo');
    expect(readdirSync(dir)).toEqual(['envs']);
    expect(filesUnder(outside)).toEqual([]);
  });
});

describe('D2: only regular files are read, and never past a limit', () => {
  it('envgen.yaml linked to /dev/zero: exit 2 (spec/not-a-file), nothing read', async () => {
    const dir = tmpDir();
    symlinkSync('/dev/zero', join(dir, 'envgen.yaml'));
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['spec/not-a-file']);
  });

  it('envgen.yaml a FIFO: exit 2 at once, no hang', async () => {
    const dir = tmpDir();
    await execa('mkfifo', [join(dir, 'envgen.yaml')]);
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['spec/not-a-file']);
  });

  it('a 4 GiB (sparse) envgen.yaml: exit 2 (spec/too-large), the limit applied while reading', async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    truncateSync(join(dir, 'envgen.yaml'), 4 * 1024 ** 3);
    const result = await runEnvgen(['resolve'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['spec/too-large']);
  });

  it('a --rules file linked to /dev/zero: exit 2 (rules/not-a-file)', async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    symlinkSync('/dev/zero', join(dir, 'rules.yaml'));
    const result = await runEnvgen(['resolve', '--rules', 'rules.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['rules/not-a-file']);
  });

  it('a generated file linked to /dev/zero: generate and --check exit 2 (files/not-regular)', async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    mkdirSync(join(dir, 'envs/svc'), { recursive: true });
    symlinkSync('/dev/zero', join(dir, 'envs/svc/Dockerfile'));
    for (const args of [['generate'], ['generate', '--check']]) {
      const result = await runEnvgen(args, { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(codesOf(result.stderr)).toEqual(['files/not-regular']);
    }
    expect(readdirSync(join(dir, 'envs/svc'))).toEqual(['Dockerfile']);
  });

  it('audit of a Dockerfile linked to /dev/zero, a FIFO, or a 100 MiB file: exit 2 each', async () => {
    const dir = tmpDir({ 'big/Dockerfile': 'FROM debian:12\n' });
    symlinkSync('/dev/zero', join(dir, 'Dockerfile'));
    await execa('mkfifo', [join(dir, 'environment.yml')]);
    truncateSync(join(dir, 'big/Dockerfile'), 100 * 1024 ** 2);
    const cases: [string, string][] = [
      ['Dockerfile', 'files/not-regular'],
      ['environment.yml', 'files/not-regular'],
      ['big/Dockerfile', 'files/too-large'],
    ];
    for (const [file, code] of cases) {
      const result = await runEnvgen(['audit', file, '--format', 'json'], { cwd: dir });
      expect([file, result.exitCode]).toEqual([file, 2]);
      expect(codesOf(result.stderr)).toEqual([code]);
    }
  });

  it('audit of a git repository whose Dockerfile links to /dev/zero: exit 2', async () => {
    const dir = tmpDir({ 'environment.yml': 'name: x\ndependencies:\n  - python=3.11\n' });
    symlinkSync('/dev/zero', join(dir, 'Dockerfile'));
    await execa('git', ['init', '-q'], { cwd: dir });
    await execa('git', ['add', '-A'], { cwd: dir });
    const result = await runEnvgen(['audit'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['files/not-regular']);
  });
});

describe('D6: the whole plan is checked before the first write', () => {
  it('a model named smoke_check.py collides with the smoke script: exit 2, nothing written', async () => {
    const dir = tmpDir({
      'envgen.yaml': 'version: 1\nmodels:\n  smoke_check.py:\n    torch: "2.1"\n    cuda: cpu\n',
    });
    const result = await runEnvgen(['generate'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['generate/path-collision']);
    expect(readdirSync(dir)).toEqual(['envgen.yaml']);
    // And the next run says the same (nothing half made stands in its way).
    expect(codesOf((await runEnvgen(['generate'], { cwd: dir })).stderr)).toEqual([
      'generate/path-collision',
    ]);
  });
});

describe('D7: temp files of an interrupted or killed run', () => {
  it("the next generate removes envgen's stale temp files, and nothing else", async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    const stale = ['.docker-bake.hcl.0123456789ab.tmp', 'envs/svc/.Dockerfile.a1b2c3d4e5f6.tmp'];
    const kept = [
      'envs/svc/.environment.yml.ffffffffffff.tmp', // fresh: may be another run's
      'envs/svc/.notes.tmp', // not envgen's pattern
      'envs/svc/backup.0123456789ab.tmp', // not hidden: not envgen's
    ];
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const path of [...stale, ...kept]) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), 'partial');
      if (path !== kept[0]) utimesSync(join(dir, path), hourAgo, hourAgo);
    }
    const result = await runEnvgen(['generate'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    for (const path of stale) expect([path, existsSync(join(dir, path))]).toEqual([path, false]);
    for (const path of kept) expect([path, existsSync(join(dir, path))]).toEqual([path, true]);
  });

  it('generate --check removes nothing', async () => {
    const dir = tmpDir({ 'envgen.yaml': SPEC });
    await runEnvgen(['generate'], { cwd: dir });
    const temp = join(dir, '.docker-bake.hcl.0123456789ab.tmp');
    writeFileSync(temp, 'partial');
    utimesSync(temp, new Date(0), new Date(0));
    expect((await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode).toBe(0);
    expect(existsSync(temp)).toBe(true);
  });
});

describe('D15: audit --fix and a symlinked file', () => {
  // ENV002's example: `nodefaults` is added to the channels.
  const ENV = 'name: app\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n';
  const FIXED =
    'name: app\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n';

  it('writes through a link to a file in the repository, and the link stays a link', async () => {
    const dir = tmpDir({ 'real/environment.yml': ENV });
    symlinkSync('real/environment.yml', join(dir, 'environment.yml'));
    await runEnvgen(['audit', 'environment.yml', '--fix'], { cwd: dir });
    expect(readlinkSync(join(dir, 'environment.yml'))).toBe('real/environment.yml');
    expect(readFileSync(join(dir, 'real/environment.yml'), 'utf8')).toBe(FIXED);
  });

  it('a plain file is fixed in place (the guard lets it through)', async () => {
    const dir = tmpDir({ 'environment.yml': ENV });
    await runEnvgen(['audit', 'environment.yml', '--fix'], { cwd: dir });
    expect(readFileSync(join(dir, 'environment.yml'), 'utf8')).toBe(FIXED);
  });

  it('refuses a link out of the repository: exit 2, link and target untouched', async () => {
    const { repo, outside } = repoAndOutside();
    writeFileSync(join(outside, 'precious'), ENV);
    symlinkSync('../outside/precious', join(repo, 'environment.yml'));
    const result = await runEnvgen(['audit', 'environment.yml', '--fix'], { cwd: repo });
    expect(result.exitCode).toBe(2);
    expect(codesOf(result.stderr)).toEqual(['files/outside-repo']);
    expect(readlinkSync(join(repo, 'environment.yml'))).toBe('../outside/precious');
    expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe(ENV);
  });
});

describe('build: environments are not created or deleted through a link out of the repository', () => {
  it('a symlinked .envgen/: exit 2 before any conda runs, nothing made outside', async () => {
    const { repo, outside } = repoAndOutside();
    expect((await runEnvgen(['generate'], { cwd: repo })).exitCode).toBe(0);
    symlinkSync(outside, join(repo, '.envgen'));
    const { env, calls } = fakeTools(repo, { version: '2.4.1', cuda: 'cpu' });
    const result = await runEnvgen(['build'], { cwd: repo, env });
    expect(result.exitCode).toBe(2);
    expect(new Set(codesOf(result.stderr))).toEqual(new Set(['files/outside-repo']));
    // The tool was asked its version, and created nothing.
    expect(calls().filter((call) => call.argv.includes('create'))).toEqual([]);
    expect(calls().length).toBeGreaterThan(0);
    expect(filesUnder(outside)).toEqual([]);
  });
});
