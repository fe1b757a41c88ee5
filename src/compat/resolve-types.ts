/**
 * What the resolver is asked and what it answers: a model's intent in, full pins with their
 * reasons out, or why no build fits and what would.
 */
import type { Platform, Source } from '../rules-format.js';
import type { ObservePlan } from './observe-plan.js';

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
  /** What `observe:` added (packages, server, instrumentation); absent when the model observes nothing. */
  observe?: ObservePlan;
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
