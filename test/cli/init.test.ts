/** `envgen init` end to end over the fixture model repos, copied to temp folders. */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type InitFlags, runInit } from '../../src/cli/commands/init.js';
import { type ResolveRequest, resolveModel } from '../../src/compat/resolve.js';
import { compatTable } from '../../src/compat/table.js';
import { createNodeIo } from '../../src/io.js';
import { type Problem, UserError } from '../../src/problem.js';
import { paletteFor } from '../../src/report/color.js';
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

const repo = tmpDir;

/** The comment lines of the envgen.yaml init wrote (its evidence). */
const commentsOf = (dir: string) =>
  readFileSync(join(dir, 'envgen.yaml'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('#'));

/** The pip section of a generated environment.yml. */
function envPip(dir: string, model: string): string[] {
  const env = parseYaml(readFileSync(join(dir, 'envs', model, 'environment.yml'), 'utf8'));
  const section = (env.dependencies as unknown[]).find(
    (d): d is { pip: string[] } => typeof d === 'object' && d !== null && 'pip' in d,
  );
  return section?.pip ?? [];
}

/** The problems `init` stops with, called as the CLI calls it. */
async function initProblems(dir: string, flags: InitFlags): Promise<Problem[]> {
  const io = { ...createNodeIo(), cwd: dir };
  try {
    await runInit({ io, root: dir, json: true, color: paletteFor(0) }, flags);
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  return [];
}

/** The torch series the resolver picks for a request. */
function resolvedSeries(request: Omit<ResolveRequest, 'name'>): string {
  const outcome = resolveModel(compatTable(), { name: 'x', ...request });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.model.torch.split('.').slice(0, 2).join('.');
}

const FLASK_APP = 'from flask import Flask\napp = Flask(__name__)\n';
const FASTAPI_APP = 'from fastapi import FastAPI\napp = FastAPI()\n';
const HANDLER = 'from ts.torch_handler.base_handler import BaseHandler\n';

describe('envgen init', () => {
  it('a Flask repo with a CUDA requirements file: pip source, the pinned torch, the app served', async () => {
    const dir = repoCopy('flask-sentiment');
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'sentiment'], {
      cwd: dir,
    });
    expect(result.stderr).not.toMatch(/error/);
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

  it("keeps the repo's own .dockerignore, --force or not, and warns only about what it lacks", async () => {
    // Reproduction: `printf '.git\n' > .dockerignore; envgen init --yes` stopped with
    // [init/files-exist], and --force replaced the user's file.
    for (const force of [[], ['--force']]) {
      const dir = repo({ 'requirements.txt': 'torch==2.4.1\n', '.dockerignore': '.git\n' });
      const result = await runEnvgen(['init', '--yes', '--json', '--name', 'x', ...force], {
        cwd: dir,
      });
      expect(result.exitCode).toBe(0);
      expect(readFileSync(join(dir, '.dockerignore'), 'utf8')).toBe('.git\n');
      const out = JSON.parse(result.stdout);
      expect(out.files).toContainEqual({ path: '.dockerignore', status: 'kept' });
      expect(out.files).toContainEqual({ path: 'envs/x/Dockerfile', status: 'created' });
      const [gap] = out.problems;
      expect(out.problems).toHaveLength(1);
      expect(gap).toMatchObject({ ruleId: 'dockerignore/lets-in', severity: 'warning' });
      // .git is excluded; .env files and weights are not.
      expect(gap.fix).not.toContain('.git');
      expect(gap.fix).toContain('.env');
      expect(gap.fix).toContain('**/*.pt');
      expect(result.stderr).toContain('[dockerignore/lets-in]');
      // What init wrote is current, and the kept file does not fail the check.
      expect((await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode).toBe(0);
    }
  });

  it('a .dockerignore that keeps everything out gets no warning', async () => {
    const ignore = '.git\n.env\n.env.*\n**/*.pt\n**/*.pth\n**/*.ckpt\n**/*.safetensors\n';
    const dir = repo({ 'requirements.txt': 'torch==2.4.1\n', '.dockerignore': ignore });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'x'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).problems).toEqual([]);
  });

  it('refuses another file envgen did not write unless --force, then replaces it', async () => {
    const dir = repoCopy('flask-sentiment');
    writeFileSync(join(dir, 'docker-bake.hcl'), 'target "mine" {}\n');
    const refused = await runEnvgen(['init', '--yes', '--json'], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('[init/files-exist]');
    expect(existsSync(join(dir, 'envgen.yaml'))).toBe(false);
    const forced = await runEnvgen(['init', '--yes', '--force', '--json'], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'docker-bake.hcl'), 'utf8')).toContain('envgen');
  });

  it('refuses a .dockerignore that leaves out what the images build from, writing nothing', async () => {
    const dir = repo({
      'requirements.txt': 'torch==2.4.1\n',
      '.dockerignore': '*\n!app.py\n!requirements.txt\n',
    });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'x'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const [problem] = JSON.parse(result.stdout).problems;
    expect(problem).toMatchObject({
      ruleId: 'dockerignore/excludes-needed',
      file: '.dockerignore',
    });
    expect(problem.message).toContain('envs/x/environment.yml');
    expect(problem.fix).toContain('!envs/smoke_check.py');
    expect(existsSync(join(dir, 'envgen.yaml'))).toBe(false);
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

describe('envgen init: the server the command runs is installed', () => {
  it('adds gunicorn to pip for a Flask app when no requirement lists it', async () => {
    const dir = repo({ 'requirements.txt': 'torch==2.4.1\nflask\n', 'app.py': FLASK_APP });
    const result = await runEnvgen(['init', '--yes', '--name', 'web'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const model = specOf(dir).models.web;
    expect(model?.serve?.command[0]).toBe('gunicorn');
    expect(model?.pip).toEqual(['flask', 'gunicorn']);
    expect(envPip(dir, 'web')).toContain('gunicorn');
  });

  it.each([
    [
      'uvicorn for a FastAPI app',
      { 'requirements.txt': 'fastapi\n', 'main.py': FASTAPI_APP },
      ['fastapi', 'uvicorn'],
    ],
    [
      'nothing when fastapi[standard] brings uvicorn',
      { 'requirements.txt': 'fastapi[standard]\n', 'main.py': FASTAPI_APP },
      ['fastapi[standard]'],
    ],
    [
      'nothing when the requirements list gunicorn',
      { 'requirements.txt': 'flask\nGunicorn>=22\n', 'app.py': FLASK_APP },
      ['flask', 'Gunicorn>=22'],
    ],
    [
      'torchserve for model archives',
      { 'requirements.txt': 'torch==2.4.1\n', 'handler.py': HANDLER, 'model-store/m.mar': 'PK' },
      ['torchserve'],
    ],
  ])('adds %s', async (_what, files, pip) => {
    const dir = repo(files);
    const result = await runEnvgen(['init', '--yes', '--name', 'm'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(specOf(dir).models.m?.pip).toEqual(pip);
  });

  it('says TorchServe needs Java', async () => {
    const dir = repo({ 'handler.py': HANDLER, 'model-store/m.mar': 'PK' });
    expect((await runEnvgen(['init', '--yes', '--name', 'm'], { cwd: dir })).exitCode).toBe(0);
    expect(commentsOf(dir).some((line) => /java/i.test(line))).toBe(true);
  });

  it('adds nothing when a conda dependency provides the server', async () => {
    const dir = repoCopy('conda-legacy');
    expect((await runEnvgen(['init', '--yes', '--name', 'legacy'], { cwd: dir })).exitCode).toBe(0);
    const model = specOf(dir).models.legacy;
    expect(model?.conda).toContain('gunicorn');
    expect(model?.pip).toEqual(['albumentations==1.3.0', 'prometheus-flask-exporter']);
  });

  it('installs the server of a --serve command too', async () => {
    const dir = tmpDir();
    const args = ['init', '--yes', '--name', 'm', '--serve', 'uvicorn main:app --port 9000'];
    expect((await runEnvgen(args, { cwd: dir })).exitCode).toBe(0);
    expect(specOf(dir).models.m?.pip).toEqual(['uvicorn']);
  });
});

describe('envgen init: a value a flag replaced keeps no comment saying where the repo had it', () => {
  it('--serve, --python: the detected app and the pins that bounded Python are not its provenance', async () => {
    const dir = repoCopy('conda-legacy');
    const { exitCode, stdout } = await runEnvgen(
      [
        'init',
        '--yes',
        '--json',
        '--torch',
        '2.4',
        '--cuda',
        '12.1',
        '--python',
        '3.12',
        '--serve',
        'python serve.py',
      ],
      { cwd: dir },
    );
    expect(exitCode).toBe(0);
    const comments = commentsOf(dir).join('\n');
    for (const replaced of [
      'Flask app serve:app',
      'installs on Python',
      'python 3.9',
      'torch 1.13.1',
      'cuda 11.7',
    ])
      expect(comments).not.toContain(replaced);
    // What the repo still gave is said: the port of its app.
    expect(comments).toContain('serve: port 8080 from the repo; --serve given');
    // The pins that bounded Python are a warning now: numpy 1.23 does not install on 3.12.
    expect(JSON.parse(stdout).problems.map((p: Problem) => p.ruleId)).toContain('init/python-pins');
  });

  it('--port alone: the detected command stays, and the comment says the port was given', async () => {
    const dir = repoCopy('conda-legacy');
    expect((await runEnvgen(['init', '--yes', '--port', '9000'], { cwd: dir })).exitCode).toBe(0);
    const comments = commentsOf(dir).join('\n');
    expect(comments).not.toContain('port 8080');
    expect(comments).toContain('serve: the command, health /healthz from the repo; --port given');
    expect(Object.values(specOf(dir).models)[0]?.serve?.port).toBe(9000);
  });
});

describe('envgen init: flags are checked as flags', () => {
  it.each<[string[], InitFlags]>([
    [['--name', 'Bad_Name'], { name: 'Bad_Name' }],
    [['--python', '3.x'], { python: '3.x' }],
    [['--health', 'x y'], { health: 'x y' }],
    [['--port', '0'], { port: '0' }],
    [['--port', 'http'], { port: 'http' }],
    [['--cuda', '11'], { cuda: '11' }],
    [['--torch', '2..1'], { torch: '2..1' }],
    [['--driver', '5'], { driver: '5' }],
    [['--gpu', '8'], { gpu: ['8'] }],
    [['--serve', ' '], { serve: ' ' }],
  ])(
    '%j: usage/invalid-flag naming the flag, no file or line, exit 2, nothing written',
    async (args, flags) => {
      const dir = repoCopy('flask-sentiment');
      const before = readdirSync(dir, { recursive: true }).sort();
      const result = await runEnvgen(['init', '--yes', ...args], { cwd: dir });
      expect(result.exitCode).toBe(2);
      expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
      const problems = await initProblems(dir, { yes: true, ...flags });
      expect(problems.map(({ ruleId, file, line }) => ({ ruleId, file, line }))).toEqual([
        { ruleId: 'usage/invalid-flag', file: undefined, line: undefined },
      ]);
      expect(problems[0]?.message.startsWith(`${args[0]} `)).toBe(true);
      expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
    },
  );

  it('suggests a valid name for a bad --name, and that name works', async () => {
    const dir = repoCopy('flask-sentiment');
    const [problem] = await initProblems(dir, { yes: true, name: 'My_Model  Repo' });
    expect(problem?.fix).toContain('my_model-repo');
    const result = await runEnvgen(['init', '--yes', '--name', 'my_model-repo'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(specOf(dir).models)).toEqual(['my_model-repo']);
  });

  it.each<[string, InitFlags]>([
    ['--port without a server', { port: '9000' }],
    ['--health without a server', { health: '/healthz' }],
    ['--health without a port', { serve: 'python serve.py', health: '/healthz' }],
  ])('refuses %s', async (_what, flags) => {
    const dir = tmpDir();
    const problems = await initProblems(dir, { yes: true, name: 'm', ...flags });
    expect(problems.map((p) => [p.ruleId, p.file])).toEqual([['usage/invalid-flag', undefined]]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('checks each answer typed on a terminal when it is given, and asks again', async () => {
    const dir = tmpDir();
    const answers = ['Bad Name', 'good-name', '2.4', '3.x', '3.11', ''];
    const result = await runEnvgen(['init'], { cwd: dir, stdinTTY: true, answers });
    expect(result.exitCode).toBe(0);
    expect(result.stderr.match(/\[usage\/invalid-answer\]/g)).toHaveLength(2);
    expect(result.stderr).not.toContain('envgen.yaml:');
    const model = specOf(dir).models['good-name'];
    expect([model?.torch, model?.python]).toEqual(['2.4', '3.11']);
    // Typed answers are not the repo's: no provenance comment claims they came from a file.
    expect(commentsOf(dir).some((line) => /torch 2\.4 from/.test(line))).toBe(false);
  });

  it("an answer replaces the repo's value: no provenance comment for it, a note instead", async () => {
    const dir = repo({ 'requirements.txt': 'torch==2.1.2\n' });
    const result = await runEnvgen(['init'], {
      cwd: dir,
      stdinTTY: true,
      answers: ['m', '2.4', '', ''],
    });
    expect(result.exitCode).toBe(0);
    expect(specOf(dir).models.m?.torch).toBe('2.4');
    expect(commentsOf(dir).some((line) => /torch 2\.1\.2 from/.test(line))).toBe(false);
    expect(result.stderr).toContain('"torch 2.1.2" dropped: 2.4 typed at the question');
  });

  it('gives up after three invalid answers to one question, writing nothing', async () => {
    const dir = tmpDir();
    const answers = ['Bad Name', 'Also Bad', 'Still Bad'];
    const result = await runEnvgen(['init'], { cwd: dir, stdinTTY: true, answers });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[usage/invalid-answer]');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('cancelled at a prompt (Ctrl-C, Ctrl-D): exit 130, nothing written, no trace', async () => {
    const dir = repoCopy('flask-sentiment');
    const before = readdirSync(dir).sort();
    const result = await runEnvgen(['init'], { cwd: dir, stdinTTY: true, cancelAt: 1 });
    expect(result.exitCode).toBe(130);
    expect(result.stderr).not.toMatch(/internal error|at .*\.ts:/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('envgen init: Python ranges and torch ranges', () => {
  const pyproject = (requiresPython: string, deps: string) =>
    `[project]\nname = "x"\nrequires-python = "${requiresPython}"\ndependencies = [${deps}]\n`;

  it('chooses torch first, then the newest Python of requires-python it supports', async () => {
    const dir = repo({ 'pyproject.toml': pyproject('>=3.9,<3.12', '"torch>=2.2"') });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'x'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const series = resolvedSeries({ torch: '>=2.2', source: 'pip' });
    const model = specOf(dir).models.x;
    expect([model?.torch, model?.python]).toEqual([series, '3.11']);
    const out = JSON.parse(result.stdout);
    expect([out.model.torch.startsWith(`${series}.`), out.model.python]).toEqual([true, '3.11']);
    // The range the repo gave is kept as evidence.
    expect(commentsOf(dir).some((line) => line.includes('>=2.2'))).toBe(true);
    expect((await runEnvgen(['generate', '--check'], { cwd: dir })).exitCode).toBe(0);
  });

  it("takes the newest Python of Poetry's ^ range that the pinned torch supports", async () => {
    const dir = repo({
      'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "2.4.1"\n',
    });
    expect((await runEnvgen(['init', '--yes', '--name', 'x'], { cwd: dir })).exitCode).toBe(0);
    const model = specOf(dir).models.x;
    expect([model?.torch, model?.python]).toEqual(['2.4.1', '3.12']);
  });

  it('takes an older torch when the newest supports none of the range', async () => {
    const dir = repo({ 'pyproject.toml': pyproject('>=3.8,<3.10', '"torch"') });
    expect((await runEnvgen(['init', '--yes', '--name', 'x'], { cwd: dir })).exitCode).toBe(0);
    const model = specOf(dir).models.x;
    expect([model?.torch, model?.python]).toEqual([
      resolvedSeries({ python: '3.9', source: 'pip' }),
      '3.9',
    ]);
  });

  it.each([
    ['.python-version', { '.python-version': '3.9\n', 'requirements.txt': 'torch>=2.2\n' }, 'pip'],
    [
      'environment.yml python=3.9',
      {
        'environment.yml':
          'channels: [conda-forge]\ndependencies:\n  - python=3.9\n  - pytorch>=2.2\n',
      },
      'conda-forge',
    ],
  ] as const)(
    'keeps a Python from %s as a pin, and writes the torch series',
    async (_what, files, source) => {
      const dir = repo(files);
      expect((await runEnvgen(['init', '--yes', '--name', 'x'], { cwd: dir })).exitCode).toBe(0);
      const model = specOf(dir).models.x;
      expect([model?.python, model?.torch]).toEqual([
        '3.9',
        resolvedSeries({ torch: '>=2.2', python: '3.9', source }),
      ]);
    },
  );

  it('writes the series for a --torch range', async () => {
    const dir = tmpDir();
    const args = ['init', '--yes', '--name', 'x', '--torch', '>=2.1,<2.3', '--cuda', 'cpu'];
    expect((await runEnvgen(args, { cwd: dir })).exitCode).toBe(0);
    expect(specOf(dir).models.x?.torch).toBe('2.2');
  });
});
