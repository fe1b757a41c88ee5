import { describe, expect, it } from 'vitest';
import { GPU_STACK_RULES, isGpuStack } from '../../src/graph/gpu-stack.js';

/** Names as conda-forge, the nvidia and pytorch channels and PyPI spell them, and the verdict. */
const TABLE: [string, boolean][] = [
  // conda-forge / nvidia channel CUDA components
  ['cuda-cudart', true],
  ['cuda-nvrtc', true],
  ['cuda-version', true],
  ['cuda-runtime', true],
  ['cuda', true],
  ['cudatoolkit', true],
  ['pytorch-cuda', true],
  ['libcublas', true],
  ['libcufft', true],
  ['libcurand', true],
  ['libcusolver', true],
  ['libcusparse', true],
  ['libcufile', true],
  ['libcudnn', true],
  ['libnvjitlink', true],
  ['libnvjpeg', true],
  ['libnvidia-ml', true],
  ['libnpp', true],
  ['cudnn', true],
  ['nccl', true],
  ['libnccl', true],
  ['cutensor', true],
  ['cusparselt', true],
  ['tensorrt', true],
  // PyPI wheels torch pulls in
  ['nvidia-cublas-cu12', true],
  ['nvidia-cudnn-cu12', true],
  ['nvidia-nccl-cu12', true],
  ['NVIDIA-CUDA-Runtime-CU12', true],
  // not NVIDIA's libraries, though close in name or use
  ['libcurl', false],
  ['libcups', false],
  ['pytorch', false],
  ['torch', false],
  ['torchvision', false],
  ['triton', false],
  ['magma', false],
  ['cupy', false],
  ['numpy', false],
  ['libgcc-ng', false],
  ['cudf', false],
  ['nvtop', false],
];

describe('the GPU stack vocabulary', () => {
  it.each(TABLE)('%s: %s', (name, gpu) => {
    expect(isGpuStack(name)).toBe(gpu);
  });

  it('every rule is used by a name of the table', () => {
    const unused = GPU_STACK_RULES.filter(
      (rule) =>
        !TABLE.some(
          ([name, gpu]) =>
            gpu &&
            (rule.prefix
              ? name.toLowerCase().startsWith(rule.match)
              : name.toLowerCase() === rule.match),
        ),
    );
    expect(unused.map((r) => r.match)).toEqual([]);
  });
});
