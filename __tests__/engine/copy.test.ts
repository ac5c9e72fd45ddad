// Server-side copies (renames, moves, archiving): one CopyObject up to S3's 5 GiB, ranges copied by S3 itself
// beyond. The limits are lowered here so that a few MiB stand for the 5 GiB. The real S3 server, and the fault
// proxy in front of it for failures.
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyObject, S3_MAX_COPY_BYTES } from '../../src/s3/copy.js';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.js';
import { createTestBucket, listAllKeys, md5Hex, recordRequests, testS3Client, type TestBucket } from '../helpers/s3.js';

const MiB = 1024 * 1024;
const SIZE = 12 * MiB + 7;
const LIMITS = { singleCopyMaxBytes: 5 * MiB, copyPartBytes: 5 * MiB, partsInFlight: 2 };

describe('copyObject', () => {
  let bucket: TestBucket;
  let proxy: FaultProxy;
  const body = randomBytes(SIZE);
  const metadata = { 'workdocs-version-id': '1704186180000-abc', 'workdocs-document-id': 'doc-1' };
  beforeAll(async () => {
    bucket = await createTestBucket('copy');
    proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: 'src.bin', Body: body, ContentType: 'video/mp4', Metadata: metadata }));
  });
  afterAll(async () => {
    await proxy?.close();
    await bucket?.cleanup();
  });

  async function expectCopyOfSource(key: string): Promise<void> {
    const out = await bucket.client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: key }));
    expect(md5Hex(Buffer.from(await out.Body!.transformToByteArray()))).toBe(md5Hex(body));
    expect(out.ContentType).toBe('video/mp4');
    expect(out.Metadata).toEqual(metadata);
  }

  it('is S3\'s own CopyObject up to 5 GiB, as the default limit says', async () => {
    expect(S3_MAX_COPY_BYTES).toBe(5 * 1024 * MiB);
    const s3 = testS3Client();
    const sent = recordRequests(s3);
    try {
      const { etag } = await copyObject({ key: 'src.bin', size: SIZE }, 'one-copy.bin', { s3, bucket: bucket.bucket, partsInFlight: 2 });
      expect(sent.map((r) => r.command)).toEqual(['CopyObject']);
      expect(etag).toBe(md5Hex(body));
    } finally {
      s3.destroy();
    }
    await expectCopyOfSource('one-copy.bin');
  });

  it('above the limit, copies ranges (UploadPartCopy) that S3 copies itself, with the content type and metadata', async () => {
    const s3 = testS3Client();
    const sent = recordRequests(s3);
    try {
      const { etag } = await copyObject({ key: 'src.bin', size: SIZE }, 'ranged-copy.bin', { s3, bucket: bucket.bucket, ...LIMITS });
      expect(sent.map((r) => r.command)).toEqual(['HeadObject', 'CreateMultipartUpload', 'UploadPartCopy', 'UploadPartCopy', 'UploadPartCopy', 'CompleteMultipartUpload']);
      const ranges = sent.filter((r) => r.command === 'UploadPartCopy').map((r) => r.headers['x-amz-copy-source-range']).sort();
      expect(ranges).toEqual([`bytes=0-${5 * MiB - 1}`, `bytes=${10 * MiB}-${SIZE - 1}`, `bytes=${5 * MiB}-${10 * MiB - 1}`]);
      // Every range from the object HeadObject saw.
      const head = await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: 'src.bin' }));
      for (const r of sent.filter((x) => x.command === 'UploadPartCopy')) expect(r.headers['x-amz-copy-source-if-match']).toBe(head.ETag);
      expect(etag).toMatch(/^[0-9a-f]{32}-3$/);
    } finally {
      s3.destroy();
    }
    await expectCopyOfSource('ranged-copy.bin');
  });

  it('a range that fails on every attempt stops the copy and aborts it: no object, no upload left', async () => {
    const dead = proxy.addRule({ kind: 'error', status: 500, operation: 'UploadPartCopy' });
    const s3 = testS3Client({ endpoint: proxy.endpoint });
    try {
      await expect(copyObject({ key: 'src.bin', size: SIZE }, 'failed-copy.bin', { s3, bucket: bucket.bucket, ...LIMITS })).rejects.toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    } finally {
      proxy.removeRule(dead.id);
      s3.destroy();
    }
    expect(dead.applied).toBeGreaterThan(0);
    expect(await listAllKeys(bucket.client, bucket.bucket)).not.toContain('failed-copy.bin');
    const uploads = await bucket.client.send(new ListMultipartUploadsCommand({ Bucket: bucket.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});
