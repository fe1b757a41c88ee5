import { defineRule } from '../define-rule.js';
import { runCommands } from './run-commands.js';
import { excerpt, lineage, unquote } from './stages.js';

export const dkr024 = defineRule<'dockerfile'>({
  id: 'DKR024',
  name: 'workdir-relative',
  target: 'dockerfile',
  severity: 'warning',
  description: 'A relative `WORKDIR` before any absolute one, or `cd` inside a RUN.',
  docs: [
    "A relative WORKDIR resolves against the base image's working directory, which changes when the base does",
    '(BuildKit **WorkdirRelativePath**, hadolint **DL3000**). A `cd` in a RUN lasts for that RUN only, so later',
    'instructions run elsewhere than they read (hadolint **DL3003**).',
    '',
    'A relative WORKDIR after an absolute one in the same stage (or a stage it is built FROM) is fine, as is a',
    'WORKDIR from a variable. A `cd` inside a subshell, `(cd dir && make)`, is not reported.',
    '',
    'Fix: `WORKDIR /app` with an absolute path; replace `cd dir && cmd` with `WORKDIR /abs/dir` or with the',
    "tool's own directory option (`make -C dir`, `tar -C dir`, `pip install ./dir`).",
  ].join('\n'),
  aliases: ['DL3000', 'DL3003', 'WorkdirRelativePath'],
  check(context, report) {
    for (const stage of context.stages) {
      let absolute = lineage(stage)
        .slice(0, -1)
        .some((s) => s.instructions.some((i) => i.keyword === 'WORKDIR' && isAbsolute(i.args)));
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'WORKDIR') {
          if (isAbsolute(instruction.args)) absolute = true;
          else if (!absolute) {
            report({
              line: instruction.line,
              column: instruction.column,
              message: `WORKDIR ${instruction.args} is relative and no absolute WORKDIR precedes it: it depends on the base image's working directory`,
              fix: `use an absolute path, e.g. \`WORKDIR /${unquote(instruction.args).replace(/^\.\/?/, '')}\``,
            });
          }
        }
        if (instruction.keyword !== 'RUN') continue;
        for (const command of runCommands(instruction)) {
          if (command.words[0] !== 'cd') continue;
          report({
            line: command.line,
            column: command.column,
            message: `\`${excerpt(command.text)}\` changes directory for this RUN only`,
            fix: "use WORKDIR with an absolute path, or the command's own directory option (`make -C`, `tar -C`)",
          });
        }
      }
    }
    return undefined;
  },
});

function isAbsolute(args: string): boolean {
  const path = unquote(args);
  return path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:[\\/]/.test(path);
}
