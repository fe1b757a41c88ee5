/**
 * RUN bodies as shell commands with positions: the exec form, heredoc scripts
 * and comment lines inside continuations are reduced to the script the shell really runs, and each
 * command is pinned to the line and column where it starts, so findings point inside long RUNs.
 */
import type { DockerInstruction } from '../../types.js';
import { commandsOf, type ShellCommand } from './shell.js';

export interface LocatedCommand extends ShellCommand {
  line: number;
  column: number;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);

/** The shell script a RUN executes; undefined for an exec-form RUN that runs no shell. */
export function runScript(instruction: DockerInstruction): string | undefined {
  const content = (instruction.raw.getArgumentsContent() ?? '').trim();
  if (content.startsWith('[')) {
    let words: unknown;
    try {
      words = JSON.parse(content);
    } catch {
      return stripComments(content);
    }
    if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) return undefined;
    const [program, flag, script] = words as string[];
    if (program && SHELLS.has(basename(program)) && flag === '-c' && script !== undefined) {
      return stripComments(script);
    }
    // No shell: the words are one command, quoted so that the splitter keeps them whole.
    return (words as string[]).map((w) => `'${w.replaceAll("'", '')}'`).join(' ');
  }
  if (content.startsWith('<<')) {
    // `RUN <<EOF` (or `<<EOF bash`) runs the heredoc body as a script; `<<EOF python3` does not.
    const [first = '', ...rest] = content.split('\n');
    const after = first.replace(/^<<-?\s*["']?[\w.-]+["']?/, '').trim();
    if (after && !SHELLS.has(basename(after.split(/\s+/)[0] ?? ''))) return '';
    const marker = /^<<-?\s*["']?([\w.-]+)/.exec(first)?.[1];
    const end = rest.findIndex((line) => line.trim() === marker);
    return stripComments((end < 0 ? rest : rest.slice(0, end)).join('\n'));
  }
  // A heredoc fed to a command is data for that command, not shell.
  const heredoc = /<<-?\s*["']?[\w.-]+/.exec(content);
  return stripComments(
    heredoc ? (content.slice(0, heredoc.index).split('\n').at(-1) ?? '') : content,
  );
}

/** The commands of a RUN, each with the position of its first word in the file. */
/** Commands per instruction: several rules ask for the same RUN's commands. */
const runCache = new WeakMap<DockerInstruction, LocatedCommand[]>();

export function runCommands(instruction: DockerInstruction): LocatedCommand[] {
  const cached = runCache.get(instruction);
  if (cached) return cached;
  const commands = locateRunCommands(instruction);
  runCache.set(instruction, commands);
  return commands;
}

function locateRunCommands(instruction: DockerInstruction): LocatedCommand[] {
  const script = runScript(instruction);
  if (!script) return [];
  const args = instruction.raw.getArguments();
  let next = 0;
  return commandsOf(script).map((command) => {
    const first = command.words[0] ?? '';
    let position = { line: instruction.line, column: instruction.column };
    for (let k = next; k < args.length; k++) {
      const value = args[k]?.getValue() ?? '';
      const at = value.indexOf(first);
      if (at < 0) continue;
      const start = args[k]?.getRange().start;
      if (start) position = { line: start.line + 1, column: start.character + 1 + at };
      next = k + Math.max(1, command.words.length);
      break;
    }
    return { ...command, ...position };
  });
}

/** The program a command runs: the first word that is not a `NAME=value` assignment, by basename. */
export function programOf(command: ShellCommand): string {
  return basename(command.words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? '');
}

export function basename(word: string): string {
  return word.split('/').at(-1) ?? word;
}

/** Targets of this RUN's `--mount`s of the given types (`cache`, `tmpfs`, `bind`...). */
export function mountTargets(instruction: DockerInstruction, types: readonly string[]): string[] {
  return instruction.flags
    .filter((flag) => flag.name === 'mount')
    .flatMap((flag) => {
      const options = new Map(
        flag.value.split(',').map((pair) => {
          const [key = '', value = ''] = pair.split('=', 2);
          return [key.trim().toLowerCase(), value.trim()] as const;
        }),
      );
      const type = options.get('type') || 'bind';
      const target = options.get('target') ?? options.get('dst') ?? options.get('destination');
      return types.includes(type) && target ? [target] : [];
    });
}

/** Drops shell comments (`#` starting a word, outside quotes) up to the end of their line. */
function stripComments(script: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    if (ch === '#' && (i === 0 || /\s/.test(script[i - 1] ?? ''))) {
      while (i < script.length && script[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += ch;
  }
  return out;
}
