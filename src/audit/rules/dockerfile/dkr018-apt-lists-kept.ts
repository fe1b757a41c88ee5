import { defineRule } from '../define-rule.js';
import { instructionText, replaceInstruction } from './edits.js';
import { aptVerb } from './installers.js';
import { mountTargets, programOf, runCommands, runScript } from './run-commands.js';
import { shippedStages } from './stages.js';

const CLEANUP = ' \\\n    && rm -rf /var/lib/apt/lists/*';

export const dkr018 = defineRule<'dockerfile'>({
  id: 'DKR018',
  name: 'apt-lists-kept',
  target: 'dockerfile',
  severity: 'info',
  description:
    'A RUN in the final image runs `apt-get update` but does not remove `/var/lib/apt/lists` in the same RUN.',
  docs: [
    '`apt-get update` downloads the package lists (tens of MB) into `/var/lib/apt/lists`. Removing them in a later RUN',
    'does not shrink the image: the layer that wrote them keeps them (hadolint **DL3009**).',
    '',
    'Only stages that end up in the final image are checked (a builder that is only `COPY --from`ed does not ship',
    'its lists). Not reported when the RUN mounts a cache on `/var/lib/apt/lists` (or on `/var/lib/apt`).',
    '',
    'Differs from hadolint on purpose: apt lists in a cache mount of `/var/lib/apt` never reach a layer, so such a',
    'RUN is not reported whatever else it does.',
    '',
    'Fix: end the same RUN with `&& rm -rf /var/lib/apt/lists/*`, or use',
    '`RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked ...`.',
  ].join('\n'),
  aliases: ['DL3009'],
  check(context, report) {
    const shipped = shippedStages(context);
    for (const stage of context.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'RUN') continue;
        // An ONBUILD trigger runs in every image built FROM this stage, shipped or not.
        if (!shipped.has(stage.index) && !instruction.onbuild) continue;
        const mounts = mountTargets(instruction, ['cache', 'tmpfs']).map((t) =>
          t.replace(/\/+$/, ''),
        );
        if (mounts.some((t) => t === '/var/lib/apt' || t.startsWith('/var/lib/apt/lists')))
          continue;
        const commands = runCommands(instruction);
        const update = commands.find((c) => aptVerb(c)?.verb === 'update');
        if (!update) continue;
        const cleaned = commands.some(
          (c) =>
            programOf(c) === 'rm' &&
            c.words.some((w) => /^-[a-zA-Z]*[rR]/.test(w) || w === '--recursive') &&
            c.words.some((w) => w.startsWith('/var/lib/apt/lists')),
        );
        if (cleaned) continue;
        // The cleanup is appended as one more `&&` step, only where that is plainly safe.
        const script = runScript(instruction) ?? '';
        const content = instruction.raw.getArgumentsContent() ?? '';
        const lastLine = context.lines[instruction.endLine - 1] ?? '';
        const simple =
          !/^\s*[[<]/.test(content) &&
          !content.includes('<<') &&
          !lastLine.includes('#') &&
          !/[;&|]\s*$/.test(script.trim());
        const original = instructionText(context, instruction);
        const edit = simple
          ? replaceInstruction(
              context,
              instruction,
              original.replace(/\s*$/, '') + CLEANUP,
              'remove the apt lists in the same RUN',
            )
          : undefined;
        report({
          line: update.line,
          column: update.column,
          message: `\`${aptVerb(update)?.program ?? 'apt-get'} update\` leaves /var/lib/apt/lists in this layer of the final image`,
          fix: 'end this RUN with `&& rm -rf /var/lib/apt/lists/*` (or mount a cache on /var/lib/apt/lists)',
          ...(edit ? { edit } : {}),
        });
      }
    }
    return undefined;
  },
});
