/**
 * A YAML (or JSON) file parsed with positions kept, so every problem can name its line and
 * column. Shared by envgen.yaml and `--rules FILE`.
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
} from 'yaml';
import { type Problem, UserError } from '../problem.js';
import { type SourceFileKind, sourceFileCode } from '../problem-codes.js';
import type { Position } from './types.js';

/** Aliases a file may expand; YAML's "billion laughs" needs far more. */
const MAX_ALIAS_COUNT = 100;
/** Keys whose values are numbers in envgen's schemas; other unquoted numbers keep their text. */
const NUMERIC_KEYS = new Set(['version', 'port', 'metricsPort', 'timeout']);

type KeyPath = readonly (string | number)[];

export interface YamlSource {
  /** The document's value, with unquoted numbers read as written (see {@link keepNumberText}). */
  value: unknown;
  locate(path: KeyPath): Position | undefined;
  /** Where a key (not its value) of the map at `path` is written. */
  locateKey(path: KeyPath, key: string): Position | undefined;
}

export function parseYamlSource(
  text: string,
  file: string,
  kind: SourceFileKind = 'spec',
  options: {
    /** Unquoted numbers as written (`3.10` stays `3.10`; see keepNumberText); off: as numbers. */
    numbersAsText?: boolean;
  } = {},
): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const fail = (problems: Problem[]): never => {
    throw new UserError(problems);
  };
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(documents) || documents.length === 0) {
    return fail([
      {
        ruleId: sourceFileCode(kind, 'empty'),
        severity: 'error',
        file,
        message: `${file} has no YAML document`,
      },
    ]);
  }
  if (documents.length > 1) {
    const second = documents[1];
    fail([
      {
        ruleId: sourceFileCode(kind, 'multiple-documents'),
        severity: 'error',
        file,
        ...(second?.range ? at(second.range[0]) : {}),
        message: `${file} holds ${documents.length} YAML documents`,
        fix: 'keep one document: remove the `---` separator and merge what follows into the first',
      },
    ]);
  }
  const doc = documents[0] as Document.Parsed;
  const tooDeep = (): never =>
    fail([
      {
        ruleId: sourceFileCode(kind, 'too-deep'),
        severity: 'error',
        file,
        message: `${file} nests lists or maps deeper than envgen reads`,
        fix: 'no envgen field nests more than a few levels: write the value as a string or a flat list',
      },
    ]);
  // The parser reports running out of stack on deep nesting (`[[[[...`) as a syntax error at an
  // arbitrary column; it is the depth, not the syntax.
  if (doc.errors.some((error) => isStackOverflow(error.message))) tooDeep();
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((error) => ({
        ruleId: sourceFileCode(kind, 'yaml-syntax'),
        severity: 'error' as const,
        file,
        ...at(error.pos[0]),
        message: error.message.split('\n')[0] ?? error.message,
        fix: 'fix the YAML syntax at this line',
      })),
    );
  }
  if (options.numbersAsText ?? true) keepNumberText(doc, text);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof RangeError && isStackOverflow(error.message)) tooDeep();
    if (!(error instanceof ReferenceError)) throw error;
    fail([
      {
        ruleId: sourceFileCode(kind, 'alias-limit'),
        severity: 'error',
        file,
        message: `${file} expands YAML aliases more than ${MAX_ALIAS_COUNT} times`,
        fix: 'write the values out instead of nesting aliases',
      },
    ]);
  }
  const locate = (path: KeyPath): Position | undefined => {
    const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as
      | { range?: [number, number, number] }
      | undefined;
    return node?.range ? at(node.range[0]) : undefined;
  };
  const locateKey = (path: KeyPath, key: string): Position | undefined => {
    const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === key,
      );
      if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
    }
    return locate(path);
  };
  return { value, locate, locateKey };
}

/** V8's message when recursion runs out of stack (the YAML parser recurses per nesting level). */
export function isStackOverflow(message: string): boolean {
  return message.includes('Maximum call stack size exceeded');
}

/**
 * YAML reads `python: 3.10` as the number 3.1. envgen reads every unquoted number (except
 * `version` and `port`) as the text it was written as, so `3.10` stays `3.10` and `8.0`
 * stays `8.0`.
 */
function keepNumberText(doc: Document.Parsed, text: string): void {
  visit(doc, {
    Scalar(key, node, path) {
      if (typeof node.value !== 'number' || node.type !== 'PLAIN' || !node.range) return;
      const parent = path[path.length - 1];
      if (
        key === 'value' &&
        isPair(parent) &&
        isScalar(parent.key) &&
        NUMERIC_KEYS.has(String(parent.key.value))
      ) {
        return;
      }
      if (typeof key === 'number' && !isSeq(parent)) return;
      node.value = text.slice(node.range[0], node.range[1]);
    },
  });
}

/** A YAML (or JSON) map as read: an object that is not a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
