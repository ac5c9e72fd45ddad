/** Removes objects: DeleteObjects in batches of 1,000, every per-key error surfaced. */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeError } from '../errors.js';

export const DELETE_BATCH = 1000;

export interface DeleteOutcome {
  readonly key: string;
  /** Undefined when the object is gone. */
  readonly error?: string;
}

export async function deleteKeys(s3: S3Client, bucket: string, keys: readonly string[], signal?: AbortSignal): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = [];
  for (let start = 0; start < keys.length; start += DELETE_BATCH) {
    const batch = keys.slice(start, start + DELETE_BATCH);
    try {
      const out = await s3.send(new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }), { abortSignal: signal });
      const failed = new Map((out.Errors ?? []).map((e) => [e.Key ?? '', `${e.Code ?? 'Error'}: ${e.Message ?? ''}`.trim()]));
      for (const key of batch) outcomes.push(failed.has(key) ? { key, error: failed.get(key)! } : { key });
    } catch (error) {
      const message = describeError(error);
      for (const key of batch) outcomes.push({ key, error: message });
    }
  }
  return outcomes;
}
