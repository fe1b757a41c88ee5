/** Each class of change on table-driven cases, with the inputs' real build strings. */
import { describe, expect, it } from 'vitest';
import { type ChangeClass, classify } from '../../src/diff/compare.js';
import { channelName, identityKey } from '../../src/diff/identity.js';
import { cudaTag, pythonTag } from '../../src/diff/variants.js';
import { compareVersions, versionLevel } from '../../src/diff/versions.js';
import { type PackageRecord, packageRecord } from '../../src/packages/package-set.js';

const CF = 'https://conda.anaconda.org/conda-forge';
const PT = 'https://conda.anaconda.org/pytorch';
type Fields = Partial<PackageRecord> & { name: string };
const c = (f: Fields) => packageRecord({ manager: 'conda', channel: CF, ...f });
const p = (f: Fields) => packageRecord({ manager: 'pip', ...f });

const CASES: [string, PackageRecord | null, PackageRecord | null, ChangeClass[], string | null][] =
  [
    ['added', null, c({ name: 'flask', version: '3.0.0', build: 'pyhd8ed1ab_0' }), ['added'], null],
    [
      'removed',
      c({ name: 'flask', version: '3.0.0', build: 'pyhd8ed1ab_0' }),
      null,
      ['removed'],
      null,
    ],
    [
      'major upgrade',
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0' }),
      c({ name: 'numpy', version: '2.1.0', build: 'py311h71ddf71_0' }),
      ['upgrade'],
      'major',
    ],
    [
      'minor downgrade',
      c({ name: 'transformers', version: '4.36.2' }),
      c({ name: 'transformers', version: '4.35.2' }),
      ['downgrade'],
      'minor',
    ],
    [
      'patch upgrade',
      c({ name: 'flask', version: '3.0.0' }),
      c({ name: 'flask', version: '3.0.1' }),
      ['upgrade'],
      'patch',
    ],
    [
      'post release',
      c({ name: 'anyio', version: '4.6.2', build: 'pyhd8ed1ab_0' }),
      c({ name: 'anyio', version: '4.6.2.post1', build: 'pyhd8ed1ab_0' }),
      ['upgrade'],
      'patch',
    ],
    [
      'rebuilt',
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0' }),
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_1' }),
      ['rebuilt'],
      null,
    ],
    [
      'same file, other hash',
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0', md5: 'a'.repeat(32) }),
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0', md5: 'b'.repeat(32) }),
      ['rebuilt'],
      null,
    ],
    [
      'channel switch',
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cuda11.8_cudnn8.7.0_0', channel: PT }),
      c({
        name: 'pytorch',
        version: '2.1.2',
        build: 'py3.11_cuda11.8_cudnn8.7.0_0',
        channel: `${CF}/`,
      }),
      ['channel'],
      null,
    ],
    [
      'conda pytorch against pip torch',
      c({ name: 'pytorch', version: '2.1.2' }),
      p({ name: 'torch', version: '2.1.2' }),
      ['channel'],
      null,
    ],
    [
      'CUDA build to CPU build',
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cuda11.8_cudnn8.7.0_0', channel: PT }),
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cpu_0', channel: PT }),
      ['variant', 'rebuilt'],
      null,
    ],
    [
      'CUDA 11.8 to 12.1',
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cuda11.8_cudnn8.7.0_0', channel: PT }),
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cuda12.1_cudnn8.9.2_0', channel: PT }),
      ['variant', 'rebuilt'],
      null,
    ],
    [
      'conda-forge cuda120 to cpu',
      c({ name: 'pytorch', version: '2.5.1', build: 'cuda126_generic_py312_h6d7a5f2_300' }),
      c({ name: 'pytorch', version: '2.5.1', build: 'cpu_generic_py312_h2fd5d7f_100' }),
      ['variant', 'rebuilt'],
      null,
    ],
    [
      'pip +cu121 to +cpu',
      p({ name: 'torch', version: '2.1.0+cu121' }),
      p({ name: 'torch', version: '2.1.0+cpu' }),
      ['variant', 'rebuilt'],
      null,
    ],
    [
      'torchvision cu118 to cpu',
      c({ name: 'torchvision', version: '0.16.2', build: 'py311_cu118', channel: PT }),
      c({ name: 'torchvision', version: '0.16.2', build: 'py311_cpu', channel: PT }),
      ['variant', 'rebuilt'],
      null,
    ],
    [
      'pytorch-cuda 11.8 to 12.1',
      c({ name: 'pytorch-cuda', version: '11.8', build: 'h7e8668a_6', channel: PT }),
      c({ name: 'pytorch-cuda', version: '12.1', build: 'ha16c6d3_6', channel: PT }),
      ['variant', 'upgrade'],
      'major',
    ],
    [
      'cpuonly added',
      null,
      c({ name: 'cpuonly', version: '2.0', build: '0', channel: PT }),
      ['variant', 'added'],
      null,
    ],
    [
      'pytorch-cuda removed',
      c({ name: 'pytorch-cuda', version: '11.8', channel: PT }),
      null,
      ['variant', 'removed'],
      null,
    ],
    [
      'Python 3.11 to 3.12',
      c({ name: 'python', version: '3.11.7', build: 'hab00c5b_1_cpython' }),
      c({ name: 'python', version: '3.12.1', build: 'hab00c5b_1_cpython' }),
      ['abi', 'upgrade'],
      'minor',
    ],
    [
      'a py311 build to a py312 build',
      c({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0' }),
      c({ name: 'numpy', version: '1.26.4', build: 'py312heda63a1_0' }),
      ['abi', 'rebuilt'],
      null,
    ],
    [
      'Python patch, same ABI',
      c({ name: 'python', version: '3.11.7' }),
      c({ name: 'python', version: '3.11.8' }),
      ['upgrade'],
      'patch',
    ],
    [
      'a series pin (python=3.11) and a lock in it',
      c({ name: 'python', version: '3.11', channel: null }),
      c({ name: 'python', version: '3.11.7', build: 'hab00c5b_1_cpython' }),
      [],
      null,
    ],
    [
      'a series pin and a lock outside it',
      c({ name: 'python', version: '3.11', channel: null }),
      c({ name: 'python', version: '3.12.1', build: 'hab00c5b_1_cpython' }),
      ['abi', 'upgrade'],
      'minor',
    ],
    [
      'a locked 3.11 against a locked 3.11.7 is an upgrade',
      c({ name: 'python', version: '3.11', build: 'h1_cpython' }),
      c({ name: 'python', version: '3.11.7', build: 'h1_cpython' }),
      ['upgrade'],
      'patch',
    ],
    [
      'an unpinned side is no change',
      c({ name: 'flask', version: null, channel: null }),
      c({ name: 'flask', version: '3.0.0', build: 'pyhd8ed1ab_0' }),
      [],
      null,
    ],
    [
      'case and separators are one name',
      p({ name: 'typing-extensions', version: '4.9.0' }),
      c({ name: 'typing_extensions', version: '4.9.0', channel: null }),
      ['channel'],
      null,
    ],
  ];

describe('classify', () => {
  it.each(CASES)('%s', (_name, before, after, classes, level) => {
    const change = classify(before, after);
    if (classes.length === 0) {
      expect(change).toBeNull();
      return;
    }
    expect(change?.classes).toEqual(classes);
    expect(change?.class).toBe(classes[0]);
    expect(change?.level).toBe(level);
  });

  it('records the CUDA and Python on each side', () => {
    const change = classify(
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.11_cuda11.8_cudnn8.7.0_0' }),
      c({ name: 'pytorch', version: '2.1.2', build: 'py3.12_cpu_0' }),
    );
    expect(change?.cuda).toEqual({ from: '11.8', to: 'cpu' });
    expect(change?.python).toEqual({ from: '3.11', to: '3.12' });
    expect(change?.classes).toEqual(['variant', 'abi', 'rebuilt']);
  });
});

describe('what a record says', () => {
  it.each([
    ['py3.11_cuda12.1_cudnn8.9.2_0', '12.1'],
    ['cuda120_py311h1234567_300', '12.0'],
    ['cuda118_py310h5a1d2ce_201', '11.8'],
    ['py310_cu118', '11.8'],
    ['cpu_generic_py312_h2fd5d7f_100', 'cpu'],
    ['py3.11_cpu_0', 'cpu'],
    ['py311h64a7726_0', null],
  ])('build %s is CUDA %s', (build, cuda) => {
    expect(cudaTag(c({ name: 'pytorch', version: '2.1.2', build }))).toBe(cuda);
  });

  it.each([
    ['py311h64a7726_0', '3.11'],
    ['py3.11_cuda11.8_cudnn8.7.0_0', '3.11'],
    ['cuda120_py311h1234567_300', '3.11'],
    ['pyhd8ed1ab_0', null],
    ['hab00c5b_1_cpython', null],
  ])('build %s is Python %s', (build, python) => {
    expect(pythonTag(c({ name: 'numpy', version: '1', build }))).toBe(python);
  });

  it('names: PEP 503 and PyPI to conda', () => {
    expect(identityKey({ name: 'Typing_Extensions', manager: 'pip' })).toBe('typing-extensions');
    expect(identityKey({ name: 'torch', manager: 'pip' })).toBe('pytorch');
    expect(identityKey({ name: 'torch', manager: 'conda' })).toBe('torch');
  });

  it('channels: URLs and names alike', () => {
    expect(
      channelName({ channel: 'https://conda.anaconda.org/conda-forge/', manager: 'conda' }),
    ).toBe('conda-forge');
    expect(channelName({ channel: 'https://repo.anaconda.com/pkgs/main', manager: 'conda' })).toBe(
      'pkgs/main',
    );
    expect(channelName({ channel: 'https://prefix.dev/conda-forge', manager: 'conda' })).toBe(
      'conda-forge',
    );
    expect(channelName({ channel: null, manager: 'pip' })).toBe('pypi');
  });

  it.each([
    ['2.1.2', '2.1.10', -1, 'patch'],
    ['1.13.1', '2.1.2', -1, 'major'],
    ['2.1', '2.1.0', 0, 'patch'],
    ['1.0rc1', '1.0', -1, 'patch'],
    ['2.1.0+cu118', '2.1.0+cpu', 0, 'patch'],
    ['2024b', '2025a', -1, 'major'],
  ])('versions %s against %s', (a, b, order, level) => {
    expect(Math.sign(compareVersions(a, b))).toBe(order);
    if (order !== 0) expect(versionLevel(a, b)).toBe(level);
  });
});
