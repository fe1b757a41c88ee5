/**
 * The project around the audited files: its files (read beforehand, so rules stay pure), the
 * spec and its resolved models when there is a valid envgen.yaml.
 */
import { posix } from 'node:path';
import { resolveSpec } from '../compat/resolve-spec.js';
import { compatTable } from '../compat/table.js';
import type { Io } from '../io.js';
import { UserError } from '../problem.js';
import { loadSpecText, parseSpecText, SPEC_FILE } from '../spec/load-spec.js';
import type { LoadedSpec } from '../spec/types.js';
import { type PythonScan, scanPython } from './python-scan.js';
import { PYTHON_OF_INTEREST } from './rules/observe/facts.js';
import type { Project } from './types.js';

/** envgen.yaml's text as audit reads it: the spec, or undefined when there is none or it does not load. */
function projectSpec(text: string | undefined): LoadedSpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseSpecText(text, SPEC_FILE);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return undefined;
  }
}

/** {@link projectSpec}, through the spec cache (see loadSpecText): what to give makeProject. */
export async function loadProjectSpec(
  io: Io,
  files: ReadonlyMap<string, string>,
): Promise<{ spec: LoadedSpec | undefined }> {
  const text = files.get(SPEC_FILE);
  if (text === undefined) return { spec: undefined };
  try {
    return { spec: await loadSpecText(io, text, SPEC_FILE) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { spec: undefined };
  }
}

/**
 * The project of the audited `files`. `loaded`: the spec as {@link loadProjectSpec} loaded it;
 * without it, envgen.yaml among the files is parsed here.
 */
export function makeProject(
  root: string,
  files: ReadonlyMap<string, string>,
  trustedRegistries: string[] = [],
  pins: Record<string, string> = {},
  loaded: { spec: LoadedSpec | undefined } = { spec: projectSpec(files.get(SPEC_FILE)) },
): Project {
  const { spec } = loaded;
  const table = compatTable(spec?.spec.compat ? [spec.spec.compat] : []);
  const models = spec ? resolveSpec(table, spec, Object.keys(spec.spec.models)).models : [];
  let folders: Map<string, string[]> | undefined;
  const scans = new Map<string, PythonScan>();
  const python = (path: string): PythonScan | undefined => {
    const file = path.startsWith('./') ? path.slice(2) : path;
    const cached = scans.get(file);
    if (cached) return cached;
    const text = files.get(file);
    if (text === undefined || !file.endsWith('.py')) return undefined;
    const scan = scanPython(file, text);
    scans.set(file, scan);
    return scan;
  };
  let ofInterest: PythonScan[] | undefined;
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
    paths: () => [...files.keys()],
    python,
    pythonFiles: () => {
      ofInterest ??= [...files.entries()]
        .filter(
          ([path, text]) =>
            path.endsWith('.py') && PYTHON_OF_INTEREST.some((word) => text.includes(word)),
        )
        .flatMap(([path]) => python(path) ?? []);
      return ofInterest;
    },
    trustedRegistries,
    pins,
  };
}
