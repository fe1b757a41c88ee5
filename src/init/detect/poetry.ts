/**
 * Poetry's dependency table as pip requirements and a Python version.
 *
 * Format: https://python-poetry.org/docs/dependency-specification/
 */
import type { DetectionCollector } from './collector.js';
import { isPythonRange, lowestPython, NO_LOWER_BOUND } from './python-version.js';
import type { RequirementsReader } from './requirements.js';
import { record, stringsOf } from './toml-values.js';

/** `[tool.poetry.dependencies]`: its `python` entry, and the rest as requirement lines. */
export async function readPoetryDependencies(
  deps: Record<string, unknown>,
  atKey: (key: string) => string,
  found: DetectionCollector,
  requirements: RequirementsReader,
): Promise<void> {
  for (const [name, value] of Object.entries(deps)) {
    const where = atKey(name);
    if (name === 'python') {
      poetryPython(value, where, found);
      continue;
    }
    const requirement = poetryRequirement(name, value);
    if (requirement.ok) await requirements.requirementLine(requirement.text, where, '', 0);
    else if (requirement.reason !== OPTIONAL) {
      found.noteRequirement(
        where,
        `${name} = ${JSON.stringify(value)}`,
        'dropped',
        requirement.reason,
      );
    }
  }
}

/** The `python` entry: its lowest `X.Y`, or evidence of why there is none. */
function poetryPython(value: unknown, where: string, found: DetectionCollector): void {
  const pep440 = typeof value === 'string' ? poetryToPep440(value) : undefined;
  if (pep440 === '') {
    found.evidence(`python (no version) from ${where}`);
    return;
  }
  const python = pep440 === undefined ? undefined : lowestPython(pep440);
  if (python && pep440 !== undefined) {
    found.propose('python', python, where, 'poetry', isPythonRange(pep440) ? pep440 : undefined);
  } else {
    const written = typeof value === 'string' ? value : JSON.stringify(value);
    const problem = pep440 === undefined ? 'not a constraint envgen can read' : NO_LOWER_BOUND;
    found.reject('python', written, where, problem, 'poetry');
  }
}

const OPTIONAL = 'optional: read with its extra';

/**
 * One dependency as a requirement line (`-e path` for a path, `name @ URL` for git and URLs,
 * which the requirements reader turns into local packages and URL entries), or why it cannot
 * be one. `optional`: an extra's dependency is being read, so `optional = true` is no reason.
 */
export function poetryRequirement(
  name: string,
  value: unknown,
  optional = false,
): { ok: true; text: string } | { ok: false; reason: string } {
  const table = typeof value === 'string' ? { version: value } : record(value);
  if (Array.isArray(value) || Object.keys(table).length === 0) {
    return { ok: false, reason: 'several or no constraints: pick one and add it to pip' };
  }
  if (typeof table.path === 'string') return { ok: true, text: `-e ${table.path}` };
  if (typeof table.git === 'string') {
    const ref = [table.rev, table.tag, table.branch].find((r) => typeof r === 'string');
    const git = table.git.startsWith('git+') ? table.git : `git+${table.git}`;
    const sub = typeof table.subdirectory === 'string' ? `#subdirectory=${table.subdirectory}` : '';
    return { ok: true, text: `${name} @ ${git}${ref ? `@${ref}` : ''}${sub}` };
  }
  if (typeof table.url === 'string') return { ok: true, text: `${name} @ ${table.url}` };
  if (table.optional === true && !optional) return { ok: false, reason: OPTIONAL };
  const version = poetryToPep440(typeof table.version === 'string' ? table.version : '*');
  if (version === undefined) return { ok: false, reason: 'has a version envgen cannot convert' };
  const extras = stringsOf(table.extras);
  const markers = typeof table.markers === 'string' ? `; ${table.markers}` : '';
  return {
    ok: true,
    text: `${name}${extras.length > 0 ? `[${extras.join(',')}]` : ''}${version}${markers}`,
  };
}

/** Poetry's version syntax (`^1.2`, `~1.2`, `1.2.3`, `>=1,<2`) as PEP 440; undefined for `||`. */
function poetryToPep440(constraint: string): string | undefined {
  const text = constraint.trim();
  if (text === '' || text === '*') return '';
  if (text.includes('||')) return undefined;
  const parts = text.split(',').map((part) => poetryPart(part.replaceAll(/\s+/g, '')));
  return parts.includes(undefined) ? undefined : parts.join(',');
}

function poetryPart(part: string): string | undefined {
  const bounded = /^([\^~])([0-9]+(?:\.[0-9]+)*)$/.exec(part);
  if (bounded?.[1] && bounded[2]) {
    const numbers = bounded[2].split('.').map(Number);
    let keep: number;
    if (bounded[1] === '~') keep = Math.min(numbers.length, 2);
    else {
      const nonZero = numbers.findIndex((n) => n !== 0);
      keep = (nonZero === -1 ? numbers.length - 1 : nonZero) + 1;
    }
    const upper = numbers.slice(0, keep);
    upper[keep - 1] = (upper[keep - 1] ?? 0) + 1;
    return `>=${bounded[2]},<${upper.join('.')}`;
  }
  if (/^[0-9]/.test(part)) return `==${part}`;
  if (/^=[0-9]/.test(part)) return `=${part}`;
  return /^(===|==|!=|>=|<=|~=|>|<)[0-9]/.test(part) ? part : undefined;
}
