/**
 * Traces under the real gunicorn with the generated config: the SDK starts in each worker after
 * fork (post_fork), never in the master, each worker with a service.instance.id of its own, and
 * a worker recycled by max_requests flushes its spans as it goes (worker_exit).
 *
 * OpenTelemetry Python is not packaged by Debian and cannot be installed here: the SDK the
 * generated code imports is fixtures/fake-opentelemetry, a test double at the real module paths
 * whose exporter speaks OTLP/HTTP JSON (its README). The receiver below is a loopback OTLP/HTTP
 * endpoint written for this test.
 */
import type { Server } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import {
  type Answer,
  attributes,
  FAKE_OTEL,
  imageEnv,
  killAll,
  type OtlpSpan,
  otlpReceiver,
  renderRig,
  requests,
  requireDebianParts,
  serve,
} from './rig.js';

beforeAll(requireDebianParts, 30_000);
afterEach(killAll);

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('traces from gunicorn workers (generated config, test-double SDK)', () => {
  it('start in each worker after fork, one instance id per worker, flushed as recycled workers exit', {
    timeout: 60_000,
  }, async () => {
    const receiver = await otlpReceiver();
    servers.push(receiver.server);
    const rig = renderRig({
      tracing: true,
      instrumentors: [{ module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' }],
    });
    const env = imageEnv(rig, await freePort(), {
      PYTHONPATH: FAKE_OTEL,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Nothing leaves on the batch timer during the test: only the flush at worker_exit sends.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      // Nor at interpreter exit (the double's knob): what arrives was flushed by worker_exit.
      FAKE_OTEL_SKIP_ATEXIT: '1',
    });
    const server = await serve(rig, env, ['--max-requests', '10', '--max-requests-jitter', '0']);
    const answers: Answer[] = await requests(server.port, '/traced', 80, { sleep: 0.01 });
    const stopped = await server.stop();
    expect(stopped.exitCode, stopped.all).toBe(0);

    const workers = new Set(answers.map((answer) => answer.pid));
    expect(workers.size).toBeGreaterThan(4); // recycled
    expect(workers.has(server.pid)).toBe(false);
    for (const answer of answers) expect(answer.instrumented).toBe(true);

    // Every export is OTLP/HTTP JSON to /v1/traces, sent by a worker about that worker.
    expect(receiver.received.length).toBeGreaterThan(0);
    const spansById = new Map<
      string,
      { span: OtlpSpan; resource: Record<string, string>; sender: number }
    >();
    for (const request of receiver.received) {
      expect(request.path).toBe('/v1/traces');
      expect(request.contentType).toBe('application/json');
      expect(request.senderPid).not.toBe(server.pid);
      for (const { resource, scopeSpans } of request.body.resourceSpans) {
        const resourceAttributes = attributes(resource.attributes);
        expect(Number(resourceAttributes['process.pid'])).toBe(request.senderPid);
        for (const { spans } of scopeSpans) {
          for (const span of spans) {
            spansById.set(span.spanId, {
              span,
              resource: resourceAttributes,
              sender: request.senderPid,
            });
          }
        }
      }
    }

    // Each request's server span arrived, from the worker that served it.
    const instanceIds = new Map<number, string>();
    for (const answer of answers) {
      const found = spansById.get(answer.spanId ?? '');
      expect(found, `span of request ${answer.seq}`).toBeDefined();
      if (!found) continue;
      expect(found.span.traceId).toBe(answer.traceId);
      expect(found.span.name).toBe('GET /traced');
      expect(found.span.kind).toBe(2); // SPAN_KIND_SERVER
      expect(attributes(found.span.attributes)['test.seq']).toBe(String(answer.seq));
      expect(found.sender).toBe(answer.pid);
      expect(found.resource).toMatchObject({
        'service.name': 'sentiment',
        'service.version': '1.4.0',
        'dev.envgen.model': 'sentiment',
        'dev.envgen.torch': '2.5.1',
        'dev.envgen.cuda': 'cpu',
        'dev.envgen.python': '3.11',
        'process.pid': String(answer.pid),
      });
      instanceIds.set(answer.pid, found.resource['service.instance.id'] ?? '');
    }
    // One service.instance.id per worker, none shared, each naming the model.
    expect(instanceIds.size).toBe(workers.size);
    expect(new Set(instanceIds.values()).size).toBe(workers.size);
    for (const [pid, id] of instanceIds) expect(id).toMatch(new RegExp(`^sentiment-.+-${pid}$`));
    // Nothing else: no span from the master, none twice.
    const total = receiver.received.reduce(
      (sum, request) =>
        sum +
        request.body.resourceSpans.reduce(
          (inner, resource) =>
            inner + resource.scopeSpans.reduce((n, scope) => n + scope.spans.length, 0),
          0,
        ),
      0,
    );
    expect(total).toBe(answers.length + 1); // and the readiness probe's request
  });

  it('stays off in the workers when OTEL_TRACES_EXPORTER=none', { timeout: 60_000 }, async () => {
    const receiver = await otlpReceiver();
    servers.push(receiver.server);
    const rig = renderRig({
      tracing: true,
      instrumentors: [{ module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' }],
    });
    const env = imageEnv(rig, await freePort(), {
      PYTHONPATH: FAKE_OTEL,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    const server = await serve(rig, env);
    const answers = await requests(server.port, '/traced', 8);
    expect((await server.stop()).exitCode).toBe(0);
    for (const answer of answers) expect(answer.instrumented).toBe(false);
    expect(receiver.received).toEqual([]);
  });

  it('leaves a worker that cannot start tracing serving, saying why', {
    timeout: 60_000,
  }, async () => {
    const rig = renderRig({
      tracing: true,
      instrumentors: [{ module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' }],
    });
    // The test double has no gRPC exporter: the import fails in each worker.
    const env = imageEnv(rig, await freePort(), {
      PYTHONPATH: FAKE_OTEL,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    const server = await serve(rig, env);
    const answers = await requests(server.port, '/traced', 8);
    const stopped = await server.stop();
    expect(stopped.exitCode).toBe(0);
    expect(answers).toHaveLength(8);
    for (const answer of answers) expect(answer.instrumented).toBe(false);
    const said = stopped.all
      .split('\n')
      .filter((line) => line.startsWith('envgen-observe: tracing is off in worker'));
    expect(said.length).toBeGreaterThanOrEqual(4);
    expect(said[0]).toContain('opentelemetry.exporter.otlp.proto.grpc');
  });
});
