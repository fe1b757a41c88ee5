/**
 * From what the repo shows and the values the user gave (flags, answers) to the text of a new
 * envgen.yaml: the model it proposes, checked against the table and written with the
 * resolver's choices, where each value came from, and a note for every requirement not kept
 * as written. Reads and writes nothing.
 */
import { type ResolveOutcome, type ResolveRequest, resolveModel } from '../compat/resolve.js';
import type { Table } from '../compat/table.js';
import { type Problem, UserError, usageError } from '../problem.js';
import type { Source } from '../rules-format.js';
import type { Base, ModelSpec, PlatformName } from '../spec/types.js';
import { compareDotted } from '../versions/dotted.js';
import { serveCommand } from './check-flags.js';
import { resolveInPythonRange, seriesOf } from './choose-python.js';
import { type Pinned, quote, type RequirementNote, splitWhere } from './detect/collector.js';
import { pythonAllows } from './detect/python-version.js';
import type { Detection } from './detect-repo.js';
import { constrainTorch, pinsAgainst } from './library-pins.js';
import { proposeObserve } from './observe-proposal.js';
import { boundsSpec, pythonBoundsOf, withClassifierCeiling } from './python-bounds.js';
import { refusalAt } from './refusals.js';
import { addServerPackage } from './server-package.js';
import { specText } from './spec-text.js';

/** A torch spec that names a version or a series (`2.1`, `2.1.2`, `2.1.*`), not a range. */
const TORCH_PIN = /^[0-9]+(\.[0-9]+)+(\.\*)?$/;

/** The values `init` takes from its flags (already checked). */
export interface InitOptions {
  name?: string;
  torch?: string;
  python?: string;
  cuda?: string;
  source?: Source | 'auto';
  base?: Base;
  platform?: PlatformName;
  vision?: boolean;
  audio?: boolean;
  serve?: string;
  port?: string;
  health?: string;
  driver?: string;
  gpu?: string[];
}

/** The values a question can set, as typed. */
export type Answers = Partial<Record<'name' | 'torch' | 'python' | 'cuda', string>>;

/** A proposal before the resolver has chosen: what the repo and the flags say. */
export interface Draft {
  found: Detection;
  values: InitOptions;
  name: string;
  model: ModelSpec;
  /** A Python range to choose in once torch is known. */
  pythonRange?: string;
  /** The Python came from the repo as a pin (a hint the resolver may overrule). */
  pythonFromRepo: boolean;
  /** Where the torch spec came from, for the evidence line of a range. */
  torchFrom: string;
  /** The pinned values a flag or an answer gave: the repo's lines about them are left out. */
  given: Pinned[];
  /** Evidence lines init adds to the repo's. */
  evidence: string[];
  notes: RequirementNote[];
  warnings: Problem[];
}

/** The new envgen.yaml, and what to tell the user about it. */
export interface Settled {
  name: string;
  text: string;
  model: ModelSpec;
  evidence: string[];
  notes: RequirementNote[];
  warnings: Problem[];
}

/** The model the repo and the flags propose (library pins, Python bounds, serving). */
export function draftSpec(found: Detection, values: InitOptions, table: Table): Draft {
  const flagged = (['torch', 'python', 'cuda', 'source'] as const).filter(
    (key) => values[key] !== undefined,
  );
  // A flag replaces what the repo says: its provenance lines go (settleSpec), and the repo's
  // value is a note.
  const evidence: string[] = [];
  const notes: RequirementNote[] = [...found.notes, ...replacedByFlags(found, values, flagged)];
  const name = values.name ?? found.name;

  // torchvision/torchaudio pins choose torch when no flag does.
  let repoTorch = found.torch;
  if (values.torch === undefined) {
    const torchPin = found.torch
      ? { spec: found.torch, where: found.pinnedAt.torch ?? 'the repo' }
      : undefined;
    const constraint = constrainTorch(table, torchPin, found.libraryPins);
    if (!constraint.ok) throw new UserError([constraint.problem]);
    repoTorch = constraint.spec;
    evidence.push(...constraint.evidence);
  } else {
    for (const { pin, reason } of pinsAgainst(table, values.torch, found.libraryPins)) {
      notes.push({ ...splitWhere(pin.where), text: pin.text, action: 'dropped', reason });
    }
  }

  // The repo's exact pins (numpy==1.24.3) bound the Python, on top of what it asks for.
  const warnings: Problem[] = [];
  const bounds = withClassifierCeiling(
    pythonBoundsOf([...found.conda, ...found.pip], found.listedAt),
    found.newestClassifier,
  );
  // The pins' bounds explain the Python chosen; with --python given they are no longer its
  // provenance, only a check of it (below).
  if (values.python === undefined) evidence.push(...bounds.reasons);
  let boundsRange = boundsSpec(bounds);
  if (bounds.min && bounds.max && compareDotted(bounds.min, bounds.max) > 0) {
    // Pins no Python satisfies: say so, and choose as if they were not there.
    warnings.push({
      ruleId: 'init/python-pins',
      severity: 'warning',
      message: `no Python installs every pin: ${bounds.reasons.join('; ')}`,
      fix: 'change one of these pins; the environment will not build as it is',
    });
    boundsRange = undefined;
  }
  // The CPU build from the absence of any GPU word is a guess: said where CI logs show it.
  if (found.cpuGuessedAt && values.cuda === undefined) {
    warnings.push({
      ruleId: 'init/cpu-build',
      severity: 'info',
      ...splitWhereProblem(found.cpuGuessedAt),
      message:
        'the CPU build: the code imports torch, and no file mentions CUDA, a GPU or a device',
      fix: 'pass --cuda X.Y (or --cuda auto) for a GPU image',
    });
  }
  let pythonRange: string | undefined;
  let repoPython = found.python;
  if (
    values.python !== undefined &&
    boundsRange !== undefined &&
    !pythonAllows(boundsRange, values.python)
  ) {
    warnings.push({
      ruleId: 'init/python-pins',
      severity: 'warning',
      message: `--python ${values.python} is outside what the repo's pins install on (${quote(boundsRange)}): ${bounds.reasons.join('; ')}`,
      fix: `pass --python with a version in ${quote(boundsRange)}, or change the pins`,
    });
  }
  if (values.python === undefined) {
    if (found.pythonRange !== undefined) {
      pythonRange = [found.pythonRange, boundsRange].filter(Boolean).join(',');
      repoPython = undefined;
    } else if (found.python === undefined) pythonRange = boundsRange;
    else if (boundsRange !== undefined && !pythonAllows(boundsRange, found.python)) {
      const where = found.pinnedAt.python ?? 'the repo';
      warnings.push({
        ruleId: 'init/python-pins',
        severity: 'warning',
        ...splitWhereProblem(where),
        message: `python ${found.python} from ${where} is outside what the pins install on (${quote(boundsRange)}): ${bounds.reasons.join('; ')}`,
        fix: `pass --python with a version in ${quote(boundsRange)}, or change the pins`,
      });
    }
  }
  const model: ModelSpec = {
    ...pick('torch', values.torch, repoTorch),
    ...pick('python', values.python, repoPython),
    ...pick('cuda', values.cuda, found.cuda),
    ...pick('source', values.source, found.source),
    ...pick('base', values.base, undefined),
    ...pick('platform', values.platform, undefined),
    ...pick('vision', values.vision, found.vision),
    ...pick('audio', values.audio, found.audio),
    ...(found.conda.length ? { conda: found.conda } : {}),
    ...(found.pip.length ? { pip: found.pip } : {}),
    ...(found.localPackages.length ? { localPackages: found.localPackages } : {}),
  };
  const pythonFromRepo = values.python === undefined && model.python !== undefined;
  const torchFrom = values.torch !== undefined ? '--torch' : 'the repo';
  const serve = serveFrom(values, found.serve);
  if (serve) model.serve = serve;
  else if (values.port !== undefined || values.health !== undefined) {
    throw usageError(
      'usage/invalid-flag',
      `${values.port !== undefined ? '--port' : '--health'} needs a server command, and the repo shows none`,
      "give one with --serve, e.g. --serve 'gunicorn -b 0.0.0.0:8080 app:app'",
    );
  }
  if (serve?.health !== undefined && serve.port === undefined) {
    throw usageError('usage/invalid-flag', '--health needs --port', 'give the port with --port');
  }

  return {
    found,
    values,
    name,
    model,
    ...(pythonRange !== undefined ? { pythonRange } : {}),
    pythonFromRepo,
    torchFrom,
    given: [...flagged],
    evidence,
    notes,
    warnings,
  };
}

/** Typed answers laid over a draft: each replaces what the repo or a flag said. */
export function withAnswers(draft: Draft, answers: Answers): Draft {
  const next = { ...draft, model: { ...draft.model }, given: [...draft.given] };
  if (answers.name) next.name = answers.name;
  for (const key of ['torch', 'python', 'cuda'] as const) {
    const answer = answers[key];
    if (!answer) continue;
    next.model[key] = answer;
    next.given.push(key);
    const repo = draft.found[key];
    const where = draft.found.pinnedAt[key];
    if (repo !== undefined && where !== undefined && repo !== answer) {
      const reason = `${answer} typed at the question`;
      next.notes = [
        ...next.notes,
        { ...splitWhere(where), text: `${key} ${repo}`, action: 'dropped', reason },
      ];
    }
    if (key === 'torch') next.torchFrom = 'your answer';
    if (key === 'python') {
      delete next.pythonRange;
      next.pythonFromRepo = false;
    }
  }
  return next;
}

/**
 * Resolves the draft and writes the resolver's choices into the spec (the torch series, the
 * Python, the CUDA build, the source), so the spec says exactly what the files will hold and a
 * newer envgen does not silently move it. Throws a UserError when nothing resolves, at the file
 * and line of the value that failed.
 */
export function settleSpec(draft: Draft, table: Table, schema: string): Settled {
  const { found, values, name } = draft;
  const model: ModelSpec = { ...draft.model };
  // A flag replaces the repo's value: the lines that said where that value came from go.
  const serveFlags = [values.serve, values.port, values.health].some((v) => v !== undefined);
  const hidden = new Set([
    ...draft.given.flatMap((key) => found.pinEvidence[key] ?? []),
    ...(serveFlags ? (found.pinEvidence.serve ?? []) : []),
  ]);
  const evidence = [...found.evidence.filter((_, index) => !hidden.has(index)), ...draft.evidence];
  const serveLine = serveFlags ? serveProvenance(values, found.serve) : undefined;
  if (serveLine) evidence.push(serveLine);
  addServerPackage(model, evidence, values.serve === undefined ? found.serveFramework : undefined);
  const fleet = {
    ...(values.driver ? { driver: values.driver } : {}),
    ...(values.gpu?.length ? { gpus: values.gpu } : {}),
  };
  const request = (python = model.python, torch = model.torch): ResolveRequest => ({
    name,
    ...(torch ? { torch } : {}),
    ...(python ? { python } : {}),
    ...(model.cuda ? { cuda: model.cuda } : {}),
    ...(model.source ? { source: model.source } : {}),
    ...(model.platform ? { platform: model.platform } : {}),
    fleet,
  });
  let outcome: ResolveOutcome;
  if (draft.pythonRange !== undefined) {
    const choice = resolveInPythonRange(table, draft.pythonRange, (python) => request(python));
    outcome = choice.outcome;
    if (outcome.ok) evidence.push(choice.evidence);
  } else {
    outcome = resolveModel(table, request());
    // A pinned Python from the repo is a hint, not a demand: when torch does not support it,
    // take the Python the resolver picks, and say so.
    if (!outcome.ok && outcome.error.ruleId === 'resolve/python' && draft.pythonFromRepo) {
      evidence.push(
        `python ${model.python} from the repo does not fit: ${outcome.error.message}; using the resolver's choice`,
      );
      delete model.python;
      outcome = resolveModel(table, request());
    }
  }
  if (!outcome.ok)
    throw new UserError([refusalAt(outcome.error, table, found.pinnedAt, draft.given)]);
  const resolved = outcome.model;
  model.python = resolved.python;
  if (model.torch === undefined) model.torch = seriesOf(resolved.torch);
  else if (!TORCH_PIN.test(model.torch)) {
    // A range would let a newer envgen move torch: write the series chosen (the exact version
    // when the range leaves out patches the series would take), and keep the range as evidence.
    const series = seriesOf(resolved.torch);
    const same = resolveModel(table, request(resolved.python, series));
    const chosen = same.ok && same.model.torch === resolved.torch ? series : resolved.torch;
    evidence.push(
      `torch ${quote(model.torch)} from ${draft.torchFrom}: written as ${chosen}, the resolver's choice`,
    );
    model.torch = chosen;
  }
  if (model.cuda !== 'auto') model.cuda = resolved.cuda;
  model.source ??= resolved.source;
  proposeObserve(model, evidence);

  return {
    name,
    text: specText({ name, model, fleet, evidence, schema }),
    model,
    evidence,
    notes: draft.notes,
    warnings: draft.warnings,
  };
}

/** The repo's torch, python, cuda or source that a flag replaced, as notes. */
function replacedByFlags(
  found: Detection,
  values: InitOptions,
  flagged: readonly Pinned[],
): RequirementNote[] {
  return flagged.flatMap((key) => {
    const value = found[key];
    const where = found.pinnedAt[key];
    if (value === undefined || where === undefined || value === values[key]) return [];
    return [
      {
        ...splitWhere(where),
        text: `${key} ${value}`,
        action: 'dropped' as const,
        reason: `--${key} ${values[key]} given`,
      },
    ];
  });
}

/** A `file:line` as a problem's location. */
function splitWhereProblem(where: string): { file: string; line?: number } {
  const { file, line } = splitWhere(where);
  return line === null ? { file } : { file, line };
}

function pick<K extends keyof ModelSpec>(
  key: K,
  flag: ModelSpec[K] | undefined,
  found: ModelSpec[K] | undefined,
): Partial<ModelSpec> {
  const value = flag ?? found;
  return value === undefined ? {} : { [key]: value };
}

/** The serve command from the flags (already checked) laid over the one detected. */
/**
 * With --serve, --port or --health given, what of `serve:` still came from the repo (the
 * detection's own line is left out, as it describes values the flags replaced).
 */
function serveProvenance(flags: InitOptions, found: ModelSpec['serve']): string | undefined {
  if (found === undefined) return undefined;
  const kept = [
    ...(flags.serve === undefined ? ['the command'] : []),
    ...(flags.port === undefined && found.port !== undefined ? [`port ${found.port}`] : []),
    ...(flags.serve === undefined && flags.health === undefined && found.health !== undefined
      ? [`health ${found.health}`]
      : []),
  ];
  const given = (['serve', 'port', 'health'] as const)
    .filter((key) => flags[key] !== undefined)
    .map((key) => `--${key}`);
  return kept.length > 0
    ? `serve: ${kept.join(', ')} from the repo; ${given.join(', ')} given`
    : undefined;
}

function serveFrom(flags: InitOptions, found: ModelSpec['serve']): ModelSpec['serve'] {
  const port = flags.port !== undefined ? { port: Number(flags.port) } : {};
  const health = flags.health !== undefined ? { health: flags.health } : {};
  if (flags.serve === undefined) return found ? { ...found, ...port, ...health } : undefined;
  return {
    command: serveCommand(flags.serve),
    ...(found?.port !== undefined ? { port: found.port } : {}),
    ...port,
    ...health,
  };
}
