/**
 * `envgen lock`'s work: for each model and platform, the input hash of its lock; with
 * `check`, only a comparison with the files on disk (no network); otherwise a solve through
 * the channel proxy for every lock that is missing, stale or asked to be updated, and the
 * files written together, only when every solve succeeded.
 */
import { join } from 'node:path';
import type { Progress } from '../build/progress.js';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Io } from '../io.js';
import type { Problem } from '../problem.js';
import { sealState } from '../render/seal.js';
import { type ChannelTrouble, startChannelProxy } from './channel-proxy.js';
import { type LockChannel, lockChannels } from './channels.js';
import { inputHash } from './input-hash.js';
import {
  inputHashOf,
  type LockHeader,
  lockPath,
  pipLockPath,
  renderCondaLock,
  renderPipLock,
} from './lock-file.js';
import { solve } from './solve.js';
import { describeVirtualPackages, virtualPackagesFor } from './virtual-packages.js';

export interface LockTarget {
  /** The model resolved for this platform. */
  model: ResolvedModel;
  /** The model's entry in the spec with the spec's defaults: part of the input hash. */
  spec: unknown;
  /** The model's own platform: the pip companion follows this one. */
  primary: boolean;
}

export type LockStatus =
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
  /** null for the pip companion. */
  platform: string | null;
  path: string;
  status: LockStatus;
  /** Packages in the lock (conda), or requirements carried (pip). */
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
  progress: Progress;
}

export interface LockResult {
  outcomes: LockOutcome[];
  problems: Problem[];
  /** Pip requirements that are not pinned with `==`, per model. */
  unpinned: { model: string; requirements: string[] }[];
  /** 0, 1 (check failed, or edited files refused), 2 (unsatisfiable), 3 (unreachable). */
  exitCode: number;
}

interface Job {
  target: LockTarget;
  path: string;
  hash: string;
  kind: 'conda' | 'pip';
  channels: LockChannel[];
  existing: string | null;
  status: LockStatus;
  content?: string;
  /** Packages in the solved lock. */
  packages?: number;
}

export async function runLock(
  io: Io,
  targets: readonly LockTarget[],
  options: LockOptions,
): Promise<LockResult> {
  const jobs = (await Promise.all(targets.map((target) => jobsFor(io, target, options)))).flat();
  const problems: Problem[] = [];
  const unpinned = targets
    .filter((t) => t.primary)
    .map((t) => ({ model: t.model.name, requirements: unpinnedRequirements(t.model.pip) }))
    .filter((u) => u.requirements.length > 0);

  for (const job of jobs) job.status = judge(job, options);
  if (options.check) {
    const failed = jobs.some((job) => job.status !== 'unchanged');
    return { outcomes: jobs.map(outcomeOf), problems, unpinned, exitCode: failed ? 1 : 0 };
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
  const toSolve = jobs.filter((job) => job.kind === 'conda' && needsWrite(job.status));
  let exitCode = refused.length > 0 ? 1 : 0;
  if (toSolve.length > 0) {
    exitCode = Math.max(exitCode, await solveAll(io, toSolve, options, problems));
  }
  for (const job of jobs) {
    if (job.kind === 'pip' && needsWrite(job.status)) {
      job.content = renderPipLock(headerOf(job, options), job.target.model.pip);
    }
  }
  if (exitCode >= 2) {
    for (const job of jobs) if (needsWrite(job.status)) job.status = 'failed';
    return { outcomes: jobs.map(outcomeOf), problems, unpinned, exitCode };
  }
  for (const job of jobs) {
    if (job.content !== undefined && needsWrite(job.status)) {
      await io.writeFileAtomic(join(options.root, job.path), job.content);
      job.status = job.existing === null ? 'created' : 'updated';
    } else if (job.status === 'removed') {
      await io.remove(join(options.root, job.path));
    }
  }
  return { outcomes: jobs.map(outcomeOf), problems, unpinned, exitCode };
}

async function jobsFor(io: Io, target: LockTarget, options: LockOptions): Promise<Job[]> {
  const { model } = target;
  const channels = lockChannels(model.channels, options.mirrors);
  const virtual = virtualPackagesFor(model.platform, model.cuda);
  const hashOf = (kind: 'conda' | 'pip'): string =>
    inputHash({
      kind,
      version: options.version,
      table: options.table,
      spec: target.spec,
      model,
      platform: model.platform,
      virtual,
      channelUrls: channels.map((c) => c.url),
    });
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
function judge(job: Job, options: LockOptions): LockStatus {
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

/** Solves every job through one proxy; returns the exit code its failures call for. */
async function solveAll(
  io: Io,
  jobs: Job[],
  options: LockOptions,
  problems: Problem[],
): Promise<number> {
  const channels = distinct(jobs.flatMap((job) => job.channels));
  const proxy = await startChannelProxy(
    io,
    channels,
    { dir: options.cacheDir, offline: options.offline },
    options.progress,
  );
  let exitCode = 0;
  try {
    for (const job of jobs) {
      const { model } = job.target;
      const label = `${model.name} (${model.platform})`;
      const virtual = virtualPackagesFor(model.platform, model.cuda);
      const urls = [
        ...job.channels.map((c) => proxy.channelUrls[channels.findIndex((d) => d.url === c.url)]),
        proxy.virtualUrl(virtual),
      ] as string[];
      const started = io.now();
      options.progress.start(label, 'solving');
      const outcome = await solve(model.dependencies, urls, model.platform);
      options.progress.finish(label, 'solve', outcome.ok, io.now() - started);
      // A channel that failed explains the failed solve better than the solver can.
      const ours = (c: LockChannel): boolean => job.channels.some((d) => d.url === c.url);
      if (proxy.troubles().some((t) => ours(t.channel))) {
        exitCode = 3;
        continue;
      }
      if (proxy.empty().some(ours)) continue;
      if (!outcome.ok) {
        exitCode = Math.max(exitCode, 2);
        problems.push({
          ruleId: 'lock/unsatisfiable',
          severity: 'error',
          message: `model '${model.name}' cannot be solved for ${model.platform} (${describeVirtualPackages(virtual)}): ${proxy.describe(outcome.explanation)}`,
          fix: fixForUnsatisfiable(model, outcome.explanation),
        });
        continue;
      }
      const packages = outcome.packages.map((p) => ({ ...p, url: proxy.upstreamOf(p.url) }));
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
    problems.push(...channelProblems(proxy.troubles(), proxy.empty(), options.offline));
    // Not cached (offline) is this machine lacking something; a 404 channel is a wrong name.
    if (proxy.empty().length > 0) exitCode = Math.max(exitCode, options.offline ? 3 : 2);
  } finally {
    await proxy.close();
  }
  return exitCode;
}

function channelProblems(
  troubles: readonly ChannelTrouble[],
  empty: LockChannel[],
  offline: boolean,
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const trouble of troubles) {
    if (seen.has(trouble.channel.url)) continue;
    seen.add(trouble.channel.url);
    const { channel } = trouble;
    problems.push({
      ruleId: 'lock/channel-unreachable',
      severity: 'error',
      message: `channel ${channel.name} cannot be reached at ${channel.url}: ${trouble.detail} (${trouble.url})`,
      fix: channel.mirrored
        ? 'check the mirror URL in envgen.yaml `lock.mirrors` (or --mirror) and that this machine can reach it'
        : `check this machine's network or proxy (HTTPS_PROXY); on an air-gapped site set a mirror: \`lock: {mirrors: {${channel.name}: https://your-mirror/${channel.name}}}\` in envgen.yaml, or --mirror ${channel.name}=URL`,
    });
  }
  for (const channel of empty) {
    if (seen.has(channel.url)) continue;
    problems.push({
      ruleId: offline ? 'lock/not-cached' : 'lock/channel-empty',
      severity: 'error',
      message: offline
        ? `channel ${channel.name} (${channel.url}) has no repodata in the cache`
        : `channel ${channel.name} has no repodata at ${channel.url} (HTTP 404 for every index file)`,
      fix: offline
        ? 'run `envgen lock` once where the channel can be reached, then --offline uses the cache'
        : 'check the channel name, or the mirror URL in `lock.mirrors` / --mirror',
    });
  }
  return problems;
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
  const { packages } = job;
  return {
    model: job.target.model.name,
    platform: job.kind === 'conda' ? job.target.model.platform : null,
    path: job.path,
    status: job.status,
    ...(packages !== undefined
      ? { packages }
      : job.kind === 'pip' && job.status !== 'unchanged'
        ? { packages: job.target.model.pip.filter((r) => !r.startsWith('-')).length }
        : {}),
  };
}

/** pip requirements that pip may resolve differently next time (no `==`/`===`, no URL). */
export function unpinnedRequirements(requirements: readonly string[]): string[] {
  return requirements.filter(
    (r) => !r.trim().startsWith('-') && !/===?[^=]/.test(r) && !/\s@\s/.test(r),
  );
}

function distinct(channels: LockChannel[]): LockChannel[] {
  const byUrl = new Map<string, LockChannel>();
  for (const channel of channels) if (!byUrl.has(channel.url)) byUrl.set(channel.url, channel);
  return [...byUrl.values()];
}
