/** `envgen resolve`: pins for each model of envgen.yaml, or for the flags given. */

import envgenSchema from '../../../schemas/envgen.schema.json';
import { type FleetInput, type ResolvedModel, resolveModel } from '../../compat/resolve.js';
import { compatTable, type Table } from '../../compat/table.js';
import { type Problem, UserError, usageError } from '../../problem.js';
import { writeJson } from '../../report/json.js';
import { formatResolved } from '../../report/resolve-text.js';
import type { Source } from '../../rules-format.js';
import { schemaProblems } from '../../spec/schema-problems.js';
import type { PlatformName } from '../../spec/types.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { loadRulesOverlay, resolveSpecModels } from '../spec-models.js';

export interface ResolveFlags {
  torch?: string;
  python?: string;
  cuda?: string;
  source?: Source | 'auto';
  platform?: PlatformName;
  vision?: boolean;
  audio?: boolean;
  driver?: string;
  gpu?: string[];
  rules?: string;
}

export async function runResolve(
  ctx: CommandContext,
  names: string[],
  flags: ResolveFlags,
): Promise<number> {
  const fleet = fleetFromFlags(flags);
  const adHoc = [flags.torch, flags.python, flags.cuda, flags.source].some((v) => v !== undefined);

  let models: ResolvedModel[];
  let problems: Problem[];
  let table: Table;
  if (adHoc) {
    if (names.length > 0) {
      throw usageError(
        'usage/models-with-flags',
        `models (${names.join(', ')}) and --torch/--python/--cuda/--source do not go together`,
        'name models to resolve them from envgen.yaml, or give flags to resolve without a spec',
      );
    }
    validateFlags(flags);
    table = compatTable(await loadRulesOverlay(ctx, flags.rules));
    const outcome = resolveModel(table, {
      name: 'model',
      ...(flags.torch ? { torch: flags.torch } : {}),
      ...(flags.python ? { python: flags.python } : {}),
      ...(flags.cuda ? { cuda: flags.cuda } : {}),
      ...(flags.source ? { source: flags.source } : {}),
      ...(flags.platform ? { platform: flags.platform } : {}),
      vision: Boolean(flags.vision),
      audio: Boolean(flags.audio),
      ...(flags.cuda === 'cpu' ? {} : { fleet }),
    });
    models = outcome.ok ? [outcome.model] : [];
    problems = outcome.ok
      ? []
      : [
          {
            ruleId: outcome.error.ruleId,
            severity: 'error',
            message: outcome.error.message,
            fix: outcome.error.fix,
          },
        ];
  } else {
    validateFlags(flags);
    const ignored = (['vision', 'audio', 'platform'] as const).filter(
      (flag) => flags[flag] !== undefined,
    );
    if (ignored.length > 0) {
      throw usageError(
        'usage/flag-needs-pins',
        `${ignored.map((f) => `--${f}`).join(', ')} only apply when resolving from flags (with --torch, --python, --cuda or --source)`,
        'set vision:, audio: or platform: on the model in envgen.yaml, or add --torch to resolve without the spec',
      );
    }
    ({ models, problems, table } = await resolveSpecModels(ctx, names, {
      ...(flags.rules ? { rules: flags.rules } : {}),
      fleet,
    }));
  }

  if (ctx.json) {
    writeJson(ctx.io, { models, ...(problems.length > 0 ? { problems } : {}) });
  } else if (models.length > 0) {
    ctx.io.stdout.write(formatResolved(models, ctx.color, table.sources));
  }
  if (problems.length > 0) {
    throw new UserError(problems);
  }
  return EXIT.ok;
}

function fleetFromFlags(flags: ResolveFlags): FleetInput {
  return {
    ...(flags.driver ? { driver: flags.driver } : {}),
    ...(flags.gpu?.length ? { gpus: flags.gpu } : {}),
  };
}

function matchesSchemaPatterns(flags: ResolveFlags): boolean {
  const { definitions, properties } = envgenSchema;
  const fleet = properties.fleet.properties;
  const checks: [string | undefined, string][] = [
    [flags.torch, definitions.model.properties.torch.pattern],
    [flags.python, definitions.python.pattern],
    [flags.cuda, definitions.cuda.pattern],
    [flags.driver, fleet.driver.pattern],
    ...(flags.gpu ?? []).map((gpu): [string, string] => [gpu, fleet.gpus.items.pattern]),
  ];
  const torchFits =
    flags.torch === undefined || flags.torch.length <= definitions.model.properties.torch.maxLength;
  return (
    torchFits &&
    checks.every(([value, pattern]) => value === undefined || new RegExp(pattern).test(value))
  );
}

/** Flags get the same checks as the spec's fields, by validating them as a one-model spec. */
function validateFlags(flags: ResolveFlags): void {
  // Valid flags (the usual case) are checked against the schema's own patterns, without
  // compiling the schema: start-up matters for a command scripts call in loops.
  if (matchesSchemaPatterns(flags)) return;
  const model = {
    ...(flags.torch !== undefined ? { torch: flags.torch } : {}),
    ...(flags.python !== undefined ? { python: flags.python } : {}),
    ...(flags.cuda !== undefined ? { cuda: flags.cuda } : {}),
  };
  const fleet = fleetFromFlags(flags);
  const spec = {
    version: 1,
    models: { flags: model },
    ...(Object.keys(fleet).length ? { fleet } : {}),
  };
  const problems = schemaProblems(spec, {
    file: '',
    locate: () => undefined,
    locateKey: () => undefined,
  });
  if (problems.length === 0) return;
  const flagFor: [RegExp, string][] = [
    [/^models\.flags\.torch/, '--torch'],
    [/^models\.flags\.python/, '--python'],
    [/^models\.flags\.cuda/, '--cuda'],
    [/^fleet\.driver/, '--driver'],
    [/^fleet\.gpus(\[\d+\])?/, '--gpu'],
  ];
  throw new UserError(
    problems.map(({ file: _file, ...problem }) => {
      const match = flagFor.find(([pattern]) => pattern.test(problem.message));
      return {
        ...problem,
        ruleId: 'usage/invalid-flag',
        message: match ? problem.message.replace(match[0], match[1]) : problem.message,
      };
    }),
  );
}
