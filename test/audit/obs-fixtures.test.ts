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

function diagnosticsOf(name: string) {
  const dir = join(ROOT, name);
  const files = new Map(
    filesUnder(dir)
      .filter((path) => !path.endsWith('/SOURCE'))
      .map((path) => [relative(dir, path), readFileSync(path, 'utf8')] as const),
  );
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
