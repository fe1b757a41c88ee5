/**
 * `envgen build`'s work for each model: create the environment with the conda tool at a prefix
 * of its own, run the smoke check in it, and optionally build the image and run the same check
 * inside it. Every step is recorded with its duration and the tail of its output; nothing here
 * prints (progress goes through the `Progress` it is given).
 */
import { join } from 'node:path';
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
} from '../runner/conda-tool.js';
import type { Spec } from '../spec/types.js';
import { packagesFor } from './import-names.js';
import { type SmokeReport, smokeProblems } from './smoke-verdict.js';

export type StepName = 'create' | 'pip' | 'local-packages' | 'smoke' | 'image' | 'image-smoke';

export interface StepResult {
  name: StepName;
  ok: boolean;
  durationMs: number;
  /** The tail of the step's output (conda's own error message included). */
  log: string;
  timedOut?: boolean;
  canceled?: boolean;
  /** The step could not run here (another platform's environment). */
  skipped?: boolean;
}

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

/** Lines of a failed step's output kept in the report. */
const LOG_TAIL_LINES = 40;

export async function buildEnvironments(io: Io, options: BuildOptions): Promise<ModelBuild[]> {
  // Whole conda prefixes must stay out of git (and out of audit's file list).
  await io.writeFileAtomic(
    join(options.prefixRoot, '.gitignore'),
    '# envgen build environments\n*\n',
  );
  return mapLimit(options.models, options.jobs, (model) => buildOne(io, model, options));
}

async function buildOne(io: Io, model: ResolvedModel, options: BuildOptions): Promise<ModelBuild> {
  const prefix = join(options.prefixRoot, model.name);
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
  const env: Record<string, string> = {
    ...(model.cuda === 'cpu' ? {} : { CONDA_OVERRIDE_CUDA: model.cuda }),
    ...platformEnv(options.tool, foreign),
  };

  const lock = options.locks.get(model.name);
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
      fix: 'read the step log; pin the requirement pip names, or check the index URLs',
    });
  }
  if (localPackages.length > 0) {
    pipSteps.push({
      name: 'local-packages',
      args: ['--no-deps', ...localPackages.map((path) => join(options.root, path))],
      what: `the repo's own package (${localPackages.join(', ')})`,
      fix: 'read the step log; the folder needs a pyproject.toml or setup.py that builds',
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

/** Runs the smoke script (in an environment, or in an image) and judges what it printed. */
export async function runSmoke(
  io: Io,
  options: Pick<BuildOptions, 'gpu' | 'timeoutMs' | 'signal' | 'progress' | 'spec'>,
  model: ResolvedModel,
  program: string,
  leadingArgs: string[],
  name: 'smoke' | 'image-smoke',
): Promise<{ step: StepResult; report: SmokeReport | null; problems: Problem[] }> {
  const spec = options.spec.models[model.name];
  const packages = packagesFor([...(spec?.conda ?? []), ...(spec?.pip ?? [])]);
  const args = [
    ...leadingArgs,
    ...(options.gpu ? ['--device'] : []),
    ...packages.flatMap((p) => ['--package', p.guess ? `${p.name}=${p.guess}` : p.name]),
  ];
  let report: SmokeReport | null = null;
  let problems: Problem[] = [];
  // The step passes only when the report says the environment is what was resolved.
  const judge = (raw: ExecResult): boolean => {
    report = parseReport(raw.stdout);
    problems = report
      ? smokeProblems(model, report, { gpu: options.gpu })
      : [
          {
            ruleId: 'smoke/no-report',
            severity: 'error',
            message: `${model.name}: the smoke check printed no report (exit ${raw.exitCode ?? 'killed'})`,
            fix: 'read the step log; the environment or image may lack Python',
          },
        ];
    return problems.length === 0;
  };
  // Isolated from the caller's Python: no user site-packages, no PYTHONPATH or PYTHONHOME, so
  // a torch installed elsewhere on the runner cannot stand in for the environment's own.
  const isolated = {
    PYTHONPATH: '',
    PYTHONHOME: '',
    PYTHONNOUSERSITE: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const { step: result } = await step(
    io,
    options,
    model.name,
    name,
    program,
    args,
    isolated,
    undefined,
    judge,
  );
  if (!result.ok && problems.length === 0) {
    problems.push({
      ruleId: result.timedOut ? 'build/timeout' : result.canceled ? 'build/canceled' : 'smoke/exit',
      severity: 'error',
      message: `${model.name}: the ${name} step ${result.timedOut ? 'took too long and was stopped' : result.canceled ? 'was interrupted' : 'exited with an error after its report (a crash at shutdown?)'}`,
      fix: 'read the step log',
    });
  }
  return { step: result, report, problems };
}

/** Runs one step's command, reporting progress and keeping the tail of its output. */
export async function step(
  io: Io,
  options: Pick<BuildOptions, 'timeoutMs' | 'signal' | 'progress'>,
  model: string,
  name: StepName,
  program: string,
  args: string[],
  env: Record<string, string>,
  cwd?: string,
  judge: (result: ExecResult) => boolean = () => true,
): Promise<{ step: StepResult; result: ExecResult }> {
  options.progress.start(model, name);
  const result = await io.exec(program, args, {
    env,
    ...(cwd ? { cwd } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    signal: options.signal,
  });
  const judged = !result.timedOut && !result.canceled && judge(result);
  const ok = result.exitCode === 0 && judged;
  options.progress.finish(
    model,
    name,
    ok,
    result.durationMs,
    result.timedOut ? 'timed out' : undefined,
  );
  return {
    step: {
      name,
      ok,
      durationMs: result.durationMs,
      log: tail(`${result.stdout}\n${result.stderr}`),
      ...(result.timedOut ? { timedOut: true } : {}),
      ...(result.canceled ? { canceled: true } : {}),
    },
    result,
  };
}

function createProblem(model: string, result: ExecResult, options: BuildOptions): Problem {
  if (result.timedOut) {
    return {
      ruleId: 'build/timeout',
      severity: 'error',
      message: `${model}: creating the environment took longer than ${Math.round((options.timeoutMs ?? 0) / 1000)} s and was stopped`,
      fix: 'raise --timeout, or check the network and channel mirrors',
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

function parseReport(stdout: string): SmokeReport | null {
  for (const line of stdout.trim().split('\n').reverse()) {
    try {
      const parsed = JSON.parse(line) as SmokeReport;
      if (parsed && typeof parsed === 'object' && 'torch' in parsed) return parsed;
    } catch {
      // a line of other output
    }
  }
  return null;
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}
