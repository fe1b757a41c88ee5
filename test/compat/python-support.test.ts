/** The Python support table of commonly pinned packages (src/compat/python-support.json). */
import { describe, expect, it } from 'vitest';
import { PYTHON_SUPPORT, pythonSupportOf } from '../../src/compat/python-support.js';
import { parseCondaVersionSpec } from '../../src/versions/conda-version.js';
import { compareDotted } from '../../src/versions/dotted.js';

const rows = Object.entries(PYTHON_SUPPORT).flatMap(([name, list]) =>
  list.map((row) => [name, row] as const),
);

describe('python-support.json', () => {
  it('covers the packages repos pin most', () => {
    expect(Object.keys(PYTHON_SUPPORT).sort()).toEqual([
      'numpy',
      'opencv-python',
      'opencv-python-headless',
      'pandas',
      'pillow',
      'scikit-learn',
      'scipy',
      'transformers',
    ]);
  });

  it.each(rows)('%s %o: a version spec, a source, and min <= max', (_name, row) => {
    expect(parseCondaVersionSpec(row.versions).ok).toBe(true);
    expect(row.source.length).toBeGreaterThan(10);
    expect(row.python.min).toMatch(/^3\.[0-9]+$/);
    if (row.python.max !== null) {
      expect(row.python.max).toMatch(/^3\.[0-9]+$/);
      expect(compareDotted(row.python.min, row.python.max)).toBeLessThanOrEqual(0);
    }
  });

  it('no version falls in two rows of one package', () => {
    for (const [name, list] of Object.entries(PYTHON_SUPPORT)) {
      const matchers = list.map((row) => parseCondaVersionSpec(row.versions));
      for (let major = 0; major <= 11; major++) {
        for (let minor = 0; minor <= 60; minor++) {
          for (const patch of [0, 1, 2, 3, 4, 5, 9]) {
            const version = `${major}.${minor}.${patch}`;
            const hits = matchers.filter((m) => m.ok && m.matcher.matches(version)).length;
            expect(hits, `${name} ${version}`).toBeLessThanOrEqual(1);
          }
        }
      }
    }
  });

  it.each([
    // numpy 1.24 release notes: "supports Python versions 3.8-3.11".
    ['numpy', '1.24.3', '3.8', '3.11'],
    // numpy 1.21.3 was the first 1.21 with Python 3.10 wheels.
    ['numpy', '1.21.2', '3.7', '3.9'],
    ['numpy', '1.21.6', '3.7', '3.10'],
    ['scipy', '1.10.1', '3.8', '3.11'],
    ['pandas', '2.2.3', '3.9', '3.13'],
    // opencv 4.5.1-4.5.3 shipped one wheel per Python (3.6-3.9), 4.7+ cp37-abi3 wheels.
    ['opencv-python', '4.5.1.48', '3.6', '3.9'],
    ['opencv-python', '4.8.0.76', '3.7', null],
    ['transformers', '4.40.0', '3.8', null],
    ['Pillow', '9.0.1', '3.7', '3.10'],
  ])('%s==%s installs on %s-%s', (name, version, min, max) => {
    expect(pythonSupportOf(name, version)?.python).toEqual({ min, max });
  });

  it('knows nothing of packages or versions outside it', () => {
    expect(pythonSupportOf('requests', '2.31.0')).toBeUndefined();
    expect(pythonSupportOf('numpy', '0.9.8')).toBeUndefined();
  });
});
