import { channelName, isAnacondaChannel, isCondaForge } from '../../../conda-channels.js';
import { defineRule } from '../define-rule.js';
import { appendToList, topLevelKeys } from './conda-env.js';

export const env002 = defineRule<'environment'>({
  id: 'ENV002',
  name: 'missing-nodefaults',
  target: 'environment',
  severity: 'warning',
  description:
    'A conda-forge environment does not list nodefaults, so defaults from a .condarc can still join the solve.',
  docs: [
    "The channels of `environment.yml` are added to those of the user's (or the base image's) `.condarc`,",
    'which often still name `defaults`. The special channel `nodefaults` removes them',
    '(conda-lock PR #418: "environment.yml files support a `- nodefaults` channel which suppresses the use of defaults channels";',
    'Jupyter discourse: "fully specify … including the explicit nodefaults channel").',
    "Without it the same file solves differently on different machines and may hit Anaconda's Terms of Service (ENV003).",
    '',
    'Fix: add `- nodefaults` as the last channel (`envgen audit --fix` does this).',
  ].join('\n'),
  check(context) {
    const names = context.channels.map((c) => c.name);
    if (!names.some(isCondaForge) || names.some(isAnacondaChannel)) return [];
    if (names.some((n) => channelName(n) === 'nodefaults')) return [];
    const key = topLevelKeys(context).find((k) => k.key === 'channels');
    return [
      {
        line: key?.line ?? context.channels[0]?.line ?? 1,
        column: key?.column ?? 1,
        message: `channels (${names.join(', ')}) do not include 'nodefaults': channels from a .condarc, usually 'defaults', still join the solve`,
        fix: "add '- nodefaults' as the last channel",
        edit: {
          description: "add 'nodefaults' to channels",
          apply: (text) => appendToList(text, 'channels', 'nodefaults'),
        },
      },
    ];
  },
});
