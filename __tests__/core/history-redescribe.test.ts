// When a run describes a document's versions again although its latest version is the recorded one: an older
// version deleted in WorkDocs (or a revert) changes nothing else a run sees. Tables over the SDK's every activity
// type, the scheduled full listing, and historyNeeds' `redescribe`.
import { ActivityType } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { historyKey, historyNeeds, versionFileName, type Redescribe } from '../../src/core/history.js';
import { EditableTree, fullListingScheduled, interpretActivities, type FeedActivity, type SnapshotFacts, type SourceSnapshot } from '../../src/core/incremental.js';
import type { Manifest, SourceDocument } from '../../src/core/types.js';

const activity = (type: string): FeedActivity => ({
  type, time: 1_000_000, resourceType: type.startsWith('FOLDER_') ? 'FOLDER' : 'DOCUMENT', resourceId: type.startsWith('FOLDER_') ? 'A' : 'd1',
  parentId: 'A', originalParentId: undefined, versionId: 'v1', name: 'x', originalName: undefined, initiatorId: 'u1', ownerId: 'u1',
  commentId: undefined, participants: [],
});

describe('which activities describe a document\'s versions again', () => {
  const tree = new EditableTree('root', {
    rootId: 'root',
    folders: [{ id: 'A', name: 'A', parentId: 'root', createdAt: 1 }],
    documents: [{ id: 'd1', parentId: 'A', name: 'd1.txt', createdAt: 1, modifiedAt: 1, versionId: 'v2', size: 1, md5: undefined, contentType: undefined }],
  });
  // Every type the SDK knows: only these two remove or change an older version while the latest may stay.
  const redescribing = new Set(['DOCUMENT_VERSION_DELETED', 'DOCUMENT_REVERTED']);
  it.each(Object.values(ActivityType).map((type) => [type, redescribing.has(type)] as const))('%s → %s', (type, redescribes) => {
    const result = interpretActivities([activity(type)], tree);
    expect(result.ok).toBe(true);
    expect(result.ok && [...result.touched.versions]).toEqual(redescribes ? ['d1'] : []);
  });

  it('a deleted version of a document outside the tree is kept aside, not described', () => {
    const outside = { ...activity('DOCUMENT_VERSION_DELETED'), resourceId: 'd9', parentId: 'X' };
    const result = interpretActivities([outside], tree);
    expect(result.ok && result.touched.versions.size).toBe(0);
    expect(result.ok && result.touched.elsewhere).toEqual([outside]);
  });
});

describe('the full listing full_listing_every asks for (the drift-healing run) describes every version again', () => {
  const snapshot: SourceSnapshot = {
    manifestEtag: 'abc', rootId: 'org', rootName: '', watermark: { time: 5, seen: [] }, lastFullListing: 1_000, readAt: 2_000,
    tree: { rootId: 'org', folders: [], documents: [] }, others: [],
  };
  const found: SnapshotFacts['snapshot'] = { state: 'found', value: snapshot };
  it.each<[string, Pick<SnapshotFacts, 'snapshot' | 'now' | 'fullListingEveryMs'>, boolean]>([
    ['full_listing_every 0, with a snapshot', { snapshot: found, now: 3_000, fullListingEveryMs: 0 }, true],
    ['full_listing_every 0, no snapshot yet', { snapshot: { state: 'missing' }, now: 3_000, fullListingEveryMs: 0 }, true],
    ['the last full listing exactly that old', { snapshot: found, now: 1_000 + 86_400_000, fullListingEveryMs: 86_400_000 }, true],
    ['the last full listing recent', { snapshot: found, now: 999 + 86_400_000, fullListingEveryMs: 86_400_000 }, false],
    ['no snapshot yet (the first run describes everything anyway)', { snapshot: { state: 'missing' }, now: 3_000, fullListingEveryMs: 86_400_000 }, false],
    ['an unreadable snapshot', { snapshot: { state: 'corrupt', problem: 'not gzip' }, now: 3_000, fullListingEveryMs: 86_400_000 }, false],
  ])('%s → %s', (_name, facts, scheduled) => {
    expect(fullListingScheduled(facts)).toBe(scheduled);
  });
});

describe('historyNeeds with `redescribe`', () => {
  const T1 = Date.UTC(2024, 2, 1, 12, 30, 5);
  const doc = (id: string, versionId: string, history?: true): SourceDocument => ({
    id, parentId: 'root', name: `${id}.txt`, createdAt: T1, modifiedAt: T1, versionId, size: 10, md5: 'a'.repeat(32), contentType: undefined, ...(history ? { history } : {}),
  });
  const key = (id: string, versionId: string): string => historyKey('', `${id}.txt`, id, versionFileName(doc(id, versionId, true)));
  const entry = (documentId: string, versionId: string) => ({ documentId, versionId, size: 10, md5: 'a'.repeat(32), etag: 'e' });
  // Both documents' histories are intact: without `redescribe` neither is described.
  const manifest: Manifest = {
    entries: new Map([['a.txt', entry('a', 'a2')], [key('a', 'a1'), entry('a', 'a1')], ['b.txt', entry('b', 'b2')], [key('b', 'b1'), entry('b', 'b1')]]),
    histories: new Map([['a', ['a2', 'a1']], ['b', ['b2', 'b1']]]),
  };
  const documents = [doc('a', 'a2'), doc('b', 'b2')];
  it.each<[string, Redescribe | undefined, string[], string[]]>([
    ['none: both rebuilt from the manifest', undefined, [], ['a', 'b']],
    ['an empty set: the same', new Set(), [], ['a', 'b']],
    ['the documents an activity named', new Set(['b', 'gone']), ['b'], ['a']],
    ['all (metadata_refresh, the scheduled full listing)', 'all', ['a', 'b'], []],
  ])('%s', (_name, redescribe, described, carried) => {
    const needs = historyNeeds(documents, manifest, '', redescribe);
    expect(needs.describe.map((d) => d.id)).toEqual(described);
    expect([...needs.carried.keys()].sort()).toEqual(carried);
    expect(needs.known.map((v) => v.id).sort()).toEqual(carried);
  });
});
