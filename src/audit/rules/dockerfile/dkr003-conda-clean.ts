import type { DockerInstruction } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { cacheMountTargets, commandsIn, hasOption, SOLVE_VERBS } from './conda-commands.js';
import { condaTool, condaVerb, type ShellCommand } from './shell.js';

/** `conda clean -afy`, `micromamba clean --all --yes`, the old `-tipsy`, or `rm -rf <...>/pkgs`. */
function cleans(command: ShellCommand): boolean {
  if (condaVerb(command) === 'clean') {
    return (
      hasOption(command, ['all'], 'a') ||
      (hasOption(command, ['tarballs'], 't') && hasOption(command, ['packages'], 'p'))
    );
  }
  return command.words[0] === 'rm' && command.words.some((w) => /\/pkgs(\/\*?)?$/.test(w));
}

/**
 * A cache mount on the package cache keeps downloads out of the layer (hadolint exempts
 * cache mounts the same way in DL3009/DL3042): any `.../pkgs` (`/opt/conda/pkgs`,
 * `$MAMBA_ROOT_PREFIX/pkgs`), `$CONDA_PKGS_DIRS`, or a conda/mamba cache under /root/.cache.
 */
function cachesPackages(run: DockerInstruction): boolean {
  return cacheMountTargets(run).some(
    (target) =>
      /\/pkgs$/.test(target) ||
      /^\$\{?CONDA_PKGS_DIRS\}?$/.test(target) ||
      (/^(\/root|~|\$HOME|\$\{HOME\})\/\.cache\//.test(target) && !/\/\.cache\/pip\b/.test(target)),
  );
}

export const dkr003 = defineRule<'dockerfile'>({
  id: 'DKR003',
  name: 'conda-clean',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'A conda/mamba/micromamba install, create or update runs without `conda clean -afy` (`micromamba clean --all --yes`) in the same RUN, so the package cache stays in the layer.',
  docs: [
    'conda keeps every downloaded tarball and extracted package in its package cache (`/opt/conda/pkgs`). Unless',
    'the same RUN removes it, the cache is committed into that layer and a later RUN cannot shrink the image:',
    'seqeralabs/wave#1038 saw images 2-5x larger without `micromamba clean -a -y`. This is the conda analogue of',
    "hadolint's DL3009/DL3032/DL3036/DL3040/DL3042/DL3060.",
    '',
    'Fix: end the RUN with `&& conda clean -afy` (`micromamba clean --all --yes`), or mount the package cache',
    '(`RUN --mount=type=cache,target=/opt/conda/pkgs ...`), which keeps it out of the image and between builds.',
  ].join('\n'),
  check(context, report) {
    for (const run of context.instructions.filter((i) => i.keyword === 'RUN')) {
      if (cachesPackages(run)) continue;
      const commands = commandsIn(context, run);
      if (commands.some(cleans)) continue;
      const solve = commands.find((c) => SOLVE_VERBS.has(condaVerb(c) ?? ''));
      if (!solve) continue;
      const tool = condaTool(solve) ?? 'conda';
      const clean = tool === 'micromamba' ? 'micromamba clean --all --yes' : `${tool} clean -afy`;
      report({
        line: solve.line,
        column: solve.column,
        message: `\`${tool} ${condaVerb(solve)}\` leaves its package cache in this layer: the RUN has no \`${clean}\` and no cache mount on the pkgs directory`,
        fix: `append \`&& ${clean}\` to this RUN, or add \`--mount=type=cache,target=/opt/conda/pkgs\` to it`,
      });
    }
    return undefined;
  },
});
