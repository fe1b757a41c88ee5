import { defineRule } from '../define-rule.js';
import { topLevelKeys } from './conda-env.js';

const VALID = new Set(['name', 'prefix', 'channels', 'variables', 'dependencies']);

/** What people usually meant by the keys conda drops. */
const HINTS = new Map<string, string>(
  Object.entries({
    channel_priority:
      'channel_priority cannot be set in environment.yml (conda/conda#9961): set it in .condarc or with CONDA_CHANNEL_PRIORITY',
    platforms:
      'conda ignores platforms: (only conda-lock reads it): pass --platform to conda-lock, or keep it in a conda-lock source file',
    pip: 'a top-level pip: is dropped: move it under dependencies as "- pip:"',
    channel: 'the key is channels:',
    dependency: 'the key is dependencies:',
    requirements: 'conda packages go under dependencies:',
    env: 'environment variables go under variables:',
    environment: 'environment variables go under variables:',
  }),
);

export const env015 = defineRule<'environment'>({
  id: 'ENV015',
  name: 'unknown-key',
  target: 'environment',
  severity: 'error',
  description:
    'An environment file has a top-level key other than name, prefix, channels, variables and dependencies.',
  docs: [
    'conda reads only `name`, `prefix`, `channels`, `variables` and `dependencies` (`conda/env/env.py`:',
    '`REQUIRED_KEYS={"dependencies"}`, `OPTIONAL_KEYS={name,prefix,channels,variables}`) and drops anything else with',
    '`EnvironmentSectionNotValid`, so settings such as `channel_priority:` silently do nothing',
    '(conda/conda#9961; CaImAn PR #1334 "channel_priority cannot be set in environment.yml").',
    '',
    'Fix: move `pip:` under `dependencies`, put `channel_priority` in `.condarc`, and delete keys conda does not read.',
  ].join('\n'),
  check(context) {
    return topLevelKeys(context)
      .filter((k) => !VALID.has(k.key))
      .map((k) => ({
        line: k.line,
        column: k.column,
        message: `'${k.key}' is not a key of an environment file: conda drops it (EnvironmentSectionNotValid)`,
        fix:
          HINTS.get(k.key.toLowerCase()) ??
          'remove it; valid keys are name, prefix, channels, variables and dependencies',
      }));
  },
});
