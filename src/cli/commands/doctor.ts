/**
 * `envgen doctor`: on a GPU machine, find why a model cannot run here and say the fix. Flags
 * in, one check of the machine (src/doctor/check-machine.ts), the report out; exit 1 when the
 * report has an error.
 */
import { join, resolve } from 'node:path';
import { checkMachine, doctorProblems } from '../../doctor/check-machine.js';
import { ENVIRONMENTS_ROOT } from '../../layout.js';
import { lazyProgress } from '../../progress.js';
import { formatDoctor } from '../../report/doctor-text.js';
import { writeJson } from '../../report/json.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { EXIT, exitFor } from '../exit-codes.js';
import { resolveSpecModels } from '../spec-models.js';

export interface DoctorFlags {
  conda?: string;
  docker?: boolean;
  prefixRoot?: string;
  rules?: string;
}

export async function runDoctor(
  ctx: CommandContext,
  names: string[],
  flags: DoctorFlags,
  signal: AbortSignal,
): Promise<number> {
  const { io, root } = ctx;
  const hasSpec = await io.exists(join(root, SPEC_FILE));
  const spec = hasSpec
    ? await resolveSpecModels(ctx, names, { ...(flags.rules ? { rules: flags.rules } : {}) })
    : undefined;
  const progress = lazyProgress(io);
  const { report, gpus } = await checkMachine(io, {
    root,
    ...(spec ? { spec } : {}),
    prefixRoot: flags.prefixRoot
      ? resolve(io.cwd, flags.prefixRoot)
      : join(root, ENVIRONMENTS_ROOT),
    ...(flags.conda ? { conda: flags.conda } : {}),
    docker: Boolean(flags.docker),
    signal,
    ...(hasSpec ? {} : { noSpecNote: `no ${SPEC_FILE} here: only the machine was checked` }),
    progress,
  }).finally(() => progress.close());
  if (ctx.json) writeJson(io, report);
  else io.stdout.write(formatDoctor(report, gpus, ctx.color));
  // Stopped (Ctrl-C): the report says what was checked before.
  if (signal.aborted) return EXIT.interrupted;
  return exitFor(doctorProblems(report));
}
