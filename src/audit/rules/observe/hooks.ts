/**
 * gunicorn's hooks as the OBS rules judge them: which config file a gunicorn launch reads, where
 * a hook (`post_fork`, `child_exit`) is defined (in the config, or imported from a project
 * module), and whether its body reaches something (starting the OpenTelemetry SDK, removing
 * dead workers' files), following calls into the project's own functions two levels deep.
 */
import { posix } from 'node:path';
import { bodyOf, type PythonDef, type PythonScan, topLevelDef } from '../../python-scan.js';
import type { Project } from '../../types.js';
import { gunicornCmdArgs, type Launch, optionValue, projectPath } from './launch.js';

/** `yes`: it does; `no`: nothing it calls could; `unknown`: it calls what audit cannot see. */
export type Reach = 'yes' | 'no' | 'unknown';

export interface Probe {
  /** What counts as doing it, in masked code. */
  does: RegExp;
  /** Names of library calls that might do it (audit cannot read libraries). */
  maybe: RegExp;
}

/** Starting the OpenTelemetry SDK (or an instrumentation) in the process that runs the hook. */
export const STARTS_SDK: Probe = {
  does: /\b(TracerProvider|MeterProvider|set_tracer_provider|set_meter_provider|BatchSpanProcessor|SimpleSpanProcessor|PeriodicExportingMetricReader|configure_azure_monitor|configure_opentelemetry|auto_instrumentation\.initialize|sitecustomize)\b|\.instrument(_app)?\s*\(/,
  maybe: /otel|opentelemetry|telemetry|tracing|tracer|instrument|observ/i,
};

/** prometheus_client's mark_process_dead (or a wrapper of it). */
export const MARKS_DEAD: Probe = {
  does: /mark_process_dead/,
  maybe: /mark_process_dead|mark_dead/i,
};

/** Removing or merging a dead worker's metric files. */
export const SWEEPS: Probe = {
  does: /\b(os\.remove|os\.unlink|shutil\.rmtree|shutil\.move|os\.rename|os\.replace)\s*\(|\.unlink\s*\(|\b(remove|unlink|rmtree)\s*\(/,
  maybe: /sweep|clean|purge|compact|archive|prune|collapse|merge|remove|delete/i,
};

/** The project file of a module, looked for from a file's folder up to the root. */
function moduleFile(project: Project, module: string, from: string): string | undefined {
  const dots = /^\.*/.exec(module)?.[0].length ?? 0;
  const path = module.slice(dots).replaceAll('.', '/');
  const candidates = (dir: string) =>
    path === ''
      ? [posix.join(dir, '__init__.py')]
      : [posix.join(dir, `${path}.py`), posix.join(dir, path, '__init__.py')];
  const has = (p: string) => project.text(posix.normalize(p)) !== undefined;
  if (dots > 0) {
    let dir = posix.dirname(from);
    for (let up = 1; up < dots; up++) dir = posix.dirname(dir);
    return candidates(dir)
      .map((p) => posix.normalize(p))
      .find(has);
  }
  let dir = posix.dirname(from);
  for (;;) {
    const found = [...candidates(dir), ...candidates(posix.join(dir, 'src'))]
      .map((p) => posix.normalize(p))
      .find(has);
    if (found) return found;
    if (dir === '.' || dir === '/' || dir === '') return undefined;
    dir = posix.dirname(dir);
  }
}

type Hook = { scan: PythonScan; def: PythonDef } | 'opaque';

/**
 * Where a module-level name is defined: a `def` in the file, or one imported (or assigned) from a
 * project module; `opaque` when it comes from a module audit cannot read.
 */
function definitionOf(
  project: Project,
  scan: PythonScan,
  name: string,
  depth = 2,
): Hook | undefined {
  const local = topLevelDef(scan, name);
  if (local) return { scan, def: local };
  for (const entry of scan.imports) {
    const imported = entry.names.find((n) => n.as === name || n.name === '*');
    if (!imported) continue;
    const file = moduleFile(project, entry.module, scan.file);
    const other = file ? project.python(file) : undefined;
    if (!other) {
      if (imported.name === '*') continue;
      return 'opaque';
    }
    if (depth === 0) return 'opaque';
    const found = definitionOf(
      project,
      other,
      imported.name === '*' ? name : imported.name,
      depth - 1,
    );
    if (found) return found;
  }
  const assigned = scan.assignments.filter((a) => a.name === name).at(-1);
  if (assigned) {
    const [head = '', ...rest] = assigned.value.split('.');
    if (rest.length === 0)
      return head === name ? undefined : definitionOf(project, scan, head, depth);
    const file = moduleOf(project, scan, head);
    const other = file ? project.python(file) : undefined;
    const target = other ? topLevelDef(other, rest.join('.')) : undefined;
    return other && target ? { scan: other, def: target } : 'opaque';
  }
  return undefined;
}

/** The project file a module alias of this file names (`import app.otel as otel`), if any. */
function moduleOf(project: Project, scan: PythonScan, alias: string): string | undefined {
  for (const entry of scan.imports) {
    if (entry.names.length === 0) {
      const top = entry.module.split('.')[0] as string;
      if ((entry.as ?? top) === alias)
        return moduleFile(project, entry.as ? entry.module : top, scan.file);
    } else {
      const named = entry.names.find((n) => n.as === alias);
      if (named) return moduleFile(project, `${entry.module}.${named.name}`, scan.file);
    }
  }
  return undefined;
}

const NOT_CALLS = new Set([
  'if',
  'elif',
  'while',
  'for',
  'return',
  'not',
  'and',
  'or',
  'in',
  'is',
  'with',
  'assert',
  'yield',
  'await',
  'lambda',
  'print',
]);

/** Whether a function does what the probe looks for, itself or through what it calls. */
function reaches(
  project: Project,
  scan: PythonScan,
  def: PythonDef,
  probe: Probe,
  depth = 3,
): Reach {
  // Each function is judged once per probe and depth, however many callers reach it.
  let memo = reached.get(def);
  if (!memo) {
    memo = new Map();
    reached.set(def, memo);
  }
  const key = `${probe.does.source}\0${depth}`;
  const known = memo.get(key);
  if (known) return known;
  // A call cycle (f calls g calls f) counts as nothing more while it is being judged.
  memo.set(key, 'no');
  const answer = judge(project, scan, def, probe, depth);
  memo.set(key, answer);
  return answer;
}

const reached = new WeakMap<PythonDef, Map<string, Reach>>();

function judge(
  project: Project,
  scan: PythonScan,
  def: PythonDef,
  probe: Probe,
  depth: number,
): Reach {
  const body = bodyOf(scan, def);
  if (probe.does.test(body)) return 'yes';
  let unknown = false;
  const callees = new Set(
    [...body.matchAll(/(?<![\w.])([A-Za-z_][\w.]*)\s*\(/g)].map((m) => m[1] as string),
  );
  for (const callee of callees) {
    if (NOT_CALLS.has(callee)) continue;
    const [head = '', ...rest] = callee.split('.');
    const last = rest.at(-1) ?? head;
    let target: Hook | undefined;
    if (rest.length === 0) target = definitionOf(project, scan, head);
    else {
      const file = moduleOf(project, scan, head);
      const other = file ? project.python(file) : undefined;
      const found = other ? topLevelDef(other, rest.join('.')) : undefined;
      if (other && found) target = { scan: other, def: found };
      else if (
        scan.imports.some(
          (i) => i.names.some((n) => n.as === head) || (i.as ?? i.module.split('.')[0]) === head,
        )
      )
        target = 'opaque';
    }
    if (target === undefined) continue;
    if (target === 'opaque') {
      if (probe.maybe.test(last) || probe.maybe.test(head)) unknown = true;
      continue;
    }
    if (depth === 0) {
      unknown = true;
      continue;
    }
    const reached = reaches(project, target.scan, target.def, probe, depth - 1);
    if (reached === 'yes') return 'yes';
    if (reached === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'no';
}

/** What a hook does: absent, or how far its body reaches the probe. */
export function hookReaches(
  project: Project,
  scan: PythonScan,
  name: string,
  probe: Probe,
): { defined: false } | { defined: true; reach: Reach; line?: number } {
  const hook = definitionOf(project, scan, name);
  if (!hook) return { defined: false };
  if (hook === 'opaque') return { defined: true, reach: 'unknown' };
  return {
    defined: true,
    reach: reaches(project, hook.scan, hook.def, probe),
    ...(hook.scan === scan ? { line: hook.def.line } : {}),
  };
}

/**
 * The config file a gunicorn launch reads: `-c FILE` / `--config FILE` (or in GUNICORN_CMD_ARGS),
 * `-c python:module`, else `gunicorn.conf.py` in the folder it starts from (gunicorn 20+ reads it
 * by default). `named` when one is named but is not a file of the project (audit cannot judge it).
 */
export function gunicornConfig(
  project: Project,
  launch: Launch,
  env: ReadonlyMap<string, string>,
  copies: readonly { source: string; dest: string }[] = [],
): { scan: PythonScan } | { named: string } | undefined {
  const fromArgs = (words: readonly string[]) => optionValue(words, '--config', '-c');
  const cmdArgs = gunicornCmdArgs(env);
  const named = fromArgs(launch.words) ?? (cmdArgs ? fromArgs(cmdArgs) : undefined);
  if (named !== undefined) {
    const file = named.startsWith('python:')
      ? moduleFile(project, named.slice('python:'.length), posix.join(launch.dir, 'x.py'))
      : projectPath(project, named, launch.dir, copies);
    const scan = file ? project.python(file) : undefined;
    return scan ? { scan } : { named };
  }
  for (const candidate of [posix.join(launch.dir, 'gunicorn.conf.py'), 'gunicorn.conf.py']) {
    const scan = project.python(posix.normalize(candidate));
    if (scan) return { scan };
  }
  return undefined;
}
