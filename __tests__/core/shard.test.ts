// Shard assignment as a specification: deterministic, complete, balanced by bytes and by count.
import { describe, expect, it } from 'vitest';
import type { PlannedAction } from '../../src/core/plan.js';
import { assignShards, REQUEST_WEIGHT_BYTES, shardMatrix } from '../../src/core/shard.js';
import type { SourceDocument } from '../../src/core/types.js';

const MiB = 1024 * 1024;
function upload(key: string, size: number): PlannedAction {
  const doc: SourceDocument = { id: key, parentId: 'r', name: key, createdAt: 0, modifiedAt: 0, versionId: `${key}-v`, size, md5: undefined, contentType: undefined };
  return { kind: 'upload', key, doc, reason: 'new' };
}
const marker = (key: string): PlannedAction => ({ kind: 'marker', key, folderId: key });
const remove = (key: string): PlannedAction => ({ kind: 'delete', key, size: 1, reason: 'stale' });

function loads(actions: PlannedAction[], shardOf: number[], shards: number): { bytes: number[]; counts: number[] } {
  const bytes = Array<number>(shards).fill(0);
  const counts = Array<number>(shards).fill(0);
  actions.forEach((a, i) => {
    const s = shardOf[i]!;
    if (s < 0) return;
    counts[s]!++;
    if (a.kind === 'upload') bytes[s]! += a.doc.size;
  });
  return { bytes, counts };
}

describe('assignShards', () => {
  it.each<[string, PlannedAction[], number, number[]]>([
    ['one shard takes every transfer', [upload('a', 1), marker('m/')], 1, [0, 0]],
    ['deletes and skips belong to no shard', [upload('a', 1), remove('x')], 2, [0, -1]],
    ['two huge files land on different shards', [upload('big1', 900 * MiB), upload('big2', 800 * MiB), upload('s', 1)], 2, [0, 1, 1]],
    ['more shards than work leaves shards idle', [upload('a', 10)], 3, [0]],
  ])('%s', (_title, actions, shards, expected) => {
    expect(assignShards(actions, shards)).toEqual(expected);
  });

  it('balances bytes: no shard carries more than the largest file above the average', () => {
    const actions = [upload('huge', 1024 * MiB), ...Array.from({ length: 200 }, (_, i) => upload(`f${i}`, ((i * 7919) % 64) * MiB + 4096))];
    const { bytes } = loads(actions, assignShards(actions, 4), 4);
    const average = bytes.reduce((a, b) => a + b, 0) / 4;
    expect(Math.max(...bytes) - average).toBeLessThanOrEqual(1024 * MiB);
  });

  it('balances counts of small files', () => {
    const actions = Array.from({ length: 1000 }, (_, i) => upload(`k${String(i).padStart(4, '0')}`, 4096));
    const { counts } = loads(actions, assignShards(actions, 4), 4);
    expect(counts).toEqual([250, 250, 250, 250]);
  });

  it('is deterministic whatever the order of the plan', () => {
    const actions = Array.from({ length: 50 }, (_, i) => upload(`k${i}`, (i % 5) * MiB));
    const forward = assignShards(actions, 3);
    const reversedActions = [...actions].reverse();
    const backward = assignShards(reversedActions, 3).reverse();
    expect(backward).toEqual(forward);
  });

  it('rejects a shard count below one', () => {
    expect(() => assignShards([], 0)).toThrow(RangeError);
    expect(REQUEST_WEIGHT_BYTES).toBeGreaterThan(0);
  });

  it('shardMatrix is ready for strategy.matrix', () => {
    expect(JSON.stringify(shardMatrix(3))).toBe('{"shard":[0,1,2]}');
  });
});
