/**
 * The conda environment inside a built image (`envgen build --docker`), read as a package set
 * without a shell: `docker create` makes a stopped container of it, `docker cp` copies the
 * environment's `conda-meta/` out into a temp folder, and the environment's own Python lists its
 * distributions' METADATA headers and INSTALLER (`docker run --network none`, the script an
 * argument, never a shell line), which are written beside conda-meta as the dist-info folders
 * they came from. That folder is read as any prefix is (prefix.ts), so the packages, pip's
 * included, are the same as for the prefix on disk. The container is removed however the read
 * ends (a failure, an interrupt).
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
  const run = (args: string[], stdoutChars?: number) =>
    io.exec(docker, args, {
      timeoutMs: DOCKER_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(stdoutChars ? { stdoutChars } : {}),
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
    const pipRead = await copyDistributions(io, run, ref, prefix, temp);
    const set = await readPrefix(io, temp, label);
    if (pipRead === true) return { set, warnings: [] };
    return {
      set: { ...set, label: `${label} (conda-meta)` },
      warnings: [
        problem(
          'image/pip-not-read',
          `${label}: only conda's packages were read (conda-meta/); pip's distributions could not be listed (${pipRead}) and are not checked`,
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

/**
 * Run by the image's own Python with the environment's path as its argument: each
 * `*.dist-info` of its site-packages, with METADATA's headers (up to the first blank line: the
 * long description is not needed) and INSTALLER, as JSON.
 */
const LIST_DISTRIBUTIONS = `import glob, json, os, sys
prefix = sys.argv[1]
found = []
for site in sorted(glob.glob(os.path.join(prefix, "lib", "python*", "site-packages"))):
    for name in sorted(os.listdir(site)):
        if not name.endswith(".dist-info") or name.startswith("~"):
            continue
        entry = {"site": os.path.relpath(site, prefix), "name": name}
        for part in ("METADATA", "INSTALLER"):
            try:
                with open(os.path.join(site, name, part), encoding="utf-8", errors="replace") as f:
                    text = f.read(1 << 20)
            except OSError:
                continue
            entry[part] = text.split("\\n\\n", 1)[0] if part == "METADATA" else text
        found.append(entry)
json.dump(found, sys.stdout)
`;

/** The most output the listing may have: METADATA headers of thousands of distributions. */
const MAX_LISTING_CHARS = 32 * 1024 * 1024;
const SITE = /^lib\/python\d+(?:\.\d+)?t?\/site-packages$/;
const DIST_INFO = /^[A-Za-z0-9][A-Za-z0-9._+-]*\.dist-info$/;

/**
 * Writes the image's dist-info headers under `temp` as they lie in the environment; true, or why
 * they could not be listed (no Python in the environment, an answer that is not the listing).
 */
async function copyDistributions(
  io: Io,
  run: (args: string[], stdoutChars?: number) => ReturnType<Io['exec']>,
  ref: string,
  prefix: string,
  temp: string,
): Promise<true | string> {
  const listed = await run(
    [
      'run',
      '--rm',
      '--pull=never',
      '--network',
      'none',
      '--entrypoint',
      `${prefix}/bin/python`,
      ref,
      '-c',
      LIST_DISTRIBUTIONS,
      prefix,
    ],
    MAX_LISTING_CHARS,
  );
  if (listed.canceled) throw new UserError([problem('image/canceled', `${ref}: interrupted`)]);
  if (listed.exitCode !== 0) return `its Python did not run${firstLine(listed.stderr)}`;
  let entries: unknown;
  try {
    entries = JSON.parse(listed.stdout);
  } catch {
    return 'its Python printed no listing';
  }
  if (!Array.isArray(entries)) return 'its Python printed no listing';
  for (const entry of entries as Record<string, unknown>[]) {
    const { site, name, METADATA: metadata, INSTALLER: installer } = entry ?? {};
    // Only a dist-info folder directly in a site-packages is written: nothing the image says
    // can name a path elsewhere.
    if (typeof site !== 'string' || !SITE.test(site)) continue;
    if (typeof name !== 'string' || !DIST_INFO.test(name)) continue;
    if (typeof metadata !== 'string') continue;
    const folder = join(temp, site, name);
    await io.writeFileAtomic(join(folder, 'METADATA'), `${metadata}\n`);
    if (typeof installer === 'string')
      await io.writeFileAtomic(join(folder, 'INSTALLER'), installer);
  }
  return true;
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
