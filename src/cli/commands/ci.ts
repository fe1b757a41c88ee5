/** `envgen ci github|gitlab`: write the CI pipeline for the spec's models, or (`--check`) compare. */
import { CI_PROVIDERS, type CiProvider, MAX_MIN_FREE_GB } from '../../ci/pipeline.js';
import { writePipeline } from '../../ci/write-pipeline.js';
import { usageError } from '../../problem.js';
import { colorFor } from '../../report/color.js';
import { fileStatusPaint, formatFileOutcomes } from '../../report/file-outcomes.js';
import { writeJson } from '../../report/json.js';
import { formatProblems } from '../../report/problems.js';
import { didYouMean } from '../../spec/did-you-mean.js';
import type { CommandContext } from '../context.js';
import { exitFor } from '../exit-codes.js';
import { VERSION } from '../version.js';
import { positiveInt } from '../whole-number.js';

export interface CiFlags {
  check?: boolean;
  force?: boolean;
  registry?: string;
  branch?: string;
  minFreeGb?: string;
}

export async function runCi(
  ctx: CommandContext,
  provider: string,
  flags: CiFlags,
): Promise<number> {
  if (!(CI_PROVIDERS as readonly string[]).includes(provider)) {
    const near = didYouMean(provider, [...CI_PROVIDERS]);
    throw usageError(
      'ci/unknown-provider',
      `envgen ci has no pipeline for ${JSON.stringify(provider)}`,
      `${near ? `did you mean '${near}'? ` : ''}choose one of: ${CI_PROVIDERS.join(', ')} (envgen ci github --registry ghcr.io/OWNER/REPO)`,
    );
  }
  const minFreeGb =
    flags.minFreeGb === undefined
      ? undefined
      : positiveInt(flags.minFreeGb, '--min-free-gb', 30, MAX_MIN_FREE_GB);
  const { file, problems } = await writePipeline(ctx.io, ctx.root, {
    provider: provider as CiProvider,
    version: VERSION,
    check: Boolean(flags.check),
    force: Boolean(flags.force),
    ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    ...(minFreeGb !== undefined ? { minFreeGb } : {}),
  });
  if (ctx.json) {
    writeJson(ctx.io, { files: [{ path: file.path, status: file.status }], problems });
  } else {
    ctx.io.stdout.write(`${formatFileOutcomes([file], fileStatusPaint(ctx.color))}\n`);
    if (problems.length > 0)
      ctx.io.stderr.write(formatProblems(problems, colorFor(ctx.io.stderr, ctx.io.env)));
  }
  return exitFor(problems);
}
