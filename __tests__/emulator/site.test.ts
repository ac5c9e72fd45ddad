// Contract tests of the whole site (fixture 'site') through the unmodified @aws-sdk/client-workdocs over HTTP:
// users of every status, recycle bins, groups, permissions, comment threads, labels and custom metadata, versions.
import {
  DescribeCommentsCommand,
  DescribeDocumentVersionsCommand,
  DescribeFolderContentsCommand,
  DescribeGroupsCommand,
  DescribeResourcePermissionsCommand,
  DescribeUsersCommand,
  EntityNotExistsException,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  GetFolderCommand,
  paginateDescribeComments,
  paginateDescribeDocumentVersions,
  paginateDescribeResourcePermissions,
  paginateDescribeUsers,
  type Principal,
  type User,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { client, listAll, md5 } from './helpers.js';

let emu: Emulator;
let c: WorkDocsClient;

beforeAll(async () => {
  emu = await startEmulator({ fixture: 'site' });
  c = client(emu.endpoint);
});
afterAll(async () => {
  c?.destroy();
  await emu?.close();
});
afterEach(() => emu.control.resetState());

const userNamed = (name: string) => {
  const u = emu.control.users().find((x) => x.username === name);
  if (!u) throw new Error(`no user ${name}`);
  return u;
};
const id = (path: string[], owner = 'alice'): string => {
  const x = emu.control.lookup(path, userNamed(owner).rootFolderId);
  if (!x) throw new Error(`no item at ${path.join(' / ')}`);
  return x;
};
async function allUsers(params: { Include?: 'ALL' | 'ACTIVE_PENDING'; Query?: string; UserIds?: string; Limit?: number } = {}): Promise<User[]> {
  const out: User[] = [];
  for await (const p of paginateDescribeUsers({ client: c, pageSize: params.Limit ?? 100 }, { OrganizationId: emu.organizationId, ...params })) out.push(...(p.Users ?? []));
  return out;
}
const roles = (ps: Principal[]): Record<string, string[]> =>
  Object.fromEntries(ps.map((p) => [`${p.Type}:${p.Id}`, (p.Roles ?? []).map((r) => `${r.Role}/${r.Type}`).sort()]));

describe('DescribeUsers', () => {
  it('lists ACTIVE and PENDING users by default and INACTIVE ones with Include=ALL, each with a root and a recycle bin', async () => {
    expect((await allUsers()).map((u) => `${u.Username}:${u.Status}`)).toEqual(['alice:ACTIVE', 'bob:ACTIVE', 'dave:PENDING']);
    const all = await allUsers({ Include: 'ALL' });
    expect(all.map((u) => `${u.Username}:${u.Status}`)).toEqual(['alice:ACTIVE', 'bob:ACTIVE', 'carol:INACTIVE', 'dave:PENDING']);
    for (const u of all) {
      expect(u.OrganizationId).toBe(emu.organizationId);
      const root = await c.send(new GetFolderCommand({ FolderId: u.RootFolderId! }));
      expect(root.Metadata?.ParentFolderId).toBeUndefined();
      expect(root.Metadata?.CreatorId).toBe(u.Id);
      const bin = await c.send(new DescribeFolderContentsCommand({ FolderId: u.RecycleBinFolderId! }));
      expect(bin.Folders).toBeDefined();
    }
    // An INACTIVE user's content still exists.
    const carol = all.find((u) => u.Username === 'carol')!;
    expect((await listAll(c, carol.RootFolderId!)).folders.map((f) => f.Name)).toEqual(['Handover']);
  });

  it('pages with Marker (Limit 1 gives one user a page, the last page has no Marker)', async () => {
    const pages: Array<{ n: number; marker?: string }> = [];
    for await (const p of paginateDescribeUsers({ client: c, pageSize: 1 }, { OrganizationId: emu.organizationId, Include: 'ALL' })) {
      pages.push({ n: p.Users!.length, ...(p.Marker ? { marker: p.Marker } : {}) });
    }
    expect(pages.map((p) => p.n)).toEqual([1, 1, 1, 1]);
    expect(pages.slice(0, 3).every((p) => typeof p.marker === 'string')).toBe(true);
    expect(pages[3]!.marker).toBeUndefined();
  });

  it.each([
    { query: 'bo', expected: ['bob'] },
    { query: 'Bob B', expected: ['bob'] },
    { query: 'builder', expected: ['bob'] },
    { query: 'uilder', expected: [] },
    { query: 'a', expected: ['alice'] },
    { query: 'Alice Builder', expected: [] },
  ])('Query $query is a prefix search on every word over user name, given name and surname', async ({ query, expected }) => {
    expect((await allUsers({ Query: query, Include: 'ALL' })).map((u) => u.Username)).toEqual(expected);
  });

  it('UserIds picks users, and Query is then ignored; a foreign OrganizationId is EntityNotExists', async () => {
    const bob = userNamed('bob');
    expect((await allUsers({ UserIds: bob.id, Query: 'alice' })).map((u) => u.Username)).toEqual(['bob']);
    await expect(c.send(new DescribeUsersCommand({ OrganizationId: 'd-0000000000' }))).rejects.toBeInstanceOf(EntityNotExistsException);
    const sorted = await c.send(new DescribeUsersCommand({ OrganizationId: emu.organizationId, Include: 'ALL', Sort: 'USER_NAME', Order: 'DESCENDING' }));
    expect(sorted.Users!.map((u) => u.Username)).toEqual(['dave', 'carol', 'bob', 'alice']);
  });

  it('control: addUser, setUserStatus, removeUser are what DescribeUsers answers', async () => {
    const erin = emu.control.addUser({ username: 'erin', givenName: 'Erin', surname: 'Late' });
    expect((await c.send(new GetFolderCommand({ FolderId: erin.rootFolderId }))).Metadata?.Name).toBe('erin');
    expect((await allUsers()).map((u) => u.Username)).toContain('erin');
    emu.control.setUserStatus(erin.id, 'INACTIVE');
    expect((await allUsers()).map((u) => u.Username)).not.toContain('erin');
    expect((await allUsers({ Include: 'ALL' })).find((u) => u.Username === 'erin')?.Status).toBe('INACTIVE');
    emu.control.addDocument({ parentId: erin.rootFolderId, name: 'x.txt', content: 'x' });
    emu.control.removeUser(erin.id);
    expect((await allUsers({ Include: 'ALL' })).map((u) => u.Username)).not.toContain('erin');
    await expect(c.send(new GetFolderCommand({ FolderId: erin.rootFolderId }))).rejects.toBeInstanceOf(EntityNotExistsException);
    expect(() => emu.control.addUser({ username: 'bob' })).toThrow(/already exists/);
    expect(() => emu.control.setUserStatus(userNamed('bob').id, 'GONE' as never)).toThrow(/status/);
    expect(() => emu.control.removeUser(userNamed('alice').id)).toThrow(/first user/);
  });
});

describe('site fixtures', () => {
  it.each([
    { what: 'a comment', child: { name: 'a.txt', content: 'x', comments: [{ text: 'hi', contributor: 'ghost' }] } },
    { what: 'an owner', child: { name: 'a.txt', content: 'x', owner: 'ghost' } },
  ])('naming a user that does not exist in $what is refused with the name', async ({ child }) => {
    await expect(startEmulator({ fixture: { root: { name: 'r', children: [child] } } })).rejects.toThrow('unknown user in fixture: ghost');
  });
});

describe('recycle bins', () => {
  it("a user's RecycleBinFolderId lists what they recycled, RECYCLED, and restore takes it back", async () => {
    const bob = userNamed('bob');
    const bin = await listAll(c, bob.recycleBinFolderId);
    expect(bin.documents.map((d) => `${d.LatestVersionMetadata?.Name}:${d.ResourceState}`)).toEqual(['old-notes.txt:RECYCLED']);
    expect(bin.documents[0]!.ParentFolderId).toBe(bob.rootFolderId);
    const carolBin = await listAll(c, userNamed('carol').recycleBinFolderId);
    expect(carolBin.folders.map((f) => `${f.Name}:${f.ResourceState}`)).toEqual(['Scratch:RECYCLED']);

    const todo = id(['todo.txt'], 'bob');
    emu.control.delete(todo);
    expect((await listAll(c, bob.recycleBinFolderId)).documents.map((d) => d.LatestVersionMetadata?.Name).sort()).toEqual(['old-notes.txt', 'todo.txt']);
    expect((await listAll(c, bob.rootFolderId)).documents.map((d) => d.LatestVersionMetadata?.Name)).not.toContain('todo.txt');
    emu.control.restore(todo);
    expect((await listAll(c, bob.recycleBinFolderId)).documents.map((d) => d.LatestVersionMetadata?.Name)).toEqual(['old-notes.txt']);
    expect((await listAll(c, bob.rootFolderId)).documents.map((d) => d.LatestVersionMetadata?.Name)).toContain('todo.txt');
    expect(() => emu.control.addDocument({ parentId: bob.recycleBinFolderId, name: 'x', content: 'x' })).toThrow(/recycle bin/);
  });
});

describe('DescribeResourcePermissions', () => {
  it.each([
    { path: [], owner: 'alice', expected: { 'USER:alice': ['OWNER/DIRECT'] } },
    { path: ['Team'], owner: 'alice', expected: { 'USER:alice': ['OWNER/INHERITED'], 'GROUP:Engineering': ['VIEWER/DIRECT'], 'USER:bob': ['COOWNER/DIRECT'] } },
    { path: ['Team', 'plan.md'], owner: 'alice', expected: { 'USER:alice': ['OWNER/INHERITED'], 'GROUP:Engineering': ['VIEWER/INHERITED'], 'USER:bob': ['COOWNER/INHERITED'] } },
    { path: ['Team', 'budget.xlsx'], owner: 'alice', expected: { 'USER:bob': ['COOWNER/INHERITED', 'OWNER/DIRECT'], 'GROUP:Engineering': ['VIEWER/INHERITED'] } },
    {
      path: ['Team', 'Public', 'flyer.pdf'],
      owner: 'alice',
      expected: { 'USER:alice': ['OWNER/INHERITED'], 'GROUP:Engineering': ['VIEWER/INHERITED'], 'USER:bob': ['COOWNER/INHERITED'], 'ANONYMOUS:anonymous': ['VIEWER/INHERITED'] },
    },
    { path: ['Designs'], owner: 'bob', expected: { 'USER:bob': ['OWNER/INHERITED'], 'USER:alice': ['CONTRIBUTOR/DIRECT'] } },
  ])('$owner / $path', async ({ path, owner, expected }) => {
    const resourceId = path.length ? id(path, owner) : userNamed(owner).rootFolderId;
    const principals: Principal[] = [];
    for await (const p of paginateDescribeResourcePermissions({ client: c, pageSize: 1 }, { ResourceId: resourceId })) principals.push(...(p.Principals ?? []));
    const group = (await c.send(new DescribeGroupsCommand({ SearchQuery: 'Eng', OrganizationId: emu.organizationId }))).Groups![0]!;
    const named = Object.fromEntries(
      Object.entries(roles(principals)).map(([k, v]) => {
        const [type, pid] = k.split(':') as [string, string];
        const name = type === 'USER' ? emu.control.users().find((u) => u.id === pid)?.username : type === 'GROUP' && pid === group.Id ? group.Name : pid;
        return [`${type}:${name}`, v];
      }),
    );
    expect(named).toEqual(expected);
  });

  it('PrincipalId filters; share, unshare and setOwner change what it answers', async () => {
    const team = id(['Team']);
    const bob = userNamed('bob');
    const only = await c.send(new DescribeResourcePermissionsCommand({ ResourceId: team, PrincipalId: bob.id }));
    expect(only.Principals!.map((p) => p.Id)).toEqual([bob.id]);
    const dave = userNamed('dave');
    emu.control.share({ resourceId: team, principal: 'dave', role: 'VIEWER' });
    const plan = id(['Team', 'plan.md']);
    expect(roles((await c.send(new DescribeResourcePermissionsCommand({ ResourceId: plan }))).Principals!)[`USER:${dave.id}`]).toEqual(['VIEWER/INHERITED']);
    emu.control.unshare(team, 'dave');
    expect(roles((await c.send(new DescribeResourcePermissionsCommand({ ResourceId: plan }))).Principals!)[`USER:${dave.id}`]).toBeUndefined();
    emu.control.setOwner(plan, dave.id);
    expect(roles((await c.send(new DescribeResourcePermissionsCommand({ ResourceId: plan }))).Principals!)[`USER:${dave.id}`]).toEqual(['OWNER/DIRECT']);
    expect(() => emu.control.share({ resourceId: team, principal: 'bob', role: 'OWNER' })).toThrow(/ownership/);
    expect(() => emu.control.share({ resourceId: team, principal: 'nobody', role: 'VIEWER' })).toThrow(/does not exist/);
  });
});

describe('DescribeGroups', () => {
  it('finds groups by name prefix', async () => {
    const r = await c.send(new DescribeGroupsCommand({ SearchQuery: 'eng', OrganizationId: emu.organizationId }));
    expect(r.Groups?.map((g) => g.Name)).toEqual(['Engineering']);
    expect(r.Groups![0]!.Id).toMatch(/^S-1-1-21-/);
    expect((await c.send(new DescribeGroupsCommand({ SearchQuery: 'sales' }))).Groups).toEqual([]);
  });
});

describe('DescribeComments', () => {
  const planLatest = async (): Promise<{ docId: string; versionId: string }> => {
    const docId = id(['Team', 'plan.md']);
    const d = await c.send(new GetDocumentCommand({ DocumentId: docId }));
    return { docId, versionId: d.Metadata!.LatestVersionMetadata!.Id! };
  };

  it('answers threads and replies with author, date, text, visibility, parent and recipient, paged', async () => {
    const { docId, versionId } = await planLatest();
    const all = [];
    for await (const p of paginateDescribeComments({ client: c, pageSize: 1 }, { DocumentId: docId, VersionId: versionId })) all.push(...(p.Comments ?? []));
    expect(all.map((x) => `${x.Contributor?.Username}: ${x.Text} (${x.Visibility})`)).toEqual([
      'bob: Ship it. (PUBLIC)',
      'alice: Shipping. (PUBLIC)',
      'bob: Only between us: check the budget. (PRIVATE)',
      'carol: Second thread. (PUBLIC)',
    ]);
    const [ship, shipping, privateReply, second] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0], (typeof all)[0]];
    expect(ship.ThreadId).toBe(ship.CommentId);
    expect(ship.ParentId).toBeUndefined();
    expect(shipping.ThreadId).toBe(ship.CommentId);
    expect(shipping.ParentId).toBe(ship.CommentId);
    expect(shipping.RecipientId).toBe(userNamed('bob').id);
    expect(privateReply.ParentId).toBe(ship.CommentId);
    expect(second.ThreadId).toBe(second.CommentId);
    expect(ship.CreatedTimestamp!.getTime()).toBeLessThan(shipping.CreatedTimestamp!.getTime());
    expect(all.every((x) => x.Status === 'PUBLISHED')).toBe(true);
    // Comments belong to a version: the first version of the plan has none.
    const versions = await c.send(new DescribeDocumentVersionsCommand({ DocumentId: docId }));
    const first = versions.DocumentVersions!.at(-1)!.Id!;
    expect((await c.send(new DescribeCommentsCommand({ DocumentId: docId, VersionId: first }))).Comments).toEqual([]);
  });

  it('control: addComment (a reply joins the thread) and deleteComment (stays, DELETED, without text)', async () => {
    const { docId, versionId } = await planLatest();
    const before = (await c.send(new DescribeCommentsCommand({ DocumentId: docId, VersionId: versionId }))).Comments!;
    const { commentId } = emu.control.addComment({ documentId: docId, text: 'One more thing.', contributor: 'dave', parentId: before[3]!.CommentId! });
    let now = (await c.send(new DescribeCommentsCommand({ DocumentId: docId, VersionId: versionId }))).Comments!;
    const added = now.find((x) => x.CommentId === commentId)!;
    expect(added).toMatchObject({ Text: 'One more thing.', ThreadId: before[3]!.CommentId, ParentId: before[3]!.CommentId, RecipientId: userNamed('carol').id, Status: 'PUBLISHED' });
    expect(added.Contributor?.Username).toBe('dave');
    emu.control.deleteComment(docId, versionId, commentId);
    now = (await c.send(new DescribeCommentsCommand({ DocumentId: docId, VersionId: versionId }))).Comments!;
    const deleted = now.find((x) => x.CommentId === commentId)!;
    expect(deleted.Status).toBe('DELETED');
    expect(deleted.Text).toBeUndefined();
    expect(() => emu.control.addComment({ documentId: docId, text: '' })).toThrow(/Text/);
    expect(() => emu.control.addComment({ documentId: docId, text: 'x', parentId: 'nope' })).toThrow(/does not exist/);
  });
});

describe('labels and custom metadata', () => {
  it('Labels are in the metadata; CustomMetadata comes with IncludeCustomMetadata, per resource and per version', async () => {
    const plan = id(['Team', 'plan.md']);
    const doc = await c.send(new GetDocumentCommand({ DocumentId: plan }));
    expect(doc.Metadata?.Labels).toEqual(['important', 'q2']);
    expect(doc.CustomMetadata).toBeUndefined();
    const withMeta = await c.send(new GetDocumentCommand({ DocumentId: plan, IncludeCustomMetadata: true }));
    expect(withMeta.CustomMetadata).toEqual({ project: 'apollo', reviewed: 'yes' });
    const team = await c.send(new GetFolderCommand({ FolderId: id(['Team']), IncludeCustomMetadata: true }));
    expect(team.Metadata?.Labels).toEqual(['shared']);
    expect(team.CustomMetadata).toEqual({ department: 'engineering' });
    const versions = (await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions!;
    const oldest = await c.send(new GetDocumentVersionCommand({ DocumentId: plan, VersionId: versions.at(-1)!.Id!, IncludeCustomMetadata: true }));
    expect(oldest.CustomMetadata).toEqual({ approved: 'no' });
    const listed = (await listAll(c, id(['Team']))).documents.find((d) => d.Id === plan)!;
    expect(listed.Labels).toEqual(['important', 'q2']);
  });

  it('control: setLabels replaces, setCustomMetadata sets and (null) deletes keys, and bad values are refused', async () => {
    const plan = id(['Team', 'plan.md']);
    emu.control.setLabels(plan, ['final']);
    emu.control.setCustomMetadata(plan, { reviewed: null, owner: 'alice' });
    const doc = await c.send(new GetDocumentCommand({ DocumentId: plan, IncludeCustomMetadata: true }));
    expect(doc.Metadata?.Labels).toEqual(['final']);
    expect(doc.CustomMetadata).toEqual({ project: 'apollo', owner: 'alice' });
    emu.control.setLabels(plan, []);
    expect((await c.send(new GetDocumentCommand({ DocumentId: plan }))).Metadata?.Labels).toBeUndefined();
    expect(() => emu.control.setCustomMetadata(plan, {})).toThrow(/1-8 keys/);
    expect(() => emu.control.setCustomMetadata(plan, { k: 'x'.repeat(257) })).toThrow(/1-256/);
    expect(() => emu.control.setLabels(plan, ['x'.repeat(33)])).toThrow(/Labels/);
  });
});

describe('versions', () => {
  it('every version has its own Signature (the MD5 of its bytes), newest first, paged; INITIALIZED ones only on request', async () => {
    const plan = id(['Team', 'plan.md']);
    const ids: string[] = [];
    const sigs: string[] = [];
    for await (const p of paginateDescribeDocumentVersions({ client: c, pageSize: 1 }, { DocumentId: plan })) {
      expect(p.DocumentVersions).toHaveLength(1);
      ids.push(p.DocumentVersions![0]!.Id!);
      sigs.push(p.DocumentVersions![0]!.Signature!);
    }
    const bodies = await Promise.all(ids.map((v) => emu.control.readContent(plan, v)));
    expect(bodies.map((b) => b.toString())).toEqual(['# Plan\n\nv3, final\n', '# Plan\n\nv2, after review\n', '# Plan\n\nv1\n']);
    expect(sigs).toEqual(bodies.map(md5));
    emu.control.addVersion(plan, { content: 'uploading', status: 'INITIALIZED' });
    expect((await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions).toHaveLength(3);
    const withInit = (await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan, Include: 'INITIALIZED' }))).DocumentVersions!;
    expect(withInit.map((v) => v.Status)).toEqual(['INITIALIZED', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(withInit[0]!.Signature).toBeUndefined();
  });

  it('control: revert makes a new version with the bytes and Signature of an older one; checkOut locks until a check-in', async () => {
    const plan = id(['Team', 'plan.md']);
    const oldest = (await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions!.at(-1)!;
    const { versionId } = emu.control.revert(plan, oldest.Id!);
    const latest = (await c.send(new GetDocumentCommand({ DocumentId: plan }))).Metadata!.LatestVersionMetadata!;
    expect(latest.Id).toBe(versionId);
    expect(latest.Signature).toBe(oldest.Signature);
    expect((await emu.control.readContent(plan)).toString()).toBe('# Plan\n\nv1\n');
    emu.control.checkOut(plan, 'bob');
    expect(() => emu.control.checkOut(plan)).toThrow(/already checked out/);
    const { versionId: checkedIn } = emu.control.addVersion(plan, { content: 'by bob', checkIn: true });
    const after = (await c.send(new GetDocumentCommand({ DocumentId: plan }))).Metadata!.LatestVersionMetadata!;
    expect(after.Id).toBe(checkedIn);
    expect(after.CreatorId).toBe(userNamed('bob').id);
    emu.control.checkOut(plan);
  });

  it('control: deleteVersion removes one version, never the only ACTIVE one', async () => {
    const plan = id(['Team', 'plan.md']);
    const versions = (await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions!;
    emu.control.deleteVersion(plan, versions[1]!.Id!);
    expect((await c.send(new DescribeDocumentVersionsCommand({ DocumentId: plan }))).DocumentVersions!.map((v) => v.Id)).toEqual([versions[0]!.Id, versions[2]!.Id]);
    const todo = id(['todo.txt'], 'bob');
    const only = (await c.send(new GetDocumentCommand({ DocumentId: todo }))).Metadata!.LatestVersionMetadata!.Id!;
    expect(() => emu.control.deleteVersion(todo, only)).toThrow(/only ACTIVE version/);
  });
});
