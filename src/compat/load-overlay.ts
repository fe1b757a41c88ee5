/**
 * Reads a user's compatibility table (`--rules FILE`, JSON or YAML) and validates it with the
 * same schema as the built-in table, pointing problems at their lines.
 */
import { relative } from 'node:path';
import type { Io } from '../io.js';
import { UserError } from '../problem.js';
import type { RulesOverlay } from '../rules-format.js';
import { readText } from '../spec/load-spec.js';
import { schemaProblems } from '../spec/schema-problems.js';
import { parseYamlSource } from '../spec/yaml-source.js';

export async function loadOverlayFile(io: Io, path: string): Promise<RulesOverlay> {
  const file = relative(io.cwd, path) || path;
  // JSON is YAML, so one parser keeps positions for both.
  const source = parseYamlSource(await readText(io, path, file, 'rules'), file, 'rules');
  const problems = schemaProblems(
    source.value,
    { file, locate: source.locate, locateKey: source.locateKey },
    'rules',
  );
  if (problems.length > 0) {
    throw new UserError(problems);
  }
  return source.value as RulesOverlay;
}
