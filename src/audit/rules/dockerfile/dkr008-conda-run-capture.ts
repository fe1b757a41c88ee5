import { defineRule } from '../define-rule.js';
import { scriptOf } from './conda-commands.js';
import { rewriteEdit } from './edits.js';
import { commandsOf } from './shell.js';

const FLAGS = ['--no-capture-output', '--live-stream'];

/** Whether some `conda run` in a script lacks --no-capture-output (or its alias --live-stream). */
function capturing(script: string): boolean {
  return commandsOf(script).some((command) => {
    const at = command.words.findIndex(
      (w, i) => w.split('/').at(-1) === 'conda' && command.words[i + 1] === 'run',
    );
    return at >= 0 && !command.words.slice(at + 2).some((w) => FLAGS.includes(w));
  });
}

const SHELL_RUN =
  /((?:^|[\s"'(;&|])(?:[\w.$/{}-]*\/)?conda\s+run)(?=\s|$)([^;&|"'\n]*(?:\\\n[^;&|"'\n]*)*)/g;
const EXEC_RUN = /("(?:[^"\s]*\/)?conda"\s*,\s*"run")(\s*,\s*)([^\]]*)/g;

/** Inserts --no-capture-output after `conda run`, exec form and shell form (idempotent). */
function addNoCapture(text: string): string {
  const has = (rest: string) => FLAGS.some((f) => rest.includes(f));
  return text
    .replace(EXEC_RUN, (whole, head: string, comma: string, rest: string) =>
      has(rest) ? whole : `${head}${comma}"--no-capture-output"${comma}${rest}`,
    )
    .replace(SHELL_RUN, (whole, head: string, rest: string) =>
      has(rest) ? whole : `${head} --no-capture-output${rest}`,
    );
}

export const dkr008 = defineRule<'dockerfile'>({
  id: 'DKR008',
  name: 'conda-run-capture',
  target: 'dockerfile',
  severity: 'warning',
  description:
    "ENTRYPOINT/CMD goes through `conda run` without `--no-capture-output`, so the service's output is held back until it exits and its logs vanish.",
  docs: [
    "`conda run` captures the program's stdout and stderr and prints them only when it exits (conda/conda#9412):",
    'a server started that way logs nothing while it runs. `--no-capture-output` (alias `--live-stream` since',
    'conda 4.13, conda/conda#11316) streams it. `conda run` also stays in the process tree with a shell between',
    'it and the server (conda/conda#8586), so signals such as SIGTERM may not reach the server.',
    '',
    "Fix: `--fix` adds `--no-capture-output` after `conda run`. Better: run the environment's own binary,",
    '`CMD ["/opt/conda/envs/app/bin/python", "serve.py"]` (or `exec` it from a script).',
  ].join('\n'),
  check(context, report) {
    for (const instruction of context.instructions) {
      if (instruction.keyword !== 'CMD' && instruction.keyword !== 'ENTRYPOINT') continue;
      if (!capturing(scriptOf(context, instruction))) continue;
      const edit = rewriteEdit(
        context,
        instruction,
        'add --no-capture-output after conda run',
        addNoCapture,
      );
      report({
        line: instruction.line,
        column: instruction.column,
        message: `${instruction.keyword} runs the service through \`conda run\` without \`--no-capture-output\`: its output is buffered until it exits, so its logs do not appear`,
        fix: "add `--no-capture-output` after `conda run`, or better, run the environment's binary directly (`/opt/conda/envs/<env>/bin/python ...`)",
        ...(edit ? { edit } : {}),
      });
    }
    return undefined;
  },
});
