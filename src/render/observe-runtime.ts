/**
 * observe: in a model's image: the environment variables the runtime files read, the server
 * command (gunicorn gets the generated config, which loads the user's own first; uvicorn and
 * other servers run under `opentelemetry-instrument`, whose sitecustomize spawned workers
 * inherit), and the context of the gunicorn config.
 *
 * Every value is checked here before it reaches the Dockerfile: the resource attributes are
 * one `k=v` list, so a value holding `,`, `=` or a space would break it.
 */
import { posix } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import { IMAGE_GUNICORN_CONFIG, IMAGE_METRICS_DIR } from '../layout.js';
import { serveCommand, withoutGunicornConfig } from '../spec/observe.js';
import type { ModelSpec } from '../spec/types.js';
import type { GunicornConfView } from './observe-view.js';

/** The build argument carrying the image's tag (docker-bake.hcl passes `${TAG}`). */
export const TAG_ARG = 'ENVGEN_IMAGE_TAG';
/** Where the image copies the repository (the runtime stage's WORKDIR). */
const APP_DIR = '/app';

export interface ObserveRuntime {
  /** ENV of the runtime stage, in order. */
  env: [string, string][];
  /** CMD: the serve command as observe: runs it. */
  command: string[];
  /** The gunicorn config's context (without its header), when the server is gunicorn. */
  gunicorn: Omit<GunicornConfView, 'header'> | null;
  /** EXPOSE beside serve.port, when metrics are served. */
  metricsPort: number | null;
}

export function observeRuntime(
  model: ResolvedModel,
  spec: ModelSpec,
  prefix: string,
  command: string[],
  options: { rootGunicornConfig: boolean },
): ObserveRuntime {
  const plan = model.observe;
  if (!plan) throw new Error(`model ${model.name} has no observe plan`);
  const { settings } = plan;
  const metrics = settings.metrics === 'prometheus';
  const tracing = settings.tracing === 'otlp';
  const serve = spec.serve ? serveCommand(command) : undefined;

  const attributes: [string, string][] = [
    ['dev.envgen.model', model.name],
    ['dev.envgen.torch', model.torch],
    ['dev.envgen.cuda', model.cuda],
    ['dev.envgen.python', model.python],
  ];
  for (const [key, value] of attributes) {
    if (!/^[A-Za-z0-9._+-]+$/.test(value)) {
      throw new Error(
        `refusing to render ${key}=${JSON.stringify(value)} into OTEL_RESOURCE_ATTRIBUTES`,
      );
    }
  }
  const env: [string, string][] = [
    ['OTEL_SERVICE_NAME', model.name],
    [
      'OTEL_RESOURCE_ATTRIBUTES',
      [`service.version=\${${TAG_ARG}}`, ...attributes.map(([k, v]) => `${k}=${v}`)].join(','),
    ],
    ['OTEL_TRACES_EXPORTER', tracing ? 'otlp' : 'none'],
    // Metrics go through Prometheus; logs stay on stdout.
    ['OTEL_METRICS_EXPORTER', 'none'],
    ['OTEL_LOGS_EXPORTER', 'none'],
  ];
  if (tracing) {
    env.push(['OTEL_EXPORTER_OTLP_PROTOCOL', settings.protocol]);
    if (settings.endpoint) env.push(['OTEL_EXPORTER_OTLP_ENDPOINT', settings.endpoint]);
    if (settings.sampler) {
      env.push(['OTEL_TRACES_SAMPLER', settings.sampler.name]);
      if (settings.sampler.ratio !== null) {
        env.push(['OTEL_TRACES_SAMPLER_ARG', settings.sampler.ratio]);
      }
    }
  }
  if (metrics) {
    env.push(
      ['PROMETHEUS_MULTIPROC_DIR', IMAGE_METRICS_DIR],
      ['ENVGEN_METRICS_PORT', String(settings.metricsPort)],
    );
  }

  let served = command;
  let gunicorn: ObserveRuntime['gunicorn'] = null;
  if (serve?.server === 'gunicorn') {
    const { command: rest, config } = withoutGunicornConfig(command, serve.at);
    served = [
      ...rest.slice(0, serve.at + 1),
      '-c',
      IMAGE_GUNICORN_CONFIG,
      ...rest.slice(serve.at + 1),
    ];
    gunicorn = {
      model: model.name,
      metrics,
      tracing,
      instrumentors: plan.instrumentors,
      userConfig:
        config !== null
          ? posix.resolve(APP_DIR, config)
          : options.rootGunicornConfig
            ? `${APP_DIR}/gunicorn.conf.py`
            : false,
    };
  } else if (serve) {
    // uvicorn spawns its workers: no fork hooks. opentelemetry-instrument's sitecustomize is
    // on the PYTHONPATH the workers inherit, so each starts its own SDK; the metrics endpoint
    // is a sidecar the entrypoint starts.
    if (tracing) served = [`${prefix}/bin/opentelemetry-instrument`, ...command];
    if (metrics) env.push(['ENVGEN_METRICS_SIDECAR', '1']);
  }
  return {
    env,
    command: served,
    gunicorn,
    metricsPort: metrics ? settings.metricsPort : null,
  };
}
