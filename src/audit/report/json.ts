import type { Diagnostic } from '../engine.js';

/** `{"diagnostics": [...], "summary": {...}}` as the audit issue specifies. */
export function formatJson(diagnostics: readonly Diagnostic[], filesChecked: number): string {
  const count = (level: string) => diagnostics.filter((d) => d.severity === level).length;
  const summary = {
    files: filesChecked,
    errors: count('error'),
    warnings: count('warning'),
    info: count('info'),
    fixable: diagnostics.filter((d) => d.fixable).length,
  };
  return `${JSON.stringify({ diagnostics, summary }, null, 2)}\n`;
}
