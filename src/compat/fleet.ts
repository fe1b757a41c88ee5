/**
 * Whether a build can run on a fleet: the driver against the CUDA version's floors, and each
 * GPU's compute capability against the architectures the build carries.
 *
 * NVIDIA: a driver at or above the toolkit's driver runs it fully; a driver at or above the
 * family's minor-version-compatibility floor runs it with limits (no PTX JIT, no features that
 * need a newer driver). SASS built for X.Y runs on X.Z for Z >= Y; PTX is JIT-compiled for any
 * newer GPU.
 * https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html
 * https://docs.nvidia.com/cuda/cuda-c-best-practices-guide/index.html#building-for-maximum-compatibility
 */
import type {
  ArchList,
  Build,
  CompatFloor,
  DriverRow,
  Platform,
  Release,
  RulesTable,
} from '../rules-format.js';
import { compareDotted, majorOf } from '../versions/dotted.js';

export interface DriverFloors {
  /** The toolkit's own driver (its first release's), e.g. `520.61.05` for 11.8. */
  toolkit: DriverRow | undefined;
  /** The driver family floor that runs it under minor-version compatibility. */
  compat: CompatFloor | undefined;
}

/**
 * NVIDIA: "CUDA 11 and Later Defaults to Minor Version Compatibility"; before CUDA 11 an
 * application needs at least its own toolkit's driver (minor-version-compatibility page, S28).
 */
const FIRST_MAJOR_WITH_MINOR_COMPAT = 11;

function hasMinorVersionCompatibility(cuda: string): boolean {
  return (majorOf(cuda) ?? 0) >= FIRST_MAJOR_WITH_MINOR_COMPAT;
}

/**
 * Why a CUDA version has no minor-version-compatibility floor, in words: `resolve`, `rules` and
 * the resolver's reasons all take it from here.
 */
export function noCompatFloorText(cuda: string): string {
  return hasMinorVersionCompatibility(cuda)
    ? `the CUDA ${majorOf(cuda)}.x minor-version floor is not in the table`
    : `no minor-version compatibility before CUDA ${FIRST_MAJOR_WITH_MINOR_COMPAT}`;
}

export function driverFloors(table: RulesTable, cuda: string): DriverFloors {
  // Rows are in NVIDIA's order (GA first); the GA driver is the lowest that runs X.Y fully.
  const toolkit = table.drivers
    .filter((row) => row.cuda === cuda)
    .sort((a, b) => compareDriver(a.linux, b.linux))[0];
  const compat = table.compatFloors.find((floor) => majorOf(floor.cudaMajor) === majorOf(cuda));
  return { toolkit, compat };
}

export type DriverVerdict =
  | { kind: 'full'; floors: DriverFloors }
  | { kind: 'minor-compat'; floors: DriverFloors }
  | { kind: 'too-old'; floors: DriverFloors }
  | { kind: 'unknown'; floors: DriverFloors };

export function checkDriver(table: RulesTable, cuda: string, driver: string): DriverVerdict {
  const floors = driverFloors(table, cuda);
  if (floors.toolkit && compareDriver(driver, floors.toolkit.linux) >= 0)
    return { kind: 'full', floors };
  if (floors.compat && compareDriver(driver, floors.compat.linux) >= 0)
    return { kind: 'minor-compat', floors };
  if (!floors.toolkit && !floors.compat) return { kind: 'unknown', floors };
  return { kind: 'too-old', floors };
}

/**
 * Driver versions as nvidia-smi prints them (`535.104.05`, `570.26`): each part a number, a
 * missing part 0 (`570.26` is `570.26.0`), so `535.104.05` comes after `535.86.09`.
 */
export function compareDriver(a: string, b: string): number {
  return Math.sign(compareDotted(a, b));
}

export type ArchVerdict =
  /** Native code for this GPU's architecture family. */
  | { kind: 'sass'; via: string; list: ArchList }
  /** Only PTX, compiled on first use (slow start; fails under minor-version compatibility). */
  | { kind: 'ptx'; via: string; list: ArchList }
  | { kind: 'missing'; list?: ArchList; floor?: { minTorch: string; minCuda: string } }
  /** Listed, but the sources disagree on whether the build really carries it. */
  | { kind: 'disputed'; via: string; list: ArchList }
  /** The build's list is not known, but a measured floor says this GPU works from here on. */
  | { kind: 'floor-ok'; floor: { minTorch: string; minCuda: string } }
  | { kind: 'unknown' };

export function checkArch(
  table: RulesTable,
  release: Release,
  build: Build,
  platform: Platform,
  gpu: string,
): ArchVerdict {
  // A measured floor is a hard bound: below it the GPU fails even where a build's list would
  // reach it through PTX (cog measured these with real kernels).
  const floor = table.archFloors.find((f) => f.computeCapability === gpu);
  const bounds = floor ? { minTorch: floor.minTorch, minCuda: floor.minCuda } : undefined;
  if (
    bounds &&
    (compareDotted(release.torch, bounds.minTorch) < 0 ||
      compareDotted(build.cuda, bounds.minCuda) < 0)
  ) {
    return {
      kind: 'missing',
      floor: bounds,
      ...(build.archs?.[platform] ? { list: build.archs[platform] } : {}),
    };
  }
  const list = build.archs?.[platform];
  if (list) {
    const sass = list.sass
      .filter((cc) => majorOf(cc) === majorOf(gpu) && compareDotted(cc, gpu) <= 0)
      .sort(compareDotted)
      .at(-1);
    if (sass && list.disputed?.includes(sass)) return { kind: 'disputed', via: sass, list };
    if (sass) return { kind: 'sass', via: sass, list };
    if (list.ptx && compareDotted(list.ptx, gpu) <= 0) return { kind: 'ptx', via: list.ptx, list };
    return { kind: 'missing', list };
  }
  return bounds ? { kind: 'floor-ok', floor: bounds } : { kind: 'unknown' };
}

/** `8.6` -> `8.6 (Ampere)` where the table names the architecture. */
export function gpuLabel(table: RulesTable, gpu: string): string {
  const name = table.architectures[gpu];
  return name ? `${gpu} (${name})` : gpu;
}
