/**
 * The run's part-sized buffers: at most `slots` of them exist, each is allocated once and reused for the next
 * body read into memory (a file of one part or less, above transfer.ts's OWN_BUFFER_MAX_BYTES) or multipart part. Memory for bodies is therefore slots × part_size however files mix, and the
 * bytes land in pages that are already mapped (a fresh multi-MiB Buffer per file costs a page fault per 4 KiB,
 * which here was slower than the MD5 of the same bytes).
 *
 * A buffer only becomes resident as far as it has been written. So each request gets the free buffer that is
 * already written far enough with the least to spare, or failing that the one written furthest: a 100 KiB file
 * does not take the buffer that an 8 MiB part filled while a fresh one would do, and when small files and parts
 * mix only about as many buffers as parts in flight are ever resident in full.
 */
import pLimit, { type LimitFunction } from 'p-limit';

interface PooledBuffer {
  readonly buffer: Buffer;
  /** How many bytes from the start have ever been handed out (so are resident). */
  written: number;
}

export class BufferPool {
  private readonly limit: LimitFunction;
  private readonly free: PooledBuffer[] = [];

  constructor(readonly slots: number, readonly bufferSize: number) {
    this.limit = pLimit(slots);
  }

  /** Runs `work` with a buffer of `bufferSize` bytes to itself, of which it uses `size`; the buffer goes back afterwards. */
  use<T>(size: number, work: (buffer: Buffer) => Promise<T>): Promise<T> {
    return this.limit(async () => {
      const pooled = this.take(size) ?? { buffer: Buffer.allocUnsafe(this.bufferSize), written: 0 };
      pooled.written = Math.max(pooled.written, Math.min(size, this.bufferSize));
      try {
        return await work(pooled.buffer);
      } finally {
        this.free.push(pooled);
      }
    });
  }

  /** Bytes written so far in the buffers not in use (all of them when the pool is idle): what they hold resident at most. */
  get residentBytes(): number {
    return this.free.reduce((sum, p) => sum + p.written, 0);
  }

  private take(size: number): PooledBuffer | undefined {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (best < 0 || isBetterFit(this.free[i]!.written, this.free[best]!.written, size)) best = i;
    }
    return best < 0 ? undefined : this.free.splice(best, 1)[0];
  }
}

/** Is a buffer written `a` bytes far a better choice than one written `b` far, for `size` bytes? */
function isBetterFit(a: number, b: number, size: number): boolean {
  const aFits = a >= size;
  const bFits = b >= size;
  if (aFits !== bFits) return aFits;
  return aFits ? a < b : a > b;
}
