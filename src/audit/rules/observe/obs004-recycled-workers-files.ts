import { integerIn, type PythonScan } from '../../python-scan.js';
import type {
  DockerfileContext,
  Finding,
  Project,
  PythonContext,
  SpecContext,
} from '../../types.js';
import { defineRule } from '../define-rule.js';
import { at, isDockerfile, isPython, MULTIPROC, multiprocSet } from './facts.js';
import { gunicornConfig, hookReaches, MARKS_DEAD, SWEEPS } from './hooks.js';
import {
  dockerCopies,
  dockerEnv,
  dockerLaunches,
  gunicornCmdArgs,
  optionValue,
  specLaunches,
  viaText,
} from './launch.js';

/** What is missing from child_exit; undefined when it cleans up (or audit cannot tell). */
function missing(project: Project, config: PythonScan | undefined): string | undefined {
  if (!config) return 'no gunicorn config defines child_exit';
  const marks = hookReaches(project, config, 'child_exit', MARKS_DEAD);
  if (!marks.defined) return `${config.file} defines no child_exit`;
  const sweeps = hookReaches(project, config, 'child_exit', SWEEPS);
  if (marks.reach === 'unknown' || !sweeps.defined || sweeps.reach !== 'no') return undefined;
  if (marks.reach === 'no')
    return `the child_exit in ${config.file} does not call mark_process_dead`;
  return `the child_exit in ${config.file} calls mark_process_dead, which removes only a dead worker's live-gauge files, and nothing sweeps its counter and histogram files`;
}

const FIX =
  "in the gunicorn config's child_exit(server, worker), call `prometheus_client.multiprocess.mark_process_dead(worker.pid)` and then fold the dead worker's counter/histogram files (`*_<pid>.db`) into an archive file and remove them (counts kept), or stop recycling workers (`max_requests = 0`)";

function messageOf(setting: string, requests: number, why: string, where: string): string {
  return `${setting} recycles each worker after ${requests} requests, and prometheus_client's multiprocess mode is on (${where}), but ${why}: every recycled worker leaves its .db files in the multiprocess folder, which grows without bound and makes each scrape slower (prometheus/client_python#275, #931)`;
}

/** gunicorn's hooks and settings other than max_requests: what makes a module a gunicorn config. */
const GUNICORN_NAMES = new Set([
  'post_fork',
  'post_worker_init',
  'child_exit',
  'worker_exit',
  'on_starting',
  'when_ready',
  'pre_fork',
  'bind',
  'workers',
  'worker_class',
  'threads',
  'timeout',
  'graceful_timeout',
  'keepalive',
  'preload_app',
  'max_requests_jitter',
  'worker_connections',
  'wsgi_app',
  'accesslog',
  'errorlog',
]);

/** A gunicorn config: by its name, or a hook or another setting of gunicorn's at module level. */
function isGunicornConfig(scan: PythonScan): boolean {
  return (
    /gunicorn/i.test(scan.file) ||
    scan.defs.some((d) => d.indent === 0 && GUNICORN_NAMES.has(d.name)) ||
    scan.assignments.some((a) => GUNICORN_NAMES.has(a.name))
  );
}

function checkConfig(ctx: PythonContext, report: (finding: Finding) => void): void {
  if (!isGunicornConfig(ctx.python)) return;
  const setting = ctx.python.assignments.filter((a) => a.name === 'max_requests').at(-1);
  const requests = setting ? integerIn(setting.value) : undefined;
  if (!setting || !requests) return;
  const where = multiprocSet(ctx.project);
  if (!where) return;
  const why = missing(ctx.project, ctx.python);
  if (!why) return;
  report({
    line: setting.line,
    column: setting.column,
    message: messageOf(`max_requests = ${requests}`, requests, why, at(where)),
    fix: FIX,
  });
}

function checkLaunches(
  ctx: DockerfileContext | SpecContext,
  report: (finding: Finding) => void,
): void {
  const docker = isDockerfile(ctx);
  const launches = docker ? dockerLaunches(ctx) : specLaunches(ctx);
  const env = new Map<string, string>();
  if (docker) for (const [name, { value }] of dockerEnv(ctx)) env.set(name, value);
  const copies = docker ? dockerCopies(ctx) : [];
  for (const launch of launches) {
    if (launch.server !== 'gunicorn') continue;
    const cmdArgs = gunicornCmdArgs(env);
    const value =
      optionValue(launch.words, '--max-requests') ??
      (cmdArgs ? optionValue(cmdArgs, '--max-requests') : undefined);
    const requests = value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
    if (requests === 0) continue;
    // This image's own ENV first; else wherever the project sets the folder (compose, a script).
    const own = docker
      ? [...dockerEnv(ctx)].find(([name]) => new RegExp(`^${MULTIPROC}$`).test(name))?.[1]
      : undefined;
    const where = own ? { file: ctx.file, line: own.line } : multiprocSet(ctx.project);
    if (!where) return;
    const config = gunicornConfig(ctx.project, launch, env, copies);
    if (config && 'named' in config) continue;
    const why = missing(ctx.project, config?.scan);
    if (!why) continue;
    report({
      line: launch.line,
      column: launch.column,
      message: messageOf(
        `\`--max-requests ${requests}\`${viaText(launch)}`,
        requests,
        why,
        at(where),
      ),
      fix: FIX,
    });
  }
}

function check(
  ctx: PythonContext | DockerfileContext | SpecContext,
  report: (finding: Finding) => void,
): undefined {
  if (isPython(ctx)) checkConfig(ctx, report);
  else checkLaunches(ctx as DockerfileContext | SpecContext, report);
}

export const obs004 = defineRule<'python' | 'dockerfile' | 'spec'>({
  id: 'OBS004',
  name: 'recycled-workers-metric-files',
  target: 'python',
  targets: ['python', 'dockerfile', 'spec'],
  severity: 'warning',
  description:
    "gunicorn recycles workers (max_requests) with Prometheus multiprocess metrics, and nothing removes the dead workers' files.",
  docs: `In prometheus_client's multiprocess mode every worker writes its own \`.db\` files to \`PROMETHEUS_MULTIPROC_DIR\`, and a scrape reads all of them. \`multiprocess.mark_process_dead(pid)\` in gunicorn's \`child_exit\` is required (prometheus.github.io/client_python/multiprocess) but removes only a dead worker's live-gauge files; its counter and histogram files stay, so with worker recycling (\`max_requests\`) the folder grows without bound and scrapes slow down (prometheus/client_python#275, #204, #931, #971; BerriAI/litellm#28713 reports about 100 MB a day). The maintainers will not delete counter files because that loses counts (#411): a sweep has to fold them into an archive first.

The rule reports \`max_requests = N\` (N > 0) in a gunicorn config (a Python file named like one, or with one of gunicorn's hooks or other settings at module level: a rate limiter's \`max_requests\` elsewhere is not one), and \`--max-requests N\` on a gunicorn command (a Dockerfile's ENTRYPOINT/CMD or a script it runs, GUNICORN_CMD_ARGS, a model's \`serve.command\`), when the project turns multiprocess mode on (a Dockerfile ENV, a script's export, a YAML file, or Python code sets the folder) and the config's \`child_exit\` either does not call \`mark_process_dead\`, or calls it and removes no files (\`os.remove\`, \`unlink\`, \`rmtree\`, a rename), itself or in the project functions it calls. A hook that calls a library whose name suggests a sweep is given the benefit of the doubt.

Fix: in \`child_exit\`, mark the process dead, then fold its counter/histogram files into an archive and remove them (envgen's generated gunicorn.conf.py does when \`max_requests\` is set); or do not recycle workers.`,
  check,
});
