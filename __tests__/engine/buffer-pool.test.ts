// The run's body buffers: never more than `slots`, never shared by two works at once, and a small file does not
// take the buffer a part filled, so only about as many buffers as parts in flight are ever resident in full.
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
});
