/**
 * Mechanical fixes to one instruction, as rewrites of the file's text: the engine turns each into
 * the range it changes (text-edits.ts) and applies them pass after pass. A rewrite finds its
 * instruction again (by its line or its text) and leaves text that is already fixed alone, so
 * applying it twice changes nothing.
 *
 * - `replaceInstruction`: the instruction's lines replaced by new lines
 * - `rewriteEdit`: the instruction's text rewritten by a function, or new lines after it
 * - `insertAfterMatch`: the text with insertions after matches of a pattern in its arguments
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { DockerfileContext, DockerInstruction, Edit } from '../../types.js';

/** The instruction's lines as written. */
export function instructionText(
  context: DockerfileContext,
  instruction: DockerInstruction,
): string {
  return context.lines.slice(instruction.line - 1, instruction.endLine).join('\n');
}

export function replaceInstruction(
  context: DockerfileContext,
  instruction: DockerInstruction,
  replacement: string,
  description: string,
): Edit | undefined {
  const original = instructionText(context, instruction);
  if (replacement === original) return undefined;
  const start = instruction.line - 1;
  const originalCount = instruction.endLine - instruction.line + 1;
  const replacementCount = replacement.split('\n').length;
  return {
    description,
    splice() {
      // `apply` on the audited text: its lines at `start` are the instruction's.
      if (context.lines.slice(start, start + replacementCount).join('\n') === replacement)
        return undefined;
      const from = lineOffset(context, start);
      return { start: from, end: from + original.length, text: replacement };
    },
    apply(text) {
      const lines = text.split('\n');
      const at = (count: number) => lines.slice(start, start + count).join('\n');
      if (at(replacementCount) === replacement) return text;
      if (at(originalCount) === original) {
        return [...lines.slice(0, start), replacement, ...lines.slice(start + originalCount)].join(
          '\n',
        );
      }
      if (text.includes(replacement)) return text;
      const index = text.indexOf(original);
      return index < 0
        ? text
        : text.slice(0, index) + replacement + text.slice(index + original.length);
    },
  };
}

/**
 * The offset in the instruction's text where its arguments start (after the keyword and flags):
 * rewriting there never touches a `--mount=...` path that happens to contain a command name.
 */
function argumentsOffset(context: DockerfileContext, instruction: DockerInstruction): number {
  const start = instruction.raw.getArguments()[0]?.getRange().start;
  if (!start) return 0;
  const before = context.lines.slice(instruction.line - 1, start.line);
  return before.reduce((sum, line) => sum + line.length + 1, 0) + start.character;
}

/**
 * Inserts `insertion` after the match number `index` of `pattern` in the instruction's arguments,
 * provided the pattern matches exactly `expected` times (else the commands and the text disagree
 * and no edit is offered).
 */
export function insertAfterMatch(
  context: DockerfileContext,
  instruction: DockerInstruction,
  pattern: RegExp,
  expected: number,
  inserts: ReadonlyMap<number, string>,
): string | undefined {
  const text = instructionText(context, instruction);
  const offset = argumentsOffset(context, instruction);
  const matches = [
    ...text
      .slice(offset)
      .matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)),
  ];
  if (matches.length !== expected) return undefined;
  let out = text;
  for (const [index, match] of [...matches.entries()].reverse()) {
    const insertion = inserts.get(index);
    if (!insertion || match.index === undefined) continue;
    const end = offset + match.index + match[0].length;
    out = out.slice(0, end) + insertion + out.slice(end);
  }
  return out;
}

interface Span {
  start: number;
  end: number;
  line: number;
}

function offsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Line start offsets of each audited file, computed once (keyed by its lines). */
const lineStarts = new WeakMap<readonly string[], number[]>();

/** The offset in the audited text where the 0-based line `index` starts. */
function lineOffset(context: DockerfileContext, index: number): number {
  let starts = lineStarts.get(context.lines);
  if (!starts) {
    starts = offsets(context.text);
    lineStarts.set(context.lines, starts);
  }
  return starts[index] ?? context.text.length;
}

/** An instruction's span in the audited text, from the parse the context already holds. */
function ownSpan(context: DockerfileContext, instruction: DockerInstruction): Span | undefined {
  // An ONBUILD's trigger is not an instruction of the file's own: no span of its keyword.
  if (instruction.onbuild) return undefined;
  const { start, end } = instruction.raw.getRange();
  return {
    start: lineOffset(context, start.line) + start.character,
    end: lineOffset(context, end.line) + end.character,
    line: start.line + 1,
  };
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

/**
 * The exact text of an instruction, by the parser's range (from its keyword to its last
 * character). From the context's own parse: parsing the file again for every finding made
 * audit quadratic in the number of RUNs.
 */
function writtenText(context: DockerfileContext, instruction: DockerInstruction): string {
  const span = ownSpan(context, instruction);
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
  const original = writtenText(context, instruction);
  const rewritten = original ? rewrite(original) : original;
  if (!original || rewritten === original) return undefined;
  return {
    description,
    splice() {
      // `apply` on the audited text finds the instruction itself (distance 0, same text).
      const span = ownSpan(context, instruction);
      if (!span) return undefined;
      if (!insertAfter) return { start: span.start, end: span.end, text: rewritten };
      if (context.text.startsWith(`\n${rewritten}`, span.end)) return undefined;
      return { start: span.end, end: span.end, text: `\n${rewritten}` };
    },
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
