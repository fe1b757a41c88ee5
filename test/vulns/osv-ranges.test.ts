/**
 * Which advisories affect which versions, decided by reading the fixture records (real PYSEC and
 * GHSA advisories) and, for edges no real record here shows, small synthetic records.
 */
import { describe, expect, it } from 'vitest';
import { answerFrom } from '../../src/vulns/osv/answer.js';
import { cvss3BaseScore } from '../../src/vulns/osv/cvss.js';
import {
  advisoryUrl,
  checkRecord,
  type OsvRecord,
  severityOf,
  toAdvisory,
} from '../../src/vulns/osv/record.js';
import { fixtureRecords } from './osv-fixtures.js';

const RECORDS = fixtureRecords();
const ids = (name: string, version: string, records: readonly OsvRecord[] = RECORDS) =>
  answerFrom({ name, version }, records).advisories.map((a) => a.id);

describe('OSV ranges over the fixture advisories', () => {
  it.each([
    // GHSA-53q9-r3pm-6pq6: introduced 0, fixed 2.6.0; PYSEC-2022-43015: fixed 1.13.1.
    ['torch', '2.5.1', ['GHSA-53q9-r3pm-6pq6']],
    ['torch', '2.5.1+cu124', ['GHSA-53q9-r3pm-6pq6']],
    ['torch', '2.6.0rc1', ['GHSA-53q9-r3pm-6pq6']],
    ['torch', '2.6.0', []],
    ['torch', '2.6.0+cu126', []],
    ['torch', '1.13.0', ['GHSA-53q9-r3pm-6pq6', 'PYSEC-2022-43015']],
    ['torch', '1.13.1', ['GHSA-53q9-r3pm-6pq6']],
    // GHSA-63cw-57p8-fm3p was published against PyPI "pytorch", fixed 2.10.0.
    ['pytorch', '2.9.1', ['GHSA-63cw-57p8-fm3p']],
    ['pytorch', '2.10.0', []],
    // PYSEC-2023-62: two ranges, [0, 2.2.5) and [2.3.0, 2.3.2); PYSEC-2018-66: fixed 0.12.3.
    ['flask', '2.2.4', ['PYSEC-2023-62']],
    ['flask', '2.2.5', []],
    ['flask', '2.3.0', ['PYSEC-2023-62']],
    ['flask', '2.3.1', ['PYSEC-2023-62']],
    ['flask', '2.3.2', []],
    ['Flask', '0.12.2', ['PYSEC-2018-66', 'PYSEC-2023-62']],
    // PYSEC-2022-42969: last_affected 1.11.0, no fix.
    ['py', '1.11.0', ['PYSEC-2022-42969']],
    ['py', '1.11.0.post1', []],
    ['py', '0.8.0a2', ['PYSEC-2022-42969']],
    // PYSEC-2019-108: fixed 1.16.1, its pre-releases affected; PYSEC-2021-856: fixed 1.19.1.
    ['numpy', '1.16.0rc2', ['PYSEC-2019-108', 'PYSEC-2021-856']],
    ['numpy', '1.16.1', ['PYSEC-2021-856']],
    ['numpy', '1.19.1', []],
    // Pillow, named in any case: PYSEC-2022-42979 fixed 9.2.0, PYSEC-2023-227 fixed 10.0.0.
    ['Pillow', '9.1.1', ['PYSEC-2022-42979', 'PYSEC-2023-227']],
    ['pillow', '9.5.0', ['PYSEC-2023-227']],
    ['PILLOW', '10.0.0', []],
    ['gunicorn', '19.4.5', ['PYSEC-2018-55']],
    ['gunicorn', '19.5.0', []],
    // GHSA-wrfc-pvp9-mr9g: fixed 4.48.0; GHSA-282v-666c-3fvg: last_affected 4.29.2.
    ['transformers', '4.29.2', ['GHSA-282v-666c-3fvg', 'GHSA-wrfc-pvp9-mr9g']],
    ['transformers', '4.29.3', ['GHSA-wrfc-pvp9-mr9g']],
    ['transformers', '4.48.0', []],
    ['requests', '2.0.0', []],
  ] as const)('%s %s: %j', (name, version, expected) => {
    expect(ids(name, version)).toEqual(expected);
  });

  it('reports GHSA-53q9-r3pm-6pq6 as GitHub rates it, with its fix and page', () => {
    const [advisory] = answerFrom({ name: 'torch', version: '2.5.1' }, RECORDS).advisories;
    expect(advisory).toEqual({
      id: 'GHSA-53q9-r3pm-6pq6',
      aliases: ['CVE-2025-32434'],
      summary: 'PyTorch: `torch.load` with `weights_only=True` leads to remote code execution',
      severity: 'critical',
      fixed: ['2.6.0'],
      url: 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6',
    });
  });

  it('reports an advisory without a fix (last_affected) with no fixed versions', () => {
    const advisories = answerFrom({ name: 'transformers', version: '4.29.2' }, RECORDS).advisories;
    expect(advisories.map((a) => [a.id, a.severity, a.fixed])).toEqual([
      ['GHSA-282v-666c-3fvg', 'moderate', []],
      ['GHSA-wrfc-pvp9-mr9g', 'high', ['4.48.0']],
    ]);
  });

  it('lists every fix of a record lowest first, and a PYSEC page on osv.dev', () => {
    const [advisory] = answerFrom({ name: 'flask', version: '2.3.1' }, RECORDS).advisories;
    expect(advisory?.fixed).toEqual(['2.2.5', '2.3.2']);
    expect(advisory?.url).toBe('https://osv.dev/vulnerability/PYSEC-2023-62');
    // PYSEC records have no summary: the first line of their details stands in.
    expect(advisory?.summary).toBe('Flask is a lightweight WSGI web application framework.');
    expect(advisory?.severity).toBe('unknown');
  });

  it('answers "not checked" for a version PEP 440 does not accept', () => {
    const answer = answerFrom({ name: 'torch', version: 'py3.11_cuda12.4_cudnn9.1.0_0' }, RECORDS);
    expect(answer.advisories).toEqual([]);
    expect(answer.notChecked).toContain('PEP 440');
  });
});

/** A synthetic PyPI record for package `demo`. */
function demo(
  affected: Partial<NonNullable<OsvRecord['affected']>[number]>,
  extra = {},
): OsvRecord {
  return {
    id: 'TEST-1',
    affected: [{ package: { name: 'demo', ecosystem: 'PyPI' }, ...affected }],
    ...extra,
  };
}

describe('OSV range edge cases (synthetic records)', () => {
  it('matches an explicit versions list alone, by PEP 440 equality', () => {
    const record = demo({ versions: ['1.0', '1.2.0-rc1'] });
    expect(ids('demo', '1.0.0', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1.2rc1', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1.0+cu118', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1.1', [record])).toEqual([]);
  });

  it('starts a range at a pre-release and ends it at a post-release', () => {
    const record = demo({
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0rc1' }, { fixed: '2.0.post1' }] }],
    });
    expect(ids('demo', '2.0b9', [record])).toEqual([]);
    expect(ids('demo', '2.0rc1', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '2.0', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '2.0.post1.dev0', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '2.0.post1', [record])).toEqual([]);
  });

  it('orders events by version, not as written, and honours epochs', () => {
    const record = demo({
      ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1!1.0' }, { introduced: '3.0' }] }],
    });
    expect(ids('demo', '2.9', [record])).toEqual([]);
    expect(ids('demo', '2024.1', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1!0.5', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1!1.0', [record])).toEqual([]);
  });

  it('reports nothing of a withdrawn advisory, even one a source says matches', () => {
    const record = demo(
      { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
      { withdrawn: '2024-01-01T00:00:00Z' },
    );
    expect(ids('demo', '1.0', [record])).toEqual([]);
    expect(answerFrom({ name: 'demo', version: '1.0' }, [record], true).advisories).toEqual([]);
    const { withdrawn: _, ...live } = record;
    expect(ids('demo', '1.0', [live])).toEqual(['TEST-1']);
  });

  it('bounds a range by its limit', () => {
    const record = demo({
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '1.5' }] }],
    });
    expect(ids('demo', '1.4', [record])).toEqual(['TEST-1']);
    expect(ids('demo', '1.5', [record])).toEqual([]);
  });

  it('ignores GIT and SEMVER ranges, other ecosystems, and ranges it cannot read', () => {
    const records: OsvRecord[] = [
      demo({ ranges: [{ type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] }),
      {
        id: 'TEST-2',
        affected: [
          {
            package: { name: 'demo', ecosystem: 'npm' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
          },
        ],
      },
      {
        ...demo({
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 'not a version' }] }],
        }),
        id: 'TEST-3',
      },
    ];
    expect(ids('demo', '1.0', records)).toEqual([]);
  });

  it('reads severity from GitHub\'s label, else a CVSS v3 vector, else "unknown"', () => {
    const v3 = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H' };
    const v4 = {
      type: 'CVSS_V4',
      score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    };
    expect(
      severityOf(demo({}, { database_specific: { severity: 'MODERATE' }, severity: [v3] })),
    ).toBe('moderate');
    expect(severityOf(demo({}, { severity: [v3] }))).toBe('high');
    expect(severityOf(demo({}, { severity: [v4] }))).toBe('unknown');
    expect(severityOf(demo({}))).toBe('unknown');
  });

  it('links a record that is neither GHSA nor PYSEC to its ADVISORY reference', () => {
    const refs = [
      { type: 'WEB', url: 'https://example.org/web' },
      { type: 'ADVISORY', url: 'https://example.org/advisory' },
    ];
    expect(advisoryUrl(demo({}, { references: refs }))).toBe('https://example.org/advisory');
    expect(advisoryUrl(demo({}, { references: refs.slice(0, 1) }))).toBe('https://example.org/web');
    expect(advisoryUrl(demo({}))).toBe('https://osv.dev/vulnerability/TEST-1');
    expect(toAdvisory(demo({}), 'demo').fixed).toEqual([]);
    expect(toAdvisory(demo({}, { details: 'One line.\nMore.' }), 'demo').summary).toBe('One line.');
    const long = toAdvisory(demo({}, { details: 'x'.repeat(300) }), 'demo').summary;
    expect([long.length, long.endsWith('…')]).toEqual([200, true]);
  });

  it.each([
    [{ id: 3 }, 'id'],
    [{ id: 'X', affected: {} }, 'affected'],
    [
      { id: 'X', affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: 1 }] }] }] },
      'affected[0].ranges[0].events[0]',
    ],
    [
      {
        id: 'X',
        affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }] }],
      },
      'events[0]',
    ],
    [{ id: 'X', affected: [{ versions: [1] }] }, 'affected[0].versions'],
  ])('rejects a record that is not OSV: %j', (value, where) => {
    const checked = checkRecord(value);
    expect('error' in checked && checked.error).toContain(where);
  });
});

describe('CVSS v3 base scores (FIRST calculator values)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 8.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H', 5.5],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
  ])('%s is %d', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it.each([
    'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H',
    'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'AV:N/AC:L/Au:N/C:P/I:P/A:P',
  ])('does not score %s', (vector) => {
    expect(cvss3BaseScore(vector)).toBeNull();
  });
});
