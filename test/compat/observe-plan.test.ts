/**
 * What observe: adds to an environment: the packages per server and framework, pinned from the
 * table, the user's own entries respected, and how `envgen resolve` shows it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planObserve } from '../../src/compat/observe-plan.js';
import { resolveSpec } from '../../src/compat/resolve-spec.js';
import { compatTable } from '../../src/compat/table.js';
import { parseSpecText } from '../../src/spec/load-spec.js';
import type { ObserveSettings } from '../../src/spec/observe.js';
import type { ModelSpec } from '../../src/spec/types.js';

const TABLE = JSON.parse(
  readFileSync(new URL('../../src/compat/observe-packages.json', import.meta.url), 'utf8'),
) as { packages: Record<string, { version: string; source: string; unconfirmed?: string }> };
const pin = (name: string): string => `${name}==${TABLE.packages[name]?.version}`;

const BOTH: ObserveSettings = {
  metrics: 'prometheus',
  tracing: 'otlp',
  endpoint: null,
  protocol: 'http/protobuf',
  metricsPort: 9464,
  sampler: null,
};

function plan(model: ModelSpec, settings: ObserveSettings = BOTH, python = '3.11') {
  const outcome = planObserve(settings, model, python);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome;
}

describe('the table', () => {
  it('pins every package to one version with a source, SDK 1.x beside contrib 0.xb of its release', () => {
    for (const [name, row] of Object.entries(TABLE.packages)) {
      expect(row.source, name).toMatch(/anaconda\.org|inferred/);
      if (row.source.startsWith('inferred')) expect(row.unconfirmed, name).toBeTruthy();
    }
    expect(TABLE.packages['opentelemetry-sdk']?.version).toBe('1.39.1');
    expect(TABLE.packages['opentelemetry-instrumentation-flask']?.version).toBe('0.60b1');
  });
});

describe('packages per server and framework', () => {
  it('flask under gunicorn: prometheus_client, the SDK, the HTTP exporter and the flask instrumentation, no distro', () => {
    const { plan: p } = plan({
      conda: ['flask', 'gunicorn'],
      serve: { command: ['gunicorn', 'app:app'] },
    });
    expect(p.added).toEqual([
      pin('prometheus_client'),
      pin('opentelemetry-sdk'),
      pin('opentelemetry-exporter-otlp-proto-http'),
      pin('opentelemetry-instrumentation'),
      pin('opentelemetry-instrumentation-flask'),
    ]);
    expect(p.server).toBe('gunicorn');
    expect(p.frameworks).toEqual(['flask']);
    expect(p.instrumentors).toEqual([
      { module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' },
    ]);
    expect(p.modules).toContain('opentelemetry.instrumentation.flask');
    expect(p.modules).toContain('prometheus_client.multiprocess');
  });

  it('fastapi under uvicorn: the fastapi instrumentation and the distro for opentelemetry-instrument', () => {
    const { plan: p } = plan({
      pip: ['fastapi>=0.110', 'uvicorn'],
      serve: { command: ['uvicorn', 'app:app', '--workers', '4'] },
    });
    expect(p.added).toContain(pin('opentelemetry-instrumentation-fastapi'));
    expect(p.added).toContain(pin('opentelemetry-distro'));
    expect(p.frameworks).toEqual(['fastapi']);
    expect(p.instrumentors.map((i) => i.name)).toEqual(['FastAPIInstrumentor']);
  });

  it('another WSGI app under gunicorn: the WSGI middleware, no instrumentor to start', () => {
    const { plan: p } = plan({ pip: ['falcon'], serve: { command: ['gunicorn', 'app:api'] } });
    expect(p.frameworks).toEqual(['wsgi']);
    expect(p.added).toContain(pin('opentelemetry-instrumentation-wsgi'));
    expect(p.instrumentors).toEqual([]);
  });

  it('gunicorn with an uvicorn worker class is ASGI', () => {
    const { plan: p } = plan({
      pip: ['starlette'],
      serve: { command: ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', 'app:app'] },
    });
    expect(p.frameworks).toEqual(['asgi']);
    expect(p.added).toContain(pin('opentelemetry-instrumentation-asgi'));
    expect(p.added).not.toContain(pin('opentelemetry-distro'));
  });

  it('grpc: the gRPC exporter instead of the HTTP one', () => {
    const { plan: p } = plan(
      { serve: { command: ['gunicorn', 'app:app'] } },
      { ...BOTH, protocol: 'grpc' },
    );
    expect(p.added).toContain(pin('opentelemetry-exporter-otlp-proto-grpc'));
    expect(p.added).not.toContain(pin('opentelemetry-exporter-otlp-proto-http'));
  });

  it('metrics only: prometheus_client alone, no instrumentors', () => {
    const { plan: p } = plan(
      { conda: ['flask'], serve: { command: ['gunicorn', 'app:app'] } },
      { ...BOTH, tracing: 'none' },
    );
    expect(p.added).toEqual([pin('prometheus_client')]);
    expect(p.instrumentors).toEqual([]);
  });

  it('refuses a Python older than the pinned packages support', () => {
    const outcome = planObserve(BOTH, {}, '3.8');
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.fix).toContain('3.9');
  });
});

describe("the user's own entries", () => {
  it('keeps a pinned prometheus_client (any spelling) and adds none of its own', () => {
    const { plan: p, reason } = plan(
      { pip: ['prometheus-client==0.16.0'] },
      { ...BOTH, tracing: 'none' },
    );
    expect(p.added).toEqual([]);
    expect(p.kept).toEqual(['prometheus-client==0.16.0']);
    expect(reason).toContain('kept yours: prometheus-client==0.16.0');
  });

  it('puts its OpenTelemetry packages unpinned beside pinned ones in pip, so pip solves one release', () => {
    const { plan: p } = plan({
      pip: ['opentelemetry-sdk>=1.36,<2', 'flask'],
      serve: { command: ['gunicorn', 'app:app'] },
    });
    expect(p.kept).toEqual(['opentelemetry-sdk>=1.36,<2']);
    expect(p.addedPip).toEqual([
      'opentelemetry-exporter-otlp-proto-http',
      'opentelemetry-instrumentation',
      'opentelemetry-instrumentation-flask',
    ]);
    // prometheus_client is not part of that release: still pinned from conda-forge.
    expect(p.added).toEqual([pin('prometheus_client')]);
  });
});

describe('envgen resolve with observe: (the example repo)', () => {
  const loaded = parseSpecText(
    readFileSync(new URL('../../fixtures/example-repo/envgen.yaml', import.meta.url), 'utf8'),
    'envgen.yaml',
  );
  const { models, problems } = resolveSpec(compatTable(), loaded, ['sentiment', 'legacy-detector']);

  it('adds the pinned packages to the conda dependencies, once, and says why', () => {
    expect(problems).toEqual([]);
    const sentiment = models.find((m) => m.name === 'sentiment');
    expect(sentiment?.dependencies).toEqual(
      expect.arrayContaining([
        pin('prometheus_client'),
        pin('opentelemetry-instrumentation-flask'),
      ]),
    );
    // The spec's bare `opentelemetry-sdk` (pip) is covered by the pin: no second entry.
    expect(sentiment?.pip).not.toContain('opentelemetry-sdk');
    expect(sentiment?.dependencies.filter((d) => d.startsWith('opentelemetry-sdk'))).toEqual([
      pin('opentelemetry-sdk'),
    ]);
    expect(sentiment?.reasons.some((r) => r.startsWith('observe: '))).toBe(true);
    expect(sentiment?.observe?.server).toBe('gunicorn');
  });

  it('leaves a model without observe: alone', () => {
    const legacy = models.find((m) => m.name === 'legacy-detector');
    expect(legacy?.observe).toBeUndefined();
    expect(legacy?.dependencies.some((d) => d.startsWith('opentelemetry'))).toBe(false);
  });
});
