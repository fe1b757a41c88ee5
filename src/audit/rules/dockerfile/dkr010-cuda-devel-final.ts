import { defineRule } from '../define-rule.js';
import { type ImageRef, imageColumn, isNvidiaCuda, rootImage } from './stages.js';

/** `nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04`, and pytorch/pytorch's `-devel` tags built on it. */
function isDevel(image: ImageRef): boolean {
  const flavours = (image.tag ?? '').toLowerCase().split('-');
  return (
    (isNvidiaCuda(image) || image.repository === 'pytorch/pytorch') && flavours.includes('devel')
  );
}

export const dkr010 = defineRule<'dockerfile'>({
  id: 'DKR010',
  name: 'cuda-devel-final',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'The final stage is built FROM nvidia/cuda:*-devel-*, which ships the CUDA compiler, headers and static libraries an inference image does not run.',
  docs: [
    "NVIDIA's CUDA images come in three flavours: `base` (libcudart only), `runtime` (+ the CUDA shared libraries)",
    'and `devel` (+ nvcc, headers and static libraries; several GB more). A service needs `runtime` at most, and',
    'often only `base`, because PyTorch wheels and conda-forge packages bring their own CUDA libraries (NVIDIA',
    'container images wiki). Only the last stage ships; a `devel` build stage is fine.',
    '',
    'Fix: use the `-runtime-` (or `-base-`) tag of the same CUDA version for the final stage, or compile in a',
    '`devel` build stage and `COPY --from` the result into a `runtime` stage.',
  ].join('\n'),
  check(context) {
    const final = context.final;
    if (!final) return [];
    const { image } = rootImage(context, final);
    if (!isDevel(image)) return [];
    const via = final.parent ? ` (through stage \`${final.image}\`)` : '';
    return [
      {
        line: final.from.line,
        column: imageColumn(final.from),
        message: `the final stage is built on \`${image.text}\`${via}: the devel flavour ships nvcc, headers and static libraries the service does not need`,
        fix: `use the runtime flavour (\`${image.text.replace(/-devel\b/, '-runtime')}\`) for the final stage, or build in a devel stage and COPY --from it into a runtime one`,
      },
    ];
  },
});
