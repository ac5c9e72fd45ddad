// Which bodies take the run's pooled part-size buffers: parts and files above OWN_BUFFER_MAX_BYTES, not small files,
// whose own buffers go with the next collection (a pooled buffer stays resident as far as it was ever written).
// The emulator over HTTP with the real SDK, and the real S3 server.
import { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/engine/buffer-pool.js';
import { OWN_BUFFER_MAX_BYTES, uploadDocument } from '../../src/engine/transfer.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { SourceDocument } from '../../src/core/types.js';
import { createTestBucket, getObjectBytes, md5Hex, recordRequests, testS3Client, type TestBucket } from '../helpers/s3.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

describe('buffers of uploaded bodies', () => {
  let emulator: Emulator;
  let bucket: TestBucket;
  let workdocs: WorkDocsClient;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, generate: { folders: 0, documents: 0, seed: 1 } });
    bucket = await createTestBucket('transfer-buffers');
    workdocs = new WorkDocsClient({ region: 'us-east-1', endpoint: emulator.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' } });
  });
  afterAll(async () => {
    workdocs?.destroy();
    await bucket?.cleanup();
    await emulator?.close();
  });

  function document(name: string, size: number): SourceDocument {
    const { id, versionId } = emulator.control.addDocument({ parentId: emulator.rootFolderId, name, generate: { seed: name, size } });
    const md5 = emulator.control.manifest().find((m) => m.documentId === id)!.md5;
    return { id, versionId, parentId: emulator.rootFolderId, name, createdAt: 0, modifiedAt: 0, size, md5, contentType: undefined };
  }

  it.each<[string, number, number]>([
    ['a small file: a buffer of its own, none of the pool', 200_000, 0],
    ['a file of exactly OWN_BUFFER_MAX_BYTES: still its own', OWN_BUFFER_MAX_BYTES, 0],
    ['a file just above it, within one part: a pooled buffer, written as far as the file', OWN_BUFFER_MAX_BYTES + 1, OWN_BUFFER_MAX_BYTES + 1],
    ['a multipart file (threshold 0, 2 parts in flight): its parts take two pooled buffers in full', 2 * PART + 10, 2 * PART],
  ])('%s', async (name, size, resident) => {
    const doc = document(`${name.slice(0, 12)}-${size}.bin`, size);
    const buffers = new BufferPool(4, PART);
    const key = `buffers/${doc.name}`;
    const out = await uploadDocument(doc, key, { workdocs, s3: bucket.client, bucket: bucket.bucket, partSize: PART, partsInFlight: 2, multipartThreshold: 0, buffers });
    expect(out).toMatchObject({ bytes: size, md5: doc.md5, etag: expect.stringMatching(/^[0-9a-f]{32}(-\d+)?$/) });
    expect(md5Hex(await getObjectBytes(bucket.client, bucket.bucket, key))).toBe(doc.md5);
    // What the pool's buffers hold resident at most: how far each was ever written.
    expect(buffers.residentBytes).toBe(resident);
  });

  it('a file beyond 32 parts sends larger parts, each in one pooled buffer of two slots', async () => {
    // 32 × 5 MiB + 1 byte and 12 slots of 5 MiB: 10 MiB parts (half the pool holds 3 × 2 slots), 17 of them.
    const size = 32 * PART + 1;
    const doc = document('grown-parts.bin', size);
    const buffers = new BufferPool(12, PART);
    const s3 = testS3Client();
    const sent = recordRequests(s3);
    try {
      const key = 'buffers/grown-parts.bin';
      const out = await uploadDocument(doc, key, { workdocs, s3, bucket: bucket.bucket, partSize: PART, partsInFlight: 4, multipartThreshold: 0, buffers });
      expect(out).toMatchObject({ bytes: size, md5: doc.md5, etag: expect.stringMatching(/^[0-9a-f]{32}(-\d+)?$/) });
      expect(md5Hex(await getObjectBytes(bucket.client, bucket.bucket, key))).toBe(doc.md5);
      const parts = sent.filter((r) => r.command === 'UploadPart').map((r) => r.bodyLength);
      expect(parts).toHaveLength(17);
      expect(parts.filter((n) => n === 2 * PART)).toHaveLength(16);
      expect(parts).toContain(1);
      // At most 3 parts in flight: three 10 MiB buffers, written in full.
      expect(buffers.residentBytes).toBe(3 * 2 * PART);
    } finally {
      s3.destroy();
    }
  });
});
