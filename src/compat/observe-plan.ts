/**
 * What `observe:` adds to a model's environment: prometheus_client for metrics; for traces the
 * OpenTelemetry SDK, the OTLP exporter of the protocol and the instrumentation of the framework
 * the model is served with (flask, fastapi, else plain WSGI or ASGI by its server). Every
 * package is pinned from conda-forge by observe-packages.json, which names where each version
 * was read.
 *
 * The user's own entries win: a bare one (`opentelemetry-sdk`) is covered by envgen's pin, one
 * with a version is kept and envgen adds none of that name. OpenTelemetry's packages must come
 * from one release: when the user pins any of them, envgen adds its own unpinned beside those
 * pins (in pip or conda), so one solver chooses the release for all.
 */

import { type ObserveSettings, type ServerKind, serveCommand } from '../spec/observe.js';
import { entryName, normalizeName } from '../spec/package-entries.js';
import type { ModelSpec } from '../spec/types.js';
import { compareDotted } from '../versions/dotted.js';
import data from './observe-packages.json';

interface ObservePackageRow {
  version: string;
  /** The lowest Python (`3.9`) the pinned version installs on. */
  python: string;
  /** Modules the smoke check imports to prove the package works. */
  modules: string[];
  source: string;
  unconfirmed?: string;
}

type ObservePackage = keyof typeof data.packages;
const TABLE = data.packages as Record<ObservePackage, ObservePackageRow>;

/** The web framework the instrumentation is chosen for. */
type Framework = 'flask' | 'fastapi' | 'wsgi' | 'asgi';

const INSTRUMENTATION: Record<Framework, ObservePackage> = {
  flask: 'opentelemetry-instrumentation-flask',
  fastapi: 'opentelemetry-instrumentation-fastapi',
  wsgi: 'opentelemetry-instrumentation-wsgi',
  asgi: 'opentelemetry-instrumentation-asgi',
};

/**
 * The instrumentors a gunicorn worker starts after the fork. Plain WSGI and ASGI have no
 * instrumentor class (their packages are middleware the app wraps itself).
 */
const INSTRUMENTORS: Partial<Record<Framework, { module: string; name: string }>> = {
  flask: { module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' },
  fastapi: { module: 'opentelemetry.instrumentation.fastapi', name: 'FastAPIInstrumentor' },
};

/** What observe: decided for one model (part of `envgen resolve --json`). */
export interface ObservePlan {
  settings: ObserveSettings;
  /** The server of serve.command; `none` without one. */
  server: ServerKind | 'none';
  frameworks: Framework[];
  /** Conda match specs envgen added: pinned from conda-forge, or bare beside the user's own pins. */
  added: string[];
  /** pip requirements envgen added (bare, beside the user's pinned OpenTelemetry in pip). */
  addedPip: string[];
  /** The user's own entries kept in place of envgen's pin of the same package. */
  kept: string[];
  /** Instrumentors started in each gunicorn worker after the fork. */
  instrumentors: { module: string; name: string }[];
  /** Modules the smoke check must import. */
  modules: string[];
}

export type ObserveOutcome =
  | { ok: true; plan: ObservePlan; reason: string }
  | { ok: false; message: string; fix: string };

/** An entry that is only a name (no version, channel, extras or marker). */
function isBare(entry: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(entry.trim());
}

export function planObserve(
  settings: ObserveSettings,
  model: ModelSpec,
  python: string,
): ObserveOutcome {
  const userEntries = [...(model.conda ?? []), ...(model.pip ?? [])];
  const userNames = new Set(userEntries.map(entryName));
  const command = model.serve?.command;
  const serve = command ? serveCommand(command) : undefined;
  const frameworks = frameworksOf(userNames, serve);

  const wanted: ObservePackage[] = [];
  if (settings.metrics === 'prometheus') wanted.push('prometheus_client');
  if (settings.tracing === 'otlp') {
    wanted.push(
      'opentelemetry-sdk',
      settings.protocol === 'grpc'
        ? 'opentelemetry-exporter-otlp-proto-grpc'
        : 'opentelemetry-exporter-otlp-proto-http',
      'opentelemetry-instrumentation',
    );
    // `opentelemetry-instrument` (uvicorn and other servers) needs the distro's configurator.
    if (serve?.server !== 'gunicorn') wanted.push('opentelemetry-distro');
    wanted.push(...frameworks.map((f) => INSTRUMENTATION[f]));
  }

  const tooOld = wanted.filter((name) => compareDotted(python, TABLE[name].python) < 0);
  if (tooOld.length > 0) {
    const floor = TABLE[tooOld[0] as ObservePackage].python;
    return {
      ok: false,
      message: `observe: needs Python ${floor} or newer (${tooOld.map((n) => `${n}==${TABLE[n].version}`).join(', ')}), and the model has Python ${python}`,
      fix: `set python: "${floor}" or newer on the model, or remove observe:`,
    };
  }

  // The user's own OpenTelemetry pins decide the release: envgen's are then added unpinned
  // beside them (pip or conda), so one solver picks one release for all of them.
  const pinnedOtel = userEntries.filter(
    (entry) => entryName(entry).startsWith('opentelemetry') && !isBare(entry),
  );
  const beside: 'conda' | 'pip' | null =
    pinnedOtel.length === 0
      ? null
      : pinnedOtel.some((entry) => (model.pip ?? []).includes(entry))
        ? 'pip'
        : 'conda';
  const added: string[] = [];
  const addedPip: string[] = [];
  const kept: string[] = [];
  for (const name of wanted) {
    const own = userEntries.find((entry) => entryName(entry) === normalizeName(name));
    if (own !== undefined && !isBare(own)) {
      kept.push(own);
    } else if (beside && name.startsWith('opentelemetry')) {
      (beside === 'pip' ? addedPip : added).push(name);
    } else {
      added.push(`${name}==${TABLE[name].version}`);
    }
  }
  const unconfirmed = wanted.filter(
    (name) => TABLE[name].unconfirmed && added.includes(`${name}==${TABLE[name].version}`),
  );
  const what = [
    settings.metrics === 'prometheus' ? `metrics prometheus on port ${settings.metricsPort}` : '',
    settings.tracing === 'otlp'
      ? `tracing otlp over ${settings.protocol}${settings.endpoint ? ` to ${settings.endpoint}` : ''}`
      : '',
  ].filter(Boolean);
  const server = serve?.server ?? 'none';
  const reason = [
    `observe: ${what.join(', ')}; server ${server}${frameworks.length > 0 ? `, framework ${frameworks.join(', ')}` : ''}`,
    added.length > 0 ? `; added from conda-forge: ${added.join(' ')}` : '',
    addedPip.length > 0 ? `; added to pip: ${addedPip.join(' ')}` : '',
    kept.length > 0 ? `; kept yours: ${kept.join(' ')}` : '',
    beside
      ? `; your OpenTelemetry pins (${pinnedOtel.join(', ')}) choose the release, so envgen's OpenTelemetry packages go unpinned beside them in ${beside}`
      : '',
    unconfirmed.length > 0
      ? ` (unconfirmed: ${unconfirmed.map((n) => `${n} ${TABLE[n].version}: ${TABLE[n].unconfirmed}`).join('; ')})`
      : '',
    ' [versions: anaconda.org/conda-forge/<package>/files, in observe-packages.json]',
  ].join('');

  return {
    ok: true,
    plan: {
      settings,
      server,
      frameworks,
      added,
      addedPip,
      kept,
      instrumentors:
        settings.tracing === 'otlp'
          ? frameworks.flatMap((f) => {
              const instrumentor = INSTRUMENTORS[f];
              return instrumentor ? [instrumentor] : [];
            })
          : [],
      modules: wanted.flatMap((name) => TABLE[name].modules),
    },
    reason,
  };
}

/** flask and fastapi by the model's packages; else WSGI or ASGI by its server. */
function frameworksOf(
  names: ReadonlySet<string>,
  serve: ReturnType<typeof serveCommand> | undefined,
): Framework[] {
  const named: Framework[] = (['flask', 'fastapi'] as const).filter((f) => names.has(f));
  if (named.length > 0) return named;
  if (!serve) return [];
  if (serve.server === 'uvicorn' || (serve.server === 'gunicorn' && serve.asgiWorker)) {
    return ['asgi'];
  }
  return serve.server === 'gunicorn' ? ['wsgi'] : [];
}
