/**
 * The OBS rules on real files (fixtures/obs-audit/*, each with its SOURCE): every file of a
 * fixture is the project, every file audit would pick is audited, and the findings are the ones
 * decided by reading the files (written in each SOURCE).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/audit/catalogue.js';
import { kindOf } from '../../src/audit/discover.js';
import { auditTexts, type FileInput } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';

const ROOT = new URL('../../fixtures/obs-audit/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function filesOf(dir: string): Map<string, string> {
  return new Map(
    filesUnder(dir)
      .filter((path) => !path.endsWith('/SOURCE'))
      .map((path) => [relative(dir, path), readFileSync(path, 'utf8')] as const),
  );
}

function diagnosticsOf(name: string) {
  return obsDiagnostics(filesOf(join(ROOT, name)));
}

function obsDiagnostics(files: Map<string, string>) {
  const inputs: FileInput[] = [...files].flatMap(([file, text]) => {
    const kind = kindOf(file, () => text);
    return kind ? [{ file, text, kind }] : [];
  });
  const others = CATALOGUE.filter((r) => !r.id.startsWith('OBS')).map((r) => r.id);
  const { diagnostics } = auditTexts(inputs, makeProject('/fixture', files), {
    ignore: others,
    severity: {},
    trustedRegistries: [],
  });
  return diagnostics;
}

function auditFixture(name: string): string[] {
  return diagnosticsOf(name).map((d) => `${d.ruleId} ${d.file}:${d.line}:${d.column}`);
}

describe('OBS rules on real repositories', () => {
  it.each([
    ['metadata-service-otel', ['OBS001 Dockerfile:46:1']],
    ['mcim-gunicorn-config', ['OBS002 scripts/gunicorn_config.py:12:1']],
    ['tribble-tracker', ['OBS002 Dockerfile:11:5']],
    ['flask-exporter-gunicorn-internal', ['OBS002 examples/gunicorn-internal/Dockerfile:12:5']],
    ['mp-rec-ocr', ['OBS002 prometheus_def.py:4:1']],
    ['computehorde-child-exit', []],
    ['signoz-fastapi-uvicorn', []],
  ])('%s', (name, expected) => {
    expect(auditFixture(name)).toEqual(expected);
  });

  it('names the script that runs the instrumented gunicorn, and the config without post_fork', () => {
    const [finding] = diagnosticsOf('metadata-service-otel');
    expect(finding?.message).toContain('(dockerrun.bash:4)');
    expect(finding?.message).toContain('deployment/wsgi/gunicorn.conf.py defines no post_fork');
  });

  it('every fixture says where it comes from', () => {
    for (const name of readdirSync(ROOT))
      expect(readFileSync(join(ROOT, name, 'SOURCE'), 'utf8')).toMatch(
        /^repo \S+\/\S+\ncommit [0-9a-f]{40}/,
      );
  });
});

describe("OBS rules on what envgen generates (the example repo's sentiment model observes)", () => {
  const example = filesOf(new URL('../../fixtures/example-repo/', import.meta.url).pathname);
  const found = (files: Map<string, string>) =>
    obsDiagnostics(files).map((d) => `${d.ruleId} ${d.file}:${d.line}`);
  const changed = (file: string, from: string, to: string) => {
    const text = example.get(file) ?? '';
    expect(text).toContain(from);
    return new Map([...example, [file, text.replace(from, to)]]);
  };

  it('the generated Dockerfile, gunicorn config, entrypoint and module pass', () => {
    expect(found(example)).toEqual([]);
  });

  it("with worker recycling they still pass: child_exit sweeps the dead workers' files", () => {
    const recycled = changed(
      'envs/sentiment/Dockerfile',
      '"-b","0.0.0.0:8080","app:app"',
      '"-b","0.0.0.0:8080","--max-requests","1000","app:app"',
    );
    expect(found(recycled)).toEqual([]);
    const dockerfile = recycled.get('envs/sentiment/Dockerfile') as string;
    const withoutSweep = new Map([
      ...changed(
        'envs/sentiment/gunicorn.conf.py',
        '_observe.sweep_dead_worker(worker.pid)',
        'pass',
      ),
      ['envs/sentiment/Dockerfile', dockerfile],
    ]);
    expect(found(withoutSweep)).toEqual(['OBS004 envs/sentiment/Dockerfile:61']);
  });

  it('an entrypoint that does not empty the folder, and a post_fork that does not start the SDK, are found', () => {
    expect(found(new Map([...example, ['envs/envgen-observe', '#!/bin/sh\nexec "$@"\n']]))).toEqual(
      ['OBS002 envs/sentiment/Dockerfile:44'],
    );
    const instrumented = changed(
      'envs/sentiment/Dockerfile',
      'CMD ["/opt/env/bin/gunicorn"',
      'CMD ["/opt/env/bin/opentelemetry-instrument","/opt/env/bin/gunicorn"',
    );
    expect(found(instrumented)).toEqual([]);
    const noStart = new Map([
      ...instrumented,
      [
        'envs/sentiment/gunicorn.conf.py',
        (example.get('envs/sentiment/gunicorn.conf.py') as string).replace(
          '_observe.start_tracing(_MODEL, _INSTRUMENTORS)',
          'pass',
        ),
      ],
    ]);
    expect(found(noStart)).toEqual(['OBS001 envs/sentiment/Dockerfile:61']);
  });
});
