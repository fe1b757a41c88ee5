/**
 * Parses the files audit reads into the contexts rules work on: an environment file as a YAML
 * document with positions and its dependencies parsed; a Dockerfile through dockerfile-ast,
 * with its stages and the environment files it copies. A file that does not parse becomes a
 * finding with its line (ENV000 / DKR000), never a crash.
 */
import { posix } from 'node:path';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { generatedPlace } from '../layout.js';
import { SPEC_FILE } from '../spec/load-spec.js';
import { isStackOverflow } from '../spec/yaml-source.js';
import { matchSpecOf } from './match-specs.js';
import { scanPython } from './python-scan.js';
import type {
  Dependency,
  DockerfileContext,
  DockerInstruction,
  DockerStage,
  EnvironmentContext,
  Project,
  PythonContext,
  SpecContext,
} from './types.js';

/**
 * dockerfile-ast splits an instruction's arguments out of its text on every ask, building each
 * one a character at a time, and its own constructors ask four to six times for each RUN, COPY
 * or CMD while parsing: most of what an audit allocated. A parsed instruction's text never
 * changes, so each instruction splits it once; every caller still gets a list of its own (the
 * library shifts the flags off the one it gets).
 */
type Arguments = ReturnType<Instruction['getArguments']>;
const rawArguments = new WeakMap<Instruction, Arguments>();
const withRawArguments = Instruction.prototype as unknown as {
  getRawArguments(this: Instruction): Arguments;
};
const splitArguments = withRawArguments.getRawArguments;
// A private method of the library: where a version of it has none, it is left as it is (slower,
// same answers); test/audit runs on the version bundled.
if (typeof splitArguments === 'function') {
  withRawArguments.getRawArguments = function getRawArguments(this: Instruction): Arguments {
    let args = rawArguments.get(this);
    if (!args) {
      args = splitArguments.call(this);
      rawArguments.set(this, args);
    }
    return args.slice();
  };
}

export type Parsed<T> =
  | { ok: true; context: T }
  /** `fix`: what to do when it is not the syntax (which the finding says by default). */
  | { ok: false; line: number; column: number; message: string; fix?: string };

/** An environment file nested deeper than the YAML reader follows: a parse failure, not a crash. */
const TOO_DEEP = {
  ok: false,
  line: 1,
  column: 1,
  message:
    'the file nests lists or maps deeper than envgen reads (an environment file nests two levels)',
} as const;

/**
 * Parsed environment files per project: a Dockerfile's COPY names the same file the audit reads
 * on its own, and with hundreds of models each would otherwise be parsed twice.
 */
const parsedEnvironments = new WeakMap<Project, Map<string, Parsed<EnvironmentContext>>>();

export function environmentContext(
  file: string,
  text: string,
  project: Project,
): Parsed<EnvironmentContext> {
  let cache = parsedEnvironments.get(project);
  if (!cache) {
    cache = new Map();
    parsedEnvironments.set(project, cache);
  }
  const key = `${file}\0${text}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const parsed = parseEnvironment(file, text, project);
  cache.set(key, parsed);
  return parsed;
}

function parseEnvironment(
  file: string,
  text: string,
  project: Project,
): Parsed<EnvironmentContext> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const error = document.errors[0];
  if (document.errors.some((e) => isStackOverflow(e.message))) return TOO_DEEP;
  if (error)
    return {
      ok: false,
      ...at(error.pos[0]),
      message: error.message.split('\n')[0] ?? 'not valid YAML',
    };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (thrown) {
    if (thrown instanceof RangeError && isStackOverflow(thrown.message)) return TOO_DEEP;
    return {
      ok: false,
      line: 1,
      column: 1,
      message: 'the file expands YAML aliases too many times',
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      line: 1,
      column: 1,
      message: 'an environment file is a YAML map (name, channels, dependencies)',
    };
  }
  const locate = (path: readonly (string | number)[]) => {
    const node = (path.length === 0 ? document.contents : document.getIn(path, true)) as
      | { range?: [number, number, number] }
      | undefined;
    return node?.range ? at(node.range[0]) : undefined;
  };
  const channels: EnvironmentContext['channels'] = [];
  const channelNode = document.get('channels', true);
  if (isSeq(channelNode)) {
    for (const item of channelNode.items) {
      if (isScalar(item) && item.range)
        channels.push({ name: String(item.value), ...at(item.range[0]) });
    }
  }
  const dependencies: Dependency[] = [];
  let pipSection: EnvironmentContext['pipSection'];
  const depNode = document.get('dependencies', true);
  if (isSeq(depNode)) {
    for (const item of depNode.items) {
      if (isScalar(item) && item.range) {
        const entry = String(item.value);
        const parsed = matchSpecOf(entry);
        dependencies.push({
          text: entry,
          kind: 'conda',
          ...at(item.range[0]),
          name: parsed.ok
            ? parsed.value.name
            : (entry.split(/[\s=<>!~[]/)[0] ?? entry).replace(/^.*::/, '').toLowerCase(),
          ...(parsed.ok ? { conda: parsed.value } : {}),
        });
      } else if (isMap(item)) {
        const pip = item.get('pip', true);
        const pair = item.items[0];
        if (pair && isScalar(pair.key) && pair.key.range) pipSection = at(pair.key.range[0]);
        if (isSeq(pip)) {
          for (const entry of pip.items) {
            if (!isScalar(entry) || !entry.range) continue;
            const textValue = String(entry.value);
            dependencies.push({
              text: textValue,
              kind: 'pip',
              ...at(entry.range[0]),
              name: (
                /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(textValue.trim())?.[1] ?? textValue
              ).toLowerCase(),
            });
          }
        }
      }
    }
  }
  return {
    ok: true,
    context: {
      ...fileContext(file, text, project, 'environment.yml'),
      document: document as Document.Parsed,
      value: value as Record<string, unknown>,
      locate,
      positionOf: at,
      channels,
      dependencies,
      ...(pipSection ? { pipSection } : {}),
    },
  };
}

export function dockerfileContext(
  file: string,
  text: string,
  project: Project,
): Parsed<DockerfileContext> {
  let dockerfile: ReturnType<typeof DockerfileParser.parse>;
  try {
    dockerfile = DockerfileParser.parse(text);
  } catch (error) {
    return { ok: false, line: 1, column: 1, message: `not a Dockerfile: ${String(error)}` };
  }
  // An `ONBUILD RUN`'s command runs in every image built FROM this one: it is checked as the
  // RUN it is, right after the ONBUILD. Other triggers (CMD, USER, EXPOSE, ENV...) shape the
  // images built from this one, not this one, so they stay inside their ONBUILD.
  const instructions = dockerfile.getInstructions().flatMap((raw) => {
    const instruction = toInstruction(raw);
    if (instruction.keyword !== 'ONBUILD') return [instruction];
    const trigger = (
      raw as { getTriggerInstruction?: () => Instruction | null }
    ).getTriggerInstruction?.();
    if (!trigger || trigger.getKeyword().toUpperCase() !== 'RUN') return [instruction];
    return [instruction, { ...toInstruction(trigger), onbuild: true }];
  });
  if (!instructions.some((i) => i.keyword === 'FROM')) {
    return {
      ok: false,
      line: 1,
      column: 1,
      message: 'no FROM instruction: this is not a Dockerfile envgen can read',
    };
  }
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, string | undefined>();
  /** Instructions before the first FROM other than ARG: no builder accepts them. */
  const preamble: DockerInstruction[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const from = instruction.raw as unknown as {
        getImage(): string | null;
        getBuildStage(): string | null;
      };
      const name = from.getBuildStage() ?? undefined;
      stages.push({
        index: stages.length,
        ...(name ? { name } : {}),
        image: from.getImage() ?? '',
        instructions: [instruction],
        from: instruction,
      });
    } else if (stages.length > 0) {
      stages.at(-1)?.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      // `ARG BASE=builder TAG=1`, and defaults that use an earlier ARG (`ARG IMAGE=${BASE}:x`).
      for (const { name, value } of argsOf(instruction)) {
        globalArgs.set(name, value === undefined ? undefined : expandArgs(value, globalArgs).text);
      }
    } else if (!instruction.onbuild) preamble.push(instruction);
  }
  // Lineage, once for every rule: the last earlier stage of the name the image expands to
  // (BuildKit compares stage names case-insensitively).
  const byName = new Map<string, DockerStage>();
  for (const stage of stages) {
    const name = expandArgs(stage.image, globalArgs).text.toLowerCase();
    const parent = byName.get(name);
    if (parent) stage.parent = parent;
    if (stage.name) byName.set(stage.name.toLowerCase(), stage);
  }
  const dir = posix.dirname(file);
  const environments = instructions
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
    .filter((source) => /\.ya?ml$/.test(source) && !source.startsWith('--'))
    .flatMap((source) => {
      for (const candidate of [posix.normalize(source), posix.join(dir, source)]) {
        const body = project.text(candidate);
        if (body === undefined) continue;
        const parsed = environmentContext(candidate, body, project);
        return parsed.ok && Array.isArray(parsed.context.value.dependencies)
          ? [parsed.context]
          : [];
      }
      return [];
    });
  return {
    ok: true,
    context: {
      ...fileContext(file, text, project, 'Dockerfile'),
      dockerfile,
      instructions,
      stages,
      ...(stages.length > 0 ? { final: stages.at(-1) } : {}),
      globalArgs,
      preamble,
      environments,
      hasDockerignore:
        project.text('.dockerignore') !== undefined ||
        project.text(posix.join(dir, '.dockerignore')) !== undefined,
    },
  };
}

/** The names and defaults an ARG declares (`ARG A=1 B`), quotes around a default dropped. */
function argsOf(instruction: DockerInstruction): { name: string; value: string | undefined }[] {
  const raw = instruction.raw as unknown as {
    getProperties?: () => { getName(): string; getValue(): string | null }[];
    getProperty?: () => { getName(): string; getValue(): string | null } | null;
  };
  const properties = raw.getProperties?.() ?? [raw.getProperty?.() ?? null];
  return properties.flatMap((p) =>
    p
      ? [{ name: p.getName(), value: p.getValue()?.replace(/^(["'])(.*)\1$/, '$2') ?? undefined }]
      : [],
  );
}

/**
 * Substitutes `$NAME`, `${NAME}` and `${NAME:-default}` from the global ARG defaults (quotes
 * around a default dropped); `unresolved` when a name has no value.
 */
export function expandArgs(
  text: string,
  args: ReadonlyMap<string, string | undefined>,
): { text: string; unresolved: boolean } {
  let unresolved = false;
  const expanded = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = args.get((braced ?? bare) as string) ?? fallback;
      if (value === undefined) {
        unresolved = true;
        return whole;
      }
      return value.replace(/^(["'])(.*)\1$/, '$2');
    },
  );
  return { text: expanded, unresolved };
}

/**
 * dockerfile-ast recomputes an instruction's arguments, their text and its variables on every
 * call, and many rules ask for them; the parsed file does not change, so each instruction
 * computes them once (its raw arguments are already split once, above).
 */
function computeOnce(raw: Instruction): void {
  const remember = (name: 'getArguments' | 'getVariables'): void => {
    const compute = raw[name].bind(raw) as () => unknown[];
    let once: unknown[] | undefined;
    (raw as unknown as Record<typeof name, () => unknown[]>)[name] = () => {
      once ??= compute();
      return once;
    };
  };
  remember('getArguments');
  remember('getVariables');
  // A variable needs a `$`: without one, there is nothing to look for.
  const getVariables = raw.getVariables.bind(raw);
  raw.getVariables = () => (raw.getTextContent().includes('$') ? getVariables() : []);
  const getArgumentsContent = raw.getArgumentsContent.bind(raw);
  let content: string | null | undefined;
  raw.getArgumentsContent = () => {
    if (content === undefined) content = getArgumentsContent();
    return content;
  };
}

function toInstruction(raw: Instruction): DockerInstruction {
  computeOnce(raw);
  const range = raw.getRange();
  const withFlags = raw as unknown as {
    getFlags?: () => { getName(): string; getValue(): string | null }[];
  };
  return {
    keyword: raw.getKeyword().toUpperCase(),
    args: (raw.getArgumentsContent() ?? '').replaceAll(/\s+/g, ' ').trim(),
    flags: (withFlags.getFlags?.() ?? []).map((flag) => ({
      name: flag.getName(),
      value: flag.getValue() ?? '',
    })),
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    raw,
  };
}

/** envgen.yaml, as the SPEC rules read it: the spec the project loaded. */
export function specContext(file: string, text: string, project: Project): Parsed<SpecContext> {
  // `--kind spec` on another file: the rules would read the project's spec, not this one.
  if (file !== SPEC_FILE) {
    return {
      ok: false,
      line: 1,
      column: 1,
      message: `only the audited folder's ${SPEC_FILE} is read as the spec`,
      fix:
        posix.basename(file) === SPEC_FILE
          ? `audit this one from its folder: \`envgen audit --cwd ${posix.dirname(file)}\``
          : `envgen reads a spec only from a file named ${SPEC_FILE}: audit it under that name, from its folder`,
    };
  }
  const spec = project.spec;
  if (!spec) return { ok: false, line: 1, column: 1, message: 'the spec could not be loaded' };
  return { ok: true, context: { ...fileContext(file, text, project), spec } };
}

/** A Python file, scanned (once per project): a scan never fails, so neither does this. */
export function pythonContext(file: string, text: string, project: Project): Parsed<PythonContext> {
  const scanned = project.python(file);
  const python = scanned && project.text(file) === text ? scanned : scanPython(file, text);
  return { ok: true, context: { ...fileContext(file, text, project), python } };
}

/**
 * What every context starts from: the file, its text and lines, the project, and the spec's
 * model when the file is the `name` envgen generates for it (envs/<model>/<name>).
 */
function fileContext(file: string, text: string, project: Project, name?: string) {
  const model = name ? modelFor(file, name, project) : undefined;
  return { file, text, lines: text.split('\n'), project, ...(model ? { model } : {}) };
}

/** envs/<model>/<name> of the spec belongs to that model. */
function modelFor(file: string, name: string, project: Project) {
  const place = generatedPlace(file);
  if (place?.owner !== 'model' || place.file !== name) return undefined;
  return project.models.find((m) => m.name === place.name);
}
