/**
 * Compares what the smoke check saw inside an environment with what the resolver chose, and
 * says what is wrong and what to change. Pure: the report in, problems out.
 */
import type { ResolvedModel } from '../compat/resolve.js';
import type { Problem } from '../problem.js';
import type { ProblemCode } from '../problem-codes.js';
import { cudaLabel, pytorchIndexUrl } from '../pytorch-wheels.js';
import { compareDotted } from '../versions/dotted.js';

/** The JSON object templates/smoke_check.py prints. */
export interface SmokeReport {
  python?: string;
  torch: string | null;
  cuda?: string | null;
  cudnn?: number | null;
  cudaAvailable?: boolean;
  archList?: string[];
  devices?: {
    index: number;
    name: string;
    capability: string;
    matmul?: { ok: boolean; error?: string };
  }[];
  /** ok null: the package has no Python distribution here (a C library), nothing to import. */
  imports?: Record<string, { ok: boolean | null; error?: string; module?: string }>;
  errors?: string[];
}

export interface SmokeOptions {
  /** `--gpu`: a visible GPU, its architecture in the build and a device operation are required. */
  gpu: boolean;
}

export function smokeProblems(
  model: ResolvedModel,
  report: SmokeReport,
  options: SmokeOptions,
): Problem[] {
  const problems: Problem[] = [];
  const add = (
    ruleId: ProblemCode,
    message: string,
    fix: string,
    severity: Problem['severity'] = 'error',
  ): void => {
    problems.push({ ruleId, severity, message: `${model.name}: ${message}`, fix });
  };
  if (!report.torch) {
    add(
      'smoke/torch-import',
      `torch does not import: ${report.errors?.[0] ?? 'no output'}`,
      'read the create step log; the environment is incomplete or torch is missing from it',
    );
    return problems;
  }
  const python = report.python?.split('.').slice(0, 2).join('.');
  const wanted = model.python.replace(/t$/, '');
  if (python && python !== wanted) {
    add(
      'smoke/python-version',
      `Python ${report.python} runs in the environment where ${model.python} was resolved`,
      'regenerate the files and rebuild; check that nothing else in the environment pins python',
    );
  }
  const installed = report.torch.split('+')[0] ?? report.torch;
  if (installed !== model.torch) {
    add(
      'smoke/torch-version',
      `torch ${report.torch} is installed where ${model.torch} was resolved`,
      'regenerate the files (`envgen generate`) and rebuild; check that nothing else in the environment pins torch',
    );
  }
  if (model.cuda !== 'cpu' && !report.cuda) {
    add(
      'smoke/cpu-build',
      `the CPU build of torch is installed where the CUDA ${model.cuda} build was resolved`,
      model.source === 'pip'
        ? `install torch from ${pytorchIndexUrl(cudaLabel(model.cuda))} (the generated environment.yml does); a plain PyPI torch or another requirement pulled the CPU wheel`
        : `solve with CONDA_OVERRIDE_CUDA=${model.cuda} (envgen build sets it) and keep the CUDA selector (${model.source === 'conda-forge' ? 'pytorch=*=cuda*, cuda-version' : 'pytorch-cuda'}) in environment.yml`,
    );
  } else if (model.cuda !== 'cpu' && report.cuda && majorMinor(report.cuda) !== model.cuda) {
    add(
      'smoke/cuda-build',
      `torch was built with CUDA ${report.cuda}, not the resolved ${model.cuda}`,
      'regenerate the files and rebuild; another package may pin a different CUDA',
    );
  } else if (model.cuda === 'cpu' && report.cuda) {
    add(
      'smoke/cuda-build',
      `a CUDA ${report.cuda} build of torch is installed where the CPU build was resolved`,
      'keep the CPU selector (cpuonly, pytorch=*=cpu*, or the /whl/cpu index) in environment.yml',
    );
  }
  for (const [name, result] of Object.entries(report.imports ?? {})) {
    if (result.ok !== false) continue;
    const module = result.module ?? name;
    const observed = model.observe?.modules.includes(module) || module === 'envgen_observe';
    add(
      'smoke/import',
      `'import ${module}'${module === name ? '' : ` (package ${name})`} fails: ${result.error ?? 'unknown error'}`,
      observed
        ? `observe: needs it (\`envgen resolve ${model.name}\` lists the packages it adds): run \`envgen generate\`, rebuild, and keep your own pins of OpenTelemetry or prometheus_client compatible with them`
        : `add what '${module}' needs to the model's conda or pip list, or fix its version`,
    );
  }
  if (options.gpu) {
    if (!report.cudaAvailable) {
      add(
        'smoke/no-gpu',
        'torch sees no GPU (torch.cuda.is_available() is False)',
        'run on a GPU machine with the NVIDIA driver (and --gpus all in Docker); `envgen doctor` checks the driver',
      );
    }
    for (const device of report.devices ?? []) {
      if (!archCovers(report.archList ?? [], device.capability)) {
        add(
          'smoke/arch',
          `GPU ${device.index} (${device.name}, ${device.capability}) is not in the build's arch list (${(report.archList ?? []).join(' ')})`,
          'pick a build that carries this architecture (`envgen resolve --gpu ' +
            device.capability +
            '`)',
        );
      }
      if (device.matmul && !device.matmul.ok) {
        add(
          'smoke/device-op',
          `a matmul on GPU ${device.index} fails: ${device.matmul.error ?? ''}`,
          'the build cannot run kernels on this GPU; check the architecture and the driver (`envgen doctor`)',
        );
      }
    }
  }
  return problems;
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** `sm_80` serves 8.0 and 8.6; `compute_90` (PTX) serves 9.0 and newer. */
function archCovers(archList: readonly string[], capability: string): boolean {
  const [major] = capability.split('.');
  return archList.some((arch) => {
    const match = /^(sm|compute)_(\d+)(\d)[a-z]?$/.exec(arch);
    if (!match) return false;
    const listed = `${match[2]}.${match[3]}`;
    if (match[1] === 'compute') return compareDotted(listed, capability) <= 0;
    return match[2] === major && compareDotted(listed, capability) <= 0;
  });
}
