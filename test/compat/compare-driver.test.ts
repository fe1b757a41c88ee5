/** Driver versions compare part by part as numbers, as NVIDIA numbers them. */
import { describe, expect, it } from 'vitest';
import { compareDriver } from '../../src/compat/fleet.js';

describe('compareDriver', () => {
  it.each([
    ['535.104.05', '535.86.09', 1],
    ['535.86.09', '535.104.05', -1],
    ['570.26', '570.26.0', 0],
    ['570.26', '570.124.06', -1],
    ['525.60.13', '525', 1],
    ['525', '525.0.0', 0],
    ['450.51.06', '450.51.05', 1],
    ['418.39', '1000.1', -1],
    ['550.54.15', '550.54.15', 0],
  ])('%s against %s is %i', (a, b, sign) => {
    expect(compareDriver(a, b)).toBe(sign);
  });
});
