import type { AuditDiagnostic } from '../audit/engine.js';
import { jsonText } from './json.js';

/** `{"diagnostics": [...], "summary": {...}}` as the audit issue specifies. */
export function formatJson(diagnostics: readonly AuditDiagnostic[], filesChecked: number): string {
  const count = (level: string) => diagnostics.filter((d) => d.severity === level).length;
  const summary = {
    files: filesChecked,
    errors: count('error'),
    warnings: count('warning'),
    info: count('info'),
    fixable: diagnostics.filter((d) => d.fixable).length,
  };
  return jsonText({ diagnostics, summary });
}
