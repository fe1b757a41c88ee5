/**
 * Mechanical fixes that rewrite one instruction (group B helpers). The edit finds the
 * instruction at its line, or else by its text (earlier edits may have moved it), and does
 * nothing once the replacement is in place, so applying it twice changes nothing.
 */
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
export function argumentsOffset(
  context: DockerfileContext,
  instruction: DockerInstruction,
): number {
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
