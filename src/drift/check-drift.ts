/**
 * `drift`: an installed environment against the lock it was built from. Packages the lock has
 * and the prefix lacks (missing), packages the prefix has and the lock does not (extra, pip
 * distributions included), packages of another version, build or channel (mismatch), pip pins
 * not met, and files changed or deleted since install: each file a package recorded with a
 * hash (conda-meta `paths_data`, pip's RECORD) is hashed again, as `conda doctor` checks for
 * altered files. Returns data; the CLI renders it and decides the exit.
 */
import { join, posix } from 'node:path';
import { mapLimit } from '../concurrency.js';
import { channelName, channelUrl } from '../conda-channels.js';
import type { Io } from '../io.js';
import { lockPath, pipLockPath } from '../layout.js';
import type { PackageRecord } from '../packages/package-set.js';
import {
  type InstalledFile,
  type InstalledPackage,
  type InstalledPrefix,
  readInstalledPrefix,
} from '../packages/prefix.js';
import { type Problem, problem } from '../problem.js';
import type { ProblemCode } from '../problem-codes.js';
import type { Progress } from '../progress.js';
import {
  explicitLockSet,
  meetsPin,
  type PipPin,
  pipPins,
  requiredName,
} from './locked-packages.js';

export interface DriftTarget {
  model: string;
  platform: string;
  /** The prefix, absolute, and as messages name it. */
  prefix: string;
  prefixLabel: string;
  /** The explicit lock and pip companion, absolute, and as messages name them. */
  lock: string;
  lockLabel: string;
  pipLock: string;
  pipLockLabel: string;
  /** The model installs the repository's own packages (`localPackages`): local pip installs are expected. */
  localPackages: boolean;
}

/**
 * The target for a model: its prefix, and its lock and pip companion where `envgen lock` writes
 * them under `root`; `label` names a path in messages.
 */
export function driftTarget(
  root: string,
  model: { name: string; platform: string; prefix: string; localPackages: boolean },
  label: (path: string) => string,
): DriftTarget {
  const lock = join(root, lockPath(model.name, model.platform));
  const pipLock = join(root, pipLockPath(model.name));
  return {
    model: model.name,
    platform: model.platform,
    prefix: model.prefix,
    prefixLabel: label(model.prefix),
    lock,
    lockLabel: label(lock),
    pipLock,
    pipLockLabel: label(pipLock),
    localPackages: model.localPackages,
  };
}

export interface DriftOptions {
  /** Check files against their recorded hashes (`--no-files` turns it off). */
  files: boolean;
  progress: Progress;
  /** Files hashed at once. */
  jobs?: number;
  /** Above this many bytes to hash, progress is shown. */
  progressBytes?: number;
}

type Manager = PackageRecord['manager'];

interface Side {
  version: string | null;
  build: string | null;
  channel: string | null;
}

export interface PackageDrift {
  kind: 'missing' | 'extra' | 'mismatch';
  manager: Manager;
  name: string;
  /** What the lock says (null for an extra package). */
  locked: Side | null;
  /** What is installed (null for a missing package). */
  installed: Side | null;
  /** For a mismatch: what differs (`version`, `build`, `channel`, `md5`). */
  differs: string[];
}

interface FileDrift {
  kind: 'altered' | 'deleted' | 'unreadable';
  manager: Manager;
  package: string;
  /** Relative to the prefix. */
  path: string;
}

export interface ModelDrift {
  name: string;
  prefix: string;
  lock: string | null;
  pipLock: string | null;
  ok: boolean;
  counts: { conda: number; pip: number; filesChecked: number };
  packages: PackageDrift[];
  files: FileDrift[];
  problems: Problem[];
}

/** Whether the folder holds an environment (its conda-meta/), without reading it. */
export async function isEnvironment(io: Io, prefix: string): Promise<boolean> {
  return io.exists(join(prefix, 'conda-meta'));
}

export async function checkDrift(
  io: Io,
  target: DriftTarget,
  options: DriftOptions,
): Promise<ModelDrift> {
  const prefix = await readInstalledPrefix(io, target.prefix, target.prefixLabel);
  const problems: Problem[] = [...prefix.warnings];
  const packages: PackageDrift[] = [];

  const lockText = await readOptional(io, target.lock);
  if (lockText === null) {
    problems.push(
      problem(
        'drift/no-lock',
        `${target.model}: there is no lock for ${target.platform} (${target.lockLabel}) to compare the environment with; only its files were checked`,
        {
          file: target.lockLabel,
          fix: `run \`envgen lock ${target.model}\`, then \`envgen build ${target.model}\` to install from it`,
        },
      ),
    );
  } else {
    const locked = explicitLockSet(lockText, target.lockLabel, target.platform);
    packages.push(...condaDrift(locked.packages, prefix));
    const pipText = await readOptional(io, target.pipLock);
    packages.push(...pipDrift(pipText === null ? [] : pipPins(pipText), prefix, target));
  }
  for (const drift of packages) problems.push(packageProblem(target, drift));

  const files = options.files ? await fileDrift(io, target, prefix.installed, options) : null;
  for (const group of groupFiles(files?.drift ?? [])) problems.push(fileProblem(target, group));

  const conda = prefix.installed.filter((p) => p.record.manager === 'conda').length;
  return {
    name: target.model,
    prefix: target.prefixLabel,
    lock: lockText === null ? null : target.lockLabel,
    pipLock: lockText === null ? null : target.pipLockLabel,
    ok: !problems.some((p) => p.severity === 'error'),
    counts: {
      conda,
      pip: prefix.installed.length - conda,
      filesChecked: files?.checked ?? 0,
    },
    packages,
    files: files?.drift ?? [],
    problems,
  };
}

async function readOptional(io: Io, path: string): Promise<string | null> {
  try {
    return (await io.readFile(path)).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const side = (r: PackageRecord): Side => ({
  version: r.version,
  build: r.build,
  channel: r.channel,
});

/** The channel a package came from: its URL less `/<subdir>/<file>`, else its `channel` less the subdir. */
function channelOf(record: PackageRecord): string | null {
  if (record.url) {
    const parts = record.url.split('/');
    if (parts.length > 3) return parts.slice(0, -2).join('/');
  }
  if (!record.channel) return null;
  const trimmed = record.channel.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return record.subdir && last === record.subdir
    ? trimmed.slice(0, trimmed.lastIndexOf('/'))
    : trimmed;
}

function condaDrift(locked: readonly PackageRecord[], prefix: InstalledPrefix): PackageDrift[] {
  const installed = new Map(
    prefix.installed
      .filter((p) => p.record.manager === 'conda')
      .map((p) => [p.record.name, p.record] as const),
  );
  const lockedNames = new Set(locked.map((p) => p.name));
  const drift: PackageDrift[] = [];
  for (const want of locked) {
    const have = installed.get(want.name);
    if (!have) {
      drift.push({
        kind: 'missing',
        manager: 'conda',
        name: want.name,
        locked: side(want),
        installed: null,
        differs: [],
      });
      continue;
    }
    const differs: string[] = [];
    if (have.version !== want.version) differs.push('version');
    if (have.build !== want.build) differs.push('build');
    const wantChannel = channelOf(want);
    const haveChannel = channelOf(have);
    // A mirror of the same channel is the same channel; the MD5 tells another file.
    if (
      wantChannel &&
      haveChannel &&
      channelUrl(wantChannel) !== channelUrl(haveChannel) &&
      channelName(wantChannel) !== channelName(haveChannel)
    ) {
      differs.push('channel');
    }
    if (want.md5 && have.md5 && want.md5 !== have.md5) differs.push('md5');
    if (differs.length > 0) {
      drift.push({
        kind: 'mismatch',
        manager: 'conda',
        name: want.name,
        locked: { ...side(want), channel: wantChannel },
        installed: { ...side(have), channel: haveChannel },
        differs,
      });
    }
  }
  for (const [name, have] of installed) {
    if (lockedNames.has(name)) continue;
    drift.push({
      kind: 'extra',
      manager: 'conda',
      name,
      locked: null,
      installed: { ...side(have), channel: channelOf(have) },
      differs: [],
    });
  }
  return drift;
}

function pipDrift(
  pins: readonly PipPin[],
  prefix: InstalledPrefix,
  target: DriftTarget,
): PackageDrift[] {
  const pip = prefix.installed.filter((p) => p.record.manager === 'pip');
  const byName = new Map(pip.map((p) => [p.record.name, p] as const));
  // A pin may be met by a distribution conda installed: pip leaves it alone.
  const anyVersion = new Map<string, string>(
    prefix.condaDistributions.map((d) => [d.name, d.version]),
  );
  for (const p of pip) anyVersion.set(p.record.name, p.record.version ?? '');
  const drift: PackageDrift[] = [];
  for (const pin of pins) {
    if (pin.marker) continue;
    const version = anyVersion.get(pin.name);
    const wanted: Side = { version: pin.exact, build: null, channel: null };
    if (version === undefined) {
      drift.push({
        kind: 'missing',
        manager: 'pip',
        name: pin.name,
        locked: wanted,
        installed: null,
        differs: [],
      });
    } else if (pin.exact && !meetsPin(version, pin.exact)) {
      drift.push({
        kind: 'mismatch',
        manager: 'pip',
        name: pin.name,
        locked: wanted,
        installed: { version, build: null, channel: null },
        differs: ['version'],
      });
    }
  }
  // What the pins require, and what that requires: pip installed it on purpose.
  const wanted = new Set<string>();
  const queue: { name: string; extras: string[] }[] = pins.map((p) => ({
    name: p.name,
    extras: p.extras,
  }));
  while (queue.length > 0) {
    const next = queue.shift() as { name: string; extras: string[] };
    if (wanted.has(next.name)) continue;
    wanted.add(next.name);
    for (const requirement of byName.get(next.name)?.record.depends ?? []) {
      const name = requiredName(requirement, next.extras);
      if (name && !wanted.has(name)) queue.push({ name, extras: [] });
    }
  }
  for (const dist of pip) {
    if (wanted.has(dist.record.name)) continue;
    if (dist.localFolder && target.localPackages) continue;
    drift.push({
      kind: 'extra',
      manager: 'pip',
      name: dist.record.name,
      locked: null,
      installed: { version: dist.record.version, build: null, channel: null },
      differs: [],
    });
  }
  return drift;
}

/** Whether a recorded file is one the check leaves alone: bytecode Python writes and rewrites. */
function skipped(file: InstalledFile): boolean {
  return file.type === 'pyc_file' || file.path.endsWith('.pyc');
}

/** Whether a recorded path stays inside the prefix. */
function inside(path: string): boolean {
  const normal = posix.normalize(path);
  return !posix.isAbsolute(normal) && normal !== '..' && !normal.startsWith('../');
}

const DEFAULT_PROGRESS_BYTES = 512 * 1024 * 1024;

async function fileDrift(
  io: Io,
  target: DriftTarget,
  installed: readonly InstalledPackage[],
  options: DriftOptions,
): Promise<{ drift: FileDrift[]; checked: number }> {
  const work = installed.flatMap((pkg) =>
    pkg.files.filter((f) => !skipped(f) && inside(f.path)).map((file) => ({ pkg, file })),
  );
  const bytes = work.reduce((sum, { file }) => sum + (file.sha256 ? (file.size ?? 0) : 0), 0);
  const show = bytes > (options.progressBytes ?? DEFAULT_PROGRESS_BYTES);
  const step = `checking ${work.length} files (${Math.round(bytes / 1e6)} MB)`;
  const started = io.now();
  if (show) options.progress.start(target.model, step);
  let done = 0;
  const results = await mapLimit(work, options.jobs ?? 8, async ({ pkg, file }) => {
    const kind = await checkFile(io, join(target.prefix, file.path), file);
    done++;
    if (show && done % 500 === 0) {
      options.progress.update(target.model, `${step}: ${done}/${work.length}`);
    }
    return kind
      ? ({
          kind,
          manager: pkg.record.manager,
          package: pkg.record.name,
          path: file.path,
        } satisfies FileDrift)
      : null;
  });
  const drift = results.filter((r): r is FileDrift => r !== null);
  if (show) {
    options.progress.finish(
      target.model,
      step,
      drift.length === 0,
      io.now() - started,
      `${drift.length} changed`,
    );
  }
  return { drift, checked: work.length };
}

async function checkFile(
  io: Io,
  path: string,
  file: InstalledFile,
): Promise<FileDrift['kind'] | null> {
  if (file.type === 'softlink') {
    return (await io.readLink(path)) !== null || (await io.exists(path)) ? null : 'deleted';
  }
  if (!file.sha256) return (await io.exists(path)) ? null : 'deleted';
  try {
    return (await io.sha256File(path)) === file.sha256.toLowerCase() ? null : 'altered';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'deleted';
    // A folder or a device where a file was: not what was installed.
    if (code === 'EISDIR' || code === 'EFTYPE') return 'altered';
    return 'unreadable';
  }
}

interface FileGroup {
  kind: FileDrift['kind'];
  manager: Manager;
  package: string;
  paths: string[];
}

function groupFiles(drift: readonly FileDrift[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const d of drift) {
    const key = `${d.kind}\u0000${d.manager}\u0000${d.package}`;
    const group = groups.get(key) ?? { ...d, paths: [] };
    group.paths.push(d.path);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const describe = (s: Side | null): string =>
  s ? [s.version, s.build].filter((x) => x !== null).join(' ') : '';

function packageProblem(target: DriftTarget, drift: PackageDrift): Problem {
  const m = target.model;
  const what = drift.manager === 'pip' ? `pip distribution ${drift.name}` : drift.name;
  const lockFile = drift.manager === 'pip' ? target.pipLockLabel : target.lockLabel;
  const rebuild = `recreate the environment from the lock: \`envgen build ${m}\``;
  switch (drift.kind) {
    case 'missing':
      return problem(
        'drift/missing',
        drift.manager === 'pip'
          ? `${m}: ${drift.name} (${lockFile}: ${drift.locked?.version ? `==${drift.locked.version}` : 'any version'}) is not installed`
          : `${m}: ${drift.name} ${describe(drift.locked)} is in the lock but not installed`,
        { file: lockFile, fix: rebuild },
      );
    case 'extra':
      return problem(
        'drift/extra',
        drift.manager === 'pip'
          ? `${m}: ${what} ${drift.installed?.version ?? ''} was installed with pip, and neither ${lockFile} nor what it requires asks for it`
          : `${m}: ${drift.name} ${describe(drift.installed)} is installed but not in the lock`,
        {
          file: target.prefixLabel,
          fix:
            drift.manager === 'pip'
              ? `add it to the model's pip: in envgen.yaml and run \`envgen lock\`, or remove it (\`${target.prefixLabel}/bin/python -m pip uninstall ${drift.name}\`)`
              : `add it to the model in envgen.yaml and run \`envgen lock\`, or ${rebuild}`,
        },
      );
    case 'mismatch': {
      const changes = drift.differs.map((field) => {
        const key = field as keyof Side;
        return field === 'md5'
          ? 'another package file (md5)'
          : `${field} ${drift.locked?.[key] ?? '?'} in the lock, ${drift.installed?.[key] ?? '?'} installed`;
      });
      return problem('drift/mismatch', `${m}: ${what}: ${changes.join('; ')}`, {
        file: lockFile,
        fix: rebuild,
      });
    }
  }
}

const SHOWN_PATHS = 3;

function fileProblem(target: DriftTarget, group: FileGroup): Problem {
  const m = target.model;
  const count = group.paths.length;
  const shown = group.paths.slice(0, SHOWN_PATHS).join(', ');
  const more = count > SHOWN_PATHS ? ` and ${count - SHOWN_PATHS} more` : '';
  const files = `${count} file${count === 1 ? '' : 's'} of ${group.manager === 'pip' ? 'pip distribution ' : ''}${group.package}`;
  const code: ProblemCode =
    group.kind === 'altered'
      ? 'drift/altered-file'
      : group.kind === 'deleted'
        ? 'drift/deleted-file'
        : 'drift/unreadable-file';
  const message =
    group.kind === 'altered'
      ? `${m}: ${files} changed since install: ${shown}${more}`
      : group.kind === 'deleted'
        ? `${m}: ${files} deleted since install: ${shown}${more}`
        : `${m}: ${files} could not be read to check: ${shown}${more}`;
  const reinstall =
    group.manager === 'pip'
      ? `reinstall it: \`${target.prefixLabel}/bin/python -m pip install --force-reinstall --no-deps ${group.package}\``
      : `reinstall it: \`conda install --prefix ${target.prefixLabel} --force-reinstall ${group.package}\``;
  return problem(code, message, {
    file: `${target.prefixLabel}/${group.paths[0]}`,
    fix:
      group.kind === 'unreadable'
        ? 'check the permissions of the files (run drift as the user who owns the environment)'
        : `${reinstall}, or recreate the environment: \`envgen build ${m}\``,
  });
}
