/**
 * The project around the audited files: its files (read beforehand, so rules stay pure), the
 * spec and its resolved models when there is a valid envgen.yaml.
 */
import { resolveSpec } from '../compat/resolve-spec.js';
import { compatTable } from '../compat/table.js';
import { UserError } from '../problem.js';
import { parseSpecText } from '../spec/load-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import type { Project } from './types.js';

export function makeProject(
  root: string,
  files: ReadonlyMap<string, string>,
  trustedRegistries: string[] = [],
  pins: Record<string, string> = {},
): Project {
  let spec: LoadedSpec | undefined;
  const specText = files.get('envgen.yaml');
  if (specText !== undefined) {
    try {
      spec = parseSpecText(specText, 'envgen.yaml');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  const table = compatTable(spec?.spec.compat ? [spec.spec.compat] : []);
  const models = spec ? resolveSpec(table, spec, Object.keys(spec.spec.models)).models : [];
  return {
    root,
    ...(spec ? { spec } : {}),
    models,
    table,
    text: (path) => files.get(path.replace(/^\.\//, '')),
    trustedRegistries,
    pins,
  };
}
