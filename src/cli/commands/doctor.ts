/**
 * `envgen doctor`: on a GPU machine, find why a model cannot run here and say the fix. The
 * driver and every GPU, the conda tool and the CUDA it detects, Docker and the NVIDIA runtime,
 * environment variables that shadow an environment's libraries, and for each model of the spec:
 * the driver floors, the architectures, and the smoke check where its environment exists.
 */

import { join, resolve } from 'node:path';
import { runSmoke } from '../../build/run-build.js';
import type { ResolvedModel } from '../../compat/resolve.js';
import { requestFor } from '../../compat/resolve-spec.js';
import { buildTable } from '../../compat/table.js';
import { type Machine, modelProblems } from '../../doctor/check-model.js';
import { type DriverProbe, type GpuInfo, probeDriver } from '../../doctor/probe-driver.js';
import { environmentProblems, probeConda, probeDocker } from '../../doctor/probe-tools.js';
import { ENVIRONMENTS_ROOT, SMOKE_SCRIPT } from '../../layout.js';
import type { Problem, Severity } from '../../problem.js';
import { QUIET_PROGRESS } from '../../progress.js';
import { formatDoctor } from '../../report/doctor-text.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { Spec } from '../../spec/types.js';
import type { CommandContext } from '../context.js';
import { resolveSpecModels } from '../spec-models.js';

export interface DoctorFlags {
  conda?: string;
  docker?: boolean;
  prefixRoot?: string;
  rules?: string;
}

export interface ModelVerdict {
  name: string;
  status: 'ok' | 'warning' | 'error';
  torch: string;
  cuda: string;
  problems: { id: string; severity: Severity; message: string; fix: string }[];
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
  problems: { id: string; severity: Severity; message: string; fix: string }[];
  models: ModelVerdict[];
  notes: string[];
}

export async function runDoctor(
  ctx: CommandContext,
  names: string[],
  flags: DoctorFlags,
  signal: AbortSignal,
): Promise<number> {
  const { io, root } = ctx;
  const hasSpec = await io.exists(join(root, SPEC_FILE));
  const spec = hasSpec
    ? await resolveSpecModels(ctx, names, { ...(flags.rules ? { rules: flags.rules } : {}) })
    : undefined;

  const probe = await probeDriver(io);
  if (probe.kind === 'failed') {
    io.stderr.write(
      `error: could not ask the driver: ${probe.detail}${probe.timedOut ? ' (nvidia-smi did not answer in time)' : ''} [doctor/nvidia-smi-failed]\n  fix: run \`nvidia-smi\` by hand to see what it says\n`,
    );
    return 3;
  }
  const machineProblems: Problem[] = [...driverProblems(probe)];
  const conda = await probeConda(io, flags.conda);
  const docker = await probeDocker(io, Boolean(flags.docker));
  machineProblems.push(...conda.problems, ...docker.problems, ...environmentProblems(io.env));

  if (
    probe.kind === 'ok' &&
    conda.conda &&
    conda.conda.cuda === null &&
    !io.env.CONDA_OVERRIDE_CUDA
  ) {
    machineProblems.push({
      ruleId: 'doctor/conda-no-cuda',
      severity: 'warning',
      message: `${conda.conda.kind} detects no CUDA (__cuda) although the driver supports CUDA ${probe.maxCuda ?? '(unknown)'}: a conda-forge GPU solve here picks the CPU build`,
      fix: `set CONDA_OVERRIDE_CUDA=<the model's CUDA> when creating environments (envgen build does), and check that libcuda.so is visible to ${conda.conda.kind}`,
    });
  }
  const gpus: GpuInfo[] = probe.kind === 'ok' ? probe.gpus : [];
  const machine: Machine = {
    driver: probe.kind === 'ok' ? probe.driver : null,
    capabilities: [
      ...new Set(gpus.map((g) => g.computeCapability).filter((c): c is string => c !== null)),
    ],
  };
  const table = spec?.table ?? buildTable();

  const models: ModelVerdict[] = [];
  for (const model of spec?.models ?? []) {
    const problems: Problem[] = [];
    if (probe.kind !== 'ok' && model.cuda !== 'cpu') {
      problems.push({
        ruleId: 'doctor/no-gpu',
        severity: 'error',
        message: `${model.name}: needs CUDA ${model.cuda}, and this machine has no working NVIDIA driver`,
        fix: 'fix the driver (above), or run the CPU build (cuda: cpu)',
      });
    } else {
      const specModel = spec?.loaded.spec.models[model.name] ?? {};
      problems.push(
        ...modelProblems(
          table,
          model,
          requestFor(model.name, specModel, spec?.loaded.spec.defaults ?? {}, {}),
          machine,
        ),
      );
      problems.push(
        ...(await smokeHere(ctx, flags, model, specOf(spec), probe.kind === 'ok', signal)),
      );
    }
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
    problems: machineProblems.map(asEntry),
    models,
    notes: [
      ...(probe.kind === 'ok' ? probe.notes : []),
      ...(hasSpec ? [] : [`no ${SPEC_FILE} here: only the machine was checked`]),
    ],
  };
  io.stdout.write(
    ctx.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctor(report, gpus, ctx.color),
  );
  if (signal.aborted) return 130;
  return report.ok ? 0 : 1;
}

function driverProblems(probe: DriverProbe): Problem[] {
  const problem = (ruleId: string, message: string, fix: string): Problem[] => [
    { ruleId, severity: 'error', message, fix },
  ];
  switch (probe.kind) {
    case 'missing':
      return problem(
        'doctor/no-driver',
        'nvidia-smi is not installed: no NVIDIA driver on this machine (or not on PATH)',
        'install the NVIDIA driver (e.g. `sudo ubuntu-drivers install`, or the .run installer from NVIDIA), then reboot',
      );
    case 'nvml-mismatch':
      return problem(
        'doctor/nvml-mismatch',
        `the loaded NVIDIA kernel module and the driver libraries differ (${probe.detail.replaceAll('\n', ' ')})`,
        'the driver was upgraded without a reboot: reboot (or unload and reload the nvidia kernel modules)',
      );
    case 'driver-not-loaded':
      return problem(
        'doctor/driver-not-loaded',
        `nvidia-smi cannot talk to the driver (${probe.detail.split('\n')[0]})`,
        'load the driver: reboot, check `dmesg | grep -i nvidia`, and that Secure Boot has not blocked the module',
      );
    case 'no-devices':
      return problem(
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
  ctx: CommandContext,
  flags: DoctorFlags,
  model: ResolvedModel,
  spec: Spec,
  gpu: boolean,
  signal: AbortSignal,
): Promise<Problem[]> {
  // Stopped (Ctrl-C): no further smoke checks; the report says what was checked before.
  if (signal.aborted) return [];
  const prefix = join(
    flags.prefixRoot ? resolve(ctx.io.cwd, flags.prefixRoot) : join(ctx.root, ENVIRONMENTS_ROOT),
    model.name,
  );
  const python = join(prefix, 'bin', 'python');
  if (!(await ctx.io.exists(python))) return [];
  const smoke = await runSmoke(
    ctx.io,
    {
      gpu,
      timeoutMs: 300_000,
      signal,
      progress: QUIET_PROGRESS,
      spec,
    },
    model,
    python,
    [join(ctx.root, SMOKE_SCRIPT)],
    'smoke',
  );
  return smoke.problems;
}

function specOf(resolved: Awaited<ReturnType<typeof resolveSpecModels>> | undefined): Spec {
  return resolved?.loaded.spec ?? { version: 1, models: {} };
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
    problems: problems.map(asEntry),
  };
}

function asEntry(p: Problem): { id: string; severity: Severity; message: string; fix: string } {
  return { id: p.ruleId, severity: p.severity, message: p.message, fix: p.fix ?? '' };
}
