/**
 * Facts of the whole project the OBS rules share, found once per project: where the
 * Prometheus multiprocess folder is set, where Python code sets it, and which OTLP exporter
 * flavour the code imports.
 */
import { posix } from 'node:path';
import type { PythonScan } from '../../python-scan.js';
import type { DockerfileContext, Project, PythonContext, SpecContext } from '../../types.js';
import { isStartScript } from './launch.js';

/** Both spellings: prometheus_client read `prometheus_multiproc_dir` before 0.10. */
export const MULTIPROC_NAMES = ['PROMETHEUS_MULTIPROC_DIR', 'prometheus_multiproc_dir'] as const;
export const MULTIPROC = `(?:${MULTIPROC_NAMES.join('|')})`;

/**
 * What makes a Python file one the OBS rules look into: the multiprocess folder, fork hooks,
 * worker recycling, an OTLP exporter. A file without any of these words is never scanned, so a
 * repository of thousands of modules costs a few substring searches of each text.
 */
export const PYTHON_OF_INTEREST = [
  ...MULTIPROC_NAMES,
  'register_at_fork',
  'post_fork',
  'post_worker_init',
  'child_exit',
  'max_requests',
  'exporter.otlp.proto',
] as const;

/** `os.environ[...] =`, `environ.setdefault(...)`, `putenv(...)`, `environ.update(NAME=...)`. */
const ENV_WRITES = [
  new RegExp(`\\b(?:os\\.)?environ\\s*\\[\\s*(['"])${MULTIPROC}\\1\\s*\\]\\s*=(?!=)`, 'g'),
  new RegExp(`\\b(?:os\\.)?environ\\.setdefault\\s*\\(\\s*(['"])${MULTIPROC}\\1`, 'g'),
  new RegExp(`\\b(?:os\\.)?putenv\\s*\\(\\s*(['"])${MULTIPROC}\\1`, 'g'),
  new RegExp(`\\b(?:os\\.)?environ\\.update\\s*\\([^)]*\\b${MULTIPROC}\\s*=`, 'g'),
];

/** Where Python code writes the multiprocess folder's variable (offsets into its masked code). */
export function multiprocWrites(
  scan: PythonScan,
): { line: number; column: number; text: string }[] {
  const found: { offset: number; text: string }[] = [];
  for (const pattern of ENV_WRITES)
    for (const match of scan.code.matchAll(pattern))
      found.push({ offset: match.index ?? 0, text: match[0] });
  return found
    .sort((a, b) => a.offset - b.offset)
    .map(({ offset, text }) => ({ ...scan.positionOf(offset), text }));
}

/**
 * A test module (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`): tests set the variable for
 * their own processes, which is no service's start-up.
 */
export function isTestFile(path: string): boolean {
  return /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path);
}

export interface Evidence {
  file: string;
  line: number;
}

const SET_IN_TEXT = new RegExp(
  `^\\s*(?:ENV\\b[^\\n]*\\b|export\\s+|-\\s*)?${MULTIPROC}\\s*[=: ]`,
  'm',
);

const multiprocCache = new WeakMap<Project, Evidence | null>();

/**
 * Where the project turns prometheus_client's multiprocess mode on (sets its folder): a
 * Dockerfile's ENV, a script's export, a YAML file (compose, a conda env's `variables:`), or
 * Python code; null when nowhere.
 */
export function multiprocSet(project: Project): Evidence | null {
  const cached = multiprocCache.get(project);
  if (cached !== undefined) return cached;
  let found: Evidence | null = null;
  for (const path of project.paths()) {
    if (path.endsWith('.py')) continue;
    const name = posix.basename(path);
    const candidate =
      /^(Dockerfile|Containerfile)|\.(Dockerfile|dockerfile|Containerfile)$/.test(name) ||
      /\.ya?ml$/.test(name) ||
      isStartScript(path);
    if (!candidate) continue;
    const text = project.text(path) ?? '';
    const match = SET_IN_TEXT.exec(text);
    if (match) {
      found = { file: path, line: text.slice(0, match.index).split('\n').length };
      break;
    }
  }
  if (!found) {
    for (const scan of project.pythonFiles()) {
      if (isTestFile(scan.file)) continue;
      const write = multiprocWrites(scan)[0];
      if (write) {
        found = { file: scan.file, line: write.line };
        break;
      }
    }
  }
  multiprocCache.set(project, found);
  return found;
}

/** The OTLP exporter flavour the project's code imports, when it imports exactly one. */
export function codeProtocol(project: Project): 'grpc' | 'http/protobuf' | undefined {
  const flavours = new Set<string>();
  for (const scan of project.pythonFiles())
    for (const entry of scan.imports) {
      const flavour = /exporter\.otlp\.proto\.(grpc|http)\b/.exec(entry.module)?.[1];
      if (flavour) flavours.add(flavour === 'grpc' ? 'grpc' : 'http/protobuf');
    }
  return flavours.size === 1 ? ([...flavours][0] as 'grpc' | 'http/protobuf') : undefined;
}

/** Which kind of context a multi-target rule was given. */
export function isDockerfile(
  ctx: DockerfileContext | SpecContext | PythonContext | object,
): ctx is DockerfileContext {
  return 'stages' in ctx;
}

export function isSpec(ctx: object): ctx is SpecContext {
  return 'spec' in ctx;
}

export function isPython(ctx: object): ctx is PythonContext {
  return 'python' in ctx;
}

/** `at X:12`, for messages. */
export function at(evidence: Evidence): string {
  return `${evidence.file}:${evidence.line}`;
}
