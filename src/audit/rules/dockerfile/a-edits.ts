/**
 * Mechanical fixes to one instruction. An edit finds its instruction again by its text (other
 * fixes may have moved lines since the audit), rewrites only that text, and does nothing when
 * the instruction is gone or already rewritten, so applying it twice changes nothing.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { DockerfileContext, DockerInstruction, Edit } from '../../types.js';

interface Span {
  start: number;
  end: number;
  line: number;
}

function offsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The spans of a file's instructions with a keyword, by character offset. */
function spans(text: string, keyword: string): Span[] {
  let parsed: ReturnType<typeof DockerfileParser.parse>;
  try {
    parsed = DockerfileParser.parse(text);
  } catch {
    return [];
  }
  const starts = offsets(text);
  return parsed
    .getInstructions()
    .filter((i) => i.getKeyword().toUpperCase() === keyword)
    .map((i) => {
      const { start, end } = i.getRange();
      return {
        start: (starts[start.line] ?? 0) + start.character,
        end: (starts[end.line] ?? 0) + end.character,
        line: start.line + 1,
      };
    });
}

/** The text of an instruction as written (continuation lines included). */
export function instructionText(
  context: DockerfileContext,
  instruction: DockerInstruction,
): string {
  const span = spans(context.text, instruction.keyword).find((s) => s.line === instruction.line);
  return span ? context.text.slice(span.start, span.end) : '';
}

/**
 * An edit that replaces the instruction's text with `rewrite(text)`; when `insertAfter` is set,
 * the rewrite's result goes on new lines after the instruction instead. The instruction is found
 * again by its original text, else as the nearest one with its keyword (another fix may have
 * rewritten it: `rewrite` then applies to the new text, so it must leave already-fixed text alone).
 */
export function rewriteEdit(
  context: DockerfileContext,
  instruction: DockerInstruction,
  description: string,
  rewrite: (current: string) => string,
  insertAfter = false,
): Edit | undefined {
  const original = instructionText(context, instruction);
  if (!original || rewrite(original) === original) return undefined;
  return {
    description,
    apply(text: string): string {
      const distance = (s: Span) => Math.abs(s.line - instruction.line);
      const candidates = spans(text, instruction.keyword).sort((a, b) => distance(a) - distance(b));
      const span = candidates.find((s) => text.slice(s.start, s.end) === original) ?? candidates[0];
      if (!span) return text;
      const current = text.slice(span.start, span.end);
      const replacement = rewrite(current);
      if (insertAfter) {
        if (text.slice(span.end).startsWith(`\n${replacement}`)) return text;
        return `${text.slice(0, span.end)}\n${replacement}${text.slice(span.end)}`;
      }
      return text.slice(0, span.start) + replacement + text.slice(span.end);
    },
  };
}
