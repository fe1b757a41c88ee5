/** The pieces of a lock that need no solver: channels, input hash, file format, pip pins. */
import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../src/compat/resolve.js';
import { compatTable } from '../../src/compat/table.js';
import { channelUrl } from '../../src/conda-channels.js';
import { lockChannels, parseMirrorFlag } from '../../src/lock/channels.js';
import { inputHash, type LockInputs } from '../../src/lock/input-hash.js';
import {
  inputHashOf,
  lockedUrls,
  renderCondaLock,
  renderPipLock,
} from '../../src/lock/lock-file.js';
import { unpinnedRequirements } from '../../src/lock/run-lock.js';
import { installOrder } from '../../src/lock/solve.js';
import { virtualPackagesFor, virtualRepodata } from '../../src/lock/virtual-packages.js';
import { UserError } from '../../src/problem.js';
import { sealState } from '../../src/render/seal.js';

describe('channels', () => {
  it('puts a bare name on anaconda.org and keeps a URL', () => {
    expect(channelUrl('conda-forge')).toBe('https://conda.anaconda.org/conda-forge');
    expect(channelUrl('https://repo.example.com/ch/')).toBe('https://repo.example.com/ch');
  });

  it('replaces a channel by its mirror, named by channel name or URL', () => {
    const channels = lockChannels(['pytorch', 'conda-forge'], {
      'https://conda.anaconda.org/pytorch/': 'https://mirror/pytorch/',
      'conda-forge': 'https://mirror/cf',
    });
    expect(channels).toEqual([
      { name: 'pytorch', url: 'https://mirror/pytorch', mirrored: true },
      { name: 'conda-forge', url: 'https://mirror/cf', mirrored: true },
    ]);
    expect(lockChannels(['nvidia'], {})[0]).toMatchObject({ mirrored: false });
  });

  it('refuses a --mirror that is not CHANNEL=URL, or a URL that could break a line', () => {
    expect(parseMirrorFlag('conda-forge=http://127.0.0.1:8080/cf')).toEqual([
      'conda-forge',
      'http://127.0.0.1:8080/cf',
    ]);
    for (const bad of [
      'conda-forge',
      '=https://x',
      'cf=ftp://x',
      'cf=https://x/a b',
      'cf=https://x\n',
    ]) {
      expect(() => parseMirrorFlag(bad)).toThrow(UserError);
    }
  });
});

describe('the input hash', () => {
  const table = compatTable();
  const outcome = resolveModel(table, {
    name: 'm',
    torch: '2.5',
    python: '3.11',
    cuda: '12.6',
    source: 'conda-forge',
  });
  if (!outcome.ok) throw new Error('fixture model does not resolve');
  const model = outcome.model;
  const base: LockInputs = {
    kind: 'conda',
    version: '1.0.0',
    table,
    model,
    virtual: virtualPackagesFor('linux-64', '12.6'),
  };

  it('changes with each thing the solve is made from', () => {
    const hash = inputHash(base);
    const variants: Partial<LockInputs>[] = [
      { version: '1.0.1' },
      { table: compatTable([{ notes: ['one more note'] }]) },
      { model: { ...model, dependencies: [...model.dependencies, 'flask'] } },
      { model: { ...model, channels: ['conda-forge', 'bioconda'] } },
      { model: { ...model, platform: 'linux-aarch64' } },
      { virtual: virtualPackagesFor('linux-64', '12.0') },
      { kind: 'pip' },
    ];
    const hashes = variants.map((v) => inputHash({ ...base, ...v }));
    for (const other of hashes) expect(other).not.toBe(hash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('ignores what cannot change the solve: reasons, archs, driver floors, key order', () => {
    const reworded = {
      ...base,
      model: { ...model, reasons: ['other words'], archs: ['9.0'], minDriver: null },
    };
    expect(inputHash(reworded)).toBe(inputHash(base));
  });

  it('gives the pip companion its own hash, moved by the pip requirements only', () => {
    const pip = { ...base, kind: 'pip' as const };
    expect(inputHash({ ...pip, model: { ...model, channels: ['elsewhere'] } })).toBe(
      inputHash(pip),
    );
    expect(inputHash({ ...pip, model: { ...model, pip: ['fastapi==0.110.0'] } })).not.toBe(
      inputHash(pip),
    );
  });
});

describe('lock files', () => {
  const header = {
    version: '1.0.0',
    specFile: 'envgen.yaml',
    model: 'm',
    inputHash: 'a'.repeat(64),
  };
  const packages = [
    {
      name: 'python',
      version: '3.11.9',
      build: 'h_0',
      url: 'https://c/linux-64/python-3.11.9-h_0.conda',
      md5: 'b'.repeat(32),
      sha256: null,
      subdir: 'linux-64',
      depends: [],
      size: null,
    },
    {
      name: 'nohash',
      version: '1',
      build: '0',
      url: 'https://c/noarch/nohash-1-0.conda',
      md5: null,
      sha256: null,
      subdir: 'noarch',
      depends: [],
      size: null,
    },
  ];

  it('writes an @EXPLICIT list with URL#MD5 lines under a sealed header', () => {
    const text = renderCondaLock(
      header,
      { platform: 'linux-64', channels: ['https://c'], virtual: '__unix=0=0' },
      packages,
    );
    expect(sealState(text)).toBe('intact');
    expect(inputHashOf(text)).toBe('a'.repeat(64));
    expect(lockedUrls(text)).toEqual([
      `https://c/linux-64/python-3.11.9-h_0.conda#${'b'.repeat(32)}`,
      'https://c/noarch/nohash-1-0.conda',
    ]);
    expect(text.split('\n').filter((l) => l === '@EXPLICIT')).toHaveLength(1);
    expect(sealState(text.replace('h_0.conda', 'h_1.conda'))).toBe('broken');
  });

  it('writes the pip requirements as given, index options included', () => {
    const text = renderPipLock(header, [
      '--extra-index-url https://download.pytorch.org/whl/cu121',
      'torch==2.4.1+cu121',
    ]);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      '--extra-index-url https://download.pytorch.org/whl/cu121',
      'torch==2.4.1+cu121',
    ]);
    expect(inputHashOf(text)).toBe('a'.repeat(64));
  });

  it('tells pinned pip requirements from the rest', () => {
    expect(
      unpinnedRequirements([
        '--extra-index-url https://x',
        'torch==2.4.1+cu121',
        'pkg===1.0',
        'local @ https://x/pkg.whl',
        'fastapi',
        'uvicorn>=0.30',
        'numpy~=1.26',
        'torch==2.4.*',
        'requests==2.32.3; python_version >= "3.8"',
      ]),
    ).toEqual(['fastapi', 'uvicorn>=0.30', 'numpy~=1.26', 'torch==2.4.*']);
  });
});

describe('virtual packages', () => {
  it('gives a GPU target __cuda at the model CUDA, and a CPU target none', () => {
    const gpu = virtualPackagesFor('linux-64', '11.8');
    expect(gpu.find((p) => p.name === '__cuda')).toEqual({
      name: '__cuda',
      version: '11.8',
      build: '0',
    });
    expect(virtualPackagesFor('linux-64', 'cpu').some((p) => p.name === '__cuda')).toBe(false);
    expect(
      virtualPackagesFor('linux-aarch64', 'cpu').find((p) => p.name === '__archspec')?.build,
    ).toBe('aarch64');
  });

  it('serves them as repodata records of the platform subdir only', () => {
    const repodata = JSON.parse(
      virtualRepodata('linux-64', virtualPackagesFor('linux-64', '12.6')),
    );
    const records = Object.values(repodata['packages.conda']) as { name: string; subdir: string }[];
    expect(records.map((r) => r.name).sort()).toEqual([
      '__archspec',
      '__cuda',
      '__glibc',
      '__linux',
      '__unix',
    ]);
    expect(records.every((r) => r.subdir === 'linux-64')).toBe(true);
    expect(
      Object.keys(
        JSON.parse(virtualRepodata('noarch', virtualPackagesFor('linux-64', '12.6')))[
          'packages.conda'
        ],
      ),
    ).toEqual([]);
  });
});

describe('install order', () => {
  const pkg = (name: string, depends: string[] = []) => ({
    name,
    version: '1',
    build: '0',
    url: `https://c/linux-64/${name}-1-0.conda`,
    md5: null,
    sha256: null,
    subdir: 'linux-64',
    depends,
    size: null,
  });

  it('puts dependencies first and breaks ties by code point, not by locale', () => {
    const order = installOrder([
      pkg('numpy', ['python >=3.11', 'libopenblas']),
      pkg('python', ['libzlib', '__glibc >=2.17']),
      pkg('Zlib-extra'),
      pkg('libzlib'),
      pkg('libopenblas'),
      pkg('ch-tool'),
      pkg('h-tool'),
    ]).map((p) => p.name);
    expect(order).toEqual([
      'Zlib-extra',
      'ch-tool',
      'h-tool',
      'libopenblas',
      'libzlib',
      'python',
      'numpy',
    ]);
  });

  it('survives a dependency cycle', () => {
    const order = installOrder([pkg('a', ['b']), pkg('b', ['a'])]).map((p) => p.name);
    expect(order.sort()).toEqual(['a', 'b']);
  });
});
