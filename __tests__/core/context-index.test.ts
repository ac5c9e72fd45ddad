// The metadata index's pure core: which items are read again, how a record is built from the listing and what was
// read, how it becomes CSV rows (RFC 4180, formula injection neutralised) and JSON Lines, and where it lives.
import { describe, expect, it } from 'vitest';
import {
  ContextListing,
  csvCell,
  csvLine,
  csvLinesOf,
  fetchedPartOf,
  fingerprintOf,
  identityOf,
  namedPermissions,
  needsFetch,
  needsFetchByState,
  ownerOf,
  parseRecordLine,
  parseStateHeader,
  parseStateLine,
  recordOf,
  shortHash,
  sidecarKey,
  contextStateKey,
  stateHeaderLine,
  stateLineOf,
  type ContextPermission,
  type ContextRecord,
  type ListedItem,
} from '../../src/core/context-index.js';
import { assignKeys } from '../../src/core/keys.js';
import type { SourceTree } from '../../src/core/types.js';

const doc = (versionId: string): Pick<ListedItem, 'type' | 'versionId'> => ({ type: 'document', versionId });
const folder: Pick<ListedItem, 'type' | 'versionId'> = { type: 'folder' };

describe('needsFetch: which items are asked about this run', () => {
  it.each([
    ['a new document (no earlier record)', undefined, doc('v1'), false, true],
    ['an unchanged document read completely', { type: 'document', complete: true, contextVersionId: 'v1' }, doc('v1'), false, false],
    ['a document with a new version (its comments are per version)', { type: 'document', complete: true, contextVersionId: 'v1' }, doc('v2'), false, true],
    ['a document whose last read failed', { type: 'document', complete: false, contextVersionId: 'v1' }, doc('v1'), false, true],
    ['an unchanged document with metadata_refresh', { type: 'document', complete: true, contextVersionId: 'v1' }, doc('v1'), true, true],
    ['a new folder', undefined, folder, false, true],
    ['a folder read before (folders have no version)', { type: 'folder', complete: true }, folder, false, false],
    ['a folder with metadata_refresh', { type: 'folder', complete: true }, folder, true, true],
    ['a folder whose last read failed', { type: 'folder', complete: false }, folder, false, true],
    ['an id that was a folder and is now a document', { type: 'folder', complete: true }, doc('v1'), false, true],
  ] as const)('%s → %s', (_name, previous, current, refresh, expected) => {
    expect(needsFetch(previous, current, refresh)).toBe(expected);
  });
});

describe('csvCell: RFC 4180 quoting and formula injection', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line one\nline two', '"line one\nline two"'],
    ['crlf\r\ninside', '"crlf\r\ninside"'],
    [' leading space', '" leading space"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+1 555', "'+1 555"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=hidden', "'\t=hidden"],
    ['=HYPERLINK("http://x", "y")', '"\'=HYPERLINK(""http://x"", ""y"")"'],
    ['a=b', 'a=b'],
    ['ünïcødé 😀', 'ünïcødé 😀'],
  ])('%j → %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    [42, '42'],
    [-1, '-1'],
    [true, 'true'],
    [undefined, ''],
  ] as const)('the non-text value %j is written as it is: %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('ends every line with CRLF', () => {
    expect(csvLine(['a', 1, 'b,c'])).toBe('a,1,"b,c"\r\n');
  });
});

const permissions: ContextPermission[] = [
  { principalId: 'u-alice', principalType: 'USER', principalName: '', role: 'OWNER', inherited: true },
  { principalId: 'g-eng', principalType: 'GROUP', principalName: '', role: 'VIEWER', inherited: true },
  { principalId: 'u-bob', principalType: 'USER', principalName: '', role: 'COOWNER', inherited: false },
];

const listed: ListedItem = {
  type: 'document', id: 'd1', path: 'Team/plan.md', key: 'backup/Team/plan.md', versionId: 'v3', versionName: 'plan.md', size: 20, md5: 'a'.repeat(32),
  contentType: 'text/markdown', created: '2024-03-02T09:00:00.000Z', modified: '2024-03-06T09:00:00.000Z', creatorId: 'u-alice', labels: ['important', 'q2'],
};

const record: ContextRecord = recordOf(listed, {
  contextVersionId: 'v3',
  ownerId: 'u-alice',
  customMetadata: { reviewed: 'yes', project: 'apollo' },
  versionCustomMetadata: { approved: 'yes' },
  comments: [
    { commentId: 'c1', threadId: 'c1', parentId: '', authorId: 'u-bob', authorName: 'bob', created: '2024-03-06T10:00:00.000Z', text: '=cmd|calc\nsecond line, "quoted"', visibility: 'PUBLIC', status: 'PUBLISHED', recipientId: '' },
    { commentId: 'c2', threadId: 'c1', parentId: 'c1', authorId: 'u-alice', authorName: 'alice', created: '2024-03-06T11:00:00.000Z', text: '', visibility: 'PRIVATE', status: 'DELETED', recipientId: 'u-bob' },
  ],
  permissions,
}, true);

describe('records', () => {
  it('serialize in one fixed order (custom metadata by key), so an unchanged record gives the same line run after run', () => {
    const again = recordOf({ ...listed, labels: [...listed.labels] }, { ...fetchedPartOf(record), customMetadata: { project: 'apollo', reviewed: 'yes' } }, true);
    expect(JSON.stringify(again)).toBe(JSON.stringify(record));
    expect(Object.keys(record.customMetadata)).toEqual(['project', 'reviewed']);
    expect(parseRecordLine(JSON.stringify(record))).toEqual(record);
  });

  it('carry the fetched part over to a renamed document: only the listing fields change', () => {
    const renamed = recordOf({ ...listed, path: 'Team/plan-final.md', key: 'backup/Team/plan-final.md' }, fetchedPartOf(record), record.complete);
    expect({ ...renamed, path: record.path, key: record.key }).toEqual(record);
  });

  it.each([
    ['not JSON', '{"type":'],
    ['no type', JSON.stringify({ id: 'x', key: 'k', permissions: [], complete: true })],
    ['no permissions', JSON.stringify({ type: 'folder', id: 'x', key: 'k', complete: true })],
  ])('a line that is not a record is skipped (%s)', (_name, line) => {
    expect(parseRecordLine(line)).toBeUndefined();
  });

  it.each([
    ['nothing changed', {}, true],
    ['a rename (path and key)', { path: 'Team/plan-final.md', key: 'backup/Team/plan-final.md' }, false],
    ['a new version', { versionId: 'v4', size: 21, md5: 'c'.repeat(32) }, false],
    ['a changed label', { labels: ['important'] }, false],
    ['labels in another order', { labels: ['q2', 'important'] }, false],
    ['a new modification time', { modified: '2024-04-01T00:00:00.000Z' }, false],
    ['another content type', { contentType: 'text/plain' }, false],
  ] as const)('the fingerprint of the listing fields (%s) is equal exactly when the carried-over record would serialize the same', (_name, change, expected) => {
    const current = { ...listed, ...change };
    expect(fingerprintOf(current) === fingerprintOf(record)).toBe(expected);
    expect(JSON.stringify(recordOf(current, fetchedPartOf(record), record.complete)) === JSON.stringify(record)).toBe(expected);
  });

  it('an older version\'s fingerprint is its place only (a run that does not describe it rebuilds its other fields)', () => {
    const older = recordOf({ ...listed, history: true, versionId: 'v1' }, fetchedPartOf(record), true);
    expect(fingerprintOf({ ...listed, history: true, versionId: 'v1', versionName: 'version.md', modified: '' })).toBe(fingerprintOf(older));
    expect(fingerprintOf({ ...listed, history: true, versionId: 'v1', key: 'backup/.history/x' })).not.toBe(fingerprintOf(older));
  });

  it('a state line is short, read back, and decides like needsFetch', () => {
    const line = JSON.stringify(record);
    const state = stateLineOf(record, line);
    expect(state).toEqual(['d1', 'd', fingerprintOf(record), 1, shortHash('v3'), shortHash(line)]);
    expect(JSON.stringify(state).length).toBeLessThan(60);
    expect(parseStateLine(JSON.stringify(state))).toEqual(state);
    expect(parseStateLine('["x"]')).toBeUndefined();
    expect(parseStateLine('nope')).toBeUndefined();
    for (const [current, refresh] of [[doc('v3'), false], [doc('v4'), false], [doc('v3'), true], [folder, false]] as const) {
      expect(needsFetchByState(state, current, refresh)).toBe(needsFetch(record, current, refresh));
    }
    expect(needsFetchByState(stateLineOf({ ...record, complete: false }, line), doc('v3'), false)).toBe(true);
  });

  it('name the owner: the direct OWNER, else the inherited one, else nobody', () => {
    expect(ownerOf(permissions)).toBe('u-alice');
    expect(ownerOf([...permissions, { principalId: 'u-bob', principalType: 'USER', principalName: '', role: 'OWNER', inherited: false }])).toBe('u-bob');
    expect(ownerOf([])).toBe('');
  });

  it('name principals that a comment named, and leave the others without a name', () => {
    expect(namedPermissions(permissions, new Map([['u-bob', 'bob']])).map((p) => p.principalName)).toEqual(['', '', 'bob']);
  });
});

describe('CSV rows of a record', () => {
  const lines = csvLinesOf(record);

  it('one documents.csv row with labels `;`-separated, custom metadata as JSON, and `latest` true for a latest version', () => {
    expect(lines.item).toBe('Team/plan.md,backup/Team/plan.md,d1,v3,plan.md,20,' + 'a'.repeat(32) + ',text/markdown,2024-03-02T09:00:00.000Z,2024-03-06T09:00:00.000Z,'
      + 'u-alice,u-alice,important;q2,"{""project"":""apollo"",""reviewed"":""yes""}","{""approved"":""yes""}",2,true,true\r\n');
  });

  it('one comments.csv row per comment: a formula is neutralised and a newline quoted, a deleted comment has no text', () => {
    expect(lines.comments).toBe(
      'Team/plan.md,backup/Team/plan.md,d1,v3,c1,c1,,u-bob,bob,2024-03-06T10:00:00.000Z,PUBLIC,PUBLISHED,,"\'=cmd|calc\nsecond line, ""quoted"""\r\n'
      + 'Team/plan.md,backup/Team/plan.md,d1,v3,c1,c2,c1,u-alice,alice,2024-03-06T11:00:00.000Z,PRIVATE,DELETED,u-bob,\r\n');
  });

  it('one permissions.csv row per role of a principal, inherited or not', () => {
    expect(lines.permissions.split('\r\n').filter(Boolean)).toEqual([
      'document,Team/plan.md,backup/Team/plan.md,d1,u-alice,USER,,OWNER,true',
      'document,Team/plan.md,backup/Team/plan.md,d1,g-eng,GROUP,,VIEWER,true',
      'document,Team/plan.md,backup/Team/plan.md,d1,u-bob,USER,,COOWNER,false',
    ]);
  });

  it('a folder row has no version columns and contributes no comments', () => {
    const f = recordOf({ type: 'folder', id: 'f1', path: 'Team', key: 'backup/Team/', created: '', modified: '', creatorId: 'u-alice', labels: ['shared'] },
      { ownerId: 'u-alice', customMetadata: { department: 'engineering' }, permissions: [] }, true);
    expect(csvLinesOf(f)).toEqual({ item: 'Team,backup/Team/,f1,,,u-alice,u-alice,shared,"{""department"":""engineering""}",true\r\n', comments: '', permissions: '' });
  });
});

describe('where it lives', () => {
  it.each([
    ['', 'a/b.txt', '.metadata/a/b.txt.json'],
    ['backup/', 'backup/a/b.txt', 'backup/.metadata/a/b.txt.json'],
    ['backup/', 'backup/.recycle-bin/bob/x', 'backup/.metadata/.recycle-bin/bob/x.json'],
  ])('prefix %j, document %j → sidecar %j', (prefix, key, expected) => {
    expect(sidecarKey(prefix, key)).toBe(expected);
  });

  it('the state is in the tool\'s area', () => {
    expect(contextStateKey('backup/')).toBe('backup/.workdocs-s3-sync/index/state.jsonl.gz');
  });

  it('a state header is read back; another format or version is refused', () => {
    const line = stateHeaderLine({ rootFolderId: 'r', metadata: 'index', documents: 1, folders: 0, writtenAt: '2026-01-01T00:00:00.000Z' });
    expect(parseStateHeader(line)).toMatchObject({ rootFolderId: 'r', metadata: 'index' });
    expect(parseStateHeader(line.replace('"version":1', '"version":2'))).toMatch(/version 2/);
    expect(parseStateHeader('{"format":"other"}')).toMatch(/not a context state/);
    expect(parseStateHeader('nope')).toMatch(/not JSON/);
  });
});

describe('ContextListing: the listing side of each record', () => {
  const tree: SourceTree = {
    rootId: 'root',
    folders: [
      { id: 'f-team', name: 'Team', parentId: 'root', createdAt: Date.UTC(2024, 0, 1), labels: ['shared'], creatorId: 'u1' },
      { id: 'f-sub', name: 'a/b', parentId: 'f-team', createdAt: Date.UTC(2024, 0, 2) },
      { id: 'f-bin', name: '.recycle-bin', parentId: 'root', createdAt: 0, fixedSegment: '.recycle-bin' },
    ],
    documents: [
      { id: 'd1', parentId: 'f-sub', name: 'x.txt', createdAt: Date.UTC(2024, 0, 3), modifiedAt: Date.UTC(2024, 0, 4), versionId: 'v1', size: 3, md5: undefined, contentType: undefined },
      { id: 'd0', parentId: 'root', name: 'top.txt', createdAt: 1, modifiedAt: 2, versionId: 'v0', size: 1, md5: 'b'.repeat(32), contentType: 'text/plain', labels: ['l'], creatorId: 'u2' },
    ],
  };
  const { folderKeys, documentKeys } = assignKeys(tree, 'p/');
  const listing = new ContextListing(tree, folderKeys, documentKeys, 'p/');

  it('lists folders then documents, each in key order, without the tool\'s virtual folders', () => {
    expect(listing.ids()).toEqual(['f-team', 'f-sub', 'd1', 'd0']);
  });

  it('paths are the WorkDocs names joined by `/` (a `/` inside a name stays), keys are the mirror\'s', () => {
    expect(listing.item('d1')).toMatchObject({ type: 'document', path: 'Team/a/b/x.txt', key: documentKeys.get('d1'), md5: '', created: '2024-01-03T00:00:00.000Z', labels: [] });
    expect(listing.item('d0')).toMatchObject({ path: 'top.txt', key: 'p/top.txt', labels: ['l'], creatorId: 'u2', contentType: 'text/plain' });
    expect(listing.item('f-team')).toMatchObject({ type: 'folder', path: 'Team', key: 'p/Team/', labels: ['shared'], creatorId: 'u1' });
    expect(listing.item('f-bin')).toBeUndefined();
    expect(listing.item('nope')).toBeUndefined();
  });

  it('versions: all: each older version is an item of its own, identified by document and version, under the history area', () => {
    const older = { ...tree.documents[1]!, versionId: 'v-old', name: 'top-draft.txt', createdAt: Date.UTC(2023, 5, 1), history: true as const };
    const withHistory = new ContextListing({ ...tree, versions: [older] }, folderKeys, documentKeys, 'p/');
    const identity = identityOf({ id: 'd0', history: true, versionId: 'v-old' });
    expect(identity).toBe('d0@v-old');
    expect(identityOf({ id: 'd0', versionId: 'v0' })).toBe('d0');
    expect(withHistory.ids()).toEqual(['f-team', 'f-sub', 'd1', 'd0', identity]);
    const item = withHistory.item(identity)!;
    expect(item).toMatchObject({ type: 'document', id: 'd0', history: true, versionId: 'v-old', versionName: 'top-draft.txt', path: 'top.txt', labels: ['l'] });
    expect(item.key.startsWith('p/.history/top.txt/')).toBe(true);
    const row = csvLinesOf(recordOf(item, { ownerId: '', customMetadata: {}, permissions: [] }, true)).item;
    expect(row.endsWith(',0,true,false\r\n')).toBe(true);
  });

  it('gives its own string equal to an identity a state line names (a folder, a document, an older version), and nothing for an unknown one', () => {
    const older = { ...tree.documents[1]!, versionId: 'v-old', history: true as const };
    const withHistory = new ContextListing({ ...tree, versions: [older] }, folderKeys, documentKeys, 'p/');
    for (const identity of ['f-team', 'd1', 'd0@v-old']) expect(withHistory.heldIdentity(identity)).toBe(identity);
    expect(withHistory.heldIdentity('d0@v-gone')).toBeUndefined();
    expect(withHistory.heldIdentity('nope')).toBeUndefined();
  });
});
