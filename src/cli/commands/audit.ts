/** `envgen audit`: lint environment files, Dockerfiles and envgen.yaml against the rule catalogue. */
import { join, relative, resolve as resolvePath, sep } from 'node:path';
import { CATALOGUE, ruleById } from '../../audit/catalogue.js';
import { kindOf, listFiles } from '../../audit/discover.js';
import {
  type AuditConfig,
  type AuditResult,
  auditTexts,
  type FileInput,
  kindByName,
  type Level,
} from '../../audit/engine.js';
import { makeProject } from '../../audit/project.js';
import { formatGithub } from '../../audit/report/github.js';
import { formatJson } from '../../audit/report/json.js';
import { formatSarif } from '../../audit/report/sarif.js';
import { formatText } from '../../audit/report/text.js';
import { applyEdits } from '../../audit/text-edits.js';
import type { Project, Target } from '../../audit/types.js';
import { usageError } from '../../problem.js';
import { didYouMean } from '../../spec/did-you-mean.js';
import type { CommandContext } from '../context.js';
import { VERSION } from '../version.js';

export interface AuditFlags {
  format?: 'text' | 'json' | 'sarif' | 'github';
  /** Print every rule and exit. */
  list?: boolean;
  /** Run only these rules (ids or aliases). */
  only?: string[];
  /** Do not run these rules (ids or aliases), on top of envgen.yaml's audit.ignore. */
  ignore?: string[];
  /** What the named files are, whatever their names. */
  kind?: Target;
  failOn?: Level;
  fix?: boolean;
  explain?: string;
  /** `IMAGE=TAG`: the tag `--fix` pins a base image to. */
  pin?: string[];
}

const RANK: Record<Level, number> = { info: 0, warning: 1, error: 2 };

/** Fix passes at most: each applies the fixes that do not overlap, then audits again. */
const MAX_FIX_PASSES = 10;

/**
 * Files rules may look at besides the audited ones: a lock next to a spec, the .dockerignore,
 * requirement files a Dockerfile installs, the Python module a model serves.
 */
const CONTEXT_FILE =
  /(^|\/)(\.dockerignore|envgen\.ya?ml|conda-lock\.ya?ml|pixi\.lock|[^/]*\.lock|[^/]*\.ya?ml|[^/]*\.py|requirements[^/]*\.txt)$/;

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

  const listed = await listFiles(io, root);
  // Named paths are relative to --cwd (the root), as every other path envgen takes. A folder
  // names what a plain run would find under it (even a folder git ignores); --kind applies to
  // the files named themselves, not to what a folder holds.
  const explicit: string[] = [];
  const found: string[] = [];
  for (const file of named) {
    const rel = relative(root, resolvePath(root, file)).split(sep).join('/');
    const under = (f: string) => rel === '' || f.startsWith(`${rel}/`);
    if (listed.includes(rel)) explicit.push(rel);
    else if (listed.some(under)) found.push(...listed.filter(under));
    else if (await isFolder(io, join(root, rel)))
      found.push(...(await listFiles(io, join(root, rel))).map((f) => `${rel}/${f}`));
    else explicit.push(rel);
  }
  const namedRelative = [...explicit, ...found];
  const texts = new Map<string, string>();
  for (const file of new Set([
    ...listed.filter((f) => CONTEXT_FILE.test(f) || kindByName(f) !== undefined),
    ...explicit,
    ...found.filter((f) => CONTEXT_FILE.test(f) || kindByName(f) !== undefined),
  ])) {
    try {
      texts.set(file, (await io.readFile(join(root, file))).toString('utf8'));
    } catch (error) {
      if (explicit.includes(file)) {
        throw usageError(
          'audit/unreadable',
          `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
          'name an existing environment file, Dockerfile, envgen.yaml or a folder holding them',
        );
      }
    }
  }
  const targets = named.length > 0 ? [...new Set(namedRelative)] : [...texts.keys()];
  const inputs: FileInput[] = [];
  for (const file of targets) {
    const isExplicit = explicit.includes(file);
    const kind = (isExplicit ? flags.kind : undefined) ?? kindOf(file, () => texts.get(file));
    if (!kind) {
      if (isExplicit) {
        throw usageError(
          'audit/unknown-kind',
          `${file} is not an environment file, a Dockerfile or envgen.yaml`,
          'environment files are YAML with a `dependencies:` list; Dockerfiles are named Dockerfile, Dockerfile.*, Dockerfile-*, *.Dockerfile or Containerfile; or say what it is with --kind dockerfile|environment|spec',
        );
      }
      continue;
    }
    inputs.push({ file, text: texts.get(file) ?? '', kind });
  }
  if (inputs.length === 0) {
    // A CI step that checks nothing must not look like one that passed.
    io.stderr.write(
      `envgen audit: no Dockerfile, environment file or envgen.yaml found${named.length > 0 ? ` in ${named.join(', ')}` : ` under ${root}`}\n`,
    );
  }

  const project = makeProject(root, texts);
  const config = configOf(project);
  config.ignore.push(...skipped);
  if (only.length > 0) config.only = only;
  project.trustedRegistries.push(...config.trustedRegistries);
  Object.assign(project.pins, project.spec?.spec.audit?.pins ?? {}, pinsFrom(flags.pin ?? []));
  let result = auditTexts(inputs, project, config);

  if (flags.fix && result.edits.size > 0) {
    // Pass after pass: apply the edits that do not overlap, audit again, until nothing is left
    // to fix (bounded: a fix that keeps producing fixes is a bug, not a reason to loop).
    let fixedCount = 0;
    const fixedFiles = new Set<string>();
    for (let pass = 0; pass < MAX_FIX_PASSES && result.edits.size > 0; pass++) {
      let changed = false;
      for (const [file, edits] of result.edits) {
        const before = texts.get(file) ?? '';
        const { text: fixed, applied } = applyEdits(before, edits);
        if (fixed === before) continue;
        await io.writeFileAtomic(join(root, file), fixed);
        texts.set(file, fixed);
        const input = inputs.find((i) => i.file === file);
        if (input) input.text = fixed;
        fixedCount += applied;
        fixedFiles.add(file);
        changed = true;
      }
      result = auditTexts(
        inputs,
        makeProject(root, texts, config.trustedRegistries, project.pins),
        config,
      );
      if (!changed) break;
    }
    io.stderr.write(
      `applied ${fixedCount} fix${fixedCount === 1 ? '' : 'es'} to ${fixedFiles.size} file${fixedFiles.size === 1 ? '' : 's'}\n`,
    );
  }

  io.stdout.write(render(ctx, flags, result, inputs.length, texts));
  if (result.unparseable) return 2;
  const threshold = RANK[flags.failOn ?? project.spec?.spec.audit?.failOn ?? 'warning'];
  return result.diagnostics.some((d) => RANK[d.severity] >= threshold) ? 1 : 0;
}

async function isFolder(io: CommandContext['io'], path: string): Promise<boolean> {
  try {
    await io.readDir(path);
    return true;
  } catch {
    return false;
  }
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

function configOf(project: Project): AuditConfig {
  const audit = project.spec?.spec.audit;
  return {
    ignore: audit?.ignore ?? [],
    severity: audit?.severity ?? {},
    trustedRegistries: audit?.trustedRegistries ?? [],
  };
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
  if (format === 'sarif') {
    return formatSarif(
      result.diagnostics,
      CATALOGUE,
      VERSION,
      (file, line) => texts.get(file)?.split('\n')[line - 1] ?? '',
    );
  }
  return formatText(result.diagnostics, files, ctx.color);
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
      description: r.description,
      aliases: r.aliases ?? [],
    }));
    ctx.io.stdout.write(`${JSON.stringify({ rules }, null, 2)}\n`);
    return 0;
  }
  const lines = CATALOGUE.map(
    (r) =>
      `${r.id.padEnd(8)}${r.severity.padEnd(9)}${r.target.padEnd(13)}${r.description}${r.aliases?.length ? ` (also: ${r.aliases.join(', ')})` : ''}`,
  );
  ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function explain(ctx: CommandContext, id: string): number {
  const rule = ruleById(knownRule(id));
  if (!rule) return 2;
  const c = ctx.color;
  const lines = [
    `${c.bold(rule.id)} ${rule.name} (${rule.severity}, ${rule.target})${rule.aliases?.length ? `  also: ${rule.aliases.join(', ')}` : ''}`,
    '',
    rule.description,
    '',
    rule.docs.trim(),
    '',
    `Turn it off for one line with \`# envgen ignore=${rule.id} <reason>\` above it, for a run with \`--ignore ${rule.id}\`, or in envgen.yaml: audit: { ignore: [${rule.id}] }.`,
    `Change its severity in envgen.yaml: audit: { severity: { ${rule.id}: error } } (error, warning, info or off).`,
  ];
  if (ctx.json)
    ctx.io.stdout.write(
      `${JSON.stringify({ id: rule.id, name: rule.name, severity: rule.severity, target: rule.target, aliases: rule.aliases ?? [], description: rule.description, docs: rule.docs }, null, 2)}\n`,
    );
  else ctx.io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
