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
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { createHash, type Hash } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { DOCUMENT_METADATA, SOURCE_METADATA, VERSION_METADATA } from '../core/plan.js';
import type { SourceDocument } from '../core/types.js';
import { IntegrityError } from '../errors.js';
import { anySignal, forwardAbort, runAbortController } from '../abort-signals.js';
import { multipartUpload, S3_MAX_PART_SIZE, S3_MAX_PARTS, uploadPart } from '../s3/multipart.js';
import { answered, putChecked, type PutCommon } from '../s3/put.js';
import { writeParameters, type MirroredObjectSettings } from '../s3/object-settings.js';
import { MTIME_METADATA, mtimeText } from '../core/mtime.js';
import { contentChunks, ContentUrl, RangeNotHonoredError, type ContentSource } from '../workdocs/content.js';
import type { BufferPool } from './buffer-pool.js';

const MiB = 1024 * 1024;

export interface TransferContext {
  readonly workdocs: WorkDocsClient;
  readonly s3: S3Client;
  readonly bucket: string;
  /** The WorkDocs folder being mirrored: every document object says so (SOURCE_METADATA). */
  readonly sourceId?: string;
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
  /** Present for uploads that start while the prefix's lock is still being taken (uploads-while-listing.ts). */
  readonly gate?: WriteGate;
  /** A download is retried (`reason`: what failed). */
  readonly onRetry?: (attempt: number, reason: string) => void;
  /** A multipart part is sent again from its buffer after S3 refused it as damaged on the way. */
  readonly onResend?: (attempt: number, reason: string) => void;
  readonly onBytes?: (bytes: number) => void;
  /** Storage class and tags of the objects written (storage_class, object_tags); absent: S3's defaults. */
  readonly objectSettings?: MirroredObjectSettings;
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

/** The user metadata of a document's object: what it holds, and (as rclone reads it) the time a restored file gets. */
export function objectMetadata(doc: SourceDocument): Record<string, string> {
  return {
    [VERSION_METADATA]: doc.versionId,
    [DOCUMENT_METADATA]: doc.id,
    ...(doc.contentModifiedAt !== undefined ? { [MTIME_METADATA]: mtimeText(doc.contentModifiedAt) } : {}),
  };
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
  const common = putCommon(doc, key, ctx);
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
  try {
    return await rangedMultipart(source, doc, common, ctx);
  } catch (error) {
    if (!(error instanceof RangeNotHonoredError)) throw error;
    await ctx.gate?.mayCommit();
    return streamedMultipart(contentChunks(source), doc, common, ctx);
  }
}

/**
 * Bodies up to this size get a buffer of their own, not one of the pool's: a pooled buffer stays resident as far as
 * it was ever written, so small files taking part-filled buffers made the whole pool resident (figures:
 * docs/performance-notes.md, "Constants and their figures").
 */
export const OWN_BUFFER_MAX_BYTES = MiB;

/** Runs `work` with a buffer of at least `size` bytes: one of the run's pool, or its own for a small body or without a pool. */
function withBuffer<T>(ctx: TransferContext, size: number, work: (buffer: Buffer) => Promise<T>): Promise<T> {
  return ctx.buffers && size > OWN_BUFFER_MAX_BYTES && size <= ctx.buffers.capacityBytes ? ctx.buffers.use(size, work) : work(Buffer.allocUnsafe(size));
}

/** A multipart file is sent in about this many parts at most, as far as its parts may grow (multipartShape). */
export const PARTS_PER_FILE = 32;

/** Parts in flight that a multipart upload keeps when its parts grow: 2 left the S3 server idle between parts. */
const GROWN_PARTS_IN_FLIGHT = 3;

export interface MultipartShape {
  readonly partSize: number;
  readonly partsInFlight: number;
}

/**
 * The parts of a ranged multipart upload of `size` bytes. Every part costs a request on both sides, so parts grow
 * from part_size in whole steps towards PARTS_PER_FILE per file, as far as half the run's buffer pool holds
 * GROWN_PARTS_IN_FLIGHT of them (the other half stays for the other workers; memory stays that of the pool). Past
 * that only where S3's 10,000 parts would not hold the file; such parts get buffers of their own. Figures:
 * docs/performance-notes.md, "Constants and their figures".
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
 * The first parts download while the write gate is still closed; the upload is created once it opens (the lock's
 * clean-up of incomplete uploads must not find it), so the settle wait is not on the largest file's path.
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
        const sent = (async () => {
          await ctx.gate?.mayCommit(); // meanwhile the part is hashed
          return uploadPart({
            Bucket: common.Bucket, Key: common.Key, UploadId: await uploadId(), PartNumber: part.number,
            // An in-memory body is signed with its SHA-256, which S3 checks (BadDigest otherwise): no Content-MD5,
            // which would cost a second MD5 pass over every byte for the same check.
            Body: body, ContentLength: body.length,
          }, { ...ctx, signal });
        })();
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
 * Default of multipart_threshold: the largest file sent as one streaming PUT (when WorkDocs gave its MD5). One PUT is
 * faster and lighter than multipart; it gives up the per-part retry (an S3-side failure resends the whole file),
 * which this bounds. Figures: docs/performance-notes.md, "Constants and their figures".
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

/** What every object written for `doc` carries besides its bytes. */
function putCommon(doc: SourceDocument, key: string, ctx: Pick<TransferContext, 'bucket' | 'objectSettings' | 'sourceId'>): PutCommon {
  const metadata = { ...objectMetadata(doc), ...(ctx.sourceId !== undefined ? { [SOURCE_METADATA]: ctx.sourceId } : {}) };
  return { Bucket: ctx.bucket, Key: key, ContentType: doc.contentType ?? 'application/octet-stream', Metadata: metadata, ...writeParameters(ctx.objectSettings) };
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
