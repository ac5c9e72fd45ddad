/**
 * Reads and writes the manifest object, never holding its bytes whole in the usual case (a 100,000-document
 * manifest is some 55 MB): decoded as the body streams in, encoded as the PUT streams out. A write is one PUT with
 * Content-MD5: it lands whole or not at all.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { collectBody } from '../collect-body.js';
import { decodeWhole, encodeManifestChunks, EMPTY_MANIFEST, ManifestDecoder, type DecodedManifest } from '../core/manifest.js';
import type { InventoryObject, Manifest } from '../core/types.js';
import { backoffDelay, sleep } from '../backoff.js';
import { isTransientError } from '../errors.js';
import { isMissingObject } from './client.js';
import { isPreconditionFailed } from './copy.js';

/** `etag` tells whether the manifest object changed between two reads (another run wrote it). */
export type LoadedManifest =
  | { readonly state: 'found'; readonly manifest: Manifest; readonly rootFolderId: string; readonly etag?: string }
  | { readonly state: 'missing'; readonly manifest: Manifest; readonly etag?: undefined }
  | { readonly state: 'corrupt'; readonly manifest: Manifest; readonly problem: string; readonly etag?: string };

const MISSING: LoadedManifest = { state: 'missing', manifest: EMPTY_MANIFEST };

/**
 * The manifest object, decoded line by line as its body arrives (ManifestDecoder). A body that is not the layout
 * this tool writes (someone reformatted the JSON), or whose checksum does not match as written, is read again
 * whole by a second GET that must find the same object (If-Match its ETag); one replaced in between is read
 * anew as it is now, and the last of MANIFEST_READS takes whatever the second GET finds. The answered ETag is
 * always that of the bytes decoded.
 */
export async function readManifest(client: S3Client, bucket: string, key: string, signal?: AbortSignal, listed?: ReadonlyMap<string, InventoryObject>): Promise<LoadedManifest> {
  for (let read = 1; ; read++) {
    let decoded: DecodedManifest | undefined;
    let etag: string | undefined;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      etag = out.ETag;
      decoded = await decodeStreaming(out.Body, listed);
    } catch (error) {
      if (isMissingObject(error)) return MISSING;
      throw error;
    }
    if (decoded === undefined) {
      const condition = etag !== undefined && read < MANIFEST_READS ? { IfMatch: etag } : {};
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...condition }), { abortSignal: signal });
        const bytes = out.Body ? await collectBody(out.Body) : new Uint8Array();
        etag = out.ETag ?? etag;
        decoded = decodeWhole(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), listed);
      } catch (error) {
        if (isMissingObject(error)) return MISSING;
        // Replaced since the first GET (another run wrote it): read the new one, most likely streamed.
        if (isPreconditionFailed(error) && 'IfMatch' in condition) continue;
        throw error;
      }
    }
    const tag = etag !== undefined ? { etag } : {};
    return decoded.ok
      ? { state: 'found', manifest: decoded.manifest, rootFolderId: decoded.rootFolderId, ...tag }
      : { state: 'corrupt', manifest: EMPTY_MANIFEST, problem: decoded.problem, ...tag };
  }
}

/** GETs of the manifest before a reformatted one that keeps being replaced is taken as the last GET finds it. */
export const MANIFEST_READS = 3;

/** A GetObject body through ManifestDecoder, chunk by chunk; undefined (the body dropped unread) when not its layout. */
async function decodeStreaming(body: GetObjectCommandOutput['Body'], listed?: ReadonlyMap<string, InventoryObject>): Promise<DecodedManifest | undefined> {
  const decoder = new ManifestDecoder(listed);
  if (body instanceof Readable) {
    // Leaving the loop early destroys the stream (the rest of the body is never downloaded).
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      if (!decoder.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)) return undefined;
    }
  } else if (body !== undefined) {
    // Not a Node stream (never the case with the Node HTTP handler): its bytes at once.
    if (!decoder.write(await body.transformToByteArray())) return undefined;
  }
  return decoder.end();
}

export async function writeManifest(
  client: S3Client,
  bucket: string,
  key: string,
  manifest: Manifest,
  meta: { rootFolderId: string; prefix: string; updatedAt: string },
  signal?: AbortSignal,
): Promise<number> {
  return (await writeManifestTagged(client, bucket, key, manifest, meta, signal)).bytes;
}

/**
 * writeManifest, answering the new object's ETag too (an incremental run's snapshot names the manifest it goes with).
 * The bytes of encodeManifestBytes, never held whole: encoded once for their MD5, then again as each send streams them.
 */
export async function writeManifestTagged(
  client: S3Client,
  bucket: string,
  key: string,
  manifest: Manifest,
  meta: { rootFolderId: string; prefix: string; updatedAt: string },
  signal?: AbortSignal,
): Promise<{ bytes: number; etag: string | undefined }> {
  const encoded = encodeManifestChunks(manifest, meta);
  const md5 = createHash('md5');
  for (const chunk of encoded.chunks()) md5.update(chunk);
  const contentMd5 = md5.digest('base64');
  // The SDK retries what it can; a body S3 refused as damaged on the way (BadDigest, a 400 it does not retry) is
  // sent again here, like a document's: a run's record must not be lost to one damaged request.
  for (let attempt = 1; ; attempt++) {
    // Re-encoded per send, not spooled to a temporary file: the encoding's own allocations keep GCs freeing the sent chunks (a file's piled up to its size, measured).
    const body = Readable.from(exactly(encoded), { objectMode: false });
    try {
      const out = await client.send(new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: encoded.length,
        ContentMD5: contentMd5,
        ContentType: 'application/json',
      }), { abortSignal: signal });
      return { etag: out.ETag, bytes: encoded.length };
    } catch (error) {
      if (attempt >= MANIFEST_PUT_ATTEMPTS || signal?.aborted || !isTransientError(error)) throw error;
      await sleep(backoffDelay(attempt), signal);
    } finally {
      // A send that failed early leaves the rest unencoded.
      body.destroy();
    }
  }
}

/**
 * The chunks of one send, exactly `encoded.length` bytes whatever happens: should the entries change during the
 * write, S3 refuses the other bytes for their Content-MD5 (an error the body stream raised would leave the request
 * waiting for bytes: the SDK pipes it without passing errors on).
 */
function* exactly(encoded: ReturnType<typeof encodeManifestChunks>): Generator<Buffer> {
  let left = encoded.length;
  for (const chunk of encoded.chunks()) {
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
  yield Buffer.alloc(left, 0x20);
}

/** Sends of the manifest before its write counts as failed (each one already retried by the SDK where it can). */
export const MANIFEST_PUT_ATTEMPTS = 3;
