import { defineRule } from '../define-rule.js';
import { commandsIn, hasOption, inlineAssignments, isTruthy, variables } from './conda-commands.js';
import { rewriteEdit } from './edits.js';
import { condaTool, condaVerb } from './shell.js';
import { inheritedInstructions } from './stages.js';

/** The verbs that stop at "Proceed ([y]/n)?" (`env create`/`env update` do not ask). */
const ASKING = new Set(['install', 'create', 'update', 'upgrade', 'remove', 'uninstall']);
const ALWAYS_YES = ['CONDA_ALWAYS_YES', 'MAMBA_ALWAYS_YES'];

/** Inserts `--yes` after `<tool> <verb>` wherever that command lacks -y/--yes (idempotent). */
function addYes(text: string): string {
  return text.replace(
    /((?:^|[\s;&|(])(?:[\w./-]*\/)?(?:conda|mamba|micromamba)\s+(?:install|create|update|upgrade|remove|uninstall))(?=\s|$)([^;&|\n]*(?:\\\n[^;&|\n]*)*)/g,
    (whole, head: string, rest: string) =>
      /(^|\s)(--yes|-[A-Za-z]*y[A-Za-z]*)(?=\s|$)/.test(rest) ? whole : `${head} --yes${rest}`,
  );
}

export const dkr004 = defineRule<'dockerfile'>({
  id: 'DKR004',
  name: 'conda-yes',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A conda/mamba/micromamba install, create, update or remove runs without -y/--yes (and no CONDA_ALWAYS_YES), so it waits for an answer no build gives.',
  docs: [
    'conda asks "Proceed ([y]/n)?" before it changes an environment. A build has no terminal: the prompt reads',
    'end-of-file and the step fails or aborts, depending on the tool and version. hadolint requires `-y` for apt',
    '(DL3014), yum (DL3030), zypper (DL3034) and dnf (DL3038) for the same reason.',
    '',
    'Fix: add `--yes` (`-y`) to the command, or set `ENV CONDA_ALWAYS_YES=true` (`MAMBA_ALWAYS_YES` for mamba 2',
    'and micromamba) before it. `--fix` adds `--yes`.',
  ].join('\n'),
  check(context, report) {
    for (const stage of context.stages) {
      for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
        const before = variables(
          inheritedInstructions(context, stage).filter((i) => i.line < run.line),
        );
        const commands = commandsIn(context, run);
        commands.forEach((command, index) => {
          const verb = condaVerb(command) ?? '';
          if (!ASKING.has(verb) || hasOption(command, ['yes', 'dry-run', 'json'], 'y')) return;
          const inline = inlineAssignments(command);
          const earlier = commands.slice(0, index).map((c) => c.words.join(' '));
          const configured = (name: string) =>
            isTruthy(before.get(name)) ||
            isTruthy(inline.get(name)) ||
            earlier.some((t) => t.startsWith(`export ${name}=`) && isTruthy(t.split('=')[1]));
          if (
            ALWAYS_YES.some(configured) ||
            earlier.some((t) => /\bconfig\b.*--set always_yes (true|yes)\b/.test(t))
          )
            return;
          const tool = condaTool(command) ?? 'conda';
          const edit = rewriteEdit(context, run, `add --yes to \`${tool} ${verb}\``, addYes);
          report({
            line: command.line,
            column: command.column,
            message: `\`${tool} ${verb}\` has no -y/--yes: it asks for confirmation, and a build cannot answer`,
            fix: `add \`--yes\` after \`${tool} ${verb}\`, or set \`ENV CONDA_ALWAYS_YES=true\` before this RUN`,
            ...(edit ? { edit } : {}),
          });
        });
      }
    }
    return undefined;
  },
});
