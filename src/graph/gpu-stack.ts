/**
 * Which packages are the GPU stack: NVIDIA's CUDA runtime and libraries, as conda-forge, the
 * nvidia channel, the pytorch channel and PyPI name them. This is the one place that vocabulary
 * lives; `graph` sums their sizes ("torch pulls in 2.7 GB, 2.1 GB of it CUDA libraries") and
 * marks them in its output. test/graph/gpu-stack.test.ts holds a table of names on each side.
 *
 * Prefix rules catch NVIDIA's naming schemes (`cuda-cudart`, `libcublas`, `nvidia-cudnn-cu12`),
 * so a library NVIDIA adds next year is counted too; the exceptions are the few packages of
 * other projects that share a prefix (`libcurl`, `libcups`). The framework itself (pytorch,
 * torchvision) is not counted, even in its CUDA build, nor are GPU projects that are not
 * NVIDIA's libraries (triton, magma, cupy).
 */

interface GpuRule {
  /** A name equal to this, or starting with it where `prefix` is set. */
  match: string;
  prefix: boolean;
  /** What the packages it matches are, for documentation and the test table. */
  what: string;
}

const rule = (match: string, prefix: boolean, what: string): GpuRule => ({ match, prefix, what });

export const GPU_STACK_RULES: readonly GpuRule[] = [
  rule('cuda-', true, 'CUDA toolkit components on conda-forge and the nvidia channel'),
  rule('cuda', false, 'the CUDA metapackage'),
  rule('cudatoolkit', false, 'the CUDA toolkit as one package (CUDA 11 and older)'),
  rule('pytorch-cuda', false, "the pytorch channel's CUDA selector"),
  rule('nvidia-', true, "NVIDIA's wheels on PyPI (nvidia-cublas-cu12, …)"),
  rule('libcu', true, 'CUDA math libraries (libcublas, libcufft, libcurand, libcusparse, …)'),
  rule('libnv', true, 'NVIDIA libraries (libnvjitlink, libnvjpeg, libnvidia-ml, …)'),
  rule('libnpp', true, 'NVIDIA Performance Primitives'),
  rule('cudnn', false, 'cuDNN'),
  rule('nccl', false, 'NCCL'),
  rule('libnccl', true, 'NCCL'),
  rule('cutensor', false, 'cuTENSOR'),
  rule('cusparselt', false, 'cuSPARSELt'),
  rule('tensorrt', true, 'TensorRT'),
];

/** Prefixes of packages a rule above would take that are not NVIDIA's. */
const NOT_GPU = ['libcurl', 'libcups'];

/** Whether a package (conda name, or PEP 503 normalised pip name) is part of the GPU stack. */
export function isGpuStack(name: string): boolean {
  const lower = name.toLowerCase();
  if (NOT_GPU.some((prefix) => lower.startsWith(prefix))) return false;
  return GPU_STACK_RULES.some((r) => (r.prefix ? lower.startsWith(r.match) : lower === r.match));
}
