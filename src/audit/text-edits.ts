/**
 * Fixes as text ranges, applied by the engine as ESLint's fixer does: each fix replaces one
 * range of the file's text; the fixes of a pass are sorted, a fix that overlaps one already
 * taken waits for the next pass, and passes repeat (after a fresh audit) until none is left, so
 * fixing twice changes nothing more than fixing once.
 */

export interface TextEdit {
  description: string;
  /** Offsets into the text the audit read: `[start, end)` is replaced by `text`. */
  start: number;
  end: number;
  text: string;
}

/** The one range in which `fixed` differs from `original`; undefined when they are the same. */
export function textEdit(
  original: string,
  fixed: string,
  description: string,
): TextEdit | undefined {
  if (fixed === original) return undefined;
  let start = 0;
  while (start < original.length && start < fixed.length && original[start] === fixed[start]) {
    start++;
  }
  let end = original.length;
  let fixedEnd = fixed.length;
  while (end > start && fixedEnd > start && original[end - 1] === fixed[fixedEnd - 1]) {
    end--;
    fixedEnd--;
  }
  return { description, start, end, text: fixed.slice(start, fixedEnd) };
}

/**
 * {@link textEdit} of `original` and `original` with `[start, end)` replaced by `text`, without
 * building that text: the same range, found by comparing from the splice outwards only.
 */
export function spliceEdit(
  original: string,
  splice: { start: number; end: number; text: string },
  description: string,
): TextEdit | undefined {
  const { start: at, end: cut, text } = splice;
  const fixedLength = original.length - (cut - at) + text.length;
  const fixedChar = (i: number): string | undefined =>
    i < at
      ? original[i]
      : i < at + text.length
        ? text[i - at]
        : original[i - text.length + cut - at];
  let start = at;
  while (start < original.length && start < fixedLength && original[start] === fixedChar(start)) {
    start++;
  }
  let end = original.length;
  let fixedEnd = fixedLength;
  // Past the splice both texts are the same: the comparison from the end starts at its edge.
  const tail = Math.min(
    original.length - cut,
    fixedLength - (at + text.length),
    end - start,
    fixedEnd - start,
  );
  end -= tail;
  fixedEnd -= tail;
  while (end > start && fixedEnd > start && original[end - 1] === fixedChar(fixedEnd - 1)) {
    end--;
    fixedEnd--;
  }
  if (start === end && start === fixedEnd) return undefined;
  const fixed: string[] = [];
  for (let i = start; i < fixedEnd; i++) fixed.push(fixedChar(i) as string);
  return { description, start, end, text: fixed.join('') };
}

/**
 * Applies the edits that do not overlap, earliest first. As in ESLint, an edit that starts
 * where the last one taken ends (or earlier) overlaps it and waits for the next pass; the same
 * edit twice (two findings of one instruction) is applied once. Returns the new text and how
 * many edits were applied.
 */
export function applyEdits(
  text: string,
  edits: readonly TextEdit[],
): { text: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const taken: TextEdit[] = [];
  for (const edit of sorted) {
    const last = taken.at(-1);
    if (last && (sameEdit(edit, last) || edit.start <= last.end)) continue;
    taken.push(edit);
  }
  let out = text;
  for (const edit of [...taken].reverse()) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return { text: out, applied: taken.length };
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}
