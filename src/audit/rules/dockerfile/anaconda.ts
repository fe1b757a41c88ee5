/**
 * Where Anaconda's repository enters a build: an Anaconda base image or installer (whose
 * .condarc lists `defaults`), and the conda solves that reach `defaults`/`main`/`r` or
 * repo.anaconda.com, named or implicitly. Shared by DKR001 (the base) and DKR002 (the ToS).
 */
import { posix } from 'node:path';
import { isAnacondaChannel } from '../../../conda-channels.js';
import type {
  DockerfileContext,
  DockerInstruction,
  DockerStage,
  EnvironmentContext,
} from '../../types.js';
import {
  comesBefore,
  commandChannels,
  commandsIn,
  environmentFileArg,
  firstCommand,
  hasOption,
  SOLVE_VERBS,
} from './conda-commands.js';
import type { LocatedCommand } from './run-commands.js';
import { condaTool, condaVerb, type ShellCommand } from './shell.js';
import { imageColumn, lineage, rootImage } from './stages.js';

const ANACONDA_IMAGES = new Set([
  'continuumio/miniconda3',
  'continuumio/miniconda',
  'continuumio/anaconda3',
  'continuumio/anaconda',
  'anaconda/miniconda',
  'anaconda/anaconda3',
]);
const INSTALLER = /(^|\/)(Miniconda|Anaconda)3?-[^\s/]*\.sh\b/;

/** Where a stage gets an Anaconda distribution: its base image, or an installer a RUN downloads. */
export interface AnacondaOrigin {
  kind: 'image' | 'installer';
  instruction: DockerInstruction;
  /** What it is, for messages. */
  what: string;
  /** Where: the image on its FROM, or the command of a RUN that downloads the installer. */
  line: number;
  column: number;
}

/** Each stage's origin, found once: rules ask for it for every solve. */
const origins = new WeakMap<DockerStage, AnacondaOrigin | null>();

export function anacondaOrigin(
  context: DockerfileContext,
  stage: DockerStage,
): AnacondaOrigin | undefined {
  let origin = origins.get(stage);
  if (origin === undefined) {
    origin = findOrigin(context, stage) ?? null;
    origins.set(stage, origin);
  }
  return origin ?? undefined;
}

function findOrigin(context: DockerfileContext, stage: DockerStage): AnacondaOrigin | undefined {
  const { image, from } = rootImage(context, stage);
  // A mirror of Anaconda's image (`mirror.corp/continuumio/miniconda3`) still brings `defaults`.
  if (ANACONDA_IMAGES.has(image.repository)) {
    return {
      kind: 'image',
      instruction: from,
      what: image.text,
      line: from.line,
      column: imageColumn(from),
    };
  }
  for (const instruction of lineage(stage).flatMap((s) => s.instructions)) {
    if (instruction.keyword !== 'RUN' && instruction.keyword !== 'ADD') continue;
    const match = INSTALLER.exec(instruction.args);
    if (!match) continue;
    // In a RUN, the command that downloads it (`curl -fsSLO …/Miniconda3-…sh`); an ADD itself.
    const download =
      instruction.keyword === 'RUN'
        ? commandsIn(context, instruction).find((c) => INSTALLER.test(c.text))
        : undefined;
    return {
      kind: 'installer',
      instruction,
      what: match[0].replace(/^\//, ''),
      line: download?.line ?? instruction.line,
      column: download?.column ?? instruction.column,
    };
  }
  return undefined;
}

export interface Solve {
  run: DockerInstruction;
  command: LocatedCommand;
  /** Its position among the commands of the RUN. */
  index: number;
  line: number;
  column: number;
}

/** The conda/mamba/micromamba commands of a stage that solve and download packages. */
export function solvesIn(context: DockerfileContext, stage: DockerStage): Solve[] {
  return stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((run) =>
      commandsIn(context, run)
        .map((command, index) => ({
          run,
          command,
          index,
          line: command.line,
          column: command.column,
        }))
        .filter((solve) => SOLVE_VERBS.has(condaVerb(solve.command) ?? '')),
    );
}

/**
 * Whether a solve reaches Anaconda's channels: `named` (a `-c defaults`, `main::pkg`, or an
 * environment file listing them), `implicit` (the image's .condarc `defaults` joins the solve),
 * `unknown` (it reads an environment file audit cannot see, on an Anaconda base), or `no`.
 */
export function anacondaUse(
  context: DockerfileContext,
  stage: DockerStage,
  solve: Solve,
): { use: 'named' | 'implicit' | 'unknown' | 'no'; channel?: string } {
  const named = commandChannels(solve.command).find(isAnacondaChannel);
  if (named) return { use: 'named', channel: named };
  const fileArg = environmentFileArg(solve.command);
  const environment = fileArg ? environmentFor(context, stage, fileArg) : undefined;
  const listed = environment?.channels.find((c) => isAnacondaChannel(c.name));
  if (listed) return { use: 'named', channel: `${listed.name} (in ${environment?.file})` };
  if (!anacondaOrigin(context, stage)) return { use: 'no' };
  if (hasOption(solve.command, ['override-channels']) || defaultsRemoved(context, stage, solve))
    return { use: 'no' };
  if (fileArg) {
    if (!environment) return { use: 'unknown' };
    if (environment.channels.some((c) => c.name === 'nodefaults')) return { use: 'no' };
  }
  return { use: 'implicit' };
}

/** `conda config --remove channels defaults` (or `--remove-key channels`) before the solve. */
function defaultsRemoved(context: DockerfileContext, stage: DockerStage, solve: Solve): boolean {
  return comesBefore(firstCommand(context, stage, removesDefaults), solve.run, solve.index);
}

function removesDefaults(command: ShellCommand): boolean {
  return (
    Boolean(condaTool(command)) &&
    /\bconfig\b.*--remove(-key)? channels( defaults)?\b/.test(command.words.join(' '))
  );
}

/**
 * The environment file (one the Dockerfile COPYs, parsed) a solve reads at `path` inside the
 * image: through the COPY that puts it there, else by file name when only one matches.
 */
function environmentFor(
  context: DockerfileContext,
  stage: DockerStage,
  path: string,
): EnvironmentContext | undefined {
  const dir = posix.dirname(context.file);
  const byFile = (source: string) =>
    context.environments.find(
      (e) => e.file === posix.normalize(source) || e.file === posix.join(dir, source),
    );
  for (const copy of lineage(stage).flatMap((s) => s.instructions)) {
    if (
      (copy.keyword !== 'COPY' && copy.keyword !== 'ADD') ||
      copy.flags.some((f) => f.name === 'from')
    )
      continue;
    const words = copy.args.split(/\s+/);
    const dest = words.at(-1) ?? '';
    for (const source of words.slice(0, -1)) {
      const found = byFile(source);
      if (
        found &&
        (dest === path || posix.join(dest, posix.basename(source)) === posix.normalize(path))
      )
        return found;
    }
  }
  const sameName = context.environments.filter(
    (e) => posix.basename(e.file) === posix.basename(path),
  );
  return sameName.length === 1 ? sameName[0] : undefined;
}
