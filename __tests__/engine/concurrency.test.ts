import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../src/concurrency.js';

describe('forEachConcurrently', () => {
  it.each<[number, number]>([[0, 3], [1, 1], [5, 1], [5, 3], [100, 14], [3, 50]])('%i items, at most %i at a time: each once, never more in flight', async (count, concurrency) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await forEachConcurrently(items, concurrency, async (item) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, item % 3));
      seen.push(item);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    expect(peak).toBeLessThanOrEqual(Math.max(1, Math.min(concurrency, count)));
  });

  it('passes on a failure of the work', async () => {
    await expect(forEachConcurrently([1, 2, 3], 2, async (n) => { if (n === 2) throw new Error('two'); })).rejects.toThrow('two');
  });
});
