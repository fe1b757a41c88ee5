/**
 * The Python a repo asks for: its `.python-version` file, and the lowest `X.Y` a version spec
 * elsewhere allows.
 *
 * `.python-version`: https://docs.astral.sh/uv/concepts/python-versions/#python-version-files
 */
import { type DetectionCollector, quote } from './collector.js';
import { compareKeys } from './compare.js';
import type { RepoFiles } from './repo-files.js';

/** The first version in `.python-version`, as pyenv and uv write it (`3.11.4`, `cpython-3.12`). */
export async function readPythonVersion(
  files: RepoFiles,
  found: DetectionCollector,
): Promise<void> {
  const text = await files.readText('.python-version');
  if (text === undefined) return;
  const first = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
  // Free-threaded builds: pyenv's `3.13t` and `3.13.1t`, uv's `3.13+freethreaded`.
  const match = /^(?:cpython-)?(3\.[0-9]{1,2})(?:\.[0-9]+)?(t|\+freethreaded)?(?:[.+-].*)?$/.exec(
    first ?? '',
  );
  if (match) found.propose('python', `${match[1]}${match[2] ? 't' : ''}`, '.python-version');
  else found.note(`.python-version: ${quote(first ?? '')} is not a CPython 3 version, ignored`);
}

/** Why a Python version spec gave no `X.Y`. */
export const NO_LOWER_BOUND = 'no lower bound envgen can read';

/**
 * The lowest Python `X.Y` a spec allows, conda or PEP 440 (`>=3.10`, `3.11.*`, `=3.9.16`,
 * `^3.10`): the highest lower bound of each alternative, the lowest across alternatives.
 */
export function lowestPython(spec: string): string | undefined {
  let lowest: [number, number] | undefined;
  for (const alternative of spec.split('|')) {
    let bound: [number, number] | undefined;
    for (const part of alternative.split(',')) {
      const match = /^\s*(?:===?|=|>=|>|~=|\^|~)?\s*([0-9]+)\.([0-9]+)/.exec(part);
      if (!match) continue;
      const version: [number, number] = [Number(match[1]), Number(match[2])];
      if (!bound || compareKeys(version, bound) > 0) bound = version;
    }
    if (bound && (!lowest || compareKeys(bound, lowest) < 0)) lowest = bound;
  }
  return lowest ? `${lowest[0]}.${lowest[1]}` : undefined;
}
