import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historySpecs } from '../../src/graph/history.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/graph/history/${name}`, import.meta.url), 'utf8');

describe('conda-meta/history', () => {
  it('reads what was asked for, transaction after transaction (real files)', () => {
    expect(historySpecs(fixture('autodock'))).toEqual(['mgltools', 'autodock', 'autogrid']);
    expect(historySpecs(fixture('syntest'))).toEqual(['python=3.12']);
  });

  it('a removal takes a spec back; a later request of the same name replaces it', () => {
    const text = [
      '==> 2026-04-01 16:27:00 <==',
      "# update specs: ['ca-certificates', 'xz']",
      '==> 2026-04-01 16:27:37 <==',
      "# remove specs: ['ca-certificates']",
      "# install specs: ['xz>=5.8', \"param[version='>=1.5.1,<2.0']\"]",
      "# neutered specs: ['zlib']",
    ].join('\n');
    expect(historySpecs(text)).toEqual(['xz>=5.8', "param[version='>=1.5.1,<2.0']"]);
  });

  it('a file with no specs lines gives none', () => {
    expect(historySpecs('==> 2021-12-14 15:10:02 <==\n# cmd: conda create -n x\n')).toEqual([]);
  });
});
