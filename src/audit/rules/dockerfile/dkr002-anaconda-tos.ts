import type { DockerfileContext, DockerStage } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { anacondaUse, type Solve, solvesIn } from './anaconda.js';
import {
  comesBefore,
  firstCommand,
  inlineAssignments,
  isTruthy,
  variableBefore,
} from './conda-commands.js';
import { condaTool, condaVerb, type ShellCommand } from './shell.js';

const AUTO_ACCEPT = 'CONDA_PLUGINS_AUTO_ACCEPT_TOS';

/**
 * Whether the build accepts Anaconda's ToS before the solve: `conda tos accept`, a
 * `plugins.auto_accept_tos` setting, or CONDA_PLUGINS_AUTO_ACCEPT_TOS (ENV, ARG, or inline).
 */
function tosHandled(context: DockerfileContext, stage: DockerStage, solve: Solve): boolean {
  if (
    isTruthy(variableBefore(stage, AUTO_ACCEPT, solve.run.line)) ||
    isTruthy(inlineAssignments(solve.command).get(AUTO_ACCEPT))
  )
    return true;
  return comesBefore(firstCommand(context, stage, acceptsTos), solve.run, solve.index);
}

/** A command that accepts the ToS: `conda tos accept`, `auto_accept_tos`, or an export of the variable. */
function acceptsTos(command: ShellCommand): boolean {
  const text = command.words.join(' ');
  if (text.startsWith(`export ${AUTO_ACCEPT}=`)) return isTruthy(text.split('=')[1]);
  return (
    Boolean(condaTool(command)) && (/\btos accept\b/.test(text) || /\bauto_accept_tos\b/.test(text))
  );
}

export const dkr002 = defineRule<'dockerfile'>({
  id: 'DKR002',
  name: 'anaconda-tos',
  target: 'dockerfile',
  severity: 'error',
  description:
    "A conda solve during the build uses Anaconda's channels (defaults, main, r, repo.anaconda.com) and nothing accepts their Terms of Service, so the build stops with CondaToSNonInteractiveError.",
  docs: [
    "Since July 2025 conda's ToS plugin refuses Anaconda's channels (`defaults` = repo.anaconda.com `main`/`r`) in a",
    'non-interactive session until their Terms of Service are accepted: `docker build` stops with',
    '`CondaToSNonInteractiveError` (pytorch/xla#9661, mlrun/mlrun#8322). A solve uses them when it names them',
    "(`-c defaults`, `main::pkg`, an environment file's `channels:`) or, on an Anaconda image or installer, when",
    "it does not exclude the `.condarc`'s `defaults` (`nodefaults`, `--override-channels`).",
    '',
    'Fix: use conda-forge only (`channels: [conda-forge, nodefaults]`, a Miniforge or micromamba base). If your',
    "organisation may use Anaconda's repository, accept the ToS explicitly before the solve: `RUN conda tos accept",
    '--override-channels --channel https://repo.anaconda.com/pkgs/main` (and `/pkgs/r`), or',
    "`ENV CONDA_PLUGINS_AUTO_ACCEPT_TOS=yes`; that accepts the ToS on the organisation's behalf.",
  ].join('\n'),
  check(context, report) {
    for (const stage of context.stages) {
      for (const solve of solvesIn(context, stage)) {
        const { use, channel } = anacondaUse(context, stage, solve);
        if ((use !== 'named' && use !== 'implicit') || tosHandled(context, stage, solve)) continue;
        const what = `${condaTool(solve.command)} ${condaVerb(solve.command)}`;
        report({
          line: solve.line,
          column: solve.column,
          message:
            use === 'named'
              ? `\`${what}\` uses Anaconda's channel ${channel} and the build never accepts its Terms of Service: conda stops with CondaToSNonInteractiveError`
              : `\`${what}\` runs on an Anaconda base whose .condarc adds \`defaults\`, and the build never accepts its Terms of Service: conda stops with CondaToSNonInteractiveError`,
          fix: "use conda-forge only (`nodefaults` in the environment file, or `--override-channels -c conda-forge`); or, if your organisation may use Anaconda's repository, `RUN conda tos accept --override-channels --channel https://repo.anaconda.com/pkgs/main` before the solve",
        });
      }
    }
    return undefined;
  },
});
