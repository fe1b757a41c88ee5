import { stringify } from 'yaml';

/** Distinct values remembered: the same channels and pins recur in every model's file. */
const MAX_REMEMBERED = 4096;
const scalars = new Map<string, string>();

/**
 * A string as a YAML scalar on one line: plain where YAML reads it back as the same string,
 * quoted where it would not (`yes`, `1.10`, `*x`, `: `). Each distinct value goes through the
 * YAML writer once per process (a document built and printed for one scalar, hundreds of times
 * for a spec of hundreds of models).
 */
export function yamlScalar(value: string): string {
  let text = scalars.get(value);
  if (text === undefined) {
    text = stringify(value, { lineWidth: 0 }).trimEnd();
    if (text.includes('\n'))
      throw new Error(`not a one-line YAML scalar: ${JSON.stringify(value)}`);
    if (scalars.size >= MAX_REMEMBERED) scalars.clear();
    scalars.set(value, text);
  }
  return text;
}
