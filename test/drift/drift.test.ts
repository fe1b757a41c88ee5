/**
 * `envgen drift` on the fixture prefixes (fixtures/prefixes, SOURCE.md there): the clean
 * prefix has no drift, and each tampered copy has exactly the drift its one change makes,
 * decided by reading the fixture. In-process CLI runs, as users run it.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const PREFIXES = join(import.meta.dirname, '../../fixtures/prefixes');
const SITE = 'lib/python3.12/site-packages';

interface Drift {
  ok: boolean;
  models: {
    name: string;
    prefix: string;
    lock: string | null;
    ok: boolean;
    counts: { conda: number; pip: number; filesChecked: number };
    packages: { kind: string; manager: string; name: string; differs: string[] }[];
    files: { kind: string; manager: string; package: string; path: string }[];
  }[];
  problems: { ruleId: string; severity: string; message: string; file?: string }[];
}

/** The fixture repo in a temp folder, with `prefix` installed where `envgen build` puts it. */
function repoWith(prefix: string | null): string {
  const dir = tmpDir();
  cpSync(join(PREFIXES, 'repo'), dir, { recursive: true });
  if (prefix) cpSync(join(PREFIXES, prefix), join(dir, '.envgen/envs/tagger'), { recursive: true });
  return dir;
}

async function drift(dir: string, ...args: string[]) {
  const result = await runEnvgen(['drift', '--json', ...args], { cwd: dir });
  return { ...result, report: JSON.parse(result.stdout) as Drift };
}

const codes = (report: Drift) =>
  report.problems.map((p) => [p.ruleId, p.file?.replace(/^.*\.envgen\/envs\/tagger\/?/, '')]);

describe('envgen drift on the fixture prefixes', () => {
  it('finds no drift in the clean prefix, and says what it checked', async () => {
    const { exitCode, report, stderr } = await drift(repoWith('clean'));
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    const [model] = report.models;
    expect(model?.name).toBe('tagger');
    expect(model?.prefix).toBe('.envgen/envs/tagger');
    expect(model?.lock).toBe('envs/tagger/conda-linux-64.lock');
    // Five conda-meta records; humanize is the one distribution pip installed.
    expect(model?.counts.conda).toBe(5);
    expect(model?.counts.pip).toBe(1);
    expect(model?.counts.filesChecked).toBeGreaterThan(15);
  });

  it.each([
    ['deleted-file', 'drift/deleted-file', `${SITE}/flask/app.py`],
    ['edited-py', 'drift/altered-file', `${SITE}/werkzeug/__init__.py`],
    ['extra-pip', 'drift/extra', ''],
    ['swapped-build', 'drift/mismatch', 'envs/tagger/conda-linux-64.lock'],
  ])('%s: exactly one problem, %s', async (prefix, code, file) => {
    const { exitCode, report } = await drift(repoWith(prefix));
    expect(codes(report)).toEqual([[code, file]]);
    expect(report.problems[0]?.severity).toBe('error');
    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
  });

  it('names the package and what differs in each drift', async () => {
    const swapped = (await drift(repoWith('swapped-build'))).report.models[0];
    expect(swapped?.packages).toEqual([
      expect.objectContaining({
        kind: 'mismatch',
        manager: 'conda',
        name: 'flask',
        differs: ['build', 'md5'],
      }),
    ]);
    const extra = (await drift(repoWith('extra-pip'))).report.models[0];
    expect(extra?.packages).toEqual([
      expect.objectContaining({ kind: 'extra', manager: 'pip', name: 'six' }),
    ]);
    const deleted = (await drift(repoWith('deleted-file'))).report.models[0];
    expect(deleted?.files).toEqual([
      { kind: 'deleted', manager: 'conda', package: 'flask', path: `${SITE}/flask/app.py` },
    ]);
  });

  it('finds a package missing from the prefix, and one the lock does not have', async () => {
    const dir = repoWith('clean');
    const meta = join(dir, '.envgen/envs/tagger/conda-meta');
    // As `conda remove` leaves it: the record and the files gone.
    rmSync(join(meta, 'werkzeug-3.0.4-pyhd8ed1ab_0.json'));
    for (const folder of ['werkzeug', 'werkzeug-3.0.4.dist-info'])
      rmSync(join(dir, '.envgen/envs/tagger', SITE, folder), { recursive: true });
    writeFileSync(
      join(meta, 'six-1.16.0-pyh6c4a22f_0.json'),
      JSON.stringify({ name: 'six', version: '1.16.0', build: 'pyh6c4a22f_0', files: [] }),
    );
    const { report } = await drift(dir);
    expect(report.models[0]?.packages.map((p) => [p.kind, p.manager, p.name])).toEqual([
      ['missing', 'conda', 'werkzeug'],
      ['extra', 'conda', 'six'],
    ]);
  });

  it('tells another channel from a mirror of the same one', async () => {
    const dir = repoWith('clean');
    const record = join(dir, '.envgen/envs/tagger/conda-meta/pip-24.2-pyh8b19718_1.json');
    const original = readFileSync(record, 'utf8');
    // A mirror of conda-forge: the same channel, the same file (MD5).
    writeFileSync(
      record,
      original.replaceAll(
        'https://conda.anaconda.org/conda-forge',
        'https://mirror.example.com/conda-forge',
      ),
    );
    expect((await drift(dir)).report.models[0]?.packages).toEqual([]);
    // Another channel: a mismatch.
    writeFileSync(
      record,
      original.replaceAll(
        'https://conda.anaconda.org/conda-forge',
        'https://conda.anaconda.org/pytorch',
      ),
    );
    const { report } = await drift(dir);
    expect(report.models[0]?.packages).toEqual([
      expect.objectContaining({
        kind: 'mismatch',
        name: 'pip',
        differs: ['channel'],
        locked: expect.objectContaining({ channel: 'https://conda.anaconda.org/conda-forge' }),
        installed: expect.objectContaining({ channel: 'https://conda.anaconda.org/pytorch' }),
      }),
    ]);
  });

  it('checks the pip pins: another version is a mismatch, none installed is missing', async () => {
    const dir = repoWith('clean');
    const pip = join(dir, 'envs/tagger/pip-requirements.txt');
    writeFileSync(pip, readFileSync(pip, 'utf8').replace('humanize==4.9.0', 'humanize==4.10'));
    writeFileSync(pip, `${readFileSync(pip, 'utf8')}requests==2.32.3\n`);
    const { report } = await drift(dir);
    expect(report.models[0]?.packages.map((p) => [p.kind, p.manager, p.name])).toEqual([
      ['mismatch', 'pip', 'humanize'],
      ['missing', 'pip', 'requests'],
    ]);
  });

  it("does not count the repository's own packages (localPackages) as extra", async () => {
    const dir = repoWith('clean');
    const info = join(dir, '.envgen/envs/tagger', SITE, 'tagger_app-0.1.0.dist-info');
    mkdirSync(info, { recursive: true });
    writeFileSync(
      join(info, 'METADATA'),
      'Metadata-Version: 2.1\nName: tagger-app\nVersion: 0.1.0\n',
    );
    writeFileSync(join(info, 'INSTALLER'), 'pip\n');
    writeFileSync(join(info, 'direct_url.json'), '{"dir_info": {}, "url": "file:///srv/repo"}');
    // Without localPackages, a folder pip installed is extra like any other.
    expect((await drift(dir)).report.models[0]?.packages).toEqual([
      expect.objectContaining({ kind: 'extra', manager: 'pip', name: 'tagger-app' }),
    ]);
    const spec = join(dir, 'envgen.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(
        '    conda: [flask]',
        '    localPackages: ["."]\n    conda: [flask]',
      ),
    );
    const { report, exitCode } = await drift(dir);
    expect(report.models[0]?.packages).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it('does not hash files with --no-files', async () => {
    const { report, exitCode } = await drift(repoWith('edited-py'), '--no-files');
    expect(exitCode).toBe(0);
    expect(report.models[0]?.counts.filesChecked).toBe(0);
  });

  it('checks a prefix named with --prefix', async () => {
    const { report, exitCode } = await drift(
      repoWith(null),
      'tagger',
      '--prefix',
      join(PREFIXES, 'edited-py'),
    );
    expect(exitCode).toBe(1);
    expect(report.problems.map((p) => p.ruleId)).toEqual(['drift/altered-file']);
  });

  it('prints each model with one line per drift in text', async () => {
    const { stdout, exitCode } = await runEnvgen(['drift'], { cwd: repoWith('swapped-build') });
    expect(exitCode).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^tagger {2}\.envgen\/envs\/tagger {2}against envs\/tagger\/conda-linux-64\.lock$/,
    );
    expect(lines[1]).toMatch(
      /✗ mismatch +conda +flask: build pyhd8ed1ab_0 -> pyhd8ed1ab_1, md5 differs$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}1 drifted: 5 conda packages, 1 pip distribution, \d+ files checked$/,
    );
  });
});

describe('envgen drift on bad input (exit 2)', () => {
  it('a folder that is not an environment', async () => {
    const { exitCode, report } = await drift(
      repoWith(null),
      'tagger',
      '--prefix',
      join(PREFIXES, 'not-an-environment'),
    );
    expect(exitCode).toBe(2);
    expect(report.problems.map((p) => p.ruleId)).toEqual(['prefix/not-an-environment']);
  });

  it('a prefix with a corrupt record', async () => {
    const { exitCode, report } = await drift(
      repoWith(null),
      'tagger',
      '--prefix',
      join(PREFIXES, 'corrupt-record'),
    );
    expect(exitCode).toBe(2);
    expect(report.problems.map((p) => p.ruleId)).toEqual(['prefix/corrupt-record']);
  });

  it('a model named whose environment does not exist', async () => {
    const { exitCode, report } = await drift(repoWith(null), 'tagger');
    expect(exitCode).toBe(2);
    expect(report.problems.map((p) => [p.ruleId, p.severity])).toEqual([
      ['drift/no-environment', 'error'],
    ]);
  });

  it('no model with an environment at all', async () => {
    const { exitCode, report } = await drift(repoWith(null));
    expect(exitCode).toBe(2);
    expect(report.problems.map((p) => p.ruleId)).toEqual(['drift/no-environment']);
  });

  it('no lock: the files are checked, and the exit says the lock is missing', async () => {
    const dir = repoWith('edited-py');
    rmSync(join(dir, 'envs/tagger/conda-linux-64.lock'));
    const { exitCode, report } = await drift(dir);
    expect(exitCode).toBe(2);
    expect(report.problems.map((p) => p.ruleId)).toEqual(['drift/no-lock', 'drift/altered-file']);
  });

  it('a lock line that is not a package URL, with its line', async () => {
    const dir = repoWith('clean');
    const lock = join(dir, 'envs/tagger/conda-linux-64.lock');
    writeFileSync(lock, `${readFileSync(lock, 'utf8')}flask==3.0.3\n`);
    const { exitCode, report } = await drift(dir);
    expect(exitCode).toBe(2);
    expect(report.problems).toEqual([
      expect.objectContaining({ ruleId: 'packages/corrupt', line: 13 }),
    ]);
  });
});
