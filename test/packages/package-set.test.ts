import { describe, expect, it } from 'vitest';
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';

describe('packageRecord', () => {
  it('leaves what the reader does not know null, and keeps what it gives', () => {
    const record = packageRecord({ name: 'numpy', manager: 'conda', version: '1.26.4', size: 7 });
    expect(record).toEqual({
      name: 'numpy',
      manager: 'conda',
      version: '1.26.4',
      build: null,
      channel: null,
      subdir: null,
      url: null,
      md5: null,
      sha256: null,
      depends: null,
      size: 7,
    });
    const set: PackageSet = { kind: 'pip-freeze', label: 'x', platform: null, packages: [record] };
    expect(set.packages[0]?.depends).toBeNull();
  });
});
