/**
 * The run's part-sized buffers: at most `slots` of them exist, each is allocated once and reused for the next
 * small file or multipart part. Memory for bodies is therefore slots × part_size however files mix, and the
 * bytes land in pages that are already mapped (a fresh multi-MiB Buffer per file costs a page fault per 4 KiB,
 * which here was slower than the MD5 of the same bytes).
 */
import pLimit, { type LimitFunction } from 'p-limit';

export class BufferPool {
  private readonly limit: LimitFunction;
  private readonly free: Buffer[] = [];

  constructor(readonly slots: number, readonly bufferSize: number) {
    this.limit = pLimit(slots);
  }

  /** Runs `work` with a buffer of `bufferSize` bytes to itself; the buffer goes back to the pool afterwards. */
  use<T>(work: (buffer: Buffer) => Promise<T>): Promise<T> {
    return this.limit(async () => {
      const buffer = this.free.pop() ?? Buffer.allocUnsafe(this.bufferSize);
      try {
        return await work(buffer);
      } finally {
        this.free.push(buffer);
      }
    });
  }
}
