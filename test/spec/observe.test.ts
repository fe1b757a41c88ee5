/**
 * `observe:` in envgen.yaml: the schema's checks, the checks beyond it (spec/observe), the merge
 * of defaults key by key, and the server a serve command starts.
 */
import { describe, expect, it } from 'vitest';
import { type Problem, UserError } from '../../src/problem.js';
import { parseSpecText } from '../../src/spec/load-spec.js';
import { observeSettings, serveCommand, withoutGunicornConfig } from '../../src/spec/observe.js';

function problemsOf(text: string): Problem[] {
  try {
    parseSpecText(text, 'envgen.yaml');
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

const SERVED = `    serve:
      command: [gunicorn, -b, "0.0.0.0:8080", app:app]
      port: 8080
`;

/** A spec with one model `m`, served on 8080, whose `observe:` block is `observe` (6 spaces in). */
const withObserve = (observe: string, extra = ''): string =>
  `version: 1\n${extra}models:\n  m:\n${SERVED}    observe:\n${observe}`;

describe('observe: beyond the schema (spec/observe)', () => {
  it('refuses a metrics port equal to serve.port, at the metricsPort line', () => {
    const problems = problemsOf(
      withObserve('      metrics: prometheus\n      metricsPort: 8080\n'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ ruleId: 'spec/observe', file: 'envgen.yaml', line: 9 });
    expect(problems[0]?.fix).toContain('9464');
  });

  it('refuses serve.port 9464 against the default metrics port, at serve.port', () => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: [gunicorn, app:app]\n      port: 9464\n    observe:\n      metrics: prometheus\n`;
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 6]]);
    expect(problems[0]?.fix).toContain('9465');
  });

  it('takes serve.port 9464 when only traces are on (no metrics endpoint)', () => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: [gunicorn, app:app]\n      port: 9464\n    observe:\n      tracing: otlp\n`;
    expect(() => parseSpecText(text, 'envgen.yaml')).not.toThrow();
  });

  it.each([
    ['[opentelemetry-instrument, gunicorn, app:app]', 'opentelemetry-instrument'],
    ['[poetry, run, gunicorn, app:app]', '["gunicorn", "app:app"]'],
    ['[env, A=1, uvicorn, app:app]', '["uvicorn", "app:app"]'],
  ])('refuses serve.command %s with observe:, at the command', (command, inFix) => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: ${command}\n    observe:\n      tracing: otlp\n`;
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 5]]);
    expect(problems[0]?.fix).toContain(inFix);
  });

  it('takes python -m gunicorn with observe: (no wrapper)', () => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: [python, -m, gunicorn, app:app]\n    observe:\n      tracing: otlp\n`;
    expect(() => parseSpecText(text, 'envgen.yaml')).not.toThrow();
  });

  it('refuses a ratio on a sampler that takes none', () => {
    const problems = problemsOf(withObserve('      tracing: otlp\n      sampler: always_on:0.5\n'));
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 9]]);
    expect(problems[0]?.fix).toContain('parentbased_traceidratio:0.5');
  });

  it('refuses an unknown sampler with the nearest built-in', () => {
    const problems = problemsOf(
      withObserve('      tracing: otlp\n      sampler: parentbased_alwayson\n'),
    );
    expect(problems.map((p) => p.ruleId)).toEqual(['spec/observe']);
    expect(problems[0]?.fix).toContain("'parentbased_always_on'");
  });

  it.each(['1.5', 'half', '-0.1'])('refuses the ratio %s', (ratio) => {
    const problems = problemsOf(
      withObserve(`      tracing: otlp\n      sampler: traceidratio:${ratio}\n`),
    );
    expect(problems.map((p) => p.ruleId)).toEqual(['spec/observe']);
  });

  it.each(['0', '0.25', '1', '1.0'])('takes traceidratio:%s', (ratio) => {
    const loaded = parseSpecText(
      withObserve(`      tracing: otlp\n      sampler: traceidratio:${ratio}\n`),
      'envgen.yaml',
    );
    const model = loaded.spec.models.m;
    expect(model && observeSettings(model, undefined)?.sampler).toEqual({
      name: 'traceidratio',
      ratio,
    });
  });

  it('checks the sampler of defaults too, at its own line', () => {
    const text = `version: 1\ndefaults:\n  observe:\n    sampler: always_off:1\nmodels:\n  m: {}\n`;
    expect(problemsOf(text).map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 4]]);
  });

  it('refuses observe: on a bundled model, also when it comes from defaults', () => {
    const text = `version: 1\ndefaults:\n  observe:\n    metrics: prometheus\nmodels:\n  a: {}\n  b:\n    observe:\n      metrics: none\nbundles:\n  both: [a, b]\n`;
    const problems = problemsOf(text);
    // b turns observing off; a inherits it from defaults and is refused at its own line.
    expect(problems.map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 6]]);
  });

  it('refuses a gunicorn config given as python:module (the generated one loads a file)', () => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: [gunicorn, -c, "python:app.conf", app:app]\n    observe:\n      tracing: otlp\n`;
    expect(problemsOf(text).map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 5]]);
  });

  it('refuses a gunicorn config path that cannot be written as a plain string', () => {
    const text = `version: 1\nmodels:\n  m:\n    serve:\n      command: [gunicorn, "--config=my conf'.py", app:app]\n    observe:\n      metrics: prometheus\n`;
    expect(problemsOf(text).map((p) => [p.ruleId, p.line])).toEqual([['spec/observe', 5]]);
  });
});

describe('observe: in the schema', () => {
  it.each([
    ['endpoint: otel-collector:4318', 'endpoint'],
    ['endpoint: "ftp://collector:4318"', 'endpoint'],
    ['endpoint: "http://collector:4318/?token=x"', 'endpoint'],
    ['protocol: http/json', 'protocol'],
    ['metrics: statsd', 'metrics'],
    ['metricsPort: 70000', 'metricsPort'],
    ['tracing: jaeger', 'tracing'],
    ['traces: otlp', 'traces'],
  ])('refuses %s with the line and what is accepted', (line, key) => {
    const problems = problemsOf(withObserve(`      ${line}\n`));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.ruleId).toMatch(/^spec\//);
    expect(problems[0]?.line).toBe(8);
    expect(`${problems[0]?.message} ${problems[0]?.fix}`).toContain(key);
  });
});

describe('observeSettings: defaults, key by key', () => {
  const spec = parseSpecText(
    `version: 1\ndefaults:\n  observe:\n    metrics: prometheus\n    tracing: otlp\n    endpoint: "http://collector:4318"\nmodels:\n  plain: {}\n  grpc:\n    observe:\n      protocol: grpc\n      endpoint: "http://collector:4317"\n  off:\n    observe:\n      metrics: none\n      tracing: none\n`,
    'envgen.yaml',
  ).spec;

  it('gives a model without observe: the defaults, with the documented defaults filled in', () => {
    expect(observeSettings(spec.models.plain ?? {}, spec.defaults)).toEqual({
      metrics: 'prometheus',
      tracing: 'otlp',
      endpoint: 'http://collector:4318',
      protocol: 'http/protobuf',
      metricsPort: 9464,
      sampler: null,
    });
  });

  it("overrides defaults' keys one by one", () => {
    expect(observeSettings(spec.models.grpc ?? {}, spec.defaults)).toMatchObject({
      metrics: 'prometheus',
      tracing: 'otlp',
      protocol: 'grpc',
      endpoint: 'http://collector:4317',
    });
  });

  it('turns observing off with metrics: none and tracing: none', () => {
    expect(observeSettings(spec.models.off ?? {}, spec.defaults)).toBeUndefined();
  });

  it('is undefined without observe: anywhere', () => {
    expect(observeSettings({}, {})).toBeUndefined();
  });
});

describe('serveCommand and the gunicorn config argument', () => {
  it.each([
    [['gunicorn', 'app:app'], 'gunicorn', 0, false],
    [
      ['/opt/env/bin/gunicorn', '-k', 'uvicorn.workers.UvicornWorker', 'app:app'],
      'gunicorn',
      0,
      true,
    ],
    [['gunicorn', '--worker-class=uvicorn_worker.UvicornWorker', 'app:app'], 'gunicorn', 0, true],
    [['python', '-m', 'gunicorn', 'app:app'], 'gunicorn', 2, false],
    [['python3.11', '-m', 'uvicorn', 'app:app'], 'uvicorn', 2, false],
    [['uvicorn', '--workers', '4', 'app:app'], 'uvicorn', 0, false],
    [['python', 'serve.py'], 'other', 0, false],
    [['torchserve', '--start'], 'other', 0, false],
  ] as const)('%j is %s', (command, server, at, asgiWorker) => {
    expect(serveCommand(command)).toEqual({
      server,
      at,
      asgiWorker,
      wrapped: false,
      instrumented: false,
    });
  });

  // The server behind wrappers, found as the OBS rules find it: observe: refuses these
  // (spec/observe) rather than prefixing a second opentelemetry-instrument or leaving gunicorn
  // without its post_fork config.
  it.each([
    [['poetry', 'run', 'gunicorn', 'app:app'], 'gunicorn', 2, true, false],
    [['env', 'A=1', 'uvicorn', 'app:app'], 'uvicorn', 2, true, false],
    [['opentelemetry-instrument', 'gunicorn', 'app:app'], 'gunicorn', 1, true, true],
    [
      ['opentelemetry-instrument', '--traces_exporter', 'otlp', 'python', 'serve.py'],
      'other',
      0,
      false,
      true,
    ],
  ] as const)('%j: %s behind a wrapper', (command, server, at, wrapped, instrumented) => {
    expect(serveCommand(command)).toMatchObject({ server, at, wrapped, instrumented });
  });

  it.each([
    [['gunicorn', '-c', 'conf.py', 'app:app'], 'conf.py'],
    [['gunicorn', '--config', 'etc/g.py', 'app:app'], 'etc/g.py'],
    [['gunicorn', '--config=/srv/g.py', 'app:app'], '/srv/g.py'],
    [['gunicorn', '-cconf.py', 'app:app'], 'conf.py'],
    [['gunicorn', '-b', '0.0.0.0:80', 'app:app'], null],
  ])('takes the config out of %j', (command, config) => {
    const out = withoutGunicornConfig(command, 0);
    expect(out.config).toBe(config);
    expect(out.command.filter((a) => a.includes('conf') || a.includes('g.py'))).toEqual([]);
    expect(out.command.at(-1)).toBe('app:app');
  });
});
