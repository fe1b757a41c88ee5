import { defineRule } from '../define-rule.js';
import { insertAfterMatch, replaceInstruction } from './edits.js';
import { pipInstallIndex } from './installers.js';
import { mountTargets, runCommands, runScript } from './run-commands.js';
import { excerpt, lineage, shippedStages, unquote, valueIn } from './stages.js';

/** pip reads PIP_NO_CACHE_DIR as a boolean; these are the values that turn the cache off (as hadolint). */
const TRUTHY = /^(1|true|on|yes)$/i;
const PIP_INSTALL = /(?<!\buv\s+)\b(?:pip[0-9.]*|-m\s*pip)((?:\s+-[-\w=]+)*)\s+install(?=\s|$)/;

export const dkr016 = defineRule<'dockerfile'>({
  id: 'DKR016',
  name: 'pip-no-cache-dir',
  target: 'dockerfile',
  severity: 'warning',
  description:
    '`pip install` in a stage of the final image runs without `--no-cache-dir`, so the wheel cache ships in the layer.',
  docs: [
    'pip keeps every downloaded wheel under `~/.cache/pip`. In a RUN that cache is written into the layer, and for',
    'PyTorch (torch and the `nvidia-*` wheels) that is gigabytes of dead weight (hadolint **DL3042**).',
    '',
    'Only stages that end up in the final image are checked: a builder stage that is only `COPY --from`ed does not',
    'ship its cache. Not reported when the RUN mounts a cache on `.cache/pip`',
    '(`--mount=type=cache,target=/root/.cache/pip`), or `PIP_NO_CACHE_DIR` is set (ENV, ARG or inline).',
    '',
    'Fix: `pip install --no-cache-dir ...`, or keep the cache outside the image with a BuildKit cache mount.',
  ].join('\n'),
  aliases: ['DL3042'],
  check(context, report) {
    const shipped = shippedStages(context);
    for (const stage of context.stages) {
      if (!shipped.has(stage.index)) continue;
      const env = TRUTHY.test(
        unquote(valueIn(lineage(stage), 'PIP_NO_CACHE_DIR', ['ENV', 'ARG']) ?? ''),
      );
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'RUN' || env) continue;
        if (
          mountTargets(instruction, ['cache', 'tmpfs']).some((t) =>
            t.replace(/\/+$/, '').endsWith('.cache/pip'),
          )
        )
          continue;
        if (/\bPIP_NO_CACHE_DIR=["']?(1|true|on|yes)\b/i.test(runScript(instruction) ?? ''))
          continue;
        const installs = runCommands(instruction).filter((c) => pipInstallIndex(c) >= 0);
        const missing = installs
          .map((c, i) => [c, i] as const)
          .filter(([c]) => !c.words.some((w) => w.startsWith('--no-cache-dir')));
        if (missing.length === 0) continue;
        const fixed = insertAfterMatch(
          context,
          instruction,
          PIP_INSTALL,
          installs.length,
          new Map(missing.map(([, i]) => [i, ' --no-cache-dir'])),
        );
        const edit =
          fixed === undefined
            ? undefined
            : replaceInstruction(context, instruction, fixed, 'add --no-cache-dir to pip install');
        for (const [command] of missing) {
          report({
            line: command.line,
            column: command.column,
            message: `\`${excerpt(command.text)}\` keeps pip's download cache in a layer of the final image`,
            fix: 'add `--no-cache-dir`, or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip pip install ...`',
            ...(edit ? { edit } : {}),
          });
        }
      }
    }
    return undefined;
  },
});
