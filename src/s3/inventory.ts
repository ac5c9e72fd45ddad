/** Lists every object under the prefix once (ListObjectsV2, 1,000 keys a page) and reads metadata where asked. */
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { normalizeEtag } from '../core/manifest.js';
import type { InventoryObject } from '../core/types.js';
import { isMissingObject } from './client.js';

export async function listInventory(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<{ objects: InventoryObject[]; pages: number }> {
  const objects: InventoryObject[] = [];
  let pages = 0;
  const pager = paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix || undefined, MaxKeys: 1000 });
  for await (const page of pager) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    pages++;
    for (const item of page.Contents ?? []) {
      if (item.Key === undefined) continue;
      objects.push({
        key: item.Key,
        size: item.Size ?? 0,
        etag: normalizeEtag(item.ETag),
        lastModified: item.LastModified?.getTime() ?? 0,
        // Only the exception is kept: 100,000 STANDARD objects then hold no string each.
        ...(item.StorageClass !== undefined && item.StorageClass !== 'STANDARD' ? { storageClass: item.StorageClass } : {}),
      });
    }
  }
  return { objects, pages };
}

/**
 * User metadata of one object (adoption of buckets the original script wrote; a lost manifest), and whether its
 * ETag is known not to be its MD5 (SSE-KMS, SSE-C); undefined when the object is gone.
 */
export async function readMetadata(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Pick<InventoryObject, 'metadata' | 'etagIsOpaque'> | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const etagIsOpaque = isEncryptedWithKey(head);
    return { metadata: head.Metadata ?? {}, ...(etagIsOpaque ? { etagIsOpaque } : {}) };
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/**
 * The MD5 of an object's bytes, read back (GetObject, streamed: memory stays a chunk), for an object whose ETag does
 * not show it (multipart, SSE-KMS) and that would be adopted on its metadata's word. Undefined when it is gone.
 */
export async function readContentMd5(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const hash = createHash('md5');
    for await (const chunk of out.Body as Readable) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

/**
 * Whether S3 says an object is stored under SSE-KMS (or DSSE-KMS) or SSE-C, from the headers of any answer about it:
 * then its ETag is not the MD5 of its bytes. SSE-S3 (AES256) keeps the MD5.
 */
export function isEncryptedWithKey(answer: { readonly ServerSideEncryption?: string; readonly SSECustomerAlgorithm?: string }): boolean {
  return answer.SSECustomerAlgorithm !== undefined || (answer.ServerSideEncryption !== undefined && answer.ServerSideEncryption !== 'AES256');
}

export { normalizeEtag };
