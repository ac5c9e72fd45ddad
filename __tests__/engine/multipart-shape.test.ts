// The shape of a ranged multipart upload: parts of part_size, 4 at once, that grow in whole part_size steps
// towards PARTS_PER_FILE (32) parts per file as far as half the run's buffer pool holds 3 of them in flight,
// and never so small that S3's 10,000 parts would not hold the file.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/engine/buffer-pool.js';
import { multipartShape } from '../../src/engine/transfer.js';
import { S3_MAX_PART_SIZE, S3_MAX_PARTS } from '../../src/s3/multipart.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('multipartShape', () => {
  // [what, file size, part_size, pool slots (max_workers), part size, parts in flight]
  it.each<[string, number, number, number | undefined, number, number]>([
    ['a file of up to 32 parts keeps part_size, 4 at once', 32 * 8 * MiB, 8 * MiB, 14, 8 * MiB, 4],
    ['one byte more: two steps, 3 at once (half of 14 slots holds 3 × 2)', 32 * 8 * MiB + 1, 8 * MiB, 14, 16 * MiB, 3],
    ['1 GiB with the defaults (14 × 8 MiB): still two steps, 64 parts', GiB, 8 * MiB, 14, 16 * MiB, 3],
    ['5 GiB with the defaults: two steps', 5 * GiB, 8 * MiB, 14, 16 * MiB, 3],
    ['1 GiB with max_workers 4 (4 slots): no room to grow', GiB, 8 * MiB, 4, 8 * MiB, 4],
    ['1 GiB with max_workers 28: 4 steps (32 parts), 3 at once', GiB, 8 * MiB, 28, 32 * MiB, 3],
    ['1 GiB with max_workers 64: 4 steps, 4 at once', GiB, 8 * MiB, 64, 32 * MiB, 4],
    ['without a pool: part_size', GiB, 8 * MiB, undefined, 8 * MiB, 4],
    ['a small file without a Signature (multipart below the threshold): part_size', 20 * MiB, 8 * MiB, 14, 8 * MiB, 4],
    ['100 GiB in 5 MiB parts without room to grow: large enough for 10,000 parts, in whole MiB', 100 * GiB, 5 * MiB, 4, 11 * MiB, 4],
    ['5 TB with the defaults: 10,000 parts of 477 MiB (beyond the pool: buffers of their own)', 5 * 1000 ** 4, 8 * MiB, 14, 477 * MiB, 3],
    ['200 GiB in 5 GiB parts (part_size_mb 5120) with room to grow: no part above S3\'s 5 GiB', 200 * GiB, 5 * GiB, 28, 5 * GiB, 4],
  ])('%s', (_, size, partSize, slots, expectedPartSize, expectedInFlight) => {
    const buffers = slots === undefined ? undefined : new BufferPool(slots, partSize);
    const shape = multipartShape(size, { partSize, partsInFlight: 4, ...(buffers ? { buffers } : {}) });
    expect(shape).toEqual({ partSize: expectedPartSize, partsInFlight: expectedInFlight });
    expect(Math.ceil(size / shape.partSize)).toBeLessThanOrEqual(S3_MAX_PARTS);
    expect(shape.partSize).toBeLessThanOrEqual(S3_MAX_PART_SIZE);
    // What the parts in flight hold: within half the pool whenever they grew within it.
    if (buffers && shape.partSize > partSize && shape.partSize % partSize === 0) {
      expect(shape.partSize * shape.partsInFlight).toBeLessThanOrEqual(buffers.capacityBytes / 2);
    }
  });
});
