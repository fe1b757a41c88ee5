/**
 * Which files `envgen audit` looks at when none are named: every Dockerfile and conda
 * environment file under the folder that git does not ignore (outside git: every file, minus
 * the usual build and dependency folders), and envgen.yaml.
 */
import { dirname, join, posix, relative, sep } from 'node:path';
import { parse } from 'yaml';
import type { Io } from '../io.js';
import { STATE_FOLDER } from '../layout.js';
import { kindByName } from './engine.js';
import { MULTIPROC_NAMES } from './rules/observe/facts.js';
import type { Target } from './types.js';

const SKIP = new Set([
  '.git',
  'node_modules',
  STATE_FOLDER,
  '.venv',
  'venv',
  '__pycache__',
  'dist',
  'build',
  '.tox',
  '.mypy_cache',
]);
const MAX_FILES = 20_000;

/**
 * Whether git could see `root` as part of a work tree: a `.git` (folder, or the file of a
 * worktree or submodule) in it or a folder above it, or GIT_DIR or GIT_WORK_TREE set (then git
 * decides). Where this is false, asking git costs starting it (milliseconds) to hear "not a git
 * repository".
 */
export async function mayBeInGitWorkTree(io: Io, root: string): Promise<boolean> {
  if (io.env.GIT_DIR || io.env.GIT_WORK_TREE) return true;
  for (let dir = root; ; dir = dirname(dir)) {
    if (await io.exists(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/** Every candidate file (relative, POSIX), from git when the folder is in a repository. */
export async function listFiles(io: Io, root: string): Promise<string[]> {
  const git = (await mayBeInGitWorkTree(io, root)) ? await io.which('git') : null;
  if (git) {
    const result = await io.exec(
      git,
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
      { cwd: root, timeoutMs: 60_000 },
    );
    if (result.exitCode === 0) return result.stdout.split('\0').filter(Boolean);
  }
  // Outside git: the folder, walked in order (io.readDir answers at once), until MAX_FILES.
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (out.length >= MAX_FILES) return;
    for (const entry of await io.readDir(dir).catch(() => [])) {
      if (entry.isDirectory && !SKIP.has(entry.name)) await walk(join(dir, entry.name));
      else if (entry.isFile) out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
    }
  };
  await walk(root);
  return out;
}

/**
 * A Python file the OBS rules report on: one that names the multiprocess folder or sets
 * `max_requests` (a gunicorn config). Other Python files are read only as context. Plain
 * substring searches: one regular expression of alternatives costs ten times as much over a
 * repository of thousands of modules.
 */
function isPythonTarget(text: string): boolean {
  return (
    MULTIPROC_NAMES.some((name) => text.includes(name)) ||
    (text.includes('max_requests') && /\bmax_requests\b/.test(text))
  );
}

/**
 * The kind of a file: by name; for other YAML files, a top level that is a conda environment;
 * for Python files, text the OBS rules report on.
 */
export function kindOf(path: string, text: () => string | undefined): Target | undefined {
  const byName = kindByName(path);
  if (byName) return byName;
  if (path.endsWith('.py')) return isPythonTarget(text() ?? '') ? 'python' : undefined;
  if (!/\.ya?ml$/.test(path) || posix.basename(path).startsWith('.')) return undefined;
  try {
    const value = parse(text() ?? '', { maxAliasCount: 100 }) as Record<string, unknown> | null;
    return value && typeof value === 'object' && Array.isArray(value.dependencies)
      ? 'environment'
      : undefined;
  } catch {
    return undefined;
  }
}
