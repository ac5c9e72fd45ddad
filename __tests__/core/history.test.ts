// The history layout (versions: all) as a specification: where each older version lies, which documents a run
// must describe, and what plan() does with older versions (tables); the file name mapping over random input (fast-check).
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  historyKey,
  historyNeeds,
  historyTime,
  parseVersionFileName,
  sameHistories,
  versionFileName,
  withHistories,
} from '../../src/core/history.js';
import { MAX_KEY_BYTES, MAX_PREFIX_BYTES } from '../../src/core/keys.js';
import { decodeManifest, encodeManifest } from '../../src/core/manifest.js';
import { plan, type PlanOptions, type PlannedAction } from '../../src/core/plan.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceTree } from '../../src/core/types.js';

const ROOT = 'root';
const T1 = Date.UTC(2024, 2, 1, 12, 30, 5, 123); // 2024-03-01T12-30-05Z
const T2 = Date.UTC(2024, 5, 9, 8, 0, 0); // 2024-06-09T08-00-00Z
const md5 = (c: string): string => c.repeat(32).slice(0, 32);

function doc(id: string, name: string, version: string, parentId = ROOT): SourceDocument {
  return { id, parentId, name, createdAt: 1, modifiedAt: 1, versionId: version, size: 10, md5: md5(version.at(-1)!), contentType: 'text/plain' };
}
function older(id: string, name: string, version: string, createdAt: number): SourceDocument {
  return { ...doc(id, name, version), createdAt, modifiedAt: createdAt, history: true };
}
function tree(documents: SourceDocument[], versions?: SourceDocument[], extra: Partial<SourceTree> = {}): SourceTree {
  return { rootId: ROOT, folders: [], documents, ...(versions ? { versions } : {}), ...extra };
}
function obj(key: string): InventoryObject {
  return { key, size: 10, etag: 'abc-1', lastModified: 0 };
}
function entry(documentId: string, versionId: string): ManifestEntry {
  return { documentId, versionId, size: 10, md5: md5(versionId.at(-1)!), etag: 'abc-1' };
}
function manifest(rows: [string, string, string][], histories?: [string, string[]][]): Manifest {
  return { entries: new Map(rows.map(([key, d, v]) => [key, entry(d, v)])), ...(histories ? { histories: new Map(histories) } : {}) };
}
const OPTIONS: PlanOptions = {
  prefix: '', archivePrefix: '', archiveRunFolder: 'run1', deleteStale: true,
  maxDelete: { count: undefined, percent: undefined }, folderMarkers: 'none', listingComplete: true,
};
function summary(actions: readonly PlannedAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'upload': return `upload ${a.key} ${a.reason}${a.stage ? ` stage ${a.stage}` : ''}${a.refused ? ' refused' : ''}`;
      case 'skip': return `skip ${a.key} ${a.reason}`;
      case 'copy': return `copy ${a.fromKey} -> ${a.key}${a.stage ? ` stage ${a.stage}` : ''}`;
      case 'marker': return `marker ${a.key}`;
      case 'delete': return `delete ${a.key} ${a.reason}`;
      case 'archive': return `archive ${a.key} -> ${a.toKey} ${a.reason}`;
    }
  });
}

const V1 = '.history/a.txt/2024-03-01T12-30-05Z_v1.txt';

describe('the name of an older version', () => {
  it.each<[string, Pick<SourceDocument, 'versionId' | 'createdAt' | 'name'>, string]>([
    ['creation time (whole seconds, UTC, no colons), id, extension of that version\'s name', { versionId: 'v1', createdAt: T1, name: 'a.txt' }, '2024-03-01T12-30-05Z_v1.txt'],
    ['the version\'s own extension, not the document\'s current one', { versionId: 'v1', createdAt: T1, name: 'report.docx' }, '2024-03-01T12-30-05Z_v1.docx'],
    ['no extension', { versionId: 'v1', createdAt: T1, name: 'README' }, '2024-03-01T12-30-05Z_v1'],
    ['an id with characters keys escape', { versionId: 'v/1%', createdAt: T1, name: 'a.txt' }, '2024-03-01T12-30-05Z_v%2F1%25.txt'],
    ['a time WorkDocs did not give', { versionId: 'v1', createdAt: Number.NaN, name: 'a.txt' }, '1970-01-01T00-00-00Z_v1.txt'],
  ])('%s', (_, version, expected) => {
    expect(versionFileName(version)).toBe(expected);
    expect(versionFileName(version)).not.toMatch(/[:\\]/);
  });

  it('is read back to the same name: the creation time (to the second) and the extension', () => {
    fc.assert(fc.property(
      fc.string({ maxLength: 64 }).filter((id) => id !== ''),
      fc.integer({ min: -2e12, max: 4e12 }),
      fc.string({ maxLength: 40 }),
      (versionId, createdAt, name) => {
        const fileName = versionFileName({ versionId, createdAt, name });
        const parsed = parseVersionFileName(fileName, versionId);
        expect(parsed).toBeDefined();
        expect(historyTime(parsed!.createdAt)).toBe(historyTime(createdAt));
        expect(versionFileName({ versionId, createdAt: parsed!.createdAt, name: `version${parsed!.extension}` })).toBe(fileName);
      },
    ), { numRuns: 500 });
  });

  it.each([['not a version file', 'a.txt', 'v1'], ['another version\'s', '2024-03-01T12-30-05Z_v2.txt', 'v1'], ['a bad extension', '2024-03-01T12-30-05Z_v1 x', 'v1']])(
    'is not read from %s', (_, fileName, versionId) => {
      expect(parseVersionFileName(fileName, versionId)).toBeUndefined();
    });
});

describe('the key of an older version', () => {
  it.each<[string, string, string, string]>([
    ['the document\'s relative key as a folder under .history', '', 'Docs/a.txt', '.history/Docs/a.txt/F'],
    ['under the prefix', 'backup/', 'backup/Docs/a.txt', 'backup/.history/Docs/a.txt/F'],
  ])('%s', (_, prefix, documentKey, expected) => {
    expect(historyKey(prefix, documentKey, 'doc-1', 'F')).toBe(expected);
  });

  it('falls back to the document id where the path would not fit in 1024 bytes, and that always fits', () => {
    const prefix = `${'p'.repeat(MAX_PREFIX_BYTES - 1)}/`;
    const documentKey = `${prefix}${'d'.repeat(MAX_KEY_BYTES - MAX_PREFIX_BYTES - 2)}`;
    const fileName = versionFileName({ versionId: 'v'.repeat(128), createdAt: T1, name: 'x.abcdefghijklmno' });
    const key = historyKey(prefix, documentKey, 'i'.repeat(128), fileName);
    expect(key).toBe(`${prefix}.history/%%${'i'.repeat(128)}/${fileName}`);
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    // One byte shorter and the path fits: the usual form.
    const fits = `${prefix}${'d'.repeat(MAX_KEY_BYTES - Buffer.byteLength(`${prefix}.history//${fileName}`))}`;
    expect(historyKey(prefix, fits, 'id', fileName)).toBe(`${prefix}.history/${fits.slice(prefix.length)}/${fileName}`);
    expect(Buffer.byteLength(historyKey(prefix, fits, 'id', fileName))).toBe(MAX_KEY_BYTES);
  });
});

describe('which documents a run must describe', () => {
  const a = doc('a', 'a.txt', 'v2');
  it.each<[string, Manifest, string[], string[]]>([
    ['a document never described (the first `all` run, an older manifest)', manifest([['a.txt', 'a', 'v2']]), ['a'], []],
    ['a document whose latest version is not the recorded one', manifest([['a.txt', 'a', 'v1']], [['a', ['v1']]]), ['a'], []],
    ['a document with a recorded older version no longer at a history key', manifest([['a.txt', 'a', 'v2']], [['a', ['v2', 'v1']]]), ['a'], []],
    ['not a document whose history is intact: its versions are rebuilt from the manifest', manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']], [['a', ['v2', 'v1']]]), [], [V1]],
    ['not a document with one version, described before', manifest([['a.txt', 'a', 'v2']], [['a', ['v2']]]), [], []],
    ['a document whose recorded older version id is stored for another document only', manifest([['a.txt', 'a', 'v2'], [V1, 'b', 'v1']], [['a', ['v2', 'v1']]]), ['a'], []],
  ])('%s', (_, recorded, describeIds, knownKeys) => {
    const needs = historyNeeds([a], recorded, '');
    expect(needs.describe.map((d) => d.id)).toEqual(describeIds);
    expect(needs.known.map((v) => historyKey('', 'a.txt', v.id, versionFileName(v)))).toEqual(knownKeys);
    expect(needs.carried.has('a')).toBe(describeIds.length === 0);
  });

  it('rebuilds a version as the source would give it: same key, size and MD5', () => {
    const [version] = historyNeeds([a], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']], [['a', ['v2', 'v1']]]), '').known;
    expect(version).toMatchObject({ id: 'a', versionId: 'v1', size: 10, md5: md5('1'), history: true, createdAt: Date.UTC(2024, 2, 1, 12, 30, 5) });
  });

  it('records the described versions, never the latest as history, each version once', () => {
    const source = tree([a, doc('b', 'b.txt', 'v9')]);
    const needs = historyNeeds(source.documents, manifest([]), '');
    const described = new Map([['a', [older('a', 'a.txt', 'v2', T2), older('a', 'a.txt', 'v1', T1), older('a', 'a.txt', 'v1', T1)]]]);
    const result = withHistories(source, needs, described, new Map([['b', 'AccessDenied']]));
    expect(result.versions?.map((v) => v.versionId)).toEqual(['v1']);
    expect([...result.histories!]).toEqual([['a', ['v2', 'v1']]]);
    expect([...result.historyFailures!]).toEqual([['b', 'AccessDenied']]);
  });

  it('compares recorded histories by content', () => {
    expect(sameHistories(undefined, new Map())).toBe(true);
    expect(sameHistories(new Map([['a', ['v2', 'v1']]]), new Map([['a', ['v2', 'v1']]]))).toBe(true);
    expect(sameHistories(new Map([['a', ['v2', 'v1']]]), new Map([['a', ['v2']]]))).toBe(false);
    expect(sameHistories(undefined, new Map([['a', ['v2']]]))).toBe(false);
  });
});

describe('plan() with older versions', () => {
  const a2 = doc('a', 'a.txt', 'v2');
  const a1 = older('a', 'a.txt', 'v1', T1);
  it.each<[string, SourceTree, InventoryObject[], Manifest, Partial<PlanOptions>, string[]]>([
    ['the first `all` run uploads every version, the latest at the usual key', tree([a2], [a1]), [], manifest([]), {},
      ['upload a.txt new', `upload ${V1} new`]],
    ['a mirror made with `latest` keeps its key: switching to `all` only adds objects', tree([a2], [a1]), [obj('a.txt')], manifest([['a.txt', 'a', 'v2']]), {},
      ['skip a.txt unchanged', `upload ${V1} new`]],
    ['a no-op: every version skipped', tree([a2], [a1]), [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']]), {},
      ['skip a.txt unchanged', `skip ${V1} unchanged`]],
    ['a new version: the old latest moves into the history by a copy, before its key is overwritten', tree([a2], [a1]), [obj('a.txt')], manifest([['a.txt', 'a', 'v1']]), {},
      ['upload a.txt changed stage 1', `copy a.txt -> ${V1}`]],
    ['a rename: the history moves with the document, by copies', tree([{ ...a2, name: 'b.txt' }], [a1]), [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']]), {},
      ['copy a.txt -> b.txt', `copy ${V1} -> .history/b.txt/2024-03-01T12-30-05Z_v1.txt`, `delete ${V1} moved`, 'delete a.txt moved']],
    ['switching back to `latest`: the history is stale', tree([a2]), [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']]), {},
      ['skip a.txt unchanged', `delete ${V1} stale`]],
    ['a deleted document: its versions are stale like its latest, and archived with archive_prefix', tree([]), [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']]), { archivePrefix: 'old/' },
      [`archive ${V1} -> old/run1/${V1} stale`, 'archive a.txt -> old/run1/a.txt stale']],
    ['a document whose versions could not be listed is kept as the bucket has it, renamed or not', tree([{ ...a2, name: 'b.txt' }], [], { historyFailures: new Map([['a', 'throttled']]) }),
      [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v1'], [V1, 'a', 'v0']]), {},
      ['upload b.txt new refused']],
  ])('%s', (_, source, inventory, recorded, options, expected) => {
    const decided = plan(source, inventory, recorded, { ...OPTIONS, ...options });
    expect(summary(decided.actions)).toEqual(expected);
  });

  it('counts stale history objects against max_delete', () => {
    const decided = plan(tree([doc('a', 'a.txt', 'v2')]), [obj('a.txt'), obj(V1)], manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']]), { ...OPTIONS, maxDelete: { count: 0, percent: undefined } });
    expect(decided.removals).toBe(1);
    expect(decided.deletesBlocked).toMatch(/exceed max_delete/);
  });

  it('hands the histories to record on to the manifest', () => {
    const histories = new Map([['a', ['v2', 'v1']]]);
    expect(plan(tree([a2], [a1], { histories }), [], manifest([]), OPTIONS).histories).toBe(histories);
    expect(plan(tree([a2]), [], manifest([]), OPTIONS).histories).toBeUndefined();
  });
});

describe('the manifest remembers the described histories', () => {
  const meta = { rootFolderId: ROOT, prefix: '', updatedAt: '2024-01-01T00:00:00.000Z' };
  it('writes and reads them back in the header; the rows keep their format', () => {
    const withRecord = manifest([['a.txt', 'a', 'v2'], [V1, 'a', 'v1']], [['b', ['v5']], ['a', ['v2', 'v1']]]);
    const text = encodeManifest(withRecord, meta);
    const decoded = decodeManifest(text);
    expect(decoded.ok && [...decoded.manifest.histories!]).toEqual([['a', ['v2', 'v1']], ['b', ['v5']]]);
    // What an older reader reads: the same rows, and a header with one member more, which it does not look at.
    const plain = encodeManifest({ entries: withRecord.entries }, meta);
    expect(text.split('\n').slice(1)).toEqual(plain.split('\n').slice(1));
    expect(JSON.parse(`${text.split('\n')[0]!.slice(0, -',"rows":['.length)}}`)).toMatchObject({ histories: [['a', 'v2', 'v1'], ['b', 'v5']] });
  });

  it.each([['absent (an older manifest, or `latest`)', undefined], ['malformed: dropped whole, so every history is described again', [['a']]], ['not strings', [['a', 1]]]])(
    'reads none where they are %s', (_, histories) => {
      const header = { format: 'workdocs-s3-sync/manifest', version: 1, rootFolderId: ROOT, prefix: '', updatedAt: '', ...(histories ? { histories } : {}) };
      const rows: unknown[] = [];
      const decoded = decodeManifest(JSON.stringify({ ...header, checksum: createHash('sha256').update(JSON.stringify(rows)).digest('hex'), rows }));
      expect(decoded.ok).toBe(true);
      expect(decoded.ok && decoded.manifest.histories).toBeUndefined();
    });
});
