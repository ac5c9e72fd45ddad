/** Reads and writes the manifest object. A write is one PUT with Content-MD5: it lands whole or not at all. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { collectBody } from '../collect-body.js';
import { decodeManifest, encodeManifestBytes, EMPTY_MANIFEST } from '../core/manifest.js';
import type { Manifest } from '../core/types.js';
import { backoffDelay, sleep } from '../backoff.js';
import { isTransientError } from '../errors.js';
import { isMissingObject, putJsonObject } from './client.js';

/** `etag` tells whether the manifest object changed between two reads (another run wrote it). */
export type LoadedManifest =
  | { readonly state: 'found'; readonly manifest: Manifest; readonly rootFolderId: string; readonly etag?: string }
  | { readonly state: 'missing'; readonly manifest: Manifest; readonly etag?: undefined }
  | { readonly state: 'corrupt'; readonly manifest: Manifest; readonly problem: string; readonly etag?: string };

export async function readManifest(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<LoadedManifest> {
  let bytes: Uint8Array;
  let etag: string | undefined;
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    // Bytes, decoded line by line: a 100,000-row manifest is never one ~24 MB string.
    bytes = out.Body ? await collectBody(out.Body) : new Uint8Array();
    etag = out.ETag;
  } catch (error) {
    if (isMissingObject(error)) return { state: 'missing', manifest: EMPTY_MANIFEST };
    throw error;
  }
  const decoded = decodeManifest(bytes);
  const tag = etag !== undefined ? { etag } : {};
  return decoded.ok
    ? { state: 'found', manifest: decoded.manifest, rootFolderId: decoded.rootFolderId, ...tag }
    : { state: 'corrupt', manifest: EMPTY_MANIFEST, problem: decoded.problem, ...tag };
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

/** writeManifest, answering the new object's ETag too (an incremental run's snapshot names the manifest it goes with). */
export async function writeManifestTagged(
  client: S3Client,
  bucket: string,
  key: string,
  manifest: Manifest,
  meta: { rootFolderId: string; prefix: string; updatedAt: string },
  signal?: AbortSignal,
): Promise<{ bytes: number; etag: string | undefined }> {
  const body = encodeManifestBytes(manifest, meta);
  // The SDK retries what it can; a body S3 refused as damaged on the way (BadDigest, a 400 it does not retry) is
  // sent again here, like a document's: a run's record must not be lost to one damaged request.
  for (let attempt = 1; ; attempt++) {
    try {
      return await putJsonObject(client, bucket, key, body, signal ? { signal } : {});
    } catch (error) {
      if (attempt >= MANIFEST_PUT_ATTEMPTS || signal?.aborted || !isTransientError(error)) throw error;
      await sleep(backoffDelay(attempt), signal);
    }
  }
}

/** Sends of the manifest before its write counts as failed (each one already retried by the SDK where it can). */
export const MANIFEST_PUT_ATTEMPTS = 3;
