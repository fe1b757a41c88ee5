/**
 * The smoke check: the script (templates/smoke_check.py) run in an environment or an image,
 * isolated from the caller's Python, and its report judged against the resolved pins.
 */
import type { ResolvedModel } from '../compat/resolve.js';
import type { ExecResult, Io } from '../io.js';
import { OBSERVE_MODULE } from '../layout.js';
import type { Problem } from '../problem.js';
import type { Spec } from '../spec/types.js';
import { type StepOptions, type StepResult, step, stepLogFix } from '../tool-steps.js';
import { packagesFor } from './import-names.js';
import { type SmokeReport, smokeProblems } from './smoke-verdict.js';

/** `envs/envgen_observe.py` as a module name. */
const OBSERVE_MODULE_NAME = (OBSERVE_MODULE.split('/').pop() as string).replace(/\.py$/, '');

export interface SmokeOptions extends StepOptions {
  /** The check needs a visible GPU and a working device operation. */
  gpu: boolean;
  /** The spec, for the packages each model's smoke check imports. */
  spec: Spec;
}

/** Runs the smoke script (in an environment, or in an image) and judges what it printed. */
export async function runSmoke(
  io: Io,
  options: SmokeOptions,
  model: ResolvedModel,
  program: string,
  leadingArgs: string[],
  name: 'smoke' | 'image-smoke',
): Promise<{ step: StepResult; report: SmokeReport | null; problems: Problem[] }> {
  const args = [...leadingArgs, ...smokeArguments(model, options.spec, options.gpu)];
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
            fix: stepLogFix(model.name, name, 'the environment or image may lack Python'),
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
      fix: stepLogFix(
        model.name,
        name,
        result.timedOut ? 'raise --timeout if the check needs longer' : undefined,
      ),
    });
  }
  return { step: result, report, problems };
}

/**
 * The smoke script's arguments after the script: the device check, the model's declared
 * packages, and with observe: the modules of the packages it added (the instrumentation must
 * import) and envgen_observe itself, which sits beside the script in the repo and the image.
 */
export function smokeArguments(model: ResolvedModel, spec: Spec, gpu: boolean): string[] {
  const own = spec.models[model.name];
  const packages = packagesFor([...(own?.conda ?? []), ...(own?.pip ?? [])]);
  const observed = model.observe ? [...model.observe.modules, OBSERVE_MODULE_NAME] : [];
  return [
    ...(gpu ? ['--device'] : []),
    ...packages.flatMap((p) => ['--package', p.guess ? `${p.name}=${p.guess}` : p.name]),
    ...observed.flatMap((module) => ['--import', module]),
  ];
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
