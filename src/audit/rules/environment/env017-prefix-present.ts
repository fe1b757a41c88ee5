import { defineRule } from '../define-rule.js';
import { removeTopLevelKey, topLevelKeys } from './conda-env.js';

export const env017 = defineRule<'environment'>({
  id: 'ENV017',
  name: 'prefix-present',
  target: 'environment',
  severity: 'warning',
  description:
    'The file has a prefix: line, a machine-specific absolute path left over from conda env export.',
  docs: [
    "`conda env export` writes the exporting machine's `prefix:` (`/home/alice/miniconda3/envs/app`); on any other",
    'machine, or in an image, that path does not exist or points somewhere unintended, and it overrides `name:` when',
    'the file is used without `-n`/`-p` (https://docs.conda.io/projects/conda/en/latest/commands/env/export.html;',
    'tools such as `ecoport --no-prefix` strip it).',
    '',
    'Fix: delete the `prefix:` line and choose the location at create time with `-n NAME` or `-p PATH`',
    '(`envgen audit --fix` deletes it).',
  ].join('\n'),
  check(context) {
    const key = topLevelKeys(context).find((k) => k.key === 'prefix');
    if (!key) return [];
    const value = context.value?.prefix;
    return [
      {
        line: key.line,
        column: key.column,
        message: `prefix: ${typeof value === 'string' ? `'${value}' ` : ''}is a machine-specific path (usually left from conda env export)`,
        fix: "delete the prefix: line; pass -n NAME or -p PATH to 'conda env create' instead",
        edit: {
          description: 'remove the prefix: line',
          apply: (text) => removeTopLevelKey(text, 'prefix'),
        },
      },
    ];
  },
});
