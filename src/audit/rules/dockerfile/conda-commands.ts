/**
 * conda commands in a Dockerfile: what a CMD or ENTRYPOINT executes (a RUN's commands come from
 * run-commands.ts, the one reader of RUN bodies), and the parts of a conda command rules ask
 * about: its options, package arguments, channels, solving verbs, and the variables around it.
 */
import type { DockerfileContext, DockerInstruction, DockerStage } from '../../types.js';
import {
  execWords,
  type LocatedCommand,
  mountTargets,
  runCommands,
  shellScript,
} from './run-commands.js';
import { commandsOf, condaTool, condaVerb, type ShellCommand } from './shell.js';
import { propertiesOf, unknownAncestors } from './stages.js';

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
  for (const instruction of instructions) addVariables(found, instruction);
  return found;
}

/** What each stage's ENV and ARG instructions (and those of the stages it is built on) set. */
const stageVariables = new WeakMap<DockerStage, ReadonlyMap<string, string | undefined>>();

/**
 * The variables set by the stages a stage is built on, before its own instructions: computed
 * once per stage from its parent's, so a long chain of stages is not walked for every stage.
 */
export function inheritedVariables(stage: DockerStage): Map<string, string | undefined> {
  return new Map(ancestorVariables(stage));
}

function ancestorVariables(stage: DockerStage): ReadonlyMap<string, string | undefined> {
  // Up the chain to the first stage already known (or the root), then down computing each.
  const { unknown, known } = unknownAncestors(stage, (s) => stageVariables.has(s));
  let found = (known && stageVariables.get(known)) || new Map<string, string | undefined>();
  for (const ancestor of unknown.reverse()) {
    const next = new Map(found);
    for (const instruction of ancestor.instructions) addVariables(next, instruction);
    stageVariables.set(ancestor, next);
    found = next;
  }
  return found;
}

/** Each stage's own ENV/ARG assignments by name, in order: `[line, value]`. */
const ownAssignments = new WeakMap<DockerStage, Map<string, [number, string | undefined][]>>();

/**
 * The value `name` has just before `line` in `stage`: its last ENV or ARG before that line, else
 * what the stages it is built on left. A lookup, not a walk over the instructions before.
 */
export function variableBefore(stage: DockerStage, name: string, line: number): string | undefined {
  let own = ownAssignments.get(stage);
  if (!own) {
    own = new Map();
    for (const instruction of stage.instructions) {
      const values = new Map<string, string | undefined>();
      addVariables(values, instruction);
      for (const [key, value] of values) {
        const list = own.get(key) ?? [];
        list.push([instruction.line, value]);
        own.set(key, list);
      }
    }
    ownAssignments.set(stage, own);
  }
  const list = own.get(name) ?? [];
  // The last assignment before `line` (binary search: lines ascend).
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle]?.[0] ?? 0) < line) low = middle + 1;
    else high = middle;
  }
  const last = list[low - 1];
  return last ? last[1] : ancestorVariables(stage).get(name);
}

/** A command of a RUN, with its RUN and its index among the RUN's commands. */
export interface CommandAt {
  run: DockerInstruction;
  index: number;
  command: ShellCommand;
}

const firstMatches = new WeakMap<
  (command: ShellCommand) => boolean,
  WeakMap<DockerStage, CommandAt | null>
>();

/**
 * The first command that `matches` in a stage's lineage (the stages it is built on, then its
 * own RUNs, in order). Computed once per stage and predicate (a module-level function), each
 * stage from its parent's answer: rules ask it for every solve.
 */
export function firstCommand(
  context: DockerfileContext,
  stage: DockerStage,
  matches: (command: ShellCommand) => boolean,
): CommandAt | undefined {
  let memo = firstMatches.get(matches);
  if (!memo) {
    memo = new WeakMap();
    firstMatches.set(matches, memo);
  }
  if (memo.has(stage)) return memo.get(stage) ?? undefined;
  const { unknown: above, known } = unknownAncestors(stage, (s) => memo.has(s));
  const unknown = [stage, ...above];
  let found: CommandAt | null = known ? (memo.get(known) ?? null) : null;
  for (const current of unknown.reverse()) {
    if (!found && !memo.has(current)) {
      for (const run of current.instructions) {
        if (run.keyword !== 'RUN' || found) continue;
        const index = commandsIn(context, run).findIndex(matches);
        const command = commandsIn(context, run)[index];
        if (command) found = { run, index, command };
      }
    }
    if (!memo.has(current)) memo.set(current, found);
    found = memo.get(current) ?? null;
  }
  return found ?? undefined;
}

/** Whether `found` comes before the command `index` of `run` (in the order of the lineage). */
export function comesBefore(
  found: CommandAt | undefined,
  run: DockerInstruction,
  index: number,
): boolean {
  if (!found) return false;
  return found.run === run ? found.index < index : found.run.line < run.line;
}

/** Adds what an ENV or ARG sets to `found` (later values win); other instructions set nothing. */
export function addVariables(
  found: Map<string, string | undefined>,
  instruction: DockerInstruction,
): void {
  if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') return;
  for (const property of propertiesOf(instruction)) {
    found.set(property.name, property.value?.replace(/^(["'])(.*)\1$/, '$2') ?? undefined);
  }
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
