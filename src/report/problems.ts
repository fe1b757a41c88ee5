/**
 * Problems as text, for every command: one line a problem with its code and an indented `fix:`
 * line. Commands print them compiler-style on stderr (`file:line:col: error: message [code]`);
 * audit prints its findings grouped under each file, with a count at the end.
 */

import type { Diagnostic, Problem } from '../problem.js';
import type { Palette } from './color.js';

/**
 * Text as a terminal may show it: control characters (C0, DEL, C1) and the line and paragraph
 * separators escaped as JSON writes them (`\u001b`, `\n`), so a value quoted in a message can
 * neither move the cursor, set the title, clear the screen nor break the line.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const escaped = JSON.stringify(ch).slice(1, -1);
    return escaped.length > 1 ? escaped : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function severityLabel(problem: Problem, color: Palette): string {
  return problem.severity === 'error'
    ? color.red('error')
    : problem.severity === 'warning'
      ? color.yellow('warning')
      : color.blue('info');
}

/** `file:line:col: error: message [rule]` and an indented `fix:` line, per problem. */
export function formatProblems(problems: readonly Problem[], color: Palette): string {
  return problems
    .map((problem) => {
      const where = problem.file
        ? `${printable(problem.file)}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}: `
        : '';
      const head = `${color.bold(where)}${severityLabel(problem, color)}: ${printable(problem.message)} ${color.dim(`[${problem.ruleId}]`)}`;
      return problem.fix
        ? `${head}\n  ${color.cyan('fix:')} ${printable(problem.fix)}\n`
        : `${head}\n`;
    })
    .join('');
}

/**
 * Findings grouped by file: `line:col  level  message  CODE (fixable)` and the `fix:` line, then
 * how many files were checked and what was found.
 */
export function formatProblemsByFile(
  diagnostics: readonly (Diagnostic & { fixable?: boolean })[],
  filesChecked: number,
  c: Palette,
): string {
  const lines: string[] = [];
  let current = '';
  for (const d of diagnostics) {
    if (d.file !== current) {
      if (current) lines.push('');
      lines.push(c.underline(printable(d.file)));
      current = d.file;
    }
    lines.push(
      `  ${`${d.line}:${d.column}`.padEnd(7)} ${severityLabel(d, c).padEnd(7)} ${printable(d.message)} ${c.dim(d.ruleId)}${d.fixable ? c.dim(' (fixable)') : ''}`,
    );
    if (d.fix) lines.push(`          ${c.cyan('fix:')} ${printable(d.fix)}`);
  }
  const count = (level: string) => diagnostics.filter((d) => d.severity === level).length;
  lines.push(
    '',
    `${filesChecked} file${filesChecked === 1 ? '' : 's'} checked: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info.`,
  );
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}
