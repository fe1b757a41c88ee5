/**
 * `envgen init`: writes envgen.yaml for a model repo from flags and what the repo shows, checks
 * that it resolves, then generates. Asks only on a terminal; never replaces a file without
 * --force. The flags, the questions and the report live here; what to propose is src/init.
 */
import { resolveSpec } from '../../compat/resolve-spec.js';
import { compatTable } from '../../compat/table.js';
import { type InitValues, valueProblems } from '../../init/check-flags.js';
import { detectRepo } from '../../init/detect-repo.js';
import {
  type Answers,
  type Draft,
  draftSpec,
  type InitOptions,
  settleSpec,
  withAnswers,
} from '../../init/draft-spec.js';
import { checkSpecAbsent, writeInitFiles } from '../../init/write-init-files.js';
import type { Io } from '../../io.js';
import { UserError } from '../../problem.js';
import { renderPlan } from '../../render/plan.js';
import { colorFor } from '../../report/color.js';
import { writeJson } from '../../report/json.js';
import { formatNotes } from '../../report/notes.js';
import { formatProblems } from '../../report/problems.js';
import { formatWarnings } from '../../report/warnings.js';
import { parseSpecText, SPEC_FILE } from '../../spec/load-spec.js';
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
  const { io, root } = ctx;
  // A bad flag is reported as the flag, before anything is read or written: checking it as
  // part of the spec text would point at lines of an envgen.yaml that does not exist.
  const flagProblems = valueProblems(flags);
  if (flagProblems.length > 0) throw new UserError(flagProblems);
  await checkSpecAbsent(io, root, Boolean(flags.force));

  const table = compatTable();
  let draft = draftSpec(await detectRepo(io, root), flags, table);
  if (io.stdinIsTTY && !flags.yes && !ctx.json) draft = withAnswers(draft, await ask(io, draft));
  const settled = settleSpec(draft, table);

  const loaded = parseSpecText(settled.text, SPEC_FILE);
  const resolution = resolveSpec(table, loaded, [settled.name]);
  if (resolution.problems.length > 0) throw new UserError(resolution.problems);
  const color = colorFor(io.stderr, io.env);
  io.stderr.write(formatWarnings(resolution.models, color));
  const plan = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models: resolution.models,
    version: VERSION,
  });
  const { files, warnings } = await writeInitFiles(io, root, settled.text, plan, {
    force: Boolean(flags.force),
    localPackages: settled.model.localPackages ?? [],
  });
  const problems = [...settled.warnings, ...warnings];
  if (settled.notes.length > 0) io.stderr.write(formatNotes(settled.notes));
  if (problems.length > 0) io.stderr.write(formatProblems(problems, color));

  const m = resolution.models[0];
  if (ctx.json) {
    const out = {
      spec: SPEC_FILE,
      model: m,
      files: files.map(({ path, status }) => ({ path, status })),
      notes: settled.notes,
      problems,
    };
    writeJson(io, out);
    return EXIT.ok;
  }
  const lines = [
    `wrote ${SPEC_FILE}: model '${settled.name}', torch ${m?.torch}, python ${m?.python}, ${m?.cuda === 'cpu' ? 'cpu' : `cuda ${m?.cuda}`}, from ${m?.source}`,
    ...settled.evidence.map((line) => `  ${ctx.color.dim(line)}`),
    ...files.map((f) => `${f.status.padEnd(9)} ${f.path}`),
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
