/**
 * Bounded concurrency, in one place: the builds (`--jobs`) and the file reads and writes of
 * generate run their work side by side, a fixed number at a time, and keep the items' order.
 */

/**
 * Runs `work` over `items` with at most `limit` calls in flight, and returns the results in the
 * items' order. A limit below 1 runs one at a time. The first rejection rejects the whole map
 * (work already started is not cancelled).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
