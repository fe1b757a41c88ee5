/**
 * What envgen generates audits clean for every release and source in the table: one model per
 * release, source and CUDA build (linux-64), rendered as `generate` renders it and audited as
 * `audit` audits it.
 */
import { describe, expect, it } from 'vitest';
import { auditTexts, type FileInput } from '../../src/audit/engine.js';
import { makeProject } from '../../src/audit/project.js';
import { resolveSpec } from '../../src/compat/resolve-spec.js';
import { compatTable } from '../../src/compat/table.js';
import { renderPlan } from '../../src/render/plan.js';
import { parseSpecText } from '../../src/spec/load-spec.js';

const table = compatTable();

/** `2.4-pip-12.1`, `2.4-pytorch-cpu`, ... for every linux-64 build of every release. */
const models = table.releases.flatMap((release) =>
  [
    ...new Map(
      release.builds
        .filter((b) => b.platforms.includes('linux-64'))
        .map((b) => [`${b.source}-${b.cuda}`, b] as const),
    ).values(),
  ].map((build) => ({
    name: `t${release.torch.replace('.', '-')}-${build.source}-${build.cuda.replace('.', '-')}`,
    torch: release.torch,
    source: build.source,
    cuda: build.cuda,
  })),
);

describe('generated files audit clean over the whole table', () => {
  it(`covers every release (${table.releases.length}) and source`, () => {
    expect(new Set(models.map((m) => m.torch)).size).toBe(table.releases.length);
    expect(new Set(models.map((m) => m.source))).toEqual(
      new Set(['pip', 'pytorch', 'conda-forge']),
    );
  });

  it.each(models)('$name', (model) => {
    const spec = [
      'version: 1',
      'models:',
      `  ${model.name}:`,
      `    torch: "${model.torch}"`,
      `    cuda: "${model.cuda}"`,
      `    source: ${model.source}`,
      '    serve:',
      '      command: ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]',
      '      port: 8080',
      '      health: /healthz',
      '',
    ].join('\n');
    const loaded = parseSpecText(spec, 'envgen.yaml');
    const resolution = resolveSpec(table, loaded, [model.name]);
    expect(resolution.problems).toEqual([]);
    const plan = renderPlan({
      specFile: 'envgen.yaml',
      spec: loaded.spec,
      models: resolution.models,
      version: '0.0.0-test',
    });
    const texts = new Map([
      ['envgen.yaml', spec],
      ...plan.map((f) => [f.path, f.content] as const),
    ]);
    const inputs: FileInput[] = plan
      .filter((f) => /(Dockerfile|environment\.yml)$/.test(f.path))
      .map((f) => ({
        file: f.path,
        text: f.content,
        kind: f.path.endsWith('Dockerfile') ? 'dockerfile' : 'environment',
      }));
    const { diagnostics } = auditTexts(inputs, makeProject('/repo', texts), {
      ignore: [],
      severity: {},
      trustedRegistries: [],
    });
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });
});
