/**
 * The run's body buffers: `slots` × `bufferSize` bytes of them at most, each allocated once and reused for the
 * next body read into memory (a file of one part or less, above transfer.ts's OWN_BUFFER_MAX_BYTES) or multipart
 * part. Memory for bodies is therefore slots × part_size however files mix, and the bytes land in pages that are
 * already mapped (a fresh multi-MiB Buffer per file costs a page fault per 4 KiB, which here was slower than the
 * MD5 of the same bytes).
 *
 * A body takes as many slots as it needs bufferSize-sized pieces (one, except the larger parts of big files,
 * see multipartShape in transfer.ts), granted first come, first served: a part waiting for three slots is not
 * overtaken by one-slot bodies forever. Its buffer is contiguous, one of that many slots' capacity; when none is
 * free, buffers of other capacities that are free are dropped first, so the buffers that exist never hold more
 * than the slots.
 *
 * A buffer only becomes resident as far as it has been written. So each request gets the free buffer that is
 * already written far enough with the least to spare, or failing that the one written furthest: a 100 KiB file
 * does not take the buffer that an 8 MiB part filled while a fresh one would do, and when small files and parts
 * mix only about as many buffers as parts in flight are ever resident in full.
 */

interface PooledBuffer {
  readonly buffer: Buffer;
  /** Slots its capacity counts for. */
  readonly slots: number;
  /** How many bytes from the start have ever been handed out (so are resident). */
  written: number;
}

export class BufferPool {
  /** Slots not granted to a work. */
  private available: number;
  /** Slots' worth of capacity in the buffers that exist, free or in use. */
  private allocated = 0;
  private readonly waiting: Array<{ readonly slots: number; readonly grant: () => void }> = [];
  private readonly free: PooledBuffer[] = [];

  constructor(readonly slots: number, readonly bufferSize: number) {
    this.available = slots;
  }

  /** The largest body a buffer of the pool holds: all its slots. */
  get capacityBytes(): number {
    return this.slots * this.bufferSize;
  }

  /** Slots a body of `size` bytes takes. */
  slotsFor(size: number): number {
    return Math.max(1, Math.ceil(size / this.bufferSize));
  }

  /**
   * Runs `work` with a buffer to itself of at least `size` bytes (at most capacityBytes), of which it uses `size`;
   * the buffer goes back afterwards.
   */
  async use<T>(size: number, work: (buffer: Buffer) => Promise<T>): Promise<T> {
    const slots = this.slotsFor(size);
    if (slots > this.slots) throw new RangeError(`a body of ${size} bytes does not fit a pool of ${this.slots} × ${this.bufferSize} bytes`);
    await this.acquire(slots);
    const pooled = this.take(slots, size);
    pooled.written = Math.max(pooled.written, Math.min(size, pooled.buffer.length));
    try {
      return await work(pooled.buffer);
    } finally {
      this.free.push(pooled);
      this.release(slots);
    }
  }

  /** Bytes written so far in the buffers not in use (all of them when the pool is idle): what they hold resident at most. */
  get residentBytes(): number {
    return this.free.reduce((sum, p) => sum + p.written, 0);
  }

  private acquire(slots: number): Promise<void> {
    if (this.waiting.length === 0 && this.available >= slots) {
      this.available -= slots;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ slots, grant }));
  }

  private release(slots: number): void {
    this.available += slots;
    while (this.waiting.length > 0 && this.waiting[0]!.slots <= this.available) {
      const next = this.waiting.shift()!;
      this.available -= next.slots;
      next.grant();
    }
  }

  /** A free buffer of `slots` slots that fits `size` best, else a new one (dropping free buffers of other capacities to make room). */
  private take(slots: number, size: number): PooledBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const candidate = this.free[i]!;
      if (candidate.slots === slots && (best < 0 || isBetterFit(candidate.written, this.free[best]!.written, size))) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // The slots granted are free of work, so dropping free buffers (least written first) always makes room.
    this.free.sort((a, b) => b.written - a.written);
    while (this.allocated + slots > this.slots) this.allocated -= this.free.pop()!.slots;
    this.allocated += slots;
    return { buffer: Buffer.allocUnsafe(slots * this.bufferSize), slots, written: 0 };
  }
}

/** Is a buffer written `a` bytes far a better choice than one written `b` far, for `size` bytes? */
function isBetterFit(a: number, b: number, size: number): boolean {
  const aFits = a >= size;
  const bFits = b >= size;
  if (aFits !== bFits) return aFits;
  return aFits ? a < b : a > b;
}
