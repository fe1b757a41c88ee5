/**
 * `envgen build`: in CI, check the generated files are current, create each environment with
 * the conda tool found here, prove it with the smoke check, optionally build and check the
 * images, and report.
 */
import { join, resolve as resolvePath } from 'node:path';
import type { ResolvedModel } from '../../compat/resolve.js';
import { buildImages, type DockerTarget, dockerProblems } from '../../environments/build-images.js';
import { type BuildReport, buildEnvironments } from '../../environments/create-environments.js';
import { applyPlan } from '../../generate/apply-plan.js';
import { ENVIRONMENTS_ROOT, lockPath, pipLockPath } from '../../layout.js';
import { UserError, usageError } from '../../problem.js';
import { createProgress } from '../../progress.js';
import {
  buildDiagnostics,
  buildReportTable,
  junitXml,
  stepSummaryMarkdown,
} from '../../report/build-report.js';
import { colorFor } from '../../report/color.js';
import { jsonText } from '../../report/json.js';
import { formatWarnings } from '../../report/warnings.js';
import { findCondaTool, INSTALL_HINT } from '../../runner/conda-tool.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { durationMs } from '../duration.js';
import { EXIT, exitFor } from '../exit-codes.js';
import { resolveSpecModels } from '../spec-models.js';
import { planSpec } from '../spec-plan.js';
import { positiveInt } from '../whole-number.js';

export interface BuildFlags {
  conda?: string;
  docker?: boolean;
  gpu?: boolean;
  jobs?: string;
  timeout?: string;
  keep?: boolean;
  write?: boolean;
  report?: string;
  junit?: string;
  prefixRoot?: string;
  rules?: string;
  builder?: string;
}

export async function runBuild(
  ctx: CommandContext,
  names: string[],
  flags: BuildFlags,
  signal: AbortSignal,
): Promise<number> {
  const { io, root } = ctx;
  const jobs = positiveInt(flags.jobs ?? '1', '--jobs');
  const timeoutMs = flags.timeout ? durationMs(flags.timeout) : undefined;
  if (flags.builder !== undefined) checkBuilder(flags.builder, Boolean(flags.docker));

  const { loaded, models, problems, selected, table } = await resolveSpecModels(ctx, names, {
    ...(flags.rules ? { rules: flags.rules } : {}),
    all: true,
  });
  if (problems.length > 0) throw new UserError(problems);
  ctx.io.stderr.write(formatWarnings(models, colorFor(ctx.io.stderr, ctx.io.env)));

  // The files CI builds must be the files the spec renders to, or the build proves nothing;
  // a lock that is no longer what the spec locks to is reported first, with its own fix.
  const { whole: plan, locks: lockState } = await planSpec(ctx, {
    loaded,
    models,
    selected,
    table,
  });
  if (lockState.outdated.length > 0) {
    throw new UserError(
      lockState.outdated.map((o) => ({
        ruleId: 'lock/out-of-date',
        severity: 'error' as const,
        file: o.path,
        message: `${o.path} is ${o.status}: it is not what ${SPEC_FILE} locks to now`,
        fix:
          o.status === 'edited'
            ? 'run `envgen lock --force` to replace the edited lock'
            : 'run `envgen lock` and commit the locks',
      })),
    );
  }
  const files = await applyPlan(io, root, plan, { check: !flags.write, force: false });
  const outOfDate = files.filter((f) => f.status !== 'unchanged' && !f.written);
  if (outOfDate.length > 0) {
    throw new UserError(
      outOfDate.map((f) => ({
        ruleId: 'generate/out-of-date',
        severity: 'error' as const,
        file: f.path,
        message: `${f.path} is ${f.status}`,
        fix:
          f.status === 'edited'
            ? 'move the edit into envgen.yaml and run `envgen generate --force`'
            : f.status === 'foreign'
              ? 'this file was not written by envgen: `envgen generate --force` replaces it (keep a copy of your own)'
              : 'run `envgen generate` (or `envgen build --write`) and commit the files',
      })),
    );
  }

  const found = await findCondaTool(io, flags.conda ? resolvePath(io.cwd, flags.conda) : undefined);
  if (!found.ok) {
    throw new UserError([
      {
        ruleId: 'build/no-conda',
        severity: 'error',
        message: `no conda tool found (looked at: ${found.tried.join('; ')})`,
        fix: INSTALL_HINT,
      },
    ]);
  }
  const docker = flags.docker ? await io.which('docker') : null;
  if (flags.docker && !docker) {
    throw new UserError([
      {
        ruleId: 'build/no-docker',
        severity: 'error',
        message: 'docker is not on PATH, and --docker needs it',
        fix: 'install Docker (with BuildKit/buildx), or leave out --docker',
      },
    ]);
  }
  const target: DockerTarget | undefined = docker
    ? { exe: docker, ...(flags.builder !== undefined ? { builder: flags.builder } : {}) }
    : undefined;
  if (target) {
    const missing = await dockerProblems(io, target);
    if (missing.length > 0) throw new UserError(missing);
  }

  const chosen = models.filter((m) => selected.includes(m.name));
  const progress = createProgress(io, { quiet: false });
  const options = {
    root,
    spec: loaded.spec,
    models: chosen,
    tool: found.tool,
    hostPlatform: io.hostPlatform,
    prefixRoot: flags.prefixRoot
      ? resolvePath(io.cwd, flags.prefixRoot)
      : join(root, ENVIRONMENTS_ROOT),
    gpu: Boolean(flags.gpu),
    jobs,
    ...(timeoutMs ? { timeoutMs } : {}),
    keep: Boolean(flags.keep),
    signal,
    progress,
    locks: lockFiles(root, chosen, lockState.current),
  };
  let builds: BuildReport['models'];
  try {
    builds = await buildEnvironments(io, options);
    if (target && !signal.aborted) await buildImages(io, target, builds, chosen, options);
  } finally {
    progress.close();
  }

  const report: BuildReport = {
    ok: builds.every((b) => b.ok),
    tool: { kind: found.tool.kind, path: found.tool.path, version: found.tool.version },
    models: builds,
  };
  const json = jsonText(report);
  if (ctx.json) io.stdout.write(json);
  else {
    io.stdout.write(buildReportTable(report, ctx.color));
    // Problems and logs are diagnostics: stderr, so `envgen build > table.txt` keeps them in view.
    io.stderr.write(buildDiagnostics(report, colorFor(io.stderr, io.env)));
  }
  if (flags.report) await io.writeFileAtomic(resolvePath(io.cwd, flags.report), json);
  if (flags.junit) await io.writeFileAtomic(resolvePath(io.cwd, flags.junit), junitXml(report));
  if (io.env.GITHUB_STEP_SUMMARY)
    await io.appendFile(io.env.GITHUB_STEP_SUMMARY, stepSummaryMarkdown(report));

  if (signal.aborted) return EXIT.interrupted;
  return exitFor(builds.flatMap((b) => b.problems));
}

/** Where the current lock (and pip companion) of each locked model being built is. */
function lockFiles(
  root: string,
  models: readonly ResolvedModel[],
  current: ReadonlySet<string>,
): Map<string, { conda: string; pip: string | null }> {
  const locks = new Map<string, { conda: string; pip: string | null }>();
  for (const model of models.filter((m) => current.has(m.name))) {
    locks.set(model.name, {
      conda: join(root, lockPath(model.name, model.platform)),
      pip: model.pip.length > 0 ? join(root, pipLockPath(model.name)) : null,
    });
  }
  return locks;
}

/** A buildx builder's name, as `docker buildx ls` lists them. */
const BUILDER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** `--builder NAME`: a buildx builder's name, and only with --docker (it is bake's). */
function checkBuilder(name: string, docker: boolean): void {
  if (!docker)
    throw usageError(
      'usage/invalid-flag',
      '--builder chooses where --docker builds the images, and --docker is not given',
      `add --docker: envgen build --docker --builder ${BUILDER.test(name) ? name : 'NAME'}`,
    );
  if (!BUILDER.test(name))
    throw usageError(
      'usage/invalid-flag',
      `--builder ${JSON.stringify(name)} is not a buildx builder name`,
      'letters, digits, `_`, `.` and `-`, as `docker buildx ls` lists them: --builder k8s',
    );
}
