/**
 * parsePipRequirement answers the plain forms without the PEP 508 grammar: its answers on every
 * line of the fixtures' requirements files (and some hand-made edge cases) must be the ones
 * pip-requirements-js gives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePipRequirementsLine, type Requirement } from 'pip-requirements-js';
import { describe, expect, it } from 'vitest';
import { parsePipRequirement } from '../../src/spec/package-entries.js';

function requirementsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /^requirements.*\.txt$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const fromFixtures = requirementsFiles('fixtures')
  .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
  // envgen rejects comments and options before any parser sees the entry.
  .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
  .filter((line) => line !== '' && !line.startsWith('-') && !line.endsWith('\\'));

const edgeCases = [
  'flask',
  ' flask ',
  'Flask_Login',
  'a',
  'a-',
  'a.-b',
  'numpy>=1.24,<2',
  'numpy >= 1.24 , < 2',
  'numpy\t==\t1.24',
  'uvicorn[standard]==0.30.1',
  'uvicorn [ standard , other ] >=0.30',
  'pkg[]',
  'pkg[a,]',
  'pkg===1.0',
  'pkg>==1.0',
  'pkg=1.0',
  'pkg==1.0.*',
  'pkg~=1.4.2',
  'pkg!=1!2.0+local',
  'pkg>=1!,==2',
  'pkg==1.0,',
  'pkg (>=1.0)',
  "pkg>=1.0; python_version < '3.8'",
  'pkg @ https://example.com/pkg.whl',
  'pkg==',
  'pkg>=1.0 extra',
  'naïve==1.0',
  '1pkg==2',
  '_pkg',
  'pkg_==1',
];

/** What parsePipRequirement makes of pip-requirements-js's own answer. */
function reference(entry: string): { name: string; pinned: boolean } | 'rejected' {
  let parsed: Requirement | null;
  try {
    parsed = parsePipRequirementsLine(entry) as Requirement | null;
  } catch {
    return 'rejected';
  }
  if (parsed?.type === 'ProjectName') {
    const pinned = (parsed.versionSpec ?? []).some(
      (s) => s.operator === '==' || s.operator === '===',
    );
    return { name: parsed.name, pinned };
  }
  if (parsed?.type === 'ProjectURL') return { name: parsed.name, pinned: true };
  return 'rejected';
}

describe('parsePipRequirement agrees with pip-requirements-js', () => {
  it('has a table from the fixtures', () => {
    expect(fromFixtures.length).toBeGreaterThan(100);
  });

  it.each([...new Set([...fromFixtures, ...edgeCases])])('%s', (entry) => {
    const ours = parsePipRequirement(entry);
    expect(ours.ok ? ours.value : 'rejected').toEqual(reference(entry));
  });
});
