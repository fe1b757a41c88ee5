/**
 * Checks that each package entry of a model is what it claims to be before anything renders
 * it: a conda match spec (parsed into name / version / build, the version through conda's own
 * version-spec parser) or a PEP 508 pip requirement (through a PEP 508 grammar).
 *
 * Conda match specs: https://docs.conda.io/projects/conda-build/en/latest/resources/package-spec.html
 * PEP 508: https://peps.python.org/pep-0508/
 */
import { createRequire } from 'node:module';
import { parseCondaVersionSpec } from '../versions/conda-version.js';

export interface CondaMatchSpec {
  channel?: string;
  name: string;
  version?: string;
  build?: string;
}

export type EntryCheck<T> = { ok: true; value: T } | { ok: false; error: string; fix: string };

const CONDA_FORMS =
  "a conda match spec: name, name=1.2, 'name>=1.2,<2', 'name 1.2.* build*' or channel::name";

const MATCH_SPEC =
  /^(?:(?<channel>[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?)::)?(?<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)(?<rest>.*)$/;
const BUILD = /^[A-Za-z0-9_.*+!-]+$/;

/**
 * `python >= 3.8` as `python>=3.8`: conda's MatchSpec takes spaces around a version operator,
 * but read as three words the entry would look like `name version build`.
 */
export function withoutOperatorSpaces(entry: string): string {
  if (!/[<>=!~]/.test(entry)) return entry;
  return entry.replaceAll(/\s*(==|>=|<=|!=|~=|>|<|=|,|\|)\s*/g, '$1');
}

/** Parses one conda dependency line into its parts, or says why it is not a match spec. */
export function parseCondaMatchSpec(entry: string): EntryCheck<CondaMatchSpec> {
  const match = MATCH_SPEC.exec(withoutOperatorSpaces(entry.trim()));
  const groups = match?.groups;
  if (!groups?.name) {
    return { ok: false, error: `'${entry}' does not start with a package name`, fix: CONDA_FORMS };
  }
  const { channel, name } = groups;
  const rest = groups.rest ?? '';
  if (rest.startsWith('[')) {
    return {
      ok: false,
      error: `'${entry}' uses the bracket form, which envgen does not render`,
      fix: `write the version after the name instead: '${name}>=1.2'`,
    };
  }
  let version: string | undefined;
  let build: string | undefined;
  if (/^\s/.test(rest)) {
    const parts = rest.trim().split(/\s+/);
    if (parts.length > 2) {
      return {
        ok: false,
        error: `'${entry}' has more than a version and a build after the name`,
        fix: CONDA_FORMS,
      };
    }
    [version, build] = parts;
  } else if (rest !== '') {
    if (!/^[=<>!~]/.test(rest)) {
      return {
        ok: false,
        error: `'${entry}': '${rest}' is not a version constraint`,
        fix: CONDA_FORMS,
      };
    }
    // `name=1.2=build` / `name==1.2=build`: the last `=` not part of an operator starts the build.
    const split = /^(?<op>==|=)(?<ver>[^=<>!~]+)=(?<build>[^=<>!~]+)$/.exec(rest);
    if (split?.groups?.ver && split.groups.build) {
      version = `${split.groups.op ?? ''}${split.groups.ver}`;
      build = split.groups.build;
    } else {
      version = rest;
    }
  }
  if (version !== undefined) {
    const parsed = parseCondaVersionSpec(version);
    if (!parsed.ok) {
      return {
        ok: false,
        error: `'${entry}': '${version}' is not a conda version spec`,
        fix: CONDA_FORMS,
      };
    }
  }
  if (build !== undefined && !BUILD.test(build)) {
    return { ok: false, error: `'${entry}': '${build}' is not a build string`, fix: CONDA_FORMS };
  }
  return {
    ok: true,
    value: {
      ...(channel ? { channel } : {}),
      name: name.toLowerCase(),
      ...(version ? { version } : {}),
      ...(build ? { build } : {}),
    },
  };
}

export interface PipRequirement {
  /** The project name as written. */
  name: string;
  /** Whether it pins a version (`==` or `===`) or names a URL. */
  pinned: boolean;
}

type PipParser = typeof import('pip-requirements-js');
type PipParsed = import('pip-requirements-js').Requirement | null;
let pipParser: PipParser | undefined;

const PIP_FORMS =
  "a PEP 508 requirement: name, 'name>=1.2', 'name[extra]==1.2', 'name @ https://...'";

/** Parses one pip requirement (PEP 508); requirement-file options are not accepted. */
export function parsePipRequirement(entry: string): EntryCheck<PipRequirement> {
  // pip's requirements reader strips comments and joins a line ending in `\` with the next
  // one, so either would silently change what is installed.
  if (entry.includes(' #') || entry.trim().startsWith('#') || entry.trim().endsWith('\\')) {
    return {
      ok: false,
      error: `'${entry}' holds a comment or a line continuation`,
      fix: 'write the requirement alone; put notes in a YAML comment (# ...) after the entry',
    };
  }
  if (entry.trim().startsWith('-')) {
    return {
      ok: false,
      error: `'${entry}' is a pip option, not a requirement`,
      fix: 'list requirements only; envgen writes the package index lines itself',
    };
  }
  const simple = simplePipRequirement(entry);
  if (simple) return { ok: true, value: simple };
  pipParser ??= createRequire(import.meta.url)('pip-requirements-js') as PipParser;
  let parsed: PipParsed;
  try {
    parsed = pipParser.parsePipRequirementsLine(entry);
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : '';
    return { ok: false, error: `'${entry}' is not a pip requirement (${detail})`, fix: PIP_FORMS };
  }
  if (parsed?.type === 'ProjectName') {
    const pinned = (parsed.versionSpec ?? []).some(
      (s) => s.operator === '==' || s.operator === '===',
    );
    return { ok: true, value: { name: parsed.name, pinned } };
  }
  if (parsed?.type === 'ProjectURL') {
    return { ok: true, value: { name: parsed.name, pinned: true } };
  }
  return { ok: false, error: `'${entry}' is not a pip requirement`, fix: PIP_FORMS };
}

// The plain forms of PEP 508 as pip-requirements-js's grammar reads them: an ASCII name,
// optional extras, and optional `op version` clauses joined by commas, with spaces or tabs
// between tokens. (`===` is left to the grammar, which does not take it.)
const PIP_IDENT = '[A-Za-z0-9](?:[-_.]*[A-Za-z0-9])*';
const PIP_CLAUSE = '(?:<=|<|!=|==|>=|>|~=)[ \\t]*[A-Za-z0-9._*+!-]+';
const SIMPLE_PIP = new RegExp(
  `^[ \\t]*(?<name>${PIP_IDENT})[ \\t]*` +
    `(?:\\[[ \\t]*(?:${PIP_IDENT}(?:[ \\t]*,[ \\t]*${PIP_IDENT})*)?[ \\t]*\\][ \\t]*)?` +
    `(?<clauses>${PIP_CLAUSE}(?:[ \\t]*,[ \\t]*${PIP_CLAUSE})*)?[ \\t]*$`,
);

/**
 * `flask`, `numpy>=1.24,<2`, `uvicorn[standard]==0.30.1`: answered without loading the PEP 508
 * grammar (ohm builds it on load, a noticeable share of start-up); anything else (URLs, markers,
 * parentheses, non-ASCII names) goes to the grammar. test/spec/pip-requirement.test.ts checks
 * the answers against pip-requirements-js.
 */
function simplePipRequirement(entry: string): PipRequirement | undefined {
  const groups = SIMPLE_PIP.exec(entry)?.groups;
  if (!groups?.name) return undefined;
  const operators: string[] = groups.clauses?.match(/(?:<=|<|!=|==|>=|>|~=)/g) ?? [];
  // Every operator sits at a clause's start: versions hold none of `<>=~`, only `!`.
  return { name: groups.name, pinned: operators.includes('==') };
}

/** A VCS URL in a pip requirement (`git+https://host/repo.git@v1`), which pip clones with git. */
export const VCS_URL = /\b(git|hg|svn|bzr)\+[a-z]+:\/\/\S+/i;

/** Whether pip needs a version-control program to install the requirement. */
export function isVcsRequirement(entry: string): boolean {
  return VCS_URL.test(entry);
}

/** Normalised project name (PEP 503), so `Torch_Vision` and `torch-vision` compare equal. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replaceAll(/[-_.]+/g, '-');
}

/**
 * The package name of a conda or pip entry, normalised (PEP 503): `conda-forge::Flask>=2`,
 * `conda-forge/label/dev::flask`, `flask[async]>=2` and `flask` are all `flask`.
 */
export function entryName(entry: string): string {
  const afterChannel = (entry.split('::').pop() ?? '').trim();
  return normalizeName(/^[A-Za-z0-9_.-]+/.exec(afterChannel)?.[0] ?? afterChannel);
}
