/** `envgen audit`: lint environment files, Dockerfiles and envgen.yaml against the rule catalogue. */
import { CATALOGUE, ruleById } from '../../audit/catalogue.js';
import type { AuditResult } from '../../audit/engine.js';
import { auditRepository } from '../../audit/run-audit.js';
import type { Target } from '../../audit/types.js';
import { usageError } from '../../problem.js';
import type { Severity } from '../../problem-codes.js';
import { formatJson } from '../../report/audit-json.js';
import { formatCodeQuality } from '../../report/codequality.js';
import { formatGithub } from '../../report/github.js';
import { writeJson } from '../../report/json.js';
import { formatProblemsByFile } from '../../report/problems.js';
import { formatSarif } from '../../report/sarif.js';
import { didYouMean } from '../../spec/did-you-mean.js';
import type { CommandContext } from '../context.js';
import { EXIT, exitFor } from '../exit-codes.js';
import { VERSION } from '../version.js';

export interface AuditFlags {
  format?: 'text' | 'json' | 'sarif' | 'github' | 'gitlab';
  /** Print every rule and exit. */
  list?: boolean;
  /** Run only these rules (ids or aliases). */
  only?: string[];
  /** Do not run these rules (ids or aliases), on top of envgen.yaml's audit.ignore. */
  ignore?: string[];
  /** What the named files are, whatever their names. */
  kind?: Target;
  failOn?: Severity;
  fix?: boolean;
  explain?: string;
  /** `IMAGE=TAG`: the tag `--fix` pins a base image to. */
  pin?: string[];
}

export async function runAudit(
  ctx: CommandContext,
  named: string[],
  flags: AuditFlags,
): Promise<number> {
  const { io, root } = ctx;
  if (flags.explain) return explain(ctx, flags.explain);
  if (flags.list) return list(ctx);
  // Checked here (an unknown id is a usage error), matched by the engine as written: an alias
  // selects or skips only the findings that are that alias.
  const only = (flags.only ?? []).flatMap(splitIds).filter((id) => knownRule(id) !== '');
  const skipped = (flags.ignore ?? []).flatMap(splitIds).filter((id) => knownRule(id) !== '');

  const { result, inputs, texts, project, fixed } = await auditRepository(io, {
    root,
    named,
    ...(flags.kind ? { kind: flags.kind } : {}),
    only,
    ignore: skipped,
    pins: pinsFrom(flags.pin ?? []),
    fix: Boolean(flags.fix),
  });
  if (inputs.length === 0) {
    // A CI step that checks nothing must not look like one that passed.
    io.stderr.write(
      `envgen audit: no Dockerfile, environment file or envgen.yaml found${named.length > 0 ? ` in ${named.join(', ')}` : ` under ${root}`}\n`,
    );
  }
  if (flags.fix && fixed.count > 0) {
    io.stderr.write(
      `applied ${fixed.count} fix${fixed.count === 1 ? '' : 'es'} to ${fixed.files} file${fixed.files === 1 ? '' : 's'}\n`,
    );
  }
  io.stdout.write(render(ctx, flags, result, inputs.length, texts));
  return exitFor(result.diagnostics, flags.failOn ?? project.spec?.spec.audit?.failOn ?? 'warning');
}

function pinsFrom(values: string[]): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const value of values) {
    const match =
      /^([a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9._-]+)*)[=:]([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(
        value.trim(),
      );
    if (!match?.[1] || !match[2]) {
      throw usageError(
        'usage/invalid-flag',
        `--pin '${value}' is not IMAGE=TAG`,
        'e.g. --pin continuumio/miniconda3=25.3.1-1',
      );
    }
    pins[match[1]] = match[2];
  }
  return pins;
}

function render(
  ctx: CommandContext,
  flags: AuditFlags,
  result: AuditResult,
  files: number,
  texts: Map<string, string>,
): string {
  const format = ctx.json ? 'json' : (flags.format ?? 'text');
  if (format === 'json') return formatJson(result.diagnostics, files);
  if (format === 'github') return formatGithub(result.diagnostics);
  if (format === 'gitlab') return formatCodeQuality(result.diagnostics);
  if (format === 'sarif') {
    return formatSarif(
      result.diagnostics,
      CATALOGUE,
      VERSION,
      (file, line) => texts.get(file)?.split('\n')[line - 1] ?? '',
    );
  }
  return formatProblemsByFile(result.diagnostics, files, ctx.color);
}

/** `--only DKR017,DKR019` or repeated flags: one id a word. */
function splitIds(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** A rule id (or alias) as the rule's id; an unknown one is a usage error with a suggestion. */
function knownRule(id: string): string {
  const rule = ruleById(id);
  if (rule) return rule.id;
  const guess = didYouMean(
    id.toUpperCase(),
    CATALOGUE.map((r) => r.id),
  );
  throw usageError(
    'audit/unknown-rule',
    `no rule '${id}'`,
    `${guess ? `did you mean ${guess}? ` : ''}\`envgen audit --list\` lists them`,
  );
}

/** Every rule: id, severity, target, title, aliases. */
function list(ctx: CommandContext): number {
  if (ctx.json) {
    const rules = CATALOGUE.map((r) => ({
      id: r.id,
      name: r.name,
      severity: r.severity,
      target: r.target,
      targets: r.targets ?? [r.target],
      description: r.description,
      aliases: r.aliases ?? [],
    }));
    writeJson(ctx.io, { rules });
    return EXIT.ok;
  }
  const targets = (r: (typeof CATALOGUE)[number]) => (r.targets ?? [r.target]).join(',');
  const width = Math.max(...CATALOGUE.map((r) => targets(r).length)) + 1;
  const lines = CATALOGUE.map(
    (r) =>
      `${r.id.padEnd(8)}${r.severity.padEnd(9)}${targets(r).padEnd(width)}${r.description}${r.aliases?.length ? ` (also: ${r.aliases.join(', ')})` : ''}`,
  );
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

function explain(ctx: CommandContext, id: string): number {
  const rule = ruleById(knownRule(id));
  if (!rule) return EXIT.usage;
  const c = ctx.color;
  const lines = [
    `${c.bold(rule.id)} ${rule.name} (${rule.severity}, ${(rule.targets ?? [rule.target]).join(', ')})${rule.aliases?.length ? `  also: ${rule.aliases.join(', ')}` : ''}`,
    '',
    rule.description,
    '',
    rule.docs.trim(),
    '',
    `Turn it off for one line with \`# envgen ignore=${rule.id} <reason>\` above it, for a run with \`--ignore ${rule.id}\`, or in envgen.yaml: audit: { ignore: [${rule.id}] }.`,
    `Change its severity in envgen.yaml: audit: { severity: { ${rule.id}: error } } (error, warning, info or off).`,
  ];
  if (ctx.json)
    writeJson(ctx.io, {
      id: rule.id,
      name: rule.name,
      severity: rule.severity,
      target: rule.target,
      targets: rule.targets ?? [rule.target],
      aliases: rule.aliases ?? [],
      description: rule.description,
      docs: rule.docs,
    });
  else ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
