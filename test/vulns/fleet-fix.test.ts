/**
 * The fleet-aware fix for torch advisories, with answers read from src/compat/rules.json:
 * - torch 2.6 (2.6.0) has a pip CUDA 11.8 build whose SASS includes 3.7 and 7.0; CUDA 11 runs
 *   from driver 450.80.02 (compatFloors), so a fleet of V100s (7.0) on driver 470.57.02 runs it.
 * - torch 2.10 (2.10.0) has only CUDA 12.6/12.8/12.9/13.0 builds (compat floor 525 for CUDA 12,
 *   580 for 13) and none carries 3.7; the 12.6 and 12.9 builds carry 7.0.
 * So on V100s with driver 470: 2.5.1 -> 2.6.0 fixes GHSA-53q9-r3pm-6pq6, and
 * GHSA-63cw-57p8-fm3p (fixed in 2.10.0) is blocked by the driver, which needs to be >= 525.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResolveRequest } from '../../src/compat/resolve-types.js';
import { compatTable } from '../../src/compat/table.js';
import { createNodeIo } from '../../src/io.js';
import type { Advisory } from '../../src/vulns/advisories.js';
import { torchFix } from '../../src/vulns/fleet-fix.js';
import { osvOffline } from '../../src/vulns/osv/offline.js';
import { RECORDS_DIR } from './osv-fixtures.js';

const table = compatTable();
// The real records (fixtures/osv/records): GHSA-63cw-57p8-fm3p files torch as PyPI `pytorch`.
let RCE: Advisory;
let UNPICKLER: Advisory;
beforeAll(async () => {
  const source = await osvOffline(createNodeIo(), RECORDS_DIR);
  const answers = await source.lookup([
    { name: 'torch', version: '2.5.1' },
    { name: 'pytorch', version: '2.5.1' },
  ]);
  const byId = new Map(answers.flatMap((a) => a.advisories).map((a) => [a.id, a]));
  RCE = byId.get('GHSA-53q9-r3pm-6pq6') as Advisory;
  UNPICKLER = byId.get('GHSA-63cw-57p8-fm3p') as Advisory;
  expect([RCE?.fixed, UNPICKLER?.fixed]).toEqual([['2.6.0'], ['2.10.0']]);
});

const request = (
  fleet: ResolveRequest['fleet'],
  extra: Partial<ResolveRequest> = {},
): ResolveRequest => ({
  name: 'detector',
  python: '3.11',
  platform: 'linux-64',
  vision: false,
  audio: false,
  fleet,
  ...extra,
});

describe('the smallest torch upgrade the fleet can run', () => {
  it('V100s on driver 470: 2.6.0 (pip CUDA 11.8) fixes one; the driver blocks 2.10', () => {
    const fix = torchFix(table, request({ driver: '470.57.02', gpus: ['7.0'] }), '2.5.1', [
      RCE,
      UNPICKLER,
    ]);
    expect(fix.upgrade).toEqual({
      torch: '2.6.0',
      source: 'pip',
      cuda: '11.8',
      python: '3.11',
      fixes: ['GHSA-53q9-r3pm-6pq6'],
      loosened: [],
    });
    expect(fix.blocked).toEqual([
      expect.objectContaining({
        id: 'GHSA-63cw-57p8-fm3p',
        torch: '2.10.0',
        blocker: { kind: 'driver', oldestDriver: '525' },
      }),
    ]);
    expect(fix.unfixed).toEqual([]);
  });

  it('V100s on driver 535: 2.10.0 fixes both (past every fixed version)', () => {
    const fix = torchFix(table, request({ driver: '535.104.05', gpus: ['7.0'] }), '2.5.1', [
      RCE,
      UNPICKLER,
    ]);
    expect(fix.upgrade?.torch).toBe('2.10.0');
    expect(fix.upgrade?.fixes).toEqual(['GHSA-53q9-r3pm-6pq6', 'GHSA-63cw-57p8-fm3p']);
    expect(fix.blocked).toEqual([]);
  });

  it('K80s (3.7) on driver 580: 2.6.0 still carries 3.7; no 2.10 build does', () => {
    const fix = torchFix(table, request({ driver: '580.65.06', gpus: ['3.7'] }), '2.5.1', [
      RCE,
      UNPICKLER,
    ]);
    expect(fix.upgrade?.torch).toBe('2.6.0');
    expect(fix.blocked.map((b) => b.blocker)).toEqual([{ kind: 'gpus', gpus: ['3.7'] }]);
  });

  it('K80s and V100s on driver 470: both the GPUs and the driver block 2.10', () => {
    const fix = torchFix(table, request({ driver: '470.57.02', gpus: ['3.7', '7.0'] }), '2.5.1', [
      UNPICKLER,
    ]);
    expect(fix.upgrade).toBeNull();
    expect(fix.blocked.map((b) => b.blocker)).toEqual([
      { kind: 'driver-and-gpus', gpus: ['3.7', '7.0'] },
    ]);
  });

  it('a model that pins CUDA 11.8 leaves the pin for the upgrade when it must', () => {
    // 2.10 has no CUDA 11.8 build; with the pin loosened, a CUDA 12 build runs on driver 535.
    const fix = torchFix(
      table,
      request({ driver: '535.104.05', gpus: ['8.0'] }, { cuda: '11.8' }),
      '2.5.1',
      [UNPICKLER],
    );
    expect(fix.upgrade).toMatchObject({ torch: '2.10.0', loosened: ['cuda'] });
  });

  it('an advisory with no fixed version is said to have none', () => {
    const fix = torchFix(table, request({ driver: '535.104.05', gpus: ['8.0'] }), '2.5.1', [
      { ...RCE, id: 'GHSA-none', fixed: [] },
    ]);
    expect(fix).toMatchObject({ upgrade: null, blocked: [], unfixed: ['GHSA-none'] });
  });
});

describe('a fix the model itself blocks', () => {
  it('a Python the release does not support: torch 2.10 needs Python >= 3.10 (rules.json)', () => {
    const fix = torchFix(
      table,
      request({ driver: '535.104.05', gpus: ['8.0'] }, { python: '3.9' }),
      '1.13.1',
      [RCE, UNPICKLER],
    );
    expect(fix.upgrade).toMatchObject({
      torch: '2.6.0',
      python: '3.9',
      fixes: ['GHSA-53q9-r3pm-6pq6'],
    });
    expect(fix.blocked.map((b) => [b.id, b.torch, b.blocker])).toEqual([
      ['GHSA-63cw-57p8-fm3p', '2.10.0', { kind: 'python', python: '3.9' }],
    ]);
  });
});
