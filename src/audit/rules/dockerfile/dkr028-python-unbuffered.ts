import type { DockerfileContext, Edit } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { basename } from './run-commands.js';
import { commandsOf } from './shell.js';
import { lineage, serviceReason, unquote, valueIn } from './stages.js';

const LINE = 'ENV PYTHONUNBUFFERED=1';

export const dkr028 = defineRule<'dockerfile'>({
  id: 'DKR028',
  name: 'python-unbuffered',
  target: 'dockerfile',
  severity: 'info',
  description:
    'A service image does not set `PYTHONUNBUFFERED=1`, and its command is not `python -u`.',
  docs: [
    "Without a terminal, Python block-buffers stdout: a service's log lines reach `docker logs` minutes late, or never",
    'when the container is killed (jupyterhub/repo2docker#1014: "PYTHONUNBUFFERED ... is ~always needed in containers").',
    '',
    'Checked for service images only (the final stage EXPOSEs a port, or the model has `serve:` in envgen.yaml), like',
    'DKR022. Any non-empty value of PYTHONUNBUFFERED turns buffering off; so does `python -u` in ENTRYPOINT/CMD.',
    '',
    'Fix: `ENV PYTHONUNBUFFERED=1` in the final stage (`--fix` adds it before the CMD/ENTRYPOINT).',
  ].join('\n'),
  check(context) {
    const final = context.final;
    if (!final) return [];
    const reason = serviceReason(context);
    if (!reason) return [];
    const stages = lineage(final);
    if (unquote(valueIn(stages, 'PYTHONUNBUFFERED') ?? '') !== '') return [];
    const launch = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
    if (launch.some((i) => unbufferedPython(i.args))) return [];
    return [
      {
        line: final.from.line,
        column: final.from.column,
        message: `this is a service image (${reason}) but PYTHONUNBUFFERED is not set: Python's log output is buffered`,
        fix: `add \`${LINE}\` to the final stage`,
        edit: addEnv(context),
      },
    ];
  },
});

/** Whether ENTRYPOINT/CMD arguments run `python -u` (exec or shell form). */
function unbufferedPython(args: string): boolean {
  let words: string[];
  try {
    const parsed = JSON.parse(args) as unknown;
    words = Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    words = commandsOf(args).flatMap((c) => c.words);
  }
  const python = words.findIndex((w) => /^python(\d+(\.\d+)?)?$/.test(basename(w)));
  if (python < 0) return false;
  for (let i = python + 1; i < words.length; i++) {
    const word = words[i] ?? '';
    // Interpreter options end at the first word that is not one (the script, or -m/-c and their value).
    if (!/^-[a-zA-Z]+$/.test(word)) return false;
    for (const [at, letter] of [...word.slice(1)].entries()) {
      if (letter === 'u') return true;
      if (letter === 'm' || letter === 'c') return false;
      if (letter === 'W' || letter === 'X') {
        if (at === word.length - 2) i++;
        break;
      }
    }
  }
  return false;
}

/** Adds the ENV before the first CMD/ENTRYPOINT of the last stage, or at the end. */
function addEnv(context: DockerfileContext): Edit {
  const final = context.final;
  const anchor = final?.instructions.find((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const anchorText = anchor ? context.lines[anchor.line - 1] : undefined;
  return {
    description: `add ${LINE}`,
    apply(text) {
      const lines = text.split('\n');
      const lastFrom = lines.findLastIndex((l) => /^\s*FROM\s/i.test(l));
      if (lines.slice(Math.max(lastFrom, 0)).some((l) => /\bPYTHONUNBUFFERED[= ]\s*\S/.test(l)))
        return text;
      const at =
        anchorText === undefined ? -1 : lines.findIndex((l, i) => i > lastFrom && l === anchorText);
      if (at >= 0) return [...lines.slice(0, at), LINE, ...lines.slice(at)].join('\n');
      return text.endsWith('\n') ? `${text}${LINE}\n` : `${text}\n${LINE}\n`;
    },
  };
}
