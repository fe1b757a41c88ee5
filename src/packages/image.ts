/**
 * The conda environment inside a built image (`envgen build --docker`), read as a package set
 * without running anything in the image and without a shell: `docker create` makes a stopped
 * container of it, `docker cp` copies the environment's `conda-meta/` out into a temp folder, and
 * that folder is read as any prefix is (prefix.ts), so the packages are the same as for the
 * prefix on disk. The container is removed however the read ends (a failure, an interrupt).
 *
 * Only conda's records are read: pip's distributions live in the environment's site-packages
 * beside the whole of torch, and `docker cp` cannot copy just their `*.dist-info` folders
 * without knowing their names; a warning says they were not read.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../io.js';
import { IMAGE_PREFIX } from '../layout.js';
import { type Problem, problem, UserError } from '../problem.js';
import type { PackageSet } from './package-set.js';
import { readPrefix } from './prefix.js';

const DOCKER_TIMEOUT_MS = 120_000;

export interface ImageSet {
  set: PackageSet;
  /** What could not be read (pip's distributions), as warnings. */
  warnings: Problem[];
}

/** Docker on PATH with a daemon that answers, or the problem (exit 3) with its fix. */
export async function findDocker(io: Io): Promise<string> {
  const docker = await io.which('docker');
  if (!docker) {
    throw new UserError([
      problem('image/no-docker', 'docker is not on PATH, and reading an image needs it', {
        fix: 'install Docker (or run where it is installed), or check the environment itself: envgen vulns PREFIX or the model',
      }),
    ]);
  }
  const info = await io.exec(docker, ['info', '--format', '{{.ServerVersion}}'], {
    timeoutMs: 30_000,
  });
  if (info.exitCode !== 0) {
    throw new UserError([
      problem('image/docker-daemon', `the docker daemon does not answer${firstLine(info.stderr)}`, {
        fix: 'start the daemon (`sudo systemctl start docker`, or Docker Desktop) or add your user to the docker group',
      }),
    ]);
  }
  return docker;
}

/**
 * Reads the environment at `prefix` (default: a model's image's, /opt/env) of the image `ref`.
 * `signal` (an interrupt) stops the docker command running; the container is removed anyway.
 */
export async function readImageEnvironment(
  io: Io,
  docker: string,
  ref: string,
  options: { prefix?: string; signal?: AbortSignal } = {},
): Promise<ImageSet> {
  const prefix = options.prefix ?? IMAGE_PREFIX;
  const label = `${ref}:${prefix}`;
  const run = (args: string[]) =>
    io.exec(docker, args, {
      timeoutMs: DOCKER_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  // `--pull=never`: the image checked is the one on this machine, never one pulled now. The
  // command is never run (the container is only created), but an image without CMD needs one.
  const created = await run(['create', '--pull=never', ref, 'true']);
  const container = created.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (created.exitCode !== 0 || !/^[0-9a-f]{12,64}$/.test(container)) {
    if (created.exitCode === 0) await removeContainer(io, docker, container);
    throw failed(created, 'image/not-found', `cannot create a container of ${ref}`, {
      fix: `build it (\`envgen build --docker\` tags <model>:envgen-check) or pull it first (\`docker pull ${ref}\`); nothing is pulled here`,
    });
  }
  const temp = await mkdtemp(join(tmpdir(), 'envgen-image-'));
  try {
    const copied = await run(['cp', `${container}:${prefix}/conda-meta`, join(temp, 'conda-meta')]);
    if (copied.exitCode !== 0) {
      throw failed(copied, 'image/no-environment', `${ref} has no conda environment at ${prefix}`, {
        fix: `name an image built by \`envgen build --docker\` (its environment is at ${IMAGE_PREFIX})`,
      });
    }
    const set = await readPrefix(io, temp, label);
    return {
      set: { ...set, label: `${label} (conda-meta)` },
      warnings: [
        problem(
          'image/pip-not-read',
          `${label}: only conda's packages were read (conda-meta/); pip's distributions in the image's site-packages were not read and are not checked`,
          {
            fix: "check the model's pip lock or requirements as well (envgen vulns MODEL), or pip freeze's output from the image",
          },
        ),
      ],
    };
  } finally {
    await io.remove(temp);
    await removeContainer(io, docker, container);
  }
}

/** Removes the container; never with the interrupt's signal, so an interrupt still removes it. */
async function removeContainer(io: Io, docker: string, container: string): Promise<void> {
  await io.exec(docker, ['rm', '--force', container], { timeoutMs: 60_000 });
}

function failed(
  result: Awaited<ReturnType<Io['exec']>>,
  code: 'image/not-found' | 'image/no-environment',
  message: string,
  { fix }: { fix: string },
): UserError {
  if (result.canceled) {
    return new UserError([problem('image/canceled', `${message}: interrupted`)]);
  }
  if (result.timedOut || result.exitCode === null || result.notFound) {
    return new UserError([
      problem(
        'image/docker-failed',
        `${message}: docker ${result.timedOut ? 'timed out' : 'did not run'}${firstLine(result.stderr)}`,
        { fix: 'check that the docker daemon answers (`docker info`), then run it again' },
      ),
    ]);
  }
  return new UserError([problem(code, `${message}${firstLine(result.stderr)}`, { fix })]);
}

/** `: <first line of stderr>`, when there is one, cut to a readable length. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line ? `: ${line.slice(0, 300)}` : '';
}
