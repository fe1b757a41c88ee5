import { defineRule } from '../define-rule.js';
import { insertAfterMatch, replaceInstruction } from './edits.js';
import { aptVerb } from './installers.js';
import { runCommands } from './run-commands.js';
import type { ShellCommand } from './shell.js';

const APT_INSTALL = /\bapt(?:-get|itude)?((?:\s+-[-\w:=]+)*)\s+install(?=\s|$)/;

/** hadolint's code for each missing flag. */
const ALIAS: Record<string, string> = { '-y': 'DL3014', '--no-install-recommends': 'DL3015' };

export const dkr019 = defineRule<'dockerfile'>({
  id: 'DKR019',
  name: 'apt-install-flags',
  target: 'dockerfile',
  severity: 'info',
  description: '`apt-get install` runs without `--no-install-recommends`, or without `-y`.',
  docs: [
    'Without `--no-install-recommends` apt also installs every "recommended" package, often hundreds of MB that the',
    'image never uses (hadolint **DL3015**). Without `-y` apt asks for confirmation, which a build cannot answer',
    '(hadolint **DL3014**; `-qq` and `--yes`/`--assume-yes` count as `-y`).',
    'Pinning apt versions (hadolint DL3008) is deliberately not checked: Debian removes superseded versions from',
    'its mirrors, so pinned apt versions break builds.',
    '',
    'Fix: `apt-get install -y --no-install-recommends <packages>`.',
  ].join('\n'),
  aliases: ['DL3015', 'DL3014'],
  check(context, report) {
    for (const instruction of context.instructions) {
      if (instruction.keyword !== 'RUN') continue;
      const installs = runCommands(instruction).filter((c) => aptVerb(c)?.verb === 'install');
      const missing = installs
        .map((command, index) => ({ command, index, flags: missingFlags(command) }))
        .filter((m) => m.flags.length > 0);
      if (missing.length === 0) continue;
      const fixed = insertAfterMatch(
        context,
        instruction,
        APT_INSTALL,
        installs.length,
        new Map(missing.map((m) => [m.index, ` ${m.flags.join(' ')}`])),
      );
      const edit =
        fixed === undefined
          ? undefined
          : replaceInstruction(
              context,
              instruction,
              fixed,
              'add -y / --no-install-recommends to apt-get install',
            );
      // One finding per missing flag: each is its own hadolint code, and can be ignored alone.
      for (const { command, flags } of missing) {
        for (const flag of flags) {
          report({
            line: command.line,
            column: command.column,
            message: `\`${aptVerb(command)?.program} install\` runs without \`${flag}\``,
            fix: `add ${flag} after \`install\``,
            aliases: [ALIAS[flag] ?? ''],
            ...(edit ? { edit } : {}),
          });
        }
      }
    }
    return undefined;
  },
});

function missingFlags(command: ShellCommand): string[] {
  const words = command.words;
  const option = (name: RegExp) =>
    words.some(
      (w, i) =>
        (w === '-o' && name.test(words[i + 1] ?? '')) ||
        (w.startsWith('-o') && name.test(w.slice(2))),
    );
  const yes =
    words.some(
      (w) =>
        w === '--yes' ||
        w === '--assume-yes' ||
        w === '--force-yes' ||
        w === '-q=2' ||
        w === '--quiet=2' ||
        /^-[a-zA-Z]*y[a-zA-Z]*$/.test(w) ||
        /^-[a-z]*qq/.test(w),
    ) ||
    // `-q -q` and `--quiet --quiet` are quiet level 2, which implies -y (apt-get(8)).
    words.filter((w) => w === '-q' || w === '--quiet').length >= 2 ||
    option(/^APT::Get::Assume-Yes=(1|true|yes)$/i);
  const noRecommends =
    words.includes('--no-install-recommends') || option(/^APT::Install-Recommends=(0|false|no)$/i);
  return [...(yes ? [] : ['-y']), ...(noRecommends ? [] : ['--no-install-recommends'])];
}
