/** `envgen init` end to end over the fixture model repos, copied to temp folders. */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../src/spec/load-spec.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

function repoCopy(name: string): string {
  const dir = tmpDir();
  cpSync(`fixtures/repos/${name}`, dir, { recursive: true });
  return dir;
}

const specOf = (dir: string) =>
  parseSpecText(readFileSync(join(dir, 'envgen.yaml'), 'utf8'), 'envgen.yaml').spec;

describe('envgen init', () => {
  it('a Flask repo with a CUDA requirements file: pip source, the pinned torch, the app served', async () => {
    const dir = repoCopy('flask-sentiment');
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'sentiment'], {
      cwd: dir,
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout);
    expect([out.model.torch, out.model.cuda, out.model.source]).toEqual(['2.1.2', '11.8', 'pip']);
    const model = specOf(dir).models.sentiment;
    expect(model?.serve?.command).toEqual(['gunicorn', '-b', '0.0.0.0:8080', 'app:app']);
    expect(model?.pip?.some((p) => p.startsWith('torch'))).toBe(false);
    for (const path of [
      'envs/sentiment/Dockerfile',
      'envs/sentiment/environment.yml',
      'docker-bake.hcl',
      '.dockerignore',
    ]) {
      expect(existsSync(join(dir, path))).toBe(true);
    }
    // What init wrote is current.
    expect((await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode).toBe(0);
  });

  it('a conda repo on the pytorch channel keeps its torch, CUDA and Python', async () => {
    const dir = repoCopy('conda-legacy');
    const result = await runEnvgen(['init', '--yes', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const { model } = JSON.parse(result.stdout);
    expect([model.torch, model.python, model.cuda, model.source]).toEqual([
      '1.13.1',
      '3.9',
      '11.7',
      'pytorch',
    ]);
  });

  it('a FastAPI repo with pyproject.toml is served by uvicorn', async () => {
    const dir = repoCopy('fastapi-detector');
    const result = await runEnvgen(['init', '--yes', '--json'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const spec = specOf(dir);
    const [model] = Object.values(spec.models);
    expect(model?.serve?.command[0]).toBe('uvicorn');
  });

  it('flags win over what was detected', async () => {
    const dir = repoCopy('flask-sentiment');
    const result = await runEnvgen(
      [
        'init',
        '--yes',
        '--json',
        '--torch',
        '2.4',
        '--cuda',
        'cpu',
        '--base',
        'micromamba',
        '--port',
        '9000',
      ],
      { cwd: dir },
    );
    expect(result.exitCode).toBe(0);
    const [model] = Object.values(specOf(dir).models);
    expect([model?.torch, model?.cuda, model?.base, model?.serve?.port]).toEqual([
      '2.4',
      'cpu',
      'micromamba',
      9000,
    ]);
  });

  it('an empty folder gets the newest torch that fits and the smoke check as its command', async () => {
    const dir = tmpDir();
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'blank'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const model = specOf(dir).models.blank;
    expect(model?.torch).toMatch(/^2\.\d+$/);
    expect(model?.serve).toBeUndefined();
  });

  it('never replaces an existing envgen.yaml without --force', async () => {
    const dir = repoCopy('flask-sentiment');
    writeFileSync(join(dir, 'envgen.yaml'), 'version: 1\nmodels:\n  mine: {}\n');
    const refused = await runEnvgen(['init', '--yes'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('[init/spec-exists]');
    expect(readFileSync(join(dir, 'envgen.yaml'), 'utf8')).toBe(
      'version: 1\nmodels:\n  mine: {}\n',
    );
    const forced = await runEnvgen(['init', '--yes', '--force', '--name', 'sentiment'], {
      cwd: dir,
    });
    expect(forced.exitCode).toBe(0);
    expect(Object.keys(specOf(dir).models)).toEqual(['sentiment']);
  });

  it('never replaces a generated-looking file it did not write, and then writes nothing', async () => {
    const dir = repoCopy('flask-sentiment');
    writeFileSync(join(dir, '.dockerignore'), '.git\n');
    const refused = await runEnvgen(['init', '--yes'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('[init/files-exist]');
    expect(existsSync(join(dir, 'envgen.yaml'))).toBe(false);
    expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('.git\n');
  });

  it('values that do not resolve write nothing (exit 2)', async () => {
    const dir = repoCopy('flask-sentiment');
    const result = await runEnvgen(['init', '--yes', '--torch', '2.1', '--python', '3.13'], {
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[resolve/python]');
    expect(existsSync(join(dir, 'envgen.yaml'))).toBe(false);
  });

  it('a Python floor from the repo that torch does not support falls back to the resolver', async () => {
    const dir = tmpDir({
      'pyproject.toml':
        '[project]\nname = "x"\nrequires-python = ">=3.7"\ndependencies = ["torch==2.4.1"]\n',
    });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'x'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const { model } = JSON.parse(result.stdout);
    expect(model.torch).toBe('2.4.1');
    expect(model.python).toBe('3.12');
  });

  it('asks on a terminal and takes the answers', async () => {
    const dir = tmpDir();
    const answers = ['detector', '2.4', '3.11', 'cpu'];
    const result = await runEnvgen(['init'], { cwd: dir, stdinTTY: true, answers });
    expect(result.exitCode).toBe(0);
    const model = specOf(dir).models.detector;
    expect([model?.torch, model?.python, model?.cuda]).toEqual(['2.4', '3.11', 'cpu']);
  });
});
