/** The one file-outcome formatter (src/report/file-outcomes.ts): generate's files, lock's locks and files. */

import { describe, expect, it } from 'vitest';
import { paletteFor } from '../../src/report/color.js';
import {
  fileStatusPaint,
  formatFileOutcomes,
  outcomeLines,
  statusCounts,
} from '../../src/report/file-outcomes.js';

const plain = paletteFor(0);
const color = paletteFor(1);

describe('file outcomes', () => {
  it.each([
    ['created', color.green],
    ['updated', color.green],
    ['removed', color.green],
    ['unchanged', color.dim],
    ['kept', color.dim],
    ['stale', color.yellow],
    ['orphaned', color.yellow],
    ['missing', color.red],
    ['edited', color.red],
    ['foreign', color.red],
  ])('a %s file is painted as generate always painted it', (status, paint) => {
    expect(fileStatusPaint(color)(status)('x')).toBe(paint('x'));
  });

  it.each([
    [[], ''],
    [[{ status: 'created', path: 'a' }], '1 created'],
    [
      [
        { status: 'unchanged', path: 'a' },
        { status: 'created', path: 'b' },
        { status: 'unchanged', path: 'c' },
      ],
      '2 unchanged, 1 created',
    ],
  ])('counts %j as %s', (outcomes, counts) => {
    expect(statusCounts(outcomes)).toBe(counts);
  });

  it('one line a file: the status padded to 9, the path, then any detail', () => {
    const outcomes = [
      { status: 'created', path: 'envs/a/Dockerfile', n: 3 },
      { status: 'unchanged', path: 'docker-bake.hcl', n: 0 },
    ];
    expect(outcomeLines(outcomes, fileStatusPaint(plain), (o) => (o.n ? ` (${o.n})` : ''))).toEqual(
      ['created   envs/a/Dockerfile (3)', 'unchanged docker-bake.hcl'],
    );
    expect(formatFileOutcomes(outcomes, fileStatusPaint(plain))).toBe(
      'created   envs/a/Dockerfile\nunchanged docker-bake.hcl\n1 created, 1 unchanged.',
    );
  });
});
