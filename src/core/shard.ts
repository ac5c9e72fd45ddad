/**
 * Splits a plan's transfers over N shards, deterministically, balancing bytes as well as request counts:
 * the largest transfers are placed first, each on the shard with the least work so far (LPT scheduling),
 * so a few huge files never pile up on one shard.
 */
import type { PlannedAction } from './plan.js';

/** What one request costs compared to moving bytes: makes many small files count, not only big ones. */
export const REQUEST_WEIGHT_BYTES = 256 * 1024;

/** Shard index for each action (same order); -1 for actions no shard runs (skips, and deletes, which finalize runs). */
export function assignShards(actions: readonly PlannedAction[], shardCount: number): number[] {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError('shardCount must be a positive integer');
  const shardOf = actions.map(() => -1);
  const work = actions
    .map((action, index) => ({ index, key: action.key, weight: weightOf(action) }))
    .filter((w) => w.weight > 0)
    .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const load = Array.from({ length: shardCount }, () => ({ weight: 0, count: 0 }));
  for (const item of work) {
    let best = 0;
    for (let s = 1; s < shardCount; s++) {
      const a = load[s]!;
      const b = load[best]!;
      if (a.weight < b.weight || (a.weight === b.weight && a.count < b.count)) best = s;
    }
    load[best]!.weight += item.weight;
    load[best]!.count++;
    shardOf[item.index] = best;
  }
  return shardOf;
}

function weightOf(action: PlannedAction): number {
  switch (action.kind) {
    case 'upload': return action.doc.size + REQUEST_WEIGHT_BYTES;
    case 'copy': case 'marker': return REQUEST_WEIGHT_BYTES;
    default: return 0;
  }
}

/** The matrix a plan step hands to `strategy.matrix` with fromJSON. */
export function shardMatrix(shardCount: number): { shard: number[] } {
  return { shard: Array.from({ length: shardCount }, (_, i) => i) };
}
