/**
 * Server-side copies: one CopyObject up to 5 GiB, a multipart upload of ranges beyond; copyExact for a rename, which
 * must land exactly the version the plan saw.
 */
import { CopyObjectCommand, HeadObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { isPlainMd5 } from '../core/manifest.js';
import { httpStatusOf } from '../errors.js';
import { copySource } from './client.js';
import { isEncryptedWithKey, normalizeEtag } from './inventory.js';
import { multipartUpload, S3_MAX_PARTS, type S3Call } from './multipart.js';
import { copyParameters, writeParameters, type MirroredObjectSettings } from './object-settings.js';
import { answered } from './put.js';

const MiB = 1024 * 1024;

/** The largest object one CopyObject copies (S3's limit); a larger one is copied in ranges (UploadPartCopy). */
export const S3_MAX_COPY_BYTES = 5 * 1024 * MiB;

/** The ranges of such a copy. S3 copies them itself, so their size costs no memory; each may be up to 5 GiB. */
export const COPY_PART_BYTES = 1024 * MiB;

export interface CopyContext extends S3Call {
  readonly bucket: string;
  /** Ranges of a large copy in flight at once. */
  readonly partsInFlight: number;
  /** Objects up to this size go in one CopyObject; S3_MAX_COPY_BYTES when absent. */
  readonly singleCopyMaxBytes?: number;
  /** Ranges of a larger copy; COPY_PART_BYTES when absent. */
  readonly copyPartBytes?: number;
  /** Storage class and tags the copy gets (S3 would make it STANDARD with the source's tags); absent: S3's defaults. */
  readonly objectSettings?: MirroredObjectSettings;
}

/**
 * Server-side copy of the object `from` (`size` bytes, as listed) to `toKey`, with its content type and metadata: a
 * rename or move in WorkDocs, or a stale object moved to the archive. Up to 5 GiB one CopyObject; beyond, a
 * multipart upload of ranges of it that S3 copies itself.
 */
export async function copyObject(from: CopyFrom, toKey: string, ctx: CopyContext): Promise<{ etag?: string }> {
  if (from.size > (ctx.singleCopyMaxBytes ?? S3_MAX_COPY_BYTES)) return copyInRanges(from, toKey, ctx);
  const out = await ctx.s3.send(new CopyObjectCommand({
    Bucket: ctx.bucket,
    Key: toKey,
    CopySource: copySource(ctx.bucket, from.key),
    MetadataDirective: 'COPY',
    ...copyParameters(ctx.objectSettings),
    ...(from.etag !== undefined ? { CopySourceIfMatch: quoted(from.etag) } : {}),
  }), { abortSignal: ctx.signal });
  return answered(out.CopyObjectResult?.ETag);
}

/**
 * A multipart upload whose parts are ranges of `from` (UploadPartCopy), `partsInFlight` at a time. HeadObject first
 * gives the content type and metadata to carry over, and the ETag every range must still have (CopySourceIfMatch:
 * an object replaced meanwhile fails the copy instead of mixing two). Any failure stops the other parts and aborts
 * it: no object, no parts left.
 */
async function copyInRanges(from: CopyFrom, toKey: string, ctx: CopyContext): Promise<{ etag?: string }> {
  const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: from.key, ...(from.etag !== undefined ? { IfMatch: quoted(from.etag) } : {}) }), { abortSignal: ctx.signal });
  const size = head.ContentLength ?? from.size;
  const partSize = Math.max(ctx.copyPartBytes ?? COPY_PART_BYTES, Math.ceil(size / S3_MAX_PARTS));
  const create = { Bucket: ctx.bucket, Key: toKey, ContentType: head.ContentType ?? 'application/octet-stream', Metadata: head.Metadata ?? {}, ...writeParameters(ctx.objectSettings) };
  return multipartUpload(ctx, create, { size, partSize, partsInFlight: ctx.partsInFlight }, async (part, uploadId, signal) => {
    signal.throwIfAborted();
    const out = await ctx.s3.send(new UploadPartCopyCommand({
      Bucket: ctx.bucket, Key: toKey, UploadId: await uploadId(), PartNumber: part.number,
      CopySource: copySource(ctx.bucket, from.key), CopySourceRange: `bytes=${part.start}-${part.end - 1}`, CopySourceIfMatch: head.ETag,
    }), { abortSignal: signal });
    return out.CopyPartResult!.ETag!;
  });
}

/** The object a copy reads: `etag`, when given, is the one it must still have (else S3 answers 412 and copies nothing). */
export interface CopyFrom {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

/** A copy found its source changed since it was listed: nothing was copied (or what was is replaced at once). */
export class SourceChangedError extends Error {
  override readonly name = 'SourceChangedError';
}

/**
 * A rename's copy that lands exactly the version the plan saw, and the ETag a listing will show for the new object.
 * The copy is conditional on the source's listed ETag. Where the server refuses that condition although HeadObject
 * shows the very ETag (Swift compares a multipart object's ETag with another; gateways that rewrite ETags), the
 * HeadObject is the check, then the copy: no run of ours writes the source meanwhile (the lock, and plan order). Where the answer's ETag is not the bytes' MD5 (a multipart
 * source on Swift answers the source's; SSE-KMS), the copy's own is read: checked against the MD5 when it shows one,
 * and recorded either way, so the next run finds what it expects.
 */
export async function copyExact(from: CopyFrom & { readonly md5?: string }, toKey: string, ctx: CopyContext): Promise<{ etag?: string }> {
  let out: { etag?: string };
  try {
    out = await copyObject(from, toKey, ctx);
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
    if (from.etag === undefined) throw new SourceChangedError(`${from.key} is no longer the object that was listed`, { cause: error });
    const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: from.key }), { abortSignal: ctx.signal });
    if (normalizeEtag(head.ETag) !== from.etag) throw new SourceChangedError(`${from.key} is no longer the object that was listed`, { cause: error });
    out = await copyObject({ key: from.key, size: from.size }, toKey, ctx);
  }
  if (out.etag !== undefined && from.md5 !== undefined && out.etag === from.md5) return out;
  const landed = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: toKey }), { abortSignal: ctx.signal });
  const etag = normalizeEtag(landed.ETag);
  if (from.md5 !== undefined && from.md5 !== '' && isPlainMd5(etag) && etag !== from.md5 && !isEncryptedWithKey(landed)) {
    throw new SourceChangedError(`the copy of ${from.key} holds bytes with MD5 ${etag}, not ${from.md5}`);
  }
  return etag === '' ? {} : { etag };
}

/** S3 refused a conditional request because the object is not the one named (CopySourceIfMatch, If-Match). */
export function isPreconditionFailed(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'PreconditionFailed' || httpStatusOf(error) === 412;
}

function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

