// Incremental runs, the pure part: durations, which activities a run still applies and what they touch, when a run
// must list everything (and the reason it gives), the snapshot file, the edited tree, and the inventory plan() gets
// from the manifest when the bucket is not listed.
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_FEED_REACH_MS,
  ACTIVITY_OVERLAP_MS,
  activityIdentity,
  advanceWatermark,
  decodeSnapshot,
  EditableTree,
  effectOf,
  encodeSnapshot,
  feedStart,
  fullListingReason,
  interpretActivities,
  inventoryFromManifest,
  othersAfterRun,
  parseDuration,
  snapshotKey,
  unseenActivities,
  type FeedActivity,
  type SnapshotFacts,
  type SourceSnapshot,
} from '../../src/core/incremental.js';
import type { SourceDocument, SourceFolder, SourceTree } from '../../src/core/types.js';

const activity = (over: Partial<FeedActivity> & Pick<FeedActivity, 'type'>): FeedActivity => ({
  time: 1_000_000,
  resourceType: over.type.startsWith('FOLDER_') ? 'FOLDER' : 'DOCUMENT',
  resourceId: 'r1',
  parentId: undefined,
  originalParentId: undefined,
  versionId: undefined,
  name: 'x',
  originalName: undefined,
  initiatorId: 'u1',
  ownerId: 'u1',
  commentId: undefined,
  participants: [],
  ...over,
});

const folder = (id: string, parentId: string | null, name = id): SourceFolder => ({ id, name, parentId, createdAt: 1 });
const doc = (id: string, parentId: string, versionId = `${id}-v1`): SourceDocument => ({
  id, parentId, name: `${id}.txt`, createdAt: 1, modifiedAt: 2, versionId, size: 3, md5: 'a'.repeat(32), contentType: 'text/plain',
});

describe('parseDuration', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['45s', 45_000],
    ['0', 0],
    [' 2D ', 2 * 86_400_000],
    ['30d', ACTIVITY_FEED_REACH_MS],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '7', 'd', '-1d', '1.5d', '7 days', '1w', '31d', 'abc'])('%j is refused with a reason', (text) => {
    expect(typeof parseDuration(text)).toBe('string');
  });
});

describe('the watermark', () => {
  const a1 = activity({ type: 'DOCUMENT_RENAMED', time: 10 * ACTIVITY_OVERLAP_MS });
  const a2 = activity({ type: 'DOCUMENT_MOVED', time: 10 * ACTIVITY_OVERLAP_MS + 5, parentId: 'p' });
  const old = activity({ type: 'FOLDER_CREATED', time: 8 * ACTIVITY_OVERLAP_MS });

  it('the next read starts one overlap before it (never before the epoch)', () => {
    expect(feedStart({ time: 10 * ACTIVITY_OVERLAP_MS, seen: [] })).toBe(9 * ACTIVITY_OVERLAP_MS);
    expect(feedStart({ time: 5, seen: [] })).toBe(0);
  });

  it('advances to the newest time and remembers every identity inside the overlap, not those before it', () => {
    const next = advanceWatermark({ time: 0, seen: [] }, [a2, a1, old]);
    expect(next.time).toBe(a2.time);
    expect([...next.seen].sort()).toEqual([activityIdentity(a1), activityIdentity(a2)].sort());
  });

  it('activities read again are not applied twice; a late one inside the overlap is', () => {
    const mark = advanceWatermark({ time: 0, seen: [] }, [a1, a2]);
    const late = activity({ type: 'DOCUMENT_VERSION_UPLOADED', time: a1.time - 1000, versionId: 'v9' });
    expect(unseenActivities([a2, a1, late], mark)).toEqual([late]);
  });

  it('stays as it was when nothing was read (the snapshot is not written again)', () => {
    const mark = advanceWatermark({ time: 0, seen: [] }, [a1, a2]);
    expect(advanceWatermark(mark, [])).toEqual(mark);
    expect(advanceWatermark(mark, [a2, a1])).toEqual(mark);
  });

  it('an identity is every field: the same type on another resource, version or time is another activity', () => {
    const ids = new Set([a1, { ...a1, resourceId: 'r2' }, { ...a1, versionId: 'v2' }, { ...a1, time: a1.time + 1 }, { ...a1, name: 'y' }].map(activityIdentity));
    expect(ids.size).toBe(5);
  });
});

describe('what an activity means', () => {
  it.each([
    ['DOCUMENT_VERSION_UPLOADED', 'document'], ['DOCUMENT_CHECKED_IN', 'document'], ['DOCUMENT_REVERTED', 'document'],
    ['DOCUMENT_VERSION_DELETED', 'document'], ['DOCUMENT_RENAMED', 'document'], ['DOCUMENT_MOVED', 'document'],
    ['DOCUMENT_RECYCLED', 'document'], ['DOCUMENT_RESTORED', 'document'], ['DOCUMENT_SHARE_PERMISSION_CHANGED', 'document'],
    ['FOLDER_CREATED', 'folder'], ['FOLDER_DELETED', 'folder'], ['FOLDER_RENAMED', 'folder'], ['FOLDER_MOVED', 'folder'],
    ['FOLDER_RECYCLED', 'folder'], ['FOLDER_RESTORED', 'folder'], ['FOLDER_SHARE_PERMISSION_CHANGED', 'folder'],
    ['DOCUMENT_COMMENT_ADDED', 'metadata'], ['DOCUMENT_SHARED', 'metadata'], ['FOLDER_SHAREABLE_LINK_CREATED', 'metadata'],
    ['DOCUMENT_CHECKED_OUT', 'none'], ['DOCUMENT_VERSION_VIEWED', 'none'], ['DOCUMENT_VERSION_DOWNLOADED', 'none'],
    ['SOMETHING_NEW', undefined],
  ])('%s → %s', (type, effect) => {
    expect(effectOf(type)).toBe(effect);
  });

  const tree = new EditableTree('root', { rootId: 'root', folders: [folder('A', 'root')], documents: [doc('d1', 'A')] });

  it('re-reads documents and folders of the tree, relists a created or restored folder, and marks context changes', () => {
    const result = interpretActivities([
      activity({ type: 'DOCUMENT_VERSION_UPLOADED', resourceId: 'd1', parentId: 'A' }),
      activity({ type: 'FOLDER_CREATED', resourceId: 'B', parentId: 'A' }),
      activity({ type: 'FOLDER_RENAMED', resourceId: 'A', parentId: 'root' }),
      activity({ type: 'FOLDER_RESTORED', resourceId: 'C', parentId: 'root' }),
      activity({ type: 'DOCUMENT_COMMENT_ADDED', resourceId: 'd1', parentId: 'A' }),
      activity({ type: 'DOCUMENT_VERSION_VIEWED', resourceId: 'd1', parentId: 'A' }),
    ], tree);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([...result.touched.documents]).toEqual(['d1']);
    expect(Object.fromEntries(result.touched.folders)).toEqual({ B: { relist: true }, A: { relist: false }, C: { relist: true } });
    expect([...result.touched.metadata]).toEqual(['d1']);
    expect(result.touched.elsewhere).toEqual([]);
  });

  it('a move counts where it came from: out of the tree is in it', () => {
    const out = activity({ type: 'DOCUMENT_MOVED', resourceId: 'd9', parentId: 'elsewhere', originalParentId: 'A' });
    const result = interpretActivities([out], tree);
    expect(result.ok && [...result.touched.documents]).toEqual(['d9']);
  });

  it('activities about items outside the tree are kept aside, not re-read', () => {
    const outside = activity({ type: 'DOCUMENT_RENAMED', resourceId: 'd9', parentId: 'X' });
    const result = interpretActivities([outside], tree);
    expect(result.ok && result.touched.elsewhere).toEqual([outside]);
    expect(result.ok && result.touched.documents.size).toBe(0);
  });

  it.each([
    [activity({ type: 'DOCUMENT_FROBNICATED', resourceId: 'd1' }), 'activity type DOCUMENT_FROBNICATED is not one this tool interprets'],
    [activity({ type: 'DOCUMENT_RENAMED', resourceId: undefined }), 'a DOCUMENT_RENAMED activity names no resource'],
  ])('cannot be interpreted: %#', (a, reason) => {
    expect(interpretActivities([a], tree)).toEqual({ ok: false, reason });
  });
});

describe('when a run lists everything', () => {
  const snapshot: SourceSnapshot = {
    manifestEtag: 'abc', rootId: 'org', rootName: '', watermark: { time: 5, seen: [] }, lastFullListing: 1_000, readAt: 2_000,
    tree: { rootId: 'org', folders: [], documents: [] }, others: [],
  };
  const facts: SnapshotFacts = {
    snapshot: { state: 'found', value: snapshot },
    manifest: { state: 'found', etag: '"abc"' },
    rootId: 'org',
    now: 3_000,
    fullListingEveryMs: 86_400_000,
  };
  it.each<[string, Partial<SnapshotFacts>, string | undefined]>([
    ['a matching snapshot is used', {}, undefined],
    ['full_listing_every 0', { fullListingEveryMs: 0 }, 'full_listing_every is 0'],
    ['no snapshot', { snapshot: { state: 'missing' } }, 'no source snapshot yet'],
    ['a corrupt snapshot', { snapshot: { state: 'corrupt', problem: 'not gzip' } }, 'the source snapshot is unreadable (not gzip)'],
    ['no manifest', { manifest: { state: 'missing', etag: undefined } }, 'the manifest is missing'],
    ['another source', { rootId: 'd-other' }, 'the snapshot is of another source (org)'],
    ['another manifest', { manifest: { state: 'found', etag: '"def"' } }, 'the manifest changed since the snapshot was written (another run, or a run without incremental)'],
    ['full_listing_every reached', { now: 1_000 + 86_400_000 }, 'the last full listing is older than full_listing_every (1970-01-01T00:00:01.000Z)'],
    ['the feed unread too long', { now: 2_001 + ACTIVITY_FEED_REACH_MS, fullListingEveryMs: 2 * ACTIVITY_FEED_REACH_MS }, 'the activity feed was last read 1970-01-01T00:00:02.000Z, longer ago than it is trusted to reach'],
  ])('%s', (_name, change, reason) => {
    expect(fullListingReason({ ...facts, ...change })).toBe(reason);
  });
});

describe('the snapshot file', () => {
  const tree: SourceTree = {
    rootId: 'org',
    folders: [folder('u1', 'org', 'alice'), { ...folder('bin', 'org', '.recycle-bin'), fixedSegment: '.recycle-bin' } as SourceFolder, folder('A', 'u1', 'Ä "quoted"\n')],
    documents: [doc('d1', 'A'), { ...doc('d2', 'u1'), md5: undefined, contentType: undefined, contentModifiedAt: 7, labels: ['x'] } as SourceDocument],
  };
  const snapshot: SourceSnapshot = {
    manifestEtag: 'e1', rootId: 'org', rootName: 'site', watermark: { time: 99, seen: ['id1', 'id2'] }, lastFullListing: 50, readAt: 60,
    tree, others: [{ key: 'p/empty/', size: 0, etag: 'd41d8cd98f00b204e9800998ecf8427e', lastModified: 0 }],
  };

  it('lives in the tool area of the prefix', () => {
    expect(snapshotKey('backup/')).toBe('backup/.workdocs-s3-sync/source.json.gz');
    expect(snapshotKey('')).toBe('.workdocs-s3-sync/source.json.gz');
  });

  it('reads back what was written, fields beyond the row\'s own (a virtual folder\'s segment, labels) included', () => {
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual({ ok: true, snapshot });
  });

  const lines = () => encodeSnapshot(snapshot).trimEnd().split('\n');
  const header = () => JSON.parse(lines()[0]!) as Record<string, unknown>;
  const withHeader = (change: Record<string, unknown>) => [JSON.stringify({ ...header(), ...change }), ...lines().slice(1)].join('\n');
  const withLine = (index: number, text: string) => lines().map((l, i) => (i === index ? text : l)).join('\n');

  it('is JSON Lines: a header, one row per folder, document and object, and when the feed was read last', () => {
    expect(lines()).toHaveLength(1 + 3 + 2 + 1 + 1);
    expect(header()).toMatchObject({ format: 'workdocs-s3-sync/source-snapshot', version: 2, folders: 3, documents: 2, others: 1 });
    expect(lines().at(-1)).toBe('{"readAt":60}');
  });

  it.each([
    ['not JSON', '{', 'not valid JSON'],
    ['another format', JSON.stringify({ format: 'x' }), 'not a source snapshot'],
    ['a newer version', withHeader({ version: 3 }), 'unsupported snapshot version 3'],
    ['no watermark', withHeader({ watermark: null }), 'a field is missing or malformed'],
    ['a bad folder row', withLine(1, '["a",1]'), 'a malformed folder row'],
    ['a bad document row', withLine(4, '["a"]'), 'a malformed document row'],
    ['a bad object row', withLine(6, '["k","x","e"]'), 'a malformed object row'],
    ['cut short (no last line)', lines().slice(0, -1).join('\n'), 'cut short'],
    ['cut short (rows missing)', lines().slice(0, 3).join('\n'), 'cut short'],
    ['a line after the last', [...lines(), '{}'].join('\n'), 'more after the last line'],
    ['empty', '', 'empty'],
  ])('%s is refused', (_name, text, problem) => {
    expect(decodeSnapshot(text)).toEqual({ ok: false, problem });
  });

  it('a version 1 snapshot (one JSON object, written before the rows went one per line) is still read', () => {
    const v1 = {
      format: 'workdocs-s3-sync/source-snapshot', version: 1, manifestEtag: 'e1', rootId: 'org', rootName: 'site', watermark: { time: 99, seen: ['id1'] },
      lastFullListing: 50, readAt: 60, folders: [['u1', 'alice', 'org', 1]], documents: [['d1', 'u1', 'a.txt', 1, 2, null, 'v1', 3, 'abc', 'text/plain']], others: [['p/k/', 0, 'e']],
    };
    expect(decodeSnapshot(JSON.stringify(v1))).toEqual({
      ok: true,
      snapshot: {
        manifestEtag: 'e1', rootId: 'org', rootName: 'site', watermark: { time: 99, seen: ['id1'] }, lastFullListing: 50, readAt: 60,
        tree: { rootId: 'org', folders: [{ id: 'u1', name: 'alice', parentId: 'org', createdAt: 1 }], documents: [{ id: 'd1', parentId: 'u1', name: 'a.txt', createdAt: 1, modifiedAt: 2, versionId: 'v1', size: 3, md5: 'abc', contentType: 'text/plain' }] },
        others: [{ key: 'p/k/', size: 0, etag: 'e', lastModified: 0 }],
      },
    });
  });
});

describe('the edited tree', () => {
  const start = (): EditableTree => new EditableTree('root', {
    rootId: 'root',
    folders: [folder('A', 'root'), folder('B', 'A'), folder('C', 'B'), folder('D', 'root')],
    documents: [doc('a', 'A'), doc('b', 'B'), doc('c', 'C'), doc('d', 'D')],
  });
  const ids = (t: SourceTree): [string[], string[]] => [t.folders.map((f) => f.id), t.documents.map((d) => d.id)];

  it('keeps only what the root reaches: a folder moved out takes its contents along, and back brings them back', () => {
    const tree = start();
    tree.putFolder(folder('B', 'outside'));
    expect(ids(tree.tree())).toEqual([['A', 'D'], ['a', 'd']]);
    tree.putFolder(folder('B', 'D'));
    expect(ids(tree.tree())).toEqual([['A', 'B', 'C', 'D'], ['a', 'b', 'c', 'd']]);
  });

  it('removes below folders (and the folders themselves when asked)', () => {
    const below = start();
    below.removeBelow(new Set(['A']), false);
    expect(ids(below.tree())).toEqual([['A', 'D'], ['d']]);
    const whole = start();
    whole.removeBelow(new Set(['B', 'D']), true);
    expect(ids(whole.tree())).toEqual([['A'], ['a']]);
  });

  it('a document moved, renamed or replaced by a new version is the re-read one', () => {
    const tree = start();
    tree.putDocument({ ...doc('c', 'D', 'c-v2'), name: 'renamed.txt' });
    tree.removeDocument('d');
    expect(tree.tree().documents.filter((d) => d.parentId === 'D')).toEqual([{ ...doc('c', 'D', 'c-v2'), name: 'renamed.txt' }]);
    expect(tree.hasDocument('d')).toBe(false);
    expect(tree.hasFolder('root')).toBe(true);
  });
});

describe('the bucket from the manifest', () => {
  const entries = new Map([
    ['p/a.txt', { documentId: 'a', versionId: 'v', size: 3, md5: 'a'.repeat(32) }],
    ['p/big.bin', { documentId: 'b', versionId: 'v', size: 9, md5: 'b'.repeat(32), etag: `${'c'.repeat(32)}-2` }],
  ]);
  const marker = { key: 'p/empty/', size: 0, etag: 'd41d8cd98f00b204e9800998ecf8427e', lastModified: 0 };
  const foreign = { key: 'p/notes.txt', size: 5, etag: 'f'.repeat(32), lastModified: 0 };

  it('every entry as the object it recorded (its ETag where it has one), then the other objects last known', () => {
    expect(inventoryFromManifest({ entries }, [marker, foreign, { ...foreign, key: 'p/a.txt' }])).toEqual([
      { key: 'p/a.txt', size: 3, etag: 'a'.repeat(32), lastModified: 0 },
      { key: 'p/big.bin', size: 9, etag: `${'c'.repeat(32)}-2`, lastModified: 0 },
      marker,
      foreign,
    ]);
  });

  it('after a run: less what it deleted or archived and what the manifest now lists, plus the markers it wrote', () => {
    const before = [...inventoryFromManifest({ entries }, [marker, foreign]), { key: 'p/old/', size: 0, etag: marker.etag, lastModified: 0 }];
    const after = othersAfterRun(before, entries, [
      { action: 'delete', key: 'p/old/', outcome: 'done' },
      { action: 'marker', key: 'p/new/', outcome: 'done' },
      { action: 'marker', key: 'p/failed/', outcome: 'failed' },
      { action: 'archive', key: 'p/notes.txt', outcome: 'blocked' },
    ]);
    expect(after.map((o) => o.key)).toEqual(['p/empty/', 'p/new/', 'p/notes.txt']);
  });
});
