import { describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../src/compat/resolve.js';
import { paletteFor } from '../../src/report/color.js';
import { formatWarnings } from '../../src/report/warnings.js';

const model = (name: string, warnings: string[]) =>
  ({ name, warnings }) as unknown as ResolvedModel;

describe('resolver warnings on stderr', () => {
  it('one line per distinct warning, naming the models it concerns', () => {
    const models = ['a', 'b', 'c', 'd', 'e'].map((name) => model(name, ['same for all']));
    models.push(model('f', ['only f']));
    const lines = formatWarnings(models, paletteFor(0)).trim().split('\n');
    expect(lines).toEqual(['warning: a, b, c and 2 more: same for all', 'warning: f: only f']);
  });
});
