import { matchSpecOf } from '../../match-specs.js';
import { defineRule } from '../define-rule.js';
import { commandsIn, packageArgs } from './conda-commands.js';
import { condaTool, condaVerb } from './shell.js';

/** Whether a package argument fixes a version (`numpy=1.26`, `'numpy>=1.26,<2'`, a package file). */
function pinned(word: string): boolean {
  // A variable, a local package file or a URL: audit cannot tell, or it names an exact build.
  if (word.includes('$') || word.includes('/') || /\.(conda|tar\.bz2)$/.test(word)) return true;
  const parsed = matchSpecOf(word.replace(/^[^:]*::/, ''));
  if (!parsed.ok) return /[=<>]/.test(word);
  const version = parsed.value.version?.replace(/^=+/, '');
  return Boolean(version && version !== '*');
}

export const dkr005 = defineRule<'dockerfile'>({
  id: 'DKR005',
  name: 'conda-unpinned',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`conda/mamba/micromamba install` or `create` names packages without versions inside a RUN, so each build can install different ones.',
  docs: [
    '`conda install numpy` installs whatever numpy is newest on the day of the build, and the solver may move',
    "other packages with it: two builds of one Dockerfile differ. hadolint's DL3013 (pip) and DL3008 (apt) flag",
    'the same thing for other package managers.',
    '',
    'Fix: install from a file that pins everything (`conda env create -f environment.yml`, or',
    '`conda create --file conda-linux-64.lock` from conda-lock), or pin each package (`numpy=1.26.4`).',
  ].join('\n'),
  check(context, report) {
    for (const run of context.instructions.filter((i) => i.keyword === 'RUN')) {
      for (const command of commandsIn(context, run)) {
        const verb = condaVerb(command);
        if (verb !== 'install' && verb !== 'create') continue;
        const loose = packageArgs(command).filter((p) => !pinned(p));
        if (loose.length === 0) continue;
        report({
          line: command.line,
          column: command.column,
          message: `\`${condaTool(command)} ${verb}\` installs ${loose.map((p) => `\`${p}\``).join(', ')} without a version`,
          fix: `pin ${loose.length === 1 ? 'it' : 'each'} (\`${loose[0]?.replace(/^[^:]*::/, '')}=<version>\`), or install from a pinned environment file or lock`,
        });
      }
    }
    return undefined;
  },
});
