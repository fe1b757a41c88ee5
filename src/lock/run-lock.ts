/**
 * `envgen lock`'s work: for each model and platform, the input hash of its lock; with
 * `check`, only a comparison with the files on disk (no network); otherwise a solve through
 * the channel proxy for every lock that is missing, stale or asked to be updated, and the
 * files written together, only when every solve succeeded.
 */
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Io } from '../io.js';
import { condaLockPath, lockPath, pipLockPath } from '../layout.js';
import { type CondaLockFile, readCondaLock } from '../packages/conda-lock.js';
import { type Problem, problem } from '../problem.js';
import type { Progress } from '../progress.js';
import { sealState } from '../render/seal.js';
import { outsideRepoProblems } from '../safe-files.js';
import { recordSizes } from './cached-sizes.js';
import { channelProblems } from './channel-problems.js';
import { startChannelProxy } from './channel-proxy.js';
import { type LockChannel, lockChannels } from './channels.js';
import { type CondaLockPlatform, condaLockEntries, renderCondaLockYml } from './conda-lock-yml.js';
import { inputHash } from './input-hash.js';
import {
  inputHashOf,
  type LockHeader,
  lockedUrls,
  renderCondaLock,
  renderPipLock,
} from './lock-file.js';
import { DEFAULT_REPODATA_LIMIT_BYTES } from './repodata-cache.js';
import { type LockedPackage, type PreviousPackage, solve } from './solve.js';
import { describeVirtualPackages, virtualPackagesFor } from './virtual-packages.js';

export interface LockTarget {
  /** The model resolved for this platform. */
  model: ResolvedModel;
  /** The model's own platform: the pip companion follows this one. */
  primary: boolean;
}

type LockStatus =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'removed'
  | 'missing'
  | 'stale'
  | 'edited'
  | 'failed';

export interface LockOutcome {
  model: string;
  /** null for the pip companion and for conda-lock.yml (see `platforms`). */
  platform: string | null;
  /** conda-lock.yml: the platforms it holds. */
  platforms?: string[];
  path: string;
  status: LockStatus;
  /** Packages in the lock (conda; conda-lock.yml: entries of every platform), or requirements carried (pip). */
  packages?: number;
}

export interface LockOptions {
  root: string;
  specFile: string;
  version: string;
  table: Table;
  check: boolean;
  /** Solve again even where the lock is current. */
  update: boolean;
  /** Overwrite locks edited by hand. */
  force: boolean;
  offline: boolean;
  cacheDir: string;
  mirrors: Readonly<Record<string, string>>;
  /**
   * Hosts (`host` or `host:port`) package URLs may point at besides their channel's own:
   * envgen.yaml `lock.allowed_hosts`.
   */
  allowedHosts?: readonly string[];
  /** The most bytes one repodata file may have, as sent or once decompressed. */
  maxRepodataBytes?: number;
  /** The time limit for fetching repodata, in milliseconds: every fetch ends when it runs out. */
  timeoutMs?: number;
  progress: Progress;
}

/** Default time limit for fetching repodata: conda-forge's, on a slow link. */
const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;

export interface LockResult {
  outcomes: LockOutcome[];
  problems: Problem[];
  /**
   * Every conda lock that had to be solved was (none unsatisfiable, no channel in the way): the
   * locks are written, and the Dockerfiles may follow them.
   */
  solved: boolean;
}

interface Job {
  /** conda-lock.yml: the target of the model's first explicit lock. */
  target: LockTarget;
  path: string;
  /** conda-lock.yml: filled in when it is rendered (it covers every platform). */
  hash: string;
  kind: 'conda' | 'pip' | 'conda-lock';
  channels: LockChannel[];
  existing: string | null;
  status: LockStatus;
  content?: string;
  /** Packages in the solved lock. */
  packages?: number;
  /** conda: what the solve chose, for the model's conda-lock.yml. */
  solved?: LockedPackage[];
  /** conda-lock.yml: the file on disk as read, when it is envgen's and readable. */
  read?: CondaLockFile | null;
  /** conda-lock.yml: the platforms it holds once written (or as it is). */
  platforms?: string[];
}

export async function runLock(
  io: Io,
  targets: readonly LockTarget[],
  options: LockOptions,
): Promise<LockResult> {
  const jobs = (await Promise.all(targets.map((target) => jobsFor(io, target, options)))).flat();
  jobs.push(...(await condaLockJobs(io, jobs, options)));
  const problems: Problem[] = [];
  const result = await lockJobs(io, jobs, options, problems);
  problems.push(...unpinnedProblems(targets));
  return result;
}

/** Pip requirements not pinned with `==`: pip may install other versions on the next build. */
function unpinnedProblems(targets: readonly LockTarget[]): Problem[] {
  return targets
    .filter((t) => t.primary)
    .map((t) => ({ model: t.model.name, requirements: unpinnedRequirements(t.model.pip) }))
    .filter((u) => u.requirements.length > 0)
    .map(({ model, requirements }) =>
      problem(
        'lock/pip-unpinned',
        `model '${model}': pip requirements not pinned with ==, so pip may install other versions on the next build: ${requirements.join(', ')}`,
        { fix: 'pin them in envgen.yaml `pip:` (e.g. name==1.2.3)' },
      ),
    );
}

async function lockJobs(
  io: Io,
  jobs: Job[],
  options: LockOptions,
  problems: Problem[],
): Promise<LockResult> {
  for (const job of jobs) job.status = judge(job, options, jobs);
  if (options.check) {
    const failing = jobs.filter((job) => job.status !== 'unchanged');
    if (failing.length > 0) {
      problems.push(
        problem(
          'lock/out-of-date',
          `${failing.length} lock file(s) are not what ${options.specFile} locks to: ${failing.map((job) => `${job.path} (${job.status})`).join(', ')}`,
          { fix: 'run `envgen lock` and commit the locks (an edited lock needs `--force`)' },
        ),
      );
    }
    return { outcomes: jobs.map(outcomeOf), problems, solved: true };
  }

  const refused = jobs.filter((job) => job.status === 'edited');
  for (const job of refused) {
    problems.push({
      ruleId: 'lock/edited',
      severity: 'error',
      file: job.path,
      message: `${job.path} was edited by hand; not overwritten`,
      fix: 'run `envgen lock --force` to replace it with a fresh solve',
    });
  }
  solveTogether(jobs);
  // No lock is written (or deleted) through a link out of the repository: checked before
  // anything is solved or written.
  const writing = jobs.filter((job) => needsWrite(job.status));
  const outside = [
    ...(await outsideRepoProblems(
      io,
      options.root,
      writing.map((job) => job.path),
      'written',
    )),
    ...(await outsideRepoProblems(
      io,
      options.root,
      jobs.filter((job) => job.status === 'removed').map((job) => job.path),
      'deleted',
    )),
  ];
  if (outside.length > 0) {
    problems.push(...outside);
    for (const job of jobs) if (needsWrite(job.status)) job.status = 'failed';
    return { outcomes: jobs.map(outcomeOf), problems, solved: false };
  }
  const toSolve = jobs.filter((job) => job.kind === 'conda' && needsWrite(job.status));
  const solved = toSolve.length === 0 || (await solveAll(io, toSolve, options, problems));
  for (const job of jobs) {
    if (job.kind === 'pip' && needsWrite(job.status)) {
      job.content = renderPipLock(headerOf(job, options), job.target.model.pip);
    }
  }
  if (!solved) {
    for (const job of jobs) if (needsWrite(job.status)) job.status = 'failed';
    return { outcomes: jobs.map(outcomeOf), problems, solved };
  }
  for (const job of jobs) {
    if (job.kind === 'conda-lock' && needsWrite(job.status)) renderCondaLockJob(job, jobs, options);
  }
  for (const job of jobs) {
    if (job.content !== undefined && needsWrite(job.status)) {
      // A solve that gives the same bytes (`--update` with nothing newer) leaves the file, and
      // its modification time, alone.
      if (job.content === job.existing) {
        job.status = 'unchanged';
        continue;
      }
      await io.writeFileAtomic(join(options.root, job.path), job.content);
      job.status = job.existing === null ? 'created' : 'updated';
    } else if (job.status === 'removed') {
      await io.remove(join(options.root, job.path));
    }
  }
  return { outcomes: jobs.map(outcomeOf), problems, solved };
}

async function jobsFor(io: Io, target: LockTarget, options: LockOptions): Promise<Job[]> {
  const { model } = target;
  const channels = lockChannels(model.channels, options.mirrors);
  const virtual = virtualPackagesFor(model.platform, model.cuda);
  const hashOf = (kind: 'conda' | 'pip'): string =>
    inputHash({ kind, version: options.version, table: options.table, model, virtual });
  const read = (path: string): Promise<string | null> =>
    io.readFile(join(options.root, path)).then(
      (bytes) => bytes.toString('utf8'),
      () => null,
    );
  const condaPath = lockPath(model.name, model.platform);
  const jobs: Promise<Job>[] = [
    read(condaPath).then((existing) => ({
      target,
      path: condaPath,
      hash: hashOf('conda'),
      kind: 'conda' as const,
      channels,
      existing,
      status: 'unchanged' as LockStatus,
    })),
  ];
  if (target.primary) {
    const pipPath = pipLockPath(model.name);
    jobs.push(
      read(pipPath).then(
        (existing): Job => ({
          target,
          path: pipPath,
          hash: hashOf('pip'),
          kind: 'pip' as const,
          channels,
          existing,
          status: 'unchanged' as LockStatus,
        }),
      ),
    );
  }
  // No companion for a model without pip requirements, unless one is left from before.
  return (await Promise.all(jobs)).filter(
    (job) => job.kind === 'conda' || model.pip.length > 0 || job.existing !== null,
  );
}

/** What the file on disk is, compared with what these inputs make. */
function judge(job: Job, options: LockOptions, jobs: readonly Job[]): LockStatus {
  if (job.kind === 'conda-lock') return judgeCondaLock(job, options, condaJobsOf(jobs, job));
  const wanted = job.kind === 'conda' || job.target.model.pip.length > 0;
  if (job.existing === null) return wanted ? 'missing' : 'unchanged';
  const seal = sealState(job.existing);
  if (!wanted) {
    // A companion left from when the model had pip requirements: envgen's to remove.
    if (seal === 'intact') return options.check ? 'stale' : 'removed';
    return 'unchanged';
  }
  if (seal !== 'intact') return options.force ? 'stale' : 'edited';
  if (inputHashOf(job.existing) !== job.hash) return 'stale';
  return options.update && job.kind === 'conda' ? 'stale' : 'unchanged';
}

function needsWrite(status: LockStatus): boolean {
  return status === 'missing' || status === 'stale';
}

/** Solves every job through one proxy; false when any could not be solved (see `problems`). */
async function solveAll(
  io: Io,
  jobs: Job[],
  options: LockOptions,
  problems: Problem[],
): Promise<boolean> {
  const plans = jobs.map((job) => ({ job, ...channelPins(job.target.model.dependencies) }));
  // A `bioconda::samtools` entry brings its channel in, after the environment's own.
  for (const plan of plans) {
    const extra = lockChannels(
      plan.pins.map((p) => p.channel).filter((c) => !plan.job.target.model.channels.includes(c)),
      options.mirrors,
    );
    plan.job.channels = distinct([...plan.job.channels, ...extra]);
  }
  const channels = distinct(jobs.flatMap((job) => job.channels));
  const proxy = await startChannelProxy(
    io,
    channels,
    {
      dir: options.cacheDir,
      offline: options.offline,
      maxBytes: options.maxRepodataBytes ?? DEFAULT_REPODATA_LIMIT_BYTES,
      deadline: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    },
    options.progress,
  );
  let solved = true;
  // After a panic the solver is unusable: the remaining solves are not tried.
  let panicked = false;
  try {
    for (const { job, specs, pins } of plans) {
      if (panicked) {
        solved = false;
        continue;
      }
      const { model } = job.target;
      const label = `${model.name} (${model.platform})`;
      const virtual = virtualPackagesFor(model.platform, model.cuda);
      const urls = [
        ...job.channels.map((c) => proxy.channelUrls[channels.findIndex((d) => d.url === c.url)]),
        proxy.virtualUrl(virtual),
      ] as string[];
      // A stale lock is solved again keeping what it had where the specs still allow it, so a
      // one-line change to the spec does not move every other package; --update starts afresh.
      // A lock edited by hand (replaced with --force) is no guide.
      const previous =
        options.update || job.existing === null || sealState(job.existing) !== 'intact'
          ? []
          : previousPackages(job.existing).map((p) => ({ ...p, url: proxy.downstreamOf(p.url) }));
      const started = io.now();
      options.progress.start(label, 'solving');
      const outcome = await solve(specs, urls, model.platform, previous);
      options.progress.finish(label, 'solve', outcome.ok, io.now() - started);
      // A channel that failed explains the failed solve better than the solver can.
      const ours = (c: LockChannel): boolean => job.channels.some((d) => d.url === c.url);
      if (proxy.troubles().some((t) => ours(t.channel))) {
        solved = false;
        continue;
      }
      // Offline, any folder not cached; online, a channel without even noarch (a wrong address).
      const blocking = proxy
        .missing()
        .filter((m) => ours(m.channel) && (options.offline || m.subdir === 'noarch'));
      if (blocking.length > 0) {
        solved = false;
        continue;
      }
      if (!outcome.ok && (outcome.panic || unreadable(outcome.explanation))) {
        solved = false;
        panicked ||= outcome.panic === true;
        // Which file, and what in it, when a plain repodata.json shows it; else the solver's word.
        const found = await proxy.diagnose(job.channels);
        if (found.length === 0) {
          problems.push(
            problem(
              'lock/channel-corrupt',
              `model '${model.name}' (${model.platform}): the solver could not read the repodata of ${job.channels.map((c) => `${c.name} (${c.url})`).join(', ')}: ${proxy.describe(outcome.explanation)}`,
              {
                fix: 'a channel or mirror serves a damaged or hostile index: check `lock.mirrors` / --mirror, re-sync the mirror, or try again later',
              },
            ),
          );
        }
        continue;
      }
      if (!outcome.ok) {
        solved = false;
        problems.push({
          ruleId: 'lock/unsatisfiable',
          severity: 'error',
          message: `model '${model.name}' cannot be solved for ${model.platform} (${describeVirtualPackages(virtual)}): ${proxy.describe(outcome.explanation)}`,
          fix: fixForUnsatisfiable(model, outcome.explanation),
        });
        continue;
      }
      const strays = pins.filter((pin) => {
        const chosen = outcome.packages.find((p) => p.name === pin.name);
        const from = chosen ? proxy.channelOf(chosen.url) : undefined;
        return !from || (from.name !== pin.channel && from.url !== pin.channel);
      });
      if (strays.length > 0) {
        solved = false;
        problems.push({
          ruleId: 'lock/channel-pin',
          severity: 'error',
          message: `model '${model.name}': ${strays.map((p) => `${p.channel}::${p.name}`).join(', ')} came from another channel: a channel earlier in the list has that package, and channel priority is strict`,
          fix: 'drop the channel prefix, or pin a version only that channel has',
        });
        continue;
      }
      const packages = outcome.packages.map((p) => ({ ...p, url: proxy.upstreamOf(p.url) }));
      const refusal = packageRefusal(
        model.name,
        job.channels,
        packages,
        options.allowedHosts ?? [],
      );
      if (refusal) {
        solved = false;
        problems.push(refusal);
        continue;
      }
      job.solved = packages;
      job.content = renderCondaLock(
        headerOf(job, options),
        {
          platform: model.platform,
          channels: job.channels.map((c) => c.url),
          virtual: describeVirtualPackages(virtual),
        },
        packages,
      );
      job.packages = packages.length;
    }
    problems.push(...channelProblems(proxy.troubles(), proxy.missing(), options.offline));
    // For `graph` later: the sizes the solver read, whatever encoding its repodata came in.
    const sizeError = await recordSizes(
      io,
      options.cacheDir,
      jobs.flatMap((job) => job.solved ?? []),
    );
    for (const reason of [...proxy.cacheErrors(), ...(sizeError ? [sizeError] : [])].slice(0, 1)) {
      problems.push({
        ruleId: 'lock/cache-unwritable',
        severity: 'warning',
        message: `repodata could not be cached in ${options.cacheDir} (${reason}); the next lock downloads it again`,
        fix: 'make the folder writable, or point ENVGEN_CACHE_DIR at one that is',
      });
    }
  } finally {
    await proxy.close();
  }
  return solved;
}

/**
 * Solver errors that mean the repodata could not be read (not that the specs conflict):
 * `failed to parse repodata.json`, a decode error of a compressed file.
 */
function unreadable(explanation: string): boolean {
  return /failed to (parse|decode|read|deserialize|extract repodata)|deserializ|decompress|invalid (json|hex|md5|sha256)|expected value|EOF while parsing/i.test(
    explanation,
  );
}

/**
 * What a solved lock must not hold: a package URL outside its channel (or mirror) that no
 * `lock.allowed_hosts` entry allows (a hostile `info.base_url` sends the image elsewhere), or a
 * checksum that is not one. null when the packages may be written.
 */
function packageRefusal(
  model: string,
  channels: readonly LockChannel[],
  packages: readonly { url: string; md5: string | null; sha256: string | null }[],
  allowedHosts: readonly string[],
): Problem | null {
  const inside = (url: string): boolean => channels.some((c) => url.startsWith(`${c.url}/`));
  const allowed = (url: string): boolean => {
    try {
      const parsed = new URL(url);
      return (
        (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
        parsed.username === '' &&
        parsed.password === '' &&
        (allowedHosts.includes(parsed.host) || allowedHosts.includes(parsed.hostname))
      );
    } catch {
      return false;
    }
  };
  const foreign = packages.filter((p) => !inside(p.url) && !allowed(p.url));
  if (foreign.length > 0) {
    const shown = foreign
      .slice(0, 3)
      .map((p) => JSON.stringify(p.url.slice(0, 160)))
      .join(', ');
    return problem(
      'lock/channel-foreign-url',
      `model '${model}': ${foreign.length} package URL(s) lead outside ${channels.map((c) => c.url).join(', ')}, where the channel's repodata (info.base_url) sends them: ${shown}${foreign.length > 3 ? ', ...' : ''}`,
      {
        fix: "if the channel's packages really are served from that host, allow it in envgen.yaml: `lock: {allowed_hosts: [HOST]}` (http and https only); otherwise the channel or mirror is not to be trusted",
      },
    );
  }
  const damaged = packages.find(
    (p) =>
      (p.md5 !== null && !/^[0-9a-fA-F]{32}$/.test(p.md5)) ||
      (p.sha256 !== null && !/^[0-9a-fA-F]{64}$/.test(p.sha256)),
  );
  if (damaged) {
    return problem(
      'lock/channel-corrupt',
      `model '${model}': the channel gives ${JSON.stringify(damaged.url.slice(0, 160))} a checksum that is not one (md5 ${JSON.stringify(damaged.md5)})`,
      {
        fix: 'the channel or mirror serves a damaged index: re-sync the mirror, or try again later',
      },
    );
  }
  return null;
}

/**
 * `conda-forge::numpy` entries: rattler's WASM build cannot parse a channel in a match spec,
 * so the solve gets the bare spec and the channel is checked on the result.
 */
function channelPins(dependencies: readonly string[]): {
  specs: string[];
  pins: { channel: string; name: string }[];
} {
  const pins: { channel: string; name: string }[] = [];
  const specs = dependencies.map((spec) => {
    const at = spec.lastIndexOf('::');
    if (at < 0) return spec;
    const bare = spec.slice(at + 2);
    const name = /^[A-Za-z0-9_.-]+/.exec(bare)?.[0] ?? bare;
    pins.push({ channel: spec.slice(0, at), name });
    return bare;
  });
  return { specs, pins };
}

/** The packages of a lock on disk, from its URLs (`.../name-version-build.conda#md5`). */
function previousPackages(text: string): PreviousPackage[] {
  return lockedUrls(text).flatMap((line) => {
    const url = line.split('#')[0] as string;
    const file = url.slice(url.lastIndexOf('/') + 1).replace(/\.(conda|tar\.bz2)$/, '');
    const parts = file.split('-');
    if (parts.length < 3) return [];
    const build = parts.pop() as string;
    const version = parts.pop() as string;
    return [{ url, name: parts.join('-'), version, build }];
  });
}

function fixForUnsatisfiable(model: ResolvedModel, explanation: string): string {
  if (/__cuda/.test(explanation) && model.cuda === 'cpu') {
    return 'a package needs a GPU (__cuda) but the model is a CPU build: set `cuda: X.Y`, or drop the GPU-only package';
  }
  if (/__cuda/.test(explanation)) {
    return `a package needs a newer CUDA than the model's ${model.cuda}: raise \`cuda\` in envgen.yaml (check \`envgen rules\` and the fleet's driver), or pin that package lower`;
  }
  if (/__glibc/.test(explanation)) {
    return "a package needs a newer glibc than the runtime image's: pin that package to an older version";
  }
  return 'relax or remove the pins the explanation names (envgen.yaml `conda:`), or check the channels hold the versions asked for';
}

function headerOf(job: Job, options: LockOptions): LockHeader {
  return {
    version: options.version,
    specFile: options.specFile,
    model: job.target.model.name,
    inputHash: job.hash,
  };
}

function outcomeOf(job: Job): LockOutcome {
  if (job.kind === 'conda-lock') return condaLockOutcome(job);
  const { packages } = job;
  return {
    model: job.target.model.name,
    platform: job.kind === 'conda' ? job.target.model.platform : null,
    path: job.path,
    status: job.status,
    ...(packages !== undefined
      ? { packages }
      : job.kind === 'conda' && job.existing !== null && job.status === 'unchanged'
        ? { packages: lockedUrls(job.existing).length }
        : job.kind === 'pip' && job.target.model.pip.length > 0 && job.status !== 'removed'
          ? { packages: job.target.model.pip.filter((r) => !r.startsWith('-')).length }
          : {}),
  };
}

/** pip requirements that pip may resolve differently next time (no `==`/`===`, no URL). */
export function unpinnedRequirements(requirements: readonly string[]): string[] {
  const pinned = (r: string): boolean =>
    /===/.test(r) || /==\s*[^=*\s;,]+(\s*(;.*)?)$/.test(r) || /\s@\s/.test(r);
  return requirements.filter((r) => !r.trim().startsWith('-') && !pinned(r));
}

function distinct(channels: LockChannel[]): LockChannel[] {
  const byUrl = new Map<string, LockChannel>();
  for (const channel of channels) if (!byUrl.has(channel.url)) byUrl.set(channel.url, channel);
  return [...byUrl.values()];
}

/**
 * One conda-lock.yml per model, for the platforms this run locks (and those of the file on disk
 * this run leaves alone, as conda-lock keeps them).
 */
async function condaLockJobs(io: Io, jobs: readonly Job[], options: LockOptions): Promise<Job[]> {
  const firsts = new Map<string, Job>();
  for (const job of jobs) {
    if (job.kind === 'conda' && !firsts.has(job.target.model.name)) {
      firsts.set(job.target.model.name, job);
    }
  }
  return Promise.all(
    [...firsts.values()].map(async (first): Promise<Job> => {
      const path = condaLockPath(first.target.model.name);
      const existing = await io.readFile(join(options.root, path)).then(
        (bytes) => bytes.toString('utf8'),
        () => null,
      );
      const read =
        existing !== null && sealState(existing) === 'intact'
          ? readOwnCondaLock(existing, path)
          : null;
      return {
        target: first.target,
        path,
        hash: '',
        kind: 'conda-lock',
        channels: first.channels,
        existing,
        status: 'unchanged',
        read,
      };
    }),
  );
}

/** envgen's own conda-lock.yml, read back; null where it cannot be (then it is written again). */
function readOwnCondaLock(text: string, path: string): CondaLockFile | null {
  try {
    return readCondaLock(text, path);
  } catch {
    return null;
  }
}

/** The explicit conda locks of this run for the model a conda-lock.yml job is for. */
function condaJobsOf(jobs: readonly Job[], lock: Job): Job[] {
  return jobs.filter((j) => j.kind === 'conda' && j.target.model.name === lock.target.model.name);
}

/**
 * Current where each platform this run locks has the content hash of its explicit lock's
 * inputs (`metadata.content_hash`), as conda-lock itself judges its lock.
 */
function judgeCondaLock(job: Job, options: LockOptions, conda: readonly Job[]): LockStatus {
  if (job.existing === null) return 'missing';
  if (sealState(job.existing) !== 'intact') return options.force ? 'stale' : 'edited';
  const hashes = job.read?.contentHash;
  if (!hashes || conda.some((j) => hashes[j.target.model.platform] !== j.hash)) return 'stale';
  return options.update ? 'stale' : 'unchanged';
}

/**
 * A model's conda-lock.yml and its explicit locks come from the same solves: where one of them
 * must be written, the others of the model are solved again too (keeping what their locks hold,
 * so an explicit lock that was current comes out the same and is left alone). Not where an
 * explicit lock was edited by hand and is not replaced: then the conda-lock.yml stays as it is.
 */
function solveTogether(jobs: Job[]): void {
  for (const lock of jobs.filter((j) => j.kind === 'conda-lock')) {
    const conda = condaJobsOf(jobs, lock);
    if (!needsWrite(lock.status) && !conda.some((j) => needsWrite(j.status))) continue;
    if (lock.status === 'edited') continue;
    if (conda.some((j) => j.status === 'edited')) {
      if (needsWrite(lock.status)) lock.status = 'failed';
      continue;
    }
    lock.status = lock.existing === null ? 'missing' : 'stale';
    for (const j of conda) if (j.status === 'unchanged') j.status = 'stale';
  }
}

function renderCondaLockJob(job: Job, jobs: readonly Job[], options: LockOptions): void {
  const conda = condaJobsOf(jobs, job);
  const platforms: CondaLockPlatform[] = conda.map((j) => ({
    platform: j.target.model.platform,
    contentHash: j.hash,
    entries: condaLockEntries(j.solved ?? [], j.target.model.platform),
  }));
  // Platforms locked before and not this time (`--platform` names others) stay as they were.
  const kept = job.read;
  if (kept) {
    const now = new Set(platforms.map((p) => p.platform));
    for (const [platform, contentHash] of Object.entries(kept.contentHash)) {
      if (now.has(platform)) continue;
      const entries = kept.packages.filter((p) => p.platform === platform);
      platforms.push({ platform, contentHash, entries });
    }
  }
  job.hash = createHash('sha256')
    .update(
      platforms
        .map((p) => `${p.platform}=${p.contentHash}`)
        .sort()
        .join('\n'),
    )
    .digest('hex');
  const channels = distinct(conda.flatMap((j) => j.channels)).map((c) => ({
    url: c.mirrored ? c.url : c.name,
    usedEnvVars: [],
  }));
  job.content = renderCondaLockYml(headerOf(job, options), {
    channels,
    sources: [posix.relative(posix.dirname(job.path), options.specFile)],
    platforms,
  });
  job.packages = platforms.reduce((sum, p) => sum + p.entries.length, 0);
  job.platforms = platforms.map((p) => p.platform).sort();
}

function condaLockOutcome(job: Job): LockOutcome {
  const read = job.status === 'unchanged' ? job.read : null;
  const platforms = job.platforms ?? (read ? Object.keys(read.contentHash).sort() : undefined);
  const packages = job.packages ?? read?.packages.length;
  return {
    model: job.target.model.name,
    platform: null,
    ...(platforms !== undefined ? { platforms } : {}),
    path: job.path,
    status: job.status,
    ...(packages !== undefined ? { packages } : {}),
  };
}
