/**
 * PEP 440 as envgen reads PyPI versions, table-driven. The tables are data from packaging's test
 * suite (pypa/packaging tests/test_version.py, commit 0345ccd3d1e5b0e14b84de4fb6bca0b82f7145e3:
 * VERSIONS, test_invalid_versions, test_normalized_versions, test_version_public) and PEP 440's
 * own examples (epochs, the summary of permitted suffixes and their order).
 */
import { describe, expect, it } from 'vitest';
import { comparePep440, parsePep440 } from '../../src/vulns/osv/pep440.js';

/** packaging's VERSIONS: "This list must be in the correct sorting order". */
const ORDERED = [
  '1.0.dev0',
  '1.0.dev456',
  '1.0.dev456+local',
  '1.0a0',
  '1.0a0.post0.dev0',
  '1.0a0.post0',
  '1.0a1.dev1',
  '1.0a1.dev1+local',
  '1.0a1',
  '1.0a1+local',
  '1.0b0',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0b2-346',
  '1.0rc0',
  '1.0rc1.dev1',
  '1.0c1',
  '1.0rc2',
  '1.0',
  '1.0.post0.dev0',
  '1.0.post0',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.0.post456+local',
  '1.0.1.dev1',
  '1.0.1a1',
  '1.0.1',
  '1.0.1+local',
  '1.0.1.post1',
  '1.1.dev1',
  '1.2+a',
  '1.2+abc',
  '1.2+abcdef',
  '1.2+def',
  '1.2+0',
  '1.2+1',
  '1.2+1.abc',
  '1.2+1.1',
  '1.2+1.1.0',
  '1.2+2',
  '1.2+123',
  '1.2+123456',
  '1.2.r32+123456',
  '1.2.rev33+123456',
  '1!1.0.dev0',
  '1!1.0.dev456',
  '1!1.0.dev456+local',
  '1!1.0a0',
  '1!1.0a0.post0.dev0',
  '1!1.0a0.post0',
  '1!1.0a1.dev1',
  '1!1.0a1.dev1+local',
  '1!1.0a1',
  '1!1.0a1+local',
  '1!1.0b0',
  '1!1.0b1.dev456',
  '1!1.0b2',
  '1!1.0b2.post345.dev456',
  '1!1.0b2.post345',
  '1!1.0b2-346',
  '1!1.0rc0',
  '1!1.0rc1.dev1',
  '1!1.0c1',
  '1!1.0rc2',
  '1!1.0',
  '1!1.0.post0.dev0',
  '1!1.0.post0',
  '1!1.0.post456.dev34',
  '1!1.0.post456',
  '1!1.0.post456+local',
  '1!1.0.1.dev1',
  '1!1.0.1a1',
  '1!1.0.1',
  '1!1.0.1+local',
  '1!1.0.1.post1',
  '1!1.1.dev1',
  '1!1.2+a',
  '1!1.2+abc',
  '1!1.2+abcdef',
  '1!1.2+def',
  '1!1.2+0',
  '1!1.2+1',
  '1!1.2+1.abc',
  '1!1.2+1.1',
  '1!1.2+1.1.0',
  '1!1.2+2',
  '1!1.2+123',
  '1!1.2+123456',
  '1!1.2.r32+123456',
  '1!1.2.rev33+123456',
];

/** packaging's test_invalid_versions (ASCII ones). */
const INVALID = [
  'french toast',
  '1.0+a+',
  '1.0++',
  '1.0+_foobar',
  '1.0+foo&asd',
  '1.0+1+1',
  '1. 0',
  '1 .0',
  '1. 0a1',
  '1 .0a1',
  '1.0 a1',
  '1.0a 1',
  '.',
  '..',
  '1..0',
  '1.0.',
  '.1.0',
  '1..2.3',
  // conda build strings are not versions (the command strips them before asking).
  'py3.11_cuda12.4_cudnn9.1.0_0',
];

/** packaging's test_normalized_versions (a selection of each kind). */
const NORMALIZED: [string, string][] = [
  ['1.0dev', '1.0.dev0'],
  ['1.0-dev1', '1.0.dev1'],
  ['1.0.DEV1', '1.0.dev1'],
  ['1.0a', '1.0a0'],
  ['1.0-alpha1', '1.0a1'],
  ['1.0.ALPHA1', '1.0a1'],
  ['1.0beta', '1.0b0'],
  ['1.0-B1', '1.0b1'],
  ['1.0c', '1.0rc0'],
  ['1.0.rc1', '1.0rc1'],
  ['1.0-RC1', '1.0rc1'],
  ['1.0post', '1.0.post0'],
  ['1.0r', '1.0.post0'],
  ['1.0rev', '1.0.post0'],
  ['1.0-5', '1.0.post5'],
  ['1.0-rev5', '1.0.post5'],
  ['1.0+AbC', '1.0+abc'],
  ['1.01', '1.1'],
  ['1.0a05', '1.0a5'],
  ['1.0c056', '1.0rc56'],
  ['1.0.post000', '1.0.post0'],
  ['1.1.dev09000', '1.1.dev9000'],
  ['00!1.2', '1.2'],
  ['0100!0.0', '100!0.0'],
  ['v1.0', '1.0'],
  ['   v1.0\t\n', '1.0'],
  // In the advisory fixtures: pypa's PYSEC-2022-42969 lists py "0.8.0-alpha2".
  ['0.8.0-alpha2', '0.8.0a2'],
];

/** packaging's test_version_public, and torch's CUDA wheels. */
const PUBLIC: [string, string][] = [
  ['1.0+deadbeef', '1.0'],
  ['1.0.dev6+deadbeef', '1.0.dev6'],
  ['1.0a1.post5.dev6+deadbeef', '1.0a1.post5.dev6'],
  ['1!1.0rc4+deadbeef', '1!1.0rc4'],
  ['1!1.0.post5', '1!1.0.post5'],
  ['2.5.1+cu124', '2.5.1'],
  ['2.1.2+cpu', '2.1.2'],
];

describe('PEP 440 ordering (packaging VERSIONS)', () => {
  it('accepts every version of the ordered list', () => {
    expect(ORDERED.filter((v) => parsePep440(v) === null)).toEqual([]);
  });

  it('orders each pair of the list as the list does', () => {
    const wrong: string[] = [];
    for (let i = 0; i < ORDERED.length; i++) {
      for (let j = 0; j < ORDERED.length; j++) {
        const a = ORDERED[i] as string;
        const b = ORDERED[j] as string;
        if (comparePep440(a, b) !== Math.sign(i - j)) wrong.push(`${a} vs ${b}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('orders epochs first (PEP 440: 1!1.0 > 2013.10)', () => {
    expect(comparePep440('1!1.0', '2013.10')).toBe(1);
    expect(comparePep440('2013.10', '1!1.0')).toBe(-1);
  });

  it('treats 1.0rc1 and 1.0c1 as one version', () => {
    expect(comparePep440('1.0rc1', '1.0c1')).toBe(0);
  });
});

describe('PEP 440 parsing', () => {
  it.each(INVALID)('rejects %j', (text) => {
    expect(parsePep440(text)).toBeNull();
  });

  it.each(NORMALIZED)('normalises %j to %j', (text, normal) => {
    expect(parsePep440(text)?.normal).toBe(normal);
  });

  it.each(PUBLIC)('reads the public version of %j as %j', (text, pub) => {
    expect(parsePep440(text)?.public).toBe(pub);
  });

  it.each([
    ['2.6.0rc1', true],
    ['2.6.0.dev20241112', true],
    ['2.6.0', false],
    ['2.6.0.post1', false],
    ['2.5.1+cu124', false],
  ] as const)('%j is a pre-release: %j', (text, pre) => {
    expect(parsePep440(text)?.prerelease).toBe(pre);
  });
});
