// verify() as a specification: each row is a situation (source, bucket, manifest) and the discrepancies it must report.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkContent, countDiscrepancies, discrepancyCsv, isExact, mergeSlices, sliceOfKey, verify, type Discrepancy, type SliceReport, type VerifyOptions } from '../../src/core/verify.js';
import { historyKey, versionFileName } from '../../src/core/history.js';
import type { InventoryObject, Manifest, SourceDocument, SourceTree } from '../../src/core/types.js';

const ROOT = 'root';
const md5 = (c: string): string => c.repeat(32).slice(0, 32);

/** `signature` null: WorkDocs gave none. */
function doc(id: string, name: string, version = 'v1', size = 10, signature: string | null = md5(version.at(-1)!)): SourceDocument {
  return { id, parentId: ROOT, name, createdAt: 1, modifiedAt: 1, versionId: `${id}-${version}`, size, md5: signature ?? undefined, contentType: 'text/plain' };
}
function tree(documents: SourceDocument[], folders: SourceTree['folders'] = []): SourceTree {
  return { rootId: ROOT, folders, documents };
}
/** A single-part object: its ETag is the MD5 of its bytes. */
function obj(key: string, size = 10, etag = md5('1'), metadata?: Record<string, string>): InventoryObject {
  return { key, size, etag, lastModified: 0, ...(metadata ? { metadata } : {}) };
}
/** Entries as a run records them: the MD5 of the bytes, which the single-part ETag shows. */
function manifest(rows: [key: string, documentId: string, versionId: string, size?: number, md5?: string][], foreign?: [string, string][]): Manifest {
  return {
    entries: new Map(rows.map(([key, documentId, versionId, size, m]) => [key, { documentId, versionId, size: size ?? 10, md5: m ?? md5('1') }])),
    ...(foreign ? { foreign: new Map(foreign) } : {}),
  };
}
const NONE: Manifest = { entries: new Map() };
const OPTIONS: VerifyOptions = { prefix: '', archivePrefix: '', folderMarkers: 'empty', deleteForeign: false };

/** `kind key` (+ `owner`, + `passes` when it does not fail the verdict): the shape of each row's expectations. */
function summary(discrepancies: readonly Discrepancy[]): string[] {
  return discrepancies.map((d) => `${d.kind}${d.owner ? `-${d.owner}` : ''} ${d.key}${d.fails ? '' : ' passes'}`);
}

describe('verify: what the listings alone show', () => {
  it.each<[string, SourceTree, InventoryObject[], Manifest, Partial<VerifyOptions>, string[]]>([
    ['an exact mirror has no discrepancy', tree([doc('a', 'a.txt'), doc('b', 'b.txt')]), [obj('a.txt'), obj('b.txt')],
      manifest([['a.txt', 'a', 'a-v1'], ['b.txt', 'b', 'b-v1']]), {}, []],
    ['an object deleted behind the tool\'s back is missing', tree([doc('a', 'a.txt')]), [], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['missing a.txt']],
    ['a document never synced is missing', tree([doc('a', 'a.txt')]), [], NONE, {}, ['missing a.txt']],
    ['an object whose document was deleted in WorkDocs is extra, and the tool\'s own', tree([]), [obj('gone.txt')],
      manifest([['gone.txt', 'g', 'g-v1']]), {}, ['extra-own gone.txt']],
    ['with delete_stale off, the tool\'s own extra object is listed but does not fail the verdict (a sync keeps it)', tree([]), [obj('gone.txt')],
      manifest([['gone.txt', 'g', 'g-v1']]), { deleteStale: false }, ['extra-own gone.txt passes']],
    ['a foreign object is extra-foreign and does not fail the verdict', tree([doc('a', 'a.txt')]), [obj('a.txt'), obj('notes.txt', 5, md5('9'))],
      manifest([['a.txt', 'a', 'a-v1']], [['notes.txt', md5('9')]]), {}, ['extra-foreign notes.txt passes']],
    ['a foreign object fails the verdict when delete_foreign says a sync would remove it', tree([]), [obj('notes.txt', 5, md5('9'))],
      manifest([], [['notes.txt', md5('9')]]), { deleteForeign: true }, ['extra-foreign notes.txt']],
    ['a new version in WorkDocs leaves the old one stale', tree([doc('a', 'a.txt', 'v2')]), [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), {},
      ['stale a.txt']],
    ['an object of the right version but another size (truncated) has the wrong size', tree([doc('a', 'a.txt')]), [obj('a.txt', 7)],
      manifest([['a.txt', 'a', 'a-v1']]), {}, ['wrong-size a.txt']],
    ['an ETag other than the recorded one (an overwrite of the same size) is modified', tree([doc('a', 'a.txt')]), [obj('a.txt', 10, md5('f'))],
      manifest([['a.txt', 'a', 'a-v1']]), {}, ['modified a.txt']],
    ['a rename in WorkDocs not yet synced: the new key is missing, the old one extra', tree([doc('a', 'b.txt')]), [obj('a.txt')],
      manifest([['a.txt', 'a', 'a-v1']]), {}, ['extra-own a.txt', 'missing b.txt']],
    ['a foreign object at a document\'s key: the document is missing, the object extra-foreign', tree([doc('a', 'a.txt')]), [obj('a.txt', 10, md5('9'))],
      manifest([], [['a.txt', md5('9')]]), {}, ['extra-foreign a.txt passes', 'missing a.txt']],
    ['an empty folder without its marker is missing; with it, exact', tree([], [{ id: 'f', name: 'empty', parentId: ROOT, createdAt: 1 }]), [], NONE, {},
      ['missing empty/']],
    ['with folder markers off, an empty folder needs none', tree([], [{ id: 'f', name: 'empty', parentId: ROOT, createdAt: 1 }]), [], NONE, { folderMarkers: 'none' }, []],
    ['a marker of a folder gone from WorkDocs is extra', tree([]), [obj('old/', 0, md5('0'))], NONE, {}, ['extra-own old/']],
    ['the original script\'s object (metadata names the version, its ETag shows the Signature) is in place', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, md5('1'), { 'workdocs-version-id': 'a-v1' })], NONE, {}, []],
    ['metadata naming the version over other bytes is modified', tree([doc('a', 'a.txt')]),
      [obj('a.txt', 10, md5('7'), { 'workdocs-version-id': 'a-v1' })], NONE, {}, ['modified a.txt']],
    ['metadata naming an older version is stale', tree([doc('a', 'a.txt', 'v2')]),
      [obj('a.txt', 10, md5('1'), { 'workdocs-version-id': 'a-v1', 'workdocs-document-id': 'a' })], NONE, {}, ['stale a.txt']],
    ['a manifest entry whose MD5 is not the Signature is a content mismatch, from the listing alone', tree([doc('a', 'a.txt')]), [obj('a.txt', 10, md5('4'))],
      manifest([['a.txt', 'a', 'a-v1', 10, md5('4')]]), {}, ['content-mismatch a.txt']],
    ['objects in the archive area are not part of the mirror', tree([doc('a', 'a.txt')]), [obj('a.txt'), obj('archive/old.txt')],
      manifest([['a.txt', 'a', 'a-v1']]), { archivePrefix: 'archive/' }, []],
    ['under a prefix, only the prefix is compared', tree([doc('a', 'a.txt')]), [obj('backup/a.txt')],
      manifest([['backup/a.txt', 'a', 'a-v1']]), { prefix: 'backup/' }, []],
  ])('%s', (_name, source, inventory, recorded, options, expected) => {
    const result = verify(source, inventory, recorded, { ...OPTIONS, ...options });
    expect(summary(result.discrepancies)).toEqual(expected);
    expect(isExact(result.discrepancies)).toBe(!result.discrepancies.some((d) => d.fails));
  });

  it('names what was expected and what was found', () => {
    const result = verify(tree([doc('a', 'a.txt', 'v2', 12)]), [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), OPTIONS);
    expect(result.discrepancies).toEqual([expect.objectContaining({
      kind: 'stale', key: 'a.txt', documentId: 'a', expectedVersionId: 'a-v2', foundVersionId: 'a-v1', expectedSize: 12, foundSize: 10, expectedMd5: md5('2'),
    })]);
  });

  it('a rename says where the version lies now, and where it belongs', () => {
    const [extra, missing] = verify(tree([doc('a', 'b.txt')]), [obj('a.txt')], manifest([['a.txt', 'a', 'a-v1']]), OPTIONS).discrepancies;
    expect(extra!.detail).toContain('"b.txt"');
    expect(missing!.detail).toContain('"a.txt"');
  });

  it('lists the documents in place, with what their bytes must hash to', () => {
    // m.txt: a multipart object whose MD5 no run recorded (only the ETag S3 answered).
    const recorded = manifest([['a.txt', 'a', 'a-v1'], ['n.txt', 'n', 'n-v1', 10, md5('1')]]);
    const entries = new Map([...recorded.entries, ['m.txt', { documentId: 'm', versionId: 'm-v1', size: 10, md5: '', etag: 'abc-2' }]]);
    const result = verify(tree([doc('a', 'a.txt'), doc('n', 'n.txt', 'v1', 10, null), doc('m', 'm.txt', 'v1', 10, null)]),
      [obj('a.txt'), obj('n.txt'), obj('m.txt', 10, 'abc-2')], { entries }, OPTIONS);
    expect(result.discrepancies).toEqual([]);
    expect(result.documents).toBe(3);
    expect(result.matched.map((m) => [m.key, m.referenceMd5])).toEqual([['a.txt', md5('1')], ['m.txt', undefined], ['n.txt', md5('1')]]);
  });
});

describe('verify with versions: all — every stored version is compared', () => {
  const JAN = Date.UTC(2024, 0, 1);
  /** Document a: version a-v2 is the latest, a-v1 an older one (its own Signature md5('1')). */
  const latest = doc('a', 'a.txt', 'v2');
  const older = (id = 'a', version = 'v1'): SourceDocument => ({ ...doc(id, `${id}.txt`, version), createdAt: JAN, history: true });
  const H = (id = 'a', version = 'v1', prefix = ''): string => historyKey(prefix, `${prefix}${id}.txt`, id, versionFileName(older(id, version)));
  const withVersions = (documents: SourceDocument[], versions: SourceDocument[]): SourceTree => ({ ...tree(documents), versions });
  /** The mirror of `latest` and its older version as a sync leaves it: both objects, both in the manifest. */
  const stored = (): InventoryObject[] => [obj('a.txt', 10, md5('2')), obj(H())];
  const recorded = (): Manifest => manifest([['a.txt', 'a', 'a-v2', 10, md5('2')], [H(), 'a', 'a-v1']]);

  it('names the history keys as sync stores them (the layout these rows rely on)', () => {
    expect(H()).toBe('.history/a.txt/2024-01-01T00-00-00Z_a-v1.txt');
  });

  it.each<[string, SourceTree, InventoryObject[], Manifest, Partial<VerifyOptions>, string[]]>([
    ['the document and its older version in place: exact', withVersions([latest], [older()]), stored(), recorded(), {}, []],
    ['an older version deleted behind the tool\'s back is missing', withVersions([latest], [older()]), [obj('a.txt', 10, md5('2'))], recorded(), {},
      [`missing ${H()}`]],
    ['an older version overwritten with other bytes (another ETag) is modified', withVersions([latest], [older()]),
      [obj('a.txt', 10, md5('2')), obj(H(), 10, md5('e'))], recorded(), {}, [`modified ${H()}`]],
    ['a version deleted in WorkDocs leaves its stored object orphaned', withVersions([latest], []), stored(), recorded(), {},
      [`orphaned-version ${H()}`]],
    ['a document deleted in WorkDocs: its latest is extra, its stored versions orphaned', withVersions([], []), stored(), recorded(), {},
      [`orphaned-version ${H()}`, 'extra-own a.txt']],
    ['with delete_stale off, an orphaned version is listed but does not fail the verdict (a sync keeps it)', withVersions([latest], []), stored(), recorded(),
      { deleteStale: false }, [`orphaned-version ${H()} passes`]],
    ['a rename not yet synced: the history at the old path is extra (its version is wanted elsewhere), not orphaned',
      withVersions([{ ...latest, name: 'b.txt' }], [{ ...older(), name: 'b.txt' }]), stored(), recorded(), {},
      [`extra-own ${H()}`, `missing .history/b.txt/2024-01-01T00-00-00Z_a-v1.txt`, 'extra-own a.txt', 'missing b.txt']],
    ['audited with versions: latest, a stored older version is the tool\'s extra object (a sync with latest removes it), not orphaned',
      tree([latest]), stored(), recorded(), {}, [`extra-own ${H()}`]],
    ['the sidecars of metadata: sidecars are not mirrored objects: not reported', withVersions([latest], [older()]),
      [...stored(), obj('.metadata/a.txt.json', 40, md5('j'))], recorded(), { deleteForeign: true }, []],
  ])('%s', (_name, source, inventory, manifestRows, options, expected) => {
    const result = verify(source, inventory, manifestRows, { ...OPTIONS, ...options });
    expect(summary(result.discrepancies)).toEqual(expected);
  });

  it('counts documents and older versions apart, and reads every stored version back against its own Signature', () => {
    const result = verify(withVersions([latest], [older()]), stored(), recorded(), OPTIONS);
    expect([result.documents, result.versions]).toEqual([1, 1]);
    expect(result.matched.map((m) => [m.key, m.versionId, m.referenceMd5, m.history ?? false])).toEqual([
      [H(), 'a-v1', md5('1'), true],
      ['a.txt', 'a-v2', md5('2'), false],
    ]);
    const content = checkContent(result.matched, new Map([[H(), md5('2')], ['a.txt', md5('2')]]));
    expect(summary(content.discrepancies)).toEqual([`content-mismatch ${H()}`]);
    expect(content.discrepancies[0]).toMatchObject({ expectedVersionId: 'a-v1', expectedMd5: md5('1'), foundMd5: md5('2') });
    expect(content.discrepancies[0]!.detail).toContain('older version');
  });

  it('says whether the document or only the version is gone', () => {
    const [versionGone] = verify(withVersions([latest], []), stored(), recorded(), OPTIONS).discrepancies;
    expect(versionGone).toMatchObject({ kind: 'orphaned-version', documentId: 'a', foundVersionId: 'a-v1', fails: true });
    expect(versionGone!.detail).toMatch(/version a-v1 that document a no longer has/);
    const [documentGone] = verify(withVersions([], []), stored(), recorded(), OPTIONS).discrepancies;
    expect(documentGone!.detail).toMatch(/document a no longer exists/);
    expect(discrepancyCsv([versionGone!]).split('\r\n')[1]).toMatch(/^orphaned-version,\.history\/a\.txt\/2024-01-01T00-00-00Z_a-v1\.txt,,true,a,,,a-v1,/);
  });
});

describe('checkContent: the bytes read back against the Signature', () => {
  const matched = [
    { key: 'a.txt', documentId: 'a', versionId: 'a-v1', size: 10, referenceMd5: md5('1') },
    { key: 'b.txt', documentId: 'b', versionId: 'b-v1', size: 10, referenceMd5: md5('2') },
    { key: 'c.txt', documentId: 'c', versionId: 'c-v1', size: 10, referenceMd5: undefined },
    { key: 'd.txt', documentId: 'd', versionId: 'd-v1', size: 10, referenceMd5: md5('4') },
  ];
  it.each<[string, [string, string | undefined][], string[], number, string[]]>([
    ['bytes that hash to the Signature are verified; none to compare with is unverifiable, not a failure',
      [['a.txt', md5('1')], ['b.txt', md5('2')], ['c.txt', md5('3')], ['d.txt', md5('4')]], [], 3, ['c.txt']],
    ['other bytes of the same size are a content mismatch',
      [['a.txt', md5('1')], ['b.txt', md5('9')], ['c.txt', md5('3')], ['d.txt', md5('4')]], ['content-mismatch b.txt'], 2, ['c.txt']],
    ['an object gone when read back is missing',
      [['a.txt', md5('1')], ['b.txt', md5('2')], ['c.txt', md5('3')], ['d.txt', undefined]], ['missing d.txt'], 2, ['c.txt']],
  ])('%s', (_name, readBack, expected, verified, unverifiable) => {
    const result = checkContent(matched, new Map(readBack));
    expect(summary(result.discrepancies)).toEqual(expected);
    expect(result.verified).toBe(verified);
    expect(result.unverifiable).toEqual(unverifiable);
  });

  it('a key that was not read back is a caller\'s bug, never a pass', () => {
    expect(() => checkContent(matched, new Map([['a.txt', md5('1')]]))).toThrow(/b\.txt was not read back/);
  });
});

describe('counts and CSV', () => {
  const discrepancies: Discrepancy[] = [
    { kind: 'missing', key: 'a.txt', fails: true, detail: 'x' },
    { kind: 'stale', key: 'b.txt', fails: true, detail: 'x' },
    { kind: 'content-mismatch', key: 'c.txt', fails: true, detail: 'x' },
    { kind: 'extra', key: 'd.txt', owner: 'own', fails: true, detail: 'x' },
    { kind: 'extra', key: 'e.txt', owner: 'foreign', fails: false, detail: 'x' },
  ];
  it('mismatched sums stale, wrong size, modified and content mismatch; extra counts both owners and the orphaned versions', () => {
    expect(countDiscrepancies(discrepancies, 7, 1)).toEqual({ verified: 7, missing: 1, mismatched: 2, extra: 2, extraForeign: 1, orphanedVersions: 0, unverifiable: 1 });
    const orphaned: Discrepancy = { kind: 'orphaned-version', key: '.history/f.txt/2024-01-01T00-00-00Z_f-v1.txt', fails: true, detail: 'x' };
    expect(countDiscrepancies([...discrepancies, orphaned], 7, 1)).toMatchObject({ extra: 3, extraForeign: 1, orphanedVersions: 1 });
  });
  it('a foreign extra alone leaves the mirror exact', () => {
    expect(isExact(discrepancies.slice(4))).toBe(true);
    expect(isExact(discrepancies)).toBe(false);
  });
  it.each<[string, string, string]>([
    ['a plain key', 'a.txt', 'a.txt'],
    ['commas and quotes are quoted', 'a, "b".txt', '"a, ""b"".txt"'],
    ['a newline in a key stays inside its field', 'a\nb', '"a\nb"'],
    ['a leading = does not become a spreadsheet formula', '=cmd()', '\'=cmd()'],
  ])('CSV: %s', (_name, key, field) => {
    const csv = discrepancyCsv([{ kind: 'missing', key, fails: true, detail: 'gone' }]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('kind,key,owner,fails,document_id,folder_id,expected_version_id,found_version_id,expected_size,found_size,expected_md5,found_md5,detail');
    expect(row).toBe(`missing,${field},,true,,,,,,,,,gone`);
  });
});

describe('slices: a matrix of verify jobs', () => {
  const source = tree(Array.from({ length: 12 }, (_, i) => doc(`d${i}`, `doc-${i}.txt`, i % 3 === 0 ? 'v2' : 'v1')));
  const inventory = [...Array.from({ length: 10 }, (_, i) => obj(`doc-${i}.txt`)), obj('foreign.txt', 3, md5('9')), obj('gone.txt')];
  const recorded = manifest([...Array.from({ length: 10 }, (_, i): [string, string, string] => [`doc-${i}.txt`, `d${i}`, `d${i}-v1`]), ['gone.txt', 'g', 'g-v1']], [['foreign.txt', md5('9')]]);

  it('every key is in exactly one slice, and the slices together report what one job reports', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), (count) => {
      const whole = verify(source, inventory, recorded, OPTIONS);
      const slices = Array.from({ length: count }, (_, index) => verify(source, inventory, recorded, { ...OPTIONS, slice: { index, count } }));
      const joined = slices.flatMap((s) => s.discrepancies).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.kind < b.kind ? -1 : 1));
      expect(joined).toEqual(whole.discrepancies);
      expect(slices.flatMap((s) => s.matched.map((m) => m.key)).sort()).toEqual(whole.matched.map((m) => m.key));
      expect(slices.reduce((n, s) => n + s.documents, 0)).toBe(whole.documents);
    }));
  });

  it('a key\'s slice is stable and within range', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 256 }), (key, count) => {
      const slice = sliceOfKey(key, count);
      expect(slice).toBeGreaterThanOrEqual(0);
      expect(slice).toBeLessThan(count);
      expect(sliceOfKey(key, count)).toBe(slice);
    }));
  });

  const sliceReport = (index: number, count: number, discrepancies: Discrepancy[], over: Partial<SliceReport> = {}): SliceReport => ({
    source: `slice-${index}.json`, bucket: 'b', prefix: '', rootFolderId: 'root', exitCode: isExact(discrepancies) ? 0 : 1,
    verify: { exact: isExact(discrepancies), contentChecked: true, documents: 2, counts: countDiscrepancies(discrepancies, 2 - discrepancies.length, 0), discrepancies, unverifiable: [], slice: { index, count } },
    ...over,
  });
  const missing = (key: string): Discrepancy => ({ kind: 'missing', key, fails: true, detail: 'x' });

  it.each<[string, SliceReport[], string]>([
    ['every slice exact: exact', [sliceReport(0, 2, []), sliceReport(1, 2, [])], 'exact 4 documents, 4 verified'],
    ['one slice with a discrepancy: not exact, its key named', [sliceReport(1, 2, [missing('b')]), sliceReport(0, 2, [missing('a')])], 'not exact 4 documents, 2 verified: a b'],
    ['a slice that stopped early: no verdict', [sliceReport(0, 2, []), { source: 'slice-1.json', bucket: 'b', prefix: '', rootFolderId: 'root', exitCode: 3, fatal: 'listing failed', verify: undefined }],
      'no verdict (1 of 2 slice(s) have no verdict, first: slice-1.json: listing failed) 2 documents, 2 verified'],
    ['a slice missing from the directory: bad input', [sliceReport(0, 3, []), sliceReport(2, 3, [])], 'problem: slice(s) 1 of 3 have no report'],
    ['a slice twice: bad input', [sliceReport(0, 2, []), sliceReport(0, 2, []), sliceReport(1, 2, [])], 'problem: slice 0/2 is reported twice (slice-0.json, slice-0.json)'],
    ['slices of different counts: bad input', [sliceReport(0, 2, []), sliceReport(1, 3, [])], 'problem: slice-1.json is slice 1/3, others are of 2'],
    ['reports of another mirror: bad input', [sliceReport(0, 2, []), sliceReport(1, 2, [], { prefix: 'other/' })], 'problem: slice-1.json audits s3://b/other/ (folder root), slice-0.json s3://b/ (folder root)'],
    ['no slice report at all: bad input', [], 'problem: no report of a verify_slice job was found'],
  ])('mergeSlices: %s', (_name, reports, expected) => {
    const merged = mergeSlices(reports);
    if ('problem' in merged) {
      expect(`problem: ${merged.problem}`).toBe(expected);
      return;
    }
    const { summary, noVerdict } = merged;
    const verdict = noVerdict !== undefined ? `no verdict (${noVerdict})` : summary.exact ? 'exact' : 'not exact';
    const keys = summary.discrepancies.length > 0 ? `: ${summary.discrepancies.map((d) => d.key).join(' ')}` : '';
    expect(`${verdict} ${summary.documents} documents, ${summary.counts.verified} verified${keys}`).toBe(expected);
  });
});
