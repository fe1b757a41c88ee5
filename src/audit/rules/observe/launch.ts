/**
 * How a service starts, as the OBS rules need it: the server commands a Dockerfile's
 * ENTRYPOINT/CMD (and the shell scripts they run) or a model's `serve.command` start, with the
 * wrappers in front taken off (`exec`, `poetry run`, `conda run -n x`, `tini --`, ...), whether
 * `opentelemetry-instrument` is one of them, and the environment the Dockerfile sets.
 */
import { posix } from 'node:path';
import { modelDockerfile } from '../../../layout.js';
import { observeSettings } from '../../../spec/observe.js';
import { PLAIN_WRAPPERS, type Server, serverOf } from '../../../spec/serve-command.js';
import { expandArgs } from '../../contexts.js';
import type {
  DockerfileContext,
  DockerInstruction,
  DockerStage,
  Project,
  SpecContext,
} from '../../types.js';
import { execWords, shellScript, stripComments } from '../dockerfile/run-commands.js';
import { commandsOf } from '../dockerfile/shell.js';
import { launchWords, lineage, propertiesOf, unquote } from '../dockerfile/stages.js';

export interface Launch {
  server: Server;
  /** The server's words, its program first. */
  words: string[];
  /** `opentelemetry-instrument` runs it. */
  instrumented: boolean;
  /** Where the audited file starts it (1-based). */
  line: number;
  column: number;
  /** When a script the file runs holds the command: the script and the command's line there. */
  via?: { file: string; line: number };
  /** The folder relative paths of the command are read from (the script's, the Dockerfile's). */
  dir: string;
}

/**
 * gunicorn's words from GUNICORN_CMD_ARGS (which gunicorn splits as a shell would, with shlex),
 * after a `gunicorn` program word; none when the variable is unset.
 */
export function gunicornCmdArgs(env: ReadonlyMap<string, string>): string[] | undefined {
  const text = env.get('GUNICORN_CMD_ARGS');
  return text ? ['gunicorn', ...(commandsOf(text)[0]?.words ?? [])] : undefined;
}

/** The value of an option (`--workers 4`, `--workers=4`, `-w4`), the last one given. */
export function optionValue(
  words: readonly string[],
  long: string,
  short?: string,
): string | undefined {
  let value: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === long || (short && word === short)) value = words[i + 1];
    else if (word.startsWith(`${long}=`)) value = word.slice(long.length + 1);
    else if (
      short &&
      word.startsWith(short) &&
      !word.startsWith('--') &&
      word.length > short.length
    )
      value = word.slice(short.length).replace(/^=/, '');
  }
  return value;
}

/** The script's logical lines (continuations joined) with their first line, comments dropped. */
function scriptLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let joined = lines[i] as string;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      joined = `${joined.slice(0, -1)} ${lines[++i] as string}`;
    }
    if (/^\s*(#|$)/.test(joined)) continue;
    out.push({ text: joined, line: start + 1 });
  }
  return out;
}

interface Script {
  file: string;
  text: string;
  lines: { text: string; line: number; words: string[][] }[];
}

/** A shell script of the project, split into commands per line. */
function scriptOf(project: Project, file: string): Script | undefined {
  const text = project.text(file);
  if (text === undefined || file.endsWith('.py')) return undefined;
  return {
    file,
    text,
    // Comments dropped first (lines kept): `# later: -c hooks.py` is no config gunicorn reads.
    lines: scriptLines(stripComments(text)).map((l) => ({
      ...l,
      words: commandsOf(l.text).map((c) => c.words),
    })),
  };
}

/**
 * A path as the image sees it (`/app/gunicorn.conf.py`, `config.py` under WORKDIR) as a file of
 * the project: through the COPY/ADD that put it there, else the path itself or with leading
 * folders dropped (`/mds/deployment/x.py` is `deployment/x.py`), from the root or `dir`.
 */
export function projectPath(
  project: Project,
  path: string,
  dir: string,
  copies: readonly { source: string; dest: string }[] = [],
): string | undefined {
  const exists = (p: string) => (project.text(p) !== undefined ? p : undefined);
  const clean = (p: string) =>
    posix
      .normalize(p)
      .replace(/^(\.\/)+/, '')
      .replace(/^\/+/, '');
  for (const { source, dest } of copies) {
    const target = posix.normalize(dest);
    const absolute = posix.normalize(path);
    const relative = posix.relative(target, absolute);
    const inside = relative === '' || (!relative.startsWith('..') && !posix.isAbsolute(relative));
    const candidates =
      relative === ''
        ? [source]
        : inside
          ? [posix.join(source, relative)]
          : posix.basename(absolute) === posix.basename(source) &&
              posix.dirname(absolute) === target
            ? [source]
            : [];
    for (const candidate of candidates) {
      const found = exists(clean(candidate)) ?? exists(clean(posix.join(dir, candidate)));
      if (found) return found;
    }
  }
  const parts = clean(path).split('/');
  for (let drop = 0; drop < parts.length; drop++) {
    const rest = parts.slice(drop).join('/');
    const found = exists(clean(posix.join(dir, rest))) ?? exists(rest);
    if (found) return found;
  }
  return undefined;
}

/** The COPY/ADD (from the build context) of the stages: source and destination in the image. */
function copiesOf(
  chain: readonly DockerStage[],
  env: ReadonlyMap<string, string | undefined>,
): { source: string; dest: string }[] {
  const out: { source: string; dest: string }[] = [];
  let workdir = '/';
  for (const instruction of chain.flatMap((s) => s.instructions)) {
    if (instruction.keyword === 'WORKDIR')
      workdir = posix.resolve(workdir, expandArgs(instruction.args, env).text);
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue;
    if (instruction.flags.some((f) => f.name === 'from')) continue;
    const words =
      execWords(instruction.args) ??
      instruction.args.split(/\s+/).filter((w) => w && !w.startsWith('--'));
    if (words.length < 2) continue;
    const expand = (w: string) => expandArgs(w, env).text;
    const dest = posix.resolve(workdir, expand(words.at(-1) as string));
    const sources = words.slice(0, -1).map(expand);
    const many = sources.length > 1 || (words.at(-1) as string).endsWith('/');
    for (const source of sources) {
      const isFolder = source === '.' || source.endsWith('/');
      out.push({
        source,
        dest: many && !isFolder ? posix.join(dest, posix.basename(source)) : dest,
      });
    }
  }
  return out;
}

/** The environment a Dockerfile's final stage sets (ENV of its lineage), with where each is. */
type DockerEnv = Map<
  string,
  { value: string; instruction: DockerInstruction; line: number; column: number }
>;

/** What the OBS rules ask of a Dockerfile, computed once for all of them. */
interface Computed {
  env?: DockerEnv;
  copies?: { source: string; dest: string }[];
  commands?: StartCommand[];
  launches?: Launch[];
}
const computed = new WeakMap<DockerfileContext, Computed>();
function once(ctx: DockerfileContext): Computed {
  let entry = computed.get(ctx);
  if (!entry) {
    entry = {};
    computed.set(ctx, entry);
  }
  return entry;
}

/** The COPY/ADD of a Dockerfile's final stage and its lineage (see copiesOf), once per file. */
export function dockerCopies(ctx: DockerfileContext): { source: string; dest: string }[] {
  const entry = once(ctx);
  if (!entry.copies) {
    const env = new Map<string, string | undefined>(ctx.globalArgs);
    for (const [name, { value }] of dockerEnv(ctx)) env.set(name, value);
    entry.copies = ctx.final ? copiesOf(lineage(ctx.final), env) : [];
  }
  return entry.copies;
}

export function dockerEnv(ctx: DockerfileContext): DockerEnv {
  const entry = once(ctx);
  entry.env ??= readDockerEnv(ctx);
  return entry.env;
}

function readDockerEnv(ctx: DockerfileContext): DockerEnv {
  const env = new Map<
    string,
    { value: string; instruction: DockerInstruction; line: number; column: number }
  >();
  if (!ctx.final) return env;
  for (const instruction of lineage(ctx.final).flatMap((s) => s.instructions)) {
    if (instruction.keyword !== 'ENV') continue;
    for (const p of propertiesOf(instruction)) {
      env.set(p.name, {
        value: unquote(p.value ?? ''),
        instruction,
        line: p.line,
        column: p.column,
      });
    }
  }
  return env;
}

/** The commands a word list runs: itself, or the commands of an `sh -c` script. */
function commandsIn(words: readonly string[]): string[][] {
  const script = shellScript(words);
  if (script !== undefined) return commandsOf(script).map((c) => c.words);
  return [[...words]];
}

/** A command a container runs when it starts, where the Dockerfile (or a script it runs) has it. */
export interface StartCommand {
  words: string[];
  line: number;
  column: number;
  via?: { file: string; line: number };
  dir: string;
  /** The command runs a script that is not in the repository (what it does is unknown). */
  unread?: boolean;
}

/** A program that looks like a start-up script (rather than a binary). */
const SCRIPT_NAME = /\.(sh|bash)$|entrypoint|^(start|run|boot|serve)([-_.]|$)/i;

/**
 * Whether a file (a path or a program's name) looks like a start-up script: what audit reads
 * as context, what the multiprocess search looks into, and a program whose commands are
 * followed when the script is in the repository. envgen's own is `envgen-observe`.
 */
export function isStartScript(path: string): boolean {
  const name = posix.basename(path);
  return name === 'envgen-observe' || SCRIPT_NAME.test(name);
}

/**
 * The commands a Dockerfile's final stage runs at start: its ENTRYPOINT/CMD, the commands of
 * a script they run, and the CMD an entrypoint script `exec "$@"`s.
 */
export function startCommands(ctx: DockerfileContext): StartCommand[] {
  const entry = once(ctx);
  entry.commands ??= readStartCommands(ctx);
  return entry.commands;
}

function readStartCommands(ctx: DockerfileContext): StartCommand[] {
  const words = ctx.final ? launchWords(lineage(ctx.final)) : [];
  if (words.length === 0) return [];
  const env = new Map<string, string | undefined>(ctx.globalArgs);
  for (const [name, { value }] of dockerEnv(ctx)) env.set(name, value);
  const dir = posix.dirname(ctx.file);
  const copies = dockerCopies(ctx);
  const out: StartCommand[] = [];
  /** `instructions[i]` holds `texts[i]` (ENTRYPOINT's words, then CMD's). */
  const visit = (
    texts: readonly string[],
    instructions: readonly DockerInstruction[],
    depth: number,
  ): void => {
    const head = instructions[0] as DockerInstruction;
    const expanded = texts.map((t) => expandArgs(t, env).text);
    const shell = shellScript(expanded) !== undefined;
    for (const cmd of commandsIn(expanded)) {
      // Where the server's word is: a launch is reported on the instruction that names it.
      const launch = serverOf(cmd);
      const named =
        launch && !shell ? (instructions[cmd.indexOf(launch.words[0] as string)] ?? head) : head;
      out.push({ words: cmd, line: named.line, column: named.column, dir });
      if (launch || depth > 0) continue;
      // A script: its commands, and what follows it when it runs "$@".
      const first = cmd.findIndex(
        (w) =>
          !/^[A-Za-z_]\w*=/.test(w) &&
          !PLAIN_WRAPPERS.has(posix.basename(w)) &&
          !['sh', 'bash'].includes(posix.basename(w)),
      );
      const program = cmd[first];
      if (program === undefined) continue;
      const rest = cmd.slice(first + 1);
      // `python x.py` runs Python, no shell script of the project (servers were found above).
      if (/^python(\d+(\.\d+)?)?$/.test(posix.basename(program))) continue;
      const restAt = (words: readonly string[]) =>
        shell ? words.map(() => head) : instructions.slice(first + 1);
      const file = projectPath(ctx.project, program, dir, copies);
      const script = file ? scriptOf(ctx.project, file) : undefined;
      if (!script) {
        if (isStartScript(program)) {
          const last = out.at(-1);
          if (last) last.unread = true;
        }
        // An entrypoint audit cannot read: most run the CMD after them ("$@").
        if (rest.length > 0) visit(rest, restAt(rest), depth + 1);
        continue;
      }
      const at = shell ? head : (instructions[first] ?? head);
      for (const line of script.lines)
        for (const inner of line.words)
          out.push({
            words: inner,
            line: at.line,
            column: at.column,
            via: { file: script.file, line: line.line },
            dir: posix.dirname(script.file),
          });
      // The script runs what follows it as `PREFIX "$@"` (`exec opentelemetry-instrument "$@"`).
      const runsRest = script.lines
        .flatMap((l) => l.words)
        .find((w) => w.some((word) => /^\$(@|\{@\})$/.test(word)));
      if (runsRest && rest.length > 0) {
        const prefix = runsRest.slice(
          0,
          runsRest.findIndex((w) => /^\$(@|\{@\})$/.test(w)),
        );
        visit(
          [...prefix, ...rest],
          [...prefix.map(() => restAt(rest)[0] ?? head), ...restAt(rest)],
          depth + 1,
        );
      }
    }
  };
  if (words.length > 0)
    visit(
      words.map((w) => w.text),
      words.map((w) => w.instruction),
      0,
    );
  return out;
}

/** The server launches of a Dockerfile's final stage (see startCommands). */
export function dockerLaunches(ctx: DockerfileContext): Launch[] {
  const entry = once(ctx);
  entry.launches ??= startCommands(ctx).flatMap((command) => {
    const found = serverOf(command.words);
    return found ? [{ ...command, ...found }] : [];
  });
  return entry.launches;
}

/** Where a launch is, for a message: ` (dockerrun.bash:4)` when a script holds it. */
export function viaText(launch: Launch): string {
  return launch.via ? ` (${launch.via.file}:${launch.via.line})` : '';
}

/**
 * The server launches of the spec's models (`serve.command`), each at its command. A model whose
 * Dockerfile envgen has generated is judged there, where its real CMD is (envgen rewrites the
 * command for `observe:`); so is one whose `observe:` (its own or in `defaults`) turns metrics or
 * tracing on, whose hooks envgen generates, until it is generated. `observe:` with both off (or
 * empty) writes no hooks: that model's command is judged here.
 */
export function specLaunches(ctx: SpecContext): (Launch & { model: string })[] {
  const { spec, locate } = ctx.spec;
  const out: (Launch & { model: string })[] = [];
  // From the spec's value: a position is asked for only where a launch is found (from the spec
  // cache, that parses the YAML).
  for (const [model, settings] of Object.entries(spec.models ?? {})) {
    const command = settings.serve?.command;
    if (!Array.isArray(command) || command.length === 0) continue;
    if (ctx.project.text(modelDockerfile(model)) !== undefined) continue;
    if (observeSettings(settings, spec.defaults)) continue;
    const at = locate(['models', model, 'serve', 'command']) ??
      locate(['models', model, 'serve']) ?? { line: 1, column: 1 };
    for (const words of commandsIn(command)) {
      const found = serverOf(words);
      if (found) out.push({ ...found, line: at.line, column: at.column, dir: '.', model });
    }
  }
  return out;
}
