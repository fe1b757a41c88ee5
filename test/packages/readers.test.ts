/** The readers on real files: pixi.lock v6 from rattler, NVlabs' environment.yml, envgen's own lock. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCondaLock } from '../../src/lock/lock-file.js';
import { parseEnvironmentYml } from '../../src/packages/environment-yml.js';
import { parseExplicitLock } from '../../src/packages/explicit-lock.js';
import { parsePipRequirements } from '../../src/packages/pip-requirements.js';
import { parsePixiLock } from '../../src/packages/pixi-lock.js';
import { kindOf, readText } from '../../src/packages/read-input.js';

describe('pixi.lock v6', () => {
  it('reads conda and PyPI packages with their records', () => {
    const [set, ...rest] = parsePixiLock(
      readFileSync('fixtures/pixi/numpy-as-pypi/pixi.lock', 'utf8'),
      'pixi.lock',
    );
    expect(rest).toEqual([]);
    expect([set?.platform, set?.packages.length]).toEqual(['osx-arm64', 20]);
    const python = set?.packages.find((p) => p.name === 'python');
    expect(python).toMatchObject({
      manager: 'conda',
      version: '3.13.0',
      build: 'hbbac1ca_101_cp313',
      channel: 'https://prefix.dev/conda-forge',
      subdir: 'osx-arm64',
      md5: 'e972e146a1e0cfb1f26da42cb6f6648c',
      size: 12806496,
    });
    expect(python?.depends).toContain('python_abi 3.13.* *_cp313');
    expect(set?.packages.find((p) => p.name === 'numpy')).toMatchObject({
      manager: 'pip',
      version: '2.2.1',
      sha256: '3ecc47cd7f6ea0336042be87d9e7da378e5c7e9b3c8ad0f7c966f714fc10d821',
    });
  });
});

describe('environment.yml', () => {
  it("reads NVlabs stylegan3's: pinned versions, ranges as none, the pip list", () => {
    const set = parseEnvironmentYml(
      readFileSync('fixtures/real-envs/stylegan3/environment.yml', 'utf8'),
      'environment.yml',
    );
    const get = (name: string) => set.packages.find((p) => p.name === name);
    expect([
      get('pytorch')?.version,
      get('cudatoolkit')?.version,
      get('python')?.version,
      get('numpy')?.version,
    ]).toEqual(['1.9.1', '11.1', null, null]);
    expect([get('imgui')?.manager, get('imgui')?.version, get('pyspng')?.version]).toEqual([
      'pip',
      '1.3.0',
      null,
    ]);
    expect(set.packages).toHaveLength(19);
  });
});

describe('explicit locks', () => {
  it("reads envgen's own, as `envgen lock` writes it", () => {
    const text = renderCondaLock(
      { version: '0.1.0', specFile: 'envgen.yaml', model: 'm', inputHash: 'a'.repeat(64) },
      { platform: 'linux-64', channels: ['conda-forge'], virtual: '__cuda=12.1' },
      [
        {
          name: 'numpy',
          version: '1.26.4',
          build: 'py311h64a7726_0',
          url: 'https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h64a7726_0.conda',
          md5: 'b'.repeat(32),
          sha256: null,
          subdir: 'linux-64',
          depends: [],
          size: null,
        },
      ],
    );
    const set = parseExplicitLock(text, 'envs/m/conda-linux-64.lock');
    expect(set.platform).toBe('linux-64');
    expect(set.packages).toEqual([
      expect.objectContaining({
        name: 'numpy',
        version: '1.26.4',
        build: 'py311h64a7726_0',
        md5: 'b'.repeat(32),
        channel: 'https://conda.anaconda.org/conda-forge',
      }),
    ]);
  });

  it('reads real ones: `conda list --explicit --md5` and conda-lock --kind explicit (rattler test data)', () => {
    const listed = readText(
      readFileSync('fixtures/explicit/xtensor_linux-64.txt', 'utf8'),
      'a',
      'xtensor_linux-64.txt',
    );
    expect(listed.map((s) => [s.kind, s.platform, s.packages.length])).toEqual([
      ['explicit-lock', 'linux-64', 7],
    ]);
    expect(listed[0]?.packages[0]).toMatchObject({
      name: '_libgcc_mutex',
      version: '0.1',
      build: 'conda_forge',
      subdir: 'linux-64',
      md5: 'd7c89558ba9fa0495403155b64376d81',
    });
    const locked = parseExplicitLock(
      readFileSync('fixtures/explicit/python-conda-lock_linux-64.txt', 'utf8'),
      'b',
    );
    expect(locked.packages).toHaveLength(22);
    expect(locked.packages.find((p) => p.name === 'python')).toMatchObject({
      version: '3.11.0',
      build: 'he550d4f_1_cpython',
      md5: '8d14fc2aa12db370a443753c8230be1e',
    });
  });

  it('takes #sha256: hashes and names with dashes', () => {
    const set = parseExplicitLock(
      `@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/noarch/typing-extensions-4.9.0-hd8ed1ab_0.conda#sha256:${'c'.repeat(64)}\n`,
      'x.lock',
    );
    expect(set.packages[0]).toMatchObject({
      name: 'typing-extensions',
      version: '4.9.0',
      build: 'hd8ed1ab_0',
      sha256: 'c'.repeat(64),
      md5: null,
    });
  });
});

describe('pip freeze and requirements', () => {
  it('reads each form', () => {
    const set = parsePipRequirements(
      [
        '# comment',
        '--index-url https://download.pytorch.org/whl/cu121',
        'Typing_Extensions==4.9.0',
        'torch @ https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp311-cp311-linux_x86_64.whl',
        '-e git+https://github.com/org/tool.git@v1#egg=my_tool',
        'flask>=3 ; python_version >= "3.8"',
        '-e .',
        '-e ./libs/Shared_Utils',
        'git+https://github.com/org/vision-kit.git@v0.3',
        'numpy==1.26.4 \\',
        `    --hash=sha256:${'d'.repeat(64)}`,
      ].join('\n'),
      'requirements.txt',
    );
    expect(set.packages.map((p) => [p.name, p.version])).toEqual([
      ['typing-extensions', '4.9.0'],
      ['torch', '2.1.0+cu121'],
      ['my-tool', null],
      ['flask', null],
      ['shared-utils', null],
      ['vision-kit', null],
      ['numpy', '1.26.4'],
    ]);
    expect(set.packages[6]?.sha256).toBe('d'.repeat(64));
  });
});

describe('input kinds by name and content', () => {
  it.each([
    ['pixi.lock', 'version: 6\n', 'pixi-lock'],
    ['anything.yml', 'version: 6\nenvironments: {}\npackages: []\n', 'pixi-lock'],
    ['conda-lock.yml', 'x: 1\n', 'conda-lock'],
    ['lock.yaml', 'metadata: {}\npackage: []\n', 'conda-lock'],
    ['spec.txt', '# platform: linux-64\n@EXPLICIT\n', 'explicit-lock'],
    ['env.yaml', 'name: x\ndependencies: [numpy]\n', 'environment-yml'],
    ['frozen', 'numpy==1.26.4\n', 'pip-freeze'],
    ['requirements-gpu.txt', '', 'pip-freeze'],
    ['notes.md', '# Notes\n', undefined],
    ['envgen.yaml', 'version: 1\nmodels: {}\n', undefined],
  ])('%s is %s', (name, text, kind) => {
    expect(kindOf(name, text)).toBe(kind);
  });
});
