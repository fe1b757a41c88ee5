/** The one vocabulary for what a requirements file, environment file or group is for. */
import { describe, expect, it } from 'vitest';
import { variantKind } from '../../src/init/detect/variant-names.js';

describe('variantKind', () => {
  it.each([
    ['requirements-gpu.txt', 'gpu'],
    ['requirements_cuda.txt', 'gpu'],
    ['requirements-cu118.txt', 'gpu'],
    ['environment-cuda121.yml', 'gpu'],
    ['cu126', 'gpu'],
    ['requirements-cpu.txt', 'cpu'],
    ['cpu', 'cpu'],
    ['requirements-dev.txt', 'dev'],
    ['requirements_dev_gpu.txt', 'dev'],
    ['requirements/docs.txt', 'dev'],
    ['requirements-tests.txt', 'dev'],
    ['dev', 'dev'],
    ['pre-commit', 'dev'],
    // Whole words only.
    ['requirements-nogpu.txt', 'plain'],
    ['environment-docker.yml', 'plain'],
    ['requirements-barracuda.txt', 'plain'],
    ['requirements-devices.txt', 'plain'],
    ['requirements-serve.txt', 'plain'],
    ['pypi', 'plain'],
  ])('%s is %s', (name, kind) => {
    expect(variantKind(name)).toBe(kind);
  });
});
