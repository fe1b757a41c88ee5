/** The one `majorOf` (src/versions/dotted.ts): the CUDA tables, fleet floors and the ENV rules ask it. */
import { describe, expect, it } from 'vitest';
import { majorOf } from '../../src/versions/dotted.js';

describe('majorOf', () => {
  it.each([
    ['12.8', 12],
    ['11', 11],
    ['535.104.05', 535],
    ['8.6', 8],
    ['=12.4', 12],
    ['>=12,<13', 12],
    ['12.4.*', 12],
    ['cpu', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (version, major) => {
    expect(majorOf(version)).toBe(major);
  });
});
