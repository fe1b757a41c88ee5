/**
 * From an environment's package to what OSV's PyPI data is asked: conda names through
 * parselmouth's conda-forge mapping (src/vulns/pypi-names.json), versions without local parts
 * or build strings, and the packages that are "not checked" with their reason.
 */
import { describe, expect, it } from 'vitest';
import { type PackageRecord, packageRecord } from '../../src/packages/package-set.js';
import { normaliseVersion, pypiMapping } from '../../src/vulns/pypi-names.js';

const conda = (name: string, version: string | null, extra: Partial<PackageRecord> = {}) =>
  packageRecord({ name, manager: 'conda', version, ...extra });
const pip = (name: string, version: string | null) =>
  packageRecord({ name, manager: 'pip', version });

describe('conda names mapped to PyPI names', () => {
  it.each([
    // conda name, version, build -> PyPI names asked (version), how
    ['pytorch', '2.5.1', 'py3.11_cuda12.4_cudnn9.1.0_0', ['torch@2.5.1', 'pytorch@2.5.1'], 'table'],
    [
      'pytorch-cpu',
      '2.1.2',
      'cpu_generic_py311h0fd4e8a_0',
      ['torch@2.1.2', 'pytorch@2.1.2'],
      'table',
    ],
    [
      'pytorch-gpu',
      '2.1.2',
      'cuda120py311h1234567_300',
      ['torch@2.1.2', 'pytorch@2.1.2'],
      'envgen',
    ],
    ['pillow', '9.5.0', 'py311h0b84326_1', ['pillow@9.5.0'], 'table'],
    [
      'py-opencv',
      '4.8.1',
      'headless_py311h0ea8f6e_0',
      ['opencv-python@4.8.1', 'opencv-python-headless@4.8.1'],
      'table',
    ],
    ['typing_extensions', '4.9.0', 'pyha770c72_0', ['typing-extensions@4.9.0'], 'table'],
    ['huggingface_hub', '0.20.3', 'pyhd8ed1ab_0', ['huggingface-hub@0.20.3'], 'table'],
    ['matplotlib-base', '3.8.2', 'py311h54ef318_0', ['matplotlib@3.8.2'], 'table'],
    ['tensorflow', '2.15.0', 'cpu_py311h6aa969b_0', ['tensorflow@2.15.0'], 'table'],
    // Not in the subset, but a Python package by its build: conda-forge's rule, same name.
    ['einops', '0.7.0', 'pyhd8ed1ab_0', ['einops@0.7.0'], 'same-name'],
  ])('%s %s (%s)', (name, version, build, asked, how) => {
    const mapping = pypiMapping(conda(name, version, { build }));
    expect(mapping.checked && mapping.how).toBe(how);
    expect(mapping.checked && mapping.queries.map((q) => `${q.name}@${q.version}`)).toEqual(asked);
  });

  it('takes a Python package by its depends on python when the build does not say', () => {
    const mapping = pypiMapping(
      conda('some-lib', '1.2.0', { build: 'h1234_0', depends: ['python >=3.9', 'numpy'] }),
    );
    expect(mapping.checked && mapping.queries).toEqual([{ name: 'some-lib', version: '1.2.0' }]);
  });

  it.each([
    // conda name, version, build -> reason
    ['pytorch-cuda', '12.4', 'hc786d27_7', 'not-pypi'],
    ['pytorch-mutex', '1.0', 'cuda', 'not-pypi'],
    ['libcublas', '12.4.5.8', '0', 'not-pypi'],
    ['cuda-cudart', '12.4.127', '0', 'not-pypi'],
    ['python', '3.11.7', 'hab00c5b_1_cpython', 'not-pypi'],
    ['openssl', '3.2.0', 'hd590300_1', 'not-pypi'],
    // Neither in the table nor a Python package: unknown, never clean.
    ['cuda-nvrtc', '12.4.127', '0', 'unknown-name'],
    ['cudatoolkit', '11.3.1', 'h2bc3f7f_2', 'unknown-name'],
    ['numpy', null, null, 'no-version'],
    ['numpy', 'not-a-version', null, 'bad-version'],
  ])('%s %s is not checked: %s', (name, version, build, reason) => {
    const mapping = pypiMapping(conda(name, version, { build }));
    expect(mapping.checked).toBe(false);
    expect(!mapping.checked && mapping.reason.kind).toBe(reason);
  });

  it('asks for a pip package by its own (normalised) name', () => {
    expect(pypiMapping(pip('torch', '2.5.1+cu124'))).toEqual({
      checked: true,
      how: 'pip',
      // torch is also asked for under `pytorch`, where GHSA-63cw-57p8-fm3p files it.
      queries: [
        { name: 'torch', version: '2.5.1' },
        { name: 'pytorch', version: '2.5.1' },
      ],
    });
    expect(pypiMapping(pip('Flask_SocketIO', '5.3.0'))).toMatchObject({
      queries: [{ name: 'flask-socketio', version: '5.3.0' }],
    });
    expect(pypiMapping(pip('eventlet', null))).toMatchObject({
      checked: false,
      reason: { kind: 'no-version' },
    });
  });
});

describe('versions as PEP 440 public versions', () => {
  it.each([
    ['2.5.1', '2.5.1'],
    ['2.5.1+cu124', '2.5.1'],
    ['2.1.0+cpu', '2.1.0'],
    ['==2.0.1', '2.0.1'],
    ['2.5.1=py3.11_cuda12.4_cudnn9.1.0_0', '2.5.1'],
    ['2.6.0rc1', '2.6.0rc1'],
    ['1.0.1.post2', '1.0.1.post2'],
    ['2.7.0.dev20250101', '2.7.0.dev20250101'],
    ['1!2.0', '1!2.0'],
    ['v1.2', '1.2'],
    ['1.9.1a', '1.9.1a'],
    ['', null],
    ['>=3.9', null],
    ['2.1.*', null],
    ['latest', null],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseVersion(input)).toBe(expected);
  });
});
