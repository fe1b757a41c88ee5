/**
 * The fleet choice: whether one build can serve the fleet (its driver and every GPU), and how
 * each part is served; or the first constraint that rules the build out.
 *
 * A build chosen automatically must be verifiably right: a driver floor missing from the table
 * or a GPU the sources disagree on rules it out. A build asked for by its CUDA version is taken
 * with a warning instead.
 */

import type { Build, Platform, Release, Source } from '../rules-format.js';
import { checkArch, checkDriver } from './fleet.js';
import type { FleetInput } from './resolve-types.js';
import type { Table } from './table.js';

/** How the fleet's driver runs the build. */
export type DriverFit =
  | { kind: 'driver-full'; driver: string; cuda: string; toolkit: string | undefined }
  | {
      kind: 'driver-minor-compat';
      driver: string;
      cuda: string;
      toolkit: string | undefined;
      compat: string | undefined;
    }
  /** The table has no driver floor for the CUDA version; taken because it was asked for. */
  | { kind: 'driver-unchecked'; driver: string; cuda: string };

/** How the build serves one fleet GPU. */
export type GpuFit =
  | { kind: 'gpu-native'; gpu: string; via: string }
  | { kind: 'gpu-ptx-jit'; gpu: string; via: string; cuda: string }
  | {
      kind: 'gpu-disputed';
      gpu: string;
      via: string;
      source: Source;
      cuda: string;
      note: string | undefined;
    }
  | { kind: 'gpu-measured-floor'; gpu: string; floor: { minTorch: string; minCuda: string } }
  | { kind: 'gpu-unknown'; gpu: string };

export interface FleetFit {
  driver: DriverFit | undefined;
  gpus: GpuFit[];
}

export type FleetRejection =
  | { kind: 'driver-too-old'; build: Build; driver: string; oldest: string | undefined }
  | { kind: 'driver-not-in-table'; build: Build }
  | { kind: 'gpu-disputed'; build: Build; gpu: string; note: string | undefined }
  | { kind: 'gpus-missing'; build: Build; gpus: string[] };

export function fitFleet(
  table: Table,
  release: Release,
  build: Build,
  platform: Platform,
  fleet: FleetInput | undefined,
  explicit: boolean,
): { ok: true; fit: FleetFit } | { ok: false; rejection: FleetRejection } {
  const { cuda } = build;
  let driverFit: DriverFit | undefined;
  if (fleet?.driver) {
    const fitted = fitDriver(table, build, fleet.driver, explicit);
    if (!fitted.ok) return fitted;
    driverFit = fitted.fit;
  }
  const minorCompat = driverFit?.kind === 'driver-minor-compat';
  const gpus: GpuFit[] = [];
  const missing: string[] = [];
  for (const gpu of fleet?.gpus ?? []) {
    const verdict = checkArch(table, release, build, platform, gpu);
    switch (verdict.kind) {
      case 'sass':
        gpus.push({ kind: 'gpu-native', gpu, via: verdict.via });
        break;
      case 'ptx':
        // Minor-version compatibility has no PTX JIT.
        if (minorCompat) missing.push(gpu);
        else gpus.push({ kind: 'gpu-ptx-jit', gpu, via: verdict.via, cuda });
        break;
      case 'disputed': {
        const note = verdict.list.unconfirmed;
        if (!explicit) return { ok: false, rejection: { kind: 'gpu-disputed', build, gpu, note } };
        gpus.push({
          kind: 'gpu-disputed',
          gpu,
          via: verdict.via,
          source: build.source,
          cuda,
          note,
        });
        break;
      }
      case 'floor-ok':
        gpus.push({ kind: 'gpu-measured-floor', gpu, floor: verdict.floor });
        break;
      case 'missing':
        missing.push(gpu);
        break;
      case 'unknown':
        gpus.push({ kind: 'gpu-unknown', gpu });
    }
  }
  if (missing.length > 0) {
    return { ok: false, rejection: { kind: 'gpus-missing', build, gpus: missing } };
  }
  return { ok: true, fit: { driver: driverFit, gpus } };
}

function fitDriver(
  table: Table,
  build: Build,
  driver: string,
  explicit: boolean,
): { ok: true; fit: DriverFit } | { ok: false; rejection: FleetRejection } {
  const { cuda } = build;
  const { kind, floors } = checkDriver(table, cuda, driver);
  const toolkit = floors.toolkit?.linux;
  const compat = floors.compat?.linux;
  switch (kind) {
    case 'full':
      return { ok: true, fit: { kind: 'driver-full', driver, cuda, toolkit } };
    case 'minor-compat':
      return { ok: true, fit: { kind: 'driver-minor-compat', driver, cuda, toolkit, compat } };
    case 'too-old':
      return {
        ok: false,
        rejection: { kind: 'driver-too-old', build, driver, oldest: compat ?? toolkit },
      };
    case 'unknown':
      // Only a build asked for by its CUDA version is taken unchecked.
      return explicit
        ? { ok: true, fit: { kind: 'driver-unchecked', driver, cuda } }
        : { ok: false, rejection: { kind: 'driver-not-in-table', build } };
  }
}

/** Which builds of a release carry a GPU, as `source cuda` pairs. */
export interface GpuCarriers {
  gpu: string;
  carriers: { source: Source; cuda: string }[];
}

/** For a fleet of several GPUs: which of the tried sources' CUDA builds carry each GPU. */
export function gpuCarriers(
  table: Table,
  release: Release,
  platform: Platform,
  gpus: readonly string[],
  sources: readonly Source[],
): GpuCarriers[] {
  const builds = release.builds.filter(
    (b) => sources.includes(b.source) && b.platforms.includes(platform) && b.cuda !== 'cpu',
  );
  return gpus.map((gpu) => ({
    gpu,
    carriers: builds
      .filter((b) => checkArch(table, release, b, platform, gpu).kind !== 'missing')
      .map((b) => ({ source: b.source, cuda: b.cuda })),
  }));
}
