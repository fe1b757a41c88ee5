/**
 * `envgen init`: writes envgen.yaml for a model repo from flags and what the repo shows, checks
 * that it resolves, then generates. Asks only on a terminal; never replaces a file without
 * --force.
 */
import { join } from 'node:path';
import { resolveModel } from '../../compat/resolve.js';
import { resolveSpec } from '../../compat/resolve-spec.js';
import { buildTable } from '../../compat/table.js';
import type { Source } from '../../compat/types.js';
import { applyPlan } from '../../generate/apply-plan.js';
import { detectRepo } from '../../init/detect-repo.js';
import { specText } from '../../init/spec-text.js';
import { UserError, usageError } from '../../problem.js';
import { renderPlan } from '../../render/plan.js';
import { parseSpecText, SPEC_FILE } from '../../spec/load-spec.js';
import type { Base, ModelSpec, PlatformName } from '../../spec/types.js';
import type { CommandContext } from '../context.js';
import { VERSION } from '../version.js';

export interface InitFlags {
  name?: string;
  torch?: string;
  python?: string;
  cuda?: string;
  source?: Source | 'auto';
  base?: Base;
  platform?: PlatformName;
  vision?: boolean;
  audio?: boolean;
  serve?: string;
  port?: string;
  health?: string;
  driver?: string;
  gpu?: string[];
  yes?: boolean;
  force?: boolean;
}

export async function runInit(ctx: CommandContext, flags: InitFlags): Promise<number> {
  const { io, root } = ctx;
  const specPath = join(root, SPEC_FILE);
  if (!flags.force && (await io.exists(specPath))) {
    throw usageError(
      'init/spec-exists',
      `${SPEC_FILE} already exists in ${root}`,
      'edit it and run `envgen generate`, or pass --force to replace it',
    );
  }

  const found = await detectRepo(io, root);
  const evidence = [...found.evidence];
  let name = flags.name ?? found.name;
  const model: ModelSpec = {
    ...pick('torch', flags.torch, found.torch),
    ...pick('python', flags.python, found.python),
    ...pick('cuda', flags.cuda, found.cuda),
    ...pick('source', flags.source, found.source),
    ...pick('base', flags.base, undefined),
    ...pick('platform', flags.platform, undefined),
    ...pick('vision', flags.vision, found.vision),
    ...pick('audio', flags.audio, found.audio),
    ...(found.conda.length ? { conda: found.conda } : {}),
    ...(found.pip.length ? { pip: found.pip } : {}),
  };
  const serve = serveFrom(flags, found.serve);
  if (serve) model.serve = serve;

  if (io.stdinIsTTY && !flags.yes && !ctx.json) {
    name = (await io.prompt(`Model name [${name}]: `)).trim() || name;
    for (const key of ['torch', 'python', 'cuda'] as const) {
      const shown = model[key] ?? (key === 'cuda' ? 'auto' : 'newest that fits');
      const answer = (await io.prompt(`${key} [${shown}]: `)).trim();
      if (answer) model[key] = answer;
    }
  }

  const fleet = {
    ...(flags.driver ? { driver: flags.driver } : {}),
    ...(flags.gpu?.length ? { gpus: flags.gpu } : {}),
  };

  // Pin what the resolver chose, so the spec says exactly what the files will hold and a newer
  // envgen does not silently move it: the torch series, the Python, the CUDA build, the source.
  const draft = parseSpecText(specText({ name, model, fleet, evidence }), SPEC_FILE);
  const resolveDraft = () =>
    resolveModel(buildTable(), {
      name,
      ...(model.torch ? { torch: model.torch } : {}),
      ...(model.python ? { python: model.python } : {}),
      ...(model.cuda ? { cuda: model.cuda } : {}),
      ...(model.source ? { source: model.source } : {}),
      ...(model.platform ? { platform: model.platform } : {}),
      fleet: draft.spec.fleet ?? {},
    });
  let outcome = resolveDraft();
  // A Python found in the repo (often a `requires-python` floor) is a hint, not a demand: when
  // torch does not support it, take the Python the resolver picks, and say so.
  if (!outcome.ok && outcome.error.ruleId === 'resolve/python' && !flags.python && model.python) {
    evidence.push(
      `python ${model.python} from the repo does not fit: ${outcome.error.message}; using the resolver's choice`,
    );
    delete model.python;
    outcome = resolveDraft();
  }
  if (!outcome.ok) {
    throw new UserError([
      {
        ruleId: outcome.error.ruleId,
        severity: 'error',
        message: outcome.error.message,
        fix: outcome.error.fix,
      },
    ]);
  }
  const resolved = outcome.model;
  model.torch ??= resolved.torch.split('.').slice(0, 2).join('.');
  model.python ??= resolved.python;
  if (model.cuda !== 'auto') model.cuda = resolved.cuda;
  model.source ??= resolved.source;

  const text = specText({ name, model, fleet, evidence });
  const loaded = parseSpecText(text, SPEC_FILE);
  const resolution = resolveSpec(buildTable(), loaded, [name]);
  if (resolution.problems.length > 0) throw new UserError(resolution.problems);
  const plan = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models: resolution.models,
    version: VERSION,
  });

  // Check every target before writing anything, so a refused file leaves nothing half done.
  const preview = await applyPlan(io, root, plan, { check: true, force: false });
  const blocked = preview
    .filter((f) => f.status === 'edited' || f.status === 'stale')
    .map((f) => f.path);
  if (blocked.length > 0 && !flags.force) {
    throw usageError(
      'init/files-exist',
      `files envgen would write already exist: ${blocked.join(', ')}`,
      'pass --force to replace them',
    );
  }
  await io.writeFileAtomic(specPath, text);
  const files = await applyPlan(io, root, plan, { check: false, force: Boolean(flags.force) });

  if (ctx.json) {
    io.stdout.write(
      `${JSON.stringify({ spec: SPEC_FILE, model: resolution.models[0], files: files.map(({ path, status }) => ({ path, status })) }, null, 2)}\n`,
    );
    return 0;
  }
  const m = resolution.models[0];
  const lines = [
    `wrote ${SPEC_FILE}: model '${name}', torch ${m?.torch}, python ${m?.python}, ${m?.cuda === 'cpu' ? 'cpu' : `cuda ${m?.cuda}`}, from ${m?.source}`,
    ...evidence.map((line) => `  ${ctx.color.dim(line)}`),
    ...files.map((f) => `${f.status.padEnd(9)} ${f.path}`),
    '',
    'Next: review envgen.yaml (`envgen resolve` says why each pin was chosen), then `docker buildx bake`.',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function pick<K extends keyof ModelSpec>(
  key: K,
  flag: ModelSpec[K] | undefined,
  found: ModelSpec[K] | undefined,
): Partial<ModelSpec> {
  const value = flag ?? found;
  return value === undefined ? {} : { [key]: value };
}

function serveFrom(flags: InitFlags, found: ModelSpec['serve']): ModelSpec['serve'] {
  if (!flags.serve) {
    if (!found) return undefined;
    return {
      ...found,
      ...(flags.port ? { port: portOf(flags.port) } : {}),
      ...(flags.health ? { health: flags.health } : {}),
    };
  }
  const command = flags.serve.trim().split(/\s+/);
  return {
    command,
    ...(flags.port ? { port: portOf(flags.port) } : found?.port ? { port: found.port } : {}),
    ...(flags.health ? { health: flags.health } : {}),
  };
}

function portOf(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw usageError(
      'usage/invalid-flag',
      `--port '${text}' is not a TCP port`,
      'give a whole number from 1 to 65535',
    );
  }
  return port;
}
