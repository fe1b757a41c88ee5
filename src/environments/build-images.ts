/**
 * `envgen build --docker`: builds the models' images with BuildKit through the generated bake
 * file (one bake for all of them, so BuildKit builds them in parallel), then runs the same
 * smoke check inside each image.
 */
import type { ResolvedModel } from '../compat/resolve.js';
import type { Io } from '../io.js';
import { BAKE_FILE, bakeTarget, IMAGE_PREFIX, IMAGE_SMOKE_SCRIPT } from '../layout.js';
import { runSmoke } from '../smoke/run-smoke.js';
import { step } from '../tool-steps.js';
import type { BuildOptions, ModelBuild } from './create-environments.js';

const CHECK_TAG = 'envgen-check';

export async function buildImages(
  io: Io,
  docker: string,
  builds: ModelBuild[],
  models: ResolvedModel[],
  options: BuildOptions,
): Promise<void> {
  const ready = builds.filter((b) => b.ok);
  if (ready.length === 0) return;
  const targets = ready.map((b) => bakeTarget(b.name));
  const bake = await step(
    io,
    options,
    ready.length === 1 ? (ready[0] as ModelBuild).name : 'images',
    'image',
    docker,
    ['buildx', 'bake', '--file', BAKE_FILE, '--load', ...targets],
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
        fix: `read the step log; \`docker buildx bake --file ${BAKE_FILE}\` reproduces it`,
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
