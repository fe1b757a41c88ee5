import type { DockerStage } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { programOf, runCommands } from './run-commands.js';
import type { ShellCommand } from './shell.js';
import { excerpt } from './stages.js';

const NON_POSIX = /^(pwsh|powershell|cmd)(\.exe)?$/i;

export const dkr020 = defineRule<'dockerfile'>({
  id: 'DKR020',
  name: 'pipe-without-pipefail',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A RUN pipes one command into another while the shell has no `-o pipefail`, so a failure before the pipe is ignored.',
  docs: [
    'A pipeline returns the status of its last command: in `curl -fsSL <url> | bash` a failed download gives bash',
    'an empty script, the RUN succeeds, and the image is built without the tool (hadolint **DL4006**).',
    '',
    'Not reported when an earlier `SHELL` of the stage (or of the stage it is built FROM) passes `-o pipefail`,',
    'when the RUN itself starts with `set -o pipefail` (e.g. `set -euo pipefail`), or for a non-POSIX shell.',
    '',
    'Fix: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (the image needs bash; on the micromamba',
    'image set `set -o pipefail` inside the RUN instead, since replacing its SHELL turns off activation), or download',
    'to a file, verify it, and run it.',
  ].join('\n'),
  aliases: ['DL4006'],
  check(context, report) {
    const safe = new Map<number, boolean>();
    for (const stage of context.stages) {
      let pipefail = inherited(stage, safe);
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'SHELL') pipefail = shellHasPipefail(instruction.args);
        if (instruction.keyword !== 'RUN' || pipefail) continue;
        const commands = runCommands(instruction);
        const pipe = commands.findIndex(
          (c, i) => c.next === '|' && !isCondition(c) && !endsInCheck(commands, i),
        );
        if (pipe < 0) continue;
        const setsPipefail = commands
          .slice(0, pipe)
          .some((c) => programOf(c) === 'set' && setPipefail(c.words));
        if (setsPipefail) continue;
        const command = commands[pipe];
        if (!command) continue;
        report({
          line: command.line,
          column: command.column,
          message: `\`${excerpt(command.text, 50)} | ${commands[pipe + 1]?.words[0] ?? '...'}\`: the pipe hides a failure of \`${programOf(command) ?? command.words[0]}\` because the shell has no -o pipefail`,
          fix: 'add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before this RUN, or start the RUN with `set -o pipefail &&`',
        });
      }
      safe.set(stage.index, pipefail);
    }
    return undefined;
  },
});

/** A stage built FROM an earlier stage keeps that stage's SHELL. */
/** Whether the stage this one is built FROM ended with a pipefail SHELL (SHELL carries over). */
function inherited(stage: DockerStage, safe: ReadonlyMap<number, boolean>): boolean {
  return stage.parent ? (safe.get(stage.parent.index) ?? false) : false;
}

function shellHasPipefail(args: string): boolean {
  let words: unknown;
  try {
    words = JSON.parse(args);
  } catch {
    return false;
  }
  if (!Array.isArray(words)) return false;
  const strings = words.map(String);
  const shell = strings[0]?.split(/[/\\]/).at(-1) ?? '';
  if (NON_POSIX.test(shell)) return true;
  // POSIX sh (dash on Debian) has no pipefail: `sh -o pipefail` fails or does nothing.
  if (shell === 'sh' || shell === 'dash') return false;
  return setPipefail(strings);
}

/** A pipeline that is the condition of `if`/`while`/`until` (or negated): its status is the test. */
function isCondition(command: ShellCommand): boolean {
  return ['if', 'elif', 'while', 'until', '!'].includes(command.words[0] ?? '');
}

/**
 * A pipeline whose last command checks what came in (`echo "$SHA  file" | sha256sum -c -`):
 * its failure is the pipeline's, pipefail or not.
 */
function endsInCheck(commands: readonly ShellCommand[], start: number): boolean {
  let last = start;
  while (commands[last]?.next === '|' && last + 1 < commands.length) last++;
  const words = commands[last]?.words ?? [];
  const program = words[0]?.split('/').at(-1) ?? '';
  return (
    /^(sha(1|224|256|384|512)sum|md5sum|b2sum|shasum)$/.test(program) &&
    words.some((w) => w === '-c' || w === '--check')
  );
}

function setPipefail(words: readonly string[]): boolean {
  return words.some((w, i) => /^-[a-zA-Z]*o$/.test(w) && words[i + 1] === 'pipefail');
}
