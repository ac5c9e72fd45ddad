// Contract tests: every emulated operation through the real @aws-sdk/client-workdocs over HTTP.
import {
  DescribeActivitiesCommand,
  DescribeCommentsCommand,
  DescribeDocumentVersionsCommand,
  DescribeFolderContentsCommand,
  DescribeResourcePermissionsCommand,
  DescribeUsersCommand,
  EntityNotExistsException,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  InvalidArgumentException,
  ProhibitedStateException,
  UnauthorizedOperationException,
  UnauthorizedResourceAccessException,
  paginateDescribeDocumentVersions,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { SAMPLE_HUGE_SIZE } from '../../src/emulator/fixtures/sample.js';
import { client, listAll, walk } from './helpers.js';

let emu: Emulator;
let c: WorkDocsClient;
const HEX64 = /^[0-9a-f]{64}$/;
const VERSION_ID = /^\d{13}-[0-9a-f]{64}$/;

beforeAll(async () => {
  emu = await startEmulator({ fixture: 'sample' });
  c = client(emu.endpoint);
});
afterAll(async () => {
  c?.destroy();
  await emu?.close();
});

const id = (...path: string[]): string => {
  const x = emu.control.lookup(path);
  if (!x) throw new Error(`no item at ${path.join(' / ')}`);
  return x;
};

describe('GetFolder', () => {
  it('returns the root folder with Date timestamps and no parent', async () => {
    const r = await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    expect(r.Metadata?.Id).toBe(emu.rootFolderId);
    expect(r.Metadata?.Id).toMatch(HEX64);
    expect(r.Metadata?.Name).toBe('Team Share');
    expect(r.Metadata?.ParentFolderId).toBeUndefined();
    expect(r.Metadata?.CreatedTimestamp).toBeInstanceOf(Date);
    expect(r.Metadata?.ModifiedTimestamp).toBeInstanceOf(Date);
    expect(r.Metadata?.ResourceState).toBe('ACTIVE');
  });

  it('returns a nested folder with its parent', async () => {
    const specs = id('Projects', 'Apollo', 'Design', 'Specs');
    const r = await c.send(new GetFolderCommand({ FolderId: specs }));
    expect(r.Metadata?.Name).toBe('Specs');
    expect(r.Metadata?.ParentFolderId).toBe(id('Projects', 'Apollo', 'Design'));
  });

  it('answers EntityNotExistsException (404, with EntityIds) for unknown ids', async () => {
    const unknown = 'f'.repeat(64);
    const err = await c.send(new GetFolderCommand({ FolderId: unknown })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityNotExistsException);
    expect((err as EntityNotExistsException).$metadata.httpStatusCode).toBe(404);
    expect((err as EntityNotExistsException).EntityIds).toEqual([unknown]);
  });
});

describe('DescribeFolderContents', () => {
  it('lists immediate children only, hiding RECYCLED and INITIALIZED items', async () => {
    const root = await listAll(c, emu.rootFolderId);
    expect(root.folders.map((f) => f.Name).sort()).toEqual(['Archive', 'Empty Folder', 'Projects', 'Reports']);
    expect(root.documents.map((d) => d.LatestVersionMetadata?.Name).sort()).toEqual(['Welcome.md', 'data.json']);
    const archive = await listAll(c, id('Archive'));
    expect(archive.folders.map((f) => f.Name)).toEqual(['2023']);
    expect(archive.documents.map((d) => d.LatestVersionMetadata?.Name)).toEqual(['photo.png']);
    expect(root.markers).toEqual([undefined]);
  });

  it('include=INITIALIZED shows the document whose upload never completed', async () => {
    const archive = await listAll(c, id('Archive'), { Include: 'INITIALIZED' });
    const names = archive.documents.map((d) => d.LatestVersionMetadata?.Name).sort();
    expect(names).toEqual(['photo.png', 'upload-in-progress.pdf']);
    const init = archive.documents.find((d) => d.LatestVersionMetadata?.Name === 'upload-in-progress.pdf')!;
    expect(init.LatestVersionMetadata?.Status).toBe('INITIALIZED');
    expect(init.LatestVersionMetadata?.Signature).toBeUndefined();
  });

  it('document metadata has the shapes of the model', async () => {
    const { documents } = await listAll(c, id('Reports'));
    for (const d of documents) {
      expect(d.Id).toMatch(HEX64);
      expect(d.ParentFolderId).toBe(id('Reports'));
      expect(d.CreatedTimestamp).toBeInstanceOf(Date);
      expect(d.ModifiedTimestamp).toBeInstanceOf(Date);
      expect(d.ResourceState).toBe('ACTIVE');
      const v = d.LatestVersionMetadata!;
      expect(v.Id).toMatch(VERSION_ID);
      expect(v.Signature).toMatch(/^[0-9a-f]{32}$/);
      expect(typeof v.Size).toBe('number');
      expect(v.Status).toBe('ACTIVE');
      expect(v.ContentType).toBeTruthy();
      expect(v.CreatedTimestamp).toBeInstanceOf(Date);
      expect(v.Source).toBeUndefined();
    }
    const huge = documents.find((d) => d.LatestVersionMetadata?.Name === 'huge-video.mp4')!;
    expect(huge.LatestVersionMetadata?.Size).toBe(SAMPLE_HUGE_SIZE);
    expect(SAMPLE_HUGE_SIZE).toBeGreaterThan(64 * 1024 * 1024);
    const empty = documents.find((d) => d.LatestVersionMetadata?.Name === 'empty.txt')!;
    expect(empty.LatestVersionMetadata?.Size).toBe(0);
    expect(empty.LatestVersionMetadata?.Signature).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('keeps awkward names as data, and same-named documents apart', async () => {
    const all = await walk(c, emu.rootFolderId);
    const names = all.map((x) => x.path[x.path.length - 1]);
    for (const n of ['Q1/Q2 summary.txt', '100% done.txt', 'what?.txt', 'a+b=c.txt', '  padded name  .txt', 'notes #1.txt', 'Überblick – 2024.docx', '報告書_2024年.pdf', 'דוח רבעוני.txt', 'تقرير المبيعات.csv']) {
      expect(names).toContain(n);
    }
    const budgets = all.filter((x) => x.path.join('/') === 'Projects/Apollo/budget.csv');
    expect(budgets).toHaveLength(2);
    expect(budgets[0]!.doc.Id).not.toBe(budgets[1]!.doc.Id);
    expect(all.length).toBe(emu.control.manifest().length);
    expect(all.length).toBeGreaterThanOrEqual(20);
    // an empty folder exists and lists nothing
    const empty = await listAll(c, id('Empty Folder'));
    expect(empty.folders).toHaveLength(0);
    expect(empty.documents).toHaveLength(0);
  });

  it('sorts by NAME and DATE, both orders, and filters by type', async () => {
    const fid = id('Reports');
    const asc = await listAll(c, fid, { Sort: 'NAME', Order: 'ASCENDING' });
    const names = asc.documents.map((d) => d.LatestVersionMetadata!.Name!);
    expect(names).toEqual([...names].sort());
    const desc = await listAll(c, fid, { Sort: 'NAME', Order: 'DESCENDING' });
    expect(desc.documents.map((d) => d.LatestVersionMetadata!.Name)).toEqual([...names].reverse());
    const byDate = await listAll(c, fid, { Sort: 'DATE', Order: 'ASCENDING' });
    const times = byDate.documents.map((d) => d.ModifiedTimestamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const onlyFolders = await listAll(c, emu.rootFolderId, { Type: 'FOLDER' });
    expect(onlyFolders.documents).toHaveLength(0);
    expect(onlyFolders.folders.length).toBe(4);
    const onlyDocs = await listAll(c, emu.rootFolderId, { Type: 'DOCUMENT' });
    expect(onlyDocs.folders).toHaveLength(0);
    expect(onlyDocs.documents.length).toBe(2);
  });

  it('paginates small pages over folders and documents with no Marker on the last page', async () => {
    const fid = id('Reports');
    const whole = await listAll(c, fid);
    for (const limit of [1, 2, 4]) {
      const paged = await listAll(c, fid, { Limit: limit });
      expect(paged.documents.map((d) => d.Id)).toEqual(whole.documents.map((d) => d.Id));
      expect(paged.pages).toBe(Math.ceil(whole.documents.length / limit));
      expect(paged.markers[paged.markers.length - 1]).toBeUndefined();
      expect(paged.markers.slice(0, -1).every((m) => typeof m === 'string')).toBe(true);
    }
    const mixed = await listAll(c, emu.rootFolderId, { Limit: 3 });
    expect(mixed.folders.length + mixed.documents.length).toBe(6);
    expect(mixed.pages).toBe(2);
  });

  it('validates limit (1-999), sort, order, type and marker with InvalidArgumentException', async () => {
    for (const bad of [
      { Limit: 0 },
      { Limit: 1000 },
      { Limit: -5 },
      { Sort: 'SIZE' as never },
      { Order: 'UP' as never },
      { Type: 'LINK' as never },
      { Marker: 'not-a-marker!' },
    ]) {
      const err = await c.send(new DescribeFolderContentsCommand({ FolderId: emu.rootFolderId, ...bad })).catch((e: unknown) => e);
      expect(err, JSON.stringify(bad)).toBeInstanceOf(InvalidArgumentException);
      expect((err as InvalidArgumentException).$metadata.httpStatusCode).toBe(400);
    }
    const ok = await c.send(new DescribeFolderContentsCommand({ FolderId: emu.rootFolderId, Limit: 999 }));
    expect(ok.Folders?.length).toBe(4);
    const ok1 = await c.send(new DescribeFolderContentsCommand({ FolderId: emu.rootFolderId, Limit: 1 }));
    expect(ok1.Marker).toBeTypeOf('string');
  });

  it('unknown folder → EntityNotExistsException', async () => {
    await expect(c.send(new DescribeFolderContentsCommand({ FolderId: 'a'.repeat(64) }))).rejects.toBeInstanceOf(EntityNotExistsException);
  });
});

describe('pagination over more than 999 items', () => {
  let big: Emulator;
  let bc: WorkDocsClient;
  beforeAll(async () => {
    big = await startEmulator({ generate: { folders: 0, documents: 2500, seed: 'page', size: 10 } });
    bc = client(big.endpoint);
  });
  afterAll(async () => {
    bc?.destroy();
    await big?.close();
  });

  it('limit=999 gives 3 pages, every document once, last page without Marker', async () => {
    const r = await listAll(bc, big.rootFolderId, { Limit: 999 });
    expect(r.pages).toBe(3);
    expect(r.documents).toHaveLength(2500);
    expect(new Set(r.documents.map((d) => d.Id)).size).toBe(2500);
    expect(r.markers[0]).toBeTypeOf('string');
    expect(r.markers[1]).toBeTypeOf('string');
    expect(r.markers[2]).toBeUndefined();
  });

  it('default limit is 100', async () => {
    const r = await bc.send(new DescribeFolderContentsCommand({ FolderId: big.rootFolderId }));
    expect(r.Documents).toHaveLength(100);
    expect(r.Marker).toBeTypeOf('string');
  });

  it('a marker survives concurrent changes (key-based, no skips of unchanged items)', async () => {
    const first = await bc.send(new DescribeFolderContentsCommand({ FolderId: big.rootFolderId, Limit: 500, Sort: 'NAME' }));
    big.control.addDocument({ parentId: big.rootFolderId, name: '000-new-first.txt', content: 'x' });
    const rest = await listAll(bc, big.rootFolderId, { Limit: 999, Sort: 'NAME' });
    void rest;
    const second = await bc.send(
      new DescribeFolderContentsCommand({ FolderId: big.rootFolderId, Limit: 500, Sort: 'NAME', Marker: first.Marker }),
    );
    const lastOfFirst = first.Documents!.at(-1)!.LatestVersionMetadata!.Name!;
    expect(second.Documents![0]!.LatestVersionMetadata!.Name! > lastOfFirst).toBe(true);
    big.control.resetState();
  });
});

describe('GetDocument / GetDocumentVersion / DescribeDocumentVersions', () => {
  it('GetDocument returns metadata with the latest version', async () => {
    const docId = id('Projects', 'Apollo', 'README.txt');
    const r = await c.send(new GetDocumentCommand({ DocumentId: docId }));
    expect(r.Metadata?.Id).toBe(docId);
    expect(r.Metadata?.LatestVersionMetadata?.Name).toBe('README.txt');
    expect(r.Metadata?.LatestVersionMetadata?.CreatedTimestamp?.toISOString()).toBe('2024-03-03T10:00:00.000Z');
  });

  it('DescribeDocumentVersions lists newest first and paginates', async () => {
    const docId = id('Projects', 'Apollo', 'README.txt');
    const r = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: docId }));
    const times = r.DocumentVersions!.map((v) => v.CreatedTimestamp!.getTime());
    expect(times).toHaveLength(3);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(r.Marker).toBeUndefined();
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const p of paginateDescribeDocumentVersions({ client: c, pageSize: 1 }, { DocumentId: docId })) {
      pages.push(p.DocumentVersions!.length);
      ids.push(...p.DocumentVersions!.map((v) => v.Id!));
    }
    expect(pages).toEqual([1, 1, 1]);
    expect(ids).toEqual(r.DocumentVersions!.map((v) => v.Id));
    const withSource = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: docId, Fields: 'SOURCE' }));
    expect(withSource.DocumentVersions!.every((v) => v.Source?.ORIGINAL?.startsWith('http'))).toBe(true);
  });

  it('DescribeDocumentVersions hides INITIALIZED versions unless include=INITIALIZED', async () => {
    const docId = id('Archive', 'photo.png');
    emu.control.addVersion(docId, { content: 'pending', status: 'INITIALIZED' });
    try {
      const hidden = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: docId }));
      expect(hidden.DocumentVersions).toHaveLength(1);
      const shown = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: docId, Include: 'INITIALIZED' }));
      expect(shown.DocumentVersions).toHaveLength(2);
      expect(shown.DocumentVersions![0]!.Status).toBe('INITIALIZED');
      // LatestVersionMetadata stays the newest ACTIVE version
      const doc = await c.send(new GetDocumentCommand({ DocumentId: docId }));
      expect(doc.Metadata?.LatestVersionMetadata?.Status).toBe('ACTIVE');
    } finally {
      emu.control.resetState();
    }
  });

  it('GetDocumentVersion adds Source.ORIGINAL only with fields=SOURCE', async () => {
    const docId = id('Welcome.md');
    const doc = await c.send(new GetDocumentCommand({ DocumentId: docId }));
    const vid = doc.Metadata!.LatestVersionMetadata!.Id!;
    const plain = await c.send(new GetDocumentVersionCommand({ DocumentId: docId, VersionId: vid }));
    expect(plain.Metadata?.Source).toBeUndefined();
    const src = await c.send(new GetDocumentVersionCommand({ DocumentId: docId, VersionId: vid, Fields: 'SOURCE' }));
    expect(src.Metadata?.Source?.ORIGINAL).toMatch(new RegExp('^' + emu.endpoint + '/'));
    expect(src.Metadata?.Signature).toBe(doc.Metadata!.LatestVersionMetadata!.Signature);
  });

  it('unknown document or version → EntityNotExistsException', async () => {
    const docId = id('Welcome.md');
    await expect(c.send(new GetDocumentCommand({ DocumentId: 'b'.repeat(64) }))).rejects.toBeInstanceOf(EntityNotExistsException);
    const err = await c.send(new GetDocumentVersionCommand({ DocumentId: docId, VersionId: '1-' + 'c'.repeat(64) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityNotExistsException);
  });

  it('SOURCE of an INITIALIZED version → ProhibitedStateException (409)', async () => {
    const archive = await listAll(c, id('Archive'), { Include: 'INITIALIZED' });
    const init = archive.documents.find((d) => d.LatestVersionMetadata?.Status === 'INITIALIZED')!;
    const err = await c
      .send(new GetDocumentVersionCommand({ DocumentId: init.Id!, VersionId: init.LatestVersionMetadata!.Id!, Fields: 'SOURCE' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProhibitedStateException);
    expect((err as ProhibitedStateException).$metadata.httpStatusCode).toBe(409);
  });

  it('a RECYCLED document is still readable by id, with its state', async () => {
    const recycledId = emu.store.lookup(['Archive']) && [...emu.store.docs.values()].find((d) => d.state === 'RECYCLED')!.id;
    const r = await c.send(new GetDocumentCommand({ DocumentId: recycledId! }));
    expect(r.Metadata?.ResourceState).toBe('RECYCLED');
  });
});

describe('DescribeUsers / DescribeActivities / DescribeResourcePermissions / DescribeComments', () => {
  it('DescribeUsers lists users with RootFolderId', async () => {
    const r = await c.send(new DescribeUsersCommand({ OrganizationId: emu.organizationId }));
    expect(r.Users?.map((u) => u.Username)).toEqual(['admin', 'bob']);
    expect(r.Users![0]!.RootFolderId).toBe(emu.rootFolderId);
    expect(r.Users![1]!.RootFolderId).toMatch(HEX64);
    expect(r.Users![0]!.CreatedTimestamp).toBeInstanceOf(Date);
    const bobRoot = await listAll(c, r.Users![1]!.RootFolderId!);
    expect(bobRoot.documents.map((d) => d.LatestVersionMetadata?.Name).sort()).toEqual(['Bob notes.md', 'todo.txt']);
    const paged = await c.send(new DescribeUsersCommand({ Limit: 1 }));
    expect(paged.Users).toHaveLength(1);
    expect(paged.Marker).toBeTypeOf('string');
    const q = await c.send(new DescribeUsersCommand({ Query: 'bob' }));
    expect(q.Users?.map((u) => u.Username)).toEqual(['bob']);
  });

  it('DescribeActivities: newest first, filtered by time, type and resource', async () => {
    const all = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 999 }));
    const acts = all.UserActivities!;
    expect(acts.length).toBeGreaterThan(20);
    const times = acts.map((a) => a.TimeStamp!.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const readme = id('Projects', 'Apollo', 'README.txt');
    const r = await c.send(
      new DescribeActivitiesCommand({
        OrganizationId: emu.organizationId,
        ResourceId: readme,
        ActivityTypes: 'DOCUMENT_VERSION_UPLOADED',
        StartTime: new Date('2024-02-01T00:00:00Z'),
        EndTime: new Date('2024-12-31T00:00:00Z'),
      }),
    );
    expect(r.UserActivities?.map((a) => a.TimeStamp?.toISOString())).toEqual(['2024-03-03T10:00:00.000Z', '2024-02-03T10:00:00.000Z']);
    expect(r.UserActivities![0]!.ResourceMetadata?.Id).toBe(readme);
    const indirect = await c.send(
      new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, ResourceId: id('Projects'), IncludeIndirectActivities: true, Limit: 999 }),
    );
    expect(indirect.UserActivities!.some((a) => a.ResourceMetadata?.Id === readme && a.IsIndirectActivity)).toBe(true);
    const paged = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 5 }));
    expect(paged.UserActivities).toHaveLength(5);
    expect(paged.Marker).toBeTypeOf('string');
  });

  it('DescribeActivities with SigV4 but no organizationId → UnauthorizedOperationException (403)', async () => {
    const err = await c.send(new DescribeActivitiesCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedOperationException);
    expect((err as UnauthorizedOperationException).$metadata.httpStatusCode).toBe(403);
  });

  it('DescribeResourcePermissions lists the owner', async () => {
    const r = await c.send(new DescribeResourcePermissionsCommand({ ResourceId: emu.rootFolderId }));
    expect(r.Principals).toEqual([{ Id: emu.userId, Type: 'USER', Roles: [{ Role: 'OWNER', Type: 'DIRECT' }] }]);
    const d = await c.send(new DescribeResourcePermissionsCommand({ ResourceId: id('Welcome.md') }));
    expect(d.Principals![0]!.Roles![0]!.Type).toBe('INHERITED');
    await expect(c.send(new DescribeResourcePermissionsCommand({ ResourceId: 'e'.repeat(64) }))).rejects.toBeInstanceOf(EntityNotExistsException);
  });

  it('DescribeComments returns the comments of a version', async () => {
    const docId = id('Welcome.md');
    const doc = await c.send(new GetDocumentCommand({ DocumentId: docId }));
    const r = await c.send(new DescribeCommentsCommand({ DocumentId: docId, VersionId: doc.Metadata!.LatestVersionMetadata!.Id! }));
    expect(r.Comments?.map((x) => x.Text)).toEqual(['Looks good!', 'Thanks.']);
    expect(r.Comments![0]!.Contributor?.Username).toBe('bob');
    expect(r.Comments![0]!.CreatedTimestamp).toBeInstanceOf(Date);
    expect(r.Comments![0]!.Status).toBe('PUBLISHED');
  });
});

describe('access errors', () => {
  it('a denied resource answers UnauthorizedResourceAccessException (404)', async () => {
    const e2 = await startEmulator({
      fixture: { root: { name: 'r', children: [{ type: 'folder', name: 'secret', id: '1'.repeat(64), denied: true, children: [] }] } },
    });
    const c2 = client(e2.endpoint);
    try {
      const err = await c2.send(new GetFolderCommand({ FolderId: '1'.repeat(64) })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnauthorizedResourceAccessException);
      expect((err as UnauthorizedResourceAccessException).$metadata.httpStatusCode).toBe(404);
    } finally {
      c2.destroy();
      await e2.close();
    }
  });

  it('unknown routes answer 404 with an error type', async () => {
    const res = await fetch(`${emu.endpoint}/api/v1/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const res2 = await fetch(`${emu.endpoint}/totally/else`, { method: 'POST' });
    expect(res2.status).toBe(404);
  });
});
