/**
 * The ways `envgen init` went wrong on real model repos (issue 13), each as its minimal
 * reproduction, run through the CLI on a temp repo. The corpus of real repos is in
 * init-corpus.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RequirementNote } from '../../src/init/detect/collector.js';
import type { Problem } from '../../src/problem.js';
import { parseSpecText } from '../../src/spec/load-spec.js';
import type { ModelSpec } from '../../src/spec/types.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const repo = tmpDir;

interface InitJson {
  model: {
    torch: string;
    python: string;
    cuda: string;
    torchvision: string | null;
    torchaudio: string | null;
  };
  notes: RequirementNote[];
  problems: Problem[];
}

async function init(
  files: Record<string, string>,
  flags: string[] = [],
): Promise<{ dir: string; out: InitJson; spec: ModelSpec; comments: string[]; stderr: string }> {
  const dir = repo(files);
  const result = await runEnvgen(['init', '--yes', '--json', '--name', 'm', ...flags], {
    cwd: dir,
  });
  if (result.exitCode !== 0) throw new Error(`init exited ${result.exitCode}: ${result.stderr}`);
  const text = readFileSync(join(dir, 'envgen.yaml'), 'utf8');
  const spec = parseSpecText(text, 'envgen.yaml').spec.models.m as ModelSpec;
  const comments = text.split('\n').filter((line) => line.startsWith('#'));
  return { dir, out: JSON.parse(result.stdout) as InitJson, spec, comments, stderr: result.stderr };
}

async function refused(files: Record<string, string>, flags: string[] = []) {
  const dir = repo(files);
  const result = await runEnvgen(['init', '--yes', '--json', '--name', 'm', ...flags], {
    cwd: dir,
  });
  expect(result.exitCode).toBe(2);
  expect(existsSync(join(dir, 'envgen.yaml'))).toBe(false);
  return (JSON.parse(result.stdout) as { problems: Problem[] }).problems;
}

const series = (version: string) => version.split('.').slice(0, 2).join('.');

describe('2. torchvision and torchaudio pins constrain torch', () => {
  it('torchvision==0.16.2 alone gives torch 2.1.2 with torchvision 0.16.2', async () => {
    const { out, spec } = await init({ 'requirements.txt': 'torchvision==0.16.2\n' });
    expect([out.model.torch, out.model.torchvision]).toEqual(['2.1.2', '0.16.2']);
    expect(spec.vision).toBe(true);
    expect(out.notes).toContainEqual(
      expect.objectContaining({
        file: 'requirements.txt',
        line: 1,
        text: 'torchvision==0.16.2',
        action: 'changed',
      }),
    );
  });

  it('torch>=1.8.1 with torchaudio>=0.8,<2.1 stays below torch 2.1', async () => {
    const { out } = await init({ 'requirements.txt': 'torch>=1.8.1\ntorchaudio>=0.8,<2.1\n' });
    expect(series(out.model.torch)).toBe('2.0');
    expect(out.model.torchaudio?.startsWith('2.0.')).toBe(true);
  });

  it('a conda torchvision pin counts too, including the pytorch channel line of 2.0.0', async () => {
    const { out } = await init({
      'environment.yml':
        'channels: [pytorch, nvidia]\ndependencies:\n  - python=3.9\n  - pytorch::pytorch=2.0.0\n  - pytorch::torchvision=0.15.0\n  - pytorch-cuda=11.7\n',
    });
    expect(out.model.torch).toBe('2.0.0');
  });

  it('a pin and torch that never pair: exit 2, naming both lines', async () => {
    const [problem] = await refused({ 'requirements.txt': 'torch==2.4.1\ntorchvision==0.16.2\n' });
    expect(problem).toMatchObject({
      ruleId: 'init/library-pin',
      file: 'requirements.txt',
      line: 2,
    });
    expect(problem?.message).toContain('requirements.txt:1');
    expect(problem?.message).toContain('2.1.2');
  });

  it('two library pins that never pair with one torch: exit 2, naming both', async () => {
    const [problem] = await refused({
      'requirements.txt': 'torchvision==0.16.2\ntorchaudio==2.4.1\n',
    });
    expect(problem?.message).toContain('requirements.txt:1');
    expect(problem?.line).toBe(2);
  });

  it('a library pin no known torch pairs with: exit 2 at its line, with the flag that overrides it', async () => {
    const [problem] = await refused({ 'requirements.txt': 'numpy\ntorchvision==0.8.2\n' });
    expect(problem).toMatchObject({ file: 'requirements.txt', line: 2 });
    expect(problem?.fix).toContain('--torch');
  });

  it('--torch wins over a library pin, which is dropped with a note', async () => {
    const { out } = await init({ 'requirements.txt': 'torchvision==0.16.2\n' }, ['--torch', '2.4']);
    expect(series(out.model.torch)).toBe('2.4');
    expect(out.notes).toContainEqual(
      expect.objectContaining({ line: 1, action: 'dropped', text: 'torchvision==0.16.2' }),
    );
  });
});

describe('3. torch pinned only in optional dependencies', () => {
  it('PEP 621 extras: the GPU extra is read, with its +cuXYZ label', async () => {
    const { out, spec, comments } = await init({
      'pyproject.toml': [
        '[project]',
        'name = "svc"',
        'dependencies = ["fastapi==0.115.0"]',
        '[project.optional-dependencies]',
        'cpu = ["torch==2.7.1"]',
        'cuda = ["torch==2.7.1+cu126", "nvidia-ml-py==12.560.30"]',
        'dev = ["pytest"]',
      ].join('\n'),
    });
    expect([out.model.torch, out.model.cuda]).toEqual(['2.7.1', '12.6']);
    expect(spec.pip).toEqual(['fastapi==0.115.0', 'nvidia-ml-py==12.560.30']);
    expect(comments.some((c) => c.includes('extra "cuda" read'))).toBe(true);
    expect(comments.some((c) => c.includes('not read') && c.includes('extra "cpu"'))).toBe(true);
  });

  it('PEP 735 dependency groups, with include-group, and a uv index tied to the group', async () => {
    const { out, spec } = await init({
      'pyproject.toml': [
        '[project]',
        'name = "svc"',
        'dependencies = []',
        '[dependency-groups]',
        'common = ["numpy==1.26.4"]',
        'cpu = ["torch==2.6.0", {include-group = "common"}]',
        'cu124 = ["torch==2.6.0", {include-group = "common"}]',
        '[tool.uv.sources]',
        'torch = [{ index = "torch-cpu", group = "cpu" }, { index = "torch-cu124", group = "cu124" }]',
        '[[tool.uv.index]]',
        'name = "torch-cpu"',
        'url = "https://download.pytorch.org/whl/cpu"',
        '[[tool.uv.index]]',
        'name = "torch-cu124"',
        'url = "https://download.pytorch.org/whl/cu124"',
      ].join('\n'),
    });
    expect([out.model.torch, out.model.cuda]).toEqual(['2.6.0', '12.4']);
    expect(spec.pip).toEqual(['numpy==1.26.4']);
  });

  it('Poetry groups and extras', async () => {
    const group = await init({
      'pyproject.toml':
        '[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\npython = "^3.10"\n[tool.poetry.group.gpu.dependencies]\ntorch = "2.4.1"\n',
    });
    expect(group.out.model.torch).toBe('2.4.1');
    const extra = await init({
      'pyproject.toml': [
        '[tool.poetry]',
        'name = "svc"',
        '[tool.poetry.dependencies]',
        'python = "^3.10"',
        'torch = { version = "2.3.1", optional = true }',
        '[tool.poetry.extras]',
        'gpu = ["torch"]',
      ].join('\n'),
    });
    expect(extra.out.model.torch).toBe('2.3.1');
  });
});

describe('4. git, URL and local requirements', () => {
  it('git URLs become name @ URL entries, -e . a local package the image installs, and git comes along', async () => {
    const { dir, spec, out } = await init({
      'requirements.txt': [
        'torch==2.4.1',
        'git+https://github.com/openai/CLIP.git',
        '-e git+https://github.com/CompVis/taming-transformers.git@master#egg=taming-transformers',
        '-e .',
      ].join('\n'),
      'setup.py': 'from setuptools import setup\nsetup(name="ldm", packages=["ldm"])\n',
    });
    expect(spec.pip).toEqual([
      'clip @ git+https://github.com/openai/CLIP.git',
      'taming-transformers @ git+https://github.com/CompVis/taming-transformers.git@master',
    ]);
    expect(spec.localPackages).toEqual(['.']);
    expect(out.notes.filter((n) => n.action === 'changed').map((n) => n.line)).toEqual([2, 3, 4]);
    const env = parseYaml(readFileSync(join(dir, 'envs/m/environment.yml'), 'utf8'));
    expect(env.dependencies).toContain('git');
    const dockerfile = readFileSync(join(dir, 'envs/m/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('pip install --no-deps /tmp/envgen/src');
  });

  it('a path outside the repo and a URL with no name are dropped, with notes', async () => {
    const { out, spec } = await init({
      'requirements.txt': 'torch==2.4.1\n-e ../sibling\nhttps://example.com/download\n',
    });
    expect(spec.pip).toBeUndefined();
    expect(spec.localPackages).toBeUndefined();
    expect(out.notes.map((n) => [n.line, n.action])).toEqual([
      [2, 'dropped'],
      [3, 'dropped'],
    ]);
  });
});

describe('5. the serve command starts', () => {
  it('an app importing a sibling runs from its folder, with its framework and its port', async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\n',
      'demo/server/app_conf.py': 'PORT = 1\n',
      'demo/server/app.py':
        'from app_conf import PORT\nfrom flask import Flask\napp = Flask(__name__)\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", port=9000)\n',
    });
    expect(spec.serve?.command).toEqual([
      'gunicorn',
      '--chdir',
      'demo/server',
      '-b',
      '0.0.0.0:9000',
      'app:app',
    ]);
    expect(spec.serve?.port).toBe(9000);
    expect(spec.pip).toEqual(expect.arrayContaining(['gunicorn', 'flask']));
  });

  it('uvicorn gets --app-dir, fastapi with it, and the port of uvicorn.run', async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\n',
      'api/helpers.py': 'X = 1\n',
      'api/main.py':
        'import uvicorn\nfrom fastapi import FastAPI\nfrom helpers import X\napp = FastAPI()\nuvicorn.run(app, host="0.0.0.0", port=7000)\n',
    });
    expect(spec.serve?.command).toEqual([
      'uvicorn',
      '--app-dir',
      'api',
      'main:app',
      '--host',
      '0.0.0.0',
      '--port',
      '7000',
    ]);
    expect(spec.pip).toEqual(expect.arrayContaining(['uvicorn', 'fastapi']));
  });

  it('an app in a folder that is no module path (my-api/) runs from that folder', async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\nflask\n',
      'my-api/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    });
    expect(spec.serve?.command).toEqual([
      'gunicorn',
      '--chdir',
      'my-api',
      '-b',
      '0.0.0.0:8080',
      'app:app',
    ]);
  });

  it.each([
    ['a PORT default', 'import os\nPORT = int(os.environ.get("PORT", 5005))\n', {}, 5005],
    [
      'a --port option default',
      'import argparse\np = argparse.ArgumentParser()\np.add_argument("--port", type=int, default=5002)\n',
      {},
      5002,
    ],
    ['the Dockerfile EXPOSE', '', { Dockerfile: 'FROM python:3.11\nEXPOSE 8501\n' }, 8501],
  ])('takes the port from %s', async (_label, extra, files, port) => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\nflask\n',
      'app.py': `from flask import Flask\napp = Flask(__name__)\n${extra}`,
      ...files,
    });
    expect(spec.serve?.port).toBe(port);
    expect(spec.serve?.command).toContain(`0.0.0.0:${port}`);
  });

  it('several candidate apps and nothing to choose: no serve, a note listing them', async () => {
    const { spec, comments } = await init({
      'requirements.txt': 'torch==2.4.1\nflask\n',
      'examples/a/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'examples/b/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    });
    expect(spec.serve).toBeUndefined();
    const note = comments.find((c) => c.includes('serve: left out'));
    expect(note).toContain('examples/a/app.py');
    expect(note).toContain('examples/b/app.py');
  });

  it("picks the app the repo's Dockerfile runs", async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\nflask\n',
      'examples/demo.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'service/api.py': 'from flask import Flask\nserver = Flask(__name__)\n',
      'tools/debug.py': 'from flask import Flask\napp = Flask(__name__)\n',
      Dockerfile:
        'FROM python:3.11\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "service.api:server"]\n',
    });
    expect(spec.serve?.command).toEqual(['gunicorn', '-b', '0.0.0.0:8000', 'service.api:server']);
  });
});

describe('6. more file shapes', () => {
  it('requirements/*.txt: the runtime file, never dev/test/docs', async () => {
    const { spec, out } = await init({
      'requirements/base.txt': 'torch==2.4.1\nnumpy==1.26.4\n',
      'requirements/dev.txt': 'pytest\n',
      'requirements/docs.txt': 'sphinx\n',
    });
    expect(series(out.model.torch)).toBe('2.4');
    expect(spec.pip).toEqual(['numpy==1.26.4']);
  });

  it('environment-<variant>.yml: the GPU one, the others listed', async () => {
    const { out, comments } = await init({
      'environment-cpu.yml':
        'channels: [pytorch]\ndependencies:\n  - python=3.10\n  - pytorch=2.1.2\n  - cpuonly\n',
      'environment-cuda.yml':
        'channels: [pytorch, nvidia]\ndependencies:\n  - python=3.10\n  - pytorch=2.1.2\n  - pytorch-cuda=12.1\n',
    });
    expect([out.model.torch, out.model.cuda]).toEqual(['2.1.2', '12.1']);
    expect(comments.some((c) => c.includes('not read: environment-cpu.yml'))).toBe(true);
  });

  it('setup.py install_requires and python_requires, read as text and never run', async () => {
    const { dir, spec, out } = await init({
      'setup.py': [
        'import pathlib',
        'pathlib.Path("RAN").write_text("setup.py was executed")',
        'from setuptools import setup',
        'REQUIRED = [',
        '    "torch==2.3.1",',
        '    "einops>=0.7",  # a comment',
        ']',
        'setup(name="x", python_requires=">=3.9,<3.12", install_requires=REQUIRED)',
      ].join('\n'),
    });
    expect(existsSync(join(dir, 'RAN'))).toBe(false);
    expect(out.model.torch).toBe('2.3.1');
    expect(spec.pip).toEqual(['einops>=0.7']);
    expect(out.model.python).toBe('3.11');
  });

  it('setup.cfg install_requires and python_requires', async () => {
    const { spec, out } = await init({
      'setup.cfg':
        '[metadata]\nname = x\n[options]\npython_requires = >=3.10\ninstall_requires =\n    torch==2.5.1\n    pillow==10.4.0\n',
    });
    expect(out.model.torch).toBe('2.5.1');
    expect(spec.pip).toEqual(['pillow==10.4.0']);
  });
});

describe('7. the Python satisfies torch and the other pins', () => {
  it('reads python >= 3.8 with spaces, as conda does', async () => {
    const { spec, comments } = await init({
      'environment.yml':
        'channels: [conda-forge]\ndependencies:\n  - python >= 3.8\n  - pytorch=2.4\n',
    });
    expect(comments.some((c) => c.includes('">=3.8"'))).toBe(true);
    expect(spec.python).toBeDefined();
  });

  it('numpy==1.24.3 rules out Python 3.12, with the reason', async () => {
    const { out, comments } = await init({ 'requirements.txt': 'torch==2.2.2\nnumpy==1.24.3\n' });
    expect(out.model.python).toBe('3.11');
    expect(comments.some((c) => c.includes('numpy==1.24.3') && c.includes('3.8-3.11'))).toBe(true);
  });

  it('the pins narrow a requires-python range too', async () => {
    const { out } = await init({
      'pyproject.toml':
        '[project]\nname = "x"\nrequires-python = ">=3.9"\ndependencies = ["torch==2.5.1", "scipy==1.10.1"]\n',
    });
    expect(out.model.python).toBe('3.11');
  });
});

describe('8. refusals say where and how', () => {
  it('an unknown torch names the file, the line, the flag and the nearest releases', async () => {
    const [problem] = await refused({ 'requirements.txt': 'numpy\ntorch==1.7.1\n' });
    expect(problem).toMatchObject({
      ruleId: 'resolve/unknown-torch',
      file: 'requirements.txt',
      line: 2,
    });
    expect(problem?.fix).toMatch(/--torch 1\.8\b/);
    expect(problem?.fix).toContain('1.8, 1.9');
  });

  it('a value given by flag is not blamed on a file', async () => {
    const [problem] = await refused({ 'requirements.txt': 'torch==2.4.1\n' }, ['--torch', '0.4']);
    expect(problem?.file).toBeUndefined();
  });
});

describe('9. nothing is skipped silently', () => {
  it('every dropped or changed requirement is a note in --json and on stderr', async () => {
    const { out, stderr } = await init({
      'requirements.txt': [
        '--extra-index-url https://pypi.example.com/simple',
        'torch==2.4.1',
        'nvidia-cublas-cu12==12.1.3.1',
        'torchvision',
        'not a requirement !!',
        'numpy==1.26.4',
      ].join('\n'),
      'environment.yml': 'channels: [defaults]\ndependencies:\n  - numpy=1.26\n',
    });
    const byLine = Object.fromEntries(
      out.notes.filter((n) => n.file === 'requirements.txt').map((n) => [n.line, n.action]),
    );
    expect(byLine).toEqual({ 1: 'dropped', 3: 'dropped', 5: 'dropped', 6: 'dropped' });
    for (const note of out.notes) {
      expect(Object.keys(note).sort()).toEqual(['action', 'file', 'line', 'reason', 'text']);
      expect(note.reason).not.toBe('');
      expect(stderr).toContain(`${note.file}:${note.line}:`);
    }
    expect(out.notes).toContainEqual(
      expect.objectContaining({
        file: 'environment.yml',
        line: 1,
        text: 'defaults',
        action: 'dropped',
      }),
    );
  });

  it('a value a flag replaced gets no provenance comment, and a note says it was replaced', async () => {
    const { comments, out } = await init({ 'requirements.txt': 'torch==2.1.2+cu118\n' }, [
      '--torch',
      '2.4',
      '--cuda',
      '12.1',
    ]);
    expect(comments.some((c) => /torch 2\.1\.2 from/.test(c))).toBe(false);
    expect(comments.some((c) => /cuda 11\.8 from/.test(c))).toBe(false);
    expect(out.notes).toContainEqual(
      expect.objectContaining({
        line: 1,
        text: 'torch 2.1.2',
        action: 'dropped',
        reason: '--torch 2.4 given',
      }),
    );
  });
});

describe('conda env export output', () => {
  it('keeps the versions of an exported environment and drops the build strings, with notes', async () => {
    const { spec, out } = await init({
      'environment.yml': [
        'channels: [pytorch, nvidia, conda-forge]',
        'dependencies:',
        '  - python=3.10.13=h955ad1f_0',
        '  - pytorch=2.0.1=py3.10_cuda11.8_cudnn8.7.0_0',
        '  - pytorch-cuda=11.8=h7e8668a_5',
        '  - numpy=1.26.4=py310h5f9d8c6_0',
        '  - conda-forge::ffmpeg=6.1.1=h4c62175_0',
      ].join('\n'),
    });
    expect([out.model.torch, out.model.cuda]).toEqual(['2.0.1', '11.8']);
    expect(spec.conda).toEqual(['numpy=1.26.4', 'conda-forge::ffmpeg=6.1.1']);
    expect(out.notes.filter((n) => n.action === 'changed').map((n) => n.line)).toEqual([6, 7]);
  });
});

describe('the CPU build only when nothing says GPU', () => {
  const MODEL = 'import torch\nmodel = torch.nn.Linear(2, 2)\n';

  it('code that never mentions CUDA, a GPU or a device gets the CPU build', async () => {
    const { out, comments } = await init({ 'requirements.txt': 'torch==2.4.1\n', 'm.py': MODEL });
    expect(out.model.cuda).toBe('cpu');
    expect(comments.some((c) => c.includes('cuda cpu') && c.includes('m.py:1'))).toBe(true);
    // A guess, so it is said where a CI log shows it, with the flag for a GPU image.
    expect(out.problems).toContainEqual(
      expect.objectContaining({
        ruleId: 'init/cpu-build',
        severity: 'info',
        file: 'm.py',
        line: 1,
      }),
    );
  });

  it.each([
    [
      'CUDA_VISIBLE_DEVICES in the code',
      { 'm.py': `${MODEL}import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0"\n` },
    ],
    ['gpus=1 in the code', { 'm.py': `${MODEL}trainer = dict(gpus=1)\n` }],
    [
      'a GPU-only package',
      { 'm.py': MODEL, 'requirements.txt': 'torch==2.4.1\nxformers==0.0.27\n' },
    ],
    [
      'a CUDA base image',
      { 'm.py': MODEL, Dockerfile: 'FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\n' },
    ],
    ['docker run --gpus in a script', { 'm.py': MODEL, 'run.sh': 'docker run --gpus all image\n' }],
  ])('not with %s', async (_label, files) => {
    const { out } = await init({ 'requirements.txt': 'torch==2.4.1\n', ...files });
    expect(out.model.cuda).not.toBe('cpu');
  });

  it('not when the walk stopped before reading every file', async () => {
    const files: Record<string, string> = { 'requirements.txt': 'torch==2.4.1\n', 'a.py': MODEL };
    for (let i = 0; i < 501; i++) files[`pkg/m${String(i).padStart(3, '0')}.py`] = 'x = 1\n';
    files['zz/model.py'] = 'DEVICE = "cuda"\n';
    const { out, comments } = await init(files);
    expect(out.model.cuda).not.toBe('cpu');
    expect(comments.some((c) => c.includes('stopped looking at files'))).toBe(true);
  });
});

describe("other projects' code copied into the repo", () => {
  it('a vendored Dockerfile does not pin the service', async () => {
    const { out } = await init({
      'requirements.txt': 'torch\n',
      'third_party/detectron2/docker/Dockerfile':
        'FROM pytorch/pytorch:1.10.0-cuda11.3-cudnn8-devel\n',
    });
    expect(out.model.torch.startsWith('1.10')).toBe(false);
  });
});

describe("uv's CPU and CUDA indexes chosen by marker", () => {
  it('takes the index whose marker holds on Linux, as in the uv guide', async () => {
    const { out } = await init({
      'pyproject.toml': [
        '[project]',
        'name = "svc"',
        'dependencies = ["torch==2.6.0"]',
        '[tool.uv.sources]',
        'torch = [',
        '  { index = "pytorch-cpu", marker = "sys_platform != \'linux\'" },',
        '  { index = "pytorch-cu124", marker = "sys_platform == \'linux\'" },',
        ']',
        '[[tool.uv.index]]',
        'name = "pytorch-cpu"',
        'url = "https://download.pytorch.org/whl/cpu"',
        'explicit = true',
        '[[tool.uv.index]]',
        'name = "pytorch-cu124"',
        'url = "https://download.pytorch.org/whl/cu124"',
        'explicit = true',
      ].join('\n'),
    });
    expect([out.model.torch, out.model.cuda]).toEqual(['2.6.0', '12.4']);
  });
});

describe('review findings on real shapes', () => {
  it('-e .[serve] keeps the package and reads its serve extra', async () => {
    const { spec, out } = await init({
      'requirements.txt': 'torch==2.4.1\n-e .[serve]\n',
      'pyproject.toml':
        '[project]\nname = "svc"\ndependencies = []\n[project.optional-dependencies]\nserve = ["fastapi==0.115.0"]\ndev = ["pytest"]\n',
    });
    expect(spec.localPackages).toEqual(['.']);
    expect(spec.pip).toEqual(['fastapi==0.115.0']);
    expect(out.notes).toContainEqual(expect.objectContaining({ line: 2, action: 'changed' }));
  });

  it('a README that installs the dev extra does not put it in the image', async () => {
    const { spec, comments } = await init({
      'requirements.txt': 'torch==2.4.1\n',
      'pyproject.toml':
        '[project]\nname = "svc"\ndependencies = []\n[project.optional-dependencies]\ndev = ["pytest", "black"]\n',
      'README.md': 'Contributing:\n\n    pip install -e ".[dev]"\n',
    });
    expect(spec.localPackages).toEqual(['.']);
    expect(spec.pip).toBeUndefined();
    expect(comments.some((c) => c.includes('extra "dev"') && c.includes('not read'))).toBe(true);
  });

  it('-e ./core reads the dependencies of core, which the image installs with --no-deps', async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\n-e ./core\n',
      'core/pyproject.toml':
        '[project]\nname = "core"\ndependencies = ["einops==0.8.0", "timm==1.0.9"]\n',
    });
    expect(spec.localPackages).toEqual(['core']);
    expect(spec.pip).toEqual(['einops==0.8.0', 'timm==1.0.9']);
  });

  it('a file: URL outside the repo is dropped, one inside becomes a local package', async () => {
    const { spec, out } = await init({
      'requirements.txt': 'torch==2.4.1\nfoo @ file:///opt/wheels/foo\nbar @ file:./libs/bar\n',
    });
    expect(spec.pip).toBeUndefined();
    expect(spec.localPackages).toEqual(['libs/bar']);
    expect(out.notes).toContainEqual(
      expect.objectContaining({ line: 2, action: 'dropped', reason: 'a path outside the repo' }),
    );
  });

  it('a package name guessed from a repository says it is a guess', async () => {
    const { out, spec } = await init({
      'requirements.txt': 'torch==2.4.1\ngit+https://github.com/openai/whisper.git@v20240930\n',
    });
    expect(spec.pip).toEqual(['whisper @ git+https://github.com/openai/whisper.git@v20240930']);
    expect(out.notes.find((n) => n.line === 2)?.reason).toContain('a guess');
  });

  it('an hg+ requirement does not bring git', async () => {
    const { dir } = await init({
      'requirements.txt': 'torch==2.4.1\nlib @ hg+https://hg.example.com/lib@1.0\n',
    });
    const env = parseYaml(readFileSync(join(dir, 'envs/m/environment.yml'), 'utf8'));
    expect(env.dependencies).not.toContain('git');
  });

  it('gunicorn with uvicorn workers on a continued line serves the FastAPI app, not Flask', async () => {
    const { spec } = await init({
      'requirements.txt': 'torch==2.4.1\nfastapi\n',
      'api.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      'main.py': 'from api import app\n',
      Dockerfile:
        'FROM python:3.11\nCMD gunicorn main:app \\\n    -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000\n',
    });
    expect(spec.serve?.command[0]).toBe('uvicorn');
    expect(spec.serve?.port).toBe(8000);
    expect(spec.pip).not.toContain('flask');
  });

  it('pins no Python satisfies: a warning naming both, and a choice as if they were not there', async () => {
    const dir = repo({ 'requirements.txt': 'torch==2.4.1\nnumpy==1.19.5\nscipy==1.14.1\n' });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'm'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const [warning] = JSON.parse(result.stdout).problems as Problem[];
    expect(warning?.ruleId).toBe('init/python-pins');
    expect(warning?.message).toContain('numpy==1.19.5');
    expect(warning?.message).toContain('scipy==1.14.1');
  });

  it('a .python-version outside what the pins install on is a warning at its line', async () => {
    const dir = repo({
      '.python-version': '3.12\n',
      'requirements.txt': 'torch==2.4.1\nnumpy==1.24.3\n',
    });
    const result = await runEnvgen(['init', '--yes', '--json', '--name', 'm'], { cwd: dir });
    const [warning] = JSON.parse(result.stdout).problems as Problem[];
    expect(warning).toMatchObject({ ruleId: 'init/python-pins', file: '.python-version' });
  });

  it('setup.py extras_require on one line ends at its closing brace', async () => {
    const { spec } = await init({
      'setup.py':
        'from setuptools import setup\nsetup(name="x", install_requires=["torch==2.4.1"], extras_require={"serve": ["flask==3.0.3"]}, package_data={"x": ["*.json"]})\n',
      'README.md': 'pip install ".[x]"\n',
    });
    expect(spec.pip).toBeUndefined();
  });
});

describe('names no command line can carry', () => {
  it('an app in a folder whose name has a line break is not looked at', async () => {
    const { spec, comments } = await init({
      'requirements.txt': 'torch==2.4.1\nflask\n',
      'bad\nname/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
    });
    expect(spec.serve).toBeUndefined();
    expect(comments.some((c) => c.includes('control characters'))).toBe(true);
  });
});

describe('libraries that listed packages require', () => {
  it.each([
    ['encodec==0.1.1', 'audio'],
    ['timm==1.0.9', 'vision'],
    ['open_clip_torch==2.26.1', 'vision'],
  ])('%s brings %s, paired with torch', async (requirement, key) => {
    const { spec, comments } = await init({ 'requirements.txt': `torch==2.4.1\n${requirement}\n` });
    expect(spec[key as 'audio' | 'vision']).toBe(true);
    expect(comments.some((c) => c.includes('which requires it'))).toBe(true);
  });

  it('--no-audio still wins', async () => {
    const { spec } = await init({ 'requirements.txt': 'torch==2.4.1\nencodec\n' }, ['--no-audio']);
    expect(spec.audio).toBe(false);
  });
});
