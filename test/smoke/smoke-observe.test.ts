/**
 * The smoke check with observe: it imports the modules of the packages observe: added (and
 * envgen_observe, beside the script), and a failure says what to do about observe:.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../src/compat/resolve-spec.js';
import { compatTable } from '../../src/compat/table.js';
import { smokeArguments } from '../../src/smoke/run-smoke.js';
import { smokeProblems } from '../../src/smoke/smoke-verdict.js';
import { parseSpecText } from '../../src/spec/load-spec.js';

const loaded = parseSpecText(
  readFileSync(new URL('../../fixtures/example-repo/envgen.yaml', import.meta.url), 'utf8'),
  'envgen.yaml',
);
const { models } = resolveSpec(compatTable(), loaded, ['sentiment', 'legacy-detector']);
const sentiment = models.find((m) => m.name === 'sentiment');
const legacy = models.find((m) => m.name === 'legacy-detector');
if (!sentiment || !legacy) throw new Error('the example repo has sentiment and legacy-detector');

const imports = (args: string[]): string[] =>
  args.flatMap((arg, i) => (args[i - 1] === '--import' ? [arg] : []));

describe('smokeArguments', () => {
  it('imports the instrumentation of a model with observe:, and envgen_observe', () => {
    const modules = imports(smokeArguments(sentiment, loaded.spec, false));
    expect(modules).toEqual(
      expect.arrayContaining([
        'prometheus_client.multiprocess',
        'opentelemetry.sdk.trace',
        'opentelemetry.exporter.otlp.proto.http.trace_exporter',
        'opentelemetry.instrumentation.flask',
        'envgen_observe',
      ]),
    );
  });

  it('imports nothing more for a model without observe:', () => {
    expect(imports(smokeArguments(legacy, loaded.spec, true))).toEqual([]);
    expect(smokeArguments(legacy, loaded.spec, true)[0]).toBe('--device');
  });
});

describe('a failed import of the instrumentation', () => {
  it('is smoke/import, with a fix that points at observe:', () => {
    const problems = smokeProblems(
      sentiment,
      {
        torch: sentiment.torch,
        cuda: sentiment.cuda,
        cudaAvailable: false,
        archList: [],
        devices: [],
        python: '3.11.9',
        imports: {
          'opentelemetry.instrumentation.flask': {
            ok: false,
            error: "ModuleNotFoundError: No module named 'opentelemetry.instrumentation.flask'",
          },
        },
        errors: [],
      },
      { gpu: false },
    );
    expect(problems.map((p) => p.ruleId)).toEqual(['smoke/import']);
    expect(problems[0]?.fix).toContain('envgen resolve sentiment');
  });
});
