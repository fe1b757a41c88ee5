/**
 * `envgen init`'s work: check the flags, read the repo, draft the spec (with the user's answers
 * where there is someone to ask), check that it resolves, then write envgen.yaml and the files
 * it generates. Nothing is printed; the outcome says what was written and why.
 */
import { join } from 'node:path';
import type { ResolvedModel } from '../compat/resolve.js';
import { resolveSpec } from '../compat/resolve-spec.js';
import type { Table } from '../compat/table.js';
import type { FileOutcome } from '../generate/apply-plan.js';
import type { Io } from '../io.js';
import { type Problem, UserError } from '../problem.js';
import { renderPlan } from '../render/plan.js';
import { parseSpecText, SPEC_FILE } from '../spec/load-spec.js';
import { valueProblems } from './check-flags.js';
import type { RequirementNote } from './detect/collector.js';
import { detectRepo } from './detect-repo.js';
import {
  type Answers,
  type Draft,
  draftSpec,
  type InitOptions,
  settleSpec,
  withAnswers,
} from './draft-spec.js';
import { schemaRef } from './schema-ref.js';
import { checkSpecAbsent, writeInitFiles } from './write-init-files.js';

export interface InitRun {
  root: string;
  options: InitOptions;
  /** Replace envgen.yaml and generated files that exist. */
  force: boolean;
  table: Table;
  /** envgen's version, for the generated files' headers. */
  version: string;
  /** Asks the user about the draft (on a terminal); absent, the draft stands. */
  answer?: (draft: Draft) => Promise<Answers>;
}

export interface InitOutcome {
  name: string;
  /** The model as it resolved. */
  model: ResolvedModel;
  /** Every model resolved (one), for the resolver's warnings. */
  models: ResolvedModel[];
  /** Where each value came from, one line each. */
  evidence: string[];
  files: FileOutcome[];
  notes: RequirementNote[];
  problems: Problem[];
}

export async function initRepository(io: Io, run: InitRun): Promise<InitOutcome> {
  // A bad flag is reported as the flag, before anything is read or written: checking it as
  // part of the spec text would point at lines of an envgen.yaml that does not exist.
  const flagProblems = valueProblems(run.options);
  if (flagProblems.length > 0) throw new UserError(flagProblems);
  await checkSpecAbsent(io, run.root, run.force);

  let draft = draftSpec(await detectRepo(io, run.root), run.options, run.table);
  if (run.answer) draft = withAnswers(draft, await run.answer(draft));
  const settled = settleSpec(draft, run.table, await schemaRef(io, run.root, run.version));

  const loaded = parseSpecText(settled.text, SPEC_FILE);
  const resolution = resolveSpec(run.table, loaded, [settled.name]);
  if (resolution.problems.length > 0) throw new UserError(resolution.problems);
  const plan = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models: resolution.models,
    version: run.version,
    rootGunicornConfig: await io.exists(join(run.root, 'gunicorn.conf.py')),
  });
  const { files, warnings } = await writeInitFiles(io, run.root, settled.text, plan, {
    force: run.force,
    localPackages: settled.model.localPackages ?? [],
  });
  return {
    name: settled.name,
    model: resolution.models[0] as ResolvedModel,
    models: resolution.models,
    evidence: settled.evidence,
    files,
    notes: settled.notes,
    problems: [...settled.warnings, ...warnings],
  };
}
