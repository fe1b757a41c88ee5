/**
 * `envgen drift`: each model's installed environment (where `envgen build` created it, or
 * `--prefix DIR`) against its lock. Flags in, one drift check per model, the report out; exit 1
 * on drift, 2 on bad input (no lock, no environment, a folder that is not one).
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  checkDrift,
  type DriftTarget,
  driftTarget,
  isEnvironment,
  type ModelDrift,
} from '../../drift/check-drift.js';
import { ENVIRONMENTS_ROOT } from '../../layout.js';
import { type Problem, problem, usageError } from '../../problem.js';
import { lazyProgress } from '../../progress.js';
import { colorFor } from '../../report/color.js';
import { formatDrift } from '../../report/drift-text.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { loadSpec, SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { exitFor } from '../exit-codes.js';
import { checkModelNames } from '../spec-models.js';

export interface DriftFlags {
  prefix?: string;
  prefixRoot?: string;
  files?: boolean;
}

/** Codes shown by the drift lines themselves (not again on stderr). */
const SHOWN = /^drift\/(missing|extra|mismatch|altered-file|deleted-file|unreadable-file)$/;

export async function runDrift(
  ctx: CommandContext,
  names: string[],
  flags: DriftFlags,
): Promise<number> {
  const { io, root } = ctx;
  const loaded = await loadSpec(io, join(root, SPEC_FILE));
  const all = checkModelNames(loaded, names);
  if (flags.prefix !== undefined && flags.prefixRoot !== undefined) {
    throw usageError(
      'usage/invalid-flag',
      '--prefix and --prefix-root cannot be used together',
      '--prefix names one environment (with one model), --prefix-root the folder of them all',
    );
  }
  const selected = names.length > 0 ? all.filter((n) => names.includes(n)) : all;
  if (flags.prefix !== undefined) {
    if (selected.length !== 1) {
      throw usageError(
        'usage/invalid-flag',
        `--prefix names one environment; name the model it is for (one of: ${all.join(', ')})`,
        `e.g. envgen drift ${all[0] ?? 'MODEL'} --prefix ${flags.prefix}`,
      );
    }
  }
  // Paths in the repository are named from its root (as other commands name envs/...), others
  // as they are.
  const label = (path: string): string => {
    const rel = relative(root, path).split(sep).join('/');
    if (rel === '') return '.';
    if (!rel.startsWith('../') && rel !== '..' && !isAbsolute(rel)) return rel;
    const fromCwd = relative(io.cwd, path).split(sep).join('/');
    return isAbsolute(fromCwd) ? path : fromCwd || '.';
  };
  const prefixRoot = flags.prefixRoot
    ? resolve(io.cwd, flags.prefixRoot)
    : join(root, ENVIRONMENTS_ROOT);
  const targets: DriftTarget[] = selected.map((model) => {
    const spec = loaded.spec.models[model] ?? {};
    return driftTarget(
      root,
      {
        name: model,
        platform: spec.platform ?? loaded.spec.defaults?.platform ?? 'linux-64',
        prefix: flags.prefix ? resolve(io.cwd, flags.prefix) : join(prefixRoot, model),
        localPackages: (spec.localPackages ?? []).length > 0,
      },
      label,
    );
  });

  // Without models named, the models whose environment is not here are left out, with a note;
  // named (or with --prefix), a missing environment is an error.
  const problems: Problem[] = [];
  const present: DriftTarget[] = [];
  for (const target of targets) {
    if (flags.prefix !== undefined || (await isEnvironment(io, target.prefix))) {
      present.push(target);
      continue;
    }
    const named = names.length > 0;
    problems.push(
      problem(
        'drift/no-environment',
        `${target.model}: no environment at ${target.prefixLabel}${named ? '' : ' (skipped)'}`,
        {
          ...(named ? {} : { severity: 'info' as const }),
          fix: `create it with \`envgen build ${target.model}\`, or name where it is: --prefix DIR (or --prefix-root DIR)`,
        },
      ),
    );
  }
  if (present.length === 0 && names.length === 0) {
    throw usageError(
      'drift/no-environment',
      `no model of ${loaded.file} has an environment under ${label(prefixRoot)}`,
      'create them with `envgen build`, or name where they are: --prefix-root DIR, or MODEL --prefix DIR',
    );
  }
  const progress = lazyProgress(io);
  const models: ModelDrift[] = [];
  try {
    for (const target of present) {
      models.push(await checkDrift(io, target, { files: flags.files !== false, progress }));
    }
  } finally {
    progress.close();
  }
  const allProblems = [...problems, ...models.flatMap((m) => m.problems)];
  if (ctx.json) {
    // Each model's problems are in the one `problems` list, as in every command's JSON.
    writeJson(io, {
      ok: exitFor(allProblems) === 0,
      models: models.map(({ problems: _, ...model }) => model),
      problems: allProblems,
    });
  } else {
    io.stdout.write(formatDrift(models, ctx.color));
  }
  // The rest (no lock, a skipped environment, an unreadable distribution) on stderr, as other
  // commands print theirs.
  const others = allProblems.filter((p) => !SHOWN.test(p.ruleId));
  if (others.length > 0) {
    io.stderr.write(formatProblems(others, colorFor(io.stderr, io.env)));
  }
  return exitFor(allProblems);
}
