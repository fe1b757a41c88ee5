/**
 * Writes what `init` made: the new envgen.yaml and the files it renders to. Every target is
 * checked before anything is written, so a refused file leaves nothing half done.
 *
 * - envgen.yaml, files edited by hand or left stale, and files envgen did not write are
 *   replaced only with force (`init/files-exist`)
 * - the repo's own .dockerignore is kept, force or not: it keeps the user's weight folders
 *   out, and only the user knows what else; it is checked both ways instead
 */
import { join } from 'node:path';
import { applyPlan, type FileOutcome } from '../generate/apply-plan.js';
import { keptDockerignoreProblems, localPackageFiles } from '../generate/kept-dockerignore.js';
import type { Io } from '../io.js';
import { type Problem, UserError, usageError } from '../problem.js';
import type { PlannedFile } from '../render/plan.js';
import { refuseOutsideRepo, writeInRepo } from '../safe-files.js';
import { SPEC_FILE } from '../spec/load-spec.js';

/** What a check of the targets says of a file init must not replace without force. */
const REFUSED: readonly string[] = ['edited', 'stale', 'foreign'];

/** Refuses an existing envgen.yaml without force, before anything is detected. */
export async function checkSpecAbsent(io: Io, root: string, force: boolean): Promise<void> {
  if (!force && (await io.exists(join(root, SPEC_FILE)))) {
    throw usageError(
      'init/spec-exists',
      `${SPEC_FILE} already exists in ${root}`,
      'edit it and run `envgen generate`, or pass --force to replace it',
    );
  }
}

/**
 * Writes envgen.yaml (`text`) and the plan. Returns each file's outcome (the kept .dockerignore
 * as `kept`) and the warnings about a kept .dockerignore. `localPackages`: the model's, whose
 * build files the .dockerignore must let in.
 */
export async function writeInitFiles(
  io: Io,
  root: string,
  text: string,
  plan: readonly PlannedFile[],
  options: { force: boolean; localPackages: readonly string[] },
): Promise<{ files: FileOutcome[]; warnings: Problem[] }> {
  const preview = await applyPlan(io, root, plan, { check: true, force: false });
  const blocked = preview.filter((f) => REFUSED.includes(f.status)).map((f) => f.path);
  if (blocked.length > 0 && !options.force) {
    throw usageError(
      'init/files-exist',
      `files envgen would write already exist: ${blocked.join(', ')}`,
      'pass --force to replace them',
    );
  }
  const kept = preview.filter((f) => f.status === 'kept');
  const warnings: Problem[] = [];
  if (kept.length > 0) {
    const ignore = (await io.readFile(join(root, '.dockerignore'))).toString('utf8');
    const packageFiles = await localPackageFiles(io, root, options.localPackages);
    const problems = keptDockerignoreProblems(ignore, plan, packageFiles);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new UserError(errors);
    warnings.push(...problems);
  }
  const keptPaths = new Set(kept.map((f) => f.path));
  // Nothing is written, envgen.yaml included, when any file would land out of the repository.
  await refuseOutsideRepo(
    io,
    root,
    [SPEC_FILE, ...plan.filter((f) => !keptPaths.has(f.path)).map((f) => f.path)],
    'written',
  );
  await writeInRepo(io, root, SPEC_FILE, text);
  const written = await applyPlan(
    io,
    root,
    plan.filter((f) => !keptPaths.has(f.path)),
    { check: false, force: options.force },
  );
  const files = [
    ...written,
    ...kept.map((f) => ({ path: f.path, status: f.status, written: false })),
  ].sort((a, b) => a.path.localeCompare(b.path));
  return { files, warnings };
}
