/**
 * Runs the catalogue over files: parses each into its context, runs the rules for its kind,
 * drops what configuration and inline pragmas ignore, and stamps each finding's effective
 * severity. Findings are data; reporters format them.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../problem.js';
import type { AuditRuleId } from '../problem-codes.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import { CATALOGUE } from './catalogue.js';
import {
  dockerfileContext,
  environmentContext,
  type Parsed,
  pythonContext,
  specContext,
} from './contexts.js';
import { spliceEdit, type TextEdit, textEdit } from './text-edits.js';
import type { BaseContext, Edit, Finding, Project, Rule, RuleSeverity, Target } from './types.js';

/** A rule's finding as audit reports it: a problem at a place, at its effective severity (`style` is reported as `info`). */
export type AuditDiagnostic = Diagnostic & {
  ruleId: AuditRuleId;
  /** `--fix` can apply the fix. */
  fixable: boolean;
  /** The aliases (hadolint, BuildKit codes) this finding is, when the rule checks several things. */
  aliases?: string[];
};

export interface AuditConfig {
  /**
   * Rule ids or aliases turned off. An alias of a rule that checks several things (DKR019's
   * DL3014 and DL3015) turns off only the findings that are that alias.
   */
  ignore: string[];
  /** When given, only these rule ids or aliases run (an alias, only its findings). */
  only?: string[];
  /** Rule id -> severity, or `off`. */
  severity: Record<string, RuleSeverity | 'off'>;
  trustedRegistries: string[];
}

export interface FileInput {
  /** Path relative to the project root. */
  file: string;
  text: string;
  kind: Target;
}

export interface AuditResult {
  diagnostics: AuditDiagnostic[];
  /** Mechanical fixes per file, as ranges of the text audited. */
  edits: Map<string, TextEdit[]>;
  /** Whether any file could not be parsed (exit 2). */
  unparseable: boolean;
}

export function auditTexts(
  files: readonly FileInput[],
  project: Project,
  config: AuditConfig,
): AuditResult {
  const diagnostics: AuditDiagnostic[] = [];
  const edits = new Map<string, TextEdit[]>();
  let unparseable = false;
  const runnable = runnableRules(config);
  for (const input of files) {
    const parsed = parse(input, project);
    if (!parsed.ok) {
      unparseable = true;
      diagnostics.push({
        ruleId:
          input.kind === 'dockerfile'
            ? 'DKR000'
            : input.kind === 'environment'
              ? 'ENV000'
              : 'SPEC000',
        severity: 'error',
        file: input.file,
        line: parsed.line,
        column: parsed.column,
        message: parsed.message,
        fix:
          parsed.fix ?? 'fix the syntax at this line; the other rules could not run on this file',
        fixable: false,
      });
      continue;
    }
    const ignored = pragmas(input, parsed.context);
    const only = config.only ?? [];
    for (const { rule, level } of runnable.get(input.kind) ?? []) {
      if (ignored.file.some((id) => id.toUpperCase() === rule.id)) continue;
      for (const finding of (rule as Rule).check(parsed.context as never)) {
        const lineIgnores = ignored.lines.get(finding.line) ?? [];
        const named = (id: string) => names(rule, finding, id);
        if (
          lineIgnores.some(named) ||
          ignored.file.some(named) ||
          config.ignore.some(named) ||
          (only.length > 0 && !only.some(named))
        )
          continue;
        // A rule's rewrite becomes the range of the text it changes, which the fixer applies.
        const edit = finding.edit ? textEditOf(input.text, finding.edit) : undefined;
        diagnostics.push({
          ruleId: rule.id,
          severity: level === 'style' ? 'info' : level,
          file: input.file,
          line: finding.line,
          column: finding.column ?? 1,
          message: finding.message,
          ...(finding.fix ? { fix: finding.fix } : {}),
          fixable: edit !== undefined,
          ...(finding.aliases ? { aliases: finding.aliases } : {}),
        });
        if (edit) {
          const list = edits.get(input.file);
          if (list) list.push(edit);
          else edits.set(input.file, [edit]);
        }
      }
    }
  }
  // One collator for the whole sort: what `localeCompare` without arguments compares with,
  // without looking it up again for each of thousands of comparisons.
  const { compare } = new Intl.Collator();
  diagnostics.sort(
    (a, b) =>
      (a.file === b.file ? 0 : compare(a.file, b.file)) ||
      a.line - b.line ||
      a.column - b.column ||
      compare(a.ruleId, b.ruleId),
  );
  return { diagnostics, edits, unparseable };
}

/**
 * The rules that run on each kind of file, with their effective severity: what the
 * configuration turns off or leaves out is decided once per run, not once per file.
 */
function runnableRules(config: AuditConfig): Map<Target, { rule: Rule; level: RuleSeverity }[]> {
  const only = config.only ?? [];
  const runnable = new Map<Target, { rule: Rule; level: RuleSeverity }[]>();
  for (const rule of CATALOGUE) {
    const level = effectiveLevel(rule, config);
    if (
      level === 'off' ||
      config.ignore.some((id) => id.toUpperCase() === rule.id) ||
      (only.length > 0 && !only.some((id) => matches(rule, id)))
    )
      continue;
    for (const target of rule.targets ?? [rule.target]) {
      const list = runnable.get(target);
      if (list) list.push({ rule, level });
      else runnable.set(target, [{ rule, level }]);
    }
  }
  return runnable;
}

/** A finding's edit as the range of the audited text it changes. */
function textEditOf(text: string, edit: Edit): TextEdit | undefined {
  if (!edit.splice) return textEdit(text, edit.apply(text), edit.description);
  const splice = edit.splice();
  return splice ? spliceEdit(text, splice, edit.description) : undefined;
}

function parse(input: FileInput, project: Project): Parsed<BaseContext> {
  if (input.kind === 'dockerfile') return dockerfileContext(input.file, input.text, project);
  if (input.kind === 'environment') return environmentContext(input.file, input.text, project);
  if (input.kind === 'python') return pythonContext(input.file, input.text, project);
  return specContext(input.file, input.text, project);
}

function effectiveLevel(rule: Rule, config: AuditConfig): RuleSeverity | 'off' {
  const byId =
    config.severity[rule.id] ?? rule.aliases?.map((a) => config.severity[a]).find(Boolean);
  return byId ?? rule.severity;
}

/**
 * Whether an id (rule id or alias) names this finding: the rule's id always; an alias, when the
 * finding says it is that alias, or when it does not say (the rule checks one thing).
 */
function names(rule: Rule, finding: Finding, id: string): boolean {
  const wanted = id.toUpperCase();
  if (wanted === rule.id) return true;
  const aliases = finding.aliases ?? rule.aliases ?? [];
  return aliases.some((alias) => alias.toUpperCase() === wanted);
}

function matches(rule: Rule, id: string): boolean {
  const wanted = id.toUpperCase();
  return rule.id === wanted || (rule.aliases ?? []).some((alias) => alias.toUpperCase() === wanted);
}

const PRAGMA = /#\s*envgen\s+ignore(-file)?=([A-Za-z0-9_,-]+)/;

/**
 * `# envgen ignore=DKR008 <reason>` ignores the rules it names on the next instruction or line
 * (or on its own line, as a trailing comment); `# envgen ignore-file=ID,ID` for the whole file.
 */
function pragmas(
  input: FileInput,
  context: BaseContext,
): { file: string[]; lines: Map<number, string[]> } {
  const file: string[] = [];
  const lines = new Map<number, string[]>();
  // No pragma anywhere in the text (a pragma on a line is one in the text): nothing to look for.
  if (!PRAGMA.test(input.text)) return { file, lines };
  const add = (line: number, ids: string[]): void => {
    lines.set(line, [...(lines.get(line) ?? []), ...ids]);
  };
  const texts = context.lines;
  // The next line that is not blank or a comment, from each line: computed once, from the end,
  // so a run of pragma comments is not scanned again from each of them.
  const nextCode: number[] = new Array(texts.length + 1).fill(texts.length);
  for (let index = texts.length - 1; index >= 0; index--) {
    nextCode[index] = /^\s*(#.*)?$/.test(texts[index] ?? '')
      ? (nextCode[index + 1] ?? texts.length)
      : index;
  }
  const instructions =
    input.kind === 'dockerfile'
      ? (context as unknown as { instructions: { line: number; endLine: number }[] }).instructions
      : [];
  let instructionAt = 0;
  texts.forEach((text, index) => {
    const match = PRAGMA.exec(text);
    if (!match?.[2]) return;
    const ids = match[2].split(',').filter(Boolean);
    if (match[1]) {
      file.push(...ids);
      return;
    }
    const line = index + 1;
    add(line, ids);
    if (!text.trimStart().startsWith('#')) return;
    // A comment line: the next line that is not blank or a comment.
    const next = nextCode[index + 1] ?? texts.length;
    if (next >= texts.length) return;
    const target = next + 1;
    if (input.kind === 'dockerfile') {
      // Targets only grow with the line: the search goes on from the last instruction found.
      while (
        instructionAt < instructions.length &&
        (instructions[instructionAt]?.endLine ?? 0) < target
      )
        instructionAt++;
      const candidate = instructions[instructionAt];
      const instruction =
        candidate && candidate.line <= target && target <= candidate.endLine
          ? candidate
          : undefined;
      for (let l = instruction?.line ?? target; l <= (instruction?.endLine ?? target); l++)
        add(l, ids);
    } else {
      add(target, ids);
    }
  });
  return { file, lines };
}

/**
 * Which kind of file a path (relative to the audited folder) is, by its name (environment files
 * also by content, elsewhere). The spec is the folder's own envgen.yaml, the one the project
 * loads: a file of that name below it is another project's, and `envgen.yml` (the workflow
 * `envgen ci github` writes, `.github/workflows/envgen.yml`) is not a spec at all.
 */
export function kindByName(path: string): Target | undefined {
  const name = posix.basename(path);
  if (path === SPEC_FILE) return 'spec';
  // Docker's `-f` conventions: Dockerfile, Dockerfile.gpu, Dockerfile-cpu, Dockerfile_amd,
  // api.Dockerfile, Containerfile (and the same for Containerfile).
  const dockerfile =
    /^(Dockerfile|Containerfile)([-_.][^/]+)?$|\.(Dockerfile|dockerfile|Containerfile)$/.test(name);
  if (dockerfile && !name.endsWith('.dockerignore')) return 'dockerfile';
  if (/^environment[\w.-]*\.ya?ml$/.test(name)) return 'environment';
  return undefined;
}
