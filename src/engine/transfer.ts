/**
 * Moves one document version from WorkDocs into S3 without temp files, verifying every byte:
 * the content's MD5 and length must equal the version's Signature and Size before the object may complete.
 * - Small files are read into memory (at most part_size each) and sent as one PUT with Content-MD5, which the
 *   SDK can retry on its own.
 * - Larger ones whose MD5 WorkDocs announced (the version's Signature), up to STREAMING_PUT_MAX, stream
 *   straight into one PUT whose Content-MD5 is that Signature: nothing is buffered, S3 itself refuses bytes
 *   that differ, and it costs one request instead of 2 + parts.
 * - Beyond that (or without a Signature) multipart: each part is its own ranged download, sent with the
 *   signed SHA-256 of its bytes (S3 refuses bytes that differ), several at once, so a large file is not limited to one
 *   download stream and a failure costs one part. A content server that ignores Range gets lib-storage's
 *   multipart over one stream instead.
 */
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { createHash, type Hash } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { DOCUMENT_METADATA, VERSION_METADATA } from '../core/plan.js';
import type { SourceDocument } from '../core/types.js';
import { IntegrityError } from '../errors.js';
import { anySignal, runAbortController } from '../signals.js';
import { contentMd5, copySource } from '../s3/client.js';
import pLimit from 'p-limit';
import { contentChunks, ContentUrl, RangeNotHonoredError, type ContentSource } from '../workdocs/content.js';
import type { BufferPool } from './buffer-pool.js';

export interface TransferContext {
  readonly workdocs: WorkDocsClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly partSize: number;
  /** Parts of one multipart upload in flight at once. */
  readonly partsInFlight: number;
  /**
   * Shared by every transfer of a run: the part-sized buffers that small files' bodies and multipart parts
   * are read into, so memory stays within pool slots × part_size however small and large files mix.
   */
  readonly buffers?: BufferPool;
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
  readonly signal?: AbortSignal;
  readonly onRetry?: (attempt: number, reason: string) => void;
  readonly onBytes?: (bytes: number) => void;
}

export interface Transferred {
  readonly bytes: number;
  /** Hex MD5 of the bytes that landed. */
  readonly md5: string;
}

export function objectMetadata(doc: SourceDocument): Record<string, string> {
  return { [VERSION_METADATA]: doc.versionId, [DOCUMENT_METADATA]: doc.id };
}

export async function uploadDocument(doc: SourceDocument, key: string, ctx: TransferContext): Promise<Transferred> {
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
  const common = {
    Bucket: ctx.bucket,
    Key: key,
    ContentType: doc.contentType ?? 'application/octet-stream',
    Metadata: objectMetadata(doc),
  };
  if (doc.size <= ctx.partSize) {
    return withBuffer(ctx, doc.size, async (buffer) => {
      const body = await readVerified(contentChunks(source), buffer, doc, ctx.onBytes);
      await ctx.s3.send(new PutObjectCommand({
        ...common,
        Body: body.bytes,
        ContentLength: body.bytes.length,
        ContentMD5: Buffer.from(body.md5, 'hex').toString('base64'),
      }), { abortSignal: ctx.signal });
      return { bytes: body.bytes.length, md5: body.md5 };
    });
  }
  if (doc.md5 !== undefined && doc.size <= STREAMING_PUT_MAX) return streamingPut(contentChunks(source), { ...doc, md5: doc.md5 }, common, ctx);
  try {
    return await rangedMultipart(source, doc, common, ctx);
  } catch (error) {
    if (!(error instanceof RangeNotHonoredError)) throw error;
    return streamedMultipart(contentChunks(source), doc, common, ctx);
  }
}

/** Runs `work` with a buffer of at least `size` bytes: one of the run's pool, or its own without a pool. */
function withBuffer<T>(ctx: TransferContext, size: number, work: (buffer: Buffer) => Promise<T>): Promise<T> {
  return ctx.buffers && size <= ctx.buffers.bufferSize ? ctx.buffers.use(size, work) : work(Buffer.allocUnsafe(size));
}

/**
 * Multipart upload whose parts are separate ranged downloads of one presigned URL, `partsInFlight` at a time.
 * Each part is checked for length and signed with its SHA-256; the whole file's MD5 is computed over the parts
 * in order (a part waits, holding its buffer, until the ones before it are hashed) and must equal the
 * version's Signature before the upload is completed. Any failure aborts the upload: no object, no parts left.
 */
async function rangedMultipart(source: ContentSource, doc: SourceDocument, common: PutCommon, ctx: TransferContext): Promise<Transferred> {
  const created = await ctx.s3.send(new CreateMultipartUploadCommand(common), { abortSignal: ctx.signal });
  const uploadId = created.UploadId!;
  const stop = runAbortController();
  const signal = anySignal(stop.signal, ctx.signal);
  const url = new ContentUrl({ ...source, signal });
  const whole = createHash('md5');
  const window = pLimit(ctx.partsInFlight);
  let hashedBefore: Promise<void> = Promise.resolve();
  let firstFailure: { error: unknown } | undefined;
  const parts: Array<Promise<{ PartNumber: number; ETag: string }>> = [];
  for (let start = 0, number = 1; start < doc.size; start += ctx.partSize, number++) {
    const range = { start, end: Math.min(doc.size, start + ctx.partSize) };
    const previous = hashedBefore;
    const hashed = deferred();
    hashedBefore = hashed.promise;
    const partNumber = number;
    parts.push(window(() => withBuffer(ctx, range.end - range.start, async (buffer) => {
      try {
        signal.throwIfAborted();
        const body = await readInto(contentChunks({ ...source, signal, url, range }), buffer, ctx.onBytes);
        const sent = ctx.s3.send(new UploadPartCommand({
          Bucket: common.Bucket, Key: common.Key, UploadId: uploadId, PartNumber: partNumber,
          // An in-memory body is signed with its SHA-256, which S3 checks (BadDigest otherwise): no Content-MD5,
          // which would cost a second MD5 pass over every byte for the same check.
          Body: body, ContentLength: body.length,
        }), { abortSignal: signal });
        sent.catch(() => undefined); // awaited below; a failure of the hash turn must not leave it unobserved
        await previous;
        whole.update(body);
        hashed.resolve();
        return { PartNumber: partNumber, ETag: (await sent).ETag! };
      } catch (error) {
        firstFailure ??= { error };
        hashed.reject(error);
        stop.abort(error);
        throw error;
      }
    })));
  }
  const settled = await Promise.allSettled(parts);
  const md5 = whole.digest('hex');
  try {
    if (firstFailure) throw firstFailure.error;
    checkIntegrity(doc, doc.size, md5);
    await ctx.s3.send(new CompleteMultipartUploadCommand({
      Bucket: common.Bucket, Key: common.Key, UploadId: uploadId,
      MultipartUpload: { Parts: settled.map((r) => (r as PromiseFulfilledResult<{ PartNumber: number; ETag: string }>).value) },
    }), { abortSignal: ctx.signal });
  } catch (error) {
    // No abort signal: an interrupted run still removes its parts (the next run would abort them anyway).
    await ctx.s3.send(new AbortMultipartUploadCommand({ Bucket: common.Bucket, Key: common.Key, UploadId: uploadId }), { abortSignal: AbortSignal.timeout(15_000) })
      .catch(() => undefined);
    throw error;
  }
  return { bytes: doc.size, md5 };
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
  try {
    await upload.done();
  } catch (error) {
    source.destroy();
    throw verifier.failure ?? error;
  }
  return { bytes: doc.size, md5: verifier.md5() };
}

/**
 * Largest file sent as one streaming PUT (when WorkDocs gave its MD5). Measured on the benchmark's S3 server, one
 * streaming PUT moves a 16–64 MiB file about twice as fast as multipart, with a fraction of the CPU on both
 * sides and no part buffers; above this size multipart's per-part retries are worth more than its overhead.
 */
export const STREAMING_PUT_MAX = 64 * 1024 * 1024;

/**
 * One PUT whose body is the download itself, checked twice: S3 compares it with Content-MD5 (the version's
 * Signature) and the VerifyingStream fails it before its end when the length or MD5 is wrong. A streamed body
 * cannot be replayed, so the SDK does not retry it; the caller retries the whole file.
 */
async function streamingPut(chunks: AsyncIterable<Buffer>, doc: SourceDocument & { md5: string }, common: PutCommon, ctx: TransferContext): Promise<Transferred> {
  const verifier = new VerifyingStream(doc, ctx.onBytes);
  const source = Readable.from(chunks, { objectMode: false });
  // A body that fails part-way must end the request too: piped into the socket, it would otherwise leave the
  // server waiting for the rest of Content-Length.
  const stop = runAbortController();
  const signal = anySignal(stop.signal, ctx.signal);
  source.on('error', (error) => verifier.destroy(error));
  verifier.on('error', (error) => stop.abort(error));
  source.pipe(verifier);
  try {
    await ctx.s3.send(new PutObjectCommand({
      ...common,
      Body: verifier,
      ContentLength: doc.size,
      ContentMD5: Buffer.from(doc.md5, 'hex').toString('base64'),
    }), { abortSignal: signal });
  } catch (error) {
    source.destroy();
    verifier.destroy();
    throw verifier.failure ?? error;
  }
  if (verifier.failure) throw verifier.failure;
  // S3 accepted the bytes against Content-MD5, so they are exactly the Signature's.
  return { bytes: doc.size, md5: doc.md5 };
}

interface PutCommon {
  readonly Bucket: string;
  readonly Key: string;
  readonly ContentType: string;
  readonly Metadata: Record<string, string>;
}

/** Server-side copy: the object at `fromKey` already holds this exact version (rename or move in WorkDocs). */
export async function copyObject(fromKey: string, toKey: string, ctx: Pick<TransferContext, 's3' | 'bucket' | 'signal'>): Promise<void> {
  await ctx.s3.send(new CopyObjectCommand({
    Bucket: ctx.bucket,
    Key: toKey,
    CopySource: copySource(ctx.bucket, fromKey),
    MetadataDirective: 'COPY',
  }), { abortSignal: ctx.signal });
}

const EMPTY_MD5 = contentMd5('');

export async function putFolderMarker(key: string, ctx: Pick<TransferContext, 's3' | 'bucket' | 'signal'>): Promise<void> {
  await ctx.s3.send(new PutObjectCommand({
    Bucket: ctx.bucket,
    Key: key,
    Body: Buffer.alloc(0),
    ContentLength: 0,
    ContentMD5: EMPTY_MD5,
  }), { abortSignal: ctx.signal });
}

/** The whole content read into `buffer` (at least its size), checked against the version's Size and Signature. */
async function readVerified(chunks: AsyncIterable<Buffer>, buffer: Buffer, doc: SourceDocument, onBytes?: (n: number) => void): Promise<{ bytes: Buffer; md5: string }> {
  const hash = createHash('md5');
  const bytes = await readInto(chunks, buffer, onBytes, hash);
  const md5 = hash.digest('hex');
  checkIntegrity(doc, bytes.length, md5);
  return { bytes, md5 };
}

function checkIntegrity(doc: SourceDocument, length: number, md5: string): void {
  if (length !== doc.size) throw new IntegrityError(`read ${length} bytes, WorkDocs announced ${doc.size}`);
  if (doc.md5 !== undefined && md5 !== doc.md5) throw new IntegrityError(`content MD5 ${md5} differs from the version's Signature ${doc.md5}`);
}

/** Passes bytes through while hashing; fails before the end of the stream when length or MD5 is wrong. */
class VerifyingStream extends Transform {
  private readonly hash = createHash('md5');
  private length = 0;
  private digest: string | undefined;
  failure: Error | undefined;

  constructor(private readonly doc: SourceDocument, private readonly onBytes?: (n: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.length += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.hash.digest('hex');
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
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}
