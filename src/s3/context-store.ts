/**
 * The metadata index's S3 calls: the GET of a stored state or records object (streamed to a local file, never
 * whole in memory), the PUT of each index file (from a local file, with Content-MD5: it lands whole or not at
 * all), and the PUT of one sidecar.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { backoffDelay, sleep } from '../backoff.js';
import { isTransientError } from '../errors.js';
import { contentMd5, isMissingObject } from './client.js';
import { writeParameters, type MirroredObjectSettings } from './object-settings.js';

/** A stored object of the index as read: the local file its gzip bytes were written to, or why there is none. */
export type StoredContextState =
  | { readonly state: 'found'; readonly file: string; readonly bytes: number }
  | { readonly state: 'missing' };

/**
 * GETs one object of the index into the local file `file` (created, or truncated), as its body arrives: the body
 * is never collected in memory, the engine decodes the file line by line. A missing object creates no file; a GET
 * or a body that fails (or an abort) removes what was written of it, and throws.
 */
export async function readContextState(s3: S3Client, bucket: string, key: string, file: string, signal?: AbortSignal): Promise<StoredContextState> {
  let body: Readable;
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    body = out.Body === undefined ? Readable.from([]) : out.Body instanceof Readable ? out.Body : Readable.fromWeb(out.Body.transformToWebStream() as Parameters<typeof Readable.fromWeb>[0]);
  } catch (error) {
    if (isMissingObject(error)) return { state: 'missing' };
    throw error;
  }
  let target: FileHandle | undefined;
  try {
    target = await open(file, 'w');
    // pipeline destroys the body on any failure (or abort): no connection is left half read.
    const writing = target.createWriteStream();
    await (signal ? pipeline(body, writing, { signal }) : pipeline(body, writing));
    return { state: 'found', file, bytes: (await stat(file)).size };
  } catch (error) {
    body.destroy();
    await target?.close();
    await rm(file, { force: true });
    throw error;
  } finally {
    await target?.close(); // closed by its stream already, but not on every path
  }
}

/** Sends of one file before it counts as failed (each already retried by the SDK where it can). */
const PUT_ATTEMPTS = 3;

/** PUTs a local file (its MD5 known from writing it) as one object; a body refused as damaged is sent again. */
export async function putFile(s3: S3Client, bucket: string, key: string, file: { path: string; md5: Buffer; contentType: string }, signal?: AbortSignal): Promise<number> {
  const { size } = await stat(file.path);
  for (let attempt = 1; ; attempt++) {
    try {
      await s3.send(new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: createReadStream(file.path),
        ContentLength: size,
        ContentMD5: file.md5.toString('base64'),
        ContentType: file.contentType,
      }), { abortSignal: signal });
      return size;
    } catch (error) {
      if (attempt >= PUT_ATTEMPTS || signal?.aborted || !isTransientError(error)) throw error;
      await sleep(backoffDelay(attempt), signal);
    }
  }
}

/** One sidecar: a small JSON object beside the mirror, stored like the mirrored objects (class, tags). */
export async function putSidecar(s3: S3Client, bucket: string, key: string, body: string, settings: MirroredObjectSettings | undefined, signal?: AbortSignal): Promise<void> {
  const bytes = Buffer.from(body, 'utf8');
  await s3.send(new PutObjectCommand({
    ...writeParameters(settings),
    Bucket: bucket,
    Key: key,
    Body: bytes,
    ContentLength: bytes.length,
    ContentMD5: contentMd5(bytes),
    ContentType: 'application/json',
  }), { abortSignal: signal });
}

/** MD5 of bytes, for callers that hash while writing. */
export function md5Hasher(): { update(chunk: string | Buffer): void; digest(): Buffer } {
  const hash = createHash('md5');
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
}
