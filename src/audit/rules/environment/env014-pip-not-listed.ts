import { defineRule } from '../define-rule.js';
import { condaDeps, insertBeforePipSection } from './conda-env.js';

export const env014 = defineRule<'environment'>({
  id: 'ENV014',
  name: 'pip-not-listed',
  target: 'environment',
  severity: 'warning',
  description: 'A pip: subsection exists but pip itself is not a conda dependency.',
  docs: [
    "conda installs the `pip:` list with the environment's own pip. When `pip` is not listed, conda adds an",
    '**unpinned** one and warns: "you have pip-installed dependencies in your environment file, but you do not list',
    'pip itself … I\'m adding one for you, but still nagging you" (conda `conda/env/env.py::validate_keys`).',
    'Listing it makes the file say what is installed, and lets you pin pip.',
    '',
    'Fix: add `- pip` to `dependencies` before the `pip:` section (`envgen audit --fix` does this).',
  ].join('\n'),
  check(context) {
    const section = context.pipSection;
    if (!section || condaDeps(context).some((d) => d.name === 'pip')) return [];
    return [
      {
        line: section.line,
        column: section.column,
        message:
          'the pip: section is installed with a pip that the file does not list: conda adds an unpinned pip and warns',
        fix: "add '- pip' to dependencies, before the pip: section",
        edit: {
          description: "add 'pip' to dependencies before the pip: section",
          apply: (text) => insertBeforePipSection(text, 'pip'),
        },
      },
    ];
  },
});
