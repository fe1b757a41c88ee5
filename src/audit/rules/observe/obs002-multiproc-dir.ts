import { posix } from 'node:path';
import { serverOf } from '../../../spec/serve-command.js';
import type { PythonScan } from '../../python-scan.js';
import type { DockerfileContext, Finding, Project, PythonContext } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { isPython, isTestFile, MULTIPROC, multiprocWrites } from './facts.js';
import { gunicornConfig, hookReaches, type Probe } from './hooks.js';
import { dockerCopies, dockerEnv, startCommands } from './launch.js';

const FIX_CODE =
  'set PROMETHEUS_MULTIPROC_DIR outside Python, before it starts: `ENV PROMETHEUS_MULTIPROC_DIR=/tmp/metrics` in the Dockerfile (or `export` in the entrypoint script), and empty that folder in the entrypoint before it execs the server (`rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"`); remove this assignment';

function checkPython(ctx: PythonContext, report: (finding: Finding) => void): void {
  if (isTestFile(ctx.file)) return;
  for (const write of multiprocWrites(ctx.python)) {
    report({
      line: write.line,
      column: write.column,
      message: `\`${write.text.trim()}\` sets the Prometheus multiprocess folder from Python: a process that imported prometheus_client before this line (or was started without it) keeps single-process metrics, and prometheus_client's docs ask for it to be set by the shell or entrypoint before Python starts`,
      fix: FIX_CODE,
    });
  }
}

/** Whether a command empties the folder: `rm -r`/`rm -f` of it (or its files), `find DIR -delete`. */
function empties(words: readonly string[], dir: string, names: ReadonlySet<string>): boolean {
  const program = posix.basename(words[0] ?? '');
  const refers = (w: string) =>
    [...w.matchAll(/\$\{?([A-Za-z_]\w*)/g)].some((m) => names.has(m[1] as string)) ||
    (dir !== '' && w.includes(dir));
  if (program === 'rm')
    return words.some((w) => /^-\w*[rRf]/.test(w)) && words.slice(1).some(refers);
  if (program === 'find')
    return words.slice(1).some(refers) && words.some((w) => w === '-delete' || w === 'rm');
  return false;
}

/**
 * The shell variables that hold the folder in these scripts: the variable itself, and those
 * assigned from it (`dir=$PROMETHEUS_MULTIPROC_DIR`) or looping over it (`for f in "$dir"/*.db`).
 */
function folderVariables(name: string, scripts: readonly string[]): Set<string> {
  const names = new Set([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const text of scripts) {
      const pairs = [
        ...text.matchAll(/(?:^|[\s;])([A-Za-z_]\w*)=["']?\$\{?([A-Za-z_]\w*)/g),
        ...text.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\s+[^\n;]*?\$\{?([A-Za-z_]\w*)/g),
      ];
      for (const [, alias, source] of pairs) {
        if (alias && source && names.has(source) && !names.has(alias)) {
          names.add(alias);
          grew = true;
        }
      }
    }
  }
  return names;
}

/** Removing files or a folder, in masked Python. */
const CLEARS: Probe = {
  does: /\b(rmtree|remove|unlink)\s*\(/,
  maybe: /clean|clear|wipe|reset|purge|empty/i,
};

/**
 * Whether a gunicorn config empties the folder when the server starts: at module level (it runs
 * in the master as the config loads), or in on_starting/when_ready (itself or through the
 * project functions it calls). child_exit's removals are a dead worker's, not a start's.
 */
function clearsAtStart(project: Project, scan: PythonScan, dir: string): boolean {
  // The module's own code: the text between its top-level functions (the `def` lines stay).
  const parts: string[] = [];
  let from = 0;
  for (const def of scan.defs) {
    if (def.indent !== 0 || def.start < from) continue;
    parts.push(scan.code.slice(from, def.start));
    from = def.end;
  }
  parts.push(scan.code.slice(from));
  const moduleLevel = parts.join('\n');
  if (
    CLEARS.does.test(moduleLevel) &&
    (new RegExp(MULTIPROC).test(moduleLevel) || (dir !== '' && moduleLevel.includes(dir)))
  )
    return true;
  return ['on_starting', 'when_ready'].some((hook) => {
    const found = hookReaches(project, scan, hook, CLEARS);
    return found.defined && found.reach !== 'no';
  });
}

function checkDockerfile(ctx: DockerfileContext, report: (finding: Finding) => void): void {
  const env = dockerEnv(ctx);
  const set = [...env.entries()].find(([name]) => new RegExp(`^${MULTIPROC}$`).test(name));
  if (!set) return;
  const [name, { value, line, column }] = set;
  const commands = startCommands(ctx);
  // No ENTRYPOINT/CMD: a base image; whoever runs it decides how it starts. A start-up script
  // that is not in the repository (the base image's) may empty the folder: not judged.
  if (commands.length === 0 || commands.some((c) => c.unread)) return;
  const scripts = [...new Set(commands.flatMap((c) => (c.via ? [c.via.file] : [])))].map(
    (file) => ctx.project.text(file) ?? '',
  );
  const names = folderVariables(name, scripts);
  if (commands.some((c) => empties(c.words, value, names))) return;
  const plain = new Map([...env].map(([k, v]) => [k, v.value]));
  const copies = dockerCopies(ctx);
  for (const command of commands) {
    const launch = serverOf(command.words);
    if (launch?.server !== 'gunicorn') continue;
    const config = gunicornConfig(ctx.project, { ...command, ...launch }, plain, copies);
    if (config && 'scan' in config && clearsAtStart(ctx.project, config.scan, value)) return;
  }
  report({
    line,
    column,
    message: `${name}=${value} is set, but nothing the container runs at start empties that folder: a restarted container (or a reused volume) keeps the dead processes' .db files, and prometheus_client adds them to every scrape (counters from before the restart, gauges of processes long gone)`,
    fix: `empty the folder in the entrypoint before the server starts, e.g. a script that runs \`rm -rf "$${name}" && mkdir -p "$${name}"\` and then \`exec "$@"\`, as ENTRYPOINT; or clear it in the gunicorn config's on_starting hook`,
  });
}

function check(
  ctx: PythonContext | DockerfileContext,
  report: (finding: Finding) => void,
): undefined {
  if (isPython(ctx)) checkPython(ctx, report);
  else checkDockerfile(ctx, report);
}

export const obs002 = defineRule<'python' | 'dockerfile'>({
  id: 'OBS002',
  name: 'multiproc-dir-set-late',
  target: 'python',
  targets: ['python', 'dockerfile'],
  severity: 'warning',
  description:
    'PROMETHEUS_MULTIPROC_DIR is set from Python code, or set in the image without being emptied at start.',
  docs: `prometheus_client's multiprocess mode (prometheus.github.io/client_python/multiprocess) reads \`PROMETHEUS_MULTIPROC_DIR\` when the library is imported, and its docs say the variable "should be set from a start-up shell script, and not directly from Python (otherwise it may not propagate to child processes)", and that the folder "must be wiped between process/Gunicorn runs (before startup is recommended)".

Two findings:
- in Python code (any module that names the variable, a gunicorn config included; not tests: \`tests/\`, \`test_*.py\`, \`conftest.py\`, which set it for their own processes): \`os.environ["PROMETHEUS_MULTIPROC_DIR"] = …\`, \`os.environ.setdefault(…)\`, \`os.putenv(…)\`, \`os.environ.update(PROMETHEUS_MULTIPROC_DIR=…)\`, and the same for the old lower-case \`prometheus_multiproc_dir\`;
- in a Dockerfile: \`ENV PROMETHEUS_MULTIPROC_DIR=…\` in the final stage when nothing the container runs at start empties it: an \`rm -r\`/\`rm -f\` of the folder (by its path or \`$PROMETHEUS_MULTIPROC_DIR\`) or a \`find … -delete\` in the ENTRYPOINT/CMD or a script they run, or an rmtree/remove in the gunicorn config the server reads, at module level or in its on_starting/when_ready hook (not child_exit's removals, which are a dead worker's). A Dockerfile with no ENTRYPOINT or CMD (a base image), or one that starts through a script that is not in the repository (\`/docker-entrypoint.sh\` of the base image), is not judged. A container's files survive \`docker restart\`, so a folder made by RUN at build time is not enough.

Fix: set the variable in the Dockerfile or the entrypoint script, and empty the folder there before exec'ing the server (envgen's generated \`envgen-observe\` entrypoint does, with \`observe: { metrics: prometheus }\`).`,
  check,
});
