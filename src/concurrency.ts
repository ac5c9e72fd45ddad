/**
 * Runs `work` over `items` with at most `concurrency` at a time: that many loops each take the next item.
 * Unlike queueing one limited promise per item up front, memory does not grow with the number of items
 * (110,000 queued promises cost ~170 MB of peak RSS in a no-op resync of 100,000 documents).
 */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, loop));
}
