/**
 * Compute capabilities of well-known NVIDIA GPUs, by the name nvidia-smi prints. Used only when
 * the driver is too old to report `compute_cap` itself (older nvidia-smi versions reject the
 * query field) or reports it as N/A.
 *
 * Source of the values: NVIDIA's "CUDA GPUs - Compute Capability" list,
 * https://developer.nvidia.com/cuda-gpus (and its archive for legacy GPUs). Names are as
 * nvidia-smi prints them, e.g. `Tesla V100-SXM2-32GB`, `NVIDIA A100-SXM4-80GB`,
 * `NVIDIA H100 80GB HBM3`, `NVIDIA GeForce RTX 4090`, `NVIDIA RTX 6000 Ada Generation`.
 */

export interface GpuCapabilityEntry {
  /** Matched case-insensitively against the GPU's name; `\b` keeps `A10` from matching `A100`. */
  pattern: RegExp;
  capability: string;
  /** A name this entry is for, for people reading the table (and its tests). */
  example: string;
}

/** Most specific first: the first entry whose pattern matches the name wins. */
export const GPU_CAPABILITIES: readonly GpuCapabilityEntry[] = [
  // Blackwell
  { pattern: /\bRTX PRO \d{4}\b/i, capability: '12.0', example: 'NVIDIA RTX PRO 6000 Blackwell' },
  { pattern: /\bRTX 50[5-9]0\b/i, capability: '12.0', example: 'NVIDIA GeForce RTX 5090' },
  { pattern: /\bGB10\b/i, capability: '12.1', example: 'NVIDIA GB10' },
  { pattern: /\bG?B300\b/i, capability: '10.3', example: 'NVIDIA B300' },
  { pattern: /\bG?B200\b/i, capability: '10.0', example: 'NVIDIA B200' },
  { pattern: /\bB100\b/i, capability: '10.0', example: 'NVIDIA B100' },
  // Hopper
  { pattern: /\bGH200\b/i, capability: '9.0', example: 'NVIDIA GH200 480GB' },
  { pattern: /\bH(100|200|800|20)\b/i, capability: '9.0', example: 'NVIDIA H100 80GB HBM3' },
  // Ada Lovelace
  {
    pattern: /\bRTX \d{4}\b.*\bAda\b/i,
    capability: '8.9',
    example: 'NVIDIA RTX 6000 Ada Generation',
  },
  { pattern: /\bRTX 40[5-9]0\b/i, capability: '8.9', example: 'NVIDIA GeForce RTX 4090' },
  { pattern: /\bL(40S|40G|40|20|4)\b/i, capability: '8.9', example: 'NVIDIA L4' },
  // Ampere
  { pattern: /\bA(100|800|30)\b/i, capability: '8.0', example: 'NVIDIA A100-SXM4-80GB' },
  { pattern: /\bRTX A\d{4}\b/i, capability: '8.6', example: 'NVIDIA RTX A6000' },
  { pattern: /\bRTX 30[5-9]0\b/i, capability: '8.6', example: 'NVIDIA GeForce RTX 3090' },
  { pattern: /\bA(10G|10M|10|40|16|2)\b/i, capability: '8.6', example: 'NVIDIA A10' },
  // Turing
  { pattern: /\bT4G?\b/i, capability: '7.5', example: 'Tesla T4' },
  { pattern: /\bQuadro RTX \d{4}\b/i, capability: '7.5', example: 'Quadro RTX 8000' },
  { pattern: /\bTITAN RTX\b/i, capability: '7.5', example: 'NVIDIA TITAN RTX' },
  { pattern: /\bRTX 20[6-8]0\b/i, capability: '7.5', example: 'NVIDIA GeForce RTX 2080 Ti' },
  { pattern: /\bGTX 16[5-6]0\b/i, capability: '7.5', example: 'NVIDIA GeForce GTX 1660' },
  { pattern: /\bT(400|600|1000|1200)\b/i, capability: '7.5', example: 'NVIDIA T1000' },
  // Volta
  { pattern: /\bV100S?\b/i, capability: '7.0', example: 'Tesla V100-SXM2-32GB' },
  { pattern: /\bTITAN V\b/i, capability: '7.0', example: 'NVIDIA TITAN V' },
  // Pascal
  { pattern: /\bP100\b/i, capability: '6.0', example: 'Tesla P100-PCIE-16GB' },
  { pattern: /\bP(40|4)\b/i, capability: '6.1', example: 'Tesla P40' },
  { pattern: /\bTITAN Xp\b/i, capability: '6.1', example: 'NVIDIA TITAN Xp' },
  { pattern: /\bGTX 10[5-8]0\b/i, capability: '6.1', example: 'NVIDIA GeForce GTX 1080 Ti' },
  // Maxwell
  { pattern: /\bM(60|40|6)\b/i, capability: '5.2', example: 'Tesla M60' },
  { pattern: /\bM10\b/i, capability: '5.0', example: 'Tesla M10' },
  // Kepler
  { pattern: /\bK80\b/i, capability: '3.7', example: 'Tesla K80' },
  { pattern: /\bK40[cm]?\b/i, capability: '3.5', example: 'Tesla K40c' },
];

/** The compute capability (`8.0`) of a GPU known by its nvidia-smi name, or null when unknown. */
export function capabilityFromName(name: string): string | null {
  for (const entry of GPU_CAPABILITIES) {
    if (entry.pattern.test(name)) return entry.capability;
  }
  return null;
}
