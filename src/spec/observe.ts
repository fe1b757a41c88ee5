/**
 * `observe:`: metrics and traces built into a model's image. This module applies `defaults`
 * (a model's keys override defaults' key by key), parses the sampler, tells which server the
 * serve command starts (gunicorn's pre-fork workers need the SDK started after the fork, uvicorn
 * spawns), and checks what the schema cannot: the metrics port against serve.port, the sampler's
 * name and ratio, and bundles (whose dispatcher has no per-model environment yet).
 */
import { posix } from 'node:path';
import type { Problem } from '../problem.js';
import { didYouMean } from './did-you-mean.js';
import { serverOf } from './serve-command.js';
import type { ModelSpec, ObserveSpec, Position, Spec } from './types.js';

/** OTEL_TRACES_SAMPLER's built-in samplers (the OpenTelemetry SDK environment variables). */
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
type SamplerName = (typeof SAMPLERS)[number];
/** The samplers that take OTEL_TRACES_SAMPLER_ARG, a ratio in [0, 1]. */
const RATIO_SAMPLERS: readonly SamplerName[] = ['traceidratio', 'parentbased_traceidratio'];

/** The default port of the Prometheus endpoint (OpenTelemetry's Prometheus exporter uses it too). */
const DEFAULT_METRICS_PORT = 9464;

/** `observe:` after defaults, for a model that observes something. */
export interface ObserveSettings {
  metrics: 'prometheus' | 'none';
  tracing: 'otlp' | 'none';
  /** null: the runtime's OTEL_EXPORTER_OTLP_ENDPOINT (or the SDK's default). */
  endpoint: string | null;
  protocol: 'http/protobuf' | 'grpc';
  metricsPort: number;
  /** null: the SDK's default (parentbased_always_on). */
  sampler: { name: SamplerName; ratio: string | null } | null;
}

/**
 * The settings of a model after defaults; undefined when it observes nothing (no `observe:`,
 * or metrics and tracing both none). Call on a validated spec.
 */
export function observeSettings(
  model: ModelSpec,
  defaults: Spec['defaults'],
): ObserveSettings | undefined {
  const merged: ObserveSpec = { ...defaults?.observe, ...model.observe };
  if (!model.observe && !defaults?.observe) return undefined;
  const metrics = merged.metrics ?? 'none';
  const tracing = merged.tracing ?? 'none';
  if (metrics === 'none' && tracing === 'none') return undefined;
  const sampler = merged.sampler ? parseSampler(merged.sampler) : null;
  return {
    metrics,
    tracing,
    endpoint: merged.endpoint ?? null,
    protocol: merged.protocol ?? 'http/protobuf',
    metricsPort: merged.metricsPort ?? DEFAULT_METRICS_PORT,
    sampler: sampler?.ok ? sampler.value : null,
  };
}

type SamplerParse =
  | { ok: true; value: { name: SamplerName; ratio: string | null } }
  | { ok: false; error: string; fix: string };

function parseSampler(text: string): SamplerParse {
  const [rawName = '', ...rest] = text.split(':');
  const name = rawName.toLowerCase();
  const ratio = rest.length > 0 ? rest.join(':') : null;
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    const guess = didYouMean(name, SAMPLERS);
    return {
      ok: false,
      error: `'${rawName}' is not one of OTEL_TRACES_SAMPLER's built-in samplers`,
      fix: `${guess ? `did you mean '${guess}'? ` : ''}use one of ${SAMPLERS.join(', ')}`,
    };
  }
  const sampler = name as SamplerName;
  const takesRatio = RATIO_SAMPLERS.includes(sampler);
  if (ratio !== null && !takesRatio) {
    return {
      ok: false,
      error: `the sampler ${sampler} takes no ratio (':${ratio}')`,
      fix: `write '${sampler}' alone, or use ${RATIO_SAMPLERS.map((s) => `${s}:${ratio}`).join(' or ')} to sample a share of traces`,
    };
  }
  if (ratio !== null && !/^(0(\.[0-9]+)?|1(\.0+)?|\.[0-9]+)$/.test(ratio)) {
    return {
      ok: false,
      error: `the ratio '${ratio}' of ${sampler} is not a number from 0 to 1`,
      fix: `write a ratio such as ${sampler}:0.25 (a quarter of the traces)`,
    };
  }
  return { ok: true, value: { name: sampler, ratio } };
}

/** The server a serve command starts, and where its program is among the arguments. */
export type ServerKind = 'gunicorn' | 'uvicorn' | 'other';
export interface ServeCommand {
  server: ServerKind;
  /** The index of the `gunicorn`/`uvicorn` argument (the program, or the module after `python -m`). */
  at: number;
  /** gunicorn with an ASGI worker class (`-k uvicorn.workers.UvicornWorker`). */
  asgiWorker: boolean;
  /**
   * Something other than `python -m` runs the server (`poetry run gunicorn`, `env X=1 gunicorn`):
   * `observe:` cannot put its config or `opentelemetry-instrument` right before it.
   */
  wrapped: boolean;
  /** `opentelemetry-instrument` is in the command already. */
  instrumented: boolean;
}

/**
 * `gunicorn …`, `/path/bin/gunicorn …`, `python -m gunicorn …`; the same for uvicorn. The
 * server is found behind wrappers as the OBS rules find it (spec/serve-command.ts).
 */
export function serveCommand(command: readonly string[]): ServeCommand {
  const found = serverOf(command);
  const instrumented =
    found?.instrumented ??
    command.some((word) => posix.basename(word) === 'opentelemetry-instrument');
  if (found?.server !== 'gunicorn' && found?.server !== 'uvicorn') {
    return { server: 'other', at: 0, asgiWorker: false, wrapped: false, instrumented };
  }
  const { at } = found;
  const wrapped = !(at === 0 || (at === 2 && command[1] === '-m'));
  if (found.server === 'uvicorn') {
    return { server: 'uvicorn', at, asgiWorker: false, wrapped, instrumented };
  }
  const args = command.slice(at + 1);
  const workerClass = args.flatMap((arg, i) => {
    if (arg === '-k' || arg === '--worker-class') return [args[i + 1] ?? ''];
    if (arg.startsWith('--worker-class=')) return [arg.slice('--worker-class='.length)];
    if (arg.startsWith('-k') && arg.length > 2) return [arg.slice(2)];
    return [];
  });
  return {
    server: 'gunicorn',
    at,
    asgiWorker: workerClass.some((k) => /uvicorn|asgi/i.test(k)),
    wrapped,
    instrumented,
  };
}

/**
 * A gunicorn command without its own `-c FILE`, `-cFILE`, `--config FILE` or `--config=FILE`
 * (the generated config takes that place and loads the user's first), and that FILE.
 */
export function withoutGunicornConfig(
  command: readonly string[],
  at: number,
): { command: string[]; config: string | null } {
  const head = command.slice(0, at + 1);
  const rest: string[] = [];
  let config: string | null = null;
  const args = command.slice(at + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if ((arg === '-c' || arg === '--config') && i + 1 < args.length) {
      config = args[++i] as string;
    } else if (arg.startsWith('--config=')) {
      config = arg.slice('--config='.length);
    } else if (arg.startsWith('-c') && arg.length > 2 && !arg.startsWith('--')) {
      config = arg.slice(2);
    } else {
      rest.push(arg);
    }
  }
  return { command: [...head, ...rest], config };
}

interface Context {
  file: string;
  locate(path: (string | number)[]): Position | undefined;
}

/** What the schema cannot check about `observe:` (call on a spec whose shape is valid). */
export function checkObserve(spec: Spec, context: Context): Problem[] {
  const problems: Problem[] = [];
  const push = (path: (string | number)[], message: string, fix: string): void => {
    problems.push({
      ruleId: 'spec/observe',
      severity: 'error',
      file: context.file,
      ...(context.locate(path) ?? context.locate(path.slice(0, -1))),
      message,
      fix,
    });
  };
  const samplerAt: [(string | number)[], string][] = [];
  if (spec.defaults?.observe?.sampler) {
    samplerAt.push([['defaults', 'observe', 'sampler'], spec.defaults.observe.sampler]);
  }
  for (const [name, model] of Object.entries(spec.models)) {
    if (model.observe?.sampler) {
      samplerAt.push([['models', name, 'observe', 'sampler'], model.observe.sampler]);
    }
  }
  for (const [path, text] of samplerAt) {
    const parsed = parseSampler(text);
    if (!parsed.ok) push(path, `${path.join('.')}: ${parsed.error}`, parsed.fix);
  }

  const bundled = new Set(Object.values(spec.bundles ?? {}).flat());
  for (const [name, model] of Object.entries(spec.models)) {
    const settings = observeSettings(model, spec.defaults);
    if (!settings) continue;
    const port = model.serve?.port;
    if (port !== undefined && settings.metrics === 'prometheus' && settings.metricsPort === port) {
      const own = model.observe?.metricsPort !== undefined;
      push(
        own ? ['models', name, 'observe', 'metricsPort'] : ['models', name, 'serve', 'port'],
        `model '${name}': the metrics endpoint and the server both want port ${port}${own ? '' : ' (observe.metricsPort from defaults or its default)'}`,
        `set observe.metricsPort on the model to a free port other than ${port}, e.g. ${port === DEFAULT_METRICS_PORT ? DEFAULT_METRICS_PORT + 1 : DEFAULT_METRICS_PORT}`,
      );
    }
    const command = model.serve?.command;
    const serve = command ? serveCommand(command) : undefined;
    if (serve?.instrumented) {
      push(
        ['models', name, 'serve', 'command'],
        `model '${name}': serve.command runs opentelemetry-instrument itself, and observe: starts the OpenTelemetry SDK where the server needs it (after gunicorn's fork; opentelemetry-instrument for uvicorn)`,
        'remove opentelemetry-instrument and its options from serve.command',
      );
    } else if (serve?.wrapped) {
      push(
        ['models', name, 'serve', 'command'],
        `model '${name}': observe: needs serve.command to start ${serve.server} itself (or python -m ${serve.server}), to put its config or opentelemetry-instrument right before it, and '${(command ?? []).slice(0, serve.at).join(' ')}' runs it`,
        `start it directly: ["${serve.server}", ${(command ?? [])
          .slice(serve.at + 1)
          .map((arg) => JSON.stringify(arg))
          .join(', ')}] (the image runs it from the model's environment)`,
      );
    }
    const config =
      command && serve?.server === 'gunicorn'
        ? withoutGunicornConfig(command, serve.at).config
        : null;
    if (config !== null && (config.startsWith('python:') || config === '')) {
      push(
        ['models', name, 'serve', 'command'],
        `model '${name}': observe: needs gunicorn's config as a file, and serve.command gives '${config || '(nothing)'}'`,
        'name the config file (-c gunicorn.conf.py): the generated config loads it first and chains its hooks',
      );
    } else if (config !== null && !/^[A-Za-z0-9._/@+-]+$/.test(config)) {
      // The path is written into the generated gunicorn.conf.py as a Python string.
      push(
        ['models', name, 'serve', 'command'],
        `model '${name}': observe: loads gunicorn's config '${config}' from the generated config, and its path holds characters other than letters, digits and . _ / @ + -`,
        'rename the config file (e.g. conf/gunicorn.conf.py)',
      );
    }
    if (bundled.has(name)) {
      push(
        ['models', name, 'observe'],
        `model '${name}' observes (observe:) and is in a bundle; bundles cannot carry observe: yet (their dispatcher has no per-model OTEL_SERVICE_NAME, gunicorn config or entrypoint)`,
        `build '${name}' as its own image (remove it from the bundle), or set observe: {metrics: none, tracing: none} on it`,
      );
    }
  }
  return problems;
}
