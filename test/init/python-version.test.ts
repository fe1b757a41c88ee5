import { describe, expect, it } from 'vitest';
import { isPythonRange, pythonAllows } from '../../src/init/detect/python-version.js';

describe('pythonAllows', () => {
  it.each([
    ['>=3.9,<3.12', '3.11', true],
    ['>=3.9,<3.12', '3.12', false],
    ['>=3.9,<3.12', '3.8', false],
    ['>3.9', '3.9', true],
    ['<=3.11', '3.11', true],
    ['<3.11.4', '3.11', true],
    ['!=3.10.*', '3.10', false],
    ['>=3.8,!=3.9.*', '3.9', false],
    ['~=3.10', '3.13', true],
    ['~=3.10.2', '3.11', false],
    ['~=3.10.2', '3.10', true],
    ['==3.10.*', '3.10', true],
    ['^3.10', '3.12', true],
    ['~3.10', '3.11', false],
    ['3.9|3.11', '3.11', true],
    ['3.9|3.11', '3.10', false],
    ['>=3.8.5,<3.8.5', '3.8', false],
    ['>= 3.10, < 4', '3.14', true],
    ['>=3.x', '3.10', false],
  ])('%s allows %s: %s', (spec, python, allowed) => {
    expect(pythonAllows(spec, python)).toBe(allowed);
  });
});

describe('isPythonRange', () => {
  it.each([
    ['>=3.9', true],
    ['>=3.11,<4', true],
    ['~=3.10', true],
    ['^3.11', true],
    ['3.9|3.10', true],
    ['3.9', false],
    ['=3.9', false],
    ['==3.10.*', false],
    ['3.9.16', false],
  ])('%s: %s', (spec, range) => {
    expect(isPythonRange(spec)).toBe(range);
  });
});
