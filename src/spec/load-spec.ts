/**
 * Loads `envgen.yaml`: reads it, refuses what is not a YAML text, parses it keeping positions,
 * validates it against `schemas/envgen.schema.json` and checks every package entry. All
 * problems of one file are reported together (exit 2); nothing is returned half-valid. A text
 * this build has loaded before comes from the spec cache (src/spec/spec-cache.ts).
 */
import { dirname, relative } from 'node:path';
import type { Io } from '../io.js';
import { UserError } from '../problem.js';
import { type SourceFileProblem, sourceFileCode } from '../problem-codes.js';
import { checkBundles, checkPackageEntries } from './check-entries.js';
import { checkObserve } from './observe.js';
import { schemaProblems } from './schema-problems.js';
import { cachedSpec, keepSpec, lazyLocate, type SpecCache, specCache } from './spec-cache.js';
import type { LoadedSpec, Spec } from './types.js';
import { parseYamlSource } from './yaml-source.js';

/** A spec larger than this is not a hand-written spec. */
const MAX_SPEC_BYTES = 1024 * 1024;

export const SPEC_FILE = 'envgen.yaml';

/** Reads and validates a spec file; throws {@link UserError} listing every problem found. */
export async function loadSpec(io: Io, path: string): Promise<LoadedSpec> {
  const file = relative(io.cwd, path) || path;
  const text = await readText(io, path, file, 'spec');
  return loadSpecText(io, text, file);
}

/**
 * A spec's text, loaded: from the spec cache where this build has loaded the same text before,
 * else parsed, validated (throwing {@link UserError} as {@link parseSpecText} does) and kept.
 */
export async function loadSpecText(
  io: Io,
  text: string,
  file: string,
  cache: SpecCache | undefined = specCache(io),
): Promise<LoadedSpec> {
  const cached = cache ? await cachedSpec(io, cache, text) : undefined;
  if (cached) return { file, spec: cached, locate: lazyLocate(text, file) };
  const loaded = parseSpecText(text, file);
  if (cache) await keepSpec(io, cache, text, loaded.spec);
  return loaded;
}

/** Parses and validates spec text. */
export function parseSpecText(text: string, file: string): LoadedSpec {
  if (onlyBlankOrComments(text)) {
    throw new UserError([
      {
        ruleId: 'spec/empty',
        severity: 'error',
        file,
        message: `${file} is empty`,
        fix: 'run `envgen init`, or write `version: 1` and a `models:` map',
      },
    ]);
  }
  const source = parseYamlSource(text, file);
  const context = { file, locate: source.locate, locateKey: source.locateKey };
  const problems = schemaProblems(source.value, context);
  if (problems.length === 0) {
    problems.push(
      ...checkPackageEntries(source.value as Spec, context),
      ...checkBundles(source.value as Spec, context),
      ...checkObserve(source.value as Spec, context),
    );
  }
  if (problems.length > 0) throw new UserError(problems);
  return { file, spec: source.value as Spec, locate: source.locate };
}

/**
 * Whether every line is blank or a comment. One pass over the lines: the regular expression it
 * replaces (`/^\s*#.*$/gm`, whose `\s*` also crosses line ends) backtracked over every run of
 * blank lines from each of its lines, minutes for a 1 MB file of newlines.
 */
function onlyBlankOrComments(text: string): boolean {
  for (const line of text.split(/\r\n|[\n\r\u2028\u2029]/)) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return false;
  }
  return true;
}

/**
 * Reads a hand-written text file, refusing what cannot be one: missing, a folder, not a regular
 * file (a FIFO, a device), too large (checked while reading),
 * binary or not UTF-8. `kind` prefixes the rule ids (`spec/not-found`, `rules/not-text`).
 */
export async function readText(
  io: Io,
  path: string,
  file: string,
  kind: 'spec' | 'rules',
): Promise<string> {
  const problem = (code: SourceFileProblem, message: string, fix: string): UserError =>
    new UserError([{ ruleId: sourceFileCode(kind, code), severity: 'error', file, message, fix }]);
  let bytes: Buffer;
  try {
    // The limit holds while reading: a link to /dev/zero is refused, never read to the end.
    bytes = await io.readFile(path, MAX_SPEC_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw problem(
        'not-found',
        kind === 'spec' ? `no ${SPEC_FILE} in ${dirname(path)}` : `${file} does not exist`,
        kind === 'spec'
          ? 'run `envgen init` to write one, or pass the pins as flags (`envgen resolve --torch 2.1 --cuda 11.8`)'
          : 'pass the path of a JSON or YAML file in the format of schemas/rules.schema.json',
      );
    }
    if (code === 'EISDIR')
      throw problem('not-a-file', `${file} is a directory`, 'name the file itself');
    if (code === 'EFTYPE') {
      throw problem(
        'not-a-file',
        `${file} is not a regular file (a FIFO, a device, …)`,
        'name a regular file',
      );
    }
    if (code === 'EFBIG') {
      throw problem(
        'too-large',
        `${file} is larger than ${MAX_SPEC_BYTES} bytes, the most envgen reads`,
        'check that the right file is named',
      );
    }
    throw problem(
      'unreadable',
      `cannot read ${file} (${code ?? String(error)})`,
      'check the permissions',
    );
  }
  const notText = (): never => {
    throw problem(
      'not-text',
      `${file} is not a UTF-8 text file`,
      'name a YAML (or JSON) text file',
    );
  };
  if (bytes.includes(0)) notText();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return notText();
  }
}
