// The run's body buffers: never more than `slots` × bufferSize bytes of them, never shared by two works at once,
// first come first served when a body needs several slots, and a small file does not take the buffer a part
// filled, so only about as many buffers as parts in flight are ever resident in full.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/engine/buffer-pool.js';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('BufferPool', () => {
  it('gives each request the free buffer written far enough with the least to spare, else the one written furthest', async () => {
    const pool = new BufferPool(3, 100);
    const seen: Record<string, Buffer> = {};
    // A part and a small file at once: two buffers, written 100 and 10 bytes far.
    await Promise.all([
      pool.use(100, async (b) => { seen.part = b; await tick(); }),
      pool.use(10, async (b) => { seen.small = b; await tick(); }),
    ]);
    expect(pool.residentBytes).toBe(110);
    const cases: [string, number, string][] = [
      ['a small file takes the small buffer', 8, 'small'],
      ['a part takes the part buffer', 100, 'part'],
      ['a 50-byte body takes the part buffer (it holds it; the small one would grow)', 50, 'part'],
      ['a 10-byte body takes the small buffer again', 10, 'small'],
    ];
    for (const [, size, expected] of cases) {
      await pool.use(size, async (b) => { expect(b).toBe(seen[expected]); });
    }
    expect(pool.residentBytes).toBe(110);
    // With only the small buffer free, a part takes it (written furthest of the free ones) and makes it resident.
    await Promise.all([
      pool.use(100, async (b) => { expect(b).toBe(seen.part); await tick(5); }),
      pool.use(100, async (b) => { expect(b).toBe(seen.small); await tick(); }),
    ]);
    expect(pool.residentBytes).toBe(200);
  });

  it('never runs more than `slots` works, never hands one buffer to two works at once, and reuses them', async () => {
    const pool = new BufferPool(4, 64);
    const inUse = new Set<Buffer>();
    const all = new Set<Buffer>();
    let peak = 0;
    await Promise.all(Array.from({ length: 60 }, (_, i) => pool.use((i * 37) % 65, async (b) => {
      expect(inUse.has(b)).toBe(false);
      inUse.add(b);
      all.add(b);
      peak = Math.max(peak, inUse.size);
      await tick(i % 3);
      inUse.delete(b);
    })));
    expect(peak).toBe(4);
    expect(all.size).toBe(4);
    for (const b of all) expect(b.length).toBe(64);
  });

  it('when parts and small files mix, only the parts in flight keep buffers resident in full', async () => {
    const pool = new BufferPool(6, 100);
    for (let round = 0; round < 20; round++) {
      // 4 parts and 2 small files at once, finishing in an order that changes every round.
      await Promise.all([
        ...[0, 1, 2, 3].map((i) => pool.use(100, () => tick((i + round) % 4))),
        ...[0, 1].map((i) => pool.use(10, () => tick((i + round * 3) % 5))),
      ]);
    }
    expect(pool.residentBytes).toBe(4 * 100 + 2 * 10);
  });

  it.each<[string, number, number]>([
    ['one byte: one slot', 1, 1],
    ['exactly one buffer: one slot', 100, 1],
    ['one byte more: two slots', 101, 2],
    ['the whole pool', 400, 4],
  ])('a body of %s', (_, size, slots) => {
    expect(new BufferPool(4, 100).slotsFor(size)).toBe(slots);
  });

  it('refuses a body larger than the whole pool before it waits for anything', async () => {
    await expect(new BufferPool(4, 100).use(401, async () => undefined)).rejects.toThrow(RangeError);
  });

  it('gives a body of several slots one contiguous buffer of that many slots, and never grants more slots than it has', async () => {
    const pool = new BufferPool(5, 100);
    let slotsInUse = 0;
    let peak = 0;
    const lengths = new Map<number, number>();
    await Promise.all(Array.from({ length: 40 }, (_, i) => {
      const size = [50, 250, 100, 180][i % 4]!;
      const slots = Math.ceil(size / 100);
      return pool.use(size, async (b) => {
        slotsInUse += slots;
        peak = Math.max(peak, slotsInUse);
        lengths.set(size, b.length);
        await tick(i % 3);
        slotsInUse -= slots;
      });
    }));
    expect(peak).toBeLessThanOrEqual(5);
    expect(Object.fromEntries(lengths)).toEqual({ 50: 100, 100: 100, 180: 200, 250: 300 });
  });

  it('serves waiting bodies in order: one-slot bodies that come later do not overtake a waiting three-slot part', async () => {
    const pool = new BufferPool(3, 100);
    const order: string[] = [];
    const first = pool.use(100, async () => { order.push('small 1'); await tick(5); });
    const part = pool.use(300, async () => { order.push('part'); });
    const later = pool.use(100, async () => { order.push('small 2'); });
    await Promise.all([first, part, later]);
    expect(order).toEqual(['small 1', 'part', 'small 2']);
  });

  it('drops free buffers of other sizes to make room: the buffers that exist never hold more than its slots', async () => {
    const pool = new BufferPool(4, 100);
    const seen = new Set<Buffer>();
    // Four one-slot buffers, then a four-slot one (all four are dropped), then one-slot ones again (it is dropped).
    await Promise.all([1, 2, 3, 4].map(() => pool.use(100, async (b) => { seen.add(b); await tick(); })));
    expect(pool.residentBytes).toBe(400);
    await pool.use(400, async (b) => { expect(seen.has(b)).toBe(false); expect(b.length).toBe(400); });
    expect(pool.residentBytes).toBe(400);
    await Promise.all([1, 2].map(() => pool.use(100, async (b) => { expect(b.length).toBe(100); await tick(); })));
    expect(pool.residentBytes).toBe(200);
    // A two-slot body next to the two free one-slot buffers: nothing needs dropping, a new buffer joins them.
    await pool.use(150, async (b) => { expect(b.length).toBe(200); });
    expect(pool.residentBytes).toBe(350);
  });
});
