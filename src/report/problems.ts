import type { ChalkInstance } from 'chalk';
import type { Problem } from '../problem.js';

/** `file:line:col: error: message [rule]` and an indented `fix:` line, per problem. */
export function formatProblems(problems: readonly Problem[], color: ChalkInstance): string {
  return problems
    .map((problem) => {
      const where = problem.file
        ? `${problem.file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''}: `
        : '';
      const severity =
        problem.severity === 'error'
          ? color.red('error')
          : problem.severity === 'warning'
            ? color.yellow('warning')
            : color.blue('info');
      const head = `${color.bold(where)}${severity}: ${problem.message} ${color.dim(`[${problem.ruleId}]`)}`;
      return problem.fix ? `${head}\n  ${color.cyan('fix:')} ${problem.fix}\n` : `${head}\n`;
    })
    .join('');
}
