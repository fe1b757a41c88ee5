/** Line numbers of offsets in a text, from one pass over it (a file may have thousands of matches). */

/** A function from a character offset to its 1-based line. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

let last: { text: string; line: (offset: number) => number } | undefined;

/** The 1-based line of `offset` in `text`; the index of the last text asked about is kept. */
export function lineAt(text: string, offset: number): number {
  if (last?.text !== text) last = { text, line: lineIndex(text) };
  return last.line(offset);
}
