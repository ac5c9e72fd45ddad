/**
 * Removes stale objects: DeleteObjects in batches of 1,000, every per-key error surfaced; or, with an archive
 * prefix, a server-side copy to the archive first and a delete only of what was copied.
 */
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { forEachConcurrently } from '../concurrency.js';
import { describeError } from '../errors.js';
import { copyObject, type CopyContext } from './transfer.js';

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

/** Copies each object to its archive key, then deletes the originals that were copied. */
export async function archiveKeys(
  ctx: CopyContext,
  moves: readonly { key: string; toKey: string; size: number }[],
  concurrency: number,
): Promise<DeleteOutcome[]> {
  const copied: string[] = [];
  const outcomes: DeleteOutcome[] = [];
  await forEachConcurrently(moves, concurrency, async (move) => {
    try {
      await copyObject(move, move.toKey, ctx);
      copied.push(move.key);
    } catch (error) {
      outcomes.push({ key: move.key, error: `archive copy failed: ${describeError(error)}` });
    }
  });
  outcomes.push(...await deleteKeys(ctx.s3, ctx.bucket, copied.sort(), ctx.signal));
  return outcomes;
}
