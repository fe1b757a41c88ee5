/**
 * `envgen build`'s work for each model: create the environment with the conda tool at a prefix
 * of its own, run the smoke check in it, and optionally build the image and run the same check
 * inside it. Every step is recorded with its duration and the tail of its output; nothing here
 * prints (progress goes through the `Progress` it is given).
 */
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import { mapLimit } from '../concurrency.js';
import type { ExecResult, Io } from '../io.js';
import { environmentFile, SMOKE_SCRIPT } from '../layout.js';
import type { Problem } from '../problem.js';
import type { Progress } from '../progress.js';
import {
  type CondaTool,
  createArgs,
  createFromLockArgs,
  platformEnv,
  solveEnv,
} from '../runner/conda-tool.js';
import { refuseOutsideRepo } from '../safe-files.js';
import { runSmoke } from '../smoke/run-smoke.js';
import type { SmokeReport } from '../smoke/smoke-verdict.js';
import type { Spec } from '../spec/types.js';
import { type StepResult, step, stepLogFix } from '../tool-steps.js';

export interface ModelBuild {
  name: string;
  ok: boolean;
  prefix: string;
  steps: StepResult[];
  smoke: SmokeReport | null;
  imageSmoke?: SmokeReport | null;
  problems: Problem[];
}

export interface BuildReport {
  ok: boolean;
  tool: { kind: string; path: string; version: string } | null;
  models: ModelBuild[];
}

export interface BuildOptions {
  root: string;
  spec: Spec;
  models: ResolvedModel[];
  tool: CondaTool;
  /** Where environments are created: `<prefixRoot>/<model>`. */
  prefixRoot: string;
  /** The folder name of a model's environment under prefixRoot (default: the model's name). */
  prefixName?: (model: string) => string;
  /** This machine's conda platform. */
  hostPlatform: string;
  gpu: boolean;
  jobs: number;
  timeoutMs?: number;
  keep: boolean;
  signal: AbortSignal;
  progress: Progress;
  /**
   * Models installed from their lock (`envgen lock`), not solved: the explicit lock and the
   * pip companion (null when the model has no pip requirements), absolute paths.
   */
  locks: ReadonlyMap<string, { conda: string; pip: string | null }>;
}

/** A `pip install` into the new environment: the lock's pip companion, or the repo's packages. */
interface PipStep {
  name: 'pip' | 'local-packages';
  args: string[];
  /** What it installs, for the problem when it fails. */
  what: string;
  fix: string;
}

export async function buildEnvironments(io: Io, options: BuildOptions): Promise<ModelBuild[]> {
  // Prefixes in the repository (the default) are created and, on failure, deleted: never
  // through a symbolic link (`.envgen/`) out of it. A --prefix-root outside is the user's choice.
  const prefixRoot = relative(options.root, options.prefixRoot).split(sep).join('/');
  if (!prefixRoot.startsWith('..') && !isAbsolute(prefixRoot)) {
    await refuseOutsideRepo(
      io,
      options.root,
      ['.gitignore', ...options.models.map((m) => options.prefixName?.(m.name) ?? m.name)].map(
        (name) => posix.join(prefixRoot || '.', name),
      ),
      'written',
    );
  }
  // Whole conda prefixes must stay out of git (and out of audit's file list).
  await io.writeFileAtomic(
    join(options.prefixRoot, '.gitignore'),
    '# envgen build environments\n*\n',
  );
  return mapLimit(options.models, options.jobs, (model) => buildOne(io, model, options));
}

async function buildOne(io: Io, model: ResolvedModel, options: BuildOptions): Promise<ModelBuild> {
  const prefix = join(options.prefixRoot, options.prefixName?.(model.name) ?? model.name);
  const build: ModelBuild = {
    name: model.name,
    ok: false,
    prefix,
    steps: [],
    smoke: null,
    problems: [],
  };
  const envFile = join(options.root, environmentFile(model.name));
  // Another platform's environment (linux-aarch64 on an x86 runner) is solved and installed
  // for that platform, but its programs cannot run here.
  const foreign = model.platform !== options.hostPlatform ? model.platform : undefined;
  const lock = options.locks.get(model.name);
  const env: Record<string, string> = {
    ...(model.cuda === 'cpu' ? {} : { CONDA_OVERRIDE_CUDA: model.cuda }),
    ...platformEnv(options.tool, foreign),
    // A lock installs without a solve; a solve gets strict channel priority.
    ...(lock ? {} : solveEnv()),
  };

  const create = await step(
    io,
    options,
    model.name,
    'create',
    options.tool.path,
    lock
      ? createFromLockArgs(options.tool, lock.conda, prefix, model.channels)
      : createArgs(options.tool, envFile, prefix, foreign),
    env,
  );
  build.steps.push(create.step);
  if (!create.step.ok) {
    build.problems.push(createProblem(model.name, create.result, options));
    if (!options.keep) await io.remove(prefix);
    return build;
  }
  // The lock holds the conda packages; the pip requirements go in after, as in the image. Then
  // the repo's own packages (`localPackages`), as the image's build stage installs them.
  const localPackages = options.spec.models[model.name]?.localPackages ?? [];
  const pipSteps: PipStep[] = [];
  if (lock?.pip) {
    pipSteps.push({
      name: 'pip',
      args: ['--requirement', lock.pip],
      what: lock.pip,
      fix: stepLogFix(model.name, 'pip', 'pin the requirement pip names, or check the index URLs'),
    });
  }
  if (localPackages.length > 0) {
    pipSteps.push({
      name: 'local-packages',
      args: ['--no-deps', ...localPackages.map((path) => join(options.root, path))],
      what: `the repo's own package (${localPackages.join(', ')})`,
      fix: stepLogFix(
        model.name,
        'local-packages',
        'the folder needs a pyproject.toml or setup.py that builds',
      ),
    });
  }
  for (const pip of foreign ? [] : pipSteps) {
    const ran = await step(
      io,
      options,
      model.name,
      pip.name,
      join(prefix, 'bin', 'python'),
      ['-m', 'pip', 'install', ...pip.args],
      { PYTHONNOUSERSITE: '1' },
    );
    build.steps.push(ran.step);
    if (!ran.step.ok) {
      build.problems.push({
        ruleId: ran.result.timedOut ? 'build/timeout' : 'build/pip-failed',
        severity: 'error',
        message: `${model.name}: pip could not install ${pip.what} (exit ${ran.result.exitCode ?? 'killed'})`,
        fix: pip.fix,
      });
      if (!options.keep) await io.remove(prefix);
      return build;
    }
  }

  if (foreign) {
    build.steps.push({
      name: 'smoke',
      ok: true,
      skipped: true,
      durationMs: 0,
      log: `a ${foreign} environment cannot run on this ${options.hostPlatform} machine: solved and installed, not smoke-checked`,
    });
    build.ok = true;
    return build;
  }
  const smoke = await runSmoke(
    io,
    options,
    model,
    join(prefix, 'bin', 'python'),
    [join(options.root, SMOKE_SCRIPT)],
    'smoke',
  );
  build.steps.push(smoke.step);
  build.smoke = smoke.report;
  build.problems.push(...smoke.problems);
  build.ok = smoke.step.ok && build.problems.length === 0;
  return build;
}

function createProblem(model: string, result: ExecResult, options: BuildOptions): Problem {
  if (result.timedOut) {
    return {
      ruleId: 'build/timeout',
      severity: 'error',
      message: `${model}: creating the environment took longer than ${Math.round((options.timeoutMs ?? 0) / 1000)} s and was stopped`,
      fix: stepLogFix(model, 'create', 'raise --timeout, or check the network and channel mirrors'),
    };
  }
  if (result.canceled) {
    return {
      ruleId: 'build/canceled',
      severity: 'error',
      message: `${model}: interrupted`,
      fix: 'run envgen build again',
    };
  }
  const conda = condaError(result.stdout) ?? condaError(result.stderr);
  return {
    ruleId: 'build/solve',
    severity: 'error',
    message: `${model}: ${options.tool.kind} could not create the environment${conda ? `: ${conda}` : ` (exit ${result.exitCode})`}`,
    fix: 'read the message above; `envgen resolve` shows the pins and why, and the environment.yml the tool was given',
  };
}

/** conda's `--json` error object (`exception_name`, `message`), or its last error line. */
function condaError(output: string): string | undefined {
  const start = output.indexOf('{');
  if (start >= 0) {
    try {
      const parsed = JSON.parse(output.slice(start)) as {
        exception_name?: string;
        message?: string;
      };
      if (parsed.message)
        return `${parsed.exception_name ? `${parsed.exception_name}: ` : ''}${parsed.message.trim().replaceAll(/\s*\n\s*/g, ' ')}`;
    } catch {
      // not conda's JSON; fall back to the text
    }
  }
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /error|not available|conflict|nothing provides|could not/i.test(line))
    .at(-1);
}
