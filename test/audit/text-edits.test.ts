/** Fixes as text ranges (src/audit/text-edits.ts). */
import { describe, expect, it } from 'vitest';
import { applyEdits, textEdit } from '../../src/audit/text-edits.js';

describe('text edits', () => {
  it.each([
    ['abc', 'abXc', { start: 2, end: 2, text: 'X' }],
    ['abc', 'ac', { start: 1, end: 2, text: '' }],
    ['FROM x\nRUN a\n', 'FROM x\nENV A=1\nRUN a\n', { start: 7, end: 7, text: 'ENV A=1\n' }],
  ])('%j -> %j is one range', (original, fixed, range) => {
    expect(textEdit(original, fixed, 'd')).toEqual({ description: 'd', ...range });
    const edit = textEdit(original, fixed, 'd');
    if (!edit) throw new Error('no edit');
    expect(applyEdits(original, [edit]).text).toBe(fixed);
  });

  it('no change, no edit', () => {
    expect(textEdit('same', 'same', 'd')).toBeUndefined();
  });

  it('applies edits sorted, once each, and leaves overlapping ones for the next pass', () => {
    const text = '0123456789';
    const edits = [
      { description: 'late', start: 8, end: 9, text: 'X' },
      { description: 'early', start: 1, end: 3, text: 'ab' },
      { description: 'early again', start: 1, end: 3, text: 'ab' },
      { description: 'overlaps early', start: 2, end: 5, text: 'Z' },
    ];
    expect(applyEdits(text, edits)).toEqual({ text: '0ab34567X9', applied: 2 });
  });
});
