/**
 * One side of `envgen diff`: a model of envgen.yaml (its explicit lock and pip companion when
 * `envgen lock` wrote them, else its resolved pins), or any input `src/packages` reads, now or
 * at a git revision (`main:sentiment`, `main:envs/a/conda-linux-64.lock`). A multi-platform input
 * gives the set of one platform: `--platform`, else the other side's, else linux-64, else its first;
 * a single-platform input is taken as it is.
 */
import { join } from 'node:path';
import { resolveSpec } from '../compat/resolve-spec.js';
import { compatTable } from '../compat/table.js';
import type { Io } from '../io.js';
import { lockPath, pipLockPath } from '../layout.js';
import { parseExplicitLock } from '../packages/explicit-lock.js';
import { matchSpecRecord } from '../packages/match-spec-record.js';
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
import { parsePipRequirements, pipRecord } from '../packages/pip-requirements.js';
import { gitShow, readInput, splitRevision } from '../packages/read-input.js';
import { problem, UserError } from '../problem.js';
import { PLATFORMS, type Platform } from '../rules-format.js';
import { didYouMean } from '../spec/did-you-mean.js';
import { loadSpec, parseSpecText, SPEC_FILE } from '../spec/load-spec.js';
import type { LoadedSpec, ModelSpec } from '../spec/types.js';

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Reads a file of the repository (relative to `root`) at the side's revision, or null when missing. */
type ReadRepoFile = (path: string) => Promise<string | null>;

/** Every set a side holds: a model's one set, or an input's (one per platform for some locks). */
export async function readSide(
  io: Io,
  root: string,
  arg: string,
  platform?: string,
): Promise<PackageSet[]> {
  const model = await readModelSide(io, root, arg, platform);
  return model ? [model] : readInput(io, root, arg);
}

async function readModelSide(
  io: Io,
  root: string,
  arg: string,
  platform: string | undefined,
): Promise<PackageSet | null> {
  const revision = splitRevision(arg);
  if (revision && MODEL_NAME.test(revision.path) && !(await io.exists(join(root, arg)))) {
    const read: ReadRepoFile = (path) =>
      gitShow(io, root, revision.revision, `./${path}`, { missingIsNull: true });
    const text = await read(SPEC_FILE);
    if (text === null) return null;
    const loaded = parseSpecText(text, `${revision.revision}:${SPEC_FILE}`);
    if (!(revision.path in loaded.spec.models)) return null;
    return readModel(loaded, revision.path, read, `${revision.revision}:`, platform);
  }
  if (!MODEL_NAME.test(arg) || (await io.exists(join(root, arg)))) return null;
  if (!(await io.exists(join(root, SPEC_FILE)))) return null;
  const loaded = await loadSpec(io, join(root, SPEC_FILE));
  if (!(arg in loaded.spec.models)) {
    // Neither a file nor a model: say both, with the model names.
    const models = Object.keys(loaded.spec.models);
    const guess = didYouMean(arg, models);
    throw new UserError([
      problem('usage/unknown-model', `${arg} is neither a file nor a model of ${loaded.file}`, {
        fix: `${guess ? `did you mean '${guess}'? ` : ''}models: ${models.join(', ')}; or name a lock, environment file, prefix or REV:path`,
      }),
    ]);
  }
  const read: ReadRepoFile = async (path) => {
    if (!(await io.exists(join(root, path)))) return null;
    try {
      return (await io.readFile(join(root, path))).toString('utf8');
    } catch (error) {
      throw new UserError([
        problem('packages/unreadable', `cannot read ${path}: ${(error as Error).message}`, {
          file: path,
          fix: 'make it a readable file, or run `envgen lock` to write it again',
        }),
      ]);
    }
  };
  return readModel(loaded, arg, read, '', platform);
}

/** A model's packages: its lock for its platform when there is one, else the resolver's pins. */
async function readModel(
  loaded: LoadedSpec,
  name: string,
  read: ReadRepoFile,
  prefix: string,
  wanted: string | undefined,
): Promise<PackageSet> {
  const model = loaded.spec.models[name] as ModelSpec;
  const platform = wanted ?? model.platform ?? loaded.spec.defaults?.platform ?? 'linux-64';
  const lockFile = lockPath(name, platform);
  const lock = await read(lockFile);
  if (lock !== null) {
    const conda = parseExplicitLock(lock, `${prefix}${lockFile}`);
    const pipText = await read(pipLockPath(name));
    const pip =
      pipText === null
        ? []
        : parsePipRequirements(pipText, `${prefix}${pipLockPath(name)}`).packages;
    return {
      kind: 'model',
      label: `${prefix}${name} (${lockFile})`,
      platform,
      packages: [...conda.packages, ...pip],
    };
  }
  const table = compatTable(loaded.spec.compat ? [loaded.spec.compat] : []);
  // The pins for the platform asked for: the resolver reads the model's own platform.
  const forPlatform: LoadedSpec =
    wanted && (PLATFORMS as readonly string[]).includes(wanted)
      ? {
          ...loaded,
          spec: {
            ...loaded.spec,
            models: { ...loaded.spec.models, [name]: { ...model, platform: wanted as Platform } },
          },
        }
      : loaded;
  const resolution = resolveSpec(table, forPlatform, [name]);
  if (resolution.problems.length > 0) throw new UserError(resolution.problems);
  const resolved = resolution.models[0];
  if (!resolved) throw new Error(`model ${name} resolved to nothing`);
  const packages: PackageRecord[] = [];
  for (const spec of resolved.dependencies) {
    const parsed = matchSpecRecord(spec);
    if (parsed.ok) packages.push(parsed.record);
  }
  for (const requirement of resolved.pip) {
    const record = pipRecord(requirement);
    if (record) packages.push(record);
  }
  return { kind: 'model', label: `${prefix}${name} (resolved pins)`, platform, packages };
}

/** The set of one platform from a side's sets (see the module comment for the choice). */
export function choosePlatform(
  sets: PackageSet[],
  label: string,
  wanted: string | undefined,
  other: string | null,
): PackageSet {
  if (sets.length === 1 && sets[0]) return sets[0];
  if (wanted !== undefined) {
    const found = sets.find((s) => s.platform === wanted);
    if (found) return found;
    throw new UserError([
      problem('packages/no-platform', `${label} has no packages for ${wanted}`, {
        fix: `its platforms: ${sets.map((s) => s.platform).join(', ')}`,
      }),
    ]);
  }
  const pick =
    sets.find((s) => other !== null && s.platform === other) ??
    sets.find((s) => s.platform === 'linux-64') ??
    sets[0];
  if (!pick) {
    throw new UserError([
      problem('packages/no-platform', `${label} holds no platform's packages`, {
        fix: 'lock it for a platform first',
      }),
    ]);
  }
  return pick;
}
