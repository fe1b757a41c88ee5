/**
 * observe: in the rendered files: which files are planned, the runtime stage's ENV, COPY,
 * ENTRYPOINT, CMD and EXPOSE (read back with a real Dockerfile parser), the gunicorn command
 * rewriting and the gunicorn config's context. The content of the runtime templates themselves
 * (O3's) is not asserted here.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../src/compat/resolve-spec.js';
import { compatTable } from '../../src/compat/table.js';
import type { GunicornConfView } from '../../src/render/observe-view.js';
import { type PlannedFile, renderPlan } from '../../src/render/plan.js';
import type { Render } from '../../src/render/templates.js';
import { templates } from '../../src/render/templates.js';
import { parseSpecText } from '../../src/spec/load-spec.js';

/** Renders the spec, recording the context each template got. */
function plan(
  specText: string,
  rootGunicornConfig = false,
): { files: PlannedFile[]; views: Map<string, object[]> } {
  const loaded = parseSpecText(specText, 'envgen.yaml');
  const { models, problems } = resolveSpec(compatTable(), loaded, Object.keys(loaded.spec.models));
  expect(problems).toEqual([]);
  const views = new Map<string, object[]>();
  const real = templates();
  const recording: Render = (name, context) => {
    views.set(name, [...(views.get(name) ?? []), context]);
    return real(name, context);
  };
  const files = renderPlan(
    {
      specFile: 'envgen.yaml',
      spec: loaded.spec,
      models,
      version: '0.0.0-test',
      rootGunicornConfig,
    },
    recording,
  );
  return { files, views };
}

const spec = (serve: string, observe: string, extra = ''): string =>
  `version: 1\nmodels:\n  svc:\n    torch: "2.4"\n    python: "3.11"\n    cuda: "12.1"\n    source: pip\n${extra}    serve:\n${serve}    observe:\n${observe}`;

/** A literal `$` before `{`: Docker and bake variables, not template placeholders. */
const DOLLAR = '$';
const GUNICORN = '      command: [gunicorn, -b, "0.0.0.0:8080", app:app]\n      port: 8080\n';
const BOTH = '      metrics: prometheus\n      tracing: otlp\n';

interface RuntimeStage {
  env: Record<string, string>;
  copies: string[];
  exposes: string[];
  entrypoint: string[] | null;
  cmd: string[];
  args: string[];
}

function runtimeStage(files: PlannedFile[], path = 'envs/svc/Dockerfile'): RuntimeStage {
  const text = files.find((f) => f.path === path)?.content ?? '';
  const instructions = DockerfileParser.parse(text).getInstructions();
  const from = instructions.findLastIndex((i) => i.getKeyword() === 'FROM');
  const stage = instructions.slice(from);
  const env: Record<string, string> = {};
  for (const instruction of stage.filter((i) => i.getKeyword() === 'ENV')) {
    for (const property of (
      instruction as unknown as {
        getProperties(): { getName(): string; getValue(): string | null }[];
      }
    ).getProperties()) {
      env[property.getName()] = property.getValue() ?? '';
    }
  }
  const args = (keyword: string) =>
    stage.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
  const json = (keyword: string): string[] | null => {
    const found = args(keyword).at(-1);
    return found === undefined ? null : (JSON.parse(found) as string[]);
  };
  return {
    env,
    copies: args('COPY'),
    exposes: args('EXPOSE'),
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD') ?? [],
    args: args('ARG'),
  };
}

describe('a gunicorn model with metrics and traces', () => {
  const { files, views } = plan(spec(GUNICORN, BOTH, '    conda: [flask]\n'));
  const stage = runtimeStage(files);

  it('plans its gunicorn config and the shared runtime files', () => {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'envs/svc/gunicorn.conf.py',
        'envs/envgen_observe.py',
        'envs/envgen-observe',
      ]),
    );
    expect(files.find((f) => f.path === 'envs/svc/gunicorn.conf.py')?.owner).toBe('svc');
  });

  it('gives the gunicorn config the view of the design', () => {
    const [view] = (views.get('gunicorn.conf.py') ?? []) as GunicornConfView[];
    expect(view).toEqual({
      header: expect.stringContaining('envgen-hash'),
      model: 'svc',
      metrics: true,
      tracing: true,
      instrumentors: [{ module: 'opentelemetry.instrumentation.flask', name: 'FlaskInstrumentor' }],
      userConfig: false,
    });
    expect(views.get('envgen_observe.py')).toEqual([{ header: expect.any(String) }]);
    expect(views.get('envgen-observe.sh')).toEqual([{ header: expect.any(String) }]);
  });

  it('sets the OTel and Prometheus environment, resource attributes from the resolved pins', () => {
    expect(stage.env).toMatchObject({
      OTEL_SERVICE_NAME: 'svc',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      PROMETHEUS_MULTIPROC_DIR: '/tmp/envgen-metrics',
      ENVGEN_METRICS_PORT: '9464',
    });
    const attributes = Object.fromEntries(
      (stage.env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',').map((kv) => kv.split('=')),
    );
    expect(attributes).toEqual({
      'service.version': `${DOLLAR}{ENVGEN_IMAGE_TAG}`,
      'dev.envgen.model': 'svc',
      'dev.envgen.torch': expect.stringMatching(/^2\.4\.\d+$/),
      'dev.envgen.cuda': '12.1',
      'dev.envgen.python': '3.11',
    });
    expect(stage.args).toEqual(['ENVGEN_IMAGE_TAG=latest']);
    // No endpoint, sampler or sidecar unless asked for.
    expect(stage.env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(stage.env).not.toHaveProperty('OTEL_TRACES_SAMPLER');
    expect(stage.env).not.toHaveProperty('ENVGEN_METRICS_SIDECAR');
  });

  it('copies the runtime files to /opt/envgen, the entrypoint executable', () => {
    expect(stage.copies).toEqual(
      expect.arrayContaining([
        'envs/envgen_observe.py /opt/envgen/envgen_observe.py',
        'envs/envgen-observe /opt/envgen/envgen-observe',
        'envs/svc/gunicorn.conf.py /opt/envgen/gunicorn.conf.py',
      ]),
    );
  });

  it('makes the entrypoint executable', () => {
    const text = files.find((f) => f.path === 'envs/svc/Dockerfile')?.content ?? '';
    expect(text).toMatch(/^COPY --chmod=0755 envs\/envgen-observe \/opt\/envgen\/envgen-observe$/m);
  });

  it('enters through envgen-observe and runs gunicorn with the generated config', () => {
    expect(stage.entrypoint).toEqual(['/opt/envgen/envgen-observe']);
    expect(stage.cmd).toEqual([
      '/opt/env/bin/gunicorn',
      '-c',
      '/opt/envgen/gunicorn.conf.py',
      '-b',
      '0.0.0.0:8080',
      'app:app',
    ]);
    expect(stage.exposes).toEqual(['8080', '9464']);
  });

  it('passes the image tag from docker-bake.hcl', () => {
    const bake = files.find((f) => f.path === 'docker-bake.hcl')?.content ?? '';
    expect(bake).toContain(`args       = { ENVGEN_IMAGE_TAG = "${DOLLAR}{TAG}" }`);
  });
});

describe("the user's own gunicorn config", () => {
  it.each([
    ['-c, conf/gunicorn.py', '/app/conf/gunicorn.py'],
    ['"--config=/etc/gunicorn.py"', '/etc/gunicorn.py'],
    ['--config, ./g.py', '/app/g.py'],
  ])('%s: moved out of the command into userConfig', (flag, userConfig) => {
    const serve = `      command: [gunicorn, ${flag}, app:app]\n`;
    const { files, views } = plan(spec(serve, BOTH));
    const [view] = (views.get('gunicorn.conf.py') ?? []) as GunicornConfView[];
    expect(view?.userConfig).toBe(userConfig);
    expect(runtimeStage(files).cmd).toEqual([
      '/opt/env/bin/gunicorn',
      '-c',
      '/opt/envgen/gunicorn.conf.py',
      'app:app',
    ]);
  });

  it("is the repo root's gunicorn.conf.py when the command has none (gunicorn reads it by default)", () => {
    const { views } = plan(spec(GUNICORN, BOTH), true);
    const [view] = (views.get('gunicorn.conf.py') ?? []) as GunicornConfView[];
    expect(view?.userConfig).toBe('/app/gunicorn.conf.py');
  });

  it('inserts -c after the module with python -m gunicorn', () => {
    const serve = '      command: [python, -m, gunicorn, app:app]\n';
    expect(runtimeStage(plan(spec(serve, BOTH)).files).cmd).toEqual([
      '/opt/env/bin/python',
      '-m',
      'gunicorn',
      '-c',
      '/opt/envgen/gunicorn.conf.py',
      'app:app',
    ]);
  });
});

describe('uvicorn (spawned workers)', () => {
  const serve =
    '      command: [uvicorn, app:app, --workers, "4", --port, "8000"]\n      port: 8000\n';
  const { files, views } = plan(spec(serve, BOTH, '    pip: [fastapi]\n'));
  const stage = runtimeStage(files);

  it('runs under opentelemetry-instrument, with the metrics sidecar and no gunicorn config', () => {
    expect(stage.cmd).toEqual([
      '/opt/env/bin/opentelemetry-instrument',
      '/opt/env/bin/uvicorn',
      'app:app',
      '--workers',
      '4',
      '--port',
      '8000',
    ]);
    expect(stage.env.ENVGEN_METRICS_SIDECAR).toBe('1');
    expect(views.get('gunicorn.conf.py')).toBeUndefined();
    expect(files.map((f) => f.path)).not.toContain('envs/svc/gunicorn.conf.py');
    expect(stage.entrypoint).toEqual(['/opt/envgen/envgen-observe']);
  });

  it('without tracing, runs uvicorn itself', () => {
    const metricsOnly = runtimeStage(plan(spec(serve, '      metrics: prometheus\n')).files);
    expect(metricsOnly.cmd[0]).toBe('/opt/env/bin/uvicorn');
    expect(metricsOnly.env.OTEL_TRACES_EXPORTER).toBe('none');
  });
});

describe('settings that reach the environment', () => {
  it('endpoint, protocol, sampler and metrics port', () => {
    const observe =
      '      metrics: prometheus\n      tracing: otlp\n      endpoint: "http://otel-collector:4317"\n      protocol: grpc\n      sampler: parentbased_traceidratio:0.25\n      metricsPort: 9100\n';
    const stage = runtimeStage(plan(spec(GUNICORN, observe)).files);
    expect(stage.env).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      ENVGEN_METRICS_PORT: '9100',
    });
    expect(stage.exposes).toEqual(['8080', '9100']);
  });

  it('a sampler without a ratio sets no OTEL_TRACES_SAMPLER_ARG', () => {
    const observe = '      tracing: otlp\n      sampler: always_on\n';
    const stage = runtimeStage(plan(spec(GUNICORN, observe)).files);
    expect(stage.env.OTEL_TRACES_SAMPLER).toBe('always_on');
    expect(stage.env).not.toHaveProperty('OTEL_TRACES_SAMPLER_ARG');
    expect(stage.env).not.toHaveProperty('PROMETHEUS_MULTIPROC_DIR');
    expect(stage.exposes).toEqual(['8080']);
  });
});

describe('without observe:', () => {
  it('plans no runtime files and keeps the Dockerfile as before', () => {
    const { files, views } = plan(
      'version: 1\nmodels:\n  svc:\n    torch: "2.4"\n    python: "3.11"\n    cuda: "12.1"\n    serve:\n      command: [gunicorn, app:app]\n',
    );
    expect(files.map((f) => f.path).filter((p) => /observe|gunicorn\.conf/.test(p))).toEqual([]);
    expect(views.get('gunicorn.conf.py')).toBeUndefined();
    const stage = runtimeStage(files);
    expect(stage.entrypoint).toBeNull();
    expect(stage.cmd).toEqual(['/opt/env/bin/gunicorn', 'app:app']);
    expect(Object.keys(stage.env).filter((k) => k.startsWith('OTEL'))).toEqual([]);
    expect(files.find((f) => f.path === 'docker-bake.hcl')?.content).not.toContain('args');
  });
});
