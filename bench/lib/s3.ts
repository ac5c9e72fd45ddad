// Bucket housekeeping for the benchmark (not measured): create, empty a prefix, delete.
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { createS3Client } from '../../src/s3/client.js';

export interface S3Target {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function adminClient(target: S3Target): S3Client {
  return createS3Client({
    region: 'us-east-1',
    endpoint: target.endpoint,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    maxSockets: 8,
    maxAttempts: 8,
  });
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/**
 * Deletes every object under `prefix` (1,000 keys a request, several requests at once: Swift's s3api deletes the
 * keys of one request only a few at a time unless multi_delete_concurrency is raised); returns how many.
 */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<number> {
  const limit = pLimit(8);
  const pending: Promise<unknown>[] = [];
  let count = 0;
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix || undefined })) {
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    count += keys.length;
    // Batches of 250 keys spread one page over several requests in flight.
    for (let i = 0; i < keys.length; i += 250) {
      const batch = keys.slice(i, i + 250);
      pending.push(limit(() => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }))));
    }
  }
  await Promise.all(pending);
  return count;
}

export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await emptyPrefix(client, bucket, '');
    try {
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      return;
    } catch (error) {
      if ((error as Error).name === 'NoSuchBucket') return;
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
