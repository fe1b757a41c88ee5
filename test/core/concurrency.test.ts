/** The one bounded-concurrency map (src/concurrency.ts), used by build (--jobs) and generate. */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/concurrency.js';

/** Work that waits `delays[item]` ms and records how many calls were in flight at most. */
function tracked(delays: readonly number[]) {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const work = async (item: number): Promise<string> => {
    started.push(item);
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, delays[item] ?? 0));
    running--;
    return `r${item}`;
  };
  return { work, started, most: () => most };
}

describe('mapLimit', () => {
  it.each([
    // items, limit, the most in flight
    [0, 3, 0],
    [1, 3, 1],
    [5, 1, 1],
    [5, 2, 2],
    [5, 5, 5],
    [3, 10, 3],
    [4, 0, 1],
    [4, -2, 1],
  ])('%i items, limit %i: at most %i at a time, results in order', async (count, limit, most) => {
    // Later items finish first, so the order of the results is not the order of completion.
    const delays = Array.from({ length: count }, (_, i) => (count - i) * 3);
    const items = Array.from({ length: count }, (_, i) => i);
    const t = tracked(delays);
    const results = await mapLimit(items, limit, t.work);
    expect(results).toEqual(items.map((i) => `r${i}`));
    expect(t.most()).toBe(most);
    expect(t.started).toEqual(items);
  });

  it('rejects with the first error', async () => {
    const work = async (item: number): Promise<number> => {
      if (item === 2) throw new Error('item 2 failed');
      return item;
    };
    await expect(mapLimit([0, 1, 2, 3], 2, work)).rejects.toThrow('item 2 failed');
  });

  it('starts no item after a worker has failed', async () => {
    const started: number[] = [];
    const work = async (item: number): Promise<number> => {
      started.push(item);
      if (item === 0) throw new Error('first failed');
      return item;
    };
    await expect(mapLimit([0, 1, 2], 1, work)).rejects.toThrow('first failed');
    expect(started).toEqual([0]);
  });
});
