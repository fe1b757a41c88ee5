/**
 * The OBS rules beyond their examples: the Python scan (comments and docstrings are not code),
 * a correct setup laid out as envgen lays it out (a per-model gunicorn config importing a shared
 * module from a folder above, an entrypoint that empties the folder through a variable of its
 * own), each trap put back into it, OTLP endpoints of every shape, which Python files are
 * scanned, and the command line end to end.
 */
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/audit/catalogue.js';
import { kindOf } from '../../src/audit/discover.js';
import { auditTexts, type FileInput } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';
import { scanPython } from '../../src/audit/python-scan.js';
import { serverOf } from '../../src/spec/serve-command.js';
import { runEnvgen } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-dir.js';
import { countWork, growth } from '../helpers/work-counter.js';

function obs(files: Record<string, string>): string[] {
  const map = new Map(Object.entries(files));
  const inputs: FileInput[] = [...map].flatMap(([file, text]) => {
    const kind = kindOf(file, () => text);
    return kind ? [{ file, text, kind }] : [];
  });
  const others = CATALOGUE.filter((r) => !r.id.startsWith('OBS')).map((r) => r.id);
  return auditTexts(inputs, makeProject('/p', map), {
    ignore: others,
    severity: {},
    trustedRegistries: [],
  }).diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}`);
}

describe('the Python scan', () => {
  it('blanks comments and triple-quoted strings, keeps one-line strings and offsets', () => {
    const text =
      'x = "a # not a comment"  # a comment\n"""doc\npost_fork\n"""\ndef f():\n    return \'#\'\n';
    const scan = scanPython('m.py', text);
    expect(scan.code.length).toBe(text.length);
    expect(scan.code).toContain('"a # not a comment"');
    expect(scan.code).not.toContain('a comment\n');
    expect(scan.code).not.toContain('post_fork');
    expect(scan.defs.map((d) => [d.name, d.line])).toEqual([['f', 5]]);
  });

  it('finds the body of a def whose signature spans lines and closes at its indentation', () => {
    const scan = scanPython(
      'g.py',
      'def child_exit(\n    server,\n    worker,\n) -> None:\n    mark(worker.pid)\n\nworkers = 2\n',
    );
    const [def] = scan.defs;
    expect(def && scan.code.slice(def.start, def.end)).toBe('\n    mark(worker.pid)\n\n');
  });

  it('reads module-level assignments (annotated too), nested defs and imports with aliases', () => {
    const scan = scanPython(
      'c.py',
      'import envgen_observe as _o, os\nfrom .a import (b as c,\n  d)\nmax_requests: int = 100\n\ndef child_exit(server, worker):\n    def inner():\n        pass\n    x = 1\n\nworkers = 2\n',
    );
    expect(scan.assignments.map((a) => [a.name, a.value])).toEqual([
      ['max_requests', '100'],
      ['workers', '2'],
    ]);
    expect(scan.defs.map((d) => [d.name, d.indent])).toEqual([
      ['child_exit', 0],
      ['inner', 4],
    ]);
    const body = scan.code.slice(scan.defs[0]?.start, scan.defs[0]?.end);
    expect(body).toContain('x = 1');
    expect(body).not.toContain('workers');
    expect(scan.imports).toEqual([
      expect.objectContaining({
        module: '.a',
        names: [
          { name: 'b', as: 'c' },
          { name: 'd', as: 'd' },
        ],
      }),
      expect.objectContaining({ module: 'envgen_observe', as: '_o', names: [] }),
      expect.objectContaining({ module: 'os', names: [] }),
    ]);
  });
});

describe('the server a command starts', () => {
  it.each([
    [
      'uv run --with x opentelemetry-instrument --service_name=a gunicorn app:app',
      'gunicorn',
      true,
    ],
    ['conda run --no-capture-output -n svc python -m gunicorn -w 2 app:app', 'gunicorn', false],
    ['gosu app tini -- env A=1 /opt/env/bin/uvicorn main:app', 'uvicorn', false],
    [
      'opentelemetry-instrument --traces_exporter otlp python3.11 -m uvicorn main:app',
      'uvicorn',
      true,
    ],
    ['poetry run fastapi run --workers 4 main.py', 'fastapi', false],
    ['fastapi dev main.py', undefined, false],
    ['python app.py', undefined, false],
  ])('%s', (command, server, instrumented) => {
    const found = serverOf(command.split(' '));
    expect(found?.server).toBe(server);
    if (found) expect(found.instrumented).toBe(instrumented);
  });
});

/** A correct setup in envgen's layout, written for this test (not envgen's templates). */
const CORRECT: Record<string, string> = {
  'envs/sentiment/Dockerfile': [
    'FROM python:3.12-slim',
    'ENV PROMETHEUS_MULTIPROC_DIR=/tmp/svc-metrics \\',
    '    OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 \\',
    '    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
    'COPY envs/observe_shared.py envs/start-service /opt/svc/',
    'COPY envs/sentiment/gunicorn.conf.py /opt/svc/gunicorn.conf.py',
    'ENTRYPOINT ["/opt/svc/start-service"]',
    'CMD ["gunicorn", "-c", "/opt/svc/gunicorn.conf.py", "--max-requests", "1000", "app:app"]',
    '',
  ].join('\n'),
  'envs/start-service': [
    '#!/bin/sh',
    'set -eu',
    'folder=$PROMETHEUS_MULTIPROC_DIR',
    'mkdir -p -- "$folder"',
    'for old in "$folder"/*.db; do',
    '  rm -f -- "$old"',
    'done',
    'exec "$@"',
    '',
  ].join('\n'),
  'envs/sentiment/gunicorn.conf.py': [
    'import observe_shared as _shared',
    '',
    '',
    'def post_fork(server, worker):',
    '    _shared.begin_tracing("sentiment")',
    '',
    '',
    'def child_exit(server, worker):',
    '    _shared.forget(worker.pid)',
    '',
  ].join('\n'),
  'envs/observe_shared.py': [
    'import os',
    '',
    '',
    'def begin_tracing(model):',
    '    from opentelemetry.sdk.trace import TracerProvider',
    '    return TracerProvider()',
    '',
    '',
    'def forget(pid):',
    '    from prometheus_client import multiprocess',
    '    multiprocess.mark_process_dead(pid)',
    '    _fold(pid)',
    '',
    '',
    'def _fold(pid):',
    '    for name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):',
    '        if name.endswith(f"_{pid}.db"):',
    '            _drop(name)',
    '',
    '',
    'def _drop(name):',
    '    os.replace(name, name + ".old")',
    '',
  ].join('\n'),
};

describe('a correct setup, and each trap put back', () => {
  it('a gunicorn config in a model folder, a shared module above it, an entrypoint: no finding', () => {
    expect(obs(CORRECT)).toEqual([]);
  });

  it('opentelemetry-instrument in front, and post_fork that only logs: OBS001', () => {
    const files = {
      ...CORRECT,
      'envs/sentiment/Dockerfile': (CORRECT['envs/sentiment/Dockerfile'] as string).replace(
        'CMD ["gunicorn",',
        'CMD ["opentelemetry-instrument", "gunicorn",',
      ),
      'envs/sentiment/gunicorn.conf.py': (
        CORRECT['envs/sentiment/gunicorn.conf.py'] as string
      ).replace('_shared.begin_tracing("sentiment")', 'server.log.info("forked %s", worker.pid)'),
    };
    expect(obs(files)).toEqual(['OBS001 envs/sentiment/Dockerfile:8']);
  });

  it('the entrypoint no longer empties the folder: OBS002 at the ENV', () => {
    const files = {
      ...CORRECT,
      'envs/start-service': '#!/bin/sh\nmkdir -p "$PROMETHEUS_MULTIPROC_DIR"\nexec "$@"\n',
    };
    expect(obs(files)).toEqual(['OBS002 envs/sentiment/Dockerfile:2']);
  });

  it("a gunicorn config's on_starting that empties the folder counts; one that only makes it does not", () => {
    const image =
      'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n';
    const config = (body: string) =>
      `import os\nimport shutil\n\n\ndef on_starting(server):\n    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]\n${body}`;
    expect(
      obs({
        Dockerfile: image,
        'gunicorn.conf.py': config('    shutil.rmtree(path, ignore_errors=True)\n'),
      }),
    ).toEqual([]);
    expect(
      obs({
        Dockerfile: image,
        'gunicorn.conf.py': config('    os.makedirs(path, exist_ok=True)\n'),
      }),
    ).toEqual(['OBS002 Dockerfile:2']);
    // child_exit's removals are a dead worker's files, not the folder emptied at start.
    expect(
      obs({
        Dockerfile: image,
        'gunicorn.conf.py':
          'import os\n\n\ndef child_exit(server, worker):\n    os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], f"counter_{worker.pid}.db"))\n',
      }),
    ).toEqual(['OBS002 Dockerfile:2']);
  });

  it('the sweep gone from child_exit: OBS004 at --max-requests', () => {
    const files = {
      ...CORRECT,
      'envs/observe_shared.py': (CORRECT['envs/observe_shared.py'] as string).replace(
        '    _fold(pid)\n',
        '',
      ),
    };
    expect(obs(files)).toEqual(['OBS004 envs/sentiment/Dockerfile:8']);
  });

  it('the endpoint on the gRPC port with http/protobuf: OBS005', () => {
    const files = {
      ...CORRECT,
      'envs/sentiment/Dockerfile': (CORRECT['envs/sentiment/Dockerfile'] as string).replace(
        ':4318',
        ':4317',
      ),
    };
    expect(obs(files)).toEqual(['OBS005 envs/sentiment/Dockerfile:3']);
  });
});

describe('OTLP endpoints', () => {
  const dockerfile = (endpoint: string, protocol?: string) => ({
    Dockerfile: `FROM python:3.12-slim\nENV OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\n${protocol ? `ENV OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}\n` : ''}`,
  });

  it.each([
    ['http://[::1]:4318', undefined, ['OBS005 Dockerfile:2']],
    ['[::1]:4317', undefined, []],
    ['grpc-collector:4317', 'http/protobuf', ['OBS005 Dockerfile:2']],
    ['https://collector.example.com/otlp', 'grpc', []],
    ['http://collector:43180', 'grpc', []],
    ['http://collector:4318/v1/traces', 'http/json', []],
  ])('%s with protocol %s', (endpoint, protocol, expected) => {
    expect(obs(dockerfile(endpoint, protocol))).toEqual(expected);
  });

  it('two exporter flavours imported: the default (grpc) applies', () => {
    expect(
      obs({
        ...dockerfile('http://collector:4318'),
        'a.py':
          'from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter\n',
        'b.py':
          'from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n',
      }),
    ).toEqual(['OBS005 Dockerfile:2']);
  });
});

describe('what is scanned', () => {
  it('scans only the Python files that name what the rules look for', () => {
    const project = makeProject(
      '/p',
      new Map([
        ['app/views.py', 'def index():\n    return "post fork"\n'],
        ['app/metrics.py', 'import os\nos.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/m"\n'],
        ['gunicorn.conf.py', 'def child_exit(server, worker):\n    pass\n'],
        ['README.md', 'PROMETHEUS_MULTIPROC_DIR'],
      ]),
    );
    expect(project.pythonFiles().map((s) => s.file)).toEqual([
      'app/metrics.py',
      'gunicorn.conf.py',
    ]);
  });

  it('audits a Python file only when the rules can report in it', () => {
    expect(kindOf('gunicorn.conf.py', () => 'max_requests = 10\n')).toBe('python');
    expect(kindOf('app/metrics.py', () => 'PROMETHEUS_MULTIPROC_DIR')).toBe('python');
    expect(kindOf('app/views.py', () => 'def index():\n    pass\n')).toBeUndefined();
  });
});

describe('envgen audit with the OBS rules', () => {
  // A start-up script is read whatever its name says of it: `run.sh`, or `start-service` with
  // no extension (the command line read only `*.sh` and `*entrypoint*` and missed both findings).
  it.each(['docker/run.sh', 'docker/start-service'])(
    'finds the Python files, the script (%s) and the Dockerfile of a repository',
    async (script) => {
      const dir = tmpDir({
        Dockerfile: `FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT ["/app/${script}"]\nCMD ["gunicorn", "app:app"]\n`,
        [script]: '#!/bin/sh\nexec opentelemetry-instrument "$@"\n',
        'app/settings.py':
          'import os\nos.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/m")\n',
      });
      const result = await runEnvgen(['audit', '--only', 'OBS001,OBS002', '--json'], { cwd: dir });
      const found = (
        JSON.parse(result.stdout) as {
          diagnostics: { ruleId: string; file: string; line: number }[];
        }
      ).diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}`);
      expect(found).toEqual(['OBS002 app/settings.py:2', 'OBS001 Dockerfile:4']);
      expect(result.exitCode).toBe(1);
    },
  );

  it("reads no option from a script's comment: `# later: -c hooks.py` is no config gunicorn reads", async () => {
    const dir = tmpDir({
      Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT ["/app/docker/run.sh"]\n',
      'docker/run.sh':
        '#!/bin/sh\nexec opentelemetry-instrument gunicorn app:app  # later: -c otel_hooks.py\n',
      'otel_hooks.py':
        'from opentelemetry.sdk.trace import TracerProvider\ndef post_fork(server, worker):\n    TracerProvider()\n',
    });
    const result = await runEnvgen(['audit', '--only', 'OBS001', '--json'], { cwd: dir });
    const found = (
      JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; line: number }[] }
    ).diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}`);
    expect(found).toEqual(['OBS001 Dockerfile:3']);
  });

  // `observe:` with metrics and tracing off writes no hooks, so the spec's own command is what
  // runs: it is judged as if `observe:` were not there.
  it.each([
    ['no observe:', ''],
    ['observe: with both off', '    observe: {metrics: none, tracing: none}\n'],
  ])('judges the serve command of a spec model with %s', async (_, observe) => {
    const dir = tmpDir({
      'envgen.yaml': `version: 1\nmodels:\n  m:\n    torch: "2.4"\n    cuda: cpu\n    serve:\n      command: [opentelemetry-instrument, gunicorn, -w, "4", app:app]\n      port: 8000\n${observe}`,
    });
    const result = await runEnvgen(['audit', '--only', 'OBS001', '--json'], { cwd: dir });
    const found = (
      JSON.parse(result.stdout) as { diagnostics: { ruleId: string; file: string; line: number }[] }
    ).diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}`);
    expect(found).toEqual(['OBS001 envgen.yaml:7']);
  });

  it('takes a Python file named with --kind python, and lists the OBS rules with their targets', async () => {
    const dir = tmpDir({
      'settings.txt': 'import os\nos.putenv("PROMETHEUS_MULTIPROC_DIR", "/m")\n',
    });
    const named = await runEnvgen(['audit', 'settings.txt', '--kind', 'python', '--json'], {
      cwd: dir,
    });
    expect(
      (JSON.parse(named.stdout) as { diagnostics: { ruleId: string }[] }).diagnostics.map(
        (d) => d.ruleId,
      ),
    ).toEqual(['OBS002']);
    const list = await runEnvgen(['audit', '--list', '--json'], { cwd: dir });
    const rules = (JSON.parse(list.stdout) as { rules: { id: string; targets: string[] }[] }).rules;
    expect(rules.find((r) => r.id === 'OBS004')?.targets).toEqual(['python', 'dockerfile', 'spec']);
  });
});

describe('the OBS rules do work in proportion to their input', () => {
  /** Linear work grows 4x for 4x the input; quadratic, 16x. */
  const LINEAR = 5;
  const MULTIPROC_IMAGE =
    'FROM python:3.12-slim\nENV PROMETHEUS_MULTIPROC_DIR=/tmp/m\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\nCMD ["gunicorn", "-c", "gunicorn.conf.py", "app:app"]\n';

  async function work(files: Record<string, string>, target: string) {
    const dir = tmpDir(files);
    let result: Awaited<ReturnType<typeof runEnvgen>> | undefined;
    const counted = await countWork(async () => {
      result = await runEnvgen(['audit', target, '--format', 'json', '--only', 'OBS002,OBS004'], {
        cwd: dir,
      });
    });
    const diagnostics = JSON.parse(result?.stdout ?? '{}').diagnostics as { ruleId: string }[];
    return { counted, diagnostics };
  }

  it.each([
    [
      'a gunicorn config whose child_exit calls n functions of its own (black-style signatures)',
      (n: number) =>
        `from prometheus_client import multiprocess\n\nmax_requests = 10\n\n\ndef child_exit(\n    server,\n    worker,\n):\n    multiprocess.mark_process_dead(worker.pid)\n${Array.from({ length: n }, (_, i) => `    f${i}(worker)\n`).join('')}\n\ndef helper(*args):\n    return None\n\n\n${Array.from(
          { length: n },
          (_, i) => `def f${i}(\n    worker,\n):\n    helper(worker)\n    helper(f${i})\n\n`,
        ).join('')}`,
      'gunicorn.conf.py',
      1,
    ],
    [
      'a module of n writes of the multiprocess folder',
      (n: number) =>
        'import os\n'.concat('os.environ["PROMETHEUS_MULTIPROC_DIR"] = "/tmp/m"\n'.repeat(n)),
      'app.py',
      undefined,
    ],
  ] as const)('%s', async (_name, text, file, findings) => {
    const small = await work(
      { Dockerfile: MULTIPROC_IMAGE, 'start.sh': 'exec "$@"\n', [file]: text(150) },
      file,
    );
    const large = await work(
      { Dockerfile: MULTIPROC_IMAGE, 'start.sh': 'exec "$@"\n', [file]: text(600) },
      file,
    );
    if (findings !== undefined) expect(large.diagnostics.length).toBe(findings);
    else expect(large.diagnostics.length).toBe(4 * small.diagnostics.length);
    expect(growth(small.counted, large.counted)).toBeLessThan(LINEAR);
  });

  it('an entrypoint script of n lines', async () => {
    const script = (n: number) =>
      `#!/bin/sh\n${'echo starting && mkdir -p /tmp/x\n'.repeat(n)}exec "$@"\n`;
    const small = await work(
      { Dockerfile: MULTIPROC_IMAGE, 'start.sh': script(150) },
      'Dockerfile',
    );
    const large = await work(
      { Dockerfile: MULTIPROC_IMAGE, 'start.sh': script(600) },
      'Dockerfile',
    );
    expect(large.diagnostics.map((d) => d.ruleId)).toEqual(['OBS002']);
    expect(growth(small.counted, large.counted)).toBeLessThan(LINEAR);
  });
});
