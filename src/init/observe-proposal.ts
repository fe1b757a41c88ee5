/**
 * `init` proposes `observe:` when the repo already depends on prometheus_client (metrics) or an
 * OpenTelemetry package (traces): the service was meant to be observed, and with gunicorn's
 * pre-fork workers the usual setup is wrong in ways that show only in production.
 */
import { planObserve } from '../compat/observe-plan.js';
import { observeSettings } from '../spec/observe.js';
import { entryName } from '../spec/package-entries.js';
import type { ModelSpec, ObserveSpec } from '../spec/types.js';

/** The port observe: serves metrics on by default, and the one taken when the server uses it. */
const METRICS_PORTS = [9464, 9465] as const;

/**
 * Adds `observe:` to the model (its Python already resolved) when its packages ask for it, and
 * says why in an evidence line; leaves the model alone otherwise.
 */
export function proposeObserve(model: ModelSpec, evidence: string[]): void {
  const entries = [...(model.conda ?? []), ...(model.pip ?? [])];
  const names = entries.map(entryName);
  const prometheus = [...new Set(names.filter((n) => n === 'prometheus-client'))];
  const otel = [...new Set(names.filter((n) => n.startsWith('opentelemetry')))];
  if (prometheus.length === 0 && otel.length === 0) return;
  const observe: ObserveSpec = {
    ...(prometheus.length > 0 ? { metrics: 'prometheus' as const } : {}),
    ...(otel.length > 0 ? { tracing: 'otlp' as const } : {}),
  };
  if (observe.metrics && model.serve?.port === METRICS_PORTS[0]) {
    observe.metricsPort = METRICS_PORTS[1];
  }
  const settings = observeSettings({ ...model, observe }, undefined);
  const outcome = settings && model.python ? planObserve(settings, model, model.python) : undefined;
  const what = [
    observe.metrics ? 'metrics prometheus' : '',
    observe.tracing ? 'tracing otlp' : '',
  ].filter(Boolean);
  const because = `the repo depends on ${[...prometheus, ...otel].join(', ')}`;
  if (!outcome?.ok) {
    evidence.push(
      `observe: not proposed though ${because}: ${outcome && !outcome.ok ? outcome.message : 'no Python'}`,
    );
    return;
  }
  model.observe = observe;
  evidence.push(`observe: ${what.join(', ')}, since ${because}`);
}
