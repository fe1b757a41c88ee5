/** Packages that require torchvision or torchaudio (src/compat/domain-dependents.json). */
import { describe, expect, it } from 'vitest';
import { domainLibrariesOf } from '../../src/compat/domain-dependents.js';
import data from '../../src/compat/domain-dependents.json';

describe('domain-dependents.json', () => {
  it.each(Object.entries(data.packages))('%s: a source read at a commit', (_name, row) => {
    expect(row.requires.length).toBeGreaterThan(0);
    expect(row.source).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}:\S+$/);
  });

  it.each([
    ['timm', ['torchvision']],
    ['Open_Clip_Torch', ['torchvision']],
    ['pyannote.audio', ['torchaudio']],
    ['whisperx', ['torchvision', 'torchaudio']],
  ])('%s requires %o, by its normalised name', (name, requires) => {
    expect(domainLibrariesOf(name)?.requires).toEqual(requires);
  });

  it('packages that only offer them as extras are not in it', () => {
    for (const name of ['torchmetrics', 'diffusers', 'kornia', 'accelerate']) {
      expect(domainLibrariesOf(name)).toBeUndefined();
    }
  });
});
