/**
 * Machine output: every command's `--json` goes through here, so each prints one document,
 * indented the same way, ending in a newline, with nothing else on stdout.
 */
import type { Io } from '../io.js';

/** The text of a JSON document as envgen prints and writes it. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Prints a JSON document on stdout. */
export function writeJson(io: Pick<Io, 'stdout'>, value: unknown): void {
  io.stdout.write(jsonText(value));
}
