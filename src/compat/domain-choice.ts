/** The torchvision / torchaudio choice: the version paired with the torch patch taken. */
import type { Patch, Source } from '../rules-format.js';

export type DomainLibrary = 'torchvision' | 'torchaudio';

export interface DomainDecision {
  kind: 'domain-paired';
  lib: DomainLibrary;
  version: string;
  torch: string;
  /** The `pytorch` channel's own pairing (2.0.0), not the wheels'. */
  onPytorchChannel: boolean;
  sources: string[];
  /** Why the pairing is not confirmed, if it is not. */
  unconfirmed: string | undefined;
}

export interface DomainRefusal {
  kind: 'no-domain-pairing';
  lib: DomainLibrary;
  torch: string;
}

/** Null when the library is not wanted. */
export function chooseDomainLibrary(
  patch: Patch,
  source: Source,
  lib: DomainLibrary,
  wanted: boolean | undefined,
): DomainDecision | DomainRefusal | null {
  if (!wanted) return null;
  const conda = source === 'pytorch' && patch.conda ? patch.conda : undefined;
  const version = conda ? conda[lib] : patch[lib];
  if (!version) return { kind: 'no-domain-pairing', lib, torch: patch.version };
  return {
    kind: 'domain-paired',
    lib,
    version,
    torch: patch.version,
    onPytorchChannel: conda !== undefined,
    sources: patch.sources,
    unconfirmed: patch.unconfirmed?.[lib],
  };
}
