/**
 * Moves stale objects under the archive prefix: a server-side copy first, and a delete only of what was copied.
 */
import { forEachConcurrently } from '../concurrency.js';
import { describeError } from '../errors.js';
import { copyObject, type CopyContext } from '../s3/copy.js';
import { deleteKeys, type DeleteOutcome } from '../s3/delete.js';

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
