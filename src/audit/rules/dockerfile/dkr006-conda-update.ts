import { defineRule } from '../define-rule.js';
import { commandsIn, hasOption, packageArgs } from './conda-commands.js';
import { condaTool, condaVerb } from './shell.js';

const TOOLS = new Set(['conda', 'mamba', 'micromamba', 'conda-libmamba-solver']);

export const dkr006 = defineRule<'dockerfile'>({
  id: 'DKR006',
  name: 'conda-update',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`conda update --all`, `conda update conda`, `mamba update` or `micromamba self-update` runs inside the build, so the image depends on the day it is built.',
  docs: [
    '`conda update` moves packages to the newest versions available at build time (it accepts names only, never',
    'versions): `--all` upgrades the whole environment and `conda update conda` swaps the package manager itself, so',
    'two builds of the same Dockerfile differ, and a base image pinned by tag stops meaning anything. hadolint',
    'flags the same for `zypper dist-upgrade` (DL3035) and used to for `apt-get upgrade` (DL3005).',
    '',
    'Fix: remove the update and pin the base image (a newer tag or a digest) and the environment instead',
    '(`conda env create -f environment.yml`, or a lock file). `conda env update -f file` is not reported.',
  ].join('\n'),
  check(context, report) {
    for (const run of context.instructions.filter((i) => i.keyword === 'RUN')) {
      for (const command of commandsIn(context, run)) {
        const verb = condaVerb(command);
        if (verb !== 'update' && verb !== 'upgrade' && verb !== 'self-update') continue;
        const tool = condaTool(command);
        const packages = packageArgs(command);
        const what =
          verb === 'self-update'
            ? 'replaces micromamba with the newest release'
            : hasOption(command, ['all', 'update-all'], 'a') || packages.length === 0
              ? 'upgrades every package of the environment to the newest build'
              : packages.some((p) => TOOLS.has(p))
                ? `replaces the package manager (${packages.filter((p) => TOOLS.has(p)).join(', ')}) with the newest release`
                : `moves ${packages.join(', ')} to the newest release`;
        report({
          line: command.line,
          column: command.column,
          message: `\`${tool} ${verb}\` ${what} available when the image is built, so rebuilds are not reproducible`,
          fix: 'remove the update; pin the base image tag (or digest) and the packages (environment file or lock) instead',
        });
      }
    }
    return undefined;
  },
});
