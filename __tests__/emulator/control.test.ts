// Control API (in-process and HTTP): changes are visible to the real SDK; counters; reset.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeActivitiesCommand,
  DescribeCommentsCommand,
  DescribeDocumentVersionsCommand,
  DescribeResourcePermissionsCommand,
  DescribeUsersCommand,
  EntityNotExistsException,
  GetDocumentCommand,
  GetFolderCommand,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { Counters, EmulatorInfo, ManifestItem, UserInfo } from '../../src/emulator/types.js';
import { client, listAll, md5, streamMd5 } from './helpers.js';

let emu: Emulator;
let c: WorkDocsClient;

beforeAll(async () => {
  emu = await startEmulator({ fixture: 'sample' });
  c = client(emu.endpoint);
});
afterAll(async () => {
  c?.destroy();
  await emu?.close();
});
afterEach(() => emu.control.resetState());

const names = async (folderId: string): Promise<string[]> => {
  const r = await listAll(c, folderId);
  return [...r.folders.map((f) => f.Name! + '/'), ...r.documents.map((d) => d.LatestVersionMetadata!.Name!)];
};

async function http<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${emu.endpoint}/_emulator/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as T };
}

describe('in-process control', () => {
  it('noSignature: a version whose metadata has no Signature (optional in the API); the manifest still knows its MD5', async () => {
    const { id: did, versionId } = emu.control.addDocument({ parentId: emu.rootFolderId, name: 'unsigned.txt', content: 'unsigned', noSignature: true });
    const doc = await c.send(new GetDocumentCommand({ DocumentId: did }));
    expect(doc.Metadata?.LatestVersionMetadata?.Id).toBe(versionId);
    expect(doc.Metadata?.LatestVersionMetadata).not.toHaveProperty('Signature');
    const listed = (await listAll(c, emu.rootFolderId)).documents.find((d) => d.Id === did)!;
    expect(listed.LatestVersionMetadata).not.toHaveProperty('Signature');
    expect(emu.control.manifest().find((m) => m.documentId === did)?.md5).toBe(md5(Buffer.from('unsigned')));
    // A later version is signed unless it says otherwise.
    emu.control.addVersion(did, { content: 'signed now' });
    const again = await c.send(new GetDocumentCommand({ DocumentId: did }));
    expect(again.Metadata?.LatestVersionMetadata?.Signature).toBe(md5(Buffer.from('signed now')));
  });

  it('addFolder / addDocument / addVersion / rename / move / delete / restore are visible to the SDK', async () => {
    const { id: fid } = emu.control.addFolder({ parentId: emu.rootFolderId, name: 'New Folder' });
    expect(fid).toMatch(/^[0-9a-f]{64}$/);
    const { id: did, versionId: v1 } = emu.control.addDocument({ parentId: fid, name: 'hello.txt', content: 'hello' });
    expect(await names(fid)).toEqual(['hello.txt']);
    const doc = await c.send(new GetDocumentCommand({ DocumentId: did }));
    expect(doc.Metadata?.LatestVersionMetadata?.Id).toBe(v1);
    expect(doc.Metadata?.LatestVersionMetadata?.Signature).toBe(md5(Buffer.from('hello')));
    expect(doc.Metadata?.LatestVersionMetadata?.ContentType).toBe('text/plain');

    const { versionId: v2 } = emu.control.addVersion(did, { content: 'hello, world', name: 'hello-v2.txt' });
    const doc2 = await c.send(new GetDocumentCommand({ DocumentId: did }));
    expect(doc2.Metadata?.LatestVersionMetadata?.Id).toBe(v2);
    expect(doc2.Metadata?.LatestVersionMetadata?.Name).toBe('hello-v2.txt');
    expect(doc2.Metadata?.LatestVersionMetadata?.Size).toBe(12);
    const versions = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: did }));
    expect(versions.DocumentVersions?.map((v) => v.Id)).toEqual([v2, v1]);

    emu.control.rename(did, 'renamed.txt');
    expect(await names(fid)).toEqual(['renamed.txt']);
    emu.control.rename(fid, 'Renamed Folder');
    expect((await c.send(new GetFolderCommand({ FolderId: fid }))).Metadata?.Name).toBe('Renamed Folder');

    const reports = emu.control.lookup(['Reports'])!;
    emu.control.move(did, reports);
    expect(await names(fid)).toEqual([]);
    expect(await names(reports)).toContain('renamed.txt');
    expect((await c.send(new GetDocumentCommand({ DocumentId: did }))).Metadata?.ParentFolderId).toBe(reports);

    emu.control.delete(did);
    expect(await names(reports)).not.toContain('renamed.txt');
    expect((await c.send(new GetDocumentCommand({ DocumentId: did }))).Metadata?.ResourceState).toBe('RECYCLED');
    emu.control.restore(did);
    expect(await names(reports)).toContain('renamed.txt');
    emu.control.delete(did, 'remove');
    await expect(c.send(new GetDocumentCommand({ DocumentId: did }))).rejects.toBeInstanceOf(EntityNotExistsException);

    emu.control.delete(fid);
    expect(await names(emu.rootFolderId)).not.toContain('Renamed Folder/');
    emu.control.delete(fid, 'remove');
    await expect(c.send(new GetFolderCommand({ FolderId: fid }))).rejects.toBeInstanceOf(EntityNotExistsException);

    const acts = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 20 }));
    const types = acts.UserActivities!.map((a) => a.Type);
    for (const t of ['DOCUMENT_RENAMED', 'FOLDER_RENAMED', 'DOCUMENT_MOVED', 'DOCUMENT_RECYCLED', 'DOCUMENT_RESTORED', 'FOLDER_RECYCLED', 'FOLDER_DELETED']) {
      expect(types).toContain(t);
    }
    const moved = acts.UserActivities!.find((a) => a.Type === 'DOCUMENT_MOVED')!;
    expect(moved.OriginalParent?.Id).toBe(fid);
  });

  it('addDocument with generated content streams with the right MD5', async () => {
    const { id } = emu.control.addDocument({ parentId: emu.rootFolderId, name: 'gen.bin', generate: { seed: 'x', size: 1_000_003 } });
    const item = emu.control.manifest().find((m) => m.documentId === id)!;
    expect(item.size).toBe(1_000_003);
    const { GetDocumentVersionCommand } = await import('@aws-sdk/client-workdocs');
    const v = await c.send(new GetDocumentVersionCommand({ DocumentId: id, VersionId: item.versionId, Fields: 'SOURCE' }));
    const r = await streamMd5(v.Metadata!.Source!.ORIGINAL!);
    expect(r.md5).toBe(item.md5);
    expect(r.size).toBe(item.size);
  });

  it('rejects bad mutations with service errors', () => {
    expect(() => emu.control.addFolder({ parentId: 'nope', name: 'x' })).toThrow(/does not exist/);
    expect(() => emu.control.addFolder({ parentId: emu.rootFolderId, name: '' })).toThrow(/Name/);
    const projects = emu.control.lookup(['Projects'])!;
    const apollo = emu.control.lookup(['Projects', 'Apollo'])!;
    expect(() => emu.control.move(projects, apollo)).toThrow(/below itself/);
    expect(() => emu.control.delete(emu.rootFolderId)).toThrow(/root/);
  });

  it('counters count requests per operation and content bytes; resetCounters clears them', async () => {
    emu.control.resetCounters();
    await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    await listAll(c, emu.rootFolderId);
    const counters = emu.control.counters();
    expect(counters.operations['GetFolder']).toBe(2);
    expect(counters.operations['DescribeFolderContents']).toBe(1);
    expect(counters.operations['Content']).toBe(0);
    expect(counters.total).toBe(3);
    emu.control.resetCounters();
    expect(emu.control.counters().total).toBe(0);
  });

  it('resetState restores the fixture', async () => {
    const before = emu.control.manifest().map((m) => m.documentId).sort();
    emu.control.addDocument({ parentId: emu.rootFolderId, name: 'temp.txt', content: 't' });
    emu.control.delete(emu.control.lookup(['Welcome.md'])!, 'remove');
    emu.control.resetState();
    expect(emu.control.manifest().map((m) => m.documentId).sort()).toEqual(before);
  });

  it('manifest lists visible documents with paths, sizes and MD5', () => {
    const m = emu.control.manifest();
    expect(m.length).toBe(25);
    const huge = m.find((x) => x.path.join('/') === 'Reports/huge-video.mp4')!;
    expect(huge.size).toBeGreaterThan(64 * 1024 * 1024);
    expect(m.some((x) => x.path.includes('old-plan.txt'))).toBe(false);
    expect(m.some((x) => x.path.includes('upload-in-progress.pdf'))).toBe(false);
    expect(m.some((x) => x.path.includes('Recycled Folder'))).toBe(false);
  });
});

describe('HTTP control API', () => {
  it('info, folders, documents, versions, rename, move, delete, lookup, manifest, counters, reset', async () => {
    const info = await http<EmulatorInfo>('GET', 'info');
    expect(info.json.rootFolderId).toBe(emu.rootFolderId);
    expect(info.json.endpoint).toBe(emu.endpoint);

    const f = await http<{ id: string }>('POST', 'folders', { parentId: emu.rootFolderId, name: 'Via HTTP' });
    expect(f.status).toBe(200);
    const d = await http<{ id: string; versionId: string }>('POST', 'documents', { parentId: f.json.id, name: 'x.json', content: '{"a":1}' });
    expect(await names(f.json.id)).toEqual(['x.json']);
    const v = await http<{ versionId: string }>('POST', `documents/${d.json.id}/versions`, { contentBase64: Buffer.from('{"a":2}').toString('base64') });
    expect((await c.send(new GetDocumentCommand({ DocumentId: d.json.id }))).Metadata?.LatestVersionMetadata?.Id).toBe(v.json.versionId);
    expect((await http('POST', 'rename', { id: d.json.id, name: 'y.json' })).status).toBe(200);
    expect(await names(f.json.id)).toEqual(['y.json']);
    const look = await http<{ id: string }>('POST', 'lookup', { path: ['Via HTTP', 'y.json'] });
    expect(look.json.id).toBe(d.json.id);
    expect((await http('POST', 'move', { id: d.json.id, parentId: emu.rootFolderId })).status).toBe(200);
    expect(await names(emu.rootFolderId)).toContain('y.json');
    expect((await http('POST', 'delete', { id: d.json.id })).status).toBe(200);
    expect(await names(emu.rootFolderId)).not.toContain('y.json');
    const man = await http<ManifestItem[]>('GET', 'manifest');
    expect(man.json.length).toBe(25);
    const counters = await http<Counters>('GET', 'counters');
    expect(counters.json.operations['DescribeFolderContents']).toBeGreaterThan(0);
    await http('POST', 'counters/reset');
    expect((await http<Counters>('GET', 'counters')).json.total).toBe(0);
    expect((await http('POST', 'reset')).status).toBe(200);
    expect(await names(emu.rootFolderId)).not.toContain('Via HTTP/');
    const notFound = await http<{ __type: string }>('POST', 'rename', { id: 'nope', name: 'x' });
    expect(notFound.status).toBe(404);
    expect(notFound.json.__type).toBe('EntityNotExistsException');
    expect((await http('GET', 'no/such/route')).status).toBe(404);
    const ttl = await http<{ urlTtlSeconds: number }>('POST', 'url-ttl', { seconds: 60 });
    expect(ttl.json.urlTtlSeconds).toBe(60);
    const clock = await http<{ offsetSeconds: number }>('POST', 'clock', { advanceSeconds: 10 });
    expect(clock.json.offsetSeconds).toBe(10);
  });
});

describe('HTTP control API for the site', () => {
  it('users, share, unshare, comments, labels, custom metadata, owner, versions: the SDK sees each change', async () => {
    const site = await startEmulator({ fixture: 'site' });
    const sc = client(site.endpoint);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
      const res = await fetch(`${site.endpoint}/_emulator/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, json: (await res.json()) as T };
    };
    try {
      const users = await call<UserInfo[]>('GET', 'users');
      expect(users.json.map((u) => u.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
      const erin = await call<UserInfo>('POST', 'users', { username: 'erin', status: 'PENDING' });
      expect(erin.json).toMatchObject({ username: 'erin', status: 'PENDING' });
      expect((await call('POST', `users/${erin.json.id}/status`, { status: 'ACTIVE' })).status).toBe(200);
      const listed = await sc.send(new DescribeUsersCommand({ OrganizationId: site.organizationId, UserIds: erin.json.id }));
      expect(listed.Users?.[0]?.Status).toBe('ACTIVE');
      expect((await call('POST', `users/${erin.json.id}/status`, { status: 'nope' })).status).toBe(400);

      const team = (await call<{ id: string }>('POST', 'lookup', { path: ['Team'] })).json.id;
      const plan = (await call<{ id: string }>('POST', 'lookup', { path: ['plan.md'], rootId: team })).json.id;
      expect((await call('POST', 'share', { resourceId: team, principal: 'erin', role: 'VIEWER' })).status).toBe(200);
      const perms = async (): Promise<Array<string | undefined>> => (await sc.send(new DescribeResourcePermissionsCommand({ ResourceId: team }))).Principals!.map((p) => p.Id);
      expect(await perms()).toContain(erin.json.id);
      expect((await call('POST', 'unshare', { resourceId: team, principal: 'erin' })).status).toBe(200);
      expect(await perms()).not.toContain(erin.json.id);

      const comment = await call<{ commentId: string; versionId: string }>('POST', 'comments', { documentId: plan, text: 'Via HTTP', contributor: 'erin' });
      const comments = async (): Promise<Array<string | undefined>> =>
        (await sc.send(new DescribeCommentsCommand({ DocumentId: plan, VersionId: comment.json.versionId }))).Comments!.map((x) => x.Text);
      expect(await comments()).toContain('Via HTTP');
      expect((await call('POST', 'comments/delete', { documentId: plan, versionId: comment.json.versionId, commentId: comment.json.commentId })).status).toBe(200);
      expect(await comments()).not.toContain('Via HTTP');

      expect((await call('POST', 'labels', { id: plan, labels: ['http'] })).status).toBe(200);
      expect((await call('POST', 'custom-metadata', { id: plan, values: { via: 'http' } })).status).toBe(200);
      const doc = await sc.send(new GetDocumentCommand({ DocumentId: plan, IncludeCustomMetadata: true }));
      expect(doc.Metadata?.Labels).toEqual(['http']);
      expect(doc.CustomMetadata?.['via']).toBe('http');

      expect((await call('POST', 'owner', { id: plan, userId: erin.json.id })).status).toBe(200);
      const owner = (await sc.send(new DescribeResourcePermissionsCommand({ ResourceId: plan }))).Principals!.find((p) => p.Roles?.some((r) => r.Role === 'OWNER'));
      expect(owner?.Id).toBe(erin.json.id);

      const oldest = (await sc.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions!.at(-1)!.Id!;
      expect((await call('DELETE', `documents/${plan}/versions`, { versionId: oldest })).status).toBe(200);
      expect((await sc.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions).toHaveLength(2);

      const bob = users.json[1]!;
      const bobManifest = await call<ManifestItem[]>('GET', `manifest?rootId=${bob.rootFolderId}`);
      expect(bobManifest.json.map((m) => m.path.join('/')).sort()).toEqual(['Designs/bridge.txt', 'todo.txt']);
      expect((await call('DELETE', `users/${erin.json.id}`)).status).toBe(200);
      expect((await call<UserInfo[]>('GET', 'users')).json.map((u) => u.username)).not.toContain('erin');
      const missing = await call<{ __type: string }>('DELETE', `users/${erin.json.id}`);
      expect(missing.status).toBe(404);
      expect(missing.json.__type).toBe('EntityNotExistsException');
    } finally {
      sc.destroy();
      await site.close();
    }
  });
});

describe('fixture files', () => {
  it('loads a JSON fixture with contentFile relative to the file, explicit ids and versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wd-fixture-'));
    writeFileSync(join(dir, 'a.txt'), 'from a file\n');
    const fixture = {
      organizationId: 'd-0000000001',
      seed: 'file-fixture',
      root: {
        name: 'Root',
        id: 'a'.repeat(64),
        children: [
          { type: 'document', name: 'a.txt', contentFile: 'a.txt' },
          { type: 'document', name: 'gen.bin', generate: { seed: 1, size: 12345 } },
          { type: 'folder', name: 'sub', children: [{ name: 'v.txt', versions: [{ content: 'one' }, { content: 'two' }] }] },
        ],
      },
    };
    const path = join(dir, 'fixture.json');
    writeFileSync(path, JSON.stringify(fixture));
    const e = await startEmulator({ fixture: path });
    const c2 = client(e.endpoint);
    try {
      expect(e.rootFolderId).toBe('a'.repeat(64));
      expect(e.organizationId).toBe('d-0000000001');
      const m = e.control.manifest();
      expect(m.map((x) => x.path.join('/')).sort()).toEqual(['a.txt', 'gen.bin', 'sub/v.txt']);
      const a = m.find((x) => x.path[0] === 'a.txt')!;
      expect(a.md5).toBe(md5(Buffer.from('from a file\n')));
      const v = m.find((x) => x.path[1] === 'v.txt')!;
      expect((await e.control.readContent(v.documentId)).toString()).toBe('two');
      const versions = await c2.send(new DescribeDocumentVersionsCommand({ DocumentId: v.documentId }));
      expect(versions.DocumentVersions).toHaveLength(2);
      // ids are deterministic
      const e2 = await startEmulator({ fixture: path });
      expect(e2.control.manifest().map((x) => x.documentId)).toEqual(m.map((x) => x.documentId));
      await e2.close();
    } finally {
      c2.destroy();
      await e.close();
    }
  });
});
