import { posix } from 'node:path';
import type { DockerfileContext, DockerStage, EnvironmentContext, Finding } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { PYTHON } from '../dockerfile/installers.js';
import { runCommands } from '../dockerfile/run-commands.js';
import { commandsOf, condaTool, condaVerb } from '../dockerfile/shell.js';
import { type LaunchWord, launchWords, lineage } from '../dockerfile/stages.js';
import {
  assignments,
  copiesInLineage,
  environmentCopies,
  firstOptionValue,
  isSolve,
  rootImageText,
  solvedEnvironment,
  solveFile,
  workdirAt,
} from './image.js';

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const CONDA_IMAGE =
  /^(docker\.io\/)?(continuumio\/(miniconda3|anaconda3)|condaforge\/(miniforge3|mambaforge|miniforge-pypy3)|anaconda\/miniconda)(:|@|$)/;

/** Where conda lives in the image (`MAMBA_ROOT_PREFIX`, else the images' /opt/conda). */
function condaRoot(ctx: DockerfileContext): string {
  const set = ctx.instructions
    .flatMap(assignments)
    .filter((a) => a.name === 'MAMBA_ROOT_PREFIX' && a.value)
    .at(-1);
  return set?.value?.replace(/\/+$/, '') ?? '/opt/conda';
}

/** Prefixes the stage's solves create: `-p X`, `-n NAME`, the file's `name:`, or base. */
function prefixesMadeIn(ctx: DockerfileContext, stage: DockerStage, root: string): string[] {
  const copies = copiesInLineage(ctx, stage);
  const prefixes: string[] = [];
  for (const run of stage.instructions) {
    for (const command of runCommands(run).filter(isSolve)) {
      const prefix = firstOptionValue(command, ['-p', '--prefix']);
      const name = firstOptionValue(command, ['-n', '--name']);
      const env = solvedEnvironment(
        solveFile(command),
        copies,
        workdirAt(ctx, stage, run.line),
      )?.env;
      const fileName = typeof env?.value.name === 'string' ? env.value.name : undefined;
      const verb = condaVerb(command) ?? '';
      if (prefix) prefixes.push(posix.normalize(prefix).replace(/\/+$/, ''));
      else if (name) prefixes.push(name === 'base' ? root : `${root}/envs/${name}`);
      else if (fileName && verb !== 'install' && verb !== 'update') {
        prefixes.push(`${root}/envs/${fileName}`);
      } else if (verb === 'install' || verb === 'update') prefixes.push(root);
    }
  }
  return prefixes;
}

/** Environment prefixes present in the final stage: made in its chain, or copied from a stage. */
function finalPrefixes(ctx: DockerfileContext, chain: readonly DockerStage[], root: string) {
  const made = new Map(ctx.stages.map((s) => [s, prefixesMadeIn(ctx, s, root)]));
  const prefixes = chain.flatMap((s) => made.get(s) ?? []);
  for (const copy of chain.flatMap((s) => s.instructions)) {
    const from = copy.flags.find((f) => f.name === 'from')?.value;
    if (copy.keyword !== 'COPY' || !from) continue;
    const words = copy.args.split(/\s+/).filter((w) => w && !w.startsWith('--'));
    const destination = words.at(-1);
    const source = words[0];
    if (!destination || !source || words.length !== 2) continue;
    const src = posix.normalize(source).replace(/\/+$/, '');
    const dst = posix.normalize(destination).replace(/\/+$/, '');
    const stage = ctx.stages.find((s) => s.name?.toLowerCase() === from.toLowerCase());
    const theirs = stage ? lineage(stage).flatMap((s) => made.get(s) ?? []) : [];
    for (const prefix of theirs) {
      if (prefix === src) prefixes.push(dst);
      else if (prefix.startsWith(`${src}/`)) prefixes.push(dst + prefix.slice(src.length));
    }
  }
  return [...new Set(prefixes)];
}

type Python = { word: LaunchWord } | 'activated' | undefined;

/** The python the launch words run, skipping init wrappers and `sh -c`; 'activated' for conda run. */
function pythonOf(words: readonly LaunchWord[], depth = 0): Python {
  let i = 0;
  while (i < words.length) {
    const word = words[i] as LaunchWord;
    const name = posix.basename(word.text);
    if (
      ['tini', 'dumb-init', '--', 'exec', 'env', 'nice'].includes(name) ||
      /^-/.test(word.text) ||
      /^[A-Za-z_]\w*=/.test(word.text)
    ) {
      i++;
      continue;
    }
    if (name === 'gosu' || name === 'su-exec') {
      i += 2;
      continue;
    }
    if (
      name === '_entrypoint.sh' ||
      name === 'conda' ||
      name === 'mamba' ||
      name === 'micromamba'
    ) {
      return 'activated';
    }
    if (['sh', 'bash', 'dash'].includes(name) && depth === 0) {
      const flag = words.findIndex((w, k) => k > i && /^-\w*c$/.test(w.text));
      const script = flag >= 0 ? words[flag + 1] : undefined;
      if (!script) return undefined;
      if (/\b(activate|conda run|mamba run|micromamba run)\b/.test(script.text)) return 'activated';
      const first = commandsOf(script.text)[0];
      if (!first) return undefined;
      return pythonOf(
        first.words.map((text) => ({ text, instruction: script.instruction })),
        1,
      );
    }
    return PYTHON.test(name) ? { word } : undefined;
  }
  return undefined;
}

/** Whether the chain installs a system Python (apt/yum/dnf/apk), which lands in /usr/bin. */
function hasSystemPython(chain: readonly DockerStage[]): boolean {
  return chain
    .flatMap((s) => s.instructions)
    .flatMap(runCommands)
    .some(
      (c) =>
        /^(apt-get|apt|yum|dnf|microdnf|apk)$/.test(posix.basename(c.words[0] ?? '')) &&
        c.words.some((w) => /^python3?(\.\d+)?(-minimal|-is-python3)?$/.test(w)),
    );
}

/** Base images whose PATH is known: the distributions' and NVIDIA's, with no conda on it. */
const PLAIN_IMAGE =
  /^((docker\.io|nvcr\.io)\/)?(debian|ubuntu|python|nvidia\/cuda|redhat\/ubi\d+[\w-]*|rockylinux|almalinux|gcr\.io\/distroless\/[\w-]+)(:|@|$)/;

/**
 * The directories `python` is looked up in, in order, after the final stage's ENV PATH, and
 * whether that list is complete (an unknown base image may put anything on PATH). A bare
 * `conda` in the chain's RUNs means conda's bin/ is on PATH.
 */
function pathOf(chain: readonly DockerStage[], image: string, root: string) {
  const bareConda = chain
    .flatMap((s) => s.instructions)
    .flatMap(runCommands)
    .some((c) => condaTool(c) !== undefined && !(c.words[0] ?? '').includes('/'));
  const conda = CONDA_IMAGE.test(image) || bareConda;
  let path = [...(conda ? [`${root}/bin`] : []), ...SYSTEM_PATH].join(':');
  for (const { name, value } of chain.flatMap((s) => s.instructions).flatMap(assignments)) {
    if (name === 'PATH' && value !== null) path = value.replaceAll(/\$\{PATH\}|\$PATH/g, path);
  }
  const dirs = path
    .split(':')
    .map((p) => p.replace(/\/+$/, ''))
    .filter(Boolean);
  return { dirs, complete: conda || PLAIN_IMAGE.test(image) };
}

/** Where a path's python comes from: the env, another known python, or unknown. */
function judgePath(
  dir: string,
  prefixes: readonly string[],
  root: string,
  condaHere: boolean,
  systemDirs: readonly string[],
) {
  if (prefixes.some((p) => `${p}/bin` === dir)) return 'env';
  if (dir === `${root}/bin` && condaHere) return `conda's base environment at ${root}`;
  if (dir.startsWith(`${root}/envs/`)) return `another conda environment, ${posix.dirname(dir)}`;
  if (systemDirs.includes(dir)) return 'the system Python';
  return undefined;
}

function pythonFindings(ctx: DockerfileContext, final: DockerStage): Finding[] {
  const chain = lineage(final);
  const root = condaRoot(ctx);
  const prefixes = finalPrefixes(ctx, chain, root);
  if (prefixes.length === 0) return [];
  const image = rootImageText(ctx, final);
  const python = pythonOf(launchWords(chain));
  if (!python || python === 'activated') return [];
  const text = python.word.text;
  const condaHere =
    CONDA_IMAGE.test(image) || chain.some((s) => prefixesMadeIn(ctx, s, root).length > 0);
  // Where a non-conda python would sit: the python images' /usr/local/bin, the distro's /usr/bin.
  const systemDirs = [
    ...(/^(docker\.io\/)?python:/.test(image) ? ['/usr/local/bin'] : []),
    ...(hasSystemPython(chain) ? ['/usr/bin', '/bin'] : []),
  ];
  const envs = prefixes.map((p) => `${p}/bin/python`).join(' or ');
  let other: string | undefined;
  if (text.startsWith('/')) {
    const verdict = judgePath(posix.dirname(text), prefixes, root, true, SYSTEM_PATH);
    if (verdict === 'env' || verdict === undefined) return [];
    other = verdict;
  } else if (
    /^micromamba/.test(image.replace(/^.*\//, '')) &&
    !chain.some((s) => s.instructions.some((i) => i.keyword === 'ENTRYPOINT'))
  ) {
    // mambaorg/micromamba's own ENTRYPOINT activates $ENV_NAME (base) before the command.
    const envName =
      chain
        .flatMap((s) => s.instructions)
        .flatMap(assignments)
        .filter((a) => a.name === 'ENV_NAME' && a.value)
        .at(-1)?.value ?? 'base';
    const active = envName === 'base' ? root : `${root}/envs/${envName}`;
    if (prefixes.includes(active)) return [];
    other = `the python of ${active}, which the micromamba entrypoint activates`;
  } else {
    const path = pathOf(chain, image, root);
    for (const dir of path.dirs) {
      const verdict = judgePath(dir, prefixes, root, condaHere, systemDirs);
      if (verdict === 'env') return [];
      if (verdict) {
        other = `${dir}/${text} (${verdict}, first on PATH)`;
        break;
      }
    }
    if (!other && !path.complete) return [];
    other ??= "not on PATH (no environment's bin/ is on it)";
  }
  const instruction = python.word.instruction;
  return [
    {
      line: instruction.line,
      column: instruction.column,
      message: `${instruction.keyword} runs \`${text}\`, which is ${other}, not the environment's python (${envs})`,
      fix: `call the environment's python by its absolute path (${prefixes[0]}/bin/python), or put ${prefixes[0]}/bin first on PATH with ENV PATH=${prefixes[0]}/bin:$PATH`,
    },
  ];
}

/** `python=3.11`, `python==3.11.9`, `python 3.11.*` -> 3.11; ranges -> undefined. */
function pythonMinor(
  env: EnvironmentContext,
): { minor: string; line: number; text: string } | undefined {
  const dep = env.dependencies.find((d) => d.kind === 'conda' && d.name === 'python');
  const version = dep?.conda?.version?.trim();
  if (!dep || !version || /[<>,|!~]/.test(version)) return undefined;
  const minor = /^(?:==?)?\s*(\d+\.\d+)/.exec(version)?.[1];
  return minor ? { minor, line: dep.line, text: dep.text } : undefined;
}

function check(ctx: DockerfileContext, report: (finding: Finding) => void): undefined {
  const model = ctx.model;
  if (model) {
    const wanted = model.python.replace(/t$/, '');
    for (const copy of environmentCopies(ctx)) {
      const found = pythonMinor(copy.env);
      if (!found || found.minor === wanted) continue;
      report({
        line: copy.instruction.line,
        column: copy.instruction.column,
        message: `${copy.env.file}:${found.line} pins ${found.text}, but envgen.yaml resolves model '${model.name}' to Python ${model.python}`,
        fix: 'run `envgen generate` to rewrite the environment from the spec, or change python in envgen.yaml',
      });
    }
  }
  if (ctx.final) for (const finding of pythonFindings(ctx, ctx.final)) report(finding);
}

export const spec005 = defineRule<'dockerfile'>({
  id: 'SPEC005',
  name: 'entrypoint-python-in-env',
  target: 'dockerfile',
  severity: 'warning',
  description:
    "The python that ENTRYPOINT/CMD starts is the environment's, and the environment's Python minor is the spec's.",
  docs: `A conda environment is only used if the server's \`python\` is the one inside it. \`CMD ["python", "serve.py"]\` looks python up on PATH: in a conda base image that is the **base** environment's python (\`/opt/conda/bin\`), not an environment created with \`-n\`/\`--prefix\`; in an \`nvidia/cuda\` or Debian runtime stage with apt's python3 it is \`/usr/bin/python3\`. Either way the server starts without torch, or with another one (**envgen-native**).

The rule finds the environments the final stage has (solved in its stages with \`-p\`/\`-n\`/the file's \`name:\`, or \`COPY --from\` a stage that made one), follows the launch through \`tini\`, \`env\`, \`exec\` and \`sh -c\`, and checks where \`python\` resolves: an absolute path, or the final stage's PATH. \`conda run\` and micromamba's activating entrypoint count as the environment (DKR008 judges \`conda run\`). For \`envs/<model>/Dockerfile\` it also compares the environment's \`python=\` pin with the Python envgen.yaml resolves.

Fix: use the environment's absolute path (\`/opt/env/bin/python\`), or \`ENV PATH=/opt/env/bin:$PATH\`; regenerate a stale environment file.`,
  check,
});
