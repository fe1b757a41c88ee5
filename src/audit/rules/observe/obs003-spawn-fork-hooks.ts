import { posix } from 'node:path';
import { topLevelDef } from '../../python-scan.js';
import type { DockerfileContext, Finding, Project, SpecContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { type Evidence, isDockerfile } from './facts.js';
import {
  dockerEnv,
  dockerLaunches,
  type Launch,
  optionValue,
  specLaunches,
  viaText,
} from './launch.js';

const TELEMETRY = /opentelemetry|prometheus|TracerProvider|MeterProvider|telemetry|tracing|tracer/i;

/** The fork hooks of the project that start telemetry: register_at_fork calls, gunicorn post_fork. */
function forkHooks(project: Project, folder: string): (Evidence & { what: string })[] {
  const hooks: (Evidence & { what: string })[] = [];
  for (const scan of project.pythonFiles()) {
    for (const match of scan.code.matchAll(/\bregister_at_fork\s*\(/g)) {
      if (!TELEMETRY.test(scan.code)) continue;
      const { line } = scan.positionOf(match.index ?? 0);
      hooks.push({ file: scan.file, line, what: 'os.register_at_fork' });
    }
    // A gunicorn config of this service: beside the Dockerfile (or the spec), or at the root.
    const beside = [folder, '.'].includes(posix.dirname(scan.file));
    const gunicornLike =
      beside &&
      (/gunicorn/i.test(posix.basename(scan.file)) ||
        scan.assignments.some((a) =>
          ['bind', 'workers', 'worker_class', 'preload_app'].includes(a.name),
        ));
    if (!gunicornLike) continue;
    for (const name of ['post_fork', 'post_worker_init']) {
      const def = topLevelDef(scan, name);
      if (def) hooks.push({ file: scan.file, line: def.line, what: `gunicorn's ${name}` });
    }
  }
  return hooks;
}

function workersOf(launch: Launch, env: ReadonlyMap<string, string>): number | undefined {
  const option = optionValue(
    launch.words,
    '--workers',
    launch.server === 'hypercorn' ? '-w' : undefined,
  );
  const value = option ?? (launch.server === 'hypercorn' ? undefined : env.get('WEB_CONCURRENCY'));
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function check(
  ctx: DockerfileContext | SpecContext,
  report: (finding: Finding) => void,
): undefined {
  const docker = isDockerfile(ctx);
  const launches = docker ? dockerLaunches(ctx) : specLaunches(ctx);
  // Hooks of a gunicorn config are gunicorn's when this file also runs gunicorn.
  const runsGunicorn = launches.some((l) => l.server === 'gunicorn');
  const env = new Map<string, string>();
  if (docker) for (const [name, { value }] of dockerEnv(ctx)) env.set(name, value);
  let hooks: (Evidence & { what: string })[] | undefined;
  for (const launch of launches) {
    if (launch.server === 'gunicorn') continue;
    const workers = workersOf(launch, env);
    if (workers === undefined || workers < 2) continue;
    hooks ??= forkHooks(ctx.project, posix.dirname(ctx.file)).filter(
      (h) => !runsGunicorn || h.what === 'os.register_at_fork',
    );
    const hook = hooks[0];
    if (!hook) continue;
    report({
      line: launch.line,
      column: launch.column,
      message: `${launch.server} with ${workers} workers${viaText(launch)} starts them with multiprocessing's spawn, not fork: ${hook.what} (${hook.file}:${hook.line}) never runs in them, so the telemetry it starts is started in no worker`,
      fix: `start telemetry where every worker runs it: at application startup (a FastAPI lifespan or startup handler, module import), or run the server under \`opentelemetry-instrument\` (spawned workers inherit it); or serve with \`gunicorn -k uvicorn.workers.UvicornWorker -w ${workers}\` so that post_fork runs`,
    });
  }
}

export const obs003 = defineRule<'dockerfile' | 'spec'>({
  id: 'OBS003',
  name: 'spawned-workers-fork-hooks',
  target: 'dockerfile',
  targets: ['dockerfile', 'spec'],
  severity: 'warning',
  description:
    'uvicorn/hypercorn run several workers (spawned) while telemetry is started in fork hooks that never run there.',
  docs: `\`uvicorn --workers N\` (and \`fastapi run --workers N\`, \`hypercorn --workers N\`) starts its workers with multiprocessing's spawn start method: each is a fresh interpreter, not a fork. Hooks that run after a fork (\`os.register_at_fork(after_in_child=…)\`, gunicorn's \`post_fork\`/\`post_worker_init\`) never run there (SigNoz's and OpenTelemetry's notes on uvicorn workers; opentelemetry-python-contrib#385), so telemetry started in them is started in no worker: no spans, no metrics, no error.

The rule reads the server a Dockerfile's ENTRYPOINT/CMD (or a script it runs) and each model's \`serve.command\` start; with \`--workers N\` (\`-w\` for hypercorn) or \`WEB_CONCURRENCY\` (which uvicorn reads) above 1, it reports when the project's Python has a fork hook that starts telemetry: \`os.register_at_fork\` in a module that names OpenTelemetry or Prometheus, or \`post_fork\`/\`post_worker_init\` in a gunicorn config (unless the same Dockerfile or spec also runs gunicorn, whose hooks they are). A worker count audit cannot read (\`--workers $N\`) is not judged.

Fix: start telemetry at application startup in each worker, or run under \`opentelemetry-instrument\` (its sitecustomize reaches spawned workers through PYTHONPATH), or serve with gunicorn and uvicorn's worker class so the hooks run.`,
  check,
});
