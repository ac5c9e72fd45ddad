// Test helpers for the real S3-compatible server started by __tests__/setup/s3-global.ts.
import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { listAllKeys } from '../../test-support/s3-listing.js';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { inject } from 'vitest';
import { createS3Client, type CreateS3ClientOptions } from '../../src/s3/client.js';

/** A client for the test server (custom endpoint: path style, WHEN_REQUIRED checksums, DeleteObjects MD5). */
export function testS3Client(overrides: Partial<CreateS3ClientOptions> = {}): S3Client {
  const s3 = inject('s3');
  return createS3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    maxSockets: 32,
    ...overrides,
  });
}

/** A valid, unique bucket name: lowercase letters, digits and hyphens, at most 63 characters. */
export function uniqueBucketName(prefixName: string): string {
  const suffix = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const prefix = prefixName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'test';
  return `${prefix.slice(0, 63 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

export interface TestBucket {
  bucket: string;
  client: S3Client;
  /** Aborts multipart uploads, deletes every object and the bucket. Safe to call twice. */
  cleanup(): Promise<void>;
}

export async function createTestBucket(prefixName: string, client: S3Client = testS3Client()): Promise<TestBucket> {
  const bucket = uniqueBucketName(prefixName);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let done = false;
  return {
    bucket,
    client,
    cleanup: async () => {
      if (done) return;
      await emptyBucket(client, bucket);
      for (let attempt = 0; ; attempt++) {
        try {
          await client.send(new DeleteBucketCommand({ Bucket: bucket }));
          break;
        } catch (e) {
          const name = (e as Error).name;
          if (name === 'NoSuchBucket') break;
          if (name !== 'BucketNotEmpty' || attempt >= 5) throw e;
          await new Promise((r) => setTimeout(r, 200));
          await emptyBucket(client, bucket);
        }
      }
      done = true;
    },
  };
}

/** Aborts every multipart upload and deletes every object (DeleteObjects, 1,000 keys per call). */
export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const u of page.Uploads ?? []) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  const keys = await listAllKeys(client, bucket);
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += 1000) batches.push(keys.slice(i, i + 1000));
  await mapLimit(batches, 4, async (batch) => {
    const res = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    if (res.Errors?.length) throw new Error(`cannot delete ${res.Errors.length} objects: ${JSON.stringify(res.Errors[0])}`);
  });
}

export { listAllKeys };

export async function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

export function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

/** Runs fn over items with at most `concurrency` in flight. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export interface RecordedRequest {
  /** Operation name, e.g. "UploadPart". */
  command: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** What the body was when it went on the wire: "Uint8Array", "string", "stream", "none", ... */
  bodyType: string;
  bodyLength: number | undefined;
  /** MD5 (hex) of in-memory bodies. */
  bodyMd5: string | undefined;
  /** SHA-256 (hex) of in-memory bodies. */
  bodySha256: string | undefined;
}

/** Records every HTTP attempt the client sends (after signing), for asserting on headers. */
export function recordRequests(client: S3Client): RecordedRequest[] {
  const seen: RecordedRequest[] = [];
  const mw: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    const req = args.request as { method?: string; path?: string; query?: Record<string, unknown>; headers?: Record<string, string>; body?: unknown };
    const body = req.body;
    const inMemory = typeof body === 'string' || body instanceof Uint8Array;
    seen.push({
      command: (context.commandName ?? '').replace(/Command$/, ''),
      method: req.method ?? '',
      path: req.path ?? '',
      query: { ...(req.query ?? {}) },
      headers: Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      bodyType:
        body === undefined || body === null ? 'none'
        : typeof body === 'string' ? 'string'
        : body instanceof Uint8Array ? 'Uint8Array'
        : typeof (body as { pipe?: unknown }).pipe === 'function' ? 'stream'
        : typeof body,
      bodyLength: inMemory ? Buffer.byteLength(body) : undefined,
      bodyMd5: inMemory ? md5Hex(body) : undefined,
      bodySha256: inMemory ? createHash('sha256').update(body).digest('hex') : undefined,
    });
    return next(args);
  };
  client.middlewareStack.add(mw, { step: 'finalizeRequest', priority: 'low', name: 'recordRequests', override: true });
  return seen;
}
