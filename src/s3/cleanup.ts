/**
 * Incomplete multipart uploads under the prefix are what a run killed mid-transfer leaves behind (S3 keeps,
 * and bills, their parts until they are aborted). A run that holds the prefix's lock owns every upload
 * under it that existed before its own transfers began, so it aborts them all before starting its own.
 * Keys outside the managed area (the archive prefix) are left alone. Failures are logged, never fatal.
 */
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { isManagedKey } from '../core/keys.js';
import { describeError } from '../errors.js';


export interface CleanupResult {
  /** Uploads found under the prefix. */
  readonly found: number;
  readonly aborted: number;
  readonly failed: number;
}

export async function abortOrphanedUploads(
  s3: S3Client,
  bucket: string,
  prefix: string,
  archivePrefix: string,
  log: (level: 'info' | 'warning', message: string) => void,
  signal?: AbortSignal,
): Promise<CleanupResult> {
  const uploads: { key: string; uploadId: string; initiated?: Date }[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const out = await s3.send(new ListMultipartUploadsCommand({
      Bucket: bucket,
      ...(prefix !== '' ? { Prefix: prefix } : {}),
      ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
      ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
    }), { abortSignal: signal });
    for (const upload of out.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      // Only what this tool could have started: never the tool area's own objects nor the archive.
      if (!isManagedKey(upload.Key, prefix, archivePrefix || undefined)) continue;
      uploads.push({ key: upload.Key, uploadId: upload.UploadId, ...(upload.Initiated ? { initiated: upload.Initiated } : {}) });
    }
    if (!out.IsTruncated || (out.NextKeyMarker === undefined && out.NextUploadIdMarker === undefined)) break;
    keyMarker = out.NextKeyMarker;
    uploadIdMarker = out.NextUploadIdMarker;
  }
  let aborted = 0;
  let failed = 0;
  for (const upload of uploads) {
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }), { abortSignal: signal });
      aborted++;
      log('info', `aborted an incomplete multipart upload left by an interrupted run: ${JSON.stringify(upload.key)}${upload.initiated ? ` (started ${upload.initiated.toISOString()})` : ''}`);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchUpload') {
        aborted++;
        continue;
      }
      failed++;
      log('warning', `could not abort the incomplete multipart upload of ${JSON.stringify(upload.key)}: ${describeError(error)}`);
    }
  }
  return { found: uploads.length, aborted, failed };
}
