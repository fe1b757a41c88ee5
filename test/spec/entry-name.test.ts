/** The package name of a conda or pip entry, one function for observe:, resolve and init. */
import { describe, expect, it } from 'vitest';
import { entryName } from '../../src/spec/package-entries.js';

describe('entryName', () => {
  it.each([
    ['flask', 'flask'],
    ['Flask>=2', 'flask'],
    ['conda-forge::flask>=2', 'flask'],
    // A channel with a label: the old copies read `conda-forge` as the name.
    ['conda-forge/label/dev::opentelemetry-sdk', 'opentelemetry-sdk'],
    ['prometheus_client==0.25.0', 'prometheus-client'],
    ['numpy 1.26.* py311*', 'numpy'],
    ['flask[async]>=2; python_version>"3.8"', 'flask'],
    ['  Opentelemetry.SDK  ', 'opentelemetry-sdk'],
  ])('%s is %s', (entry, name) => {
    expect(entryName(entry)).toBe(name);
  });
});
