import type { RulesOverlay } from '../rules-format.js';

/** What the user may ask for as a torch source: a fixed source, or `auto`. */
type SourceChoice = 'auto' | 'pytorch' | 'conda-forge' | 'pip';
export type Base = 'miniconda' | 'miniforge' | 'micromamba';
export type PlatformName = 'linux-64' | 'linux-aarch64';

/** The GPU machines a spec's images must run on. */
interface Fleet {
  /** The oldest driver in the fleet, as nvidia-smi prints it. */
  driver?: string;
  /** Compute capabilities, `X.Y`. */
  gpus?: string[];
}

interface ServeSpec {
  command: string[];
  port?: number;
  health?: string;
  /** `envgen rollout`'s warm-up in a new environment before the switch. */
  warmup?: { command: string[]; timeout?: number };
}

/** `observe:` as written (in `defaults` or on a model; a model's keys override defaults' key by key). */
export interface ObserveSpec {
  metrics?: 'prometheus' | 'none';
  tracing?: 'otlp' | 'none';
  /** An http(s) URL; absent: the runtime's OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  protocol?: 'http/protobuf' | 'grpc';
  metricsPort?: number;
  /** `NAME` or `NAME:RATIO`, NAME one of OTEL_TRACES_SAMPLER's built-ins. */
  sampler?: string;
}

/** One model as written in `envgen.yaml` (before defaults are applied). */
export interface ModelSpec {
  torch?: string;
  python?: string;
  cuda?: string;
  source?: SourceChoice;
  base?: Base;
  platform?: PlatformName;
  vision?: boolean;
  audio?: boolean;
  conda?: string[];
  pip?: string[];
  /** Folders of the repo pip installs as packages, after the environment: `.`, `packages/core`. */
  localPackages?: string[];
  serve?: ServeSpec;
  /** Metrics and traces built into the image (see src/spec/observe.ts). */
  observe?: ObserveSpec;
}

interface SpecDefaults {
  python?: string;
  base?: Base;
  platform?: PlatformName;
  source?: SourceChoice;
  cuda?: string;
  observe?: ObserveSpec;
}

/** `envgen.yaml`, validated. */
export interface Spec {
  version: 1;
  defaults?: SpecDefaults;
  fleet?: Fleet;
  models: Record<string, ModelSpec>;
  /** Images that carry several models: bundle name -> model names. */
  bundles?: Record<string, string[]>;
  /** How `envgen audit` judges the repository. */
  audit?: {
    ignore?: string[];
    severity?: Record<string, 'error' | 'warning' | 'info' | 'style' | 'off'>;
    failOn?: 'error' | 'warning' | 'info';
    trustedRegistries?: string[];
    /** Base image -> the tag `audit --fix` pins it to. */
    pins?: Record<string, string>;
  };
  /** How `envgen vulns` judges the repository. */
  vulns?: {
    /** Advisories accepted for now: each with its reason, until `expires` (YYYY-MM-DD). */
    ignore?: { id: string; reason: string; expires?: string }[];
  };
  /** How `envgen lock` solves. */
  lock?: {
    /** Platforms every model is locked for, besides its own. */
    platforms?: PlatformName[];
    /** Channel (name or URL) -> the mirror that replaces it. */
    mirrors?: Record<string, string>;
    /** Hosts package URLs may lead to besides their channel's (a `base_url` elsewhere). */
    allowed_hosts?: string[];
  };
  compat?: RulesOverlay;
}

/** A position in a file, 1-based. */
export interface Position {
  line: number;
  column: number;
}

/** A validated spec with what is needed to point messages at its lines. */
export interface LoadedSpec {
  /** The spec file as the user would name it (relative to the working directory). */
  file: string;
  spec: Spec;
  /** Where the value at a key path starts (`['models', 'sentiment', 'torch']`). */
  locate(path: readonly (string | number)[]): Position | undefined;
}
