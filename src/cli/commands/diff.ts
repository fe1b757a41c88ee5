/**
 * `envgen diff A B`: two environments (models, locks of any kind, environment.yml, a prefix, a
 * pip freeze, any of them at a git revision), compared package by package; text, Markdown or
 * JSON; exit 1 when a change of a `--fail-on` class is found.
 */
import { CHANGE_CLASSES, type ChangeClass } from '../../diff/compare.js';
import { diffInputs } from '../../diff/diff-inputs.js';
import { usageError } from '../../problem.js';
import { formatDiffMarkdown, formatDiffText } from '../../report/diff-text.js';
import { writeJson } from '../../report/json.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface DiffFlags {
  format?: 'text' | 'markdown' | 'json';
  failOn?: string;
  platform?: string;
}

export async function runDiff(
  ctx: CommandContext,
  from: string,
  to: string,
  flags: DiffFlags,
): Promise<number> {
  const failOn = failOnClasses(flags.failOn);
  const diff = await diffInputs(ctx.io, ctx.root, from, to, {
    ...(flags.platform ? { platform: flags.platform } : {}),
  });
  const format = ctx.json ? 'json' : (flags.format ?? 'text');
  if (format === 'json') writeJson(ctx.io, { ...diff, problems: [] });
  else if (format === 'markdown') ctx.io.stdout.write(formatDiffMarkdown(diff));
  else ctx.io.stdout.write(formatDiffText(diff, ctx.color));
  const failing = diff.changes.filter((c) => c.classes.some((cls) => failOn.has(cls)));
  if (failing.length === 0) return EXIT.ok;
  if (format !== 'json') {
    ctx.io.stderr.write(
      `envgen diff: ${failing.length} change${failing.length === 1 ? '' : 's'} of a --fail-on class (${[...failOn].join(', ')})\n`,
    );
  }
  return EXIT.failed;
}

/** `--fail-on downgrade,variant` as classes; `any` is every class. */
function failOnClasses(text: string | undefined): Set<ChangeClass> {
  if (text === undefined) return new Set();
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.includes('any')) return new Set(CHANGE_CLASSES);
  const unknown = names.filter((name) => !(CHANGE_CLASSES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw usageError(
      'usage/invalid-flag',
      `--fail-on ${JSON.stringify(text)}: ${unknown.length ? `${unknown.join(', ')} is not a change class` : 'names no class'}`,
      `use a comma-separated list of: ${CHANGE_CLASSES.join(', ')}, or any`,
    );
  }
  return new Set(names as ChangeClass[]);
}
