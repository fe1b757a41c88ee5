/**
 * `envgen graph [MODEL]` and `envgen why PACKAGE [MODEL]`: the dependency graph of a model's
 * conda-lock.yml, or of an installed environment (`--prefix DIR`), as a tree, JSON, DOT or
 * Mermaid; and the shortest paths from the spec's packages to one package.
 */
import { join, resolve as resolvePath } from 'node:path';
import type { DependencyGraph } from '../../graph/graph.js';
import { type GraphModel, type LoadedGraph, loadGraph } from '../../graph/load.js';
import { graphReport, whyReports } from '../../graph/report.js';
import { condaLockPath } from '../../layout.js';
import { DEFAULT_REPODATA_LIMIT_BYTES } from '../../lock/repodata-cache.js';
import { problem, UserError, usageError } from '../../problem.js';
import { formatDot, formatMermaid } from '../../report/graph-diagram.js';
import { graphJson, whyJson } from '../../report/graph-json.js';
import { formatGraphText, formatWhyText } from '../../report/graph-text.js';
import { writeJson } from '../../report/json.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { repodataCacheDir, repodataLimit } from '../repodata-cache.js';
import { resolveSpecModels } from '../spec-models.js';

export interface GraphFlags {
  prefix?: string;
  format: 'text' | 'json' | 'dot' | 'mermaid';
  invert?: string | true;
  platform?: string;
}

export interface WhyFlags {
  prefix?: string;
  platform?: string;
}

export async function runGraph(
  ctx: CommandContext,
  name: string | undefined,
  flags: GraphFlags,
): Promise<number> {
  checkFlags(flags);
  const [model] = name !== undefined || !flags.prefix ? await models(ctx, name, 'one') : [];
  const { graph, problems } = await load(ctx, model, flags);
  const report = graphReport(graph, model?.name ?? null, flags.invert, problems);
  const format = ctx.json ? 'json' : flags.format;
  if (format === 'json') writeJson(ctx.io, graphJson(report));
  else if (format === 'dot') ctx.io.stdout.write(formatDot(report));
  else if (format === 'mermaid') ctx.io.stdout.write(formatMermaid(report));
  else ctx.io.stdout.write(formatGraphText(report, ctx.color));
  return EXIT.ok;
}

export async function runWhy(
  ctx: CommandContext,
  packageName: string,
  name: string | undefined,
  flags: WhyFlags,
): Promise<number> {
  checkFlags(flags);
  const chosen = name !== undefined || !flags.prefix ? await models(ctx, name, 'locked') : [];
  const graphs: { model: string | null; graph: DependencyGraph }[] = [];
  for (const model of chosen.length > 0 ? chosen : [undefined]) {
    const { graph } = await load(ctx, model, flags);
    graphs.push({ model: model?.name ?? null, graph });
  }
  const reports = whyReports(graphs, packageName);
  if (ctx.json) writeJson(ctx.io, whyJson(packageName, reports));
  else ctx.io.stdout.write(formatWhyText(packageName, reports, ctx.color));
  return EXIT.ok;
}

/** --platform picks a platform of a lock; an installed environment is of one platform. */
function checkFlags(flags: { prefix?: string; platform?: string }): void {
  if (flags.prefix !== undefined && flags.platform !== undefined) {
    throw usageError(
      'usage/invalid-flag',
      '--platform and --prefix do not go together: --platform picks a platform of the lock',
      'leave out --platform: an installed environment is of the platform it was made for',
    );
  }
}

/**
 * The model named, else the spec's only model; for `why` with none named and several in the
 * spec (`locked`), every model that has a conda-lock.yml.
 */
async function models(
  ctx: CommandContext,
  name: string | undefined,
  many: 'one' | 'locked',
): Promise<GraphModel[]> {
  const resolved = await resolveSpecModels(ctx, name !== undefined ? [name] : [], {});
  if (resolved.problems.some((p) => p.severity === 'error')) throw new UserError(resolved.problems);
  const all = resolved.models;
  if (name !== undefined || all.length === 1) return all.slice(0, 1);
  if (many === 'one') {
    throw new UserError([
      problem('graph/model-needed', `${resolved.loaded.file} has ${all.length} models: name one`, {
        fix: `e.g. envgen graph ${all[0]?.name ?? 'MODEL'}; models: ${all.map((m) => m.name).join(', ')}`,
      }),
    ]);
  }
  const locked: GraphModel[] = [];
  for (const model of all) {
    if (await ctx.io.exists(join(ctx.root, condaLockPath(model.name)))) locked.push(model);
  }
  if (locked.length > 0) return locked;
  throw new UserError([
    problem('graph/no-lock', 'no model has a lock (envs/<model>/conda-lock.yml)', {
      fix: 'run `envgen lock` first, or give an installed environment with --prefix DIR',
    }),
  ]);
}

function load(
  ctx: CommandContext,
  model: GraphModel | undefined,
  flags: { prefix?: string; platform?: string },
): Promise<LoadedGraph> {
  return loadGraph(ctx.io, {
    root: ctx.root,
    // A lock records no sizes: they are read from the repodata `envgen lock` cached, offline.
    sizeCache: {
      dir: repodataCacheDir(ctx.io),
      maxBytes: repodataLimit(ctx.io) ?? DEFAULT_REPODATA_LIMIT_BYTES,
    },
    ...(model ? { model } : {}),
    ...(flags.prefix
      ? { prefix: { dir: resolvePath(ctx.io.cwd, flags.prefix), label: flags.prefix } }
      : {}),
    ...(flags.platform ? { platform: flags.platform } : {}),
  });
}
