/**
 * `envgen init`: writes envgen.yaml for a model repo from flags and what the repo shows, checks
 * that it resolves, then generates. Asks only on a terminal; never replaces a file without
 * --force.
 */
import { join } from 'node:path';
import { type ResolveOutcome, type ResolveRequest, resolveModel } from '../../compat/resolve.js';
import { resolveSpec } from '../../compat/resolve-spec.js';
import { buildTable } from '../../compat/table.js';
import type { Source } from '../../compat/types.js';
import { applyPlan } from '../../generate/apply-plan.js';
import { keptDockerignoreProblems, localPackageFiles } from '../../generate/kept-dockerignore.js';
import { type InitValues, serveCommand, valueProblems } from '../../init/check-flags.js';
import { resolveInPythonRange, seriesOf } from '../../init/choose-python.js';
import {
  type Pinned,
  quote,
  type RequirementNote,
  splitWhere,
} from '../../init/detect/collector.js';
import { pythonAllows } from '../../init/detect/python-version.js';
import { type Detection, detectRepo } from '../../init/detect-repo.js';
import { constrainTorch, pinsAgainst } from '../../init/library-pins.js';
import { boundsSpec, pythonBoundsOf, withClassifierCeiling } from '../../init/python-bounds.js';
import { refusalAt } from '../../init/refusals.js';
import { addServerPackage } from '../../init/server-package.js';
import { specText } from '../../init/spec-text.js';
import { type Problem, UserError, usageError } from '../../problem.js';
import { renderPlan } from '../../render/plan.js';
import { colorFor } from '../../report/color.js';
import { formatProblems } from '../../report/problems.js';
import { formatWarnings } from '../../report/warnings.js';
import { parseSpecText, SPEC_FILE } from '../../spec/load-spec.js';
import type { Base, ModelSpec, PlatformName } from '../../spec/types.js';
import { compareDotted } from '../../versions/dotted.js';
import type { CommandContext } from '../context.js';
import { VERSION } from '../version.js';

/** A torch spec that names a version or a series (`2.1`, `2.1.2`, `2.1.*`), not a range. */
const TORCH_PIN = /^[0-9]+(\.[0-9]+)+(\.\*)?$/;

/** What a check of the targets says of a file init must not replace without --force. */
const REFUSED: readonly string[] = ['edited', 'stale', 'foreign'];
/** Invalid answers to one question before init gives up. */
const ATTEMPTS = 3;

export interface InitFlags {
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
  yes?: boolean;
  force?: boolean;
}

export async function runInit(ctx: CommandContext, flags: InitFlags): Promise<number> {
  const { io, root } = ctx;
  // A bad flag is reported as the flag, before anything is read or written: checking it as
  // part of the spec text would point at lines of an envgen.yaml that does not exist.
  const flagProblems = valueProblems(flags);
  if (flagProblems.length > 0) throw new UserError(flagProblems);
  const specPath = join(root, SPEC_FILE);
  if (!flags.force && (await io.exists(specPath))) {
    throw usageError(
      'init/spec-exists',
      `${SPEC_FILE} already exists in ${root}`,
      'edit it and run `envgen generate`, or pass --force to replace it',
    );
  }

  const found = await detectRepo(io, root);
  const table = buildTable();
  const flagged = (['torch', 'python', 'cuda', 'source'] as const).filter(
    (key) => flags[key] !== undefined,
  );
  // A flag replaces what the repo says: its provenance lines go, and the repo's value is a note.
  const hidden = new Set(flagged.flatMap((key) => found.pinEvidence[key] ?? []));
  const evidence = found.evidence.filter((_, index) => !hidden.has(index));
  const notes: RequirementNote[] = [...found.notes, ...replacedByFlags(found, flags, flagged)];
  let name = flags.name ?? found.name;

  // torchvision/torchaudio pins choose torch when no flag does.
  let repoTorch = found.torch;
  if (flags.torch === undefined) {
    const torchPin = found.torch
      ? { spec: found.torch, where: found.pinnedAt.torch ?? 'the repo' }
      : undefined;
    const constraint = constrainTorch(table, torchPin, found.libraryPins);
    if (!constraint.ok) throw new UserError([constraint.problem]);
    repoTorch = constraint.spec;
    evidence.push(...constraint.evidence);
  } else {
    for (const { pin, reason } of pinsAgainst(table, flags.torch, found.libraryPins)) {
      notes.push({ ...splitWhere(pin.where), text: pin.text, action: 'dropped', reason });
    }
  }

  // The repo's exact pins (numpy==1.24.3) bound the Python, on top of what it asks for.
  const warnings: Problem[] = [];
  const bounds = withClassifierCeiling(
    pythonBoundsOf([...found.conda, ...found.pip], found.listedAt),
    found.newestClassifier,
  );
  evidence.push(...bounds.reasons);
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
  let pythonRange: string | undefined;
  let repoPython = found.python;
  if (flags.python === undefined) {
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
    ...pick('torch', flags.torch, repoTorch),
    ...pick('python', flags.python, repoPython),
    ...pick('cuda', flags.cuda, found.cuda),
    ...pick('source', flags.source, found.source),
    ...pick('base', flags.base, undefined),
    ...pick('platform', flags.platform, undefined),
    ...pick('vision', flags.vision, found.vision),
    ...pick('audio', flags.audio, found.audio),
    ...(found.conda.length ? { conda: found.conda } : {}),
    ...(found.pip.length ? { pip: found.pip } : {}),
    ...(found.localPackages.length ? { localPackages: found.localPackages } : {}),
  };
  let pythonFromRepo = flags.python === undefined && model.python !== undefined;
  let torchFrom = flags.torch !== undefined ? '--torch' : 'the repo';
  const serve = serveFrom(flags, found.serve);
  if (serve) model.serve = serve;
  else if (flags.port !== undefined || flags.health !== undefined) {
    throw usageError(
      'usage/invalid-flag',
      `${flags.port !== undefined ? '--port' : '--health'} needs a server command, and the repo shows none`,
      "give one with --serve, e.g. --serve 'gunicorn -b 0.0.0.0:8080 app:app'",
    );
  }
  if (serve?.health !== undefined && serve.port === undefined) {
    throw usageError('usage/invalid-flag', '--health needs --port', 'give the port with --port');
  }

  if (io.stdinIsTTY && !flags.yes && !ctx.json) {
    const ask = async (key: keyof InitValues, question: string): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        const answer = (await io.prompt(question)).trim();
        const problems = answer
          ? valueProblems({ [key]: answer }, () => `the answer for ${key}`, 'usage/invalid-answer')
          : [];
        if (problems.length === 0) return answer;
        if (attempt === ATTEMPTS) throw new UserError(problems);
        io.stderr.write(formatProblems(problems, colorFor(io.stderr, io.env)));
      }
    };
    const answer = await ask('name', `Model name [${name}]: `);
    if (answer) name = answer;
    for (const key of ['torch', 'python', 'cuda'] as const) {
      const shown =
        model[key] ??
        (key === 'cuda'
          ? 'auto'
          : key === 'python' && pythonRange
            ? `newest in ${pythonRange} that fits`
            : 'newest that fits');
      const answer = await ask(key, `${key} [${shown}]: `);
      if (!answer) continue;
      model[key] = answer;
      flagged.push(key);
      if (key === 'torch') torchFrom = 'your answer';
      if (key === 'python') {
        pythonRange = undefined;
        pythonFromRepo = false;
      }
    }
  }
  addServerPackage(model, evidence, flags.serve === undefined ? found.serveFramework : undefined);

  const fleet = {
    ...(flags.driver ? { driver: flags.driver } : {}),
    ...(flags.gpu?.length ? { gpus: flags.gpu } : {}),
  };

  // Pin what the resolver chose, so the spec says exactly what the files will hold and a newer
  // envgen does not silently move it: the torch series, the Python, the CUDA build, the source.
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
  if (pythonRange !== undefined) {
    const choice = resolveInPythonRange(table, pythonRange, (python) => request(python));
    outcome = choice.outcome;
    if (outcome.ok) evidence.push(choice.evidence);
  } else {
    outcome = resolveModel(table, request());
    // A pinned Python from the repo is a hint, not a demand: when torch does not support it,
    // take the Python the resolver picks, and say so.
    if (!outcome.ok && outcome.error.ruleId === 'resolve/python' && pythonFromRepo) {
      evidence.push(
        `python ${model.python} from the repo does not fit: ${outcome.error.message}; using the resolver's choice`,
      );
      delete model.python;
      outcome = resolveModel(table, request());
    }
  }
  if (!outcome.ok) throw new UserError([refusalAt(outcome.error, table, found.pinnedAt, flagged)]);
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
      `torch ${quote(model.torch)} from ${torchFrom}: written as ${chosen}, the resolver's choice`,
    );
    model.torch = chosen;
  }
  if (model.cuda !== 'auto') model.cuda = resolved.cuda;
  model.source ??= resolved.source;

  const text = specText({ name, model, fleet, evidence });
  const loaded = parseSpecText(text, SPEC_FILE);
  const resolution = resolveSpec(buildTable(), loaded, [name]);
  if (resolution.problems.length > 0) throw new UserError(resolution.problems);
  io.stderr.write(formatWarnings(resolution.models, colorFor(io.stderr, io.env)));
  const plan = renderPlan({
    specFile: SPEC_FILE,
    spec: loaded.spec,
    models: resolution.models,
    version: VERSION,
  });

  // Check every target before writing anything, so a refused file leaves nothing half done.
  // The repo's own .dockerignore is kept, --force or not: it keeps the user's weight folders
  // out, and only the user knows what else. It is checked both ways instead.
  const preview = await applyPlan(io, root, plan, { check: true, force: false });
  const blocked = preview.filter((f) => REFUSED.includes(f.status)).map((f) => f.path);
  if (blocked.length > 0 && !flags.force) {
    throw usageError(
      'init/files-exist',
      `files envgen would write already exist: ${blocked.join(', ')}`,
      'pass --force to replace them',
    );
  }
  const kept = preview.filter((f) => f.status === 'kept');
  if (kept.length > 0) {
    const ignore = (await io.readFile(join(root, '.dockerignore'))).toString('utf8');
    const packageFiles = await localPackageFiles(io, root, model.localPackages ?? []);
    const problems = keptDockerignoreProblems(ignore, plan, packageFiles);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new UserError(errors);
    warnings.push(...problems);
  }
  await io.writeFileAtomic(specPath, text);
  const keptPaths = new Set(kept.map((f) => f.path));
  const written = await applyPlan(
    io,
    root,
    plan.filter((f) => !keptPaths.has(f.path)),
    { check: false, force: Boolean(flags.force) },
  );
  const files = [
    ...written,
    ...kept.map((f) => ({ path: f.path, status: f.status, written: false })),
  ].sort((a, b) => a.path.localeCompare(b.path));

  const color = colorFor(io.stderr, io.env);
  if (notes.length > 0) io.stderr.write(formatNotes(notes));
  if (warnings.length > 0) io.stderr.write(formatProblems(warnings, color));
  if (ctx.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          spec: SPEC_FILE,
          model: resolution.models[0],
          files: files.map(({ path, status }) => ({ path, status })),
          notes,
          problems: warnings,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const m = resolution.models[0];
  const lines = [
    `wrote ${SPEC_FILE}: model '${name}', torch ${m?.torch}, python ${m?.python}, ${m?.cuda === 'cpu' ? 'cpu' : `cuda ${m?.cuda}`}, from ${m?.source}`,
    ...evidence.map((line) => `  ${ctx.color.dim(line)}`),
    ...files.map((f) => `${f.status.padEnd(9)} ${f.path}`),
    '',
    'Next: review envgen.yaml (`envgen resolve` says why each pin was chosen), then `docker buildx bake`.',
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The repo's torch, python, cuda or source that a flag replaced, as notes. */
function replacedByFlags(
  found: Detection,
  flags: InitFlags,
  flagged: readonly Pinned[],
): RequirementNote[] {
  return flagged.flatMap((key) => {
    const value = found[key];
    const where = found.pinnedAt[key];
    if (value === undefined || where === undefined || value === flags[key]) return [];
    return [
      {
        ...splitWhere(where),
        text: `${key} ${value}`,
        action: 'dropped' as const,
        reason: `--${key} ${flags[key]} given`,
      },
    ];
  });
}

/** A `file:line` as a problem's location. */
function splitWhereProblem(where: string): { file: string; line?: number } {
  const { file, line } = splitWhere(where);
  return line === null ? { file } : { file, line };
}

/** One line per note, for stderr. */
function formatNotes(notes: readonly RequirementNote[]): string {
  const lines = notes.map(
    (n) =>
      `note: ${n.file}${n.line !== null ? `:${n.line}` : ''}: ${quote(n.text)} ${n.action}: ${n.reason}`,
  );
  return `${lines.join('\n')}\n`;
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
function serveFrom(flags: InitFlags, found: ModelSpec['serve']): ModelSpec['serve'] {
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
