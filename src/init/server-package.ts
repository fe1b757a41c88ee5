/**
 * The server a `serve:` command starts must be in the environment: the image's CMD runs
 * `/opt/env/bin/<program>`, so a gunicorn that no package list provides is an image that
 * cannot start.
 */
import {
  normalizeName,
  parseCondaMatchSpec,
  parsePipRequirement,
} from '../spec/package-entries.js';
import type { ModelSpec } from '../spec/types.js';

/** Server programs envgen knows, with the package that installs each. */
const SERVER_PACKAGES: Record<string, string> = {
  gunicorn: 'gunicorn',
  uvicorn: 'uvicorn',
  torchserve: 'torchserve',
};

/** Requirements that bring a package with them: `fastapi[standard]` installs uvicorn. */
const BRINGS: Record<string, RegExp> = {
  uvicorn: /^\s*fastapi\s*\[[^\]]*\b(standard|all)\b[^\]]*\]/i,
};

/**
 * Adds the package of the serve command's program to the model's pip list when no conda
 * dependency or pip requirement provides it, and says so in `evidence`. Returns the package
 * added, if any.
 *
 * Always pip, whatever the source: gunicorn, uvicorn and torchserve all publish pure-Python
 * wheels on PyPI, and a pip section works with every source and base, so one rule covers every
 * server and every source. Choosing conda for conda sources would need each server's conda
 * home (conda-forge has gunicorn and uvicorn; TorchServe's own conda builds are on the pytorch
 * channel), for no gain in an environment that is only ever created from this file.
 */
export function addServerPackage(
  model: ModelSpec,
  evidence: string[],
  framework?: 'flask' | 'fastapi',
): string | undefined {
  const program = model.serve?.command[0];
  if (program === undefined || program.includes('/')) return undefined;
  const pkg = SERVER_PACKAGES[program];
  if (pkg === undefined) return undefined;
  // The app's framework goes with the server: gunicorn alone cannot import a Flask app.
  if (framework !== undefined && !isProvided(model, framework)) {
    model.pip = [...(model.pip ?? []), framework];
    evidence.push(
      `serve: the app is a ${framework} app, which no requirement lists: added ${framework} to pip`,
    );
  }
  if (program === 'torchserve') {
    evidence.push('serve: TorchServe needs Java 11 or newer in the image (conda-forge openjdk)');
  }
  if (isProvided(model, pkg)) return undefined;
  model.pip = [...(model.pip ?? []), pkg];
  evidence.push(
    `serve: the command runs ${program}, which no requirement lists: added ${pkg} to pip`,
  );
  return pkg;
}

/** Whether a conda dependency or pip requirement of the model installs `pkg`. */
function isProvided(model: ModelSpec, pkg: string): boolean {
  const inConda = (model.conda ?? []).some((entry) => {
    const parsed = parseCondaMatchSpec(entry);
    return parsed.ok && normalizeName(parsed.value.name) === pkg;
  });
  return (
    inConda ||
    (model.pip ?? []).some((entry) => {
      const parsed = parsePipRequirement(entry);
      if (!parsed.ok) return false;
      return normalizeName(parsed.value.name) === pkg || (BRINGS[pkg]?.test(entry) ?? false);
    })
  );
}
