/**
 * The metadata index's S3 calls: the one GET of the previous run's context state, the PUT of each index file
 * (from a local file, with Content-MD5: it lands whole or not at all), and the PUT of one sidecar.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { collectBody } from '../collect-body.js';
import { backoffDelay, sleep } from '../backoff.js';
import { isTransientError } from '../errors.js';
import { contentMd5, isMissingObject } from './client.js';
import { writeParameters, type MirroredObjectSettings } from './object-settings.js';

/** The previous state object as stored (gzip bytes, decoded by the engine line by line), or why there is none. */
export type StoredContextState =
  | { readonly state: 'found'; readonly gzip: Buffer }
  | { readonly state: 'missing' };

export async function readContextState(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<StoredContextState> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const bytes = out.Body ? await collectBody(out.Body) : new Uint8Array();
    return { state: 'found', gzip: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  } catch (error) {
    if (isMissingObject(error)) return { state: 'missing' };
    throw error;
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
