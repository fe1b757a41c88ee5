/**
 * Conda match specs as audit reads them: each distinct entry parsed once per process. An audit
 * of a repository with hundreds of environment files and Dockerfiles meets the same entries
 * (`python=3.11`, `pytorch-cuda=11.8`) in every one of them, in the files themselves and again
 * in the rules that read RUN lines, and a version part can take rattler's WASM to parse.
 * Answers are shared, so they are frozen.
 */
import {
  type CondaMatchSpec,
  type EntryCheck,
  parseCondaMatchSpec,
} from '../spec/package-entries.js';

/** Distinct entries remembered; past this the memo starts again (a bound, not a cache policy). */
const MAX_ENTRIES = 4096;
const parsed = new Map<string, EntryCheck<Readonly<CondaMatchSpec>>>();

/** {@link parseCondaMatchSpec}, remembered. */
export function matchSpecOf(entry: string): EntryCheck<Readonly<CondaMatchSpec>> {
  let answer = parsed.get(entry);
  if (answer) return answer;
  const fresh = parseCondaMatchSpec(entry);
  answer = Object.freeze(fresh.ok ? { ok: true, value: Object.freeze(fresh.value) } : fresh);
  if (parsed.size >= MAX_ENTRIES) parsed.clear();
  parsed.set(entry, answer);
  return answer;
}
