import type { Edit } from '../../types.js';
import { defineRule } from '../define-rule.js';
import {
  addVariables,
  commandsIn,
  hasOption,
  inheritedVariables,
  inlineAssignments,
  isTruthy,
} from './conda-commands.js';
import { rewriteEdit } from './edits.js';
import { condaTool, condaVerb, type ShellCommand } from './shell.js';

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

/**
 * The tool and verb of a command that would stop at conda's prompt: an asking verb without
 * -y/--yes/--dry-run/--json, and no ALWAYS_YES variable set inline or (`configured`) before it.
 */
function needsYes(
  command: ShellCommand,
  configured: (name: string) => boolean,
): { tool: string; verb: string } | undefined {
  const verb = condaVerb(command) ?? '';
  if (!ASKING.has(verb) || hasOption(command, ['yes', 'dry-run', 'json'], 'y')) return undefined;
  const inline = inlineAssignments(command);
  if (ALWAYS_YES.some((name) => configured(name) || isTruthy(inline.get(name)))) return undefined;
  return { tool: condaTool(command) ?? 'conda', verb };
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
      // One pass over the stage's inherited instructions, the variables set so far carried
      // along (not recomputed for every RUN: that was quadratic in the number of RUNs).
      const before = inheritedVariables(stage);
      for (const run of stage.instructions) {
        if (run.keyword !== 'RUN') {
          addVariables(before, run);
          continue;
        }
        const commands = commandsIn(context, run);
        // What the commands before the current one did: `export NAME=` truthy, `config --set always_yes`.
        const exported = new Set<string>();
        let alwaysYes = false;
        const edits = new Map<string, Edit | undefined>();
        for (const command of commands) {
          const text = command.words.join(' ');
          const verdict = alwaysYes
            ? undefined
            : needsYes(command, (name) => isTruthy(before.get(name)) || exported.has(name));
          for (const name of ALWAYS_YES) {
            if (text.startsWith(`export ${name}=`) && isTruthy(text.split('=')[1]))
              exported.add(name);
          }
          if (/\bconfig\b.*--set always_yes (true|yes)\b/.test(text)) alwaysYes = true;
          if (!verdict) continue;
          const { tool, verb } = verdict;
          // One rewrite of the RUN fixes all its commands: made once per description, not
          // once per command (a RUN of many commands made that quadratic).
          const description = `add --yes to \`${tool} ${verb}\``;
          if (!edits.has(description))
            edits.set(description, rewriteEdit(context, run, description, addYes));
          const edit = edits.get(description);
          report({
            line: command.line,
            column: command.column,
            message: `\`${tool} ${verb}\` has no -y/--yes: it asks for confirmation, and a build cannot answer`,
            fix: `add \`--yes\` after \`${tool} ${verb}\`, or set \`ENV CONDA_ALWAYS_YES=true\` before this RUN`,
            ...(edit ? { edit } : {}),
          });
        }
      }
    }
    return undefined;
  },
});
