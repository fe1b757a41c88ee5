import type { DockerfileContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { variables } from './conda-commands.js';
import { rewriteEdit } from './edits.js';
import {
  type ImageRef,
  imageColumn,
  inheritedInstructions,
  isNvidiaCuda,
  rootImage,
} from './stages.js';

/** Images that set both variables already: NVIDIA's CUDA images and those built on them. */
function presets(image: ImageRef): boolean {
  return (
    isNvidiaCuda(image) ||
    (image.registry === 'nvcr.io' && image.repository.startsWith('nvidia/')) ||
    image.repository === 'pytorch/pytorch' ||
    (image.repository === 'mambaorg/micromamba' && /-cuda-/.test(image.tag ?? ''))
  );
}

const GPU = /cuda|cudnn|nccl|\bcu1\d\d\b|nvidia|tensorrt|\btorch\b|pytorch|\bvllm\b/i;
const CPU = /cpuonly|\+cpu\b|\/whl\/cpu\b/i;

/**
 * Whether the image is meant for a GPU: the spec's model says so, or the Dockerfile and the
 * environments it installs mention CUDA, NVIDIA or torch (whose Linux wheels are CUDA builds)
 * and nothing marks them CPU-only. A plain service image is left alone.
 */
function gpuIntent(context: DockerfileContext): boolean {
  if (context.model) return context.model.cuda !== 'cpu';
  const texts = [
    context.lines.filter((l) => !l.trimStart().startsWith('#')).join('\n'),
    ...context.environments.flatMap((e) => e.dependencies.map((d) => d.text)),
  ];
  const cpuBuild = context.environments.some((e) =>
    e.dependencies.some((d) => /^cpu/.test(d.conda?.build ?? '')),
  );
  // ROCm images (rocm/pytorch, +rocm wheels) use AMD's devices: no NVIDIA variable applies.
  const rocm = texts.some((t) => /\brocm\b|rocm[0-9]/i.test(t));
  return !cpuBuild && !rocm && !texts.some((t) => CPU.test(t)) && texts.some((t) => GPU.test(t));
}

const VARIABLES = {
  NVIDIA_VISIBLE_DEVICES: 'all',
  NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
} as const;

export const dkr013 = defineRule<'dockerfile'>({
  id: 'DKR013',
  name: 'nvidia-env',
  target: 'dockerfile',
  severity: 'info',
  description:
    'The final image is not built on nvidia/cuda and sets no NVIDIA_VISIBLE_DEVICES=all / NVIDIA_DRIVER_CAPABILITIES=compute,utility, so the container toolkit may not give it the CUDA driver library.',
  docs: [
    "The NVIDIA Container Toolkit decides what to mount into a container from the image's environment: with",
    '`NVIDIA_DRIVER_CAPABILITIES` unset it mounts only `utility` (nvidia-smi), not `compute` (libcuda), and',
    "`NVIDIA_VISIBLE_DEVICES` selects the GPUs. NVIDIA's CUDA images preset both; a Debian or Ubuntu base does not,",
    'and torch then finds no GPU unless every runtime passes the variables (NVIDIA Container Toolkit, "Specialized',
    'configurations with Docker -> Environment variables"). Only the final stage counts, and only images meant for a',
    'GPU (the spec says so, or the Dockerfile or its environments mention CUDA, NVIDIA or torch) are checked.',
    '',
    'Fix: `ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility` in the final stage (`--fix` adds it).',
  ].join('\n'),
  check(context) {
    const final = context.final;
    if (!final || !gpuIntent(context)) return [];
    const { image } = rootImage(context, final);
    if (presets(image)) return [];
    const set = variables(inheritedInstructions(context, final).filter((i) => i.keyword === 'ENV'));
    const devices = set.get('NVIDIA_VISIBLE_DEVICES');
    // `void`/`none` hide the GPUs on purpose.
    if (devices && /^(void|none)$/i.test(devices)) return [];
    const capabilities = set.get('NVIDIA_DRIVER_CAPABILITIES');
    const missing = (Object.keys(VARIABLES) as (keyof typeof VARIABLES)[]).filter(
      (name) => set.get(name) === undefined,
    );
    const noCompute =
      capabilities !== undefined && !/(^|,)\s*(compute|all)\s*(,|$)/.test(capabilities);
    if (missing.length === 0 && !noCompute) return [];
    // A later ENV that drops `compute` would undo an insertion after FROM: that one is left to
    // the user, so --fix never leaves the finding half fixed.
    const insertion =
      missing.length > 0 && !noCompute
        ? `ENV ${missing.map((n) => `${n}=${VARIABLES[n]}`).join(' ')}`
        : undefined;
    const edit =
      insertion && rewriteEdit(context, final.from, `add ${insertion}`, () => insertion, true);
    const problems = [
      ...missing.map((n) => `no ${n}`),
      ...(noCompute ? [`NVIDIA_DRIVER_CAPABILITIES=${capabilities} lacks \`compute\``] : []),
    ];
    return [
      {
        line: final.from.line,
        column: imageColumn(final.from),
        message: `the final image (on \`${image.text}\`, not nvidia/cuda) has ${problems.join(' and ')}: the container toolkit then mounts only \`utility\`, and CUDA finds no GPU`,
        fix: 'add `ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility` to the final stage',
        ...(edit ? { edit } : {}),
      },
    ];
  },
});
