/**
 * `envgen build --docker`: builds the models' images with BuildKit through the generated bake
 * file (one bake for all of them, so BuildKit builds them in parallel), then runs the same
 * smoke check inside each image.
 */
import type { ResolvedModel } from '../compat/resolve.js';
import type { Io } from '../io.js';
import { BAKE_FILE, bakeTarget, IMAGE_PREFIX, IMAGE_SMOKE_SCRIPT } from '../layout.js';
import type { Problem } from '../problem.js';
import { runSmoke } from '../smoke/run-smoke.js';
import { step, stepLogFix } from '../tool-steps.js';
import type { BuildOptions, ModelBuild } from './create-environments.js';

const CHECK_TAG = 'envgen-check';

/** The docker `build --docker` runs, and the buildx builder bake builds on (`--builder`). */
export interface DockerTarget {
  exe: string;
  builder?: string;
}

/**
 * What `build --docker` needs of Docker, checked before anything is built: the buildx plugin
 * (bake is a buildx command) and a daemon that answers. Either missing is a tool standing in
 * the way, with its fix, not a failed build.
 */
export async function dockerProblems(io: Io, target: DockerTarget): Promise<Problem[]> {
  const { exe: docker, builder } = target;
  const buildx = await io.exec(docker, ['buildx', 'version'], { timeoutMs: 30_000 });
  if (buildx.exitCode !== 0) {
    return [
      {
        ruleId: 'build/no-buildx',
        severity: 'error',
        message: `docker has no buildx plugin, and --docker builds with \`docker buildx bake\`${firstLine(buildx.stderr)}`,
        fix: 'install the buildx plugin (the docker-buildx-plugin package, or Docker Desktop), or leave out --docker',
      },
    ];
  }
  const info = await io.exec(docker, ['info', '--format', '{{.ServerVersion}}'], {
    timeoutMs: 30_000,
  });
  if (info.exitCode !== 0) {
    return [
      {
        ruleId: 'build/docker-daemon',
        severity: 'error',
        message: `the docker daemon does not answer${firstLine(info.stderr)}`,
        fix: 'start the daemon (`sudo systemctl start docker`, or Docker Desktop) or add your user to the docker group, or leave out --docker',
      },
    ];
  }
  if (builder !== undefined) {
    // `--bootstrap` starts a builder that is not running (a kubernetes builder's pods, a
    // docker-container builder's container), so a builder that cannot build fails here, not
    // half way through the bake.
    const inspect = await io.exec(docker, ['buildx', 'inspect', builder, '--bootstrap'], {
      timeoutMs: 180_000,
    });
    if (inspect.exitCode !== 0) {
      return [
        {
          ruleId: 'build/no-builder',
          severity: 'error',
          message: `the buildx builder "${builder}" does not answer${errorLine(inspect.stderr)}`,
          fix: `\`docker buildx ls\` lists the builders; create it (\`docker buildx create --name ${builder} --driver kubernetes --driver-opt replicas=2\`, or \`--driver remote tcp://HOST:1234\`) or check that its nodes are up (\`docker buildx inspect ${builder} --bootstrap\`)`,
        },
      ];
    }
  }
  return [];
}

/** `: <buildx's ERROR line>` (after progress lines), else the first line. */
function errorLine(text: string): string {
  const error = text
    .split('\n')
    .map((line) => line.trim())
    .findLast((line) => line.startsWith('ERROR'));
  return error ? `: ${error.slice(0, 300)}` : firstLine(text);
}

/** `: <first line of stderr>`, when there is one, cut to a readable length. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line ? `: ${line.slice(0, 200)}` : '';
}

export async function buildImages(
  io: Io,
  target: DockerTarget,
  builds: ModelBuild[],
  models: ResolvedModel[],
  options: BuildOptions,
): Promise<void> {
  const { exe: docker, builder } = target;
  const ready = builds.filter((b) => b.ok);
  if (ready.length === 0) return;
  const targets = ready.map((b) => bakeTarget(b.name));
  const bake = await step(
    io,
    options,
    ready.length === 1 ? (ready[0] as ModelBuild).name : 'images',
    'image',
    docker,
    [
      'buildx',
      'bake',
      ...(builder !== undefined ? ['--builder', builder] : []),
      '--file',
      BAKE_FILE,
      '--load',
      ...targets,
    ],
    // A tag of its own, so the image checked is the one just built: not a `latest` already on
    // the machine, and never one pulled from a registry (TAG/REGISTRY from the CI are ignored).
    { DOCKER_BUILDKIT: '1', REGISTRY: '', TAG: CHECK_TAG },
    options.root,
  );
  for (const build of ready) {
    build.steps.push(bake.step);
    if (!bake.step.ok) {
      build.ok = false;
      build.problems.push({
        ruleId: bake.step.timedOut ? 'build/timeout' : 'build/image',
        severity: 'error',
        message: `${build.name}: docker buildx bake failed${bake.step.timedOut ? ' (timed out)' : ''}: ${lastLine(bake.result.stderr)}`,
        fix: stepLogFix(
          build.name,
          'image',
          `\`docker buildx bake --file ${BAKE_FILE}\` reproduces it`,
        ),
      });
      continue;
    }
    const model = models.find((m) => m.name === build.name) as ResolvedModel;
    const runArgs = [
      'run',
      '--rm',
      '--pull=never',
      ...(options.gpu ? ['--gpus', 'all'] : []),
      `${build.name}:${CHECK_TAG}`,
    ];
    const smoke = await runSmoke(
      io,
      options,
      model,
      docker,
      [...runArgs, `${IMAGE_PREFIX}/bin/python`, IMAGE_SMOKE_SCRIPT],
      'image-smoke',
    );
    build.steps.push(smoke.step);
    build.imageSmoke = smoke.report;
    build.problems.push(...smoke.problems);
    build.ok = build.ok && smoke.problems.length === 0 && smoke.step.ok;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
