/**
 * The graph `graph` and `why` walk: a model's conda-lock.yml (the platform asked for, else the
 * model's own) or an installed environment (`--prefix`), rooted at the model's own packages
 * where a model is named, else at what the environment's history says was asked for, else at
 * the packages nothing depends on. A conda-lock.yml records no sizes: they come from the
 * repodata `envgen lock` cached (src/lock/cached-sizes.ts), where it holds it.
 */
import { join } from 'node:path';
import type { ResolvedModel } from '../compat/resolve-types.js';
import type { Io } from '../io.js';
import { condaLockPath } from '../layout.js';
import { fillSizesFromCache, type SizeCache, type SizeGap } from '../lock/cached-sizes.js';
import { parseCondaLock } from '../packages/conda-lock.js';
import type { PackageSet } from '../packages/package-set.js';
import { readPrefix } from '../packages/prefix.js';
import { type Problem, problem, UserError } from '../problem.js';
import { buildGraph, type DependencyGraph, type RootRequest } from './graph.js';
import { historySpecs } from './history.js';

/** What of a resolved model the graph needs: where its lock is, and its own packages. */
export type GraphModel = Pick<ResolvedModel, 'name' | 'platform' | 'dependencies' | 'pip'>;

export interface GraphRequest {
  /** The repository root (where `envs/<model>/conda-lock.yml` lies). */
  root: string;
  model?: GraphModel;
  /** An installed environment instead of the lock: its absolute path, and as the user wrote it. */
  prefix?: { dir: string; label: string };
  /** The lock's platform to read (default: the model's own). */
  platform?: string;
  /** Where `envgen lock` caches repodata: the sizes a lock does not record are read from it. */
  sizeCache?: SizeCache;
}

export interface LoadedGraph {
  graph: DependencyGraph;
  /** Notes on what could not be known (`graph/sizes-not-cached`): info, never an error. */
  problems: Problem[];
}

/** Lock files larger than this are refused (a conda-lock.yml of 2,000 packages is ~1 MB). */
const MAX_LOCK_BYTES = 64 * 1024 * 1024;

export async function loadGraph(io: Io, request: GraphRequest): Promise<LoadedGraph> {
  const { model, prefix } = request;
  let set: PackageSet;
  let history: string[] = [];
  const problems: Problem[] = [];
  if (prefix) {
    set = await readPrefix(io, prefix.dir, prefix.label);
    if (!model) history = await readHistory(io, prefix.dir);
  } else if (model) {
    set = await readLock(io, request.root, model, request.platform);
    if (request.sizeCache) {
      const filled = await fillSizesFromCache(io, set, request.sizeCache);
      set = filled.set;
      problems.push(...gapProblems(filled.gaps, model.name, request.sizeCache));
    }
  } else {
    throw new Error('loadGraph needs a model or a prefix');
  }
  const roots = model
    ? { requests: modelRoots(model), origin: 'spec' as const }
    : history.length > 0
      ? {
          requests: history.map((spec): RootRequest => ({ spec, manager: 'conda' })),
          origin: 'history' as const,
        }
      : null;
  return { graph: buildGraph(set, roots), problems };
}

/** Why a channel folder's packages have no size, as the note says it (after the folders). */
const GAP_REASONS: Record<SizeGap['reason'], string> = {
  'not-cached': 'not in the cache',
  compressed: 'cached only zstd-compressed or sharded, which envgen does not read',
  'too-large': 'cached, but larger than ENVGEN_REPODATA_LIMIT_MB',
  unreadable: 'cached, but not repodata JSON',
};

/** One note per reason, naming every channel folder it holds for (and its package count). */
function gapProblems(gaps: readonly SizeGap[], model: string, cache: SizeCache): Problem[] {
  const reasons = [...new Set(gaps.map((g) => g.reason))];
  return reasons.map((reason) => {
    const these = gaps.filter((g) => g.reason === reason);
    const count = these.reduce((sum, g) => sum + g.packages, 0);
    const folders = these.map((g) => `${g.channel}/${g.subdir} (${g.packages})`).join(', ');
    return problem(
      'graph/sizes-not-cached',
      `sizes of ${count} package${count === 1 ? '' : 's'} unknown: the repodata of ${folders} is ${GAP_REASONS[reason]} (${cache.dir})`,
      {
        fix:
          reason === 'compressed'
            ? "sizes are read from a cached plain repodata.json only; `envgen graph --prefix DIR` shows an installed environment's sizes"
            : reason === 'too-large'
              ? `raise ENVGEN_REPODATA_LIMIT_MB to what \`envgen lock ${model}\` was run with`
              : `\`envgen lock ${model}\` fills the cache when it solves (a missing or stale lock; a current one with --update, which may move packages to newer builds), with the same ENVGEN_CACHE_DIR`,
      },
    );
  });
}

/** The model's packages as envgen renders them in environment.yml: conda's, then pip's. */
function modelRoots(model: GraphModel): RootRequest[] {
  return [
    ...model.dependencies.map((spec): RootRequest => ({ spec, manager: 'conda' })),
    ...model.pip.map((spec): RootRequest => ({ spec, manager: 'pip' })),
  ];
}

async function readLock(
  io: Io,
  root: string,
  model: GraphModel,
  platform: string | undefined,
): Promise<PackageSet> {
  const file = condaLockPath(model.name);
  let text: string;
  try {
    text = String(await io.readFile(join(root, file), MAX_LOCK_BYTES));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UserError([
        problem('graph/no-lock', `model '${model.name}' has no lock: ${file} does not exist`, {
          fix: `run \`envgen lock ${model.name}\` first, or give an installed environment with --prefix DIR`,
        }),
      ]);
    }
    if (code === 'EFBIG' || code === 'EFTYPE' || code === 'EISDIR') {
      throw new UserError([
        code === 'EFBIG'
          ? problem(
              'files/too-large',
              `${file} is larger than ${MAX_LOCK_BYTES / 1024 / 1024} MiB`,
              {
                file,
                fix: `a lock of a few thousand packages is a few MB; run \`envgen lock ${model.name} --update\``,
              },
            )
          : problem('files/not-regular', `${file} is not a regular file`, {
              file,
              fix: `remove it and run \`envgen lock ${model.name}\``,
            }),
      ]);
    }
    throw new UserError([
      problem('graph/unreadable', `cannot read ${file}: ${code ?? String(error)}`, {
        file,
        fix: 'check the file and its folder can be read (permissions)',
      }),
    ]);
  }
  const sets = parseCondaLock(text, file);
  const wanted = platform ?? model.platform;
  const set = sets.find((s) => s.platform === wanted);
  if (set) return set;
  const have = sets.map((s) => s.platform).filter((p): p is string => p !== null);
  throw new UserError([
    problem('graph/no-platform', `${file} has no packages for ${wanted}`, {
      file,
      fix:
        have.length > 0
          ? `use --platform with one of: ${have.join(', ')}, or run \`envgen lock ${model.name} --platform ${wanted}\``
          : `run \`envgen lock ${model.name}\``,
    }),
  ]);
}

/** The specs conda-meta/history says were asked for; none when there is no history. */
async function readHistory(io: Io, dir: string): Promise<string[]> {
  try {
    return historySpecs(String(await io.readFile(join(dir, 'conda-meta', 'history'))));
  } catch {
    return [];
  }
}
