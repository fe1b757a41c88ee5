/**
 * What a record says about the build variant it belongs to: the CUDA it was built for (or
 * `cpu`), read from build strings (`py3.11_cuda12.1_cudnn8.9.2_0`, `cuda120_py311_h…`,
 * `py310_cu118`, `cpu_generic_…`, `py3.11_cpu_0`), PyPI local versions (`2.1.0+cu121`,
 * `2.1.0+cpu`) and the packages that pin it (`pytorch-cuda`, `cuda-version`, `cudatoolkit`,
 * `cpuonly`); and the Python ABI it was built for (`py311`, `py3.11`, `cp311`).
 */
import type { PackageRecord } from '../packages/package-set.js';
import { identityKey } from './identity.js';

/** Packages whose presence or version is the environment's CUDA variant. */
const CUDA_PINS = new Set(['pytorch-cuda', 'cuda-version', 'cudatoolkit', 'cpuonly']);

/** `118` -> `11.8`, `120` -> `12.0`, `92` -> `9.2`. */
function dotted(digits: string): string {
  return `${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

/** The CUDA a record's build is for (`11.8`, `12`), `cpu`, or null when it says nothing. */
export function cudaTag(record: PackageRecord): string | null {
  const key = identityKey(record);
  if (key === 'cpuonly') return 'cpu';
  if (CUDA_PINS.has(key)) return majorMinor(record.version);
  const build = record.build ?? '';
  const explicit = /(?:^|_)cuda(\d+\.\d+)/.exec(build);
  if (explicit?.[1]) return explicit[1];
  const packed = /(?:^|_)(?:cuda|cu)(\d{2,3})(?:_|$|\.)/.exec(build);
  if (packed?.[1]) return dotted(packed[1]);
  if (/(?:^|_)cpu(?:_|$)/.test(build)) return 'cpu';
  // pytorch-mutex 1.0 `cuda` / `cpu`: the variant without a version.
  if (/(?:^|_)cuda(?:_|$)/.test(build)) return 'cuda';
  const local = /\+(cu(\d{2,3})|cpu|rocm[\d.]+)\b/.exec(record.version ?? '');
  if (local?.[2]) return dotted(local[2]);
  if (local?.[1]) return local[1];
  return null;
}

/** Whether a record is one of the packages that pins the CUDA variant. */
export function pinsCuda(record: PackageRecord): boolean {
  return CUDA_PINS.has(identityKey(record));
}

/** The Python ABI a record is built for (`3.11`), or null (noarch, or not Python-specific). */
export function pythonTag(record: PackageRecord): string | null {
  const key = identityKey(record);
  if (key === 'python' || key === 'python-abi') return majorMinor(record.version);
  const build = record.build ?? '';
  const dottedTag = /(?:^|_)py(\d)\.(\d+)(?:_|$)/.exec(build);
  if (dottedTag) return `${dottedTag[1]}.${dottedTag[2]}`;
  const packed = /(?:^|_)(?:py|cp)(\d)(\d{1,2})(?:_|h|$)/.exec(build);
  if (packed) return `${packed[1]}.${packed[2]}`;
  const wheel = /-cp(\d)(\d{1,2})-/.exec(record.url ?? '');
  if (wheel) return `${wheel[1]}.${wheel[2]}`;
  return null;
}

function majorMinor(version: string | null): string | null {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version ?? '');
  if (!match?.[1]) return null;
  return match[2] === undefined ? match[1] : `${match[1]}.${match[2]}`;
}

/** The CUDA variant of a whole set: torch's build, else the packages that pin it; null when unknown. */
export function setCuda(records: readonly PackageRecord[]): string | null {
  const torch = records.find((r) => identityKey(r) === 'pytorch');
  const fromTorch = torch ? cudaTag(torch) : null;
  if (fromTorch) return fromTorch;
  for (const name of ['pytorch-cuda', 'cuda-version', 'cudatoolkit', 'cpuonly']) {
    const pin = records.find((r) => identityKey(r) === name);
    const tag = pin ? cudaTag(pin) : null;
    if (tag) return tag;
  }
  return null;
}

/** The Python of a whole set (`3.11`), from its python package; null when it has none. */
export function setPython(records: readonly PackageRecord[]): string | null {
  const python = records.find((r) => identityKey(r) === 'python');
  return python ? majorMinor(python.version) : null;
}
