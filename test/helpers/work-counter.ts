/**
 * A deterministic measure of how much work a call does, for tests that prove an algorithm is
 * linear without timing it: while `run` runs, the characters that string slicing and splitting
 * hand back, and the regular-expression searches made. A quadratic scan (slicing the text
 * before every finding, re-reading the file for every instruction) shows as a count that grows
 * with the square of the input; the same input always gives the same count.
 */
export interface Work {
  /** Characters returned by slice, substring and split. */
  characters: number;
  /** Calls of RegExp.prototype.exec (test, match, replace and split with a pattern call it). */
  searches: number;
}

export async function countWork(run: () => Promise<unknown>): Promise<Work> {
  const work: Work = { characters: 0, searches: 0 };
  const string = String.prototype;
  const originals = {
    slice: string.slice,
    substring: string.substring,
    split: string.split,
    exec: RegExp.prototype.exec,
  };
  string.slice = function (this: string, ...args: [number?, number?]) {
    const result = originals.slice.apply(this, args);
    work.characters += result.length;
    return result;
  };
  string.substring = function (this: string, ...args: [number, number?]) {
    const result = originals.substring.apply(this, args);
    work.characters += result.length;
    return result;
  };
  string.split = function (this: string, ...args: Parameters<typeof originals.split>) {
    const result = originals.split.apply(this, args);
    for (const part of result) work.characters += part.length;
    return result;
  } as typeof originals.split;
  RegExp.prototype.exec = function (this: RegExp, text: string) {
    work.searches++;
    return originals.exec.call(this, text);
  };
  try {
    await run();
  } finally {
    Object.assign(string, {
      slice: originals.slice,
      substring: originals.substring,
      split: originals.split,
    });
    RegExp.prototype.exec = originals.exec;
  }
  return work;
}

/** How much more work `large` took than `small`, for each measure (the larger ratio). */
export function growth(small: Work, large: Work): number {
  return Math.max(
    large.characters / Math.max(1, small.characters),
    large.searches / Math.max(1, small.searches),
  );
}
