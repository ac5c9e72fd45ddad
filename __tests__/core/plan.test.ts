// plan() as a specification: each row is a situation (source, bucket, manifest) and the actions it must produce.
import { describe, expect, it } from 'vitest';
import { archiveKey, keysToProbe, keysToReadBack, otherSourceIn, plan, versionsHeld, type PlanOptions, type PlannedAction } from '../../src/core/plan.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceTree } from '../../src/core/types.js';

const ROOT = 'root';
const md5 = (c: string): string => c.repeat(32).slice(0, 32);

function doc(id: string, name: string, version = 'v1', size = 10, parentId = ROOT, createdAt = 1): SourceDocument {
  return { id, parentId, name, createdAt, modifiedAt: createdAt, versionId: `${id}-${version}`, size, md5: md5(version.at(-1)!), contentType: 'text/plain' };
}
function tree(documents: SourceDocument[], folders: SourceTree['folders'] = []): SourceTree {
  return { rootId: ROOT, folders, documents };
}
function obj(key: string, size = 10, etag = 'abc-1', metadata?: Record<string, string>): InventoryObject {
  return { key, size, etag, lastModified: 0, ...(metadata ? { metadata } : {}) };
}
function manifest(rows: [string, string, string, number?][]): Manifest {
  // The entries record the ETag obj() lists by default (a multipart ETag, as S3 answered it at upload).
  return { entries: new Map(rows.map(([key, documentId, versionId, size]) => [key, { documentId, versionId, size: size ?? 10, md5: '', etag: 'abc-1' } satisfies ManifestEntry])) };
}
const NONE: Manifest = { entries: new Map() };
const OPTIONS: PlanOptions = {
  prefix: '', archivePrefix: '', archiveRunFolder: 'run1', deleteStale: true,
  maxDelete: { count: undefined, percent: undefined }, folderMarkers: 'empty', listingComplete: true,
};

function summary(actions: readonly PlannedAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'upload': case 'skip': return `${a.kind} ${a.key} ${a.reason}`;
      case 'copy': return `copy ${a.fromKey} -> ${a.key}`;
      case 'marker': return `marker ${a.key}`;
      case 'delete': return `delete ${a.key}${a.keptAt ? ` after ${a.keptAt}` : ''}`;
      case 'archive': return `archive ${a.key} -> ${a.toKey}`;
    }
  });
}

describe('plan: what happens to each document', () => {
  it.each<[string, SourceTree, InventoryObject[], Manifest, Partial<PlanOptions>, string[]]>([
    ['an empty bucket gets every document uploaded', tree([doc('a', 'a.txt'), doc('b', 'b.txt')]), [], NONE, {},
      ['upload a.txt new', 'upload b.txt new']],
    ['an unchanged document is skipped with no request', tree([doc('a', 'a.txt')]), [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['skip a.txt unchanged']],
    ['a new version is uploaded over the old one', tree([doc('a', 'a.txt', 'v2')]), [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['upload a.txt changed']],
    ['an object deleted from the bucket is uploaded again', tree([doc('a', 'a.txt')]), [], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['upload a.txt missing']],
    ['an object overwritten behind our back (ETag is not the recorded MD5) is uploaded again', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'f'.repeat(32))], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32) }]]) }, {},
      ['upload a.txt modified-in-bucket']],
    ['under SSE-KMS the listed ETag is not the MD5: the one recorded at upload is compared, so the document is skipped', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'e'.repeat(32))], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32), etag: 'e'.repeat(32) }]]) }, {},
      ['skip a.txt unchanged']],
    ['an ETag other than the recorded ETag and MD5 means the object was overwritten', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, '2'.repeat(32))], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32), etag: 'e'.repeat(32) }]]) }, {},
      ['upload a.txt modified-in-bucket']],
    ['an ETag that is the recorded MD5 shows the same bytes (re-put without SSE-KMS): skipped', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, '1'.repeat(32))], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32), etag: 'e'.repeat(32) }]]) }, {},
      ['skip a.txt unchanged']],
    ['a same-size multipart overwrite of a single-part object (ETag …-1, not the recorded MD5) is found', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'cc96-1')], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32) }]]) }, {},
      ['upload a.txt modified-in-bucket']],
    ['a multipart object is checked against its recorded ETag too', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'abc-3')], { entries: new Map([['a.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32), etag: 'abc-2' }]]) }, {},
      ['upload a.txt modified-in-bucket']],
    ['a renamed document whose SSE-KMS object still shows its recorded ETag is copied', tree([doc('a', 'new.txt')]),
      [obj('old.txt', 10, 'e'.repeat(32))], { entries: new Map([['old.txt', { documentId: 'a', versionId: 'a-v1', size: 10, md5: '1'.repeat(32), etag: 'e'.repeat(32) }]]) }, {},
      ['copy old.txt -> new.txt', 'delete old.txt after new.txt']],
    ['an object of the original script under SSE-KMS is adopted once its bytes, read back, are the Signature\'s', tree([doc('a', 'a.txt')]),
      [{ ...obj('a.txt', 10, 'e'.repeat(32), { 'workdocs-version-id': 'a-v1' }), etagIsOpaque: true, contentMd5: md5('1') }], NONE, {},
      ['skip a.txt adopted']],
    ['under SSE-KMS, bytes read back that are not the Signature\'s: uploaded', tree([doc('a', 'a.txt')]),
      [{ ...obj('a.txt', 10, 'e'.repeat(32), { 'workdocs-version-id': 'a-v1' }), etagIsOpaque: true, contentMd5: md5('9') }], NONE, {},
      ['upload a.txt changed']],
    ['without SSE-KMS such an ETag means other bytes: uploaded', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'e'.repeat(32), { 'workdocs-version-id': 'a-v1' })], NONE, {},
      ['upload a.txt changed']],
    ['a size that differs from the manifest means a new upload', tree([doc('a', 'a.txt', 'v1', 12)]), [obj('a.txt', 10)], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['upload a.txt changed']],
    ['a renamed document is copied inside S3, and the old key deleted after the copy', tree([doc('a', 'new.txt')]), [obj('old.txt')], manifest([['old.txt', 'a', 'a-v1']]), {},
      ['copy old.txt -> new.txt', 'delete old.txt after new.txt']],
    ['a document moved to another folder is copied too', tree([doc('a', 'a.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'sub', parentId: ROOT, createdAt: 1 }]),
      [obj('a.txt'), obj('sub/')], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['copy a.txt -> sub/a.txt', 'delete a.txt after sub/a.txt']],
    ['a renamed document of more than 5 GiB is copied too (S3 copies it in ranges)', tree([doc('a', 'new.bin', 'v1', 6 * 1024 ** 3)]),
      [obj('old.bin', 6 * 1024 ** 3)], manifest([['old.bin', 'a', 'a-v1', 6 * 1024 ** 3]]), {},
      ['copy old.bin -> new.bin', 'delete old.bin after new.bin']],
    ['a renamed document with a new version is uploaded, not copied', tree([doc('a', 'new.txt', 'v2')]), [obj('old.txt')], manifest([['old.txt', 'a', 'a-v1']]), {},
      ['upload new.txt new', 'delete old.txt']],
    ['a document removed from WorkDocs is deleted', tree([doc('a', 'a.txt')]), [obj('a.txt'), obj('gone.txt')], manifest([['a.txt', 'a', 'a-v1'], ['gone.txt', 'g', 'g-v1']]), {},
      ['skip a.txt unchanged', 'delete gone.txt']],
    ['with an archive prefix a stale object is moved instead', tree([]), [obj('gone.txt')], manifest([['gone.txt', 'g', 'g-v1']]), { archivePrefix: 'archive/' },
      ['archive gone.txt -> archive/run1/gone.txt']],
    ['an archive prefix that WorkDocs content maps into blocks the clean-up (checked below)', tree([doc('a', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'archive', parentId: ROOT, createdAt: 1 }]),
      [obj('gone.txt')], manifest([['gone.txt', 'g', 'g-v1']]), { archivePrefix: 'archive/' }, ['upload archive/x.txt new', 'archive gone.txt -> archive/run1/gone.txt']],
    ['delete_stale false keeps stale objects', tree([]), [obj('gone.txt')], manifest([['gone.txt', 'g', 'g-v1']]), { deleteStale: false }, []],
    ['objects outside the prefix, in the tool area or in the archive are never stale', tree([]),
      [obj('other/x.txt'), obj('m/.workdocs-s3-sync/manifest.json'), obj('m/old/', 0), obj('m/'), obj('m/arch/1/x')], NONE, { prefix: 'm/', archivePrefix: 'm/arch/' },
      ['archive m/old/ -> m/arch/run1/old/']],
    ['an archive area an earlier run marked is never stale, even without archive_prefix or a manifest', tree([]),
      [obj('old-archive/.workdocs-s3-sync/archive.json'), obj('old-archive/2024-01-01T00-00-00-000Z/gone.txt', 10, 'x', { 'workdocs-document-id': 'g', 'workdocs-version-id': 'g-v1' })], NONE, {},
      []],
    ['folder markers are created only where missing', tree([], [{ id: 'f1', name: 'a', parentId: ROOT, createdAt: 1 }, { id: 'f2', name: 'b', parentId: ROOT, createdAt: 1 }]),
      [obj('a/', 0)], NONE, {}, ['marker b/']],
    ['by default only empty folders get a marker: a folder with a document or a subfolder shows as a prefix anyway',
      tree([doc('d', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'full', parentId: ROOT, createdAt: 1 }, { id: 'f2', name: 'outer', parentId: ROOT, createdAt: 1 },
        { id: 'f3', name: 'inner', parentId: 'f2', createdAt: 1 }, { id: 'f4', name: 'empty', parentId: ROOT, createdAt: 1 }]),
      [], NONE, {}, ['upload full/x.txt new', 'marker empty/', 'marker outer/inner/']],
    ['folder_markers all marks every folder, like the original script',
      tree([doc('d', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'full', parentId: ROOT, createdAt: 1 }, { id: 'f2', name: 'outer', parentId: ROOT, createdAt: 1 },
        { id: 'f3', name: 'inner', parentId: 'f2', createdAt: 1 }]),
      [], NONE, { folderMarkers: 'all' }, ['upload full/x.txt new', 'marker full/', 'marker outer/', 'marker outer/inner/']],
    ['existing markers of non-empty live folders stay (buckets of the original script have one per folder)',
      tree([doc('d', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'full', parentId: ROOT, createdAt: 1 }]),
      [obj('full/', 0), obj('full/x.txt')], manifest([['full/x.txt', 'd', 'd-v1']]), {}, ['skip full/x.txt unchanged']],
    ['a folder emptied in WorkDocs gets its marker, so it does not vanish from the bucket',
      tree([], [{ id: 'f1', name: 'was-full', parentId: ROOT, createdAt: 1 }]),
      [obj('was-full/x.txt')], manifest([['was-full/x.txt', 'd', 'd-v1']]), {}, ['marker was-full/', 'delete was-full/x.txt']],
    ['a folder whose children are relocated for length (nothing lies under its key) keeps a marker',
      tree([doc('d', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'n'.repeat(1000), parentId: ROOT, createdAt: 1 }]),
      [], NONE, {}, ['upload %%d~x.txt new', `marker ${'n'.repeat(1000)}/`]],
    ['no folder markers when they are off, but existing ones of live folders stay', tree([], [{ id: 'f1', name: 'a', parentId: ROOT, createdAt: 1 }]),
      [obj('a/', 0)], NONE, { folderMarkers: 'none' }, []],
    ['an object of the original script holding the same version is adopted (single-part: its ETag is the Signature)', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, md5('1'), { 'workdocs-version-id': 'a-v1' })], NONE, {}, ['skip a.txt adopted']],
    ['a multipart one is adopted once its bytes, read back, are the Signature\'s', tree([doc('a', 'a.txt')]),
      [{ ...obj('a.txt', 10, 'x-2', { 'workdocs-version-id': 'a-v1' }), contentMd5: md5('1') }], NONE, {}, ['skip a.txt adopted']],
    ['metadata alone is no proof: a multipart object not read back (or overwritten keeping the metadata) is uploaded', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'x-2', { 'workdocs-version-id': 'a-v1' })], NONE, {}, ['upload a.txt changed']],
    ['an object of the original script holding an older version is replaced', tree([doc('a', 'a.txt', 'v2')]),
      [obj('a.txt', 10, 'x-2', { 'workdocs-version-id': 'a-v1' })], NONE, {}, ['upload a.txt changed']],
    ['an unknown object at the key whose metadata could not be read is replaced', tree([doc('a', 'a.txt')]), [obj('a.txt')], NONE, {},
      ['upload a.txt unverified']],
    ['an adoptable object whose single-part ETag contradicts the Signature is replaced', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, 'e'.repeat(32), { 'workdocs-version-id': 'a-v1' })], NONE, {}, ['upload a.txt changed']],
    ['same-named documents get distinct keys and both are uploaded', tree([doc('aaaaaaaa1', 'r.pdf', 'v1', 10, ROOT, 1), doc('bbbbbbbb2', 'r.pdf', 'v1', 10, ROOT, 2)]), [], NONE, {},
      ['upload r.pdf new', 'upload r~bbbbbbbb.pdf new']],
  ])('%s', (_title, source, inventory, recorded, options, expected) => {
    expect(summary(plan(source, inventory, recorded, { ...OPTIONS, ...options }).actions)).toEqual(expected);
  });
});

describe('plan: which object a rename copies from, whatever order the manifest lists them in', () => {
  it.each([
    ['two stale objects hold the version: the smaller key', tree([doc('a', 'new.txt')]), [obj('old2.txt'), obj('old1.txt')],
      [['old2.txt', 'a', 'a-v1'], ['old1.txt', 'a', 'a-v1']] as [string, string, string][],
      ['copy old1.txt -> new.txt', 'delete old1.txt after new.txt', 'delete old2.txt after new.txt']],
    ['a stale and a live object hold it: the stale one, which is then moved rather than kept twice',
      tree([doc('a', 'new.txt'), doc('c', 'a-live.txt')]), [obj('a-live.txt'), obj('z-old.txt')],
      [['a-live.txt', 'a', 'a-v1'], ['z-old.txt', 'a', 'a-v1']] as [string, string, string][],
      ['copy z-old.txt -> new.txt', 'upload a-live.txt changed', 'delete z-old.txt after new.txt']],
  ])('%s', (_title, source, inventory, rows, expected) => {
    for (const order of [rows, [...rows].reverse()]) {
      expect(summary(plan(source, inventory, manifest(order), OPTIONS).actions)).toEqual(expected);
    }
  });
});

describe('plan: deletes that can never run wild', () => {
  const source = tree([doc('a', 'a.txt')]);
  const inventory = [obj('a.txt'), obj('x1'), obj('x2'), obj('x3')];
  const recorded = manifest([['a.txt', 'a', 'a-v1'], ['x1', 'x1', 'x1-v1'], ['x2', 'x2', 'x2-v1'], ['x3', 'x3', 'x3-v1']]);

  it.each<[string, Partial<PlanOptions>, string | undefined]>([
    ['no bound: allowed', {}, undefined],
    ['count bound above the deletes: allowed', { maxDelete: { count: 3, percent: undefined } }, undefined],
    ['count bound below the deletes: refused', { maxDelete: { count: 2, percent: undefined } }, '3 deletes exceed max_delete (2)'],
    ['percentage bound: 3 of 4 objects is 75%', { maxDelete: { count: undefined, percent: 50 } }, '3 deletes of 4 objects (75.0%) exceed max_delete (50%)'],
    ['both bounds: the stricter wins', { maxDelete: { count: 10, percent: 10 } }, '3 deletes of 4 objects (75.0%) exceed max_delete (10%)'],
    ['a listing with errors never deletes', { listingComplete: false }, 'the listing had errors, so nothing is deleted'],
  ])('%s', (_title, options, refusal) => {
    const decided = plan(source, inventory, recorded, { ...OPTIONS, ...options });
    expect(decided.deletesBlocked).toBe(refusal);
    // The deletes stay in the plan so a dry run and the report can show what was refused.
    expect(decided.actions.filter((a) => a.kind === 'delete').map((a) => a.key)).toEqual(['x1', 'x2', 'x3']);
    expect(decided.managedCount).toBe(4);
  });
});

describe('plan: archive prefix overlapping the mirror', () => {
  it('refuses to archive into a folder that WorkDocs content also uses', () => {
    const decided = plan(tree([doc('a', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'archive', parentId: ROOT, createdAt: 1 }]), [obj('gone.txt')], manifest([['gone.txt', 'g', 'g-v1']]), { ...OPTIONS, archivePrefix: 'archive/' });
    expect(decided.deletesBlocked).toMatch(/maps under archive_prefix/);
  });

  it.each([
    ['nothing stale: still refused, or a later delete there would go unseen', true, /maps under archive_prefix/],
    ['delete_stale off: no archive in use, nothing to refuse', false, undefined],
  ] as const)('%s', (_title, deleteStale, refusal) => {
    const decided = plan(tree([doc('a', 'x.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'archive', parentId: ROOT, createdAt: 1 }]), [], manifest([]), { ...OPTIONS, archivePrefix: 'archive/', deleteStale });
    if (refusal === undefined) expect(decided.deletesBlocked).toBeUndefined();
    else expect(decided.deletesBlocked).toMatch(refusal);
  });
});

describe('plan: it is a pure function', () => {
  it('gives the same plan whatever the order of its inputs', () => {
    const docs = [doc('a', 'a.txt'), doc('b', 'b.txt', 'v2'), doc('c', 'c.txt')];
    const inventory = [obj('a.txt'), obj('b.txt'), obj('z.txt')];
    const recorded = manifest([['a.txt', 'a', 'a-v1'], ['b.txt', 'b', 'b-v1'], ['z.txt', 'z', 'z-v1']]);
    const one = plan(tree(docs), inventory, recorded, OPTIONS);
    const two = plan(tree([...docs].reverse()), [...inventory].reverse(), recorded, OPTIONS);
    expect(summary(two.actions)).toEqual(summary(one.actions));
  });
});

describe('keysToProbe: metadata is read only where it can spare an upload', () => {
  it.each<[string, InventoryObject[], Manifest, string[]]>([
    ['no manifest entry and the same size: probe', [obj('a.txt')], NONE, ['a.txt']],
    ['a manifest entry: no probe', [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), []],
    ['a different size cannot be the same version, but whose it is must be known: probe', [obj('a.txt', 99)], NONE, ['a.txt']],
    ['a different size at a key the manifest recorded (the tool\'s): no probe', [obj('a.txt', 99)], manifest([['a.txt', 'a', 'a-v1']]), []],
    ['an object remembered as foreign with the same ETag: no probe', [obj('other.bin')], { entries: new Map(), foreign: new Map([['other.bin', 'abc-1']]) }, []],
    ['an object remembered as foreign whose ETag changed: probe again', [obj('other.bin')], { entries: new Map(), foreign: new Map([['other.bin', 'old-1']]) }, ['other.bin']],
    ['a zero-byte folder marker is never probed: removing it loses nothing', [obj('old/', 0)], NONE, []],
    ['no object: nothing to probe', [], NONE, []],
  ])('%s', (_title, inventory, recorded, expected) => {
    expect(keysToProbe(tree([doc('a', 'a.txt')]), inventory, { trusted: recorded, recorded }, { prefix: '', archivePrefix: '' })).toEqual(expected);
  });
});

describe('plan: objects this tool did not write (issue: deletes that are right)', () => {
  const other = (key: string, size = 10): InventoryObject => obj(key, size, 'f'.repeat(32), {});
  it.each<[string, SourceTree, InventoryObject[], Manifest, Partial<PlanOptions>, string[], string[]]>([
    ['a foreign object beside the mirror is left alone, and remembered', tree([doc('a', 'a.txt')]),
      [obj('a.txt'), other('README-bucket.txt'), other('other-app/config.json')], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['skip a.txt unchanged'], ['README-bucket.txt', 'other-app/config.json']],
    ['remembered with its ETag, it is still left alone without being probed again', tree([]),
      [obj('x.bin', 10, 'e-1')], { entries: new Map(), foreign: new Map([['x.bin', 'e-1']]) }, {},
      [], ['x.bin']],
    ['an object carrying WorkDocs metadata is the tool\'s (a folder_sync.py bucket, a lost manifest): stale, deleted', tree([]),
      [obj('gone.txt', 10, 'x-2', { 'workdocs-version-id': 'g-v1' })], NONE, {},
      ['delete gone.txt'], []],
    ['a zero-byte marker of a folder that is gone is removed whoever wrote it', tree([]),
      [obj('old/', 0)], NONE, {},
      ['delete old/'], []],
    ['a foreign object at a document\'s key is not overwritten: the upload is refused', tree([doc('a', 'a.txt')]),
      [other('a.txt', 5)], NONE, {},
      ['upload a.txt changed refused'], ['a.txt']],
    ['delete_foreign: every object under the prefix is the mirror\'s, like rclone sync', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 5), obj('README-bucket.txt')], NONE, { deleteForeign: true },
      ['upload a.txt unverified', 'delete README-bucket.txt'], []],
  ])('%s', (_title, source, inventory, recorded, options, expected, foreign) => {
    const decided = plan(source, inventory, recorded, { ...OPTIONS, ...options });
    expect(summary(decided.actions).map((line, i) => {
      const a = decided.actions[i]!;
      return a.kind === 'upload' && a.refused !== undefined ? `${line} refused` : line;
    })).toEqual(expected);
    expect([...decided.foreign.keys()].sort()).toEqual(foreign);
  });

  it.each<[string, Record<string, string>, string[], string[]]>([
    ['an object this folder\'s mirror wrote (its source metadata names the root) is the tool\'s', { 'workdocs-document-id': 'g', 'workdocs-version-id': 'g-v1', 'workdocs-source-folder-id': ROOT },
      ['delete gone.txt'], []],
    ['another mirror\'s object (a prefix nested in this one) is foreign, though its metadata names a document', { 'workdocs-document-id': 'g', 'workdocs-version-id': 'g-v1', 'workdocs-source-folder-id': 'other-root' },
      [], ['gone.txt']],
  ])('%s', (_title, metadata, expected, foreign) => {
    const decided = plan(tree([]), [obj('gone.txt', 10, 'x-2', metadata)], NONE, OPTIONS);
    expect(summary(decided.actions)).toEqual(expected);
    expect([...decided.foreign.keys()]).toEqual(foreign);
  });

  it('with the manifest lost, objects are probed even under delete_foreign: only their metadata tells the source', () => {
    const inventory = [obj('x.bin', 99)];
    expect(keysToProbe(tree([]), inventory, { trusted: NONE, recorded: NONE }, { prefix: '', archivePrefix: '', deleteForeign: true })).toEqual([]);
    expect(keysToProbe(tree([]), inventory, { trusted: NONE, recorded: NONE }, { prefix: '', archivePrefix: '', deleteForeign: true, manifestLost: true })).toEqual(['x.bin']);
  });

  it.each<[string, (string | undefined)[], string | undefined]>([
    ['objects name another folder only: that is the prefix\'s source', ['other', undefined], 'other'],
    ['objects name this folder too: the others are another mirror\'s', ['other', ROOT], undefined],
    ['no object names any (older versions wrote none)', [undefined], undefined],
  ])('otherSourceIn: %s', (_title, sources, expected) => {
    const inventory = sources.map((source, i) => obj(`k${i}`, 10, 'e', source === undefined ? {} : { 'workdocs-source-folder-id': source }));
    expect(otherSourceIn(inventory, ROOT)).toBe(expected);
  });

  it('foreign objects are not part of max_delete\'s base', () => {
    const decided = plan(tree([doc('a', 'a.txt')]), [obj('a.txt'), obj('gone.txt'), ...['1', '2', '3', '4'].map((n) => other(`other/${n}`))],
      manifest([['a.txt', 'a', 'a-v1'], ['gone.txt', 'g', 'g-v1']]), { ...OPTIONS, maxDelete: { count: undefined, percent: 40 } });
    expect(decided.managedCount).toBe(2);
    expect(decided.deletesBlocked).toBe('1 deletes of 2 objects (50.0%) exceed max_delete (40%)');
  });
});

describe('plan: a reorganisation is not a deletion', () => {
  const folder = { id: 'f1', name: 'All', parentId: ROOT, createdAt: 1 };
  const docs = ['a', 'b', 'c', 'd'].map((id) => doc(id, `${id}.txt`, 'v1', 10, 'f1'));
  const before = manifest(['a', 'b', 'c', 'd'].map((id) => [`${id}.txt`, id, `${id}-v1`] as [string, string, string]));
  const inventory = ['a', 'b', 'c', 'd'].map((id) => obj(`${id}.txt`));

  it('moving everything into one folder copies and moves: nothing counts against max_delete', () => {
    const decided = plan(tree(docs, [folder]), inventory, before, { ...OPTIONS, maxDelete: { count: undefined, percent: 50 } });
    expect(decided.deletesBlocked).toBeUndefined();
    expect(decided.removals).toBe(0);
    expect(decided.actions.filter((a) => a.kind === 'delete').map((a) => a.kind === 'delete' && `${a.key} ${a.reason} ${a.keptAt}`))
      .toEqual(['a.txt moved All/a.txt', 'b.txt moved All/b.txt', 'c.txt moved All/c.txt', 'd.txt moved All/d.txt']);
  });

  it('deleting 3 of 4 documents is still refused', () => {
    const decided = plan(tree([doc('a', 'a.txt')]), inventory, before, { ...OPTIONS, maxDelete: { count: undefined, percent: 50 } });
    expect(decided.removals).toBe(3);
    expect(decided.deletesBlocked).toBe('3 deletes of 4 objects (75.0%) exceed max_delete (50%)');
  });
});

describe('plan: copies read exactly what they expect, before anything overwrites it', () => {
  const md = (key: string, id: string, version = 'v1'): [string, ManifestEntry] => [key, { documentId: id, versionId: `${id}-${version}`, size: 10, md5: md5(version.at(-1)!) }];
  const listed = (key: string, version = 'v1'): InventoryObject => obj(key, 10, md5(version.at(-1)!));
  const staged = (decided: ReturnType<typeof plan>): string[] => decided.actions.map((a) => {
    switch (a.kind) {
      case 'copy': return `${a.stage ?? 0}: copy ${a.fromKey} -> ${a.key} if ${a.fromEtag.slice(0, 4)}`;
      case 'upload': return `${a.stage ?? 0}: upload ${a.key} ${a.reason}`;
      default: return `${a.kind} ${a.key}`;
    }
  });

  it.each<[string, SourceTree, [string, ManifestEntry][], InventoryObject[], string[]]>([
    ['a rename: one copy, conditional on the source\'s listed ETag', tree([doc('a', 'new.txt')]), [md('old.txt', 'a')], [listed('old.txt')],
      ['0: copy old.txt -> new.txt if 1111', 'delete old.txt']],
    ['a rotation (previous → 2023, current → previous): the copy out of previous runs before the copy into it',
      tree([doc('p', 'r.txt', 'v1', 10, 'f2023'), doc('c', 'r.txt', 'v2', 10, 'fprev')], [{ id: 'f2023', name: '2023', parentId: ROOT, createdAt: 1 }, { id: 'fprev', name: 'previous', parentId: ROOT, createdAt: 2 }]),
      [md('previous/r.txt', 'p'), md('current/r.txt', 'c', 'v2')], [listed('previous/r.txt'), listed('current/r.txt', 'v2')],
      ['1: copy current/r.txt -> previous/r.txt if 2222', '0: copy previous/r.txt -> 2023/r.txt if 1111', 'delete current/r.txt']],
    ['two same-size documents that swapped names: a cycle, so one is downloaded again, after the other is copied',
      tree([doc('a', 'y.txt'), doc('b', 'x.txt', 'v2')]), [md('x.txt', 'a'), md('y.txt', 'b', 'v2')], [listed('x.txt'), listed('y.txt', 'v2')],
      ['0: copy x.txt -> y.txt if 1111', '1: upload x.txt renamed']],
    ['a new version written over a key that a rename copies from waits for that copy',
      tree([doc('a', 'moved.txt'), doc('b', 'a.txt', 'v2')]), [md('a.txt', 'a')], [listed('a.txt')],
      ['0: copy a.txt -> moved.txt if 1111', '1: upload a.txt changed']],
  ])('%s', (_title, source, entries, inventory, expected) => {
    expect(staged(plan(source, inventory, { entries: new Map(entries) }, OPTIONS))).toEqual(expected);
  });

  it('without ordering (scale-out shards), a copy whose source the plan rewrites becomes an upload', () => {
    const decided = plan(tree([doc('a', 'moved.txt'), doc('b', 'a.txt', 'v2')]), [listed('a.txt')], { entries: new Map([md('a.txt', 'a')]) }, { ...OPTIONS, orderedCopies: false });
    expect(staged(decided)).toEqual(['0: upload moved.txt renamed', '0: upload a.txt changed']);
  });

  it('after a lost manifest, the object whose metadata names the version (and whose ETag shows its bytes) is the copy source', () => {
    const moved = obj('old.txt', 10, md5('1'), { 'workdocs-document-id': 'a', 'workdocs-version-id': 'a-v1' });
    expect(staged(plan(tree([doc('a', 'new.txt')]), [moved], NONE, OPTIONS))).toEqual(['0: copy old.txt -> new.txt if 1111', 'delete old.txt']);
  });
});

describe('plan: the rest of what a careless run must not get wrong', () => {
  it('an object deleted behind the tool\'s back is uploaded again as missing, not new', () => {
    expect(summary(plan(tree([doc('a', 'a.txt')]), [], manifest([['a.txt', 'a', 'a-v1']]), OPTIONS).actions)).toEqual(['upload a.txt missing']);
  });
  it('a folder whose listing failed gets no marker', () => {
    const folders = [{ id: 'f1', name: 'ok', parentId: ROOT, createdAt: 1 }, { id: 'f2', name: 'failed', parentId: ROOT, createdAt: 1 }];
    expect(summary(plan(tree([], folders), [], NONE, { ...OPTIONS, listingComplete: false, unlistedFolders: new Set(['f2']) }).actions)).toEqual(['marker ok/']);
  });
  it('archive keys keep within S3\'s 1,024 bytes, distinct and stable', () => {
    const long = `${'d'.repeat(500)}/${'n'.repeat(480)}.txt`;
    const options = { prefix: '', archivePrefix: `${'a'.repeat(100)}/`, archiveRunFolder: '2024-01-01T00-00-00-000Z' };
    const key = archiveKey(long, options);
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
    expect(key.startsWith(`${'a'.repeat(100)}/2024-01-01T00-00-00-000Z/%%`)).toBe(true);
    expect(key.endsWith('.txt')).toBe(true);
    expect(archiveKey(long, options)).toBe(key);
    expect(archiveKey(`${long}x`, options)).not.toBe(key);
    expect(archiveKey('short/a.txt', options)).toBe(`${'a'.repeat(100)}/2024-01-01T00-00-00-000Z/short/a.txt`);
  });
});

describe('keysToReadBack and versionsHeld: what must be known before the plan', () => {
  it('reads back only objects whose metadata names the wanted version and whose ETag shows no MD5', () => {
    const inventory = [
      obj('mp.txt', 10, 'x-2', { 'workdocs-version-id': 'a-v1' }),
      obj('single.txt', 10, md5('1'), { 'workdocs-version-id': 'b-v1' }),
      obj('old.txt', 10, 'x-2', { 'workdocs-version-id': 'c-v0' }),
      obj('unprobed.txt', 10, 'x-2'),
    ];
    expect(keysToReadBack(tree([doc('a', 'mp.txt'), doc('b', 'single.txt'), doc('c', 'old.txt'), doc('d', 'unprobed.txt')]), inventory, '')).toEqual(['mp.txt']);
  });
  it.each<[string, InventoryObject[], Manifest, string[] | undefined]>([
    ['every object has an entry: the versions recorded', [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), ['a-v1']],
    ['markers and remembered foreign objects are accounted for', [obj('x/', 0), obj('f.bin', 10, 'e-1')], { entries: new Map(), foreign: new Map([['f.bin', 'e-1']]) }, []],
    ['an object nobody accounts for (a lost manifest) may hold any version', [obj('a.txt')], NONE, undefined],
  ])('%s', (_title, inventory, recorded, expected) => {
    const held = versionsHeld(inventory, recorded);
    expect(held === undefined ? undefined : [...held]).toEqual(expected);
  });
});

describe('plan: objects in an archive storage class (GLACIER, DEEP_ARCHIVE) cannot be copied, so a rename downloads again', () => {
  const inClass = (object: InventoryObject, storageClass: string): InventoryObject => ({ ...object, storageClass });

  it.each<[string, SourceTree, InventoryObject[], Manifest, string[]]>([
    ['a renamed GLACIER object is uploaded again, then the old key goes (its version is kept at the new one)', tree([doc('a', 'new.txt')]),
      [inClass(obj('old.txt'), 'GLACIER')], manifest([['old.txt', 'a', 'a-v1']]),
      ['upload new.txt renamed', 'delete old.txt after new.txt']],
    ['a moved DEEP_ARCHIVE object too', tree([doc('a', 'a.txt', 'v1', 10, 'f1')], [{ id: 'f1', name: 'sub', parentId: ROOT, createdAt: 1 }]),
      [inClass(obj('a.txt'), 'DEEP_ARCHIVE')], manifest([['a.txt', 'a', 'a-v1']]),
      ['upload sub/a.txt renamed', 'delete a.txt after sub/a.txt']],
    ['after a lost manifest, an archived object whose metadata names the version is no copy source either', tree([doc('a', 'new.txt')]),
      [inClass(obj('old.txt', 10, md5('1'), { 'workdocs-document-id': 'a', 'workdocs-version-id': 'a-v1' }), 'GLACIER')], NONE,
      ['upload new.txt renamed', 'delete old.txt after new.txt']],
    ['GLACIER_IR is read like STANDARD: the rename is a copy', tree([doc('a', 'new.txt')]),
      [inClass(obj('old.txt'), 'GLACIER_IR')], manifest([['old.txt', 'a', 'a-v1']]),
      ['copy old.txt -> new.txt', 'delete old.txt after new.txt']],
    ['so are STANDARD_IA and INTELLIGENT_TIERING', tree([doc('a', 'new.txt'), doc('b', 'new2.txt')]),
      [inClass(obj('old.txt'), 'STANDARD_IA'), inClass(obj('old2.txt'), 'INTELLIGENT_TIERING')], manifest([['old.txt', 'a', 'a-v1'], ['old2.txt', 'b', 'b-v1']]),
      ['copy old.txt -> new.txt', 'copy old2.txt -> new2.txt', 'delete old.txt after new.txt', 'delete old2.txt after new2.txt']],
    ['where the version is held twice, the readable object is the copy source (the archived one is the stale one)', tree([doc('a', 'c.txt')]),
      [inClass(obj('a.txt'), 'GLACIER'), obj('b.txt')], manifest([['a.txt', 'a', 'a-v1'], ['b.txt', 'a', 'a-v1']]),
      ['copy b.txt -> c.txt', 'delete a.txt after c.txt', 'delete b.txt after c.txt']],
    ['an unchanged archived object is skipped, like any other', tree([doc('a', 'a.txt')]),
      [inClass(obj('a.txt'), 'DEEP_ARCHIVE')], manifest([['a.txt', 'a', 'a-v1']]),
      ['skip a.txt unchanged']],
  ])('%s', (_title, source, inventory, recorded, expected) => {
    expect(summary(plan(source, inventory, recorded, OPTIONS).actions)).toEqual(expected);
  });

  it('an archived object is not read back to be adopted (GetObject would refuse): it is uploaded again', () => {
    const archived = inClass({ ...obj('a.txt', 10, 'x-2', { 'workdocs-version-id': 'a-v1' }) }, 'GLACIER');
    expect(keysToReadBack(tree([doc('a', 'a.txt')]), [archived], '')).toEqual([]);
    expect(keysToReadBack(tree([doc('a', 'a.txt')]), [{ ...archived, storageClass: 'GLACIER_IR' }], '')).toEqual(['a.txt']);
    expect(summary(plan(tree([doc('a', 'a.txt')]), [archived], NONE, OPTIONS).actions)).toEqual(['upload a.txt changed']);
  });
});
