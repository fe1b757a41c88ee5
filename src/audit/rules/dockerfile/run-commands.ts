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

/** The words of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execWords(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((w) => typeof w === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The script of an exec-form shell: `["bash", "-c", script]`, `["/bin/bash", "-lc", script]`,
 * `["sh", "-e", "-c", script]`; undefined when the words run no shell.
 */
export function shellScript(words: readonly string[]): string | undefined {
  const [program] = words;
  if (!program || !SHELLS.has(basename(program))) return undefined;
  const flag = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
  return flag > 0 ? words[flag + 1] : undefined;
}

/** The shell script a RUN executes; undefined for an exec-form RUN that runs no shell. */
export function runScript(instruction: DockerInstruction): string | undefined {
  const content = (instruction.raw.getArgumentsContent() ?? '').trim();
  if (content.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      // Not JSON: the shell form that happens to start with `[` (`[ -f x ] && ...`).
      return stripComments(content);
    }
    const words = execWords(content);
    if (words === undefined || !Array.isArray(parsed)) return undefined;
    const script = shellScript(words);
    if (script !== undefined) return stripComments(script);
    // No shell: the words are one command, quoted so that the splitter keeps them whole.
    return words.map((w) => `'${w.replaceAll("'", '')}'`).join(' ');
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
  if (instruction.keyword !== 'RUN') return [];
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
export function stripComments(script: string): string {
  // Most scripts hold no `#` at all: nothing to drop.
  if (!script.includes('#')) return script;
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
