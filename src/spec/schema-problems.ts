/**
 * Turns JSON Schema validation errors into problems a person can act on: the file, line and
 * column; what is wrong; what would be accepted (from the schema's own descriptions), and a
 * "did you mean" for misspelt keys and values.
 */
import type { ErrorObject } from 'ajv';
import type { Problem } from '../problem.js';
import { type SourceFileKind, sourceFileCode } from '../problem-codes.js';
import { validatorFor } from '../schemas.js';
import { didYouMean } from './did-you-mean.js';
import type { Position } from './types.js';

type KeyPath = (string | number)[];

export interface SchemaContext {
  file: string;
  locate(path: KeyPath): Position | undefined;
  locateKey(path: KeyPath, key: string): Position | undefined;
  /** Prefix for paths, when the value validated is part of a larger file (`compat`). */
  prefix?: KeyPath;
}

/** Validates `value` against envgen.schema.json (or another schema) and returns the problems. */
export function schemaProblems(
  value: unknown,
  context: SchemaContext,
  schema: 'envgen' | 'rules' = 'envgen',
): Problem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of relevantErrors(validate.errors ?? [])) {
    const problem = toProblem(error, value, context, schema === 'rules' ? 'rules' : 'spec');
    const key = `${problem.line}:${problem.column}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems.sort(
    (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * ajv reports every branch of an `anyOf` and a summary error for `propertyNames`; keep the
 * errors that say something a person can fix.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const propertyNameErrors = new Set(
    errors
      .filter((e) => e.propertyName !== undefined)
      .map((e) => `${e.instancePath}|${e.propertyName}`),
  );
  return errors.filter((error) => {
    if (
      error.keyword === 'propertyNames' &&
      propertyNameErrors.has(`${error.instancePath}|${error.params.propertyName}`)
    ) {
      return false;
    }
    if (error.keyword === 'anyOf') return false;
    // For `anyOf: [X, null]` ajv also says "must be null"; the X error says more.
    if (error.keyword === 'type' && error.params.type === 'null') return false;
    return true;
  });
}

function toProblem(
  error: ErrorObject,
  value: unknown,
  context: SchemaContext,
  kind: SourceFileKind,
): Problem {
  const path = [...(context.prefix ?? []), ...pointerToPath(error.instancePath, value)];
  const where = describePath(path) || 'the file';
  const schema = error.parentSchema as
    | { description?: string; properties?: Record<string, unknown> }
    | undefined;
  // The root schema's description is prose about the file, not a description of a value.
  const accepted =
    path.length === 0 ? 'a YAML map with `version: 1` and `models:`' : schema?.description;
  const base = { severity: 'error' as const, file: context.file };

  if (error.propertyName !== undefined) {
    const name = error.propertyName;
    return {
      ...base,
      ruleId: sourceFileCode(kind, 'invalid-name'),
      ...context.locateKey(path, name),
      message: `'${name}' is not a valid ${where === 'models' ? 'model name' : `key in ${where}`}`,
      fix: `use ${accepted ?? 'lower-case letters, digits, ".", "_" and "-"'}`,
    };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys(schema?.properties ?? {}).filter((k) => k !== '$schema');
      const guess = didYouMean(key, allowed);
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'unknown-key'),
        ...context.locateKey(path, key),
        message: `unknown key '${key}' in ${where === 'the file' ? 'the top level' : where}`,
        fix: `${guess ? `did you mean '${guess}'? ` : ''}accepted keys: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'missing-key'),
        ...context.locate(path),
        message: `${where} has no '${key}'`,
        fix: missingKeyFix(key),
      };
    }
    case 'dependencies': {
      const key = String(error.params.missingProperty);
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'missing-key'),
        ...context.locateKey(path, String(error.params.property)),
        message: `${where} has '${error.params.property}' but no '${key}'`,
        fix: `add '${key}:' (${error.params.property} needs it)`,
      };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const actual = valueText(error.data);
      const guess = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'invalid-value'),
        ...context.locate(path),
        message: `${where} is ${actual}, which is not accepted`,
        fix: `${guess ? `did you mean '${guess}'? ` : ''}accepted: ${allowed.join(', ')}`,
      };
    }
    case 'type':
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'invalid-type'),
        ...context.locate(path),
        message: `${where} is ${valueText(error.data)}, not ${article(String(error.params.type))}`,
        fix: accepted ? `expected ${accepted}` : `write ${article(String(error.params.type))}`,
      };
    case 'const':
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'invalid-value'),
        ...context.locate(path),
        message: `${where} is ${valueText(error.data)}`,
        fix: `expected ${valueText(error.params.allowedValue)}`,
      };
    case 'pattern':
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'invalid-value'),
        ...context.locate(path),
        message: `${where} is ${valueText(error.data)}, which is not valid here`,
        fix: accepted ? `expected ${accepted}` : 'write it on one line, without control characters',
      };
    default:
      return {
        ...base,
        ruleId: sourceFileCode(kind, 'invalid-value'),
        ...context.locate(path),
        message: `${where} ${error.message ?? 'is not valid'}`,
        ...(accepted ? { fix: `expected ${accepted}` } : {}),
      };
  }
}

function missingKeyFix(key: string): string {
  if (key === 'version') return 'add `version: 1` at the top of the file';
  if (key === 'models') return 'add a `models:` map with at least one model';
  if (key === 'command') return 'add `command: [...]`, the server command as a list of arguments';
  return `add '${key}:'`;
}

/**
 * A JSON pointer as a key path: a part is a list index only where the value there is a list, so
 * a model named `0` stays the key '0' (and keeps its line and column).
 */
function pointerToPath(pointer: string, root: unknown): KeyPath {
  if (pointer === '') return [];
  let current: unknown = root;
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => {
      const isIndex = Array.isArray(current) && /^[0-9]+$/.test(part);
      current =
        current && typeof current === 'object'
          ? (current as Record<string, unknown>)[part]
          : undefined;
      return isIndex ? Number(part) : part;
    });
}

/** `['models', 'sentiment', 'conda', 2]` -> `models.sentiment.conda[2]`. */
function describePath(path: KeyPath): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    '',
  );
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a map';
  return String(value);
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    boolean: 'true or false',
    integer: 'a whole number',
    number: 'a number',
    array: 'a list',
    object: 'a map',
  };
  return names[type] ?? type;
}
