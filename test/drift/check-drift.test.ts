/**
 * The drift check's parts: pip pins as PEP 440 compares them, what a distribution requires,
 * and the progress a big prefix shows while its files are hashed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDrift } from '../../src/drift/check-drift.js';
import { meetsPin, pipPins, requiredName } from '../../src/drift/locked-packages.js';
import { createNodeIo } from '../../src/io.js';
import type { Progress } from '../../src/progress.js';

const PREFIXES = join(import.meta.dirname, '../../fixtures/prefixes');

describe('pip pins', () => {
  it('reads the pins of a companion file, leaving out comments and options', () => {
    const pins = pipPins(
      '# header\n--index-url https://example.com/simple\nHumanize==4.9.0\nuvicorn[standard]>=0.30\nfoo==1.0; python_version < "3.8"\n',
    );
    expect(pins.map((p) => [p.name, p.exact, p.extras, p.marker])).toEqual([
      ['humanize', '4.9.0', [], false],
      ['uvicorn', null, ['standard'], false],
      ['foo', '1.0', [], true],
    ]);
  });

  it.each([
    ['4.9.0', '4.9.0', true],
    ['4.9.0', '4.9', true],
    ['4.9.1', '4.9', false],
    ['4.10.0', '4.1', false],
    ['2.1.0+cu118', '2.1.0', true],
    ['2.1.0+cu118', '2.1.0+cu121', false],
    ['1.26.4', '1.26.*', true],
    ['1.27.0', '1.26.*', false],
    ['2.0.0rc1', '2.0.0', false],
  ])('%s meets ==%s: %s', (installed, pin, meets) => {
    expect(meetsPin(installed, pin)).toBe(meets);
  });

  it('follows a Requires-Dist only when its extra was asked for', () => {
    expect(requiredName('Werkzeug>=3.0.0', [])).toBe('werkzeug');
    expect(requiredName('freezegun ; extra == "tests"', [])).toBeNull();
    expect(requiredName('freezegun ; extra == "tests"', ['tests'])).toBe('freezegun');
    expect(requiredName('typing_extensions; python_version < "3.10"', [])).toBe(
      'typing-extensions',
    );
  });
});

describe('checkDrift progress', () => {
  function recorder(): { progress: Progress; events: string[] } {
    const events: string[] = [];
    return {
      events,
      progress: {
        start: (model, step) => events.push(`start ${model}: ${step}`),
        update() {},
        finish: (model, step, ok) => events.push(`finish ${model}: ${step} ${ok}`),
        close() {},
      },
    };
  }

  const target = (prefix: string) => ({
    model: 'tagger',
    platform: 'linux-64',
    prefix: join(PREFIXES, prefix),
    prefixLabel: prefix,
    lock: join(PREFIXES, 'repo/envs/tagger/conda-linux-64.lock'),
    lockLabel: 'lock',
    pipLock: join(PREFIXES, 'repo/envs/tagger/pip-requirements.txt'),
    pipLockLabel: 'pip',
    localPackages: false,
  });

  it('shows the hashing of a prefix above the size given, and its outcome', async () => {
    const { progress, events } = recorder();
    await checkDrift(createNodeIo(), target('edited-py'), {
      files: true,
      progress,
      progressBytes: 0,
    });
    expect(events).toEqual([
      expect.stringMatching(/^start tagger: checking \d+ files \(0 MB\)$/),
      expect.stringMatching(/^finish tagger: checking \d+ files \(0 MB\) false$/),
    ]);
  });

  it('shows nothing for a small prefix', async () => {
    const { progress, events } = recorder();
    const result = await checkDrift(createNodeIo(), target('clean'), { files: true, progress });
    expect(result.ok).toBe(true);
    expect(events).toEqual([]);
  });
});
