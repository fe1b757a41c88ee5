/** withInterrupts: the first interrupt aborts the signal, a second stops all; listeners always go. */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { INTERRUPTS, withInterrupts } from '../../src/cli/interrupts.js';

const listening = (source: EventEmitter): number[] =>
  INTERRUPTS.map((name) => source.listenerCount(name));

describe('withInterrupts', () => {
  it('aborts the signal on the first interrupt, calls onSecond on the next, then removes its listeners', async () => {
    const source = new EventEmitter();
    const onSecond = vi.fn();
    const result = await withInterrupts(
      async (signal) => {
        expect(listening(source)).toEqual([1, 1, 1]);
        expect(signal.aborted).toBe(false);
        source.emit('SIGTERM');
        expect(signal.aborted).toBe(true);
        expect(onSecond).not.toHaveBeenCalled();
        source.emit('SIGINT');
        expect(onSecond).toHaveBeenCalledTimes(1);
        return 'stopped';
      },
      { source, onSecond },
    );
    expect(result).toBe('stopped');
    expect(listening(source)).toEqual([0, 0, 0]);
  });

  it('removes its listeners when the work throws', async () => {
    const source = new EventEmitter();
    await expect(
      withInterrupts(
        async () => {
          throw new Error('boom');
        },
        { source },
      ),
    ).rejects.toThrow('boom');
    expect(listening(source)).toEqual([0, 0, 0]);
  });

  it('listens on process by default, and leaves no listener behind', async () => {
    const before = INTERRUPTS.map((name) => process.listenerCount(name));
    let aborted = false;
    await withInterrupts(async (signal) => {
      process.emit('SIGHUP');
      aborted = signal.aborted;
    });
    expect(aborted).toBe(true);
    expect(INTERRUPTS.map((name) => process.listenerCount(name))).toEqual(before);
  });
});
