/**
 * Where every file envgen generates lives, in the repository and in the image. This is the only
 * module that spells `envs/<model>/…`, `bundles/<bundle>/…`, `.envgen/envs` or `.envgen/rollout`:
 * `generate`, `lock`, `build`, `rollout`, `doctor` and `audit` ask here, so a change of layout is a change of this file.
 */

/** The smoke-check script, shared by every model, in the repository. */
export const SMOKE_SCRIPT = 'envs/smoke_check.py';
/** observe: the runtime module (metrics server, SDK start, gunicorn hooks), shared by every model. */
export const OBSERVE_MODULE = 'envs/envgen_observe.py';
/** observe: the entrypoint that empties the multiprocess folder, then execs the server. */
export const OBSERVE_ENTRYPOINT = 'envs/envgen-observe';
/** The bake file listing every image target. */
export const BAKE_FILE = 'docker-bake.hcl';
/** The pipeline `envgen ci` writes, per CI provider. */
export const CI_FILES = {
  github: '.github/workflows/envgen.yml',
  gitlab: '.gitlab-ci.yml',
} as const;
/** Where `envgen build` creates environments, relative to the repository root. */
export const ENVIRONMENTS_ROOT = '.envgen/envs';
/**
 * Where `envgen rollout` keeps its versioned environments, the `current`/`previous` links, the
 * lock files, the pidfiles and its log by default, relative to the repository root; the generated
 * `envgen-serve` script and systemd unit start from here. Apart from build's ENVIRONMENTS_ROOT so
 * that neither command touches the other's folders (`envgen build chat` removes a failed
 * `.envgen/envs/chat`, which must never hold rollout's links or pidfile).
 */
export const ROLLOUT_ROOT = '.envgen/rollout';
/** envgen's own working folder in a repository (never linted, never copied into an image). */
export const STATE_FOLDER = '.envgen';

/** In the image: the single environment of a model's image. */
export const IMAGE_PREFIX = '/opt/env';
/** In the image: where the smoke-check script is copied. */
export const IMAGE_SMOKE_SCRIPT = '/opt/envgen/smoke_check.py';
/** In the image: observe:'s module, entrypoint and gunicorn config (beside the smoke check). */
export const IMAGE_OBSERVE_MODULE = '/opt/envgen/envgen_observe.py';
export const IMAGE_OBSERVE_ENTRYPOINT = '/opt/envgen/envgen-observe';
export const IMAGE_GUNICORN_CONFIG = '/opt/envgen/gunicorn.conf.py';
/** In the image: the folder of prometheus_client's multiprocess files (emptied at start). */
export const IMAGE_METRICS_DIR = '/tmp/envgen-metrics';
/** In a bundle's image: the environment of one member model. */
export function bundlePrefix(model: string): string {
  return `/opt/envs/${model}`;
}

/** The folders whose sub-folders hold one model's or one bundle's generated files. */
export const MODEL_FOLDER = 'envs';
export const BUNDLE_FOLDER = 'bundles';
/** The files `generate` writes in those sub-folders. */
export const GENERATED_NAMES = [
  'Dockerfile',
  'environment.yml',
  'envgen-run',
  'gunicorn.conf.py',
  'envgen-serve',
  'envgen-serve@.service',
] as const;
/** What `envgen lock` writes beside them. */
export const LOCK_NAME = /^(conda-[a-z0-9-]+\.lock|pip-requirements\.txt|conda-lock\.yml)$/;

function modelFolder(model: string): string {
  return `${MODEL_FOLDER}/${model}`;
}
export function environmentFile(model: string): string {
  return `${modelFolder(model)}/environment.yml`;
}
export function modelDockerfile(model: string): string {
  return `${modelFolder(model)}/Dockerfile`;
}
/** observe: the gunicorn config of a model served by gunicorn. */
export function gunicornConfig(model: string): string {
  return `${modelFolder(model)}/gunicorn.conf.py`;
}
/** The explicit conda lock of a model for one platform. */
export function lockPath(model: string, platform: string): string {
  return `${modelFolder(model)}/conda-${platform}.lock`;
}
/** A model's lock for every platform it was locked for, in conda-lock's format (version 1): what `graph` and `why` read. */
export function condaLockPath(model: string): string {
  return `${modelFolder(model)}/conda-lock.yml`;
}
/** The pip companion of a model's lock. */
export function pipLockPath(model: string): string {
  return `${modelFolder(model)}/pip-requirements.txt`;
}

function bundleFolder(bundle: string): string {
  return `${BUNDLE_FOLDER}/${bundle}`;
}
export function bundleDockerfile(bundle: string): string {
  return `${bundleFolder(bundle)}/Dockerfile`;
}
/** The script a bundle's image runs to start one of its models. */
export function bundleDispatcher(bundle: string): string {
  return `${bundleFolder(bundle)}/envgen-run`;
}

/** Bake target names take letters, digits, `_` and `-`; a model's name may also hold `.`. */
export function bakeTarget(name: string): string {
  return name.replaceAll('.', '_');
}

/** One image of the bake file: a model's, or a bundle's (which takes its first member's platform). */
export interface ImageTarget {
  /** The bake target (`bakeTarget` of the image's name). */
  target: string;
  /** The model's or bundle's name: the image's name. */
  image: string;
  dockerfile: string;
  /** The conda platform (`linux-64`, `linux-aarch64`) the image is built for. */
  platform: string;
  /** The models it carries. */
  models: string[];
  owner: 'model' | 'bundle';
}

/**
 * Every image target of a spec, in the bake file's order: models, then bundles. The one list
 * that `docker-bake.hcl` and the CI pipeline (`envgen ci`) are made from.
 */
export function imageTargets(
  models: readonly { name: string; platform: string }[],
  bundles: Readonly<Record<string, readonly string[]>>,
): ImageTarget[] {
  return [
    ...models.map((m) => ({
      target: bakeTarget(m.name),
      image: m.name,
      dockerfile: modelDockerfile(m.name),
      platform: m.platform,
      models: [m.name],
      owner: 'model' as const,
    })),
    ...Object.entries(bundles).map(([bundle, members]) => ({
      target: bakeTarget(bundle),
      image: bundle,
      dockerfile: bundleDockerfile(bundle),
      platform: models.find((m) => m.name === members[0])?.platform ?? 'linux-64',
      models: [...members],
      owner: 'bundle' as const,
    })),
  ];
}

export interface GeneratedPlace {
  /** `model` for `envs/<name>/<file>`, `bundle` for `bundles/<name>/<file>`. */
  owner: 'model' | 'bundle';
  name: string;
  /** The file's name in its folder. */
  file: string;
}

/**
 * Which model's or bundle's folder a repository path (POSIX, relative) is in, read from the
 * layout alone: `envs/serve/Dockerfile` is model "serve"'s `Dockerfile`. Other paths (the shared
 * smoke script, a nested folder, anything else) have none.
 */
export function generatedPlace(path: string): GeneratedPlace | undefined {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length !== 3) return undefined;
  const [top, name, file] = parts as [string, string, string];
  if (top === MODEL_FOLDER) return { owner: 'model', name, file };
  if (top === BUNDLE_FOLDER) return { owner: 'bundle', name, file };
  return undefined;
}

/** `envgen rollout`: the JSON-lines log of every rollout step, under the root. */
export const ROLLOUT_LOG = 'rollout.jsonl';
/** `envgen rollout`: a model's environment built at its final, versioned path. */
export function rolloutPrefix(root: string, model: string, hash: string): string {
  return `${root}/${model}@${hash}`;
}
/** `envgen rollout`: a model's folder of links (`current`, `previous`) and its lock file. */
export function rolloutFolder(root: string, model: string): string {
  return `${root}/${model}`;
}
/** `envgen rollout`: the link the service starts from, and the one before it. */
export function rolloutLink(root: string, model: string, which: 'current' | 'previous'): string {
  return `${rolloutFolder(root, model)}/${which}`;
}
/** `envgen rollout`: the lock file held while a rollout of the model runs. */
export function rolloutLockFile(root: string, model: string): string {
  return `${rolloutFolder(root, model)}/rollout.lock`;
}
/** The pidfile the generated gunicorn invocation and systemd unit use. */
export function rolloutPidfile(root: string, model: string): string {
  return `${rolloutFolder(root, model)}/gunicorn.pid`;
}
/** For served models: the script that starts the server from `<root>/<model>/current/bin/…`. */
export function serveScript(model: string): string {
  return `${modelFolder(model)}/envgen-serve`;
}
/**
 * For served models: the systemd unit template (its instance: the repository's path, escaped),
 * installed as `envgen-<model>@.service`.
 */
export function systemdUnit(model: string): string {
  return `${modelFolder(model)}/envgen-serve@.service`;
}
