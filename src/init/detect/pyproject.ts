/**
 * pyproject.toml: `requires-python` and dependencies (PEP 621 and Poetry), and the package
 * indexes Poetry, uv and PDM configure.
 *
 * Format: https://packaging.python.org/en/latest/specifications/pyproject-toml/
 */
import { parse as parseToml } from 'smol-toml';
import type { DetectionCollector } from './collector.js';
import { readPoetryDependencies } from './poetry.js';
import { isPythonRange, lowestPython, NO_LOWER_BOUND } from './python-version.js';
import type { RepoFiles } from './repo-files.js';
import type { RequirementsReader } from './requirements.js';
import { record, stringsOf } from './toml-values.js';

export async function readPyproject(
  files: RepoFiles,
  found: DetectionCollector,
  requirements: RequirementsReader,
): Promise<void> {
  const rel = 'pyproject.toml';
  const text = await files.readText(rel);
  if (text === undefined) return;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line;
    found.note(`${rel}: not valid TOML${line ? ` (line ${line})` : ''}, ignored`);
    return;
  }
  const at = (...needles: string[]) => `${rel}:${lineOf(text, ...needles)}`;
  const atKey = (key: string) => `${rel}:${lineOfKey(text, key)}`;
  const project = record(doc.project);
  const requiresPython = project['requires-python'];
  if (typeof requiresPython === 'string') {
    const where = atKey('requires-python');
    const python = lowestPython(requiresPython);
    if (python) {
      const range = isPythonRange(requiresPython) ? requiresPython.trim() : undefined;
      found.propose('python', python, where, 'requires-python', range);
    } else found.reject('python', requiresPython, where, NO_LOWER_BOUND, 'requires-python');
  }
  for (const dep of stringsOf(project.dependencies)) {
    await requirements.requirementLine(dep, at(`"${dep}"`, `'${dep}'`, dep), '', 0);
  }
  const optional = Object.keys(record(project['optional-dependencies']));
  if (optional.length > 0) {
    found.note(`${rel}: optional dependencies (${optional.join(', ')}) not included`);
  }
  await readPoetryDependencies(
    record(record(record(doc.tool).poetry).dependencies),
    atKey,
    found,
    requirements,
  );
  for (const url of indexUrls(record(doc.tool))) requirements.packageIndex(url, at(url));
}

/** Package index URLs that Poetry, uv and PDM configure. */
function indexUrls(tool: Record<string, unknown>): string[] {
  const tables = [record(tool.poetry).source, record(tool.uv).index, record(tool.pdm).source];
  return tables.flatMap((table) =>
    (Array.isArray(table) ? table : []).map((entry) => record(entry).url).filter(isString),
  );
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** The line of a TOML key (`name =`, quoted or not); 1 when not found. */
function lineOfKey(text: string, key: string): number {
  const escaped = key.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[ \\t]*["']?${escaped}["']?[ \\t]*=`, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}

/** The line of the first needle found in the text; 1 when none is. */
function lineOf(text: string, ...needles: string[]): number {
  for (const needle of needles) {
    const index = text.indexOf(needle);
    if (index !== -1) return text.slice(0, index).split('\n').length;
  }
  return 1;
}
