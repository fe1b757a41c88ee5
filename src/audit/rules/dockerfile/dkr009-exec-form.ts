import type { DockerInstruction } from '../../types.js';
import { defineRule } from '../define-rule.js';
import { rewriteEdit } from './edits.js';
import { execWords } from './run-commands.js';
import { commandsOf } from './shell.js';

/** Words a shell would pass through unchanged: no quotes, variables, globs, redirections or operators. */
const PLAIN = /^[A-Za-z0-9_./:=@,+%-]+$/;

/** `exec server` (possibly after `cd` or `source`) replaces the shell, so the server is PID 1 after all. */
function execs(script: string): boolean {
  const commands = commandsOf(script);
  const last = commands.at(-1);
  return Boolean(
    last && last.words[0] === 'exec' && commands.every((c) => c.next !== '|' && c.next !== '||'),
  );
}

/** Rewrites a shell-form line of plain words as a JSON array; anything else stays as it is. */
function execForm(text: string): string {
  const match = /^(\s*\S+\s+)([\s\S]*)$/.exec(text);
  const words = (match?.[2] ?? '')
    .replaceAll(/\\\r?\n/g, ' ')
    .trim()
    .split(/\s+/);
  if (!match || words[0]?.startsWith('[') || !words.every((w) => PLAIN.test(w))) return text;
  return `${match[1]}[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/**
 * Converting cannot change what runs only for plain words, and when no CMD/ENTRYPOINT pairing
 * changes with it (a shell-form ENTRYPOINT ignores CMD; an exec-form one would pass it on).
 */
function convertible(instruction: DockerInstruction, stage: readonly DockerInstruction[]): boolean {
  if (!instruction.args.split(' ').every((w) => PLAIN.test(w))) return false;
  if (instruction.keyword === 'ENTRYPOINT')
    return !stage.some((i) => i.keyword === 'CMD' && i.line > instruction.line);
  return !stage.some((i) => i.keyword === 'ENTRYPOINT');
}

export const dkr009 = defineRule<'dockerfile'>({
  id: 'DKR009',
  name: 'exec-form',
  target: 'dockerfile',
  severity: 'warning',
  description:
    'CMD/ENTRYPOINT is in shell form, so `/bin/sh -c` is PID 1 and the inference server does not receive SIGTERM.',
  docs: [
    'In shell form (`CMD python serve.py`) Docker runs `/bin/sh -c "python serve.py"`: the shell is PID 1 and does',
    'not forward SIGTERM, so `docker stop` and Kubernetes wait out the grace period and SIGKILL the server, which',
    'never drains its requests (hadolint DL3025, BuildKit JSONArgsRecommended).',
    '',
    'Differs from hadolint on purpose: a shell-form HEALTHCHECK is not reported; it has no PID 1 to lose signals.',
    '',
    'Fix: use the exec form, `CMD ["python", "serve.py"]` (`--fix` converts plain commands). If you need the',
    'shell, end the line with `exec`: `CMD cd /app && exec python serve.py` is not reported.',
  ].join('\n'),
  aliases: ['DL3025', 'JSONArgsRecommended'],
  check(context, report) {
    for (const stage of context.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'CMD' && instruction.keyword !== 'ENTRYPOINT') continue;
        if (!instruction.args || execWords(instruction.args) || execs(instruction.args)) continue;
        const edit = convertible(instruction, stage.instructions)
          ? rewriteEdit(context, instruction, `write ${instruction.keyword} in exec form`, execForm)
          : undefined;
        report({
          line: instruction.line,
          column: instruction.column,
          message: `${instruction.keyword} is in shell form: \`/bin/sh -c\` becomes PID 1 and the server does not receive SIGTERM`,
          fix: `write it as a JSON array: ${instruction.keyword} ["${instruction.args.split(' ').slice(0, 2).join('", "')}", ...]; or start the command with \`exec\``,
          ...(edit ? { edit } : {}),
        });
      }
    }
    return undefined;
  },
});
