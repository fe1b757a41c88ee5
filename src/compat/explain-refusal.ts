/**
 * The resolver's refusals in words: what failed (`message`), which constraint (`field`), and
 * what to change (`fix`), with the alternatives that would work.
 */

import type { PythonRange } from '../rules-format.js';
import type { Alternative } from './alternatives.js';
import type { SourceOffer } from './build-choice.js';
import type { Refusal } from './decide-model.js';
import { gpuLabel } from './fleet.js';
import type { FleetRejection, GpuCarriers } from './fleet-choice.js';
import type { Unsatisfiable } from './resolve-types.js';
import type { Table } from './table.js';

export function explainRefusal(
  table: Table,
  refusal: Refusal,
  alternatives: readonly Alternative[],
): Unsatisfiable {
  switch (refusal.kind) {
    case 'bad-torch-spec':
      return {
        ruleId: 'resolve/bad-torch-spec',
        field: 'torch',
        message: `torch '${refusal.spec}' is not a conda version spec`,
        fix: "write e.g. '2.1' (the 2.1 series), '2.1.2', '2.1.*' or '>=2.1,<2.3'",
      };
    case 'unknown-torch':
      return {
        ruleId: 'resolve/unknown-torch',
        field: 'torch',
        message: `no known torch release matches '${refusal.spec}'`,
        fix: `known releases: ${refusal.known.join(', ')}; a newer one can be added with \`compat:\` in envgen.yaml or --rules FILE`,
      };
    case 'python-unsupported':
      return {
        ruleId: 'resolve/python',
        field: 'python',
        message: `torch ${refusal.torch} does not support Python ${refusal.requested} (it supports ${pythonRangeText(refusal.range)})`,
        fix: `set python to one of ${refusal.supported.join(', ')}${supportersText(refusal.supporters, refusal.requested)}`,
      };
    case 'free-threaded-needs-pip':
      return {
        ruleId: 'resolve/no-build',
        field: 'python',
        message: `free-threaded Python ${refusal.python} comes only with pip wheels, not from ${refusal.source}`,
        fix: 'set source: pip, or a Python without the t',
      };
    case 'no-build': {
      const { cuda, source, torch, platform } = refusal;
      const what =
        cuda === 'auto' ? 'GPU build' : cuda === 'cpu' ? 'CPU build' : `CUDA ${cuda} build`;
      const where = source && source !== 'auto' ? ` from ${source}` : '';
      return {
        ruleId: 'resolve/no-build',
        field: cuda === 'auto' ? 'source' : 'cuda',
        message: `torch ${torch} has no ${what}${where} for ${platform}`,
        fix: `builds of torch ${torch} for ${platform}: ${offeredText(refusal.offered) || 'none'}${alternativesText(alternatives)}`,
      };
    }
    case 'fleet-runs-none': {
      const { torch, platform } = refusal;
      const reasons = refusal.rejections
        .map((r) => `${r.source} CUDA ${r.build.cuda}: ${rejectionText(table, r)}`)
        .join('; ');
      const conflict = refusal.conflict ? `; ${conflictText(table, refusal.conflict)}` : '';
      return {
        ruleId: 'resolve/fleet',
        field: 'fleet',
        message: `no build of torch ${torch} runs on the fleet (${reasons})${conflict}`,
        fix: `builds of torch ${torch} for ${platform}: ${offeredText(refusal.offered)}${alternativesText(alternatives)}`,
      };
    }
    case 'no-domain-pairing': {
      const key = refusal.lib === 'torchvision' ? 'vision' : 'audio';
      return {
        ruleId: 'resolve/no-build',
        field: key,
        message: `no ${refusal.lib} is known to pair with torch ${refusal.torch}`,
        fix: `set ${key}: false, or add the pairing with \`compat:\` in envgen.yaml`,
      };
    }
    case 'no-release-fits': {
      const newest = explainRefusal(table, refusal.newest, alternatives);
      return { ...newest, message: `no torch release fits: the newest, ${newest.message}` };
    }
  }
}

/** The refusal's message alone (for the releases a resolution passed over). */
export function refusalMessage(table: Table, refusal: Refusal): string {
  return explainRefusal(table, refusal, []).message;
}

/** `3.8-3.11 (+3.12 experimental)`. */
export function pythonRangeText(range: PythonRange): string {
  return `${range.min}-${range.max}${range.experimental.length ? ` (+${range.experimental.join(', ')} experimental)` : ''}`;
}

/** `, or torch 2.6-2.14 (which support 3.13)`, or nothing when no release does. */
function supportersText(supporters: readonly string[], python: string): string {
  if (supporters.length === 0) return `; no known torch release supports Python ${python}`;
  const span = supporters.length === 1 ? supporters[0] : `${supporters[0]}-${supporters.at(-1)}`;
  return `, or torch ${span} (which support${supporters.length === 1 ? 's' : ''} ${python})`;
}

/** `pip: 12.6, 12.8; conda-forge: 12.9`: the sources that have builds of the release. */
function offeredText(offered: readonly SourceOffer[]): string {
  return offered
    .filter((o) => o.cudas.length > 0)
    .map((o) => `${o.source}: ${o.cudas.join(', ')}`)
    .join('; ');
}

function rejectionText(table: Table, rejection: FleetRejection): string {
  const { cuda } = rejection.build;
  switch (rejection.kind) {
    case 'driver-too-old':
      return `driver ${rejection.driver} is below ${rejection.oldest}, the oldest that runs CUDA ${cuda}`;
    case 'driver-not-in-table':
      return `the driver CUDA ${cuda} needs is not in the table`;
    case 'gpu-disputed':
      return `sources disagree on whether it carries GPU ${gpuLabel(table, rejection.gpu)} (${rejection.note ?? 'disputed'})`;
    case 'gpus-missing':
      return `no kernels for GPU ${rejection.gpus.map((g) => gpuLabel(table, g)).join(', ')}`;
  }
}

function conflictText(table: Table, conflict: readonly GpuCarriers[]): string {
  const parts = conflict.map(({ gpu, carriers }) => {
    const builds = carriers.map((c) => `${c.source} ${c.cuda}`);
    return `GPU ${gpuLabel(table, gpu)} is in ${builds.length > 0 ? builds.join(', ') : 'no build'}`;
  });
  return `the GPUs conflict: ${parts.join('; ')}`;
}

function alternativesText(alternatives: readonly Alternative[]): string {
  if (alternatives.length === 0) return '';
  const texts = alternatives.map((a) => {
    const label =
      a.loosened.kind === 'source-auto'
        ? 'source auto'
        : a.loosened.kind === 'cuda-auto'
          ? 'cuda auto'
          : a.loosened.kind === 'release-without-python-pin'
            ? `torch ${a.loosened.torch} without the Python pin`
            : 'any torch';
    const build = a.cuda === 'cpu' ? 'the CPU build' : `CUDA ${a.cuda}`;
    return `${label}: torch ${a.torch} from ${a.source} with ${build} (python ${a.python})`;
  });
  return `; what would work: ${texts.join('; ')}`;
}
