/**
 * What an image is made of, read across files: the CUDA version each part claims (base image
 * tag, environment file, wheel index), which environment files each stage copies and where to,
 * the stages a stage inherits from, and the packages whose licences travel with the image.
 * The cross-file rules (SPEC001, 003, 005, 006) share these readings so they agree.
 */
import { posix } from 'node:path';
import { cudaOfLabel, pytorchIndexLabel } from '../../../pytorch-wheels.js';
import type { CondaMatchSpec } from '../../../spec/package-entries.js';
import { environmentContext } from '../../contexts.js';
import type {
  DockerfileContext,
  DockerInstruction,
  DockerStage,
  EnvironmentContext,
} from '../../types.js';
import { packageArgs, SOLVE_VERBS } from '../dockerfile/conda-commands.js';
import { runCommands } from '../dockerfile/run-commands.js';
import { condaTool, condaVerb, type ShellCommand } from '../dockerfile/shell.js';
import { lineage, propertiesOf, rootImage } from '../dockerfile/stages.js';

/** `12.4` or, where only the major is known (`cuda-version>=12,<13`, `cuda12*`), `12`. */
export type Cuda = string;

export interface CudaClaim {
  cuda: Cuda;
  /** What says so, for messages: `pytorch-cuda=11.8`, `base image nvidia/cuda:12.4.1-runtime`. */
  what: string;
  line: number;
  column: number;
}

/** Whether two claims disagree: `major` across majors, `minor` within one, or not at all. */
export function cudaDrift(a: Cuda, b: Cuda): 'major' | 'minor' | undefined {
  const [majorA, minorA] = a.split('.');
  const [majorB, minorB] = b.split('.');
  if (majorA !== majorB) return 'major';
  if (minorA !== undefined && minorB !== undefined && minorA !== minorB) return 'minor';
  return undefined;
}

/** conda-forge build strings: `cuda126_py311h...` -> 12.6, `cuda12*` -> 12, `cuda*` -> none. */
function buildStringCuda(build: string): Cuda | undefined {
  const digits = /^cuda(\d+)/.exec(build)?.[1];
  if (!digits) return undefined;
  return digits.length <= 2 ? digits : cudaOfLabel(`cu${digits}`);
}

/**
 * The CUDA a conda version spec pins: `=12.4`, `12.4.*`, `==12.4.1` -> 12.4; a range within
 * one major (`>=12.0,<13`) -> 12; anything wider -> undefined.
 */
function condaVersionCuda(version: string): Cuda | undefined {
  const text = version.trim();
  const exact = /^(?:==?)?\s*(\d+)(?:\.(\d+))?(?:[.*]|$)/.exec(text);
  if (exact?.[1] && !/[<>,|]/.test(text)) {
    return exact[2] !== undefined ? `${exact[1]}.${exact[2]}` : exact[1];
  }
  const lower = /(?:^|,)\s*>=?\s*(\d+)/.exec(text)?.[1];
  const upper = /<=?\s*(\d+)(?:\.(\d+))?/.exec(text);
  if (!lower || /\|/.test(text)) return undefined;
  if (!upper?.[1]) return undefined;
  const upperMajor = Number(upper[1]);
  const sameMajor =
    upperMajor === Number(lower) ||
    (upperMajor === Number(lower) + 1 && (upper[2] === undefined || Number(upper[2]) === 0));
  return sameMajor ? lower : undefined;
}

/**
 * The CUDA a base image carries, from its tag: `nvidia/cuda:12.4.1-runtime-ubuntu22.04`,
 * `pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime`, `mambaorg/micromamba:jammy-cuda-12.1.1`.
 */
export function imageCuda(image: string): Cuda | undefined {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon < 0 || withoutDigest.slice(colon).includes('/')) return undefined;
  const repository = withoutDigest.slice(0, colon).toLowerCase();
  const tag = withoutDigest.slice(colon + 1);
  const version = /^(?:docker\.io\/|nvcr\.io\/)?nvidia\/cuda$/.test(repository)
    ? /^(\d+)\.(\d+)/.exec(tag)
    : /(?:^|[-_])cuda-?(\d+)\.(\d+)/i.exec(tag);
  return version ? `${version[1]}.${version[2]}` : undefined;
}

/** The CUDA each entry of an environment file asks for, at its line in that file. */
export function environmentCudaClaims(env: EnvironmentContext): CudaClaim[] {
  const claims: CudaClaim[] = [];
  const at = (line: number, column: number, what: string, cuda: Cuda | undefined): void => {
    if (cuda) claims.push({ cuda, what: `${what} (${env.file}:${line})`, line, column });
  };
  for (const channel of env.channels) {
    const label = /^nvidia\/label\/cuda-(\d+\.\d+)/.exec(channel.name)?.[1];
    at(channel.line, channel.column, `channel ${channel.name}`, label);
  }
  for (const dep of env.dependencies) {
    if (dep.kind === 'pip') {
      const index = pytorchIndexLabel(dep.text);
      if (index?.startsWith('cu'))
        at(dep.line, dep.column, `wheel index ${dep.text}`, cudaOfLabel(index));
      const local = /^(torch|torchvision|torchaudio)\b.*\+(cu\d+)\b/i.exec(dep.text)?.[2];
      if (local) at(dep.line, dep.column, dep.text, cudaOfLabel(local));
      continue;
    }
    if (dep.conda) at(dep.line, dep.column, dep.text, condaSpecCuda(dep.conda));
  }
  return claims;
}

/** The CUDA one conda match spec asks for (`pytorch-cuda=11.8`, `pytorch=2.5.1=cuda124*`). */
export function condaSpecCuda(spec: CondaMatchSpec): Cuda | undefined {
  if (CUDA_PINS.has(spec.name)) return spec.version ? condaVersionCuda(spec.version) : undefined;
  if ((spec.name === 'pytorch' || spec.name === 'pytorch-gpu') && spec.build) {
    return buildStringCuda(spec.build);
  }
  return undefined;
}

/** Packages whose version is the CUDA version itself. */
const CUDA_PINS = new Set([
  'cuda-version',
  'pytorch-cuda',
  'cudatoolkit',
  'cuda-toolkit',
  'cuda-runtime',
]);

/** Whether a conda match spec pulls CUDA packages into a solve (and so cares about `__cuda`). */
export function isCudaCondaSpec(name: string, build: string | undefined): boolean {
  return (
    CUDA_PINS.has(name) ||
    name === 'pytorch-gpu' ||
    name === 'cudnn' ||
    name.startsWith('cuda-') ||
    (/^(pytorch|torchvision|torchaudio)$/.test(name) && /^cuda/.test(build ?? ''))
  );
}

/** Whether the conda part of an environment file is a GPU solve. */
export function isGpuEnvironment(env: EnvironmentContext): boolean {
  return (
    env.channels.some((c) => c.name === 'nvidia' || c.name.startsWith('nvidia/')) ||
    env.dependencies.some(
      (d) => d.kind === 'conda' && d.conda && isCudaCondaSpec(d.conda.name, d.conda.build),
    )
  );
}

/** An environment file a Dockerfile copies: the COPY, its stage and the path in the image. */
export interface EnvironmentCopy {
  env: EnvironmentContext;
  instruction: DockerInstruction;
  stage: DockerStage;
  destination: string;
}

/** Source and destination words of a COPY/ADD, without its flags (shell or JSON form). */
function copyWords(instruction: DockerInstruction): string[] {
  if (instruction.args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(instruction.args);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: read it as words.
    }
  }
  return instruction.args.split(/\s+/).filter((word) => word && !word.startsWith('--'));
}

/** Each Dockerfile's environment copies, found once: rules ask for them for every solve. */
const copiesOf = new WeakMap<DockerfileContext, readonly EnvironmentCopy[]>();
const lineageCopies = new WeakMap<DockerStage, readonly EnvironmentCopy[]>();

export function environmentCopies(ctx: DockerfileContext): readonly EnvironmentCopy[] {
  let copies = copiesOf.get(ctx);
  if (!copies) {
    copies = findEnvironmentCopies(ctx);
    copiesOf.set(ctx, copies);
  }
  return copies;
}

/** The environment copies made in a stage or the stages it is built on (once per stage). */
export function copiesInLineage(
  ctx: DockerfileContext,
  stage: DockerStage,
): readonly EnvironmentCopy[] {
  let copies = lineageCopies.get(stage);
  if (!copies) {
    const chain = new Set(lineage(stage));
    copies = environmentCopies(ctx).filter((c) => chain.has(c.stage));
    lineageCopies.set(stage, copies);
  }
  return copies;
}

function findEnvironmentCopies(ctx: DockerfileContext): EnvironmentCopy[] {
  const dir = posix.dirname(ctx.file);
  const copies: EnvironmentCopy[] = [];
  for (const stage of ctx.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
      if (instruction.flags.some((flag) => flag.name === 'from')) continue;
      const words = copyWords(instruction);
      const target = words.at(-1);
      const sources = words.slice(0, -1);
      if (!target) continue;
      const destination = posix.resolve(workdirAt(ctx, stage, instruction.line), target);
      const intoFolder = /(^|\/)\.{0,2}$/.test(target) || sources.length > 1;
      for (const source of sources) {
        if (/^\.\/?$/.test(source)) {
          copies.push(...contextCopies(ctx, stage, instruction, destination));
          continue;
        }
        const paths = [posix.normalize(source), posix.join(dir, source)];
        const env = ctx.environments.find((e) => paths.includes(e.file));
        if (!env) continue;
        copies.push({
          env,
          instruction,
          stage,
          destination: intoFolder ? posix.join(destination, posix.basename(source)) : destination,
        });
      }
    }
  }
  return copies;
}

/**
 * `COPY . /app` brings in every file: the environment files that matter are the ones a later
 * solve reads (`conda env create -f environment.yml`), looked up in the project by that path.
 */
function contextCopies(
  ctx: DockerfileContext,
  stage: DockerStage,
  copy: DockerInstruction,
  destination: string,
): EnvironmentCopy[] {
  const found: EnvironmentCopy[] = [];
  for (const later of ctx.stages.filter((s) => lineage(s).includes(stage))) {
    for (const run of later.instructions.filter((i) => i.line > copy.line)) {
      for (const command of runCommands(run).filter(isSolve)) {
        const file = solveFile(command);
        if (!file || !/\.ya?ml$/.test(file)) continue;
        const inImage = posix.resolve(workdirAt(ctx, later, run.line), file);
        const relative = posix.relative(destination, inImage);
        if (relative.startsWith('..') || found.some((c) => c.destination === inImage)) continue;
        for (const path of [relative, posix.join(posix.dirname(ctx.file), relative)]) {
          const text = ctx.project.text(path);
          const parsed =
            text === undefined ? undefined : environmentContext(path, text, ctx.project);
          if (!parsed?.ok || !Array.isArray(parsed.context.value.dependencies)) continue;
          found.push({ env: parsed.context, instruction: copy, stage, destination: inImage });
          break;
        }
      }
    }
  }
  return found;
}

/** The working directory at a line of a stage (WORKDIR, relative ones joined), `/` by default. */
export function workdirAt(_ctx: DockerfileContext, stage: DockerStage, line: number): string {
  const changes = workdirChanges(stage);
  // The last change before `line` (binary search: lines ascend).
  let low = 0;
  let high = changes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((changes[middle]?.[0] ?? 0) < line) low = middle + 1;
    else high = middle;
  }
  return changes[low - 1]?.[1] ?? startWorkdir(stage);
}

/** Each stage's WORKDIRs as `[line, working directory after it]`, and where the stage ends. */
const workdirs = new WeakMap<DockerStage, { changes: [number, string][]; end: string }>();

function workdirChanges(stage: DockerStage): [number, string][] {
  return stageWorkdirs(stage).changes;
}

/** The working directory a stage starts in: where the stage it is built on ended, or `/`. */
function startWorkdir(stage: DockerStage): string {
  const chain = lineage(stage);
  const parent = chain.at(-2);
  return parent ? stageWorkdirs(parent).end : '/';
}

function stageWorkdirs(stage: DockerStage): { changes: [number, string][]; end: string } {
  const known = workdirs.get(stage);
  if (known) return known;
  // From the root of the chain down, each stage from its parent's end (no recursion: chains may be long).
  let end = '/';
  for (const current of lineage(stage)) {
    const done = workdirs.get(current);
    if (done) {
      end = done.end;
      continue;
    }
    const changes: [number, string][] = [];
    for (const instruction of current.instructions) {
      if (instruction.keyword === 'WORKDIR' && instruction.args) {
        end = posix.resolve(end, instruction.args.replace(/^["']|["']$/g, ''));
        changes.push([instruction.line, end]);
      }
    }
    workdirs.set(current, { changes, end });
  }
  return workdirs.get(stage) as { changes: [number, string][]; end: string };
}

/** `ENV`/`ARG` name-value pairs of one instruction. */
export function assignments(
  instruction: DockerInstruction,
): readonly { name: string; value: string | null }[] {
  return instruction.keyword === 'ENV' || instruction.keyword === 'ARG'
    ? propertiesOf(instruction)
    : [];
}

/** The image a chain of stages finally starts from, as written with ARG defaults expanded. */
export function rootImageText(ctx: DockerfileContext, stage: DockerStage): string {
  return rootImage(ctx, stage).image.text;
}

/** conda/mamba/micromamba commands that solve an environment (`upgrade` included). */
export function isSolve(command: ShellCommand): boolean {
  return SOLVE_VERBS.has(condaVerb(command) ?? '');
}

/**
 * The value of an option (`-f x`, `--file=x`) of a command, the first given (launch.ts's
 * `optionValue` reads a server's options as the server does: the last given).
 */
export function firstOptionValue(
  command: ShellCommand,
  names: readonly string[],
): string | undefined {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    for (const name of names) {
      if (word === name) return words[i + 1];
      if (name.startsWith('--') && word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
  }
  return undefined;
}

/** The package specs named on a conda command line (`conda install pytorch-cuda=12.1 ...`). */
export function commandSpecs(command: ShellCommand): string[] {
  return condaTool(command) ? packageArgs(command) : [];
}

/** The file a solve reads: `-f x`, or `environment.yml` for a bare `conda env create`. */
export function solveFile(command: ShellCommand): string | undefined {
  const file = firstOptionValue(command, ['-f', '--file']);
  return file ?? (condaVerb(command) === 'env create' ? 'environment.yml' : undefined);
}

/** The environment file a solve reads (`-f /tmp/environment.yml`), among those copied. */
export function solvedEnvironment(
  file: string | undefined,
  copies: readonly EnvironmentCopy[],
  workdir = '/',
): EnvironmentCopy | undefined {
  if (!file) return undefined;
  const path = posix.resolve(workdir, file);
  return (
    copies.find((c) => c.destination === path) ??
    copies.find((c) => posix.basename(c.destination) === posix.basename(file))
  );
}
