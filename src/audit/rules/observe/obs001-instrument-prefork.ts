import type { DockerfileContext, Finding, SpecContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { isDockerfile } from './facts.js';
import { gunicornConfig, hookReaches, STARTS_SDK } from './hooks.js';
import {
  dockerCopies,
  dockerEnv,
  dockerLaunches,
  type Launch,
  specLaunches,
  viaText,
} from './launch.js';

/** Hooks gunicorn runs in each worker after the fork. */
const WORKER_HOOKS = ['post_fork', 'post_worker_init'];

function check(
  ctx: DockerfileContext | SpecContext,
  report: (finding: Finding) => void,
): undefined {
  const docker = isDockerfile(ctx);
  const launches: Launch[] = docker ? dockerLaunches(ctx) : specLaunches(ctx);
  const env = new Map<string, string>();
  if (docker) for (const [name, { value }] of dockerEnv(ctx)) env.set(name, value);
  const copies = docker ? dockerCopies(ctx) : [];
  for (const launch of launches) {
    if (!launch.instrumented || launch.server !== 'gunicorn') continue;
    const config = gunicornConfig(ctx.project, launch, env, copies);
    // A config named but not in the repository (made in the image): nothing to judge.
    if (config && 'named' in config) continue;
    let why = 'and no gunicorn config of the repository defines post_fork';
    if (config) {
      const hooks = WORKER_HOOKS.map((name) => ({
        name,
        ...hookReaches(ctx.project, config.scan, name, STARTS_SDK),
      }));
      if (hooks.some((h) => h.defined && h.reach !== 'no')) continue;
      const defined = hooks.find((h) => h.defined);
      why = defined
        ? `and the ${defined.name} in ${config.scan.file}${'line' in defined && defined.line ? `:${defined.line}` : ''} does not start the SDK`
        : `and ${config.scan.file} defines no post_fork`;
    }
    report({
      line: launch.line,
      column: launch.column,
      message: `\`opentelemetry-instrument gunicorn\`${viaText(launch)} starts the OpenTelemetry SDK in gunicorn's master before it forks the workers, ${why}: every worker inherits the master's SDK (one resource for all workers, exporter connections and export threads made before the fork), so spans and metrics are lost or counted as one worker's`,
      fix: "start the SDK in each worker: drop `opentelemetry-instrument` and define `post_fork(server, worker)` in the gunicorn config (`-c FILE`) that creates the TracerProvider (a per-worker `service.instance.id`, a BatchSpanProcessor with the OTLP exporter) and calls the instrumentors' `.instrument()`, or calls `opentelemetry.instrumentation.auto_instrumentation.initialize()`",
    });
  }
}

export const obs001 = defineRule<'dockerfile' | 'spec'>({
  id: 'OBS001',
  name: 'otel-instrument-prefork',
  target: 'dockerfile',
  targets: ['dockerfile', 'spec'],
  severity: 'warning',
  description:
    '`opentelemetry-instrument` runs a pre-fork server (gunicorn) whose config starts no SDK in post_fork.',
  docs: `\`opentelemetry-instrument gunicorn …\` initialises the OpenTelemetry SDK in gunicorn's master process, which then forks its workers. The OpenTelemetry Python docs ("Working With Fork Process Models") say the BatchSpanProcessor and the metric reader are not fork-safe and that the SDK must be started in gunicorn's \`post_fork\` hook; the zero-code troubleshooting page (opentelemetry.io/docs/zero-code/python/troubleshooting, "pre-fork server issue") says more than one worker breaks metrics under auto-instrumentation. Recent SDKs restart their export threads after a fork, but every worker still shares the master's resource (no per-worker \`service.instance.id\`, so the backend merges the workers' series: opentelemetry-python#3001/#3002) and a gRPC exporter's channel made before the fork. See also opentelemetry-python-contrib#676 and #2086.

The rule reads the command a Dockerfile's ENTRYPOINT/CMD runs (through \`sh -c\`, a script it runs, \`poetry run\`, \`conda run\` and the like) and each model's \`serve.command\` in envgen.yaml. It reports \`opentelemetry-instrument\` in front of gunicorn (any worker class: \`-k uvicorn.workers.UvicornWorker\` forks too) unless the gunicorn config it reads (\`-c FILE\`, \`--config\`, \`-c python:module\`, GUNICORN_CMD_ARGS, or \`gunicorn.conf.py\` in the folder it starts from) defines \`post_fork\` or \`post_worker_init\` that starts the SDK: a TracerProvider or MeterProvider, a span processor, an instrumentor's \`.instrument()\`, \`auto_instrumentation.initialize()\`, itself or through the project's functions it calls (imports followed). A hook that calls a library audit cannot read, under a name that looks like telemetry, is given the benefit of the doubt. \`uvicorn --workers\` alone is not reported: it spawns its workers, which inherit \`opentelemetry-instrument\`'s PYTHONPATH and start their own SDK.

Fix: start the SDK in each worker in \`post_fork\` (envgen's generated gunicorn.conf.py does, with \`observe: { tracing: otlp }\`).`,
  check,
});
