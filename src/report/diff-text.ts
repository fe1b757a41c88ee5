/**
 * `envgen diff` for people: grouped text for a terminal, and Markdown for a pull-request
 * comment. Both show the groups in the order the diff decided (CUDA variant changes first),
 * one line or row per package: what it was, what it is, and why it is in its group.
 */
import type {
  ChangeClass,
  PackageChange,
  PackageDiff,
  PackageSide,
  SideSummary,
} from '../diff/compare.js';
import { CHANGE_CLASSES } from '../diff/compare.js';
import type { Palette } from './color.js';
import { printable } from './problems.js';

const HEADINGS: Record<ChangeClass, string> = {
  variant: 'CUDA variant changed',
  abi: 'Python ABI changed',
  downgrade: 'Downgraded',
  removed: 'Removed',
  upgrade: 'Upgraded',
  added: 'Added',
  channel: 'Channel switched',
  rebuilt: 'Rebuilt',
};

const SHORT: Record<ChangeClass, string> = {
  variant: 'CUDA variant',
  abi: 'Python ABI',
  downgrade: 'downgraded',
  removed: 'removed',
  upgrade: 'upgraded',
  added: 'added',
  channel: 'channel',
  rebuilt: 'rebuilt',
};

function sideText(side: PackageSide | null): string {
  if (!side) return '-';
  const version = side.version ?? 'any version';
  const build = side.build ? ` ${side.build}` : '';
  const channel = side.channel ? ` (${side.channel})` : '';
  return `${version}${build}${channel}`;
}

/** Why a change is in its group, and what else it is. */
function notes(change: PackageChange): string[] {
  const out: string[] = [];
  if (change.cuda) out.push(`CUDA ${change.cuda.from ?? 'none'} -> ${change.cuda.to ?? 'none'}`);
  if (change.python) out.push(`Python ${change.python.from} -> ${change.python.to}`);
  if (change.level) out.push(change.level);
  if (change.classes.includes('channel') && change.from && change.to) {
    out.push(`channel ${change.from.channel ?? '?'} -> ${change.to.channel ?? '?'}`);
  }
  if (change.hashChanged) out.push('same version and build, other hash');
  const also = change.classes.filter(
    (c) => c !== change.class && !['variant', 'abi', 'channel'].includes(c),
  );
  if (also.length > 0) out.push(`also ${also.map((c) => SHORT[c]).join(', ')}`);
  return out;
}

function sideLine(name: string, side: SideSummary): string {
  const facts = [
    `${side.packages} package${side.packages === 1 ? '' : 's'}`,
    side.platform,
    side.cuda ? (side.cuda === 'cpu' ? 'CPU build' : `CUDA ${side.cuda}`) : null,
    side.python ? `Python ${side.python}` : null,
  ].filter(Boolean);
  return `${name}: ${side.label}; ${facts.join(', ')}`;
}

function countLine(diff: PackageDiff): string {
  const total = diff.changes.length;
  const parts = CHANGE_CLASSES.filter((c) => diff.counts[c] > 0).map(
    (c) => `${diff.counts[c]} ${SHORT[c]}`,
  );
  return `${total} change${total === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function variantChanged(diff: PackageDiff): boolean {
  return diff.from.cuda !== null && diff.to.cuda !== null && diff.from.cuda !== diff.to.cuda;
}

function variantSentence(diff: PackageDiff): string {
  const name = (cuda: string | null) => (cuda === 'cpu' ? 'the CPU build' : `CUDA ${cuda}`);
  const tail =
    diff.to.cuda === 'cpu'
      ? ': the GPU image would run on the CPU without an error'
      : diff.from.cuda === 'cpu'
        ? ''
        : ': check the fleet driver floor and the base image';
  return `CUDA variant changed from ${name(diff.from.cuda)} to ${name(diff.to.cuda)}${tail}`;
}

export function formatDiffText(diff: PackageDiff, color: Palette): string {
  const lines = [
    color.bold(`envgen diff ${printable(diff.from.label)} -> ${printable(diff.to.label)}`),
    `  ${printable(sideLine('from', diff.from))}`,
    `  ${printable(sideLine('to  ', diff.to))}`,
  ];
  if (variantChanged(diff)) lines.push('', color.red(color.bold(variantSentence(diff))));
  if (diff.changes.length === 0) {
    lines.push('', 'No differences.');
    return `${lines.join('\n')}\n`;
  }
  const width = Math.min(32, Math.max(...diff.changes.map((c) => c.package.length)));
  for (const cls of CHANGE_CLASSES) {
    const group = diff.changes.filter((c) => c.class === cls);
    if (group.length === 0) continue;
    const paint =
      cls === 'variant' || cls === 'abi' || cls === 'downgrade'
        ? color.red
        : cls === 'removed'
          ? color.yellow
          : (t: string) => t;
    lines.push('', paint(color.bold(`${HEADINGS[cls]} (${group.length})`)));
    for (const change of group) {
      const what = `${sideText(change.from)} -> ${sideText(change.to)}`;
      const why = notes(change);
      lines.push(
        printable(
          `  ${change.package.padEnd(width)}  ${what}${why.length ? `  [${why.join('; ')}]` : ''}`,
        ),
      );
    }
  }
  lines.push('', countLine(diff));
  return `${lines.join('\n')}\n`;
}

/** Text in a Markdown table cell or inline: pipes, backticks, angle brackets and line ends escaped. */
function md(text: string): string {
  return printable(text).replace(/[\\`*_|<>[\]]/g, (ch) => `\\${ch}`);
}

function mdCode(text: string): string {
  return `\`${printable(text).replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}

function sideCell(side: PackageSide | null): string {
  if (!side) return '-';
  const version = side.version ? md(side.version) : '*any version*';
  const build = side.build ? ` ${mdCode(side.build)}` : '';
  const channel = side.channel ? ` (${md(side.channel)})` : '';
  return `${version}${build}${channel}`;
}

export function formatDiffMarkdown(diff: PackageDiff): string {
  const out = [
    `### envgen diff: ${mdCode(diff.from.label)} → ${mdCode(diff.to.label)}`,
    '',
    `| | from | to |`,
    `| --- | --- | --- |`,
    `| input | ${mdCode(diff.from.label)} | ${mdCode(diff.to.label)} |`,
    `| packages | ${diff.from.packages} | ${diff.to.packages} |`,
    `| platform | ${md(diff.from.platform ?? '-')} | ${md(diff.to.platform ?? '-')} |`,
    `| CUDA | ${md(diff.from.cuda ?? '-')} | ${md(diff.to.cuda ?? '-')} |`,
    `| Python | ${md(diff.from.python ?? '-')} | ${md(diff.to.python ?? '-')} |`,
  ];
  if (variantChanged(diff)) {
    out.push('', '> [!WARNING]', `> **${md(variantSentence(diff))}.**`);
  }
  if (diff.changes.length === 0) {
    out.push('', 'No differences.');
    return `${out.join('\n')}\n`;
  }
  out.push('', `**${md(countLine(diff))}**`);
  for (const cls of CHANGE_CLASSES) {
    const group = diff.changes.filter((c) => c.class === cls);
    if (group.length === 0) continue;
    out.push(
      '',
      `#### ${HEADINGS[cls]} (${group.length})`,
      '',
      '| package | from | to | notes |',
      '| --- | --- | --- | --- |',
    );
    for (const change of group) {
      out.push(
        `| ${mdCode(change.package)} | ${sideCell(change.from)} | ${sideCell(change.to)} | ${md(notes(change).join('; ')).replaceAll(' -\\> ', ' → ')} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
