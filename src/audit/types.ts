/**
 * The shapes of `envgen audit`: a rule is a module with an id, a default severity, docs,
 * examples (which are also its tests) and a pure `check` that returns findings with lines.
 * Rules never print, read files or decide their final severity.
 */
import type { Dockerfile, Instruction } from 'dockerfile-ast';
import type { Document } from 'yaml';
import type { ResolvedModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import type { Problem } from '../problem.js';
import type { AuditRuleId, Severity } from '../problem-codes.js';
import type { CondaMatchSpec } from '../spec/package-entries.js';
import type { LoadedSpec, Position } from '../spec/types.js';
import type { PythonScan } from './python-scan.js';

/** hadolint's scale; `style` is reported as info where a format has no such level (SARIF note). */
export type RuleSeverity = Severity | 'style';

/** `python`: gunicorn config files and Python modules the OBS rules look at (never parsed, scanned). */
export type Target = 'environment' | 'dockerfile' | 'spec' | 'python';

/** A mechanical fix: the whole new text of the file. */
export interface Edit {
  description: string;
  apply(text: string): string;
  /**
   * What `apply` does to the audited text, as one replaced range (undefined: it changes
   * nothing), computed from the parsed file: the engine then does not run `apply` over the whole
   * file for every finding, which made audit quadratic in the number of findings.
   */
  splice?(): { start: number; end: number; text: string } | undefined;
}

/**
 * What a rule reports: a problem's message and fix at a line of the file it checked. The engine
 * makes it a diagnostic (the rule's code, the file, the effective severity).
 */
export type Finding = Pick<Problem, 'message' | 'fix'> & {
  /** 1-based. */
  line: number;
  column?: number;
  /** When the fix is mechanical, `--fix` applies it. */
  edit?: Edit;
  /**
   * Which of the rule's aliases this finding is (DKR019 is hadolint's DL3014 when `-y` is
   * missing, DL3015 when `--no-install-recommends` is), where the rule checks several things:
   * ignoring or selecting one alias then takes only these findings.
   */
  aliases?: string[];
};

/** A rule's example: files of a tiny project; the first one is audited. */
export interface Example {
  files: Record<string, string>;
  /** Invalid examples: the lines the rule reports (in order). */
  lines?: number[];
  /** Invalid examples: the columns of those findings (in order). */
  columns?: number[];
  /** Invalid examples with a mechanical fix: the audited file once `--fix` is done. */
  fixed?: string;
}

export interface Rule<T extends Target = Target> {
  /** Catalogue id: ENV001, DKR008, SPEC003. */
  id: AuditRuleId;
  /** Short kebab-case name. */
  name: string;
  /** The kind of file it reports on; for a rule of several kinds, the first of `targets`. */
  target: T;
  /** A rule that reports on several kinds of file (the OBS rules): every one of them. */
  targets?: readonly T[];
  severity: RuleSeverity;
  /** One sentence. */
  description: string;
  /** Why it matters and what to do, for `--explain` and SARIF help (Markdown). */
  docs: string;
  /** hadolint / BuildKit codes the rule mirrors; inline ignores accept them too. */
  aliases?: string[];
  check(context: ContextFor<T>): Finding[];
}

/** A rule's examples (in an examples folder next to it): what it must pass and what it must report. */
export interface RuleExamples {
  valid: Example[];
  invalid: Example[];
}

export type ContextFor<T extends Target> = T extends 'environment'
  ? EnvironmentContext
  : T extends 'dockerfile'
    ? DockerfileContext
    : T extends 'python'
      ? PythonContext
      : SpecContext;

/** What rules may know about the project around the file: the spec, its models, other files. */
export interface Project {
  root: string;
  spec?: LoadedSpec;
  /** The spec's models, resolved (when the spec resolves). */
  models: ResolvedModel[];
  /** The compatibility table the models were resolved with (built-in, plus the spec's `compat:`). */
  table: Table;
  /** A file of the project by path relative to the root, read once, or undefined. */
  text(relativePath: string): string | undefined;
  /** The names of the project's files (those `text` knows) directly in a folder (`.` the root). */
  filesIn(relativeFolder: string): readonly string[];
  /** Every file `text` knows, by path relative to the root. */
  paths(): readonly string[];
  /** A Python file of the project, scanned once (strings and comments aware), or undefined. */
  python(relativePath: string): PythonScan | undefined;
  /**
   * The project's Python files whose text names what the OBS rules look for (the multiprocess
   * folder, fork hooks, max_requests, an OTLP exporter), scanned once; the others are only
   * searched for those words, never scanned.
   */
  pythonFiles(): readonly PythonScan[];
  /** Trusted registries (audit config): base images from them are not flagged for tags. */
  trustedRegistries: string[];
  /** Tags the user names for base images (`--pin IMAGE=TAG`, audit.pins): `--fix` applies them. */
  pins: Record<string, string>;
}

export interface BaseContext {
  /** Path relative to the project root. */
  file: string;
  text: string;
  lines: string[];
  project: Project;
}

export interface Dependency {
  /** The entry as written. */
  text: string;
  kind: 'conda' | 'pip';
  line: number;
  column: number;
  /** Lower-case package name (conda: without the channel). */
  name: string;
  /** conda only: the parsed match spec, when it parses. */
  conda?: CondaMatchSpec;
}

export interface EnvironmentContext extends BaseContext {
  document: Document.Parsed;
  /** The YAML value (a conda environment: `name`, `channels`, `dependencies`, ...). */
  value: Record<string, unknown>;
  locate(path: readonly (string | number)[]): Position | undefined;
  /** The 1-based line and column of an offset into `text` (a binary search, not a scan). */
  positionOf(offset: number): { line: number; column: number };
  channels: { name: string; line: number; column: number }[];
  /** conda entries, then the entries of the `pip:` list. */
  dependencies: Dependency[];
  /** The `pip:` item itself, when there is one. */
  pipSection?: { line: number; column: number };
  /** The model this file belongs to (envs/<model>/environment.yml of the spec), when known. */
  model?: ResolvedModel;
}

export interface DockerInstruction {
  keyword: string;
  /** Arguments as written, continuation lines joined. */
  args: string;
  /** `--mount=...` and the like, as `name=value`. */
  flags: { name: string; value: string }[];
  line: number;
  column: number;
  /** Last line of the instruction (continuations). */
  endLine: number;
  raw: Instruction;
  /** The trigger of an ONBUILD (listed right after it): it runs in images built FROM this one. */
  onbuild?: boolean;
}

export interface DockerStage {
  index: number;
  /** `AS name`, if any. */
  name?: string;
  /** The image as written (`continuumio/miniconda3:25.3.1-1`), or a stage name. */
  image: string;
  instructions: DockerInstruction[];
  from: DockerInstruction;
  /**
   * The earlier stage this one is built FROM (`FROM build AS runtime`), when its image (ARGs
   * expanded) names one: computed once, when the Dockerfile is parsed.
   */
  parent?: DockerStage;
}

export interface DockerfileContext extends BaseContext {
  dockerfile: Dockerfile;
  instructions: DockerInstruction[];
  stages: DockerStage[];
  final?: DockerStage;
  /** Global ARGs declared before the first FROM. */
  globalArgs: Map<string, string | undefined>;
  /** Instructions before the first FROM other than ARG (`MAINTAINER`, `RUN`): no builder accepts them. */
  preamble: DockerInstruction[];
  /** Environment files this Dockerfile COPYs (by path relative to the root), parsed. */
  environments: EnvironmentContext[];
  /** The model this Dockerfile belongs to (envs/<model>/Dockerfile of the spec), when known. */
  model?: ResolvedModel;
  /** Whether a .dockerignore sits at the build context root. */
  hasDockerignore: boolean;
}

export interface SpecContext extends BaseContext {
  spec: LoadedSpec;
}

/** A Python file (a gunicorn config, a module that sets the multiprocess folder), scanned. */
export interface PythonContext extends BaseContext {
  python: PythonScan;
}
