import { defineRule } from '../define-rule.js';
import { condaDeps, gpuTarget } from './conda-env.js';

export const env008 = defineRule<'environment'>({
  id: 'ENV008',
  name: 'cpuonly-on-gpu',
  target: 'environment',
  severity: 'error',
  description: 'cpuonly is present in an environment whose target is a GPU.',
  docs: [
    "`cpuonly` is the `pytorch` channel's selector for the CPU build (`conda install pytorch cpuonly -c pytorch`,",
    'quoted in conda-forge/pytorch-cpu-feedstock#187). In a GPU environment it forces the CPU build, or makes the',
    'solve fail next to `pytorch-cuda`; `torch.cuda.is_available()` is then False on every GPU.',
    "The target is the spec's model (envs/<model>/environment.yml); without a spec, a file that also asks for CUDA",
    '(`pytorch-cuda`, `cuda-version`, `cudatoolkit`, a `cuda*` build string, a `/whl/cuXXX` index) is a GPU target.',
    '',
    'Fix: remove `cpuonly` and select the CUDA build (`pytorch-cuda=X.Y` on the pytorch channel, `pytorch=*=cuda*` on conda-forge).',
  ].join('\n'),
  check(context) {
    const target = gpuTarget(context);
    if (!target?.gpu) return [];
    return condaDeps(context)
      .filter((d) => d.name === 'cpuonly')
      .map((d) => ({
        line: d.line,
        column: d.column,
        message: `'${d.text}' selects the CPU build of PyTorch, but ${target.because}`,
        fix: "remove 'cpuonly' and select the CUDA build (pytorch-cuda=X.Y on the pytorch channel, pytorch=*=cuda* on conda-forge)",
      }));
  },
});
