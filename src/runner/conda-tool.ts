/**
 * Finds the conda tool to create environments with, and knows each tool's command line.
 *
 * `conda`, `mamba` and `micromamba` are often shell functions in an interactive shell, which a
 * spawned process cannot see, so envgen looks for executables: `--conda PATH`, then the
 * variables their shell hooks set (`$MAMBA_EXE`, `$CONDA_EXE`), then PATH.
 */
import { basename } from 'node:path';
import type { Io } from '../io.js';

type CondaKind = 'conda' | 'mamba' | 'micromamba';

export interface CondaTool {
  kind: CondaKind;
  path: string;
  version: string;
  /** How it was found: `--conda`, `$MAMBA_EXE`, `$CONDA_EXE` or `PATH`. */
  foundBy: string;
}

export type FindResult = { ok: true; tool: CondaTool } | { ok: false; tried: string[] };

export async function findCondaTool(io: Io, explicit?: string): Promise<FindResult> {
  const tried: string[] = [];
  const candidates: [string | undefined, string][] = explicit
    ? [[explicit, '--conda']]
    : [
        [io.env.MAMBA_EXE, '$MAMBA_EXE'],
        [io.env.CONDA_EXE, '$CONDA_EXE'],
        ['micromamba', 'PATH'],
        ['mamba', 'PATH'],
        ['conda', 'PATH'],
      ];
  for (const [candidate, foundBy] of candidates) {
    if (!candidate) continue;
    const path = await io.which(candidate);
    tried.push(
      `${foundBy === 'PATH' ? candidate : `${foundBy} (${candidate})`}${path ? '' : ': not found'}`,
    );
    if (!path) continue;
    const result = await io.exec(path, ['--version'], { timeoutMs: 30_000 });
    if (result.exitCode !== 0) {
      tried[tried.length - 1] +=
        `: '--version' failed (${firstLine(result.stderr || result.stdout)})`;
      continue;
    }
    return {
      ok: true,
      tool: { kind: condaKindOf(path), path, version: versionOf(result.stdout), foundBy },
    };
  }
  return { ok: false, tried };
}

function condaKindOf(path: string): CondaKind {
  const name = basename(path);
  if (name.startsWith('micromamba')) return 'micromamba';
  if (name.startsWith('mamba')) return 'mamba';
  return 'conda';
}

/** `conda 24.11.3`, `2.0.5`, or mamba 1.x's two lines (`mamba 1.5.8` / `conda 24.1.2`). */
function versionOf(output: string): string {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? 'unknown';
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * The command that creates an environment from a file at a prefix. conda needs `env create`
 * (its `create --file` takes a package list, not YAML); micromamba and mamba 2 take the YAML
 * with `create --file`; mamba 1's `create --file` was broken for YAML, so it uses `env create`.
 *
 * Every solve uses strict channel priority, as `envgen lock` (rattler) solves: micromamba and
 * mamba 2 get `--strict-channel-priority`; `conda env create` has no such flag, so the
 * variables of `solveEnv` carry the setting to conda and mamba 1.
 */
export function createArgs(
  tool: CondaTool,
  envFile: string,
  prefix: string,
  platform?: string,
): string[] {
  const mamba2 = tool.kind === 'mamba' && !tool.version.startsWith('1.');
  if (tool.kind === 'micromamba' || mamba2) {
    return [
      'create',
      '--yes',
      '--strict-channel-priority',
      '--prefix',
      prefix,
      '--file',
      envFile,
      ...(platform ? ['--platform', platform] : []),
    ];
  }
  return ['env', 'create', '--yes', '--file', envFile, '--prefix', prefix, '--json'];
}

/**
 * The variables a solve runs with: conda reads any setting from `CONDA_<NAME>`, and this one
 * overrides the `channel_priority` of the machine's .condarc (flexible by default).
 */
export function solveEnv(): Record<string, string> {
  return { CONDA_CHANNEL_PRIORITY: 'strict' };
}

/**
 * The command that installs an explicit lock at a prefix, with no solve: `create --file` takes
 * an `@EXPLICIT` list in conda, mamba and micromamba alike. conda gets the environment's
 * channels with `--override-channels`, so a `.condarc` that lists `defaults` does not bring in
 * Anaconda's Terms of Service check.
 */
export function createFromLockArgs(
  tool: CondaTool,
  lockFile: string,
  prefix: string,
  channels: readonly string[],
): string[] {
  const conda = tool.kind === 'conda';
  return [
    'create',
    '--yes',
    '--prefix',
    prefix,
    ...(conda ? ['--override-channels', ...channels.flatMap((c) => ['--channel', c])] : []),
    '--file',
    lockFile,
    ...(conda ? ['--json'] : []),
  ];
}

/** conda has no `--platform` for `env create`; it solves for another platform through CONDA_SUBDIR. */
export function platformEnv(tool: CondaTool, platform?: string): Record<string, string> {
  const mamba2 = tool.kind === 'mamba' && !tool.version.startsWith('1.');
  return platform && tool.kind !== 'micromamba' && !mamba2 ? { CONDA_SUBDIR: platform } : {};
}

export const INSTALL_HINT =
  'install one: micromamba (https://mamba.readthedocs.io/en/latest/installation/micromamba-installation.html), Miniforge or Miniconda; or pass --conda PATH';
