/**
 * The project around the audited files: its files (read beforehand, so rules stay pure), the
 * spec and its resolved models when there is a valid envgen.yaml.
 */
import { posix } from 'node:path';
import { resolveSpec } from '../compat/resolve-spec.js';
import { compatTable } from '../compat/table.js';
import { UserError } from '../problem.js';
import { parseSpecText } from '../spec/load-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import type { Project } from './types.js';

/** The spec file audit reads beside the audited files, relative to the root. */
const PROJECT_SPEC = 'envgen.yaml';

/** envgen.yaml's text as audit reads it: the spec, or undefined when there is none or it does not load. */
function projectSpec(text: string | undefined): LoadedSpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseSpecText(text, PROJECT_SPEC);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return undefined;
  }
}

export function makeProject(
  root: string,
  files: ReadonlyMap<string, string>,
  trustedRegistries: string[] = [],
  pins: Record<string, string> = {},
): Project {
  const spec = projectSpec(files.get(PROJECT_SPEC));
  const table = compatTable(spec?.spec.compat ? [spec.spec.compat] : []);
  const models = spec ? resolveSpec(table, spec, Object.keys(spec.spec.models)).models : [];
  let folders: Map<string, string[]> | undefined;
  return {
    root,
    ...(spec ? { spec } : {}),
    models,
    table,
    text: (path) => files.get(path.startsWith('./') ? path.slice(2) : path),
    filesIn: (folder) => {
      // Indexed on first use: one pass over the files, rather than a lookup per name asked for.
      if (!folders) {
        folders = new Map();
        for (const path of files.keys()) {
          const dir = posix.dirname(path);
          const names = folders.get(dir);
          if (names) names.push(posix.basename(path));
          else folders.set(dir, [posix.basename(path)]);
        }
      }
      return folders.get(posix.normalize(folder)) ?? [];
    },
    trustedRegistries,
    pins,
  };
}
