/**
 * What doctor learns about the conda tool, Docker and the environment variables: each a fact
 * plus the problems it implies. Absent Docker is information, not an error.
 */
import type { Io } from '../io.js';
import type { Problem } from '../problem.js';
import { findCondaTool } from '../runner/conda-tool.js';

export interface CondaFacts {
  kind: string;
  path: string;
  version: string;
  /** The CUDA conda detects (`__cuda`), or null when it detects none. */
  cuda: string | null;
}

export async function probeConda(
  io: Io,
  explicit?: string,
): Promise<{ conda: CondaFacts | null; problems: Problem[] }> {
  const found = await findCondaTool(io, explicit);
  if (!found.ok) {
    return {
      conda: null,
      problems: [
        {
          ruleId: 'doctor/no-conda',
          severity: 'info',
          message: 'no conda tool found (micromamba, mamba or conda)',
          fix: 'needed only to build environments on this machine: install micromamba or Miniforge',
        },
      ],
    };
  }
  const { tool } = found;
  const result = await io.exec(tool.path, ['info', '--json'], { timeoutMs: 60_000 });
  const cuda = result.exitCode === 0 ? virtualCuda(result.stdout) : undefined;
  const problems: Problem[] = [];
  if (cuda === undefined) {
    problems.push({
      ruleId: 'doctor/conda-info',
      severity: 'info',
      message: `${tool.kind} info --json could not be read, so the CUDA it detects is unknown`,
      fix: `run \`${tool.path} info\` to see its virtual packages`,
    });
  }
  return {
    conda: { kind: tool.kind, path: tool.path, version: tool.version, cuda: cuda ?? null },
    problems,
  };
}

/** `__cuda` from conda's `virtual_pkgs` triples or micromamba's "virtual packages" strings. */
function virtualCuda(json: string): string | null | undefined {
  try {
    const info = JSON.parse(json) as { virtual_pkgs?: string[][]; 'virtual packages'?: string[] };
    if (Array.isArray(info.virtual_pkgs))
      return info.virtual_pkgs.find((p) => p[0] === '__cuda')?.[1] ?? null;
    if (Array.isArray(info['virtual packages'])) {
      const entry = info['virtual packages'].find((p) => p.startsWith('__cuda='));
      return entry ? (entry.split('=')[1] ?? null) : null;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

export interface DockerFacts {
  version: string | null;
  nvidiaRuntime: boolean;
  nvidiaCtk: string | null;
}

export async function probeDocker(
  io: Io,
  needed: boolean,
): Promise<{ docker: DockerFacts | null; problems: Problem[] }> {
  const docker = await io.which('docker');
  if (!docker) {
    return {
      docker: null,
      problems: [
        {
          ruleId: 'doctor/no-docker',
          severity: needed ? 'error' : 'info',
          message: 'docker is not installed',
          fix: needed
            ? 'install Docker and the NVIDIA Container Toolkit to run the images here'
            : 'needed only to run the images on this machine',
        },
      ],
    };
  }
  const info = await io.exec(docker, ['info', '--format', '{{json .}}'], { timeoutMs: 30_000 });
  const ctkPath = await io.which('nvidia-ctk');
  const ctk = ctkPath ? await io.exec(ctkPath, ['--version'], { timeoutMs: 30_000 }) : null;
  const nvidiaCtk =
    ctk?.exitCode === 0 ? (/(\d+\.\d+\.\d+)/.exec(ctk.stdout)?.[1] ?? 'unknown') : null;
  if (info.exitCode !== 0) {
    return {
      docker: { version: null, nvidiaRuntime: false, nvidiaCtk },
      problems: [
        {
          ruleId: 'doctor/docker-daemon',
          severity: needed ? 'error' : 'warning',
          message: `docker is installed but its daemon does not answer: ${(info.stderr.trim().split('\n')[0] ?? '').slice(0, 200)}`,
          fix: 'start the daemon (`sudo systemctl start docker`) or add your user to the docker group',
        },
      ],
    };
  }
  let parsed: { ServerVersion?: string; Runtimes?: Record<string, unknown> } = {};
  try {
    parsed = JSON.parse(info.stdout) as typeof parsed;
  } catch {
    // leave the facts unknown
  }
  const nvidiaRuntime = Boolean(parsed.Runtimes && 'nvidia' in parsed.Runtimes);
  const problems: Problem[] = [];
  if (!nvidiaRuntime && !nvidiaCtk) {
    problems.push({
      ruleId: 'doctor/no-nvidia-runtime',
      severity: needed ? 'error' : 'warning',
      message: 'docker has no NVIDIA runtime: `docker run --gpus all` will fail',
      fix: 'install the NVIDIA Container Toolkit, then `sudo nvidia-ctk runtime configure --runtime=docker` and restart docker',
    });
  }
  return { docker: { version: parsed.ServerVersion ?? null, nvidiaRuntime, nvidiaCtk }, problems };
}

/** CUDA_HOME or LD_LIBRARY_PATH pointing at a system toolkit can shadow an environment's own libraries. */
export function environmentProblems(env: Readonly<Record<string, string | undefined>>): Problem[] {
  const problems: Problem[] = [];
  for (const name of ['CUDA_HOME', 'CUDA_PATH']) {
    const value = env[name];
    if (value) {
      problems.push({
        ruleId: 'doctor/cuda-home',
        severity: 'warning',
        message: `${name}=${value} points at a system CUDA toolkit; extensions built at run time compile against it, not the environment's CUDA`,
        fix: `unset ${name} when running the models (the environment carries its own CUDA libraries)`,
      });
    }
  }
  const cudaDirs = (env.LD_LIBRARY_PATH ?? '')
    .split(':')
    .filter((dir) => /cuda|cudnn|nvidia/i.test(dir));
  if (cudaDirs.length > 0) {
    problems.push({
      ruleId: 'doctor/ld-library-path',
      severity: 'warning',
      message: `LD_LIBRARY_PATH holds CUDA libraries (${cudaDirs.join(', ')}) that load before the environment's own and can break torch ("undefined symbol", a wrong cuDNN)`,
      fix: 'remove those folders from LD_LIBRARY_PATH when running the models',
    });
  }
  return problems;
}
