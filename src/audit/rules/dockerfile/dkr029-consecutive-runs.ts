import type { DockerInstruction } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { runCommands } from './run-commands.js';

export const dkr029 = defineRule<'dockerfile'>({
  id: 'DKR029',
  name: 'consecutive-runs',
  target: 'dockerfile',
  severity: 'style',
  description: 'Consecutive short RUN instructions with the same mounts could be one layer.',
  docs: [
    'Each RUN is a layer: files that one RUN downloads and the next deletes still ship in the first layer, and every',
    'layer adds pull time (hadolint **DL3059**). Joining them with `&&` lets the cleanup happen in the same layer.',
    '',
    'As in hadolint, only RUNs of one command each are reported; RUNs with different `--mount`/`--network` flags,',
    'or where either already chains commands, are left alone: that split is usually deliberate (e.g. to cache a',
    'slow step).',
    '',
    'Fix: join the RUNs with `&& \\`.',
  ].join('\n'),
  aliases: ['DL3059'],
  check(context, report) {
    for (const stage of context.stages) {
      let previous: DockerInstruction | undefined;
      for (const instruction of stage.instructions) {
        // An ONBUILD is its trigger (listed right after it); triggers pair only with triggers.
        if (instruction.keyword === 'ONBUILD') continue;
        if (instruction.keyword !== 'RUN') {
          previous = undefined;
          continue;
        }
        const joinable =
          previous !== undefined &&
          Boolean(previous.onbuild) === Boolean(instruction.onbuild) &&
          sameFlags(previous, instruction) &&
          single(previous) &&
          single(instruction);
        if (previous && joinable) {
          report({
            line: instruction.line,
            column: instruction.column,
            message: `this RUN directly follows the RUN at line ${previous.line}, and each runs one command: two layers where one would do`,
            fix: `join it to the RUN at line ${previous.line} with \`&& \\\``,
          });
        }
        previous = instruction;
      }
    }
    return undefined;
  },
});

function sameFlags(a: DockerInstruction, b: DockerInstruction): boolean {
  const key = (i: DockerInstruction) =>
    i.flags
      .map((f) => `${f.name}=${f.value}`)
      .sort()
      .join(' ');
  return key(a) === key(b);
}

/** hadolint's test: a RUN of one command (`RUN a && b` is left alone, a chain is a choice). */
function single(instruction: DockerInstruction): boolean {
  return runCommands(instruction).length <= 1;
}
