/**
 * Moves one document version from WorkDocs into S3 without temp files, verifying every byte:
 * the stream's MD5 and length must equal the version's Signature and Size before the object may complete.
 * Small files are read into memory (at most part_size each) and sent as one PUT with Content-MD5, which the
 * SDK can retry on its own. Larger ones whose MD5 WorkDocs announced (the version's Signature), up to
 * STREAMING_PUT_MAX, stream straight into one PUT whose Content-MD5 is that Signature: nothing is buffered,
 * S3 itself refuses bytes that differ, and it costs one request instead of 2 + parts. Beyond that (or without
 * a Signature) they stream through lib-storage multipart, every part with Content-MD5, so a failure costs one
 * part, not the whole file.
 */
import { CopyObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type https from 'node:https';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { DOCUMENT_METADATA, VERSION_METADATA } from '../core/plan.js';
import type { SourceDocument } from '../core/types.js';
import { IntegrityError } from '../errors.js';
import { contentMd5, copySource } from '../s3/client.js';
import { contentChunks } from '../workdocs/content.js';

export interface TransferContext {
  readonly workdocs: WorkDocsClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly partSize: number;
  /** Parts of one multipart upload in flight at once. */
  readonly partsInFlight: number;
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
  const chunks = contentChunks({
    client: ctx.workdocs,
    documentId: doc.id,
    versionId: doc.versionId,
    size: doc.size,
    httpAgent: ctx.httpAgent,
    httpsAgent: ctx.httpsAgent,
    signal: ctx.signal,
    onRetry: ctx.onRetry,
  });
  const common = {
    Bucket: ctx.bucket,
    Key: key,
    ContentType: doc.contentType ?? 'application/octet-stream',
    Metadata: objectMetadata(doc),
  };
  if (doc.size <= ctx.partSize) {
    const body = await readVerified(chunks, doc, ctx.onBytes);
    await ctx.s3.send(new PutObjectCommand({
      ...common,
      Body: body.bytes,
      ContentLength: body.bytes.length,
      ContentMD5: Buffer.from(body.md5, 'hex').toString('base64'),
    }), { abortSignal: ctx.signal });
    return { bytes: body.bytes.length, md5: body.md5 };
  }
  if (doc.md5 !== undefined && doc.size <= STREAMING_PUT_MAX) return streamingPut(chunks, { ...doc, md5: doc.md5 }, common, ctx);
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
  const stop = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, stop.signal]) : stop.signal;
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

async function readVerified(chunks: AsyncIterable<Buffer>, doc: SourceDocument, onBytes?: (n: number) => void): Promise<{ bytes: Buffer; md5: string }> {
  const hash = createHash('md5');
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    parts.push(chunk);
    length += chunk.length;
    onBytes?.(chunk.length);
  }
  const md5 = hash.digest('hex');
  checkIntegrity(doc, length, md5);
  return { bytes: Buffer.concat(parts, length), md5 };
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
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}
