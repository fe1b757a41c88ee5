/** The terminal question init asks: Ctrl-C and Ctrl-D end it with PromptCancelled (exit 130 in cli/). */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { askOn, PromptCancelled } from '../../src/io.js';

/** A stream that readline takes for a terminal, so it reads keys (Ctrl-C is 0x03). */
function terminal(): PassThrough & { isTTY: boolean; setRawMode: () => void } {
  return Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
}

describe('askOn', () => {
  it('returns the line typed', async () => {
    const input = terminal();
    const answer = askOn(input, new PassThrough(), 'torch? ');
    input.write('2.4\r');
    await expect(answer).resolves.toBe('2.4');
  });

  it('rejects with PromptCancelled on Ctrl-C', async () => {
    const input = terminal();
    const answer = askOn(input, new PassThrough(), 'torch? ');
    input.write('2.\u0003');
    await expect(answer).rejects.toBeInstanceOf(PromptCancelled);
  });

  it('rejects with PromptCancelled on Ctrl-D (end of input)', async () => {
    const input = new PassThrough();
    const answer = askOn(input, new PassThrough(), 'torch? ');
    input.end();
    await expect(answer).rejects.toBeInstanceOf(PromptCancelled);
  });
});
