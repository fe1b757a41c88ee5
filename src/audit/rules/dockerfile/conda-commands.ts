/**
 * conda commands in a Dockerfile: what a CMD or ENTRYPOINT executes (a RUN's commands come from
 * run-commands.ts, the one reader of RUN bodies), and the parts of a conda command rules ask
 * about: its options, package arguments, channels, solving verbs, and the variables around it.
 */
import type { DockerfileContext, DockerInstruction } from '../../types.js';
import {
  execWords,
  type LocatedCommand,
  mountTargets,
  runCommands,
  shellScript,
} from './run-commands.js';
import { commandsOf, condaTool, condaVerb, type ShellCommand } from './shell.js';
import { propertiesOf } from './stages.js';

/** The shell text an instruction runs (RUN, CMD, ENTRYPOINT). */
export function scriptOf(context: DockerfileContext, instruction: DockerInstruction): string {
  const words = execWords(instruction.args);
  if (words)
    return shellScript(words) ?? words.map((w) => (/[\s;&|]/.test(w) ? `'${w}'` : w)).join(' ');
  const heredocs =
    (instruction.raw as unknown as { getHeredocs?: () => HeredocLike[] }).getHeredocs?.() ?? [];
  if (heredocs.length === 0) return instruction.args;
  // `RUN <<EOF` runs the body; `RUN python <<EOF` feeds it to a program, so only line one is shell.
  if (instruction.args.startsWith('<<')) {
    return heredocs
      .map((h) => h.getContentRange())
      .filter((r): r is RangeLike => r !== null)
      .map((r) => context.lines.slice(r.start.line, r.end.line + 1).join('\n'))
      .join('\n');
  }
  const first = context.lines[instruction.line - 1] ?? '';
  return first
    .replace(/^\s*\S+\s+/, '')
    .replace(/^(--\S+\s+)*/, '')
    .replace(/\\\s*$/, '');
}

interface RangeLike {
  start: { line: number };
  end: { line: number };
}
interface HeredocLike {
  getContentRange(): RangeLike | null;
}

/** The commands an instruction runs, each with the line it starts on. */
/** Commands per instruction: a dozen rules ask for the same RUN's commands. */
const commandsCache = new WeakMap<DockerInstruction, LocatedCommand[]>();

export function commandsIn(
  context: DockerfileContext,
  instruction: DockerInstruction,
): LocatedCommand[] {
  // A RUN has one reader (b-run): exec form, heredocs and comment lines read as the shell does.
  if (instruction.keyword === 'RUN') return runCommands(instruction);
  const cached = commandsCache.get(instruction);
  if (cached) return cached;
  const commands = locateCommands(context, instruction);
  commandsCache.set(instruction, commands);
  return commands;
}

function locateCommands(
  context: DockerfileContext,
  instruction: DockerInstruction,
): LocatedCommand[] {
  // The instruction's lines with continuations joined and whitespace collapsed, and the line of each character.
  let flat = '';
  const lineOf: number[] = [];
  for (let line = instruction.line; line <= instruction.endLine; line++) {
    const text = (context.lines[line - 1] ?? '').replace(/\\\s*$/, ' ');
    for (const ch of `${text} `) {
      if (/\s/.test(ch) && flat.endsWith(' ')) continue;
      flat += /\s/.test(ch) ? ' ' : ch;
      lineOf.push(line);
    }
  }
  let cursor = 0;
  return commandsOf(scriptOf(context, instruction)).map((command) => {
    const probe = command.text.replaceAll(/\s+/g, ' ');
    const at = flat.indexOf(probe, cursor);
    if (at >= 0) cursor = at + probe.length;
    const line = at >= 0 ? (lineOf[at] ?? instruction.line) : instruction.line;
    return { ...command, line, column: line === instruction.line ? instruction.column : 1 };
  });
}

/** The words after the conda tool (`conda install -y x` -> `install -y x`). */
function toolArgs(command: ShellCommand): string[] {
  const at = command.words.findIndex((w) => condaTool({ words: [w], text: w, next: null }));
  return at < 0 ? [] : command.words.slice(at + 1);
}

/** Whether a command has `--long` (or `--long=...`) or the short letter, alone or in a cluster (`-afy`). */
export function hasOption(command: ShellCommand, long: readonly string[], short?: string): boolean {
  return command.words.some(
    (w) =>
      long.some((l) => w === `--${l}` || w.startsWith(`--${l}=`)) ||
      (short !== undefined && /^-[A-Za-z]+$/.test(w) && w.slice(1).includes(short)),
  );
}

/** Options of conda, mamba and micromamba that take a value (`-n env`, `--channel x`). */
const VALUE_OPTIONS = new Set([
  '-n',
  '--name',
  '-p',
  '--prefix',
  '-c',
  '--channel',
  '-f',
  '--file',
  '--repodata-fn',
  '--platform',
  '--subdir',
  '--solver',
  '--experimental-solver',
  '--clone',
  '--revision',
  '-r',
  '--root-prefix',
  '--rc-file',
  '--category',
  '--log-level',
  '--channel-alias',
  '--cacert-path',
  '--env',
]);

/** The package arguments of a conda command (after its verb, options and their values skipped). */
export function packageArgs(command: ShellCommand): string[] {
  const args = toolArgs(command);
  const verb = condaVerb(command) ?? '';
  const packages: string[] = [];
  let verbWords = verb.split(' ').length;
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word.startsWith('-')) {
      if (VALUE_OPTIONS.has(word)) i++;
      continue;
    }
    if (verbWords > 0) {
      verbWords--;
      continue;
    }
    packages.push(word);
  }
  return packages;
}

/** The channels a conda command line names (as written), with `-c`/`--channel` and `channel::pkg`. */
export function commandChannels(command: ShellCommand): string[] {
  const words = toolArgs(command);
  const channels: string[] = [];
  words.forEach((word, i) => {
    if ((word === '-c' || word === '--channel') && words[i + 1])
      channels.push(words[i + 1] as string);
    else if (word.startsWith('--channel=')) channels.push(word.slice('--channel='.length));
    else if (/^-c\S/.test(word)) channels.push(word.slice(2));
  });
  for (const pkg of packageArgs(command)) {
    const at = pkg.indexOf('::');
    if (at > 0) channels.push(pkg.slice(0, at));
  }
  return channels;
}

/** The YAML environment file a command reads (`-f`/`--file x.yml`; `conda env create` defaults to environment.yml). */
export function environmentFileArg(command: ShellCommand): string | undefined {
  const words = toolArgs(command);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const value =
      word === '-f' || word === '--file'
        ? words[i + 1]
        : word.startsWith('--file=')
          ? word.slice(7)
          : undefined;
    if (value && /\.ya?ml$/.test(value)) return value;
  }
  const verb = condaVerb(command);
  if ((verb === 'env create' || verb === 'env update') && !hasOption(command, ['file'], 'f'))
    return 'environment.yml';
  return undefined;
}

/** The verbs that run the solver and download packages. */
export const SOLVE_VERBS = new Set([
  'install',
  'create',
  'update',
  'upgrade',
  'env create',
  'env update',
]);

/** Cache-mount targets of a RUN (`--mount=type=cache,target=/opt/conda/pkgs`). */
export function cacheMountTargets(instruction: DockerInstruction): string[] {
  return mountTargets(instruction, ['cache']).map((t) => t.replace(/\/+$/, ''));
}

/** Variables set by ENV and ARG instructions, in order (the last one wins), quotes stripped. */
export function variables(
  instructions: readonly DockerInstruction[],
): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const instruction of instructions) {
    if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
    for (const property of propertiesOf(instruction)) {
      found.set(property.name, property.value?.replace(/^(["'])(.*)\1$/, '$2') ?? undefined);
    }
  }
  return found;
}

/** Assignments in front of a command (`CONDA_ALWAYS_YES=1 conda install ...`). */
export function inlineAssignments(command: ShellCommand): Map<string, string> {
  const found = new Map<string, string>();
  for (const word of command.words) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    if (!match) break;
    found.set(match[1] as string, match[2] as string);
  }
  return found;
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^["']?(1|true|yes|on)["']?$/i.test(value.trim());
}
