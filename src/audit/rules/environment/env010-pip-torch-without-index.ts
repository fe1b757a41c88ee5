import { cudaLabel, pytorchIndexUrl } from '../../../pytorch-wheels.js';
import { defineRule } from '../define-rule.js';
import {
  gpuTarget,
  isPipOption,
  PIP_TORCH,
  pipDeps,
  pipIndexBuild,
  pipIndexes,
} from './conda-env.js';

export const env010 = defineRule<'environment'>({
  id: 'ENV010',
  name: 'pip-torch-without-index',
  target: 'environment',
  severity: 'warning',
  description:
    'A GPU environment installs pip torch without a PyTorch CUDA wheel index, or pins a +cuXXX wheel PyPI cannot serve.',
  docs: [
    'PyPI carries one build of each torch release, for the CUDA version PyTorch chose for it; the other CUDA builds',
    'live at `https://download.pytorch.org/whl/cuXXX` and need `--extra-index-url` (or `--index-url`) in the `pip:` list',
    '(as in saturncloud/images#472, whose cu129 wheels must also match the runtime base). A local version pin such as',
    "`torch==2.6.0+cu126` exists only on that index, so without it pip fails to resolve. The target is the spec's",
    'model; without a spec, a file that asks for CUDA elsewhere (`cuda-version`, `pytorch-cuda`, a `cuda*` build) is a GPU target.',
    '',
    "Fix: add `- --extra-index-url https://download.pytorch.org/whl/cuXXX` (the model's CUDA) before the torch entries,",
    'and pin `torch==X.Y.Z+cuXXX` so pip cannot take another build.',
  ].join('\n'),
  check(context) {
    const torch = pipDeps(context).filter((d) => !isPipOption(d) && PIP_TORCH.has(d.name));
    if (torch.length === 0) return [];
    const labels = pipIndexes(context).map((i) => pipIndexBuild(i.url));
    const hasPytorchIndex = labels.some((l) => l !== undefined);
    const cudaIndex = labels.some((l) => /^cu\d+$/.test(l ?? '') || l === 'unlabelled');
    const label = (text: string) => /\+(cu\d+|cpu|rocm[\d.]+)/.exec(text)?.[1];
    const expected =
      context.model && /^\d+\.\d+$/.test(context.model.cuda)
        ? cudaLabel(context.model.cuda)
        : 'cuXXX';
    const pinned = hasPytorchIndex ? [] : torch.filter((d) => label(d.text));
    if (pinned.length > 0) {
      return pinned.map((d) => ({
        line: d.line,
        column: d.column,
        message: `'${d.text}' pins the local version +${label(d.text)}, which only PyTorch's wheel index serves, and the pip list names no such index: pip cannot resolve it from PyPI`,
        fix: `add '- --extra-index-url ${pytorchIndexUrl(label(d.text) ?? '')}' to the pip list, before '${d.text}'`,
      }));
    }
    const target = gpuTarget(context);
    const first = torch[0];
    if (!target?.gpu || cudaIndex || !first) return [];
    return [
      {
        line: first.line,
        column: first.column,
        message: hasPytorchIndex
          ? `pip '${first.text}' comes from PyTorch's CPU wheel index, but ${target.because}`
          : `pip '${first.text}' comes from PyPI's default build, not a chosen CUDA build, although ${target.because}`,
        fix: `add '- --extra-index-url ${pytorchIndexUrl(expected)}' to the pip list and pin '${first.name}==X.Y.Z+${expected}'`,
      },
    ];
  },
});
