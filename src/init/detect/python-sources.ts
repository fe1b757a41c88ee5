/**
 * The repo's *.py files: the notable packages they import, the web apps they define, and
 * TorchServe handlers and model archives next to them.
 */
import type { DetectionCollector } from './collector.js';
import { isTorchFamily } from './package-filters.js';
import type { RepoFiles } from './repo-files.js';
import { type AppCandidate, findApps } from './web-apps.js';

const MAX_PY_FILES = 500;
/** Directory entries looked at in all, so a repo full of data files stays quick. */
const MAX_ENTRIES = 20_000;

const SKIPPED_DIRS = new Set([
  // Code of other projects, copied in: its Dockerfiles and apps are not this repo's.
  'third_party',
  'thirdparty',
  '3rdparty',
  'vendor',
  'vendored',
  'external',
  'submodules',
  'node_modules',
  'venv',
  'env',
  'envs',
  '__pycache__',
  'build',
  'dist',
  'site-packages',
]);

/** Imports worth reporting, with the package that provides them. */
const NOTABLE_IMPORTS: Record<string, string> = {
  torch: 'torch',
  torchvision: 'torchvision',
  torchaudio: 'torchaudio',
  transformers: 'transformers',
  flask: 'flask',
  fastapi: 'fastapi',
  uvicorn: 'uvicorn',
  gunicorn: 'gunicorn',
};

export interface PythonSources {
  /** Each notable top-level module imported, with where it was first imported. */
  imported: Map<string, string>;
  /** FastAPI and Flask apps, in the order found. */
  apps: AppCandidate[];
  /** Files that import a TorchServe handler. */
  handlers: string[];
  /** Folders holding TorchServe model archives (*.mar); '' is the repo root. */
  marDirs: Set<string>;
  /** Every *.py file and every folder looked at, relative to the root. */
  paths: Set<string>;
  /** Files that say how the repo runs its server: Dockerfiles, compose files, Procfile, READMEs. */
  runFiles: string[];
  /** Top-level names each *.py file defines or imports by name (`app = …`, `from x import app`). */
  names: Map<string, Set<string>>;
  /** requirements.txt and environment files in folders below the root, at most 3 deep. */
  nestedEnvFiles: string[];
  /** Whether any Python file mentions CUDA, a GPU or a device to put the model on. */
  mentionsGpu: boolean;
  /** Whether the walk stopped at its limits, so some files were never looked at. */
  stopped: boolean;
}

const NESTED_ENV_FILE = /^(requirements\.txt|environment\.ya?ml)$/;

/** Dockerfiles, Containerfiles, compose files, Procfiles, shell scripts, Makefiles and READMEs, at any depth scanned. */
const RUN_FILE =
  /^(Dockerfile([-._].*)?|.*\.[Dd]ockerfile|Containerfile([-._].*)?|(docker-)?compose([-._].*)?\.ya?ml|Procfile|Makefile|.*\.sh|README(\.md|\.rst|\.txt)?)$/;

/** Walks the repo breadth-first, in name order, skipping hidden, virtualenv and build folders. */
export async function scanPythonSources(
  files: RepoFiles,
  found: DetectionCollector,
): Promise<PythonSources> {
  const sources: PythonSources = {
    imported: new Map(),
    apps: [],
    handlers: [],
    marDirs: new Set(),
    paths: new Set(),
    runFiles: [],
    names: new Map(),
    nestedEnvFiles: [],
    mentionsGpu: false,
    stopped: false,
  };
  const queue = [''];
  let pyFiles = 0;
  let entries = 0;
  for (const dir of queue) {
    for (const entry of await files.listDir(dir)) {
      if (++entries > MAX_ENTRIES || pyFiles >= MAX_PY_FILES) {
        found.evidence(
          `stopped looking at files after ${pyFiles} Python files and ${entries} entries`,
        );
        sources.stopped = true;
        return sources;
      }
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      // A name no command line or YAML file can carry is no app or package of the repo.
      if (/[\p{Cc}\p{Cf}]/u.test(entry.name)) {
        found.evidence(`${JSON.stringify(rel)}: a name with control characters, not looked at`);
        continue;
      }
      if (entry.isDirectory && !entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) {
        queue.push(rel);
        sources.paths.add(rel);
      } else if (entry.isFile && RUN_FILE.test(entry.name)) {
        sources.runFiles.push(rel);
      } else if (entry.isFile && dir !== '' && NESTED_ENV_FILE.test(entry.name)) {
        if (dir.split('/').length <= 3) sources.nestedEnvFiles.push(rel);
      } else if (entry.isFile && entry.name.endsWith('.mar')) {
        sources.marDirs.add(dir);
      } else if (entry.isFile && entry.name.endsWith('.py')) {
        pyFiles++;
        sources.paths.add(rel);
        const text = await files.readText(rel);
        if (text !== undefined) scanFile(rel, text, found, sources);
      }
    }
  }
  return sources;
}

/** Says which notable imports no conda dependency or pip requirement provides. */
export function noteUnlistedImports(found: DetectionCollector, imported: Map<string, string>) {
  for (const [module, where] of imported) {
    const pkg = NOTABLE_IMPORTS[module] ?? module;
    if (isTorchFamily(pkg)) continue;
    if (!found.isListed(pkg)) {
      found.evidence(`${pkg} is imported (${where}) but no requirement lists it`);
    }
  }
}

function scanFile(rel: string, text: string, found: DetectionCollector, sources: PythonSources) {
  const tops = new Set<string>();
  for (const { module, line } of importsOf(text)) {
    const top = module.split('.')[0] ?? module;
    tops.add(top);
    if (module.startsWith('ts.torch_handler') && !sources.handlers.includes(rel)) {
      sources.handlers.push(rel);
      found.evidence(`TorchServe handler in ${rel}:${line}`);
    }
    if (!Object.hasOwn(NOTABLE_IMPORTS, top) || sources.imported.has(top)) continue;
    const where = `${rel}:${line}`;
    sources.imported.set(top, where);
    if (top === 'torch') found.usesTorch();
    if (top === 'torchvision' || top === 'torchaudio') found.markLibrary(top, where);
    else found.evidence(`${top} imported in ${where}`);
  }
  sources.apps.push(...findApps(rel, text, tops));
  // Any mention counts (`CUDA_VISIBLE_DEVICES`, `gpus=1`, `.to(device)`): a GPU repo must never
  // be taken for a CPU one.
  if (!sources.mentionsGpu && /cuda|gpu|device|accelerat/i.test(text)) {
    sources.mentionsGpu = true;
  }
  sources.names.set(rel, topLevelNames(text));
}

/** Names a module defines at its top level: assignments, functions, and names it imports. */
function topLevelNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(
    /^(?:def\s+|class\s+)?([A-Za-z_]\w*)\s*(?::[^=\n]+)?(?:=|\()/gm,
  )) {
    if (match[1]) names.add(match[1]);
  }
  for (const match of text.matchAll(/^from\s+\S+\s+import\s+\(?([^)\n]+)/gm)) {
    for (const part of (match[1] ?? '').split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name && /^[A-Za-z_]\w*$/.test(name)) names.add(name);
    }
  }
  return names;
}

/** Every import statement's module with its line (relative imports are local, so skipped). */
function importsOf(text: string): { module: string; line: number }[] {
  const found: { module: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    for (const statement of raw.split(';')) {
      const from = /^\s*from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(statement);
      if (from?.[1]) found.push({ module: from[1], line: index + 1 });
      const plain = /^\s*import\s+([^#]+)/.exec(statement);
      for (const name of plain?.[1]?.split(',') ?? []) {
        const module = name.trim().split(/\s+/)[0] ?? '';
        if (/^[A-Za-z_][\w.]*$/.test(module)) found.push({ module, line: index + 1 });
      }
    }
  });
  return found;
}
