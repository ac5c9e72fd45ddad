// What a run came to, named the same way by the Action's summary, its step message and the CLI's headline.
import { describe, expect, it } from 'vitest';
import { firstClause, outcomeTitle, runOutcome, summaryLines, totalsOf, type RunOutcome } from '../../src/engine/report.js';
import type { ReportItem, SyncReport } from '../../src/engine/types.js';

const upload = (key: string, outcome: ReportItem['outcome'] = 'done', bytes = 1024): ReportItem => ({ action: 'upload', key, outcome, reason: 'new', bytes });

function report(items: ReportItem[], over: Partial<SyncReport> = {}): SyncReport {
  const totals = totalsOf(items);
  return {
    exitCode: 0, dryRun: false, bucket: 'b', prefix: 'p/', rootFolderId: 'root-id', manifestKey: 'p/.workdocs-s3-sync/manifest.json',
    startedAt: '2026-01-01T00:00:00.000Z', durationMs: 2000, totals, bytesPerSecond: totals.bytes / 2, items,
    changed: items.some((i) => i.action !== 'skip' && (i.outcome === 'done' || i.outcome === 'planned')), ...over,
  };
}

describe('runOutcome, its title and the console headline', () => {
  it.each<[string, SyncReport, boolean, RunOutcome, string, string]>([
    ['done', report([upload('a')]), false, 'done', 'Done', 'Synced into s3://b/p/'],
    ['up to date', report([{ action: 'skip', key: 'a', outcome: 'done', reason: 'unchanged' }]), false, 'up-to-date', 'Up to date', 'Up to date: s3://b/p/'],
    ['dry run', report([upload('a', 'planned')], { dryRun: true }), false, 'dry-run', 'Dry run — changes planned, nothing was written', 'Dry run: nothing was written or deleted.'],
    ['items failed', report([upload('a'), upload('b', 'failed')], { exitCode: 1 }), false, 'items-failed', '1 item failed', 'Synced into s3://b/p/ except 1 item, which failed'],
    ['deletes refused', report([], { exitCode: 1, deletesBlocked: 'too many' }), false, 'deletes-refused', 'Deletes refused', 'Deletes refused: nothing was deleted from s3://b/p/'],
    ['manifest not written', report([upload('a')], { exitCode: 1, fatal: 'the manifest could not be written (AccessDenied: no); the next run re-checks' }), false, 'run-failed', 'Failed — the manifest could not be written', 'Failed: the manifest could not be written'],
    ['bad input', report([], { exitCode: 2, fatal: 's3_bucket_name: bucket b does not exist' }), false, 'bad-input', 'Bad input — nothing was touched', 'Bad input: nothing was touched'],
    ['stopped', report([], { exitCode: 3, fatal: 'the S3 bucket could not be listed' }), false, 'stopped', 'Stopped — nothing was deleted', 'Stopped: nothing was deleted'],
    ['cancelled', report([upload('a'), upload('b', 'cancelled'), upload('c', 'cancelled')], { exitCode: 3, fatal: 'the run was interrupted' }), true, 'cancelled', 'Cancelled — nothing was deleted, 2 items not finished', 'Cancelled: nothing was deleted'],
    ['a cancel that came after the end', report([upload('a')]), true, 'done', 'Done', 'Synced into s3://b/p/'],
  ])('%s', (_, r, interrupted, outcome, title, headline) => {
    expect(runOutcome(r, interrupted)).toBe(outcome);
    expect(outcomeTitle(r, outcome)).toBe(title);
    expect(summaryLines(r, interrupted)[0]).toBe(headline);
  });

  it('counts cancelled items apart from failed ones', () => {
    expect(totalsOf([upload('a'), upload('b', 'failed'), upload('c', 'cancelled'), upload('d', 'blocked')])).toMatchObject({ uploaded: 1, failed: 1, cancelled: 1, bytes: 1024 });
    const lines = summaryLines(report([upload('a'), upload('b', 'cancelled')], { exitCode: 3, fatal: 'the run was interrupted' }), true);
    expect(lines[1]).toBe('  uploaded 1, copied 0, skipped 0, deleted 0, archived 0, folder markers 0, failed 0, cancelled 1');
  });

  it('a run that stopped before its plan shows no totals', () => {
    expect(summaryLines(report([], { exitCode: 2, fatal: 'x: y' }))).toEqual(['Bad input: nothing was touched', '  bad input: x: y', '  exit code 2']);
  });

  it('a dry run reports the bytes it would upload', () => {
    expect(summaryLines(report([upload('a', 'planned', 3 * 1024 * 1024)], { dryRun: true }))[2]).toBe('  3.0 MiB to upload; planned in 2.0 s');
  });

  it.each([
    ['the manifest could not be written (AccessDenied: x); the next run …', 'the manifest could not be written'],
    ['could not take the lock on the prefix: SlowDown', 'could not take the lock on the prefix'],
    ['another run holds the lock; this run did nothing', 'another run holds the lock'],
    ['plain', 'plain'],
  ])('firstClause(%j) is %j', (text, clause) => {
    expect(firstClause(text)).toBe(clause);
  });
});
