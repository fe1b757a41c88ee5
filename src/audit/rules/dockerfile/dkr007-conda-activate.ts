import { defineRule } from '../define-rule.js';
import { commandsIn } from './conda-commands.js';
import { condaTool, condaVerb, type ShellCommand } from './shell.js';
import { inheritedInstructions } from './stages.js';

/** `conda activate env`, `micromamba activate env`, `source activate env`, `. /opt/conda/bin/activate env`. */
function activation(command: ShellCommand): 'tool' | 'script' | undefined {
  if (condaTool(command)) return condaVerb(command) === 'activate' ? 'tool' : undefined;
  const [program, script] = command.words;
  return (program === 'source' || program === '.') && script?.split('/').at(-1) === 'activate'
    ? 'script'
    : undefined;
}

/** Commands that give the shell conda's `activate` function: conda.sh, a shell hook, a .bashrc. */
const HOOK = /(conda|mamba)\.sh\b|\bshell(\.\w+)? hook\b|shell hook\b|\.bashrc\b/;

export const dkr007 = defineRule<'dockerfile'>({
  id: 'DKR007',
  name: 'conda-activate',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`RUN conda activate ...` / `RUN source activate ...` does not carry over: each RUN is a new shell, and its plain /bin/sh cannot run `conda activate` at all.',
  docs: [
    'Every RUN, CMD and ENTRYPOINT starts a fresh process, and `conda activate` only changes the variables of the',
    'shell it runs in: a RUN that ends with an activation changes nothing for the next instruction, whose',
    '`pip install` goes to the base environment or the system Python. And `conda activate` is a shell function',
    "that RUN's `/bin/sh -c` does not have until conda.sh is sourced, so `RUN conda activate app && pip ...`",
    "fails with \"Run 'conda init' before 'conda activate'\". (envgen-native.)",
    '',
    'Fix: call the environment directly (`/opt/conda/envs/app/bin/pip`, `conda run -n app ...`) or put its `bin/`',
    'first on PATH (`ENV PATH=/opt/conda/envs/app/bin:$PATH`). Activating inside one RUN after',
    '`. /opt/conda/etc/profile.d/conda.sh` (or under a `SHELL` set up for it) works for that RUN only.',
  ].join('\n'),
  check(context, report) {
    for (const stage of context.stages) {
      const shellSet = inheritedInstructions(context, stage).some((i) => i.keyword === 'SHELL');
      for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
        const commands = commandsIn(context, run);
        commands.forEach((command, index) => {
          const kind = activation(command);
          if (!kind) return;
          const last = index === commands.length - 1;
          const hooked = shellSet || commands.slice(0, index).some((c) => HOOK.test(c.text));
          // An activation that commands after it in the same RUN use, in a shell that can do it, is fine.
          if (!last && (kind === 'script' || hooked)) return;
          report({
            line: command.line,
            column: command.column,
            message: last
              ? `\`${command.text}\` ends the RUN: the activation is lost when the RUN's shell exits, and later instructions do not see it`
              : `\`${command.text}\` runs in RUN's plain /bin/sh, which has no conda shell function: it fails ("Run 'conda init' before 'conda activate'"), and would not outlast this RUN anyway`,
            fix: 'use the environment by path (`ENV PATH=/opt/conda/envs/<env>/bin:$PATH`, `/opt/conda/envs/<env>/bin/pip`) or `conda run -n <env> ...`',
          });
        });
      }
    }
    return undefined;
  },
});
