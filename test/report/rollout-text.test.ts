/** `envgen rollout` as text (src/report/rollout-text.ts): a failed step's lines where its fix says. */
import { describe, expect, it } from 'vitest';
import { paletteFor } from '../../src/report/color.js';
import { formatRollout } from '../../src/report/rollout-text.js';
import type { RolloutReport } from '../../src/rollout/rollout.js';

const REPORT: RolloutReport = {
  model: 'chat',
  ok: false,
  outcome: 'not-switched',
  from: null,
  to: null,
  hash: 'abcdef012345',
  steps: [
    { step: 'lock', ok: true, detail: 'rollout of chat' },
    { step: 'create', ok: true, detail: 'create ok in 1 s' },
    {
      step: 'smoke',
      ok: false,
      detail: 'smoke failed in 2 s',
      log: 'Traceback (most recent call last):\nImportError: libcuda.so.1\u001b[2J',
    },
  ],
  log: '/srv/rollout.jsonl',
  pruned: [],
  problems: [],
};

describe('formatRollout', () => {
  it("prints a failed step's last lines under the heading stepLogFix names, made printable", () => {
    const text = formatRollout(REPORT, paletteFor(0));
    const lines = text.split('\n');
    const at = lines.indexOf('--- chat: smoke (last lines) ---');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      'Traceback (most recent call last):',
      'ImportError: libcuda.so.1\\u001b[2J',
    ]);
    // Only failed steps' lines.
    expect(text).not.toContain('--- chat: create');
  });
});
