/**
 * Packages the spec's conda and pip lists leave out, because envgen installs them itself.
 */

/**
 * Packages a torch build brings with it, pinned to its CUDA variant: `pip freeze` and
 * `conda env export` list them, and keeping them would fight the build envgen chooses.
 */
const PIP_TORCH_BUILD = /^(nvidia-[a-z0-9-]+-cu1[0-9]|triton|pytorch-triton)$/;
const CONDA_TORCH_BUILD =
  /^(pytorch-mutex|cuda-(cudart|runtime|nvrtc|nvtx|cupti|libraries|opencl)|libcublas|libcufft|libcurand|libcusolver|libcusparse|libnpp|libnvjpeg|libnvjitlink)$/;

const TORCH_FAMILY = [
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
];

/** torch, its libraries, and the packages that choose its build: envgen pins them from torch and cuda. */
export function isTorchFamily(name: string): boolean {
  return TORCH_FAMILY.includes(name);
}

/** A pip package a torch wheel installs for its CUDA build (`nvidia-cublas-cu12`, `triton`). */
export function isPipTorchBuild(name: string): boolean {
  return PIP_TORCH_BUILD.test(name);
}

/** A conda package a pytorch build installs for its CUDA build (`libcublas`, `pytorch-mutex`). */
export function isCondaTorchBuild(name: string): boolean {
  return CONDA_TORCH_BUILD.test(name);
}

/** Packages that only run on a GPU: a repo that lists one is a GPU repo, whatever its code says. */
const GPU_ONLY =
  /^(xformers|bitsandbytes|flash-attn|triton|deepspeed|vllm|cupy(-cuda[0-9a-z]*)?|apex|tensorrt(-[a-z0-9-]+)?|onnxruntime-gpu|auto-gptq|pycuda|nvidia-[a-z0-9-]+)$/;

/** Whether a package (its normalised name) runs only on a GPU (`xformers`, `bitsandbytes`). */
export function isGpuOnly(name: string): boolean {
  return GPU_ONLY.test(name);
}
