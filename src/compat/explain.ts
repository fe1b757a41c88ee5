/**
 * The resolver's decisions in words: one reason line per decision, and a warning for each one
 * that rests on unconfirmed data or on a fallback. The only place the reasons are written.
 */
import { compareDotted } from '../versions/dotted.js';
import type { BuildDecision, CudaDecision, SourceDecision } from './build-choice.js';
import type { ModelDecision, SkippedRelease } from './decide-model.js';
import type { DomainDecision } from './domain-choice.js';
import { pythonRangeText, refusalMessage } from './explain-refusal.js';
import { gpuLabel, noCompatFloorText } from './fleet.js';
import type { DriverFit, GpuFit } from './fleet-choice.js';
import type { PythonDecision } from './python-choice.js';
import type { TorchDecision } from './release-choice.js';
import type { Table } from './table.js';

export interface Explanation {
  reasons: string[];
  warnings: string[];
}

/** `installReason`: the install plan's own line, which goes after the domain libraries. */
export function explainDecision(
  table: Table,
  decision: ModelDecision,
  installReason: string,
): Explanation {
  const { release, build, python } = decision;
  const { patch } = decision.torch;
  const reasons: string[] = [torchReason(decision.torch)];
  if (decision.skipped.length > 0) {
    reasons.push(
      `newer matching releases skipped: ${decision.skipped.map((s) => skippedText(table, s)).join('; ')}`,
    );
  }
  const warnings: string[] = [];
  if (patch.unconfirmed?.version)
    warnings.push(`torch ${patch.version}: ${patch.unconfirmed.version}`);
  // A disputed release day changes no pin: `envgen rules` shows it, the resolver does not warn.
  for (const [field, note] of Object.entries(release.unconfirmed ?? {})) {
    if (field !== 'released') warnings.push(`torch ${release.torch} ${field}: ${note}`);
  }
  reasons.push(pythonReason(python));
  const pythonWarning = pythonWarningText(python);
  if (pythonWarning) warnings.push(pythonWarning);
  reasons.push(sourceReason(build.source));
  reasons.push(cudaReason(build.cuda, build.build.sources));
  const fleet = explainFleet(table, build);
  reasons.push(...fleet.reasons);
  warnings.push(...fleet.warnings);
  if (build.build.unconfirmed) {
    warnings.push(
      `${build.source.source} CUDA ${build.build.cuda} build of torch ${release.torch}: ${build.build.unconfirmed}`,
    );
  }
  const hardware = explainDriverAndArchs(table, decision);
  reasons.push(...hardware.reasons);
  warnings.push(...hardware.warnings);
  for (const lib of [decision.torchvision, decision.torchaudio]) {
    if (!lib) continue;
    reasons.push(domainReason(lib));
    if (lib.unconfirmed) {
      warnings.push(`${lib.lib} ${lib.version} for torch ${lib.torch}: ${lib.unconfirmed}`);
    }
  }
  reasons.push(installReason);
  for (const requirement of release.requires ?? []) {
    reasons.push(
      `${requirement.spec}: ${requirement.why}${requirement.unconfirmed ? ` (unconfirmed: ${requirement.unconfirmed})` : ''}`,
    );
  }
  return { reasons, warnings };
}

function torchReason(decision: TorchDecision): string {
  const { patch } = decision;
  const origin = decision.fromOverlay ? ' (from your compat table)' : '';
  const sources = `[${patch.sources.join(', ')}]`;
  if (decision.kind === 'torch-newest-fitting')
    return `torch ${patch.version}: newest known release that fits the other constraints${origin} ${sources}`;
  return `torch ${patch.version}: newest patch matching '${decision.spec}' (read as ${decision.normalized})${origin} ${sources}`;
}

function skippedText(table: Table, skipped: SkippedRelease): string {
  return skipped.kind === 'release-unconfirmed'
    ? `${skipped.torch} (not confirmed released: ask for it explicitly)`
    : `${skipped.torch} (${refusalMessage(table, skipped.refusal)})`;
}

function pythonReason(decision: PythonDecision): string {
  const { version, torch, range } = decision;
  const sources = `[${range.sources.join(', ')}]`;
  switch (decision.kind) {
    case 'python-newest-supported':
      return `python ${version}: newest Python torch ${torch} supports (${pythonRangeText(range)}) ${sources}`;
    case 'python-as-asked':
      return `python ${version}: as asked; torch ${torch} supports ${pythonRangeText(range)} ${sources}`;
    case 'python-experimental-as-asked':
      return `python ${version}: as asked; experimental for torch ${torch} ${sources}`;
  }
}

function pythonWarningText(decision: PythonDecision): string | undefined {
  if (decision.kind === 'python-experimental-as-asked') {
    return `python ${decision.version} is experimental for torch ${decision.torch}; supported: ${decision.range.min}-${decision.range.max}`;
  }
  return decision.unconfirmedMax
    ? `newest supported Python is unconfirmed: ${decision.unconfirmedMax}`
    : undefined;
}

function sourceReason(decision: SourceDecision): string {
  const { source } = decision;
  if (decision.kind === 'source-as-asked') return `source ${source}: as asked`;
  const passed = decision.passed.map((p) =>
    p.why === 'no-build-of-release'
      ? `${p.source} has no torch ${decision.torch}${p.source === 'pytorch' && compareDotted(decision.torch, '2.5') > 0 ? ' (the channel stopped at 2.5)' : ''}`
      : `${p.source} has no build that fits`,
  );
  const why = {
    pytorch: 'the pytorch channel publishes this release, and auto prefers it',
    'conda-forge': 'conda-forge has the build, and auto prefers it to pip wheels',
    pip: 'PyTorch wheels from download.pytorch.org',
  }[source];
  return `source ${source}: ${why}${passed.length > 0 ? ` (${passed.join('; ')})` : ''}`;
}

function cudaReason(decision: CudaDecision, buildSources: readonly string[]): string {
  const sources = `[${buildSources.join(', ')}]`;
  switch (decision.kind) {
    case 'cuda-cpu-as-asked':
      return `cuda cpu: the CPU build, as asked ${sources}`;
    case 'cuda-as-asked':
      return `cuda ${decision.cuda}: as asked ${sources}`;
    case 'cuda-newest-for-fleet':
      return `cuda ${decision.cuda}: newest ${decision.source} build that the fleet's driver and GPUs can run ${sources}`;
    case 'cuda-newest-without-fleet':
      return `cuda ${decision.cuda}: newest ${decision.source} build (no fleet given) ${sources}`;
  }
}

function explainFleet(table: Table, build: BuildDecision): Explanation {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const driver = build.fleet.driver;
  if (driver) explainDriverFit(driver, reasons, warnings);
  for (const gpu of build.fleet.gpus)
    explainGpuFit(gpuLabel(table, gpu.gpu), gpu, reasons, warnings);
  return { reasons, warnings };
}

function explainDriverFit(fit: DriverFit, reasons: string[], warnings: string[]): void {
  const { driver, cuda } = fit;
  switch (fit.kind) {
    case 'driver-full':
      reasons.push(
        `fleet driver ${driver} >= ${fit.toolkit}, the CUDA ${cuda} toolkit driver: full support`,
      );
      return;
    case 'driver-minor-compat':
      reasons.push(
        `fleet driver ${driver} is below CUDA ${cuda}'s toolkit driver ${fit.toolkit ?? '(not in the table)'} but >= ${fit.compat}: relies on minor-version compatibility`,
      );
      warnings.push(
        `fleet driver ${driver} runs CUDA ${cuda} only through minor-version compatibility: no PTX JIT, and features that need a newer driver fail; driver >= ${fit.toolkit ?? 'the toolkit driver'} removes the limit`,
      );
      return;
    case 'driver-unchecked':
      warnings.push(
        `the driver CUDA ${cuda} needs is not in the table; fleet driver ${driver} is unchecked`,
      );
  }
}

function explainGpuFit(label: string, fit: GpuFit, reasons: string[], warnings: string[]): void {
  switch (fit.kind) {
    case 'gpu-native':
      reasons.push(`GPU ${label}: native code (sm_${fit.via.replace('.', '')}) in the build`);
      return;
    case 'gpu-ptx-jit':
      reasons.push(`GPU ${label}: only PTX ${fit.via}, compiled on first use`);
      warnings.push(
        `GPU ${label} runs the CUDA ${fit.cuda} build through PTX JIT: slow first start, and it needs a driver that supports CUDA ${fit.cuda} fully`,
      );
      return;
    case 'gpu-disputed':
      reasons.push(
        `GPU ${label}: listed (sm_${fit.via.replace('.', '')}), but the sources disagree`,
      );
      warnings.push(
        `GPU ${label} in the ${fit.source} CUDA ${fit.cuda} build is disputed: ${fit.note ?? ''}`,
      );
      return;
    case 'gpu-measured-floor':
      reasons.push(
        `GPU ${label}: supported from torch ${fit.floor.minTorch} on CUDA ${fit.floor.minCuda} (measured floor); the build's full arch list is not known`,
      );
      return;
    case 'gpu-unknown':
      reasons.push(
        `GPU ${label}: the table does not know whether the build carries it (information)`,
      );
  }
}

/** The driver floors of the CUDA build and the architectures it carries. */
function explainDriverAndArchs(table: Table, decision: ModelDecision): Explanation {
  const { build, driverFloors: floors, archs } = decision.build;
  const source = decision.build.source.source;
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (!floors) return { reasons, warnings };
  const toolkit = floors.toolkit
    ? `>= ${floors.toolkit.linux} (${floors.toolkit.label})`
    : 'not in the table';
  const compat = floors.compat
    ? `, or >= ${floors.compat.linux} (minor-version compatibility, CUDA ${floors.compat.cudaMajor}.x)`
    : `; ${noCompatFloorText(build.cuda)}`;
  const floorSources = [...(floors.toolkit?.sources ?? []), ...(floors.compat?.sources ?? [])];
  reasons.push(
    `driver: CUDA ${build.cuda} needs ${toolkit}${compat} [${[...new Set(floorSources)].join(', ')}]`,
  );
  if (!floors.toolkit)
    warnings.push(`the toolkit driver for CUDA ${build.cuda} is not in the table`);
  if (archs) {
    reasons.push(
      `archs: the ${source} CUDA ${build.cuda} build carries sm ${archs.sass.join(', ')}${archs.ptx ? ` + PTX ${archs.ptx}` : ' (no PTX)'}, from ${archSourceText(table, archs.sources)}`,
    );
    // Said in the reasons; a warning only where a fleet GPU depends on the disputed part
    // (the fleet choice warns for those), so models without a fleet are not flooded.
    if (archs.unconfirmed) reasons.push(`archs (unconfirmed): ${archs.unconfirmed}`);
  } else {
    const why = decision.build.archsNotKnown;
    reasons.push(
      `archs: the table does not know which GPU architectures the ${source} CUDA ${build.cuda} build of torch ${decision.release.torch} carries on ${decision.platform}${why ? `: ${why}` : ''}`,
    );
  }
  return { reasons, warnings };
}

function domainReason(lib: DomainDecision): string {
  return `${lib.lib} ${lib.version}: paired with torch ${lib.torch}${lib.onPytorchChannel ? ' on the pytorch channel' : ''} [${lib.sources.join(', ')}]`;
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
