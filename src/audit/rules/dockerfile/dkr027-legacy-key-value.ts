import type { DockerfileContext, DockerInstruction, Edit } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { instructionText, replaceInstruction } from './edits.js';
import { propertiesOf } from './stages.js';

export const dkr027 = defineRule<'dockerfile'>({
  id: 'DKR027',
  name: 'legacy-key-value',
  target: 'dockerfile',
  severity: 'style',
  description: 'ENV or LABEL uses the legacy `KEY value` form instead of `KEY=value`.',
  docs: [
    '`ENV KEY value` sets KEY to the whole rest of the line, so `ENV PATH /opt/env/bin:$PATH LANG C.UTF-8` sets one',
    'variable with a surprising value. The form is deprecated and BuildKit warns about it (**LegacyKeyValueFormat**).',
    '',
    'Fix: `ENV KEY=value` (quote values with spaces: `ENV KEY="a b"`). `--fix` rewrites single-line instructions.',
  ].join('\n'),
  aliases: ['LegacyKeyValueFormat'],
  check(context, report) {
    for (const instruction of context.instructions) {
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'LABEL') continue;
      const legacy = propertiesOf(instruction).find((p) => !p.assigned && p.value !== null);
      if (!legacy) continue;
      const edit = rewrite(context, instruction, legacy.name, legacy.value ?? '');
      report({
        line: instruction.line,
        column: instruction.column,
        message: `\`${instruction.keyword} ${legacy.name} ...\` uses the legacy space-separated form`,
        fix: `write \`${instruction.keyword} ${legacy.name}=${formatValue(legacy.value ?? '') ?? '"..."'}\``,
        ...(edit ? { edit } : {}),
      });
    }
    return undefined;
  },
});

/** `KEY=value`, quoted when needed; undefined when the value needs escapes a fix should not guess. */
function formatValue(value: string): string | undefined {
  if (/^[^\s"'\\]+$/.test(value)) return value;
  if (!/["\\`]/.test(value)) return `"${value}"`;
  return undefined;
}

function rewrite(
  context: DockerfileContext,
  instruction: DockerInstruction,
  name: string,
  value: string,
): Edit | undefined {
  if (instruction.line !== instruction.endLine || propertiesOf(instruction).length !== 1)
    return undefined;
  const formatted = formatValue(value);
  const text = instructionText(context, instruction);
  const head = /^\s*\S+/.exec(text)?.[0];
  if (formatted === undefined || !head) return undefined;
  return replaceInstruction(
    context,
    instruction,
    `${head} ${name}=${formatted}`,
    `rewrite ${instruction.keyword} ${name} as ${name}=value`,
  );
}
