/**
 * Reads what a user names on the command line as package sets: a file (explicit lock,
 * conda-lock.yml, pixi.lock, environment.yml, pip freeze / requirements), an installed prefix
 * (a folder with `conda-meta/`), or either at a git revision (`REV:path`, read with
 * `git show`). The kind is told by the file's name and content; what is none of them, or is
 * broken, is a problem with the file, the line and what was expected (exit 2).
 *
 * Seam: conda-lock.yml and prefixes are read by `./conda-lock.js` and `./prefix.js`.
 */
import { basename, isAbsolute, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Io, MAX_READ_BYTES } from '../io.js';
import { problem, UserError } from '../problem.js';
import { parseCondaLock } from './conda-lock.js';
import { parseEnvironmentYml } from './environment-yml.js';
import { isExplicitLock, parseExplicitLock } from './explicit-lock.js';
import type { PackageSet } from './package-set.js';
import { looksLikePipRequirement, parsePipRequirements } from './pip-requirements.js';
import { isPixiLockValue, parsePixiLock } from './pixi-lock.js';
import { readPrefix } from './prefix.js';

/** The kinds of file an input can be (a prefix is a folder). */
type FileKind = 'explicit-lock' | 'conda-lock' | 'pixi-lock' | 'environment-yml' | 'pip-freeze';

const KINDS_ACCEPTED =
  'an explicit lock (@EXPLICIT), a conda-lock.yml, a pixi.lock (version 6 or 7), an environment.yml, a pip freeze or requirements file, a conda prefix (a folder with conda-meta/), or REV:path for one of these at a git revision';

/** `main:envs/a/conda-linux-64.lock` as a revision and a path; null for a plain path. */
export function splitRevision(arg: string): { revision: string; path: string } | null {
  const match = /^([^:\s]+):(.+)$/.exec(arg);
  if (!match?.[1] || !match[2] || /^[A-Za-z]$/.test(match[1])) return null;
  return { revision: match[1], path: match[2] };
}

/**
 * The text of a file at a git revision (`git show REV:path`, in `cwd`), or null when the
 * revision has no such path; a revision git does not know is a problem with git's reason.
 */
export async function gitShow(
  io: Io,
  cwd: string,
  revision: string,
  path: string,
  options: { missingIsNull?: boolean } = {},
): Promise<string | null> {
  const git = await io.which('git');
  if (!git) {
    throw new UserError([
      problem('packages/no-git', `reading ${revision}:${path} needs git, which is not on PATH`, {
        fix: 'install git, or name a file on disk instead of REV:path',
      }),
    ]);
  }
  if (revision.startsWith('-'))
    throw revisionProblem(revision, path, 'a revision cannot start with -');
  const result = await io.exec(git, ['show', '--no-textconv', `${revision}:${path}`], {
    cwd,
    timeoutMs: 60_000,
    stdoutChars: MAX_READ_BYTES,
  });
  if (result.exitCode === 0 && result.stdout.length > MAX_READ_BYTES) {
    throw new UserError([
      problem(
        'packages/unknown-kind',
        `${revision}:${path} is larger than ${MAX_READ_BYTES} characters, too large to be an environment file`,
        {
          fix: `name ${KINDS_ACCEPTED}`,
        },
      ),
    ]);
  }
  if (result.exitCode === 0) return result.stdout;
  const reason = result.stderr.trim().split('\n')[0] ?? `git exited with ${result.exitCode}`;
  const pathMissing = /does not exist in|exists on disk, but not in/.test(reason);
  if (pathMissing && options.missingIsNull) return null;
  throw revisionProblem(revision, path, reason);
}

function revisionProblem(revision: string, path: string, reason: string): UserError {
  return new UserError([
    problem('packages/git-revision', `cannot read ${revision}:${path}: ${reason}`, {
      fix: 'name a revision git knows (a branch, tag or commit: `git log --oneline`) and a path in it, relative to the repository root (or ./path, relative to the current folder)',
    }),
  ]);
}

/**
 * Every package set an input holds (one per platform for multi-platform locks). `cwd` is the
 * folder relative paths and git revisions are read from.
 */
export async function readInput(
  io: Io,
  cwd: string,
  arg: string,
  environment?: string,
): Promise<PackageSet[]> {
  const path = isAbsolute(arg) ? arg : join(cwd, arg);
  const onDisk = await io.exists(path);
  // `pixi.lock#cuda`: the environment `cuda` of a pixi.lock.
  const named = onDisk || environment ? null : /^(.+)#([A-Za-z0-9_.-]+)$/.exec(arg);
  if (named?.[1] && named[2]) return readInput(io, cwd, named[1], named[2]);
  const revision = onDisk ? null : splitRevision(arg);
  if (revision) {
    const text = await gitShow(io, cwd, revision.revision, revision.path);
    return readText(text ?? '', arg, revision.path, environment);
  }
  const label = relative(cwd, path) || arg;
  if (!onDisk) {
    throw new UserError([
      problem('packages/not-found', `${arg} does not exist`, {
        file: label,
        fix: `name ${KINDS_ACCEPTED}`,
      }),
    ]);
  }
  let bytes: Buffer;
  try {
    bytes = await io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' && environment === undefined) return [await readFolder(io, path, label)];
    if (code === 'EISDIR') return readText('', label, path, environment);
    if (code === 'EFBIG' || code === 'EFTYPE') {
      throw new UserError([
        problem(
          'packages/unknown-kind',
          `${label} is ${code === 'EFBIG' ? 'too large to be' : 'not a regular file, so not'} an environment file`,
          { file: label, fix: `name ${KINDS_ACCEPTED}` },
        ),
      ]);
    }
    throw new UserError([
      problem('packages/unreadable', `cannot read ${label}: ${(error as Error).message}`, {
        file: label,
        fix: 'check its permissions',
      }),
    ]);
  }
  if (bytes.includes(0)) {
    throw new UserError([
      problem('packages/unknown-kind', `${label} is a binary file, not an environment file`, {
        file: label,
        fix: `name ${KINDS_ACCEPTED}`,
      }),
    ]);
  }
  return readText(bytes.toString('utf8'), label, path, environment);
}

/** A folder is read as an installed environment; readPrefix says when it is not one. */
async function readFolder(io: Io, path: string, label: string): Promise<PackageSet> {
  return readPrefix(io, path, label);
}

/** The sets of one file's text; `name` is its path (for the kind its name suggests). */
export function readText(
  text: string,
  label: string,
  name: string,
  environment?: string,
): PackageSet[] {
  const kind = kindOf(basename(name), text);
  if (environment !== undefined && kind !== 'pixi-lock') {
    throw new UserError([
      problem(
        'packages/unknown-kind',
        `${label}#${environment}: only a pixi.lock has named environments`,
        {
          file: label,
          fix: `name ${label} without #${environment}`,
        },
      ),
    ]);
  }
  switch (kind) {
    case 'explicit-lock':
      return [parseExplicitLock(text, label)];
    case 'pixi-lock':
      return environment === undefined
        ? parsePixiLock(text, label, 'default', name)
        : parsePixiLock(text, `${label}#${environment}`, environment, name);
    case 'conda-lock':
      return parseCondaLock(text, label);
    case 'environment-yml':
      return [parseEnvironmentYml(text, label)];
    case 'pip-freeze':
      return [parsePipRequirements(text, label)];
    default:
      throw new UserError([
        problem('packages/unknown-kind', `${label} is not a file envgen can read packages from`, {
          file: label,
          fix: `name ${KINDS_ACCEPTED}`,
        }),
      ]);
  }
}

/** The kind of a file from its name, then its content; undefined when it is none of them. */
export function kindOf(name: string, text: string): FileKind | undefined {
  if (name === 'pixi.lock') return 'pixi-lock';
  if (/(^|[.-])conda-lock\.ya?ml$/.test(name)) return 'conda-lock';
  if (isExplicitLock(text)) return 'explicit-lock';
  if (/^conda-.+\.lock$/.test(name)) return 'explicit-lock';
  const yamlName = /\.ya?ml$/.test(name);
  const value = yamlValue(text);
  if (value !== undefined) {
    if (isPixiLockValue(value)) return 'pixi-lock';
    if ('metadata' in value && 'package' in value) return 'conda-lock';
    if ('dependencies' in value) return 'environment-yml';
  }
  if (yamlName)
    return value === undefined && /^\s*(name|channels|dependencies)\s*:/m.test(text)
      ? 'environment-yml'
      : undefined;
  if (/(requirements|constraints|freeze|pip).*\.(txt|in)$|\.txt$/.test(name)) return 'pip-freeze';
  const first = text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .find((line) => line !== '');
  if (first !== undefined && looksLikePipRequirement(first)) return 'pip-freeze';
  return undefined;
}

/** The top-level map of a YAML text, or undefined when it is not one. */
function yamlValue(text: string): Record<string, unknown> | undefined {
  try {
    const value = parseYaml(text, { maxAliasCount: 100 }) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
