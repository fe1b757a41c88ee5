import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { matchSpecOf } from '../../match-specs.js';
import type { EnvironmentContext, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';

function at(context: EnvironmentContext, node: unknown): { line: number; column: number } {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? context.positionOf(range[0]) : { line: 1, column: 1 };
}

function isString(node: unknown): boolean {
  return isScalar(node) && typeof node.value === 'string';
}

/** Why a conda dependency is not a MatchSpec, or undefined when it is one. */
function matchSpecProblem(entry: string): string | undefined {
  // conda accepts URL channels (`https://host/ch::pkg`) and the bracket form (`pkg[version='>=1']`),
  // which envgen's own parser does not render; neither is a schema violation.
  const spec = entry.includes('::') ? entry.slice(entry.lastIndexOf('::') + 2) : entry;
  if (/^[A-Za-z0-9_][A-Za-z0-9_.-]*\s*\[.*\]\s*$/.test(spec.trim())) return undefined;
  const parsed = matchSpecOf(spec);
  return parsed.ok ? undefined : parsed.error;
}

function dependencyProblems(context: EnvironmentContext, item: unknown): Finding[] {
  const where = at(context, item);
  if (isScalar(item)) {
    if (typeof item.value !== 'string') {
      return [
        {
          ...where,
          message: `dependency '${String(item.value)}' is not a string (an empty '-' item is null)`,
          fix: 'write a match spec such as name=1.2, or remove the empty item',
        },
      ];
    }
    const problem = matchSpecProblem(item.value);
    return problem
      ? [
          {
            ...where,
            message: `${problem}: not a valid conda MatchSpec`,
            fix: 'write name, name=1.2, "name>=1.2,<2" or channel::name',
          },
        ]
      : [];
  }
  if (isMap(item)) {
    const pairs = item.items as Pair[];
    const others = pairs.filter((p) => !(isScalar(p.key) && p.key.value === 'pip'));
    if (others.length > 0) {
      const key = others[0]?.key;
      return [
        {
          ...at(context, key),
          message: `dependency map key '${isScalar(key) ? String(key.value) : '?'}' is not 'pip': only a pip: list may appear among dependencies`,
          fix: 'write conda packages as plain list items, pip packages under "- pip:"',
        },
      ];
    }
    const pip = item.get('pip', true);
    if (!isSeq(pip))
      return [
        {
          ...where,
          message: 'pip: is not a list of requirements',
          fix: 'write the pip requirements as a list under "- pip:"',
        },
      ];
    return pip.items
      .filter((entry) => !isString(entry))
      .map((entry) => ({
        ...at(context, entry),
        message: 'a pip: entry is not a string',
        fix: 'write each pip requirement as a string',
      }));
  }
  return [
    {
      ...where,
      message: 'a dependency is neither a match spec nor a pip: list',
      fix: 'write conda packages as strings and pip packages under "- pip:"',
    },
  ];
}

export const env016 = defineRule<'environment'>({
  id: 'ENV016',
  name: 'invalid-schema',
  target: 'environment',
  severity: 'error',
  description:
    'The file violates the CEP 24 schema: no dependencies, a spec that is not a MatchSpec, non-string channels, or variables that are not a map.',
  docs: [
    'CEP 24 ("Specification of environment.yml input files") fixes the shape of an environment file, and conda checks',
    'it (`conda/env/env.py::get_schema_errors`): it warns from 26.3 and will reject non-compliant files from 26.9',
    '(`deprecated.topic("26.3", "26.9", "The environment file is not fully CEP 24 compliant")`). Checked here:',
    '`dependencies` present and a list; each entry a MatchSpec string or one `pip:` list of strings; `channels` a list',
    'of strings; `variables` a map of plain values; `name` and `prefix` strings.',
    '',
    'Fix: correct the entry at the reported line; quote specs that YAML would read as numbers or null.',
  ].join('\n'),
  check(context, report) {
    const root = context.document?.contents;
    if (!isMap(root)) return [];
    const entry = (key: string): { pair?: Pair; node: unknown } => {
      const pair = (root.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
      return pair ? { pair, node: pair.value } : { node: undefined };
    };
    const deps = entry('dependencies');
    if (!deps.pair) {
      report({
        line: 1,
        column: 1,
        message: "the file has no 'dependencies:' list, which CEP 24 requires",
        fix: "add 'dependencies:' with at least python",
      });
    } else if (!isSeq(deps.node)) {
      report({
        ...at(context, deps.pair.key),
        message: "'dependencies:' is not a list",
        fix: 'write dependencies as a list of match specs',
      });
    } else {
      for (const item of (deps.node as { items: unknown[] }).items) {
        for (const problem of dependencyProblems(context, item)) report(problem);
      }
    }
    const channels = entry('channels');
    if (channels.pair && !isSeq(channels.node)) {
      report({
        ...at(context, channels.pair.key),
        message: "'channels:' is not a list",
        fix: 'write channels as a list of names',
      });
    } else if (isSeq(channels.node)) {
      for (const item of channels.node.items) {
        if (!isString(item))
          report({
            ...at(context, item),
            message: 'a channel is not a string',
            fix: 'write each channel as a name or URL',
          });
      }
    }
    const variables = entry('variables');
    if (variables.pair && !isMap(variables.node)) {
      report({
        ...at(context, variables.pair.key),
        message: "'variables:' is not a map",
        fix: 'write variables as NAME: value pairs',
      });
    } else if (isMap(variables.node)) {
      for (const pair of variables.node.items as Pair[]) {
        if (pair.value !== null && !isScalar(pair.value as Node)) {
          report({
            ...at(context, pair.key),
            message: "a variable's value is a list or a map, not a plain value",
            fix: 'give each variable a string value',
          });
        }
      }
    }
    for (const key of ['name', 'prefix']) {
      const field = entry(key);
      if (field.pair && !isString(field.node)) {
        report({
          ...at(context, field.pair.key),
          message: `'${key}:' is not a string`,
          fix: `write ${key} as a string`,
        });
      }
    }
    return undefined;
  },
});
