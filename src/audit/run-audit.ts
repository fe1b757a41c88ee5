/**
 * One audit run over a repository: which files it reads (the ones named, or every environment
 * file, Dockerfile and envgen.yaml git does not ignore, plus the files rules look at beside
 * them), the configuration (envgen.yaml's `audit:` with the run's own choices on top), the
 * engine over them, and with `fix`, the fixes applied pass after pass.
 */
import { isAbsolute, join, relative, resolve as resolvePath, sep } from 'node:path';
import { type Io, isFolder, MAX_READ_BYTES } from '../io.js';
import { type Problem, problem, UserError, usageError } from '../problem.js';
import { refusedReadProblem, writeTarget } from '../safe-files.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import { kindOf, listFiles } from './discover.js';
import {
  type AuditConfig,
  type AuditResult,
  auditTexts,
  type FileInput,
  kindByName,
} from './engine.js';
import { loadProjectSpec, makeProject } from './project.js';
import { isStartScript } from './rules/observe/launch.js';
import { applyEdits } from './text-edits.js';
import type { Project, Target } from './types.js';

export interface AuditRun {
  /** The repository root; named paths are relative to it. */
  root: string;
  /** Files or folders named (none: the whole repository). */
  named: readonly string[];
  /** What the named files are, whatever their names. */
  kind?: Target;
  /** Rule ids or aliases to run alone (checked by the caller). */
  only: readonly string[];
  /** Rule ids or aliases to skip, on top of envgen.yaml's `audit.ignore`. */
  ignore: readonly string[];
  /** Image -> tag for the fix that pins a base image. */
  pins: Record<string, string>;
  fix: boolean;
}

export interface AuditOutcome {
  result: AuditResult;
  /** The files audited. */
  inputs: FileInput[];
  /** Every file read, as it is now (fixed where fixed). */
  texts: Map<string, string>;
  project: Project;
  /** With `fix`: how many fixes were applied, to how many files. */
  fixed: { count: number; files: number };
}

/** Fix passes at most: each applies the fixes that do not overlap, then audits again. */
const MAX_FIX_PASSES = 10;

/**
 * Files rules may look at besides the audited ones: a lock next to a spec, the .dockerignore,
 * requirement files a Dockerfile installs, the Python module a model serves, and the start-up
 * scripts an ENTRYPOINT/CMD runs ({@link isStartScript}, which the OBS rules follow).
 */
const CONTEXT_FILE =
  /(^|\/)(\.dockerignore|envgen\.ya?ml|conda-lock\.ya?ml|pixi\.lock|[^/]*\.lock|[^/]*\.ya?ml|[^/]*\.py|requirements[^/]*\.txt)$/;
const isContextFile = (path: string): boolean => CONTEXT_FILE.test(path) || isStartScript(path);

export async function auditRepository(io: Io, run: AuditRun): Promise<AuditOutcome> {
  const { root, named } = run;
  const listed = await listFiles(io, root);
  // Named paths are relative to --cwd (the root), as every other path envgen takes. A folder
  // names what a plain run would find under it (even a folder git ignores); --kind applies to
  // the files named themselves, not to what a folder holds.
  const explicit: string[] = [];
  const found: string[] = [];
  for (const file of named) {
    const rel = relative(root, resolvePath(root, file)).split(sep).join('/');
    const under = (f: string) => rel === '' || f.startsWith(`${rel}/`);
    if (listed.includes(rel)) explicit.push(rel);
    else if (listed.some(under)) found.push(...listed.filter(under));
    else if (await isFolder(io, join(root, rel)))
      found.push(...(await listFiles(io, join(root, rel))).map((f) => `${rel}/${f}`));
    else explicit.push(rel);
  }
  const namedRelative = [...explicit, ...found];
  const texts = new Map<string, string>();
  // A file that is not a regular one (a FIFO, a link to /dev/zero) or is too large is never
  // read past the limit; when it is one to audit, the run stops (exit 2) naming it.
  const refusedReads: Problem[] = [];
  const toRead = [
    ...new Set([
      ...listed.filter((f) => isContextFile(f) || kindByName(f) !== undefined),
      ...explicit,
      ...found.filter((f) => isContextFile(f) || kindByName(f) !== undefined),
    ]),
  ];
  // One after the other: io.readFile reads a local file at once (nothing to overlap).
  for (const file of toRead) {
    try {
      texts.set(file, (await io.readFile(join(root, file), MAX_READ_BYTES)).toString('utf8'));
    } catch (error) {
      const refusedRead = refusedReadProblem(file, error, MAX_READ_BYTES);
      if (explicit.includes(file)) {
        throw new UserError([
          refusedRead ??
            problem(
              'audit/unreadable',
              `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
              {
                fix: 'name an existing environment file, Dockerfile, envgen.yaml or a folder holding them',
              },
            ),
        ]);
      }
      if (refusedRead && kindByName(file) !== undefined) refusedReads.push(refusedRead);
    }
  }
  if (refusedReads.length > 0) throw new UserError(refusedReads);
  const targets = named.length > 0 ? [...new Set(namedRelative)] : [...texts.keys()];
  const inputs: FileInput[] = [];
  for (const file of targets) {
    const isExplicit = explicit.includes(file);
    const kind =
      (isExplicit ? run.kind : undefined) ??
      kindOf(file, () => texts.get(file)) ??
      (isExplicit && file.endsWith('.py') ? 'python' : undefined);
    if (!kind) {
      if (isExplicit) {
        throw usageError(
          'audit/unknown-kind',
          `${file} is not an environment file, a Dockerfile or envgen.yaml`,
          'environment files are YAML with a `dependencies:` list; Dockerfiles are named Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile or Containerfile; or say what it is with --kind dockerfile|environment|spec|python',
        );
      }
      continue;
    }
    inputs.push({ file, text: texts.get(file) ?? '', kind });
  }
  let loaded = await loadProjectSpec(io, texts);
  const project = makeProject(root, texts, [], {}, loaded);
  const config = configOf(project);
  config.ignore.push(...run.ignore);
  if (run.only.length > 0) config.only = [...run.only];
  project.trustedRegistries.push(...config.trustedRegistries);
  Object.assign(project.pins, project.spec?.spec.audit?.pins ?? {}, run.pins);
  let result = auditTexts(inputs, project, config);

  const fixed = { count: 0, files: 0 };
  if (run.fix && result.edits.size > 0) {
    // Pass after pass: apply the edits that do not overlap, audit again, until nothing is left
    // to fix (bounded: a fix that keeps producing fixes is a bug, not a reason to loop).
    let fixedCount = 0;
    const fixedFiles = new Set<string>();
    for (let pass = 0; pass < MAX_FIX_PASSES && result.edits.size > 0; pass++) {
      let changed = false;
      for (const [file, edits] of result.edits) {
        const before = texts.get(file) ?? '';
        const { text: fixed, applied } = applyEdits(before, edits);
        if (fixed === before) continue;
        await io.writeFileAtomic(await fixTarget(io, root, file), fixed);
        texts.set(file, fixed);
        const input = inputs.find((i) => i.file === file);
        if (input) input.text = fixed;
        // Loaded again only when a fix changed it (each text loaded goes to the spec cache).
        if (file === SPEC_FILE) loaded = await loadProjectSpec(io, texts);
        fixedCount += applied;
        fixedFiles.add(file);
        changed = true;
      }
      result = auditTexts(
        inputs,
        makeProject(root, texts, config.trustedRegistries, project.pins, loaded),
        config,
      );
      if (!changed) break;
    }
    fixed.count = fixedCount;
    fixed.files = fixedFiles.size;
  }

  return { result, inputs, texts, project, fixed };
}

/**
 * Where a fix is written. A file of the repository goes through the one guard: a symbolic link
 * is written through to its target when that is in the repository (the link stays a link), and
 * refused when it leaves it. A file named outside the repository is the one the user named.
 */
async function fixTarget(io: Io, root: string, file: string): Promise<string> {
  if (file.startsWith('../') || file === '..' || isAbsolute(file)) {
    const named = join(root, file);
    return io.realPath(named).catch(() => named);
  }
  return writeTarget(io, root, file);
}

function configOf(project: Project): AuditConfig {
  const audit = project.spec?.spec.audit;
  return {
    ignore: audit?.ignore ?? [],
    severity: audit?.severity ?? {},
    trustedRegistries: audit?.trustedRegistries ?? [],
  };
}
