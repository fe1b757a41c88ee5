/**
 * The format of the compatibility table: what envgen knows about PyTorch releases, their
 * builds, and the NVIDIA drivers those builds need. The data lives in `src/compat/rules.json`,
 * overlays in `--rules` files and envgen.yaml's `compat:`; all are validated by
 * `schemas/rules.schema.json`, and these types mirror that schema. A leaf: the spec (which
 * carries an overlay) and compat (which reads the table) both build on it.
 *
 * Every fact names its sources (ids into `sources`). A fact the reference could not confirm
 * carries an `unconfirmed` note instead of being dropped, so the resolver can say so.
 */

/** How pip is pointed at PyTorch's wheels. */
type PipIndexFlag = '--index-url' | '--extra-index-url' | '--find-links';

/** Where a build of torch comes from. */
export type Source = 'pytorch' | 'conda-forge' | 'pip';
export const SOURCES: readonly Source[] = ['pytorch', 'conda-forge', 'pip'];

/** A conda platform (subdir) envgen generates for. */
export type Platform = 'linux-64' | 'linux-aarch64';
export const PLATFORMS: readonly Platform[] = ['linux-64', 'linux-aarch64'];

/** A source id such as `S21`, pointing into {@link RulesTable.sources}. */
type SourceId = string;

interface SourceInfo {
  /** What the source is. */
  title: string;
  /** URL, or repository + path + commit. */
  locator: string;
  /** primary, secondary copy, third-party, ... */
  authority: string;
}

/** One patch release of torch and the domain libraries paired with it. */
export interface Patch {
  /** Full torch version, e.g. `2.1.2`. */
  version: string;
  /** Paired torchvision version, or null when no pairing is known. */
  torchvision: string | null;
  /** Paired torchaudio version, or null when no pairing is known. */
  torchaudio: string | null;
  /**
   * Where the conda (`pytorch` channel) line pins other domain versions than the pip line
   * (2.0.0 only).
   */
  conda?: { torchvision: string; torchaudio: string };
  sources: SourceId[];
  /** Field name -> why it is not confirmed (`version`, `torchvision`, `torchaudio`). */
  unconfirmed?: Record<string, string>;
}

/** Compute capabilities a build carries kernels for. */
export interface ArchList {
  /** Compute capabilities with native code (SASS), e.g. `["7.5", "8.0", "8.6", "9.0"]`. */
  sass: string[];
  /** The compute capability PTX is embedded for (JIT-compiled on newer GPUs), if any. */
  ptx: string | null;
  sources: SourceId[];
  /** Present when the list itself is disputed or not confirmed. */
  unconfirmed?: string;
  /** Capabilities in `sass` that sources disagree on (Volta in 2.8's cu128 wheels). */
  disputed?: string[];
}

/** One build of one torch minor release: a source, a CUDA version (or cpu), platforms. */
export interface Build {
  source: Source;
  /** `X.Y`, or `cpu`. */
  cuda: string;
  platforms: Platform[];
  /**
   * Conda channels the build installs from, in priority order (conda sources only).
   * pytorch channel: `pytorch` + `nvidia` (pytorch-cuda era) or `pytorch` (+ `conda-forge`
   * where the page adds it: cudatoolkit 11.1 for 1.8-1.9, 11.3 for 1.10, 11.6 for 1.12);
   * conda-forge: `conda-forge`.
   */
  channels?: string[];
  /**
   * pip only: where the wheels are served and the flag the upstream docs use: a PEP 503 index
   * (`--index-url`/`--extra-index-url`, 1.11 on) or, before that, a `torch_stable.html` page of
   * links (`--find-links`).
   */
  index?: { url: string; flag: PipIndexFlag };
  /** Architectures per platform, each with its sources. */
  archs?: Partial<Record<Platform, ArchList>>;
  /**
   * Why the architectures of a platform the build has are not known, per platform. Every
   * platform of a CUDA build has either `archs` or a reason here (a test holds the table to it).
   */
  archsNotKnown?: Partial<Record<Platform, string>>;
  /**
   * The patch releases this build exists for, when not all of the release's patches have it
   * (a later rebuild, e.g. conda-forge's CUDA 12.6 build of 2.5.1 only).
   */
  patches?: string[];
  sources: SourceId[];
  /** Present when the build's existence is disputed or not confirmed. */
  unconfirmed?: string;
}

export interface PythonRange {
  /** Oldest supported Python, `3.Y`. */
  min: string;
  /** Newest supported Python, `3.Y`. */
  max: string;
  /** Python versions with experimental wheels (not chosen unless asked for), e.g. `3.13t`. */
  experimental: string[];
  sources: SourceId[];
  /** Where sources disagree on the range. */
  discrepancy?: string;
  /** Field name -> why it is not confirmed (`min`, `max`, `experimental`). */
  unconfirmed?: Record<string, string>;
}

/** How the `pytorch` conda channel selects a CUDA build for this release. */
type PytorchChannelMechanism = 'cudatoolkit' | 'pytorch-cuda';

/** One torch minor release (`2.1`). */
export interface Release {
  /** `X.Y`. */
  torch: string;
  /** Release date as the sources give it (free text: month, or day when known). */
  released: string;
  patches: Patch[];
  python: PythonRange;
  /** null when the release was never published to the `pytorch` channel (2.6 and later). */
  pytorchChannel: { mechanism: PytorchChannelMechanism; sources: SourceId[] } | null;
  builds: Build[];
  /** The CUDA build plain `pip install torch` gets from PyPI on Linux x86_64, when known. */
  pypiDefaultCuda?: { cuda: string; sources: SourceId[]; unconfirmed?: string };
  /** Packages the release needs pinned alongside it (numpy<2 before 2.3), as conda match specs. */
  requires?: Requirement[];
  notes: string[];
  sources: SourceId[];
  /** Field name -> why it is not confirmed (`released`, `patches`, ...). */
  unconfirmed?: Record<string, string>;
}

/** A package pin a release needs, with why. */
interface Requirement {
  /** A conda match spec that is also a valid pip requirement, e.g. `numpy<2`. */
  spec: string;
  why: string;
  sources: SourceId[];
  unconfirmed?: string;
}

/** The driver a CUDA toolkit release needs (NVIDIA's table, one row per update). */
export interface DriverRow {
  /** `X.Y`. */
  cuda: string;
  /** NVIDIA's label: `CUDA 12.2 Update 2`. */
  label: string;
  /** Minimum Linux x86_64 driver for the full toolkit. */
  linux: string;
  /** Minimum Windows driver, or null where NVIDIA lists N/A. */
  windows: string | null;
  sources: SourceId[];
}

/** Minor-version compatibility: the driver floor that runs any toolkit of a major family. */
export interface CompatFloor {
  /** CUDA major version, e.g. `12`. */
  cudaMajor: string;
  /** Oldest Linux driver; as precise as NVIDIA states it (`450.80.02`, `525`). */
  linux: string;
  windows: string | null;
  /** The first driver branch that belongs to the next family, if any (`525` for 11.x). */
  below: string | null;
  sources: SourceId[];
}

/**
 * A measured floor for a GPU architecture: the first torch and CUDA whose pip builds run on
 * it (cog's `gpu_compatibility.go`). Used where a build's full arch list is not known.
 */
interface ArchFloor {
  /** Compute capability, e.g. `9.0`. */
  computeCapability: string;
  /** Name of the architecture, e.g. `Hopper`. */
  name: string;
  minTorch: string;
  minCuda: string;
  sources: SourceId[];
}

/** The whole table. */
export interface RulesTable {
  /** Table format version. */
  version: 1;
  sources: Record<SourceId, SourceInfo>;
  releases: Release[];
  drivers: DriverRow[];
  compatFloors: CompatFloor[];
  archFloors: ArchFloor[];
  /** Named GPU architectures by compute capability (for messages). */
  architectures: Record<string, string>;
  notes: string[];
}

/**
 * A partial table from `envgen.yaml` (`compat:`) or `--rules FILE`: the same shapes, every
 * top-level key optional. Entries replace built-in ones with the same key (a release by
 * `torch`, a driver row by `label`); new ones are added.
 */
export type RulesOverlay = Partial<Omit<RulesTable, 'version'>> & { version?: 1 };
