/**
 * The build choice for a torch release and Python: the source (`auto`: the `pytorch` channel
 * where it has the release, then conda-forge, then pip wheels) and the CUDA build (`auto`: the
 * newest confirmed one the fleet's driver and every fleet GPU can run), with the driver floors
 * and architecture list of the build taken.
 */

import type { ArchList, Build, Patch, Platform, Release, Source } from '../rules-format.js';
import { SOURCES } from '../rules-format.js';
import { byDottedDescending } from '../versions/dotted.js';
import { type DriverFloors, driverFloors } from './fleet.js';
import {
  type FleetFit,
  type FleetRejection,
  fitFleet,
  type GpuCarriers,
  gpuCarriers,
} from './fleet-choice.js';
import type { FleetInput, ResolveRequest } from './resolve-types.js';
import type { Table } from './table.js';

export type SourceDecision =
  | { kind: 'source-as-asked'; source: Source }
  | {
      kind: 'source-auto';
      source: Source;
      torch: string;
      /** The sources preferred to this one, and why each was passed over. */
      passed: { source: Source; why: 'no-build-of-release' | 'no-build-fits' }[];
    };

export type CudaDecision =
  | { kind: 'cuda-cpu-as-asked' }
  | { kind: 'cuda-as-asked'; cuda: string }
  | { kind: 'cuda-newest-for-fleet'; cuda: string; source: Source }
  | { kind: 'cuda-newest-without-fleet'; cuda: string; source: Source };

export interface BuildDecision {
  build: Build;
  source: SourceDecision;
  cuda: CudaDecision;
  fleet: FleetFit;
  /** Undefined for the CPU build. */
  driverFloors: DriverFloors | undefined;
  archs: ArchList | undefined;
  /** Why the table does not know the build's architectures on this platform, if it says. */
  archsNotKnown: string | undefined;
}

/** The CUDA versions of one source's builds of the release, for the platform and patches. */
export interface SourceOffer {
  source: Source;
  cudas: string[];
}

export type BuildRefusal =
  | { kind: 'free-threaded-needs-pip'; python: string; source: Source | 'auto' | undefined }
  | {
      kind: 'no-build';
      torch: string;
      platform: Platform;
      cuda: string;
      source: Source | 'auto' | undefined;
      offered: SourceOffer[];
    }
  | {
      kind: 'fleet-runs-none';
      torch: string;
      platform: Platform;
      offered: SourceOffer[];
      rejections: (FleetRejection & { source: Source })[];
      /** Present where GPUs were missing from builds and the fleet has several GPUs. */
      conflict: GpuCarriers[] | undefined;
    };

export function chooseBuild(
  table: Table,
  release: Release,
  patches: Patch[],
  python: string,
  request: ResolveRequest,
  platform: Platform,
): { ok: true; decision: BuildDecision } | { ok: false; refusal: BuildRefusal } {
  // Free-threaded Pythons (3.13t) have PyTorch wheels; the table records no conda builds for them.
  const asked = request.source && request.source !== 'auto' ? [request.source] : SOURCES;
  const sources = python.endsWith('t') ? asked.filter((s) => s === 'pip') : asked;
  if (sources.length === 0) {
    return {
      ok: false,
      refusal: { kind: 'free-threaded-needs-pip', python, source: request.source },
    };
  }
  const cuda = request.cuda ?? 'auto';
  const offered: SourceOffer[] = [];
  const rejections: (FleetRejection & { source: Source })[] = [];
  for (const source of sources) {
    // A build made for some patches only (1.8.1's cu101 wheels) counts when one of them matches.
    const builds = release.builds.filter(
      (b) =>
        b.source === source &&
        b.platforms.includes(platform) &&
        (!b.patches || patches.some((p) => b.patches?.includes(p.version))),
    );
    const passed = offered.map((o) => ({
      source: o.source,
      why: o.cudas.length === 0 ? ('no-build-of-release' as const) : ('no-build-fits' as const),
    }));
    offered.push({ source, cudas: builds.map((b) => b.cuda) });
    const explicit = cuda !== 'auto';
    const options = explicit
      ? builds.filter((b) => b.cuda === cuda)
      : builds
          .filter((b) => b.cuda !== 'cpu' && !b.unconfirmed)
          .sort((a, b) => byDottedDescending(a.cuda, b.cuda));
    for (const build of options) {
      const fit =
        build.cuda === 'cpu'
          ? { ok: true as const, fit: { driver: undefined, gpus: [] } }
          : fitFleet(table, release, build, platform, request.fleet, explicit);
      if (!fit.ok) {
        rejections.push({ ...fit.rejection, source });
        continue;
      }
      const sourceDecision: SourceDecision =
        request.source && request.source !== 'auto'
          ? { kind: 'source-as-asked', source }
          : { kind: 'source-auto', source, torch: release.torch, passed };
      return {
        ok: true,
        decision: {
          build,
          source: sourceDecision,
          cuda: cudaDecision(build, cuda, request.fleet),
          fleet: fit.fit,
          driverFloors: build.cuda === 'cpu' ? undefined : driverFloors(table, build.cuda),
          archs: build.archs?.[platform],
          archsNotKnown: build.archsNotKnown?.[platform],
        },
      };
    }
  }
  const common = { torch: release.torch, platform, offered };
  if (rejections.length === 0) {
    return { ok: false, refusal: { kind: 'no-build', ...common, cuda, source: request.source } };
  }
  const gpus = request.fleet?.gpus ?? [];
  const conflict =
    gpus.length >= 2 && rejections.some((r) => r.kind === 'gpus-missing')
      ? gpuCarriers(table, release, platform, gpus, sources)
      : undefined;
  return { ok: false, refusal: { kind: 'fleet-runs-none', ...common, rejections, conflict } };
}

function cudaDecision(build: Build, cuda: string, fleet: FleetInput | undefined): CudaDecision {
  if (build.cuda === 'cpu') return { kind: 'cuda-cpu-as-asked' };
  if (cuda !== 'auto') return { kind: 'cuda-as-asked', cuda: build.cuda };
  if (fleet?.driver || fleet?.gpus?.length) {
    return { kind: 'cuda-newest-for-fleet', cuda: build.cuda, source: build.source };
  }
  return { kind: 'cuda-newest-without-fleet', cuda: build.cuda, source: build.source };
}
