/**
 * Doctor's check of this machine: the driver and every GPU, the conda tool and the CUDA it
 * detects, Docker and the NVIDIA runtime, environment variables that shadow an environment's
 * libraries, and for each resolved model: the driver floors, the architectures, and the smoke
 * check where its environment exists. Returns a report; the CLI renders it and decides the exit.
 */
import { join, relative, sep } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import { requestFor } from '../compat/resolve-spec.js';
import type { Table } from '../compat/table.js';
import { checkDrift, driftTarget, isEnvironment } from '../drift/check-drift.js';
import type { Io } from '../io.js';
import { SMOKE_SCRIPT } from '../layout.js';
import { type Problem, problem, UserError } from '../problem.js';
import type { ProblemCode } from '../problem-codes.js';
import { type Progress, QUIET_PROGRESS } from '../progress.js';
import { runSmoke } from '../smoke/run-smoke.js';
import type { LoadedSpec, Spec } from '../spec/types.js';
import { type Machine, modelProblems } from './check-model.js';
import { checkContainerToolkit } from './container-toolkit.js';
import { type DriverProbe, type GpuInfo, probeDriver } from './probe-driver.js';
import { environmentProblems, probeConda, probeDocker } from './probe-tools.js';

export interface DoctorOptions {
  /** The repository root (where the smoke script is). */
  root: string;
  /** The spec's resolved models, when there is a spec. */
  spec?: { loaded: LoadedSpec; models: ResolvedModel[]; table: Table };
  /** Where `envgen build` created the environments. */
  prefixRoot: string;
  conda?: string;
  /** The models run in containers here. */
  docker: boolean;
  signal: AbortSignal;
  /** Why there is no spec, for the report's notes. */
  noSpecNote?: string;
  /** Progress of long checks (hashing a big environment's files), on stderr. */
  progress?: Progress;
}

interface ModelVerdict {
  name: string;
  status: 'ok' | 'warning' | 'error';
  torch: string;
  cuda: string;
  problems: Problem[];
}

export interface DoctorReport {
  ok: boolean;
  driver: string | null;
  maxCuda: string | null;
  gpus: {
    index: number;
    name: string;
    computeCapability: string | null;
    memoryMiB: number | null;
  }[];
  conda: { kind: string; path: string; version: string; cuda: string | null } | null;
  docker: { version: string | null; nvidiaRuntime: boolean; nvidiaCtk: string | null } | null;
  /** Findings about the machine itself (driver, tools, variables). */
  problems: Problem[];
  models: ModelVerdict[];
  notes: string[];
}

export async function checkMachine(io: Io, options: DoctorOptions): Promise<DoctorResult> {
  const { spec } = options;
  const probe = await probeDriver(io);
  if (probe.kind === 'failed') {
    throw new UserError([
      problem(
        'doctor/nvidia-smi-failed',
        `could not ask the driver: ${probe.detail}${probe.timedOut ? ' (nvidia-smi did not answer in time)' : ''}`,
        { fix: 'run `nvidia-smi` by hand to see what it says' },
      ),
    ]);
  }
  const machineProblems: Problem[] = [...driverProblems(probe)];
  const conda = await probeConda(io, options.conda);
  const docker = await probeDocker(io, options.docker);
  machineProblems.push(...conda.problems, ...docker.problems, ...environmentProblems(io.env));
  const toolkit = await checkContainerToolkit(io);
  machineProblems.push(...toolkit.problems);

  if (
    probe.kind === 'ok' &&
    conda.conda &&
    conda.conda.cuda === null &&
    !io.env.CONDA_OVERRIDE_CUDA
  ) {
    machineProblems.push(
      problem(
        'doctor/conda-no-cuda',
        `${conda.conda.kind} detects no CUDA (__cuda) although the driver supports CUDA ${probe.maxCuda ?? '(unknown)'}: a conda-forge GPU solve here picks the CPU build`,
        {
          fix: `set CONDA_OVERRIDE_CUDA=<the model's CUDA> when creating environments (envgen build does), and check that libcuda.so is visible to ${conda.conda.kind}`,
        },
      ),
    );
  }
  const gpus: GpuInfo[] = probe.kind === 'ok' ? probe.gpus : [];
  const machine: Machine = {
    driver: probe.kind === 'ok' ? probe.driver : null,
    capabilities: [
      ...new Set(gpus.map((g) => g.computeCapability).filter((c): c is string => c !== null)),
    ],
  };

  const models: ModelVerdict[] = [];
  for (const model of spec?.models ?? []) {
    const problems: Problem[] = [];
    if (probe.kind !== 'ok' && model.cuda !== 'cpu') {
      problems.push(
        problem(
          'doctor/no-gpu',
          `${model.name}: needs CUDA ${model.cuda}, and this machine has no working NVIDIA driver`,
          { fix: 'fix the driver (above), or run the CPU build (cuda: cpu)' },
        ),
      );
    } else if (spec) {
      const specModel = spec.loaded.spec.models[model.name] ?? {};
      problems.push(
        ...modelProblems(
          spec.table,
          model,
          requestFor(model.name, specModel, spec.loaded.spec.defaults ?? {}, {}),
          machine,
        ),
        ...(await smokeHere(io, options, model, spec.loaded.spec, probe.kind === 'ok')),
      );
    }
    if (spec) problems.push(...(await driftHere(io, options, model, spec.loaded.spec)));
    models.push(verdict(model, problems));
  }

  const report: DoctorReport = {
    ok:
      !machineProblems.some((p) => p.severity === 'error') &&
      models.every((m) => m.status !== 'error'),
    driver: probe.kind === 'ok' ? probe.driver : probe.kind === 'no-devices' ? probe.driver : null,
    maxCuda: probe.kind === 'ok' ? probe.maxCuda : null,
    gpus: gpus.map(({ index, name, computeCapability, memoryMiB }) => ({
      index,
      name,
      computeCapability,
      memoryMiB,
    })),
    conda: conda.conda,
    docker: docker.docker,
    problems: machineProblems,
    models,
    notes: [
      ...(probe.kind === 'ok' ? probe.notes : []),
      ...toolkit.notes,
      ...(options.noSpecNote ? [options.noSpecNote] : []),
    ],
  };
  return { report, gpus };
}

export interface DoctorResult {
  report: DoctorReport;
  /** What the driver said of each GPU, for the checklist. */
  gpus: GpuInfo[];
}

/** Every problem the report holds: the machine's, then each model's. */
export function doctorProblems(report: DoctorReport): Problem[] {
  return [...report.problems, ...report.models.flatMap((m) => m.problems)];
}

function driverProblems(probe: DriverProbe): Problem[] {
  const error = (code: ProblemCode, message: string, fix: string): Problem[] => [
    problem(code, message, { severity: 'error', fix }),
  ];
  switch (probe.kind) {
    case 'missing':
      return error(
        'doctor/no-driver',
        'nvidia-smi is not installed: no NVIDIA driver on this machine (or not on PATH)',
        'install the NVIDIA driver (e.g. `sudo ubuntu-drivers install`, or the .run installer from NVIDIA), then reboot',
      );
    case 'nvml-mismatch':
      return error(
        'doctor/nvml-mismatch',
        `the loaded NVIDIA kernel module and the driver libraries differ (${probe.detail.replaceAll('\n', ' ')})`,
        'the driver was upgraded without a reboot: reboot (or unload and reload the nvidia kernel modules)',
      );
    case 'driver-not-loaded':
      return error(
        'doctor/driver-not-loaded',
        `nvidia-smi cannot talk to the driver (${probe.detail.split('\n')[0]})`,
        'load the driver: reboot, check `dmesg | grep -i nvidia`, and that Secure Boot has not blocked the module',
      );
    case 'no-devices':
      return error(
        'doctor/no-devices',
        'the driver sees no GPU',
        'check that the GPU is attached (a VM or container without the device?), `lspci | grep -i nvidia`, and the driver logs',
      );
    default:
      return [];
  }
}

/** Where the model's environment exists on this machine, run the smoke check in it. */
async function smokeHere(
  io: Io,
  options: DoctorOptions,
  model: ResolvedModel,
  spec: Spec,
  gpu: boolean,
): Promise<Problem[]> {
  // Stopped (Ctrl-C): no further smoke checks; the report says what was checked before.
  if (options.signal.aborted) return [];
  const python = join(options.prefixRoot, model.name, 'bin', 'python');
  if (!(await io.exists(python))) return [];
  const smoke = await runSmoke(
    io,
    { gpu, timeoutMs: 300_000, signal: options.signal, progress: QUIET_PROGRESS, spec },
    model,
    python,
    [join(options.root, SMOKE_SCRIPT)],
    'smoke',
  );
  return smoke.problems;
}

/**
 * Where the model's environment exists on this machine, what drifted from its lock (as `envgen
 * drift` checks it). A model without a lock is information here, not bad input: doctor asks
 * what can run, and an environment solved without a lock can.
 */
async function driftHere(
  io: Io,
  options: DoctorOptions,
  model: ResolvedModel,
  spec: Spec,
): Promise<Problem[]> {
  if (options.signal.aborted) return [];
  const prefix = join(options.prefixRoot, model.name);
  if (!(await isEnvironment(io, prefix))) return [];
  const label = (path: string): string => {
    const rel = relative(options.root, path).split(sep).join('/');
    return rel.startsWith('..') ? path : rel;
  };
  try {
    const drift = await checkDrift(
      io,
      driftTarget(
        options.root,
        {
          name: model.name,
          platform: model.platform,
          prefix,
          localPackages: (spec.models[model.name]?.localPackages ?? []).length > 0,
        },
        label,
      ),
      { files: true, progress: options.progress ?? QUIET_PROGRESS },
    );
    return drift.problems.map((p) =>
      p.ruleId === 'drift/no-lock' ? { ...p, severity: 'info' as const } : p,
    );
  } catch (error) {
    // A folder that is not an environment, or a corrupt record: said as it is.
    if (error instanceof UserError) return error.problems;
    throw error;
  }
}

function verdict(model: ResolvedModel, problems: Problem[]): ModelVerdict {
  const status = problems.some((p) => p.severity === 'error')
    ? 'error'
    : problems.some((p) => p.severity === 'warning')
      ? 'warning'
      : 'ok';
  return {
    name: model.name,
    status,
    torch: model.torch,
    cuda: model.cuda,
    problems,
  };
}
