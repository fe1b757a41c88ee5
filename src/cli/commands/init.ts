/**
 * `envgen init`: writes envgen.yaml for a model repo from flags and what the repo shows, checks
 * that it resolves, then generates. Asks only on a terminal; never replaces a file without
 * --force. The flags, the questions and the report live here; the work is src/init
 * (initRepository).
 */
import { compatTable } from '../../compat/table.js';
import { type InitValues, valueProblems } from '../../init/check-flags.js';
import type { Answers, Draft, InitOptions } from '../../init/draft-spec.js';
import { initRepository } from '../../init/init-repository.js';
import type { Io } from '../../io.js';
import { UserError } from '../../problem.js';
import { colorFor } from '../../report/color.js';
import { writeJson } from '../../report/json.js';
import { formatNotes } from '../../report/notes.js';
import { formatProblems } from '../../report/problems.js';
import { formatWarnings } from '../../report/warnings.js';
import { SPEC_FILE } from '../../spec/load-spec.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { VERSION } from '../version.js';

/** Invalid answers to one question before init gives up. */
const ATTEMPTS = 3;

export interface InitFlags extends InitOptions {
  yes?: boolean;
  force?: boolean;
}

export async function runInit(ctx: CommandContext, flags: InitFlags): Promise<number> {
  const { io } = ctx;
  const { yes, force, ...options } = flags;
  const interactive = io.stdinIsTTY && !yes && !ctx.json;
  const outcome = await initRepository(io, {
    root: ctx.root,
    options,
    force: Boolean(force),
    table: compatTable(),
    version: VERSION,
    ...(interactive ? { answer: (draft: Draft) => ask(io, draft) } : {}),
  });
  const color = colorFor(io.stderr, io.env);
  io.stderr.write(formatWarnings(outcome.models, color));
  if (outcome.notes.length > 0) io.stderr.write(formatNotes(outcome.notes));
  if (outcome.problems.length > 0) io.stderr.write(formatProblems(outcome.problems, color));

  const m = outcome.model;
  if (ctx.json) {
    writeJson(io, {
      spec: SPEC_FILE,
      model: m,
      files: outcome.files.map(({ path, status }) => ({ path, status })),
      notes: outcome.notes,
      problems: outcome.problems,
    });
    return EXIT.ok;
  }
  const lines = [
    `wrote ${SPEC_FILE}: model '${outcome.name}', torch ${m.torch}, python ${m.python}, ${m.cuda === 'cpu' ? 'cpu' : `cuda ${m.cuda}`}, from ${m.source}`,
    ...outcome.evidence.map((line) => `  ${ctx.color.dim(line)}`),
    ...outcome.files.map((f) => `${f.status.padEnd(9)} ${f.path}`),
    '',
    'Next: review envgen.yaml (`envgen resolve` says why each pin was chosen), then `docker buildx bake`.',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/**
 * The name, torch, Python and CUDA, each asked on the terminal with the draft's value as the
 * default, and each answer checked as it is given (asked again, three times at most).
 */
async function ask(io: Io, draft: Draft): Promise<Answers> {
  const answers: Answers = {};
  const question = async (key: keyof Answers, text: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const answer = (await io.prompt(text)).trim();
      const problems = answer
        ? valueProblems(
            { [key]: answer } as InitValues,
            () => `the answer for ${key}`,
            'usage/invalid-answer',
          )
        : [];
      if (problems.length === 0) return answer;
      if (attempt === ATTEMPTS) throw new UserError(problems);
      io.stderr.write(formatProblems(problems, colorFor(io.stderr, io.env)));
    }
  };
  const name = await question('name', `Model name [${draft.name}]: `);
  if (name) answers.name = name;
  for (const key of ['torch', 'python', 'cuda'] as const) {
    const shown =
      draft.model[key] ??
      (key === 'cuda'
        ? 'auto'
        : key === 'python' && draft.pythonRange
          ? `newest in ${draft.pythonRange} that fits`
          : 'newest that fits');
    const answer = await question(key, `${key} [${shown}]: `);
    if (answer) answers[key] = answer;
  }
  return answers;
}
