/**
 * Single-request writes: the checked PUT (Content-MD5, and the ETag S3 answers checked against it) and folder markers.
 */
import { DeleteObjectCommand, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { isPlainMd5 } from '../core/manifest.js';
import { FOLDER_METADATA } from '../core/plan.js';
import { IntegrityError } from '../errors.js';
import { contentMd5 } from './client.js';
import { isEncryptedWithKey, normalizeEtag } from './inventory.js';
import type { S3Call } from './multipart.js';
import { writeParameters, type MirroredObjectSettings } from './object-settings.js';

/** `{ etag }` for the ETag S3 answered, without quotes; nothing for none. */
export function answered(etag: string | undefined): { etag?: string } {
  const normalized = normalizeEtag(etag);
  return normalized === '' ? {} : { etag: normalized };
}

/**
 * PutObject with Content-MD5 `md5`, then the ETag S3 answers checked against it, and returned. `fromSignature`:
 * `md5` is the version's Signature, not a hash of the bytes sent, so a BadDigest means the content read from
 * WorkDocs was wrong (an IntegrityError, which the file's retries may heal). A plain-MD5 ETag that differs means
 * the server stored other bytes despite Content-MD5: that object is removed again (nothing corrupt may stay).
 */
export async function putChecked(ctx: S3Call, params: PutCommon & { Body: PutObjectCommandInput['Body']; ContentLength: number }, md5: string, fromSignature: boolean): Promise<{ etag?: string }> {
  let stored: string | undefined;
  let etag: { etag?: string };
  try {
    const out = await ctx.s3.send(new PutObjectCommand({ ...params, ContentMD5: Buffer.from(md5, 'hex').toString('base64') }), { abortSignal: ctx.signal });
    etag = answered(out.ETag);
    // Under SSE-KMS or SSE-C the ETag is not the MD5 of the bytes (S3 checked Content-MD5 all the same).
    stored = isEncryptedWithKey(out) ? undefined : etag.etag;
  } catch (error) {
    if (fromSignature && (error as { name?: string }).name === 'BadDigest') {
      throw new IntegrityError(`S3 refused the content: the MD5 of what it received differs from the version's Signature ${md5} (BadDigest: damaged on the way, or WorkDocs sent other bytes)`, { cause: error });
    }
    throw error;
  }
  if (stored !== undefined && isPlainMd5(stored) && stored !== md5) {
    await ctx.s3.send(new DeleteObjectCommand({ Bucket: params.Bucket, Key: params.Key }), { abortSignal: AbortSignal.timeout(15_000) })
      .catch(() => undefined); // the next run finds an object without a manifest entry and uploads it again
    throw new IntegrityError(`S3 stored content with MD5 ${stored}, not ${md5}: the server did not check Content-MD5; the object was removed`);
  }
  return etag;
}

/** What every object written for a document carries besides its bytes. */
export interface PutCommon {
  readonly Bucket: string;
  readonly Key: string;
  readonly ContentType: string;
  readonly Metadata: Record<string, string>;
  /** storage_class and object_tags (object-settings.ts); absent for S3's defaults. */
  readonly StorageClass?: PutObjectCommandInput['StorageClass'];
  readonly Tagging?: string;
}

const EMPTY_MD5 = contentMd5('');

/** A zero-byte `folder/` object, carrying the folder's id like documents carry theirs: it is recognisably this tool's. */
export async function putFolderMarker(key: string, folderId: string, ctx: S3Call & { readonly bucket: string; readonly objectSettings?: MirroredObjectSettings }): Promise<void> {
  await ctx.s3.send(new PutObjectCommand({
    ...writeParameters(ctx.objectSettings),
    Bucket: ctx.bucket,
    Key: key,
    Body: Buffer.alloc(0),
    ContentLength: 0,
    ContentMD5: EMPTY_MD5,
    Metadata: { [FOLDER_METADATA]: folderId },
  }), { abortSignal: ctx.signal });
}

