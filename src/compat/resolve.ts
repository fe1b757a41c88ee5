/**
 * The resolver: from a model's intent (torch spec, Python, CUDA, source, fleet) to full pins,
 * channels, dependencies, driver floors and architectures, with one reason per decision.
 *
 * Order of decisions: the torch release (newest that matches and can be served), Python, the
 * source (`auto`: the `pytorch` channel where it has the release, then conda-forge, then pip
 * wheels), the CUDA build (`auto`: newest the fleet's driver and every fleet GPU can run), the
 * newest patch, then the paired domain libraries. No build satisfying the constraints is not an
 * exception: the outcome says what failed and what would work.
 */

import type { Build, Patch, Platform, Release, Source } from '../rules-format.js';
import { SOURCES } from '../rules-format.js';
import { parseVersionSpec, type VersionMatcher } from '../versions/conda-version.js';
import { byDottedDescending, compareDotted } from '../versions/dotted.js';
import { checkArch, checkDriver, driverFloors, gpuLabel, noCompatFloorText } from './fleet.js';
import { installPlan } from './install-plan.js';
import type { Table } from './table.js';

export interface FleetInput {
  driver?: string;
  gpus?: string[];
}

export interface ResolveRequest {
  name: string;
  /** Conda version spec; absent: the newest release that fits the rest. */
  torch?: string;
  python?: string;
  /** `X.Y`, `cpu` or `auto` (default). */
  cuda?: string;
  /** A fixed source or `auto` (default). */
  source?: Source | 'auto';
  platform?: Platform;
  vision?: boolean;
  audio?: boolean;
  fleet?: FleetInput;
}

export interface ResolvedModel {
  name: string;
  torch: string;
  python: string;
  cuda: string;
  source: Source;
  platform: Platform;
  torchvision: string | null;
  torchaudio: string | null;
  channels: string[];
  dependencies: string[];
  pip: string[];
  minDriver: { toolkit: string | null; compat: string | null } | null;
  archs: string[] | null;
  /** The compute capability PTX is embedded for, when known. */
  ptx: string | null;
  /** Where the arch list comes from (source ids of the table), or null when it is not known. */
  archSources: string[] | null;
  reasons: string[];
  /** Decisions that rest on unconfirmed data or on a fallback the user should know about. */
  warnings: string[];
}

/** Why no build fits, and what would. */
export interface Unsatisfiable {
  ruleId:
    | 'resolve/unknown-torch'
    | 'resolve/python'
    | 'resolve/no-build'
    | 'resolve/fleet'
    | 'resolve/bad-torch-spec';
  /** The constraint that failed (`torch`, `python`, `cuda`, `source`, `fleet`) for pointing at the spec. */
  field: string;
  message: string;
  fix: string;
}

export type ResolveOutcome =
  | { ok: true; model: ResolvedModel }
  | { ok: false; error: Unsatisfiable };

interface Candidate {
  build: Build;
  notes: string[];
  warnings: string[];
}

interface Rejection {
  build: Build;
  why: 'driver' | 'arch' | 'unverifiable';
  detail: string;
  gpus?: string[];
}

export function resolveModel(table: Table, request: ResolveRequest): ResolveOutcome {
  return resolveWith(table, request, true);
}

/** `explain`: on failure, search for what would work (off inside that search). */
function resolveWith(table: Table, request: ResolveRequest, explain: boolean): ResolveOutcome {
  const platform = request.platform ?? 'linux-64';
  const matcher = torchMatcher(request.torch);
  if (matcher && 'error' in matcher) return { ok: false, error: matcher.error };

  const releases = [...table.releases].sort((a, b) => byDottedDescending(a.torch, b.torch));
  // A release whose existence is not confirmed is chosen only when nothing confirmed matches
  // (a spec that names it, like '2.14'), never as the newest of a range.
  const all = releases.filter((release) => patchesFor(release, matcher).length > 0);
  const confirmed = all.filter((r) => !r.unconfirmed?.patches);
  const matching = confirmed.length > 0 ? confirmed : all;
  const unconfirmed = all.filter((r) => !matching.includes(r));
  if (matching.length === 0) {
    const known = releases.map((r) => r.torch).reverse();
    return fail(
      'resolve/unknown-torch',
      'torch',
      `no known torch release matches '${request.torch}'`,
      `known releases: ${known.join(', ')}; a newer one can be added with \`compat:\` in envgen.yaml or --rules FILE`,
    );
  }

  const skipped = unconfirmed.map(
    (r) => `${r.torch} (not confirmed released: ask for it explicitly)`,
  );
  let firstFailure: Unsatisfiable | undefined;
  for (const release of matching) {
    const outcome = resolveRelease(table, request, release, matcher, platform, explain);
    if (outcome.ok) {
      if (skipped.length > 0) {
        outcome.model.reasons.splice(
          1,
          0,
          `newer matching releases skipped: ${skipped.join('; ')}`,
        );
      }
      return outcome;
    }
    firstFailure ??= outcome.error;
    skipped.push(`${release.torch} (${outcome.error.message})`);
  }
  const failure = firstFailure as Unsatisfiable;
  if (matching.length > 1 && !request.torch) {
    return {
      ok: false,
      error: { ...failure, message: `no torch release fits: the newest, ${failure.message}` },
    };
  }
  return { ok: false, error: failure };
}

function resolveRelease(
  table: Table,
  request: ResolveRequest,
  release: Release,
  matcher: VersionMatcher | undefined,
  platform: Platform,
  explain: boolean,
): ResolveOutcome {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const patches = patchesFor(release, matcher);

  const python = pickPython(release, request.python, table.releases);
  if (!python.ok) return { ok: false, error: python.error };

  // Free-threaded Pythons (3.13t) have PyTorch wheels; the table records no conda builds for them.
  const freeThreaded = python.version.endsWith('t');
  const asked = request.source && request.source !== 'auto' ? [request.source] : SOURCES;
  const sources = freeThreaded ? asked.filter((s) => s === 'pip') : asked;
  if (sources.length === 0) {
    return fail(
      'resolve/no-build',
      'python',
      `free-threaded Python ${python.version} comes only with pip wheels, not from ${request.source}`,
      'set source: pip, or a Python without the t',
    );
  }
  const cuda = request.cuda ?? 'auto';
  const tried: { source: Source; rejections: Rejection[]; available: string[] }[] = [];
  let chosen: (Candidate & { source: Source }) | undefined;
  for (const source of sources) {
    // A build made for some patches only (1.8.1's cu101 wheels) counts when one of them matches.
    const builds = release.builds.filter(
      (b) =>
        b.source === source &&
        b.platforms.includes(platform) &&
        (!b.patches || patches.some((p) => b.patches?.includes(p.version))),
    );
    const result = pickBuild(table, release, builds, cuda, platform, request.fleet);
    tried.push({ source, rejections: result.rejections, available: builds.map((b) => b.cuda) });
    if (result.candidate) {
      chosen = { ...result.candidate, source };
      break;
    }
  }
  if (!chosen)
    return { ok: false, error: explainNoBuild(table, request, release, platform, tried, explain) };

  const { build } = chosen;
  const patch = newestPatch(patches, build);
  reasons.push(torchReason(release, patch, request.torch, matcher, table));
  if (patch.unconfirmed?.version)
    warnings.push(`torch ${patch.version}: ${patch.unconfirmed.version}`);
  // A disputed release day changes no pin: `envgen rules` shows it, the resolver does not warn.
  for (const [field, note] of Object.entries(release.unconfirmed ?? {})) {
    if (field !== 'released') warnings.push(`torch ${release.torch} ${field}: ${note}`);
  }
  reasons.push(python.reason);
  if (python.warning) warnings.push(python.warning);
  reasons.push(sourceReason(release, chosen.source, request.source, tried));
  reasons.push(cudaReason(build, cuda, request.fleet));
  reasons.push(...chosen.notes);
  warnings.push(...chosen.warnings);
  if (build.unconfirmed)
    warnings.push(
      `${chosen.source} CUDA ${build.cuda} build of torch ${release.torch}: ${build.unconfirmed}`,
    );

  const archList = build.archs?.[platform];
  const floors = build.cuda === 'cpu' ? undefined : driverFloors(table, build.cuda);
  if (floors) {
    const toolkit = floors.toolkit
      ? `>= ${floors.toolkit.linux} (${floors.toolkit.label})`
      : 'not in the table';
    const compat = floors.compat
      ? `, or >= ${floors.compat.linux} (minor-version compatibility, CUDA ${floors.compat.cudaMajor}.x)`
      : `; ${noCompatFloorText(build.cuda)}`;
    reasons.push(
      `driver: CUDA ${build.cuda} needs ${toolkit}${compat} [${[...(floors.toolkit?.sources ?? []), ...(floors.compat?.sources ?? [])].filter(unique).join(', ')}]`,
    );
    if (!floors.toolkit)
      warnings.push(`the toolkit driver for CUDA ${build.cuda} is not in the table`);
    if (archList) {
      reasons.push(
        `archs: the ${chosen.source} CUDA ${build.cuda} build carries sm ${archList.sass.join(', ')}${archList.ptx ? ` + PTX ${archList.ptx}` : ' (no PTX)'}, from ${archSourceText(table, archList.sources)}`,
      );
      // Said in the reasons; a warning only where a fleet GPU depends on the disputed part
      // (fleetVerdict warns for those), so models without a fleet are not flooded.
      if (archList.unconfirmed) reasons.push(`archs (unconfirmed): ${archList.unconfirmed}`);
    } else {
      const why = build.archsNotKnown?.[platform];
      reasons.push(
        `archs: the table does not know which GPU architectures the ${chosen.source} CUDA ${build.cuda} build of torch ${release.torch} carries on ${platform}${why ? `: ${why}` : ''}`,
      );
    }
  }

  const vision = domainVersion(patch, build.source, 'torchvision', request.vision);
  const audio = domainVersion(patch, build.source, 'torchaudio', request.audio);
  for (const lib of [vision, audio]) {
    if (!lib.ok) return { ok: false, error: lib.error };
    if (lib.reason) reasons.push(lib.reason);
    if (lib.warning) warnings.push(lib.warning);
  }

  const plan = installPlan({
    release,
    build,
    torch: patch.version,
    python: python.version,
    torchvision: vision.ok ? vision.version : null,
    torchaudio: audio.ok ? audio.version : null,
  });
  reasons.push(plan.reason);
  for (const requirement of release.requires ?? []) {
    reasons.push(
      `${requirement.spec}: ${requirement.why}${requirement.unconfirmed ? ` (unconfirmed: ${requirement.unconfirmed})` : ''}`,
    );
  }

  return {
    ok: true,
    model: {
      name: request.name,
      torch: patch.version,
      python: python.version,
      cuda: build.cuda,
      source: build.source,
      platform,
      torchvision: vision.ok ? vision.version : null,
      torchaudio: audio.ok ? audio.version : null,
      channels: plan.channels,
      dependencies: plan.dependencies,
      pip: plan.pip,
      minDriver: floors
        ? { toolkit: floors.toolkit?.linux ?? null, compat: floors.compat?.linux ?? null }
        : null,
      archs: archList ? [...archList.sass] : null,
      ptx: archList?.ptx ?? null,
      archSources: archList ? [...archList.sources] : null,
      reasons,
      warnings,
    },
  };
}

function torchMatcher(
  spec: string | undefined,
): VersionMatcher | { error: Unsatisfiable } | undefined {
  if (spec === undefined) return undefined;
  const parsed = parseVersionSpec(spec);
  if (parsed.ok) return parsed.matcher;
  return {
    error: {
      ruleId: 'resolve/bad-torch-spec',
      field: 'torch',
      message: `torch '${spec}' is not a conda version spec`,
      fix: "write e.g. '2.1' (the 2.1 series), '2.1.2', '2.1.*' or '>=2.1,<2.3'",
    },
  };
}

function patchesFor(release: Release, matcher: VersionMatcher | undefined): Patch[] {
  return matcher ? release.patches.filter((p) => matcher.matches(p.version)) : release.patches;
}

/** The newest of the matching patches that the build exists for (the caller made sure one does). */
function newestPatch(patches: Patch[], build: Build): Patch {
  const eligible = build.patches
    ? patches.filter((p) => build.patches?.includes(p.version))
    : patches;
  return [...eligible].sort((a, b) => byDottedDescending(a.version, b.version))[0] as Patch;
}

type PythonPick =
  | { ok: true; version: string; reason: string; warning?: string }
  | { ok: false; error: Unsatisfiable };

function pickPython(
  release: Release,
  requested: string | undefined,
  all: readonly Release[],
): PythonPick {
  const range = release.python;
  const stable = pythonsBetween(range.min, range.max);
  const rangeText = `${range.min}-${range.max}${range.experimental.length ? ` (+${range.experimental.join(', ')} experimental)` : ''}`;
  const sources = `[${range.sources.join(', ')}]`;
  const maxNote = range.unconfirmed?.max
    ? `newest supported Python is unconfirmed: ${range.unconfirmed.max}`
    : undefined;
  if (!requested) {
    return {
      ok: true,
      version: range.max,
      reason: `python ${range.max}: newest Python torch ${release.torch} supports (${rangeText}) ${sources}`,
      ...(maxNote ? { warning: maxNote } : {}),
    };
  }
  if (stable.includes(requested)) {
    const unconfirmedTop = maxNote && requested === range.max;
    return {
      ok: true,
      version: requested,
      reason: `python ${requested}: as asked; torch ${release.torch} supports ${rangeText} ${sources}`,
      ...(unconfirmedTop ? { warning: maxNote } : {}),
    };
  }
  if (range.experimental.includes(requested)) {
    return {
      ok: true,
      version: requested,
      reason: `python ${requested}: as asked; experimental for torch ${release.torch} ${sources}`,
      warning: `python ${requested} is experimental for torch ${release.torch}; supported: ${range.min}-${range.max}`,
    };
  }
  return {
    ok: false,
    error: {
      ruleId: 'resolve/python',
      field: 'python',
      message: `torch ${release.torch} does not support Python ${requested} (it supports ${rangeText})`,
      fix: `set python to one of ${stable.join(', ')}${supportersText(all, requested)}`,
    },
  };
}

/** `, or torch 2.6-2.14 (which support 3.13)`, or nothing when no release does. */
function supportersText(all: readonly Release[], python: string): string {
  const supporters = all
    .filter((r) => pythonsBetween(r.python.min, r.python.max).includes(python))
    .map((r) => r.torch)
    .sort(compareDotted);
  if (supporters.length === 0) return `; no known torch release supports Python ${python}`;
  const span = supporters.length === 1 ? supporters[0] : `${supporters[0]}-${supporters.at(-1)}`;
  return `, or torch ${span} (which support${supporters.length === 1 ? 's' : ''} ${python})`;
}

/** `3.8`..`3.11` -> [3.8, 3.9, 3.10, 3.11]. */
function pythonsBetween(min: string, max: string): string[] {
  const [major, lo] = min.split('.').map(Number);
  const hi = Number(max.split('.')[1]);
  const out: string[] = [];
  for (let minor = lo ?? 0; minor <= hi; minor++) out.push(`${major}.${minor}`);
  return out;
}

function pickBuild(
  table: Table,
  release: Release,
  builds: Build[],
  cuda: string,
  platform: Platform,
  fleet: FleetInput | undefined,
): { candidate?: Candidate; rejections: Rejection[] } {
  const explicit = cuda !== 'auto';
  const options = explicit
    ? builds.filter((b) => b.cuda === cuda)
    : builds
        .filter((b) => b.cuda !== 'cpu' && !b.unconfirmed)
        .sort((a, b) => byDottedDescending(a.cuda, b.cuda));
  const rejections: Rejection[] = [];
  for (const build of options) {
    if (build.cuda === 'cpu') return { candidate: { build, notes: [], warnings: [] }, rejections };
    const verdict = fleetVerdict(table, release, build, platform, fleet, explicit);
    if ('rejection' in verdict) {
      rejections.push(verdict.rejection);
      continue;
    }
    return { candidate: { build, ...verdict }, rejections };
  }
  return { rejections };
}

function fleetVerdict(
  table: Table,
  release: Release,
  build: Build,
  platform: Platform,
  fleet: FleetInput | undefined,
  explicit: boolean,
): { notes: string[]; warnings: string[] } | { rejection: Rejection } {
  const notes: string[] = [];
  const warnings: string[] = [];
  let minorCompat = false;
  if (fleet?.driver) {
    const verdict = checkDriver(table, build.cuda, fleet.driver);
    const floors = verdict.floors;
    switch (verdict.kind) {
      case 'full':
        notes.push(
          `fleet driver ${fleet.driver} >= ${floors.toolkit?.linux}, the CUDA ${build.cuda} toolkit driver: full support`,
        );
        break;
      case 'minor-compat':
        minorCompat = true;
        notes.push(
          `fleet driver ${fleet.driver} is below CUDA ${build.cuda}'s toolkit driver ${floors.toolkit?.linux ?? '(not in the table)'} but >= ${floors.compat?.linux}: relies on minor-version compatibility`,
        );
        warnings.push(
          `fleet driver ${fleet.driver} runs CUDA ${build.cuda} only through minor-version compatibility: no PTX JIT, and features that need a newer driver fail; driver >= ${floors.toolkit?.linux ?? 'the toolkit driver'} removes the limit`,
        );
        break;
      case 'too-old':
        return {
          rejection: {
            build,
            why: 'driver',
            detail: `driver ${fleet.driver} is below ${floors.compat?.linux ?? floors.toolkit?.linux}, the oldest that runs CUDA ${build.cuda}`,
          },
        };
      case 'unknown':
        if (!explicit) {
          return {
            rejection: {
              build,
              why: 'unverifiable',
              detail: `the driver CUDA ${build.cuda} needs is not in the table`,
            },
          };
        }
        warnings.push(
          `the driver CUDA ${build.cuda} needs is not in the table; fleet driver ${fleet.driver} is unchecked`,
        );
    }
  }
  const missing: string[] = [];
  for (const gpu of fleet?.gpus ?? []) {
    const verdict = checkArch(table, release, build, platform, gpu);
    const label = gpuLabel(table, gpu);
    switch (verdict.kind) {
      case 'sass':
        notes.push(`GPU ${label}: native code (sm_${verdict.via.replace('.', '')}) in the build`);
        break;
      case 'ptx':
        if (minorCompat) {
          missing.push(gpu);
        } else {
          notes.push(`GPU ${label}: only PTX ${verdict.via}, compiled on first use`);
          warnings.push(
            `GPU ${label} runs the CUDA ${build.cuda} build through PTX JIT: slow first start, and it needs a driver that supports CUDA ${build.cuda} fully`,
          );
        }
        break;
      case 'disputed':
        if (!explicit) {
          return {
            rejection: {
              build,
              why: 'unverifiable',
              detail: `sources disagree on whether it carries GPU ${label} (${verdict.list.unconfirmed ?? 'disputed'})`,
            },
          };
        }
        notes.push(
          `GPU ${label}: listed (sm_${verdict.via.replace('.', '')}), but the sources disagree`,
        );
        warnings.push(
          `GPU ${label} in the ${build.source} CUDA ${build.cuda} build is disputed: ${verdict.list.unconfirmed ?? ''}`,
        );
        break;
      case 'floor-ok':
        notes.push(
          `GPU ${label}: supported from torch ${verdict.floor.minTorch} on CUDA ${verdict.floor.minCuda} (measured floor); the build's full arch list is not known`,
        );
        break;
      case 'missing':
        missing.push(gpu);
        break;
      case 'unknown':
        notes.push(
          `GPU ${label}: the table does not know whether the build carries it (information)`,
        );
    }
  }
  if (missing.length > 0) {
    return {
      rejection: {
        build,
        why: 'arch',
        gpus: missing,
        detail: `no kernels for GPU ${missing.map((g) => gpuLabel(table, g)).join(', ')}`,
      },
    };
  }
  return { notes, warnings };
}

function explainNoBuild(
  table: Table,
  request: ResolveRequest,
  release: Release,
  platform: Platform,
  tried: { source: Source; rejections: Rejection[]; available: string[] }[],
  explain: boolean,
): Unsatisfiable {
  const cuda = request.cuda ?? 'auto';
  const offered = tried
    .filter((t) => t.available.length > 0)
    .map((t) => `${t.source}: ${t.available.join(', ')}`)
    .join('; ');
  const rejections = tried.flatMap((t) => t.rejections.map((r) => ({ ...r, source: t.source })));
  const archRejections = rejections.filter((r) => r.why === 'arch');
  const elsewhere = explain ? alternatives(table, request, release) : '';

  if (rejections.length === 0) {
    const what =
      cuda === 'auto' ? 'GPU build' : cuda === 'cpu' ? 'CPU build' : `CUDA ${cuda} build`;
    const where = request.source && request.source !== 'auto' ? ` from ${request.source}` : '';
    return {
      ruleId: 'resolve/no-build',
      field: cuda === 'auto' ? 'source' : 'cuda',
      message: `torch ${release.torch} has no ${what}${where} for ${platform}`,
      fix: `builds of torch ${release.torch} for ${platform}: ${offered || 'none'}${elsewhere}`,
    };
  }
  const conflicting = conflictText(table, release, platform, request, tried);
  const reasons = rejections.map((r) => `${r.source} CUDA ${r.build.cuda}: ${r.detail}`).join('; ');
  return {
    ruleId: 'resolve/fleet',
    field: 'fleet',
    message: `no build of torch ${release.torch} runs on the fleet (${reasons})${archRejections.length > 0 && conflicting ? `; ${conflicting}` : ''}`,
    fix: `builds of torch ${release.torch} for ${platform}: ${offered}${elsewhere}`,
  };
}

/** For a fleet of several GPUs: which builds carry each, when no single build carries all. */
function conflictText(
  table: Table,
  release: Release,
  platform: Platform,
  request: ResolveRequest,
  tried: { source: Source }[],
): string | undefined {
  const gpus = request.fleet?.gpus ?? [];
  if (gpus.length < 2) return undefined;
  const parts: string[] = [];
  for (const gpu of gpus) {
    const carriers = release.builds
      .filter(
        (b) =>
          tried.some((t) => t.source === b.source) &&
          b.platforms.includes(platform) &&
          b.cuda !== 'cpu',
      )
      .filter((b) => {
        const verdict = checkArch(table, release, b, platform, gpu);
        return verdict.kind !== 'missing';
      })
      .map((b) => `${b.source} ${b.cuda}`);
    parts.push(
      `GPU ${gpuLabel(table, gpu)} is in ${carriers.length > 0 ? carriers.join(', ') : 'no build'}`,
    );
  }
  return `the GPUs conflict: ${parts.join('; ')}`;
}

/** What would work instead: other sources, then other releases, each tried with the same fleet. */
function alternatives(table: Table, request: ResolveRequest, release: Release): string {
  const found: string[] = [];
  const attempt = (label: string, changed: Partial<ResolveRequest>): void => {
    if (found.length >= 3) return;
    const outcome = resolveWith(table, { ...request, ...changed, fleet: request.fleet }, false);
    if (outcome.ok) {
      const m = outcome.model;
      const text = `${label}: torch ${m.torch} from ${m.source} with ${m.cuda === 'cpu' ? 'the CPU build' : `CUDA ${m.cuda}`} (python ${m.python})`;
      if (!found.includes(text)) found.push(text);
    }
  };
  if (request.source && request.source !== 'auto') attempt('source auto', { source: 'auto' });
  if (request.cuda && request.cuda !== 'auto' && request.cuda !== 'cpu')
    attempt('cuda auto', { cuda: 'auto' });
  if (request.python)
    attempt(`torch ${release.torch} without the Python pin`, {
      python: undefined,
      torch: release.torch,
    });
  attempt('any torch', { torch: undefined });
  return found.length > 0 ? `; what would work: ${found.join('; ')}` : '';
}

function torchReason(
  release: Release,
  patch: Patch,
  asked: string | undefined,
  matcher: VersionMatcher | undefined,
  table: Table,
): string {
  const origin = table.overridden.has(release.torch) ? ' (from your compat table)' : '';
  const sources = `[${patch.sources.join(', ')}]`;
  if (!asked || !matcher)
    return `torch ${patch.version}: newest known release that fits the other constraints${origin} ${sources}`;
  return `torch ${patch.version}: newest patch matching '${asked}' (read as ${matcher.normalized})${origin} ${sources}`;
}

function sourceReason(
  release: Release,
  source: Source,
  asked: string | undefined,
  tried: { source: Source; rejections: Rejection[]; available: string[] }[],
): string {
  if (asked && asked !== 'auto') return `source ${source}: as asked`;
  const passed = tried
    .filter((t) => t.source !== source)
    .map((t) =>
      t.available.length === 0
        ? `${t.source} has no torch ${release.torch}${t.source === 'pytorch' && compareDotted(release.torch, '2.5') > 0 ? ' (the channel stopped at 2.5)' : ''}`
        : `${t.source} has no build that fits`,
    );
  const why = {
    pytorch: 'the pytorch channel publishes this release, and auto prefers it',
    'conda-forge': 'conda-forge has the build, and auto prefers it to pip wheels',
    pip: 'PyTorch wheels from download.pytorch.org',
  }[source];
  return `source ${source}: ${why}${passed.length > 0 ? ` (${passed.join('; ')})` : ''}`;
}

function cudaReason(build: Build, cuda: string, fleet: FleetInput | undefined): string {
  const sources = `[${build.sources.join(', ')}]`;
  if (build.cuda === 'cpu') return `cuda cpu: the CPU build, as asked ${sources}`;
  if (cuda !== 'auto') return `cuda ${build.cuda}: as asked ${sources}`;
  if (fleet?.driver || fleet?.gpus?.length) {
    return `cuda ${build.cuda}: newest ${build.source} build that the fleet's driver and GPUs can run ${sources}`;
  }
  return `cuda ${build.cuda}: newest ${build.source} build (no fleet given) ${sources}`;
}

type DomainPick =
  | { ok: true; version: string | null; reason?: string; warning?: string }
  | { ok: false; error: Unsatisfiable };

function domainVersion(
  patch: Patch,
  source: Source,
  lib: 'torchvision' | 'torchaudio',
  wanted: boolean | undefined,
): DomainPick {
  if (!wanted) return { ok: true, version: null };
  const version = source === 'pytorch' && patch.conda ? patch.conda[lib] : patch[lib];
  if (!version) {
    return {
      ok: false,
      error: {
        ruleId: 'resolve/no-build',
        field: lib === 'torchvision' ? 'vision' : 'audio',
        message: `no ${lib} is known to pair with torch ${patch.version}`,
        fix: `set ${lib === 'torchvision' ? 'vision' : 'audio'}: false, or add the pairing with \`compat:\` in envgen.yaml`,
      },
    };
  }
  const note = patch.unconfirmed?.[lib];
  return {
    ok: true,
    version,
    reason: `${lib} ${version}: paired with torch ${patch.version}${source === 'pytorch' && patch.conda ? ' on the pytorch channel' : ''} [${patch.sources.join(', ')}]`,
    ...(note ? { warning: `${lib} ${version} for torch ${patch.version}: ${note}` } : {}),
  };
}

function fail(
  ruleId: Unsatisfiable['ruleId'],
  field: string,
  message: string,
  fix: string,
): ResolveOutcome {
  return { ok: false, error: { ruleId, field, message, fix } };
}

/**
 * `S45 (repo pytorch/builder path … commit …); also S53, S54`: the first source of an arch list
 * (the build script at the commit that built the release) with its locator, then the others.
 */
function archSourceText(table: Table, ids: readonly string[]): string {
  const [first, ...rest] = ids;
  const info = first ? table.sources[first] : undefined;
  const head = info ? `${first} (${info.locator})` : (first ?? 'no source');
  return rest.length > 0 ? `${head}; also ${rest.join(', ')}` : head;
}

function unique<T>(value: T, index: number, all: T[]): boolean {
  return all.indexOf(value) === index;
}
