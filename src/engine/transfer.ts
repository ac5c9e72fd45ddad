/**
 * Moves one document version from WorkDocs into S3 without temp files, verifying every byte:
 * the content's MD5 and length must equal the version's Signature and Size before the object may complete.
 * - A file sent in one request carries Content-MD5, the version's Signature where WorkDocs gave one: S3 hashes
 *   what it receives and refuses other bytes (BadDigest) before the object exists, so the engine only counts
 *   the bytes and does not hash them a second time. The ETag S3 answers must be that MD5 as well, which also
 *   catches a server that ignored Content-MD5. Without a Signature the engine hashes the bytes itself.
 *   - Small files are read into memory (at most part_size each): one PUT the SDK can retry on its own.
 *   - Larger ones, up to multipart_threshold, stream straight into one PUT: nothing is buffered, and it costs
 *     one request instead of 2 + parts.
 * - Beyond that (or without a Signature) multipart: each part is its own ranged download, sent with the
 *   signed SHA-256 of its bytes (S3 refuses bytes that differ), several at once, so a failure costs one part;
 *   the engine hashes the whole file, which S3 cannot check for multipart. A content server that ignores
 *   Range gets lib-storage's multipart over one stream instead.
 */
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, PutObjectCommand, UploadPartCommand, UploadPartCopyCommand, HeadObjectCommand, type CreateMultipartUploadCommandInput, type PutObjectCommandInput, type S3Client, type UploadPartCommandInput } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { createHash, type Hash } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { DOCUMENT_METADATA, FOLDER_METADATA, isPlainMd5, VERSION_METADATA } from '../core/plan.js';
import type { SourceDocument } from '../core/types.js';
import { describeError, httpStatusOf, IntegrityError, isDamagedInTransit } from '../errors.js';
import { anySignal, forwardAbort, runAbortController } from '../signals.js';
import { contentMd5, copySource } from '../s3/client.js';
import { isEncryptedWithKey, normalizeEtag } from '../s3/inventory.js';
import pLimit from 'p-limit';
import { contentChunks, ContentUrl, RangeNotHonoredError, type ContentSource } from '../workdocs/content.js';
import type { BufferPool } from './buffer-pool.js';

const MiB = 1024 * 1024;

export interface TransferContext {
  readonly workdocs: WorkDocsClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly partSize: number;
  /** Largest file sent as one streaming PUT (when WorkDocs gave its MD5); DEFAULT_MULTIPART_THRESHOLD when absent. */
  readonly multipartThreshold?: number;
  /** Parts of one multipart upload in flight at once. */
  readonly partsInFlight: number;
  /**
   * Shared by every transfer of a run: the part-sized buffers that bodies above OWN_BUFFER_MAX_BYTES and multipart parts
   * are read into, so memory stays within pool slots × part_size however small and large files mix.
   */
  readonly buffers?: BufferPool;
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
  readonly signal?: AbortSignal;
  /** Present for uploads that start while the prefix's lock is still being taken (early.ts). */
  readonly gate?: WriteGate;
  /** A download is retried (`reason`: what failed). */
  readonly onRetry?: (attempt: number, reason: string) => void;
  /** A multipart part is sent again from its buffer after S3 refused it as damaged on the way. */
  readonly onResend?: (attempt: number, reason: string) => void;
  readonly onBytes?: (bytes: number) => void;
}

/**
 * When an upload that starts before the run may write can go ahead. On a server without conditional writes the
 * lock takes a settle wait; uploads download and send meanwhile, but their objects appear only once it is held:
 * a small file is read into its buffer and sent after, a streamed one sends all but its last bytes (an object
 * exists only once its request completes), a multipart upload begins after (the lock's cleanup of incomplete
 * uploads must not find it). Both reject with WriteRefusedError when the run may not write.
 */
export interface WriteGate {
  /** Resolves once the lock was found free and this run is writing its record: downloads and requests may start. */
  mayStart(): Promise<void>;
  /** Resolves once the lock is held and what was listed is still current: the upload's object may appear. */
  mayCommit(): Promise<void>;
  /**
   * Whether a request may start and wait for mayCommit() while holding its S3 socket. Not when the waiting
   * uploads could hold every socket of the pool (max_workers ≥ max_pool_connections): the lock's own requests
   * would then wait for a socket, and the uploads for the lock. Streamed uploads then begin after mayCommit().
   */
  readonly requestsMayWait: boolean;
}

export interface Transferred {
  readonly bytes: number;
  /** Hex MD5 of the bytes that landed. */
  readonly md5: string;
  /** The ETag S3 answered (without quotes), when it answered one. */
  readonly etag?: string;
}

export function objectMetadata(doc: SourceDocument): Record<string, string> {
  return { [VERSION_METADATA]: doc.versionId, [DOCUMENT_METADATA]: doc.id };
}

export async function uploadDocument(doc: SourceDocument, key: string, ctx: TransferContext): Promise<Transferred> {
  await ctx.gate?.mayStart();
  const source: ContentSource = {
    client: ctx.workdocs,
    documentId: doc.id,
    versionId: doc.versionId,
    size: doc.size,
    httpAgent: ctx.httpAgent,
    httpsAgent: ctx.httpsAgent,
    signal: ctx.signal,
    onRetry: ctx.onRetry,
  };
  const common = putCommon(doc, key, ctx.bucket);
  if (doc.size <= ctx.partSize) {
    return withBuffer(ctx, doc.size, async (buffer) => {
      const body = await readWhole(contentChunks(source), buffer, doc, ctx.onBytes);
      await ctx.gate?.mayCommit();
      const etag = await putChecked(ctx, { ...common, Body: body.bytes, ContentLength: body.bytes.length }, body.md5, doc.md5 !== undefined);
      return { bytes: body.bytes.length, md5: body.md5, ...etag };
    });
  }
  if (doc.md5 !== undefined && doc.size <= (ctx.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD)) {
    // Its last bytes wait at the gate (VerifyingStream); the whole request does when it may not hold a socket there.
    if (ctx.gate?.requestsMayWait === false) await ctx.gate.mayCommit();
    return streamingPut(contentChunks(source), { ...doc, md5: doc.md5 }, common, ctx);
  }
  await ctx.gate?.mayCommit();
  try {
    return await rangedMultipart(source, doc, common, ctx);
  } catch (error) {
    if (!(error instanceof RangeNotHonoredError)) throw error;
    return streamedMultipart(contentChunks(source), doc, common, ctx);
  }
}

/**
 * Bodies up to this size get a buffer of their own instead of one of the pool's. A pooled buffer is resident as far
 * as it was ever written: when small files took the buffers that parts had filled, the parts went on to fill the
 * small files' buffers, until every buffer of the pool was resident in full (the full benchmark's mixed tree: all
 * 14 × 8 MiB). Allocating up to max_workers small bodies costs little, and their memory goes with the next collection.
 */
export const OWN_BUFFER_MAX_BYTES = MiB;

/** Runs `work` with a buffer of at least `size` bytes: one of the run's pool, or its own for a small body or without a pool. */
function withBuffer<T>(ctx: TransferContext, size: number, work: (buffer: Buffer) => Promise<T>): Promise<T> {
  return ctx.buffers && size > OWN_BUFFER_MAX_BYTES && size <= ctx.buffers.capacityBytes ? ctx.buffers.use(size, work) : work(Buffer.allocUnsafe(size));
}

/** S3's limits on the parts of one multipart upload: how many, and how large each. */
export const S3_MAX_PARTS = 10_000;
export const S3_MAX_PART_SIZE = 5 * 1024 * MiB;

/** A multipart file is sent in about this many parts at most, as far as its parts may grow (multipartShape). */
export const PARTS_PER_FILE = 32;

/** Parts in flight that a multipart upload keeps when its parts grow: 2 left the S3 server idle between parts. */
const GROWN_PARTS_IN_FLIGHT = 3;

export interface MultipartShape {
  readonly partSize: number;
  readonly partsInFlight: number;
}

/**
 * The parts of a ranged multipart upload of `size` bytes. Every part costs a request on both sides and, on the
 * benchmark's S3 server, ~20 ms of its CPU: 1 GiB took 9.7–11.0 s in 8 MiB parts, 4 at once, against 8.6–9.1 s
 * in 16 MiB parts, 3 or 4 at once (bench/experiments/large.ts). So parts grow from part_size in whole part_size
 * steps towards PARTS_PER_FILE per file, as far as half the run's buffer pool holds GROWN_PARTS_IN_FLIGHT of
 * them: the other half stays for the other workers' bodies, and memory stays that of the pool (the defaults,
 * 14 slots of 8 MiB: 16 MiB parts, 3 at once, 64 parts for 1 GiB). Parts grow past that only where S3's 10,000
 * parts would not hold the file otherwise; such parts get buffers of their own.
 */
export function multipartShape(size: number, ctx: Pick<TransferContext, 'partSize' | 'partsInFlight' | 'buffers'>): MultipartShape {
  const share = ctx.buffers ? Math.floor(ctx.buffers.slots / 2) : 0;
  const wantedSteps = Math.ceil(size / (PARTS_PER_FILE * ctx.partSize));
  const steps = Math.max(1, Math.min(wantedSteps, Math.floor(share / GROWN_PARTS_IN_FLIGHT), Math.floor(S3_MAX_PART_SIZE / ctx.partSize)));
  const smallestAllowed = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;
  return {
    partSize: Math.max(steps * ctx.partSize, smallestAllowed),
    partsInFlight: steps === 1 ? ctx.partsInFlight : Math.min(ctx.partsInFlight, Math.floor(share / steps)),
  };
}

/**
 * Multipart upload whose parts are separate ranged downloads of one presigned URL, `partsInFlight` at a time.
 * Each part is checked for length and signed with its SHA-256; the whole file's MD5 is computed over the parts
 * in order (a part waits, holding its buffer, until the ones before it are hashed) and must equal the
 * version's Signature before the upload is completed. Any failure aborts the upload: no object, no parts left.
 */
async function rangedMultipart(source: ContentSource, doc: SourceDocument, common: PutCommon, ctx: TransferContext): Promise<Transferred> {
  const whole = createHash('md5');
  const { partSize, partsInFlight } = multipartShape(doc.size, ctx);
  // Turn n resolves once parts 1..n are hashed, in order; a part that fails rejects its turn and so every later one.
  const turns = Array.from({ length: Math.ceil(doc.size / partSize) }, deferred);
  let url: ContentUrl | undefined;
  let md5 = '';
  const etag = await multipartUpload(ctx, common, { size: doc.size, partSize, partsInFlight }, (part, uploadId, signal) =>
    withBuffer(ctx, part.end - part.start, async (buffer) => {
      const turn = turns[part.number - 1]!;
      try {
        signal.throwIfAborted();
        url ??= new ContentUrl({ ...source, signal });
        const body = await readInto(contentChunks({ ...source, signal, url, range: part }), buffer, ctx.onBytes);
        const sent = uploadPart({
          Bucket: common.Bucket, Key: common.Key, UploadId: uploadId, PartNumber: part.number,
          // An in-memory body is signed with its SHA-256, which S3 checks (BadDigest otherwise): no Content-MD5,
          // which would cost a second MD5 pass over every byte for the same check.
          Body: body, ContentLength: body.length,
        }, { ...ctx, signal });
        sent.catch(() => undefined); // awaited below; a failure of the hash turn must not leave it unobserved
        if (part.number > 1) await turns[part.number - 2]!.promise;
        whole.update(body);
        turn.resolve();
        return await sent;
      } catch (error) {
        turn.reject(error);
        throw error;
      }
    }), () => {
    md5 = whole.digest('hex');
    checkIntegrity(doc, doc.size, md5);
  });
  return { bytes: doc.size, md5, ...etag };
}

/** One part of a multipart upload: its number and the bytes of the whole it holds, `start` to `end` exclusive. */
interface PartRange {
  readonly number: number;
  readonly start: number;
  readonly end: number;
}

function partRanges(size: number, partSize: number): PartRange[] {
  const parts: PartRange[] = [];
  for (let start = 0, number = 1; start < size; start += partSize, number++) parts.push({ number, start, end: Math.min(size, start + partSize) });
  return parts;
}

/**
 * A multipart upload of `create.Key`, `size` bytes in parts of `partSize`, `partsInFlight` at a time, each sent by
 * `sendPart`, which answers the part's ETag and stops when the signal it is given aborts. The first part that fails
 * stops the others and aborts the upload (its error is the one thrown); so does `beforeComplete` throwing once all
 * parts are in. Aborted, it leaves no object and no parts. The ETag S3 answered for the object.
 */
async function multipartUpload(
  ctx: Pick<TransferContext, 's3' | 'signal'>,
  create: CreateMultipartUploadCommandInput & { Bucket: string; Key: string },
  shape: { readonly size: number; readonly partSize: number; readonly partsInFlight: number },
  sendPart: (part: PartRange, uploadId: string, signal: AbortSignal) => Promise<string>,
  beforeComplete: () => void = () => undefined,
): Promise<{ etag?: string }> {
  const created = await ctx.s3.send(new CreateMultipartUploadCommand(create), { abortSignal: ctx.signal });
  const uploadId = created.UploadId!;
  const stop = runAbortController();
  const signal = anySignal(stop.signal, ctx.signal);
  const window = pLimit(shape.partsInFlight);
  let firstFailure: { error: unknown } | undefined;
  const parts = partRanges(shape.size, shape.partSize).map((part) => window(async () => ({ PartNumber: part.number, ETag: await sendPart(part, uploadId, signal) }))
    .catch((error: unknown) => {
      firstFailure ??= { error }; // the others then fail as aborted
      stop.abort(error);
      throw error;
    }));
  const settled = await Promise.allSettled(parts);
  try {
    if (firstFailure) throw firstFailure.error;
    beforeComplete();
    const completed = await ctx.s3.send(new CompleteMultipartUploadCommand({
      Bucket: create.Bucket, Key: create.Key, UploadId: uploadId,
      MultipartUpload: { Parts: settled.map((r) => (r as PromiseFulfilledResult<{ PartNumber: number; ETag: string }>).value) },
    }), { abortSignal: ctx.signal });
    return answered(completed.ETag);
  } catch (error) {
    // No abort signal: an interrupted run still removes its parts (the next run would abort them anyway).
    await ctx.s3.send(new AbortMultipartUploadCommand({ Bucket: create.Bucket, Key: create.Key, UploadId: uploadId }), { abortSignal: AbortSignal.timeout(15_000) })
      .catch(() => undefined);
    throw error;
  }
}

/** Sends of one part that S3 refused as damaged on the way, before the part (and so its file) fails. */
export const PART_SEND_ATTEMPTS = 3;

/**
 * UploadPart; sent again from the same buffer when S3 refuses the bytes as damaged on the way (the file's MD5 is
 * taken from that buffer, so what S3 finally accepts is what was hashed). Its ETag.
 */
async function uploadPart(input: UploadPartCommandInput & { Body: Buffer }, ctx: Pick<TransferContext, 's3' | 'signal' | 'onResend'>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await ctx.s3.send(new UploadPartCommand(input), { abortSignal: ctx.signal })).ETag!;
    } catch (error) {
      if (attempt >= PART_SEND_ATTEMPTS || !isDamagedInTransit(error) || ctx.signal?.aborted) throw error;
      ctx.onResend?.(attempt, `part ${input.PartNumber} of ${JSON.stringify(input.Key)}: ${describeError(error)}`);
    }
  }
}

/**
 * The chunks copied into `buffer` (contentChunks never yields more than it was asked for, which the caller
 * sized the buffer to), fed to `hash` on the way; the filled part of the buffer.
 */
async function readInto(chunks: AsyncIterable<Buffer>, buffer: Buffer, onBytes?: (n: number) => void, hash?: Hash): Promise<Buffer> {
  let length = 0;
  for await (const chunk of chunks) {
    hash?.update(chunk);
    length += chunk.copy(buffer, length);
    onBytes?.(chunk.length);
  }
  return buffer.subarray(0, length);
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((ok, fail) => { resolve = ok; reject = fail; });
  promise.catch(() => undefined); // the next part may never wait for it (the last part, or an abort)
  return { promise, resolve, reject };
}

/** lib-storage multipart over one download stream, for content servers that ignore Range. */
async function streamedMultipart(chunks: AsyncIterable<Buffer>, doc: SourceDocument, common: PutCommon, ctx: TransferContext): Promise<Transferred> {
  const verifier = new VerifyingStream(doc, ctx.onBytes);
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (error) => verifier.destroy(error));
  source.pipe(verifier);
  const upload = new Upload({
    client: ctx.s3,
    // ContentLength lets lib-storage check the part count; it does not send it on the parts themselves.
    params: { ...common, Body: verifier, ContentLength: doc.size },
    partSize: ctx.partSize,
    queueSize: ctx.partsInFlight,
    leavePartsOnError: false,
    abortController: abortControllerFor(ctx.signal),
  });
  let completed: { ETag?: string };
  try {
    completed = await upload.done();
  } catch (error) {
    source.destroy();
    throw verifier.failure ?? error;
  }
  return { bytes: doc.size, md5: verifier.md5(), ...answered(completed.ETag) };
}

/**
 * Default of multipart_threshold: the largest file sent as one streaming PUT (when WorkDocs gave its MD5).
 * Measured on the benchmark's S3 server (bench/experiments/large.ts), one streaming PUT moves 256 MiB in
 * 1.4–1.8 s against 2.2–2.9 s for multipart (8–64 MiB parts, 4 at once), and 1 GiB in 5.9–6.3 s against
 * 8.9–9.5 s, with less CPU on both sides and no part buffers. What it gives up is the per-part retry: an
 * S3-side failure resends the whole file (a download cut short still resumes with Range), which this bounds.
 */
export const DEFAULT_MULTIPART_THRESHOLD = 512 * MiB;

/**
 * One PUT whose body is the download itself: S3 compares it with Content-MD5 (the version's Signature), and
 * the VerifyingStream fails it before its end when the length is wrong. A streamed body cannot be replayed, so
 * the SDK does not retry it; the caller retries the whole file.
 */
async function streamingPut(chunks: AsyncIterable<Buffer>, doc: SourceDocument & { md5: string }, common: PutCommon, ctx: TransferContext): Promise<Transferred> {
  const verifier = new VerifyingStream(doc, ctx.onBytes, false, ctx.gate);
  const source = Readable.from(chunks, { objectMode: false });
  // A body that fails part-way must end the request too: piped into the socket, it would otherwise leave the
  // server waiting for the rest of Content-Length.
  const stop = runAbortController();
  const signal = anySignal(stop.signal, ctx.signal);
  source.on('error', (error) => verifier.destroy(error));
  verifier.on('error', (error) => stop.abort(error));
  source.pipe(verifier);
  let etag: { etag?: string };
  try {
    etag = await putChecked({ ...ctx, signal }, { ...common, Body: verifier, ContentLength: doc.size }, doc.md5, true);
  } catch (error) {
    source.destroy();
    verifier.destroy();
    throw verifier.failure ?? error;
  }
  if (verifier.failure) throw verifier.failure;
  return { bytes: doc.size, md5: doc.md5, ...etag };
}

/** `{ etag }` for the ETag S3 answered, without quotes; nothing for none. */
function answered(etag: string | undefined): { etag?: string } {
  const normalized = normalizeEtag(etag);
  return normalized === '' ? {} : { etag: normalized };
}

/**
 * PutObject with Content-MD5 `md5`, then the ETag S3 answers checked against it, and returned. `fromSignature`:
 * `md5` is the version's Signature, not a hash of the bytes sent, so a BadDigest means the content read from
 * WorkDocs was wrong (an IntegrityError, which the file's retries may heal). A plain-MD5 ETag that differs means
 * the server stored other bytes despite Content-MD5: that object is removed again (nothing corrupt may stay).
 */
async function putChecked(ctx: Pick<TransferContext, 's3' | 'signal'>, params: PutCommon & { Body: PutObjectCommandInput['Body']; ContentLength: number }, md5: string, fromSignature: boolean): Promise<{ etag?: string }> {
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

interface PutCommon {
  readonly Bucket: string;
  readonly Key: string;
  readonly ContentType: string;
  readonly Metadata: Record<string, string>;
}

/** What every object written for `doc` carries besides its bytes. */
function putCommon(doc: SourceDocument, key: string, bucket: string): PutCommon {
  return { Bucket: bucket, Key: key, ContentType: doc.contentType ?? 'application/octet-stream', Metadata: objectMetadata(doc) };
}

/** The largest object one CopyObject copies (S3's limit); a larger one is copied in ranges (UploadPartCopy). */
export const S3_MAX_COPY_BYTES = 5 * 1024 * MiB;

/** The ranges of such a copy. S3 copies them itself, so their size costs no memory; each may be up to 5 GiB. */
export const COPY_PART_BYTES = 1024 * MiB;

export interface CopyContext extends Pick<TransferContext, 's3' | 'bucket' | 'signal' | 'partsInFlight'> {
  /** Objects up to this size go in one CopyObject; S3_MAX_COPY_BYTES when absent. */
  readonly singleCopyMaxBytes?: number;
  /** Ranges of a larger copy; COPY_PART_BYTES when absent. */
  readonly copyPartBytes?: number;
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
  const create = { Bucket: ctx.bucket, Key: toKey, ContentType: head.ContentType ?? 'application/octet-stream', Metadata: head.Metadata ?? {} };
  return multipartUpload(ctx, create, { size, partSize, partsInFlight: ctx.partsInFlight }, async (part, uploadId, signal) => {
    signal.throwIfAborted();
    const out = await ctx.s3.send(new UploadPartCopyCommand({
      Bucket: ctx.bucket, Key: toKey, UploadId: uploadId, PartNumber: part.number,
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

const EMPTY_MD5 = contentMd5('');

/** A zero-byte `folder/` object, carrying the folder's id like documents carry theirs: it is recognisably this tool's. */
export async function putFolderMarker(key: string, folderId: string, ctx: Pick<TransferContext, 's3' | 'bucket' | 'signal'>): Promise<void> {
  await ctx.s3.send(new PutObjectCommand({
    Bucket: ctx.bucket,
    Key: key,
    Body: Buffer.alloc(0),
    ContentLength: 0,
    ContentMD5: EMPTY_MD5,
    Metadata: { [FOLDER_METADATA]: folderId },
  }), { abortSignal: ctx.signal });
}

/**
 * The whole content read into `buffer` (at least its size), checked against the version's Size, and the MD5 to
 * send as Content-MD5: the Signature (S3 checks the bytes against it), or the bytes' own without one.
 */
async function readWhole(chunks: AsyncIterable<Buffer>, buffer: Buffer, doc: SourceDocument, onBytes?: (n: number) => void): Promise<{ bytes: Buffer; md5: string }> {
  const hash = doc.md5 === undefined ? createHash('md5') : undefined;
  const bytes = await readInto(chunks, buffer, onBytes, hash);
  const md5 = doc.md5 ?? hash!.digest('hex');
  checkIntegrity(doc, bytes.length, md5);
  return { bytes, md5 };
}

function checkIntegrity(doc: SourceDocument, length: number, md5: string): void {
  if (length !== doc.size) throw new IntegrityError(`read ${length} bytes, WorkDocs announced ${doc.size}`);
  if (doc.md5 !== undefined && md5 !== doc.md5) throw new IntegrityError(`content MD5 ${md5} differs from the version's Signature ${doc.md5}`);
}

/**
 * Passes bytes through, counting them and (with `hashing`) hashing them; fails before the end of the stream when
 * the length or MD5 is wrong. Without hashing its md5() is the Signature, which the receiver checks instead.
 * With a `gate`, the chunk that completes the announced length waits for its mayCommit(), and fails the stream if it rejects.
 */
class VerifyingStream extends Transform {
  private readonly hash: Hash | undefined;
  private length = 0;
  private digest: string | undefined;
  failure: Error | undefined;

  constructor(
    private readonly doc: SourceDocument,
    private readonly onBytes?: (n: number) => void,
    hashing = true,
    private readonly gate?: WriteGate,
  ) {
    super();
    this.hash = hashing || doc.md5 === undefined ? createHash('md5') : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash?.update(chunk);
    this.length += chunk.length;
    this.onBytes?.(chunk.length);
    if (this.gate !== undefined && this.length >= this.doc.size) {
      this.gate.mayCommit().then(() => callback(null, chunk), (error: unknown) => callback(error as Error));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash ? this.hash.digest('hex') : this.doc.md5!;
    try {
      checkIntegrity(this.doc, this.length, this.digest);
      callback();
    } catch (error) {
      // The error reaches lib-storage before the end of the body, so it aborts instead of completing.
      this.failure = error as Error;
      callback(error as Error);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (error && !this.failure) this.failure = error;
    callback(error);
  }

  md5(): string {
    return this.digest ?? '';
  }
}

function abortControllerFor(signal: AbortSignal | undefined): AbortController | undefined {
  if (!signal) return undefined;
  const controller = runAbortController();
  forwardAbort(signal, controller);
  return controller;
}
