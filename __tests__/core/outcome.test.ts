// Exit codes and finalize's delete rule as specifications: each row is what happened, and what it must mean.
import { describe, expect, it } from 'vitest';
import { exitCodeOf, finalizeRefusal, type ExitCode, type RunFacts, type ShardsState } from '../../src/core/outcome.js';

describe('exitCodeOf: one meaning per code, whatever mode ran', () => {
  it.each<[string, RunFacts, ExitCode]>([
    ['everything done', {}, 0],
    ['an item failed', { itemsFailed: true }, 1],
    ['deletes refused by max_delete', { deletesRefused: true }, 1],
    ['the manifest or the report file could not be written', { outputFailed: true }, 1],
    ['a listing failed, a lock was lost, the run was interrupted', { fatal: true }, 3],
    ['fatal beats failed items: the run did not finish', { fatal: true, itemsFailed: true, deletesRefused: true }, 3],
    ['bad input beats everything: nothing was touched', { badInput: true, fatal: true, itemsFailed: true }, 2],
  ])('%s → %i', (_title, facts, code) => {
    expect(exitCodeOf(facts)).toBe(code);
  });
});

describe('finalizeRefusal: finalize deletes only after every shard of the plan succeeded', () => {
  const ok: ShardsState = { listingFailure: null, missing: [], failed: [], deletesBlocked: null };
  it.each<[string, Partial<ShardsState>, string | undefined]>([
    ['every shard finished without a failure', {}, undefined],
    ['the plan\'s listing failed', { listingFailure: 'x' }, 'the listing had errors, so nothing is deleted'],
    ['a shard never reported', { missing: [2] }, 'shard(s) 2 did not finish, so nothing is deleted'],
    ['a shard had failures', { failed: [0, 3] }, 'shard(s) 0, 3 had failures, so nothing is deleted'],
    ['the plan exceeded max_delete', { deletesBlocked: '9 deletes exceed max_delete (1)' }, '9 deletes exceed max_delete (1)'],
    ['a missing shard is named before a failed one', { missing: [1], failed: [0] }, 'shard(s) 1 did not finish, so nothing is deleted'],
  ])('%s', (_title, state, refusal) => {
    expect(finalizeRefusal({ ...ok, ...state })).toBe(refusal);
  });
});
