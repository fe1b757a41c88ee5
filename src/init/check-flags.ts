/**
 * `init`'s flags (and the answers to its questions) checked before any spec text exists, so a
 * bad value is reported against the flag that gave it, never against a line of an envgen.yaml
 * that was never written. Each value gets the same checks as the spec field it fills: it is
 * validated as that field of a one-model spec against envgen.schema.json.
 */
import type { Problem } from '../problem.js';
import type { ProblemCode } from '../problem-codes.js';
import { schemaProblems } from '../spec/schema-problems.js';
import { parseVersionSpec } from '../versions/conda-version.js';
import { modelNameFromFolder } from './detect-repo.js';

/** The values `init` takes as text, as commander gives them. */
export interface InitValues {
  name?: string;
  torch?: string;
  python?: string;
  cuda?: string;
  driver?: string;
  gpu?: string[];
  serve?: string;
  port?: string;
  health?: string;
}

type Key = keyof InitValues;

const NO_POSITION = { file: '', locate: () => undefined, locateKey: () => undefined };

/**
 * One problem per value envgen.yaml would refuse, naming it as `label` says (`--python`), with
 * no file or line. `ruleId`: `usage/invalid-flag` for flags.
 */
export function valueProblems(
  values: InitValues,
  label: (key: Key) => string = (key) => `--${key}`,
  ruleId: ProblemCode = 'usage/invalid-flag',
): Problem[] {
  const problems: Problem[] = [];
  const add = (key: Key, value: string, message: string, fix: string | undefined) =>
    problems.push({
      ruleId,
      severity: 'error',
      message: `${label(key)} ${JSON.stringify(value)} ${message}`,
      ...(fix ? { fix } : {}),
    });
  const check = (key: Key, value: string, spec: object, message = 'is not valid') => {
    const [first] = schemaProblems({ version: 1, ...spec }, NO_POSITION);
    if (first) add(key, value, message, first.fix);
    return first === undefined;
  };
  const model = (fields: object) => ({ models: { model: fields } });

  if (values.name !== undefined) {
    const suggestion = modelNameFromFolder(values.name);
    const [first] = schemaProblems({ version: 1, models: { [values.name]: {} } }, NO_POSITION);
    if (first) {
      add('name', values.name, 'is not a valid model name', `${first.fix}, e.g. ${suggestion}`);
    }
  }
  if (values.torch !== undefined && check('torch', values.torch, model({ torch: values.torch }))) {
    const parsed = parseVersionSpec(values.torch);
    if (!parsed.ok) {
      add(
        'torch',
        values.torch,
        'is not a conda version spec',
        "e.g. '2.1', '2.1.2' or '>=2.1,<2.3'",
      );
    }
  }
  for (const key of ['python', 'cuda'] as const) {
    const value = values[key];
    if (value !== undefined) check(key, value, model({ [key]: value }));
  }
  if (values.driver !== undefined) {
    check('driver', values.driver, { models: { model: {} }, fleet: { driver: values.driver } });
  }
  for (const gpu of values.gpu ?? []) {
    check('gpu', gpu, { models: { model: {} }, fleet: { gpus: [gpu] } });
  }
  if (values.serve !== undefined) {
    const command = serveCommand(values.serve);
    if (command.length === 0) {
      add('serve', values.serve, 'is empty', "give the server command, e.g. 'gunicorn app:app'");
    } else check('serve', values.serve, model({ serve: { command } }));
  }
  if (values.port !== undefined) {
    const port = /^[0-9]+$/.test(values.port) ? Number(values.port) : values.port;
    check('port', values.port, model({ serve: { command: ['x'], port } }), 'is not a TCP port');
  }
  if (values.health !== undefined) {
    const serve = { command: ['x'], port: 8080, health: values.health };
    check('health', values.health, model({ serve }));
  }
  return problems;
}

/** `--serve 'gunicorn -b 0.0.0.0:8080 app:app'` as the command's arguments. */
export function serveCommand(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}
