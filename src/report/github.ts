/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped as the runner
 * requires: `%`, CR and LF in the message; also `:` and `,` in property values.
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions
 */
import type { Diagnostic } from '../problem.js';

const escapeData = (text: string): string =>
  text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const escapeProperty = (text: string): string =>
  escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const command =
        d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const properties = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        `title=${escapeProperty(`envgen ${d.ruleId}`)}`,
      ];
      return `::${command} ${properties.join(',')}::${escapeData(d.fix ? `${d.message} (fix: ${d.fix})` : d.message)}\n`;
    })
    .join('');
}
