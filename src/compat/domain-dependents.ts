/**
 * Packages that require torchvision or torchaudio (`timm` needs torchvision, `encodec`
 * torchaudio). A repo that lists one needs the paired library in its environment: left to pip,
 * it would take an unpaired one from PyPI, and may replace torch with it.
 *
 * The data, with the file each fact was read from: domain-dependents.json.
 */
import { normalizeName } from '../spec/package-entries.js';
import data from './domain-dependents.json';

export type DomainLibrary = 'torchvision' | 'torchaudio';

const TABLE = data.packages as Record<string, { requires: DomainLibrary[]; source: string }>;

/** The domain libraries a package requires, with the source of the fact; none when unknown. */
export function domainLibrariesOf(
  name: string,
): { requires: DomainLibrary[]; source: string } | undefined {
  return TABLE[normalizeName(name)];
}
