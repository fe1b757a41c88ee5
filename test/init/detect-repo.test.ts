import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Detection, detectRepo, modelNameFromFolder } from '../../src/init/detect-repo.js';
import { createNodeIo } from '../../src/io.js';
import { parseSpecText } from '../../src/spec/load-spec.js';
import { normalizeName } from '../../src/spec/package-entries.js';
import { tmpDir } from '../helpers/tmp-dir.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/repos');

/** A temp repo; keys may name nested files (`serving/api.py`). */
function repo(files: Record<string, string | Buffer>): string {
  const root = tmpDir();
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function detect(root: string): Promise<Detection> {
  const found = await detectRepo(createNodeIo(), root);
  expectUsableAsSpec(found);
  return found;
}

/** Whatever detection returns, `init` can write and envgen can load. */
function expectUsableAsSpec(found: Detection): void {
  for (const line of found.evidence) expect(line).not.toMatch(/\p{Cc}/u);
  const { name, torch, python, cuda, source, vision, audio, conda, pip, serve } = found;
  const model = { torch, python, cuda, source, vision, audio, conda, pip, serve };
  const text = stringify({ version: 1, models: { [name]: model } });
  expect(() => parseSpecText(text, 'envgen.yaml')).not.toThrow();
}

const TORCH_FAMILY = new Set([
  'torch',
  'pytorch',
  'torchvision',
  'torchaudio',
  'pytorch-cuda',
  'cudatoolkit',
  'cuda-version',
  'cpuonly',
  'pytorch-gpu',
  'pytorch-cpu',
  'python',
]);

/** The package names of conda and pip entries, normalised. */
function packageNames(found: Detection): string[] {
  return [...found.conda, ...found.pip].map((entry) =>
    normalizeName(/^(?:[\w.-]+::)?([A-Za-z0-9][\w.-]*)/.exec(entry)?.[1] ?? entry),
  );
}

describe('detectRepo: requirements.txt', () => {
  it('reads a CUDA wheel pin with its index and local version label', async () => {
    const found = await detect(
      repo({
        'requirements.txt': [
          '--extra-index-url https://download.pytorch.org/whl/cu118',
          'torch==2.1.2+cu118',
          'transformers>=4.35  # tokenizer fixes',
          'numpy<2; python_version < "3.12"',
          '',
        ].join('\n'),
      }),
    );
    expect(found).toMatchObject({ torch: '2.1.2', cuda: '11.8', source: 'pip', usesTorch: true });
    expect(found.pip).toEqual(['transformers>=4.35', 'numpy<2; python_version < "3.12"']);
    expect(found.conda).toEqual([]);
    expect(found.evidence.some((line) => line.includes('requirements.txt:2'))).toBe(true);
  });

  it('reads a range and torchvision', async () => {
    const found = await detect(
      repo({ 'requirements.txt': 'torch>=2.1,<2.3\ntorchvision\npillow\n' }),
    );
    expect(found).toMatchObject({ torch: '>=2.1,<2.3', vision: true, source: 'pip' });
    expect(found.audio).toBeUndefined();
    expect(found.cuda).toBeUndefined();
    expect(found.pip).toEqual(['pillow']);
  });

  it.each([
    ['torch==2.1.*', '2.1'],
    ['torch~=2.1.0', '2.1'],
    ['torch~=2.1', '>=2.1,<3'],
    ['torch~=2.1.2', '>=2.1.2,<2.2'],
    ['torch>=2.0,!=2.0.1', '>=2.0,!=2.0.1'],
    ['torch == 2.3.1', '2.3.1'],
  ])('turns %s into the conda spec %s', async (line, spec) => {
    const found = await detect(repo({ 'requirements.txt': `${line}\n` }));
    expect(found.torch).toBe(spec);
  });

  it('leaves torch unpinned when the requirement has no version', async () => {
    const found = await detect(repo({ 'requirements.txt': 'torch\n' }));
    expect(found.usesTorch).toBe(true);
    expect(found.torch).toBeUndefined();
    expect(found.source).toBe('pip');
  });

  it('reads the CPU build from +cpu and from the cpu index', async () => {
    expect((await detect(repo({ 'requirements.txt': 'torch==2.2.0+cpu\n' }))).cuda).toBe('cpu');
    const index = '--index-url https://download.pytorch.org/whl/cpu\ntorch==2.2.0\n';
    expect((await detect(repo({ 'requirements.txt': index }))).cuda).toBe('cpu');
  });

  it('follows -r includes inside the repo and joins continued lines', async () => {
    const found = await detect(
      repo({
        'requirements.txt': '-r requirements/base.txt\nrequests \\\n  >=2.31\n',
        'requirements/base.txt':
          '-f https://download.pytorch.org/whl/cu121/torch_stable.html\ntorch==2.2.1\n',
      }),
    );
    expect(found).toMatchObject({ torch: '2.2.1', cuda: '12.1' });
    expect(found.pip).toEqual(['requests >=2.31']);
  });

  it('drops what pip freeze lists for the torch build, and hashes', async () => {
    const found = await detect(
      repo({
        'requirements.txt': [
          'nvidia-cublas-cu12==12.1.3.1',
          'nvidia-cudnn-cu12==8.9.2.26',
          'torch==2.1.2',
          'triton==2.1.0',
          'numpy==1.26.4 --hash=sha256:2a02aba9ed12e4ac4eb3ea9421c420301a0c6460d9830d74a9df87efa4912010',
        ].join('\n'),
      }),
    );
    expect(found.pip).toEqual(['numpy==1.26.4']);
    expect(found.torch).toBe('2.1.2');
  });

  it('reads requirements-gpu.txt before requirements-cpu.txt and skips dev requirements', async () => {
    const found = await detect(
      repo({
        'requirements-cpu.txt': 'torch==2.1.2+cpu\n',
        'requirements-gpu.txt': 'torch==2.1.2+cu121\n',
        'requirements-dev.txt': 'pytest\n',
      }),
    );
    expect(found.cuda).toBe('12.1');
    expect(found.pip).toEqual([]);
  });

  it('reads a UTF-16 file as PowerShell writes it', async () => {
    const text = '\ufefftorch==2.0.1\r\nscipy\r\n';
    const found = await detect(repo({ 'requirements.txt': Buffer.from(text, 'utf16le') }));
    expect(found.torch).toBe('2.0.1');
    expect(found.pip).toEqual(['scipy']);
  });
});

describe('detectRepo: pyproject.toml', () => {
  it('reads requires-python and [project].dependencies', async () => {
    const found = await detect(
      repo({
        'pyproject.toml': [
          '[project]',
          'name = "classifier"',
          'requires-python = ">=3.10,<3.13"',
          'dependencies = ["torch~=2.3.0", "torchaudio", "fastapi>=0.110", "soundfile"]',
          '',
          '[project.optional-dependencies]',
          'dev = ["pytest"]',
        ].join('\n'),
      }),
    );
    expect(found).toMatchObject({
      python: '3.10',
      torch: '2.3',
      audio: true,
      source: 'pip',
      pip: ['fastapi>=0.110', 'soundfile'],
    });
    expect(found.vision).toBeUndefined();
  });

  it('reads Poetry dependencies and a PyTorch source', async () => {
    const found = await detect(
      repo({
        'pyproject.toml': [
          '[tool.poetry.dependencies]',
          'python = "^3.11"',
          'torch = { version = "2.1.2", source = "pytorch" }',
          'numpy = "^1.24"',
          'mylib = { git = "https://example.com/mylib.git" }',
          '',
          '[[tool.poetry.source]]',
          'name = "pytorch"',
          'url = "https://download.pytorch.org/whl/cu118"',
          'priority = "explicit"',
        ].join('\n'),
      }),
    );
    expect(found).toMatchObject({ python: '3.11', torch: '2.1.2', cuda: '11.8', source: 'pip' });
    // A git dependency is kept as a `name @ URL` entry, not dropped (the image imports it).
    expect(found.pip).toEqual(['numpy>=1.24,<2', 'mylib @ git+https://example.com/mylib.git']);
  });
});

describe('detectRepo: environment.yml', () => {
  it('reads an environment from the pytorch channel', async () => {
    const found = await detect(
      repo({
        'environment.yml': [
          'name: sentiment',
          'channels:',
          '  - pytorch',
          '  - nvidia',
          '  - conda-forge',
          'dependencies:',
          '  - python=3.10',
          '  - pytorch=2.1.2',
          '  - torchvision',
          '  - pytorch-cuda=11.8',
          '  - numpy>=1.24',
          '  - conda-forge::transformers',
          '  - pip',
          '  - pip:',
          '    - --extra-index-url https://example.com/simple',
          '    - opentelemetry-sdk>=1.20',
          '',
        ].join('\n'),
      }),
    );
    expect(found).toMatchObject({
      python: '3.10',
      torch: '2.1.2',
      cuda: '11.8',
      source: 'pytorch',
      vision: true,
      conda: ['numpy>=1.24', 'conda-forge::transformers'],
      pip: ['opentelemetry-sdk>=1.20'],
    });
  });

  it('reads a conda-forge environment with cuda-version', async () => {
    const found = await detect(
      repo({
        'environment.yaml': [
          'channels: [conda-forge, nodefaults]',
          'dependencies:',
          '  - python==3.12.*',
          '  - pytorch=2.7.*=cuda*',
          '  - cuda-version=12.9',
          '  - torchaudio',
          '  - librosa',
        ].join('\n'),
      }),
    );
    expect(found).toMatchObject({
      python: '3.12',
      torch: '2.7',
      cuda: '12.9',
      source: 'conda-forge',
      audio: true,
      conda: ['librosa'],
      pip: [],
    });
  });

  it('reads the CUDA of an exported build string and the CPU build from cpuonly', async () => {
    const exported = await detect(
      repo({
        'environment.yml':
          'channels: [pytorch]\ndependencies:\n  - pytorch=1.12.1=py3.9_cuda11.3_cudnn8.3.2_0\n',
      }),
    );
    expect(exported).toMatchObject({ torch: '1.12.1', cuda: '11.3', source: 'pytorch' });
    const cpu = await detect(
      repo({ 'environment.yml': 'dependencies:\n  - pytorch::pytorch\n  - cpuonly\n' }),
    );
    expect(cpu).toMatchObject({ cuda: 'cpu', source: 'pytorch', usesTorch: true });
    expect(cpu.torch).toBeUndefined();
  });

  it('lets the environment file win over requirements.txt, with evidence', async () => {
    const found = await detect(
      repo({
        'environment.yml':
          'channels: [pytorch, nvidia]\ndependencies:\n  - python=3.9\n  - pytorch=1.13.1\n  - pytorch-cuda=11.7\n',
        'requirements.txt': 'torch==2.0.1\nscipy\n',
        '.python-version': '3.11.6\n',
      }),
    );
    expect(found).toMatchObject({
      torch: '1.13.1',
      python: '3.9',
      cuda: '11.7',
      source: 'pytorch',
    });
    expect(found.pip).toEqual(['scipy']);
    expect(found.evidence.filter((line) => line.includes('requirements.txt:1'))).toHaveLength(2);
  });

  it('takes Python from .python-version when nothing else pins it', async () => {
    const found = await detect(
      repo({
        '.python-version': '3.11.6\n',
        'pyproject.toml': '[project]\nrequires-python = ">=3.9"\n',
      }),
    );
    expect(found.python).toBe('3.11');
  });
});

describe('detectRepo: the torch family', () => {
  it('never lists torch, its libraries or its CUDA packages in conda or pip', async () => {
    const found = await detect(
      repo({
        'environment.yml': [
          'channels: [pytorch, nvidia]',
          'dependencies:',
          '  - python=3.10',
          '  - pytorch=2.0.1',
          '  - torchvision=0.15.2',
          '  - torchaudio=2.0.2',
          '  - pytorch-cuda=11.8',
          '  - pytorch-mutex=1.0=cuda',
          '  - cuda-cudart=11.8.89',
          '  - cudatoolkit=11.8',
          '  - scikit-learn',
          '  - pip:',
          '    - torch==2.0.1',
          '    - TorchVision',
          '    - accelerate',
        ].join('\n'),
        'requirements.txt': 'torchaudio==2.0.2\npytorch-cuda\ntriton==2.0.0\naccelerate\n',
      }),
    );
    expect(packageNames(found)).toEqual(['scikit-learn', 'accelerate']);
    for (const name of packageNames(found)) expect(TORCH_FAMILY.has(name)).toBe(false);
    expect(found).toMatchObject({ vision: true, audio: true, torch: '2.0.1', cuda: '11.8' });
  });
});

describe('detectRepo: Python sources', () => {
  it('finds torch from imports alone, without a version', async () => {
    const found = await detect(
      repo({
        'infer.py': 'import os, torch\nfrom torchvision import transforms\n',
        'lib/audio.py': 'import torchaudio.functional as F\n',
      }),
    );
    expect(found).toMatchObject({ usesTorch: true, vision: true, audio: true });
    expect(found.torch).toBeUndefined();
    expect(found.source).toBeUndefined();
    expect(found.serve).toBeUndefined();
  });

  it('serves a Flask app with gunicorn, module:var from its path', async () => {
    const found = await detect(
      repo({
        'requirements.txt': 'torch==2.1.2\nflask\ngunicorn\n',
        'serving/api.py': [
          'from flask import Flask',
          'application = Flask(__name__)',
          '',
          '@application.get("/healthz")',
          'def healthz():',
          '    return "ok"',
        ].join('\n'),
      }),
    );
    expect(found.serve).toEqual({
      command: ['gunicorn', '-b', '0.0.0.0:8080', 'serving.api:application'],
      port: 8080,
      health: '/healthz',
    });
  });

  it('serves a FastAPI app with uvicorn and prefers the root app.py', async () => {
    const found = await detect(
      repo({
        'app.py': [
          'import fastapi',
          'app: fastapi.FastAPI = fastapi.FastAPI()',
          '@app.get("/health")',
          'async def health():',
          '    return {}',
        ].join('\n'),
        'tools/debug_server.py': 'from flask import Flask\ndebug = Flask(__name__)\n',
        'tests/test_app.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
      }),
    );
    expect(found.serve).toEqual({
      command: ['uvicorn', 'app:app', '--host', '0.0.0.0', '--port', '8080'],
      port: 8080,
      health: '/health',
    });
  });

  it('leaves health unset without a health route, and uses an app factory', async () => {
    const found = await detect(
      repo({
        'main.py': 'from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n',
      }),
    );
    expect(found.serve).toEqual({
      command: ['gunicorn', '-b', '0.0.0.0:8080', 'main:create_app()'],
      port: 8080,
    });
  });

  it('serves TorchServe only when there is a model archive', async () => {
    const handler = 'from ts.torch_handler.base_handler import BaseHandler\n';
    expect((await detect(repo({ 'handler.py': handler }))).serve).toBeUndefined();
    const found = await detect(
      repo({ 'handler.py': handler, 'model-store/detector.mar': Buffer.from([0x50, 0x4b]) }),
    );
    expect(found.serve).toEqual({
      command: ['torchserve', '--start', '--foreground', '--model-store', 'model-store'].concat([
        '--models',
        'all',
        '--ncs',
      ]),
      port: 8080,
      health: '/ping',
    });
  });

  it('does not look into virtual environments, hidden folders or node_modules', async () => {
    const found = await detect(
      repo({
        '.venv/lib/site.py': 'import torch\n',
        'venv/x.py': 'import torchvision\n',
        'node_modules/y.py': 'import torchaudio\n',
        '.hidden/app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      }),
    );
    expect(found.usesTorch).toBeUndefined();
    expect(found.serve).toBeUndefined();
  });
});

describe('detectRepo: names', () => {
  it.each([
    ['My_Model Repo', 'my_model-repo'],
    ['sentiment', 'sentiment'],
    ['__Über Modell!!', 'uber-modell'],
    ['...', 'model'],
    ['a'.repeat(80), 'a'.repeat(63)],
    ['a__b', 'a_b'],
    ['x-._y', 'x-y'],
    ['Bad_Name', 'bad_name'],
  ])('names the folder %s as %s', (folder, name) => {
    expect(modelNameFromFolder(folder)).toBe(name);
  });

  it('proposes the repo folder name', async () => {
    const root = join(tmpDir(), 'My_Model Repo');
    mkdirSync(root);
    expect((await detect(root)).name).toBe('my_model-repo');
  });
});

describe('detectRepo: malformed input', () => {
  it('skips invalid requirement lines and keeps the rest', async () => {
    const found = await detect(
      repo({
        'requirements.txt':
          'numpy\nnot a === requirement\ntorch===2.1.2\n-e .\n./wheels/x.whl\nscipy\n',
      }),
    );
    expect(found.pip).toEqual(['numpy', 'scipy']);
    for (const line of [2, 3, 4, 5]) {
      expect(found.evidence.some((e) => e.startsWith(`requirements.txt:${line}:`))).toBe(true);
    }
  });

  it('reports an invalid pyproject.toml and environment.yml and goes on', async () => {
    const found = await detect(
      repo({
        'pyproject.toml': '[project]\nname = "x"\ndependencies = ["torch==2.1.2"\n',
        'environment.yml': 'dependencies:\n  - numpy\n - [broken\n',
        'requirements.txt': 'torch==2.2.0\n',
        'README.md': '# x\n',
      }),
    );
    expect(found.torch).toBe('2.2.0');
    expect(found.evidence.some((e) => e.startsWith('pyproject.toml:'))).toBe(true);
    expect(found.evidence.some((e) => e.startsWith('environment.yml:'))).toBe(true);
  });

  it('drops values envgen would refuse', async () => {
    const found = await detect(
      repo({
        'requirements.txt':
          '--extra-index-url https://download.pytorch.org/whl/cu92\ntorch==1.4.0\n',
        '.python-version': '2.7.18\n',
        'environment.yml': 'dependencies:\n  - "numpy\\u0007"\n  - 42\n  - {foo: bar}\n',
      }),
    );
    expect(found.cuda).toBeUndefined();
    expect(found.python).toBeUndefined();
    expect(found.torch).toBe('1.4.0');
    expect(found.conda).toEqual([]);
    for (const line of [2, 3, 4]) {
      expect(found.evidence.some((e) => e.startsWith(`environment.yml:${line}:`))).toBe(true);
    }
  });

  it('ignores files that are not UTF-8 text', async () => {
    const found = await detect(
      repo({
        'requirements.txt': Buffer.from([0x74, 0x6f, 0x72, 0x63, 0x68, 0xff, 0xfe, 0x0a]),
        'app.py': Buffer.from([0x00, 0x01, 0x02]),
      }),
    );
    expect(found).toMatchObject({ conda: [], pip: [] });
    expect(found.usesTorch).toBeUndefined();
  });
});

describe('detectRepo: fixture repos', () => {
  it('flask-sentiment: pip wheels for CUDA 11.8, served by gunicorn', async () => {
    const found = await detect(join(FIXTURES, 'flask-sentiment'));
    expect(found).toMatchObject({
      name: 'flask-sentiment',
      torch: '2.1.2',
      cuda: '11.8',
      source: 'pip',
      pip: ['transformers>=4.35,<5', 'flask==3.0.0', 'gunicorn==21.2.0', 'numpy<2'],
      serve: {
        command: ['gunicorn', '-b', '0.0.0.0:8080', 'app:app'],
        port: 8080,
        health: '/healthz',
      },
    });
    expect(found.python).toBeUndefined();
  });

  it('fastapi-detector: pyproject with a uv index, served by uvicorn', async () => {
    const found = await detect(join(FIXTURES, 'fastapi-detector'));
    expect(found).toMatchObject({
      name: 'fastapi-detector',
      torch: '>=2.3,<2.5',
      python: '3.10',
      cuda: '12.1',
      source: 'pip',
      vision: true,
      serve: {
        command: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '8080'],
        port: 8080,
        health: '/health',
      },
    });
    expect(found.pip).toContain('uvicorn[standard]>=0.29');
  });

  it('conda-legacy: torch 1.13.1 on CUDA 11.7 from the pytorch channel', async () => {
    const found = await detect(join(FIXTURES, 'conda-legacy'));
    expect(found).toMatchObject({
      name: 'conda-legacy',
      torch: '1.13.1',
      python: '3.9',
      cuda: '11.7',
      source: 'pytorch',
      vision: true,
      conda: ['numpy=1.23', 'opencv', 'flask=2.2', 'gunicorn'],
      pip: ['albumentations==1.3.0', 'prometheus-flask-exporter'],
      serve: { command: ['gunicorn', '-b', '0.0.0.0:8080', 'serve:app'], health: '/healthz' },
    });
  });
});

describe('detectRepo: review fixes', () => {
  it('never continues a comment-only line, as pip joins lines', async () => {
    const found = await detect(
      repo({
        'requirements.txt': [
          '# CUDA 11.8 wheels \\',
          'torch==2.1.2',
          'numpy \\',
          '# between \\',
          'scipy',
        ].join('\n'),
      }),
    );
    expect(found.torch).toBe('2.1.2');
    expect(found.pip).toEqual(['numpy', 'scipy']);
  });

  it('reports the line that pip joins onto an inline comment', async () => {
    // pip joins before it strips comments: `torch==2.1.2` ends up inside the comment.
    const found = await detect(
      repo({ 'requirements.txt': 'numpy  # pinned \\\ntorch==2.1.2\nscipy\n' }),
    );
    expect(found.pip).toEqual(['numpy', 'scipy']);
    expect(found.torch).toBeUndefined();
    expect(found.evidence.some((e) => e.startsWith('requirements.txt:2:'))).toBe(true);
  });

  it.each([
    ['invalid YAML', 'dependencies:\n  - numpy\n - [broken\n'],
    ['no dependencies list', 'name: x\nchannels: [pytorch]\n'],
  ])('reads environment.yaml when environment.yml has %s', async (_problem, yml) => {
    const found = await detect(
      repo({
        'environment.yml': yml,
        'environment.yaml':
          'channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pytorch=2.3.1\n  - librosa\n',
      }),
    );
    expect(found).toMatchObject({
      python: '3.11',
      torch: '2.3.1',
      source: 'conda-forge',
      conda: ['librosa'],
    });
  });

  it('still ignores environment.yaml after a usable environment.yml', async () => {
    const found = await detect(
      repo({
        'environment.yml': 'dependencies:\n  - python=3.10\n',
        'environment.yaml': 'dependencies:\n  - python=3.11\n  - librosa\n',
      }),
    );
    expect(found).toMatchObject({ python: '3.10', conda: [] });
  });

  it.each([
    'requirements-development.txt',
    'requirements-devel.txt',
    'requirements_dev_gpu.txt',
    'requirements-tests.txt',
  ])('skips %s as development requirements', async (name) => {
    const found = await detect(repo({ [name]: 'pytest\n', 'requirements-serve.txt': 'flask\n' }));
    expect(found.pip).toEqual(['flask']);
  });

  it.each([
    ['3.13.1t', '3.13t'],
    ['3.13t', '3.13t'],
    ['3.14t-dev', '3.14t'],
    ['3.13+freethreaded', '3.13t'],
    ['3.12.4', '3.12'],
    ['cpython-3.11.9-linux-x86_64-gnu', '3.11'],
  ])('reads .python-version %s as %s', async (text, python) => {
    const found = await detect(repo({ '.python-version': `${text}\n` }));
    expect(found.python).toBe(python);
  });

  it.each([
    ['[tool.poetry.dependencies]\npython = "^3.8 || ^3.9"\n', 'pyproject.toml:2'],
    ['[project]\nrequires-python = "<3.12"\n', 'pyproject.toml:2'],
  ])('keeps evidence of a Python range it cannot read: %s', async (toml, where) => {
    const found = await detect(repo({ 'pyproject.toml': toml }));
    expect(found.python).toBeUndefined();
    const python = found.evidence.filter((e) => e.startsWith('python ') && e.includes(where));
    expect(python).toHaveLength(1);
  });

  it('keeps evidence of a conda python spec it cannot read', async () => {
    const found = await detect(repo({ 'environment.yml': 'dependencies:\n  - python<3.12\n' }));
    expect(found.python).toBeUndefined();
    expect(found.evidence.filter((e) => e.startsWith('python "<3.12"'))).toHaveLength(1);
  });

  it('follows -rFILE and reads -iURL with the value attached', async () => {
    const found = await detect(
      repo({
        'requirements.txt': '-rbase.txt\n-ihttps://download.pytorch.org/whl/cu121\n',
        'base.txt': 'torch==2.2.1\nrequests\n',
      }),
    );
    expect(found).toMatchObject({ torch: '2.2.1', cuda: '12.1', pip: ['requests'] });
  });

  it('keeps a package listed under different markers, and an identical one once', async () => {
    const found = await detect(
      repo({
        'requirements.txt': [
          'numpy<2; python_version<"3.12"',
          "numpy>=2; python_version>='3.12'",
          'numpy<2 ; python_version < "3.12"',
          'scipy',
          'scipy>=1.10',
        ].join('\n'),
      }),
    );
    expect(found.pip).toEqual([
      'numpy<2; python_version<"3.12"',
      "numpy>=2; python_version>='3.12'",
      'scipy',
    ]);
  });
});

describe('detectRepo: Python ranges', () => {
  it.each([
    [
      'requires-python',
      { 'pyproject.toml': '[project]\nrequires-python = ">=3.9,<3.12"\n' },
      '3.9',
      '>=3.9,<3.12',
    ],
    [
      "Poetry's ^",
      { 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\n' },
      '3.11',
      '>=3.11,<4',
    ],
    ['a conda range', { 'environment.yml': 'dependencies:\n  - python>=3.10\n' }, '3.10', '>=3.10'],
    [
      'environment.yml python=3.9',
      { 'environment.yml': 'dependencies:\n  - python=3.9\n' },
      '3.9',
      undefined,
    ],
    ['.python-version', { '.python-version': '3.10.4\n' }, '3.10', undefined],
    [
      'requires-python ==3.10.*',
      { 'pyproject.toml': '[project]\nrequires-python = "==3.10.*"\n' },
      '3.10',
      undefined,
    ],
  ])('%s: python %s, range %s', async (_what, files, python, range) => {
    const found = await detect(repo(files));
    expect([found.python, found.pythonRange]).toEqual([python, range]);
  });

  it('keeps the range of the file that wins, not of a later one', async () => {
    const found = await detect(
      repo({
        '.python-version': '3.10\n',
        'pyproject.toml': '[project]\nrequires-python = ">=3.9"\n',
      }),
    );
    expect([found.python, found.pythonRange]).toEqual(['3.10', undefined]);
  });
});
