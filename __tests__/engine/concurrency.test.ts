import { describe, expect, it } from 'vitest';
import { ConcurrentQueue, forEachConcurrently } from '../../src/concurrency.js';

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

  it('throws only once the work already running has ended, and starts no more', async () => {
    const ended: number[] = [];
    const run = forEachConcurrently([1, 2, 3, 4, 5], 2, async (n) => {
      if (n === 1) throw new Error('one');
      await new Promise((resolve) => setTimeout(resolve, 20));
      ended.push(n);
    });
    await expect(run).rejects.toThrow('one');
    expect(ended).toEqual([2]);
  });
});

describe('ConcurrentQueue', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it('works on items pushed over time, at most `concurrency` at once, each once', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const queue = new ConcurrentQueue<number>(3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await tick();
      seen.push(n);
      inFlight--;
    });
    for (let n = 0; n < 20; n++) {
      queue.push(n);
      if (n % 4 === 0) await tick(); // some loops end in between and new ones start
    }
    await queue.drained();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(peak).toBe(3);
  });

  it('is drained at once when nothing was pushed', async () => {
    await expect(new ConcurrentQueue(2, async () => undefined).drained()).resolves.toBeUndefined();
  });

  it('once stopped, finishes what it took and takes nothing more, pushed before or after', async () => {
    const done: number[] = [];
    const queue = new ConcurrentQueue<number>(2, async (n) => {
      await tick();
      done.push(n);
    });
    for (const n of [1, 2, 3, 4]) queue.push(n);
    queue.stop();
    queue.push(5);
    await queue.drained();
    expect(done.sort()).toEqual([1, 2]);
  });

  it('stops at the first failure and throws it from drained()', async () => {
    const done: number[] = [];
    const queue = new ConcurrentQueue<number>(1, async (n) => {
      if (n === 2) throw new Error('two');
      done.push(n);
    });
    for (const n of [1, 2, 3]) queue.push(n);
    await expect(queue.drained()).rejects.toThrow('two');
    expect(done).toEqual([1]);
  });
});
