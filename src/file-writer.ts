/**
 * Appends text to an open file through one fixed 64 KiB buffer, with synchronous writes. Writing many small
 * pieces (report items, log lines) this way allocates nothing per piece beyond the piece itself: no joined
 * batch strings (a string over 128 KiB is a V8 "large object", and tens of MB of those pile up before a GC
 * frees them) and no Buffer per piece queued behind a write stream.
 */
import { writeSync } from 'node:fs';

export const WRITE_BUFFER_BYTES = 64 * 1024;

export class BufferedFileWriter {
  private readonly buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private used = 0;

  constructor(private readonly fd: number) {}

  /** Bytes waiting in the buffer. */
  get pending(): number {
    return this.used;
  }

  write(text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.buffer.length - this.used) this.flush();
    if (bytes > this.buffer.length) {
      writeAll(this.fd, Buffer.from(text, 'utf8'));
      return;
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** Writes what the buffer holds. */
  flush(): void {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    writeAll(this.fd, this.buffer.subarray(0, used));
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
}
