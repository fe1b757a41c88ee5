/**
 * Problems as text, for every command: one line a problem with its code and an indented `fix:`
 * line. Commands print them compiler-style on stderr (`file:line:col: error: message [code]`);
 * audit prints its findings grouped under each file, with a count at the end.
 */
import type { ChalkInstance } from 'chalk';
import type { Diagnostic, Problem } from '../problem.js';

function severityLabel(problem: Problem, color: ChalkInstance): string {
  return problem.severity === 'error'
    ? color.red('error')
    : problem.severity === 'warning'
      ? color.yellow('warning')
      : color.blue('info');
}

/** `file:line:col: error: message [rule]` and an indented `fix:` line, per problem. */
export function formatProblems(problems: readonly Problem[], color: ChalkInstance): string {
  return problems
    .map((problem) => {
      const where = problem.file
        ? `${problem.file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}: `
        : '';
      const head = `${color.bold(where)}${severityLabel(problem, color)}: ${problem.message} ${color.dim(`[${problem.ruleId}]`)}`;
      return problem.fix ? `${head}\n  ${color.cyan('fix:')} ${problem.fix}\n` : `${head}\n`;
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
    lines.push(
      `  ${`${d.line}:${d.column}`.padEnd(7)} ${severityLabel(d, c).padEnd(7)} ${d.message} ${c.dim(d.ruleId)}${d.fixable ? c.dim(' (fixable)') : ''}`,
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
