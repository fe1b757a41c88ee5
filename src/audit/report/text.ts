/** Human output of `envgen audit`: grouped by file, one line per finding with its rule id and fix. */
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../engine.js';

export function formatText(
  diagnostics: readonly Diagnostic[],
  filesChecked: number,
  c: ChalkInstance,
): string {
  const lines: string[] = [];
  let current = '';
  for (const d of diagnostics) {
    if (d.file !== current) {
      if (current) lines.push('');
      lines.push(c.underline(d.file));
      current = d.file;
    }
    const level =
      d.severity === 'error'
        ? c.red('error')
        : d.severity === 'warning'
          ? c.yellow('warning')
          : c.blue('info');
    lines.push(
      `  ${`${d.line}:${d.column}`.padEnd(7)} ${level.padEnd(7)} ${d.message} ${c.dim(d.ruleId)}${d.fixable ? c.dim(' (fixable)') : ''}`,
    );
    if (d.fix) lines.push(`          ${c.cyan('fix:')} ${d.fix}`);
  }
  const count = (level: string) => diagnostics.filter((d) => d.severity === level).length;
  lines.push(
    '',
    `${filesChecked} file${filesChecked === 1 ? '' : 's'} checked: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info.`,
  );
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}
