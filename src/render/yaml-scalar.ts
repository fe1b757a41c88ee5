import { stringify } from 'yaml';

/**
 * A string as a YAML scalar on one line: plain where YAML reads it back as the same string,
 * quoted where it would not (`yes`, `1.10`, `*x`, `: `).
 */
export function yamlScalar(value: string): string {
  const text = stringify(value, { lineWidth: 0 }).trimEnd();
  if (text.includes('\n')) throw new Error(`not a one-line YAML scalar: ${JSON.stringify(value)}`);
  return text;
}
