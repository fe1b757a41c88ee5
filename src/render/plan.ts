/**
 * From resolved models to the files `generate` writes: a plan of `{path, content}`, rendered
 * and sealed, written nowhere. `generate` writes it, `generate --check` compares it, `audit`
 * (later) lints it.
 *
 * Every value that reaches a template is either validated spec input (one line, allowed
 * characters: see schemas/envgen.schema.json) or table data validated by its schema, and is
 * checked once more here before rendering.
 */
import type { ResolvedModel } from '../compat/resolve.js';
import {
  BAKE_FILE,
  bundleDispatcher,
  bundleDockerfile,
  bundlePrefix,
  environmentFile,
  gunicornConfig,
  IMAGE_GUNICORN_CONFIG,
  IMAGE_OBSERVE_ENTRYPOINT,
  IMAGE_OBSERVE_MODULE,
  IMAGE_PREFIX,
  IMAGE_SMOKE_SCRIPT,
  imageTargets,
  lockPath,
  modelDockerfile,
  OBSERVE_ENTRYPOINT,
  OBSERVE_MODULE,
  pipLockPath,
  ROLLOUT_ROOT,
  rolloutLink,
  rolloutPidfile,
  SMOKE_SCRIPT,
  serveScript,
  systemdUnit,
} from '../layout.js';
import type { Base, ModelSpec, Spec } from '../spec/types.js';
import { BUILD_IMAGES, RUNTIME_IMAGE } from './base-images.js';
import { type ObserveRuntime, observeRuntime, TAG_ARG } from './observe-runtime.js';
import type { GunicornConfView, ObserveSharedView } from './observe-view.js';
import { headerFor, seal } from './seal.js';
import { type Render, templates } from './templates.js';
import { yamlScalar } from './yaml-scalar.js';

export interface PlannedFile {
  /** POSIX path relative to the repository root. */
  path: string;
  content: string;
  /** The model (or bundle) the file belongs to; absent for shared files. */
  owner?: string;
}

export interface PlanInput {
  /** The spec file as named in headers (`envgen.yaml`). */
  specFile: string;
  spec: Spec;
  /** Resolved pins of every model of the spec, in spec order. */
  models: ResolvedModel[];
  version: string;
  /**
   * Models with a lock for their platform (`envgen lock`): their images install from it, with
   * no solve in the image build.
   */
  locked?: ReadonlySet<string>;
  /**
   * The repository has `gunicorn.conf.py` at its root, which gunicorn reads by default: with
   * observe:, the generated config loads it first (`-c` would otherwise replace it).
   */
  rootGunicornConfig?: boolean;
}

const SINGLE_PREFIX = IMAGE_PREFIX;

/** One conda environment as the Dockerfile template builds it (its stage, prefix, lock, channels). */
interface DockerfileEnvironment {
  stage: string;
  prefix: string;
  envFile: string;
  buildImage: string;
  pkgsDir: string;
  micromamba: boolean;
  cudaOverride: string | false;
  /** The explicit lock to install from, when the model has one. */
  lockFile: string | false;
  /** The pip companion of the lock, when the model has pip requirements. */
  pipFile: string | false;
  /** `--channel pytorch --channel conda-forge`: the environment's channels, for conda. */
  channelArgs: string;
  /** Where the repo's own packages are, in the build stage's copy of the repo. */
  localPackages: string[];
  /** Where the build stage mounts the repo, and where it copies it to build its packages. */
  repoMount: string;
  sourceCopy: string;
}

export function renderPlan(input: PlanInput, render: Render = templates()): PlannedFile[] {
  const files: PlannedFile[] = [];
  const header = (model: string | null): string => headerFor(input.version, input.specFile, model);
  const add = (
    path: string,
    name: Parameters<Render>[0],
    context: object,
    owner?: string,
  ): void => {
    assertOneLineValues(context, path);
    files.push({ path, content: seal(render(name, context)), ...(owner ? { owner } : {}) });
  };

  for (const model of input.models) {
    const spec = input.spec.models[model.name] as ModelSpec;
    add(
      environmentFile(model.name),
      'environment.yml',
      environmentYmlContext(model, header(model.name)),
      model.name,
    );
    const env = dockerfileEnvironment(model, spec, input, 'build', SINGLE_PREFIX);
    const observe = model.observe
      ? observeRuntime(model, spec, SINGLE_PREFIX, commandFor(spec, SINGLE_PREFIX), {
          rootGunicornConfig: input.rootGunicornConfig ?? false,
        })
      : undefined;
    if (observe?.gunicorn) {
      const view: GunicornConfView = { header: header(model.name), ...observe.gunicorn };
      add(gunicornConfig(model.name), 'gunicorn.conf.py', view, model.name);
    }
    add(
      modelDockerfile(model.name),
      'Dockerfile',
      {
        header: header(model.name),
        environments: [env],
        multi: false,
        runtimeImage: RUNTIME_IMAGE,
        smokeScript: SMOKE_SCRIPT,
        dispatcher: false,
        pathPrefix: `${SINGLE_PREFIX}/bin`,
        labels: labelsFor([model], input.version, model.name),
        port: spec.serve?.port ?? false,
        healthcheck: healthcheckFor(spec, SINGLE_PREFIX),
        ...observeContext(observe, model.name),
        cmd: JSON.stringify(observe?.command ?? commandFor(spec, SINGLE_PREFIX)),
      },
      model.name,
    );
    if (spec.serve) addServeHelpers(add, model.name, spec.serve.command, header(model.name));
  }

  for (const [bundle, names] of Object.entries(input.spec.bundles ?? {})) {
    const members = names.map((name) => input.models.find((m) => m.name === name) as ResolvedModel);
    const prefixOf = bundlePrefix;
    const dispatcher = bundleDispatcher(bundle);
    add(
      dispatcher,
      'envgen-run.sh',
      {
        header: header(null).replace('(all models)', `(bundle "${bundle}")`),
        modelList: names.join(' '),
        models: members.map((m) => ({
          name: m.name,
          command: commandFor(input.spec.models[m.name] as ModelSpec, prefixOf(m.name))
            .map(shellQuote)
            .join(' '),
        })),
      },
      bundle,
    );
    add(
      bundleDockerfile(bundle),
      'Dockerfile',
      {
        header: header(null).replace('(all models)', `(bundle "${bundle}")`),
        environments: members.map((m) =>
          dockerfileEnvironment(
            m,
            input.spec.models[m.name] as ModelSpec,
            input,
            `build-${m.name}`,
            prefixOf(m.name),
          ),
        ),
        multi: true,
        runtimeImage: RUNTIME_IMAGE,
        smokeScript: SMOKE_SCRIPT,
        dispatcher,
        pathPrefix: false,
        labels: labelsFor(members, input.version, bundle),
        port: false,
        healthcheck: false,
        observe: false,
        metricsPort: false,
        tagArg: false,
        entrypoint: JSON.stringify(['/usr/local/bin/envgen-run']),
        cmd: JSON.stringify([]),
      },
      bundle,
    );
  }

  add(SMOKE_SCRIPT, 'smoke_check.py', { header: header(null) });
  if (input.models.some((m) => m.observe)) {
    const shared: ObserveSharedView = { header: header(null) };
    add(OBSERVE_MODULE, 'envgen_observe.py', shared);
    add(OBSERVE_ENTRYPOINT, 'envgen-observe.sh', shared);
  }
  add('.dockerignore', 'dockerignore', { header: header(null) });
  add(BAKE_FILE, 'docker-bake.hcl', bakeContext(input, header(null)));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The runtime stage's part of observe: (absent: none of it). */
function observeContext(observe: ObserveRuntime | undefined, model: string): object {
  if (!observe) return { observe: false, metricsPort: false, tagArg: false, entrypoint: false };
  return {
    observe: {
      env: observe.env.map(([key, value]) => `${key}=${JSON.stringify(value)}`),
      module: OBSERVE_MODULE,
      imageModule: IMAGE_OBSERVE_MODULE,
      entrypointFile: OBSERVE_ENTRYPOINT,
      imageEntrypoint: IMAGE_OBSERVE_ENTRYPOINT,
      gunicornConfig: observe.gunicorn ? gunicornConfig(model) : false,
      imageGunicornConfig: IMAGE_GUNICORN_CONFIG,
    },
    metricsPort: observe.metricsPort ?? false,
    // Every observing image declares ARG ENVGEN_IMAGE_TAG, for service.version.
    tagArg: TAG_ARG,
    entrypoint: JSON.stringify([IMAGE_OBSERVE_ENTRYPOINT]),
  };
}

/**
 * For a served model, on a machine without Docker (`envgen rollout`): the script that starts
 * the server from `<root>/<model>/current/bin/…` and a systemd unit template that runs it.
 */
function addServeHelpers(
  add: (path: string, name: Parameters<Render>[0], context: object, owner?: string) => void,
  model: string,
  command: readonly string[],
  header: string,
): void {
  const [program, ...args] = command as [string, ...string[]];
  const gunicorn = program === 'gunicorn';
  const context = {
    header,
    model,
    root: ROLLOUT_ROOT,
    script: serveScript(model),
    current: rolloutLink(ROLLOUT_ROOT, model, 'current'),
    pidfile: rolloutPidfile(ROLLOUT_ROOT, model),
    // In the script, under "$root" (ENVGEN_ROOT, or ROLLOUT_ROOT): the same layout, in shell.
    shellCurrent: rolloutLink('$root', model, 'current'),
    shellPidfile: rolloutPidfile('$root', model),
    gunicorn,
    exe: program.includes('/')
      ? shellQuote(program)
      : `"$current/bin/"${shellQuote(program === 'python3' ? 'python' : program)}`,
    args: args.map(shellQuote).join(' '),
  };
  add(serveScript(model), 'envgen-serve.sh', context, model);
  add(systemdUnit(model), 'envgen-serve.service', context, model);
}

function environmentYmlContext(model: ResolvedModel, header: string): object {
  return {
    header,
    name: yamlScalar(model.name),
    // nodefaults: Anaconda's `defaults` needs its terms accepted, which breaks unattended builds.
    channels: [...model.channels, 'nodefaults'].map(yamlScalar),
    dependencies: model.dependencies.map(yamlScalar),
    pip: model.pip.map(yamlScalar),
  };
}

function dockerfileEnvironment(
  model: ResolvedModel,
  spec: ModelSpec,
  input: PlanInput,
  stage: string,
  prefix: string,
): DockerfileEnvironment {
  const base: Base = spec.base ?? input.spec.defaults?.base ?? 'miniconda';
  const image = BUILD_IMAGES[base];
  const locked = input.locked?.has(model.name) ?? false;
  return {
    stage,
    prefix,
    envFile: environmentFile(model.name),
    buildImage: image.image,
    pkgsDir: image.pkgsDir,
    micromamba: image.tool === 'micromamba',
    cudaOverride: model.cuda === 'cpu' ? false : model.cuda,
    lockFile: locked ? lockPath(model.name, model.platform) : false,
    pipFile: locked && model.pip.length > 0 ? pipLockPath(model.name) : false,
    channelArgs: model.channels.map((c) => `--channel ${c}`).join(' '),
    localPackages: (spec.localPackages ?? []).map(localPackagePath),
    repoMount: REPO_MOUNT,
    sourceCopy: SOURCE_COPY,
  };
}

/** Where the build stage mounts the repo (read-only), to install its own packages. */
const REPO_MOUNT = '/tmp/envgen/repo';
/** Where it copies the repo to build them: a writable tree without envs/. */
const SOURCE_COPY = '/tmp/envgen/src';

/** `.` -> the copy, `./pkg` and `pkg` -> the copy's `pkg` (the schema keeps paths inside the repo). */
function localPackagePath(path: string): string {
  const inside = path.replace(/^\.\/?/, '');
  return inside === '' ? SOURCE_COPY : `${SOURCE_COPY}/${inside}`;
}

/**
 * The server command with its program taken from the environment itself: `python` is the
 * environment's python, and a bare program name its console script. Never `conda run`, which
 * swallows output and signals.
 */
function commandFor(spec: ModelSpec, prefix: string): string[] {
  const command = spec.serve?.command ?? ['python', IMAGE_SMOKE_SCRIPT];
  const [program, ...args] = command as [string, ...string[]];
  const inEnv = program.includes('/')
    ? program
    : `${prefix}/bin/${program === 'python3' ? 'python' : program}`;
  return [inEnv, ...args];
}

function healthcheckFor(spec: ModelSpec, prefix: string): string | false {
  const serve = spec.serve;
  if (!serve?.health || !serve.port) return false;
  // The runtime image has no curl: the environment's own Python makes the request.
  const probe = `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${serve.port}${serve.health}', timeout=4)`;
  return JSON.stringify([`${prefix}/bin/python`, '-c', probe]);
}

function labelsFor(models: ResolvedModel[], version: string, title: string): string[] {
  const labels: [string, string][] = [
    ['org.opencontainers.image.title', title],
    ['dev.envgen.version', version],
  ];
  for (const m of models) {
    const key = models.length === 1 ? 'dev.envgen' : `dev.envgen.${m.name}`;
    labels.push(
      [`${key}.torch`, m.torch],
      [`${key}.python`, m.python],
      [`${key}.cuda`, m.cuda],
      [`${key}.source`, m.source],
    );
    if (m.torchvision) labels.push([`${key}.torchvision`, m.torchvision]);
    if (m.torchaudio) labels.push([`${key}.torchaudio`, m.torchaudio]);
  }
  return labels.map(([key, value]) => `${key}=${JSON.stringify(value)}`);
}

function bakeContext(input: PlanInput, header: string): object {
  const observing = new Set(input.models.filter((m) => m.observe).map((m) => m.name));
  const targets = imageTargets(input.models, input.spec.bundles ?? {}).map((t) => ({
    target: t.target,
    dockerfile: t.dockerfile,
    image: t.image,
    platform: t.platform === 'linux-aarch64' ? 'linux/arm64' : 'linux/amd64',
    tagArg: t.owner === 'model' && observing.has(t.image) ? TAG_ARG : false,
  }));
  return { header, targets, targetList: targets.map((t) => JSON.stringify(t.target)).join(', ') };
}

/** POSIX shell single-quoting: the argument reaches the program byte for byte. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * A last guard before rendering: no value (except the header envgen writes itself) holds a
 * line break or another control character.
 */
function assertOneLineValues(value: unknown, path: string, key = ''): void {
  if (typeof value === 'string') {
    if (key !== 'header' && hasControlCharacter(value)) {
      throw new Error(
        `refusing to render ${path}: a value holds a control character: ${JSON.stringify(value)}`,
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) assertOneLineValues(item, path);
  } else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) assertOneLineValues(item, path, name);
  }
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // C0 (but tab), DEL, C1 (U+0085 is a line break to some readers) and U+2028/U+2029.
    if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) return true;
    if (code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}
