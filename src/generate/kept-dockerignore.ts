/**
 * A repo's own `.dockerignore` is kept (status `kept`), and envgen's Dockerfiles build from the
 * context it shapes: they `COPY` the environment files and the smoke check, mount the repo to
 * install its own packages, and `COPY . /app`. So the kept file is checked both ways:
 *
 * - what it must let in: a file the Dockerfiles copy that it excludes makes every build fail
 *   (`dockerignore/excludes-needed`, an error);
 * - what it should keep out: the git history, `.env` files and weights, which `COPY . /app`
 *   would put in the image (`dockerignore/lets-in`, a warning).
 */
import { join } from 'node:path';
import { HISTORY_AND_SECRETS, isExcluded, WEIGHTS } from '../dockerignore.js';
import type { Io } from '../io.js';
import type { Problem } from '../problem.js';
import type { PlannedFile } from '../render/plan.js';

/** Files the images build from: what a Dockerfile `COPY`s or its build stage mounts. */
function neededPaths(plan: readonly PlannedFile[], packageFiles: readonly string[]): string[] {
  const copied = plan
    .map((file) => file.path)
    .filter((path) => !/(^|\/)(Dockerfile|docker-bake\.hcl|\.dockerignore)$/.test(path));
  return [...copied, ...packageFiles];
}

/**
 * The problems of a kept `.dockerignore` (its text). `packageFiles`: the build files of the
 * spec's localPackages that exist (`pyproject.toml`, `pkg/setup.py`).
 */
export function keptDockerignoreProblems(
  text: string,
  plan: readonly PlannedFile[],
  packageFiles: readonly string[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const excluded = neededPaths(plan, packageFiles).filter((path) => isExcluded(text, path));
  if (excluded.length > 0) {
    problems.push({
      ruleId: 'dockerignore/excludes-needed',
      severity: 'error',
      file: '.dockerignore',
      message: `your .dockerignore leaves out of the build context what the images build from: ${excluded.join(', ')}`,
      fix: `add to .dockerignore: ${[...new Set(excluded.map((path) => `!${path}`))].join(', ')}`,
    });
  }
  const gaps = [...HISTORY_AND_SECRETS, WEIGHTS].filter(({ paths }) =>
    paths.some((path) => !isExcluded(text, path)),
  );
  if (gaps.length > 0) {
    problems.push({
      ruleId: 'dockerignore/lets-in',
      severity: 'warning',
      file: '.dockerignore',
      message: `your .dockerignore is kept as it is, but it does not keep out ${gaps.map((g) => g.what).join(', ')}: the Dockerfile's \`COPY . /app\` puts them in the image`,
      fix: `add to .dockerignore: ${gaps.map((g) => g.patterns).join(', ')}`,
    });
  }
  return problems;
}

/** The build files (`pyproject.toml`, `setup.py`, `setup.cfg`) of local packages that exist. */
export async function localPackageFiles(
  io: Pick<Io, 'exists'>,
  root: string,
  localPackages: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const path of localPackages) {
    const dir = path.replace(/^\.\/?/, '');
    for (const name of ['pyproject.toml', 'setup.py', 'setup.cfg']) {
      const rel = dir ? `${dir}/${name}` : name;
      if (await io.exists(join(root, rel))) found.push(rel);
    }
  }
  return found;
}
