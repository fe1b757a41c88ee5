/**
 * `init`'s notes (a requirement not kept as written) as text for stderr, one line each:
 * `note: requirements.txt:3: "nvidia-cublas-cu12==12.1" dropped: torch installs it …`.
 */
import { quote, type RequirementNote } from '../init/detect/collector.js';

export function formatNotes(notes: readonly RequirementNote[]): string {
  if (notes.length === 0) return '';
  const lines = notes.map(
    (n) =>
      `note: ${n.file}${n.line !== null ? `:${n.line}` : ''}: ${quote(n.text)} ${n.action}: ${n.reason}`,
  );
  return `${lines.join('\n')}\n`;
}
