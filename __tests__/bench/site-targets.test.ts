// The benchmark's site tree, its pure parts: which documents each batch of changes touches, and how the runs are
// judged against the targets of issues 20 and 21 (no-op request counts, RSS, incremental cost per change).
import { describe, expect, it } from 'vitest';
import type { PhaseRun } from '../../bench/lib/report.js';
import { countChanges, perChange, planChanges, ranIncrementally, siteTargetChecks, type ChangeCandidate, type SiteResult } from '../../bench/lib/site-targets.js';

/** 400 documents over 4 users, 10 folders each (none at a user's root, as the generator makes them). */
const docs: ChangeCandidate[] = Array.from({ length: 400 }, (_, i) => ({
  documentId: `doc-${String(i).padStart(4, '0')}`,
  parentId: `folder-${i % 4}-${i % 10}`,
  userRootId: `root-${i % 4}`,
  name: `d${i}.txt`,
  size: 1000 + i,
}));

describe('planChanges: the documents a batch changes', () => {
  it('makes 40 % new versions, 25 % renames, 20 % moves and 15 % deletes', () => {
    expect(countChanges(planChanges(docs, 100, 0, 2))).toEqual({ version: 40, rename: 25, move: 20, delete: 15 });
  });

  it('touches each document once, and two batches touch no document in common', () => {
    const a = planChanges(docs, 100, 0, 2).map((c) => c.documentId);
    const b = planChanges(docs, 100, 1, 2).map((c) => c.documentId);
    expect(new Set(a).size).toBe(100);
    expect(new Set(b).size).toBe(100);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it('is the same whatever order the documents come in', () => {
    expect(planChanges([...docs].reverse(), 100, 1, 2)).toEqual(planChanges(docs, 100, 1, 2));
  });

  it('moves a document to its own user\'s root, or to another folder of that user when it is at the root', () => {
    const moves = planChanges(docs, 100, 0, 2).filter((c) => c.kind === 'move');
    for (const m of moves) expect(m.parentId).toBe(`root-${Number(m.documentId.slice(4)) % 4}`);
    const atRoot: ChangeCandidate[] = docs.map((d) => ({ ...d, parentId: d.userRootId === 'root-0' ? 'root-0' : d.parentId }));
    const fromRoot = planChanges(atRoot, 20, 0, 2).filter((c) => c.kind === 'move');
    for (const m of fromRoot) {
      const doc = atRoot.find((d) => d.documentId === m.documentId)!;
      expect(m.parentId).not.toBe(doc.parentId);
      expect(atRoot.some((d) => d.userRootId === doc.userRootId && d.parentId === m.parentId)).toBe(true);
    }
  });

  it('renames to a new name and keeps the size of a new version', () => {
    const changes = planChanges(docs, 100, 0, 2);
    expect(changes.find((c) => c.kind === 'rename')).toEqual({ kind: 'rename', documentId: 'doc-0032', name: 'renamed-d32.txt' });
    expect(changes[0]).toEqual({ kind: 'version', documentId: 'doc-0000', size: 1000 });
  });

  it.each([
    ['too few documents for the batches', 150, 0, 2],
    ['a batch outside the batches', 400, 2, 2],
  ])('refuses %s', (_, n, batch, batches) => {
    expect(() => planChanges(docs.slice(0, n), 100, batch, batches)).toThrow();
  });
});

function phase(over: Partial<PhaseRun>): PhaseRun {
  return {
    kind: 'sync', name: 'site run', exitCode: 0, wallMs: 1000, cpuUserMs: 0, cpuSystemMs: 0, maxRssMb: 200, baselineRssMb: 90,
    files: 0, bytes: 0, s3: {}, totals: { uploaded: 0, copied: 0, deleted: 0, archived: 0 }, changed: false, notes: [],
    workdocs: {}, workdocsTotal: 0, s3Total: 0, emulatorCpuMs: 0, s3ServerCpuMs: 0, machineBusyMs: 0, processWallMs: 1100,
    ...over,
  };
}

const incrementalNote = 'incremental: 0 new activities since 2026-12-07T20:00:00.000Z (1 feed pages); ...';

/** A site run that meets every target: 3,000 documents, 3,900 objects. */
function goodSite(): SiteResult {
  const listingNoop = phase({ name: 'no-op, full listing', wallMs: 4000, workdocs: { DescribeUsers: 1, GetFolder: 20, DescribeFolderContents: 320 }, workdocsTotal: 341, s3: { ListObjectsV2: 4, GetObject: 2 }, s3Total: 6 });
  const incrementalNoop = phase({ name: 'no-op, incremental', wallMs: 150, notes: [incrementalNote], workdocs: { DescribeUsers: 1, DescribeActivities: 1 }, workdocsTotal: 2, s3: { GetObject: 3 }, s3Total: 3 });
  return {
    name: 'site', description: 'test', users: 20, documents: 3000, folders: 320, historyObjects: 1200, bytes: 1e7, objects: 3900,
    first: phase({ name: 'first export', maxRssMb: 250, notes: ['full listing: no source snapshot'] }),
    listingNoop: [listingNoop, listingNoop],
    incrementalNoop: [incrementalNoop, incrementalNoop],
    incrementalChanges: { version: 40, rename: 25, move: 20, delete: 15 },
    incrementalAfter: phase({ name: 'incremental after', notes: [incrementalNote], workdocsTotal: 2 + 400, s3Total: 3 + 500 }),
    listingCheck: phase({ name: 'check' }),
    listingChanges: { version: 40, rename: 25, move: 20, delete: 15 },
    listingAfter: phase({ name: 'listing after', workdocsTotal: 341 + 400, s3Total: 6 + 500 }),
  };
}

const verdicts = (site: SiteResult): Record<string, boolean> => Object.fromEntries(siteTargetChecks(site).map((c) => [c.target, c.ok]));
const failing = (site: SiteResult): string[] => siteTargetChecks(site).filter((c) => !c.ok).map((c) => c.target);

describe('siteTargetChecks: the targets of issues 20 and 21', () => {
  it('passes a run that meets every target', () => {
    expect(failing(goodSite())).toEqual([]);
    expect(Object.keys(verdicts(goodSite()))).toHaveLength(10);
  });

  it.each<[string, (s: SiteResult) => SiteResult, RegExp]>([
    ['a run above 400 MB', (s) => ({ ...s, first: { ...s.first, maxRssMb: 401 } }), /^peak RSS ≤ 400 MB/],
    ['a run that failed', (s) => ({ ...s, listingCheck: { ...s.listingCheck, exitCode: 1 } }), /^every run exits 0/],
    ['a per-document request in the full-listing no-op', (s) => ({ ...s, listingNoop: [{ ...s.listingNoop[0]!, workdocs: { ...s.listingNoop[0]!.workdocs, DescribeDocumentVersions: 1 } }] }), /^full-listing no-op: WorkDocs/],
    ['one S3 request too many in the full-listing no-op (⌈3900/1000⌉ + 2 = 6)', (s) => ({ ...s, listingNoop: [{ ...s.listingNoop[0]!, s3: { ListObjectsV2: 5, GetObject: 2 }, s3Total: 7 }] }), /^full-listing no-op: S3/],
    ['an S3 write in the full-listing no-op', (s) => ({ ...s, listingNoop: [{ ...s.listingNoop[0]!, s3: { ListObjectsV2: 4, PutObject: 1 }, s3Total: 5 }] }), /^full-listing no-op: S3/],
    ['three WorkDocs requests beyond the activity page', (s) => ({ ...s, incrementalNoop: [{ ...s.incrementalNoop[0]!, workdocs: { DescribeUsers: 1, DescribeActivities: 1, GetFolder: 2 }, workdocsTotal: 4 }] }), /^incremental no-op: WorkDocs/],
    ['four S3 requests', (s) => ({ ...s, incrementalNoop: [{ ...s.incrementalNoop[0]!, s3Total: 4 }] }), /^incremental no-op: S3/],
    ['an incremental no-op at more than 1/20 of the listing no-op\'s time', (s) => ({ ...s, incrementalNoop: s.incrementalNoop.map((r) => ({ ...r, wallMs: 201 })) }), /^incremental no-op: wall time/],
    ['11 WorkDocs requests per change', (s) => ({ ...s, incrementalAfter: { ...s.incrementalAfter, workdocsTotal: 2 + 1100 } }), /^after 100 changes/],
    ['a full listing that still finds work after the incremental run', (s) => ({ ...s, listingCheck: { ...s.listingCheck, changed: true, totals: { uploaded: 1 } } }), /^a full listing right after/],
  ])('fails %s', (_, spoil, target) => {
    const failed = failing(spoil(goodSite()));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(target);
  });

  it('fails every incremental target when the incremental runs listed everything instead', () => {
    const site = goodSite();
    const listed = { notes: ['full listing: the manifest is not the one the snapshot was written with'] };
    const failed = failing({ ...site, incrementalNoop: site.incrementalNoop.map((r) => ({ ...r, ...listed })), incrementalAfter: { ...site.incrementalAfter, ...listed } });
    expect(failed).toEqual([
      'incremental no-op: reads the activity feed (no full listing)',
      'incremental no-op: WorkDocs ≤ activity pages + 2 = 3',
      'incremental no-op: S3 ≤ 3',
      'incremental no-op: wall time ≤ 1/20 of the full-listing no-op (same run)',
      'after 100 changes: incremental run, requests beyond its no-op ≤ 10 per change on each side',
    ]);
  });
});

describe('ranIncrementally and perChange', () => {
  it.each([
    ['the feed read', [incrementalNote], true],
    ['the feed read, nothing new: the run ended at the source head', ['up to date: no new activity since 2026-12-07T20:00:00.000Z (1 feed page), and the manifest is the one the last run left (4148 objects); nothing else was read'], true],
    ['a full listing, with its reason', ['full listing: no source snapshot'], false],
    ['no line at all', [], false],
  ])('%s', (_, notes, ok) => {
    expect(ranIncrementally(phase({ notes })).ok).toBe(ok);
  });

  it('counts the requests beyond the no-op, per change', () => {
    expect(perChange(phase({ workdocsTotal: 302, s3Total: 53 }), phase({ workdocsTotal: 2, s3Total: 3 }), 100)).toEqual({ workdocs: 3, s3: 0.5 });
  });
});
