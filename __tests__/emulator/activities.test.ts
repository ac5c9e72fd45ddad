// DescribeActivities through the unmodified SDK: every change the control API makes is logged with the real wire
// fields, and the feed is filtered and paged as the service does.
import {
  DescribeActivitiesCommand,
  EntityNotExistsException,
  InvalidArgumentException,
  paginateDescribeActivities,
  type Activity,
  type DescribeActivitiesCommandInput,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { EmulatorControl } from '../../src/emulator/types.js';
import { client } from './helpers.js';

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

const user = (name: string) => emu.control.users().find((u) => u.username === name)!;
const at = (path: string[], owner = 'alice'): string => {
  const x = emu.control.lookup(path, user(owner).rootFolderId);
  if (!x) throw new Error(`no item at ${path.join(' / ')}`);
  return x;
};
const emulatorNow = (): Date => new Date(Date.now() + emu.store.clockOffsetMs);

async function activities(params: Omit<DescribeActivitiesCommandInput, 'OrganizationId'> = {}, pageSize = 999): Promise<Activity[]> {
  const out: Activity[] = [];
  for await (const p of paginateDescribeActivities({ client: c, pageSize }, { OrganizationId: emu.organizationId, ...params })) out.push(...(p.UserActivities ?? []));
  return out;
}

/** Runs `change` on its own second of the emulator clock; answers the direct activities it logged. */
async function logged(change: (control: EmulatorControl) => void): Promise<Activity[]> {
  emu.control.advanceClock(5);
  const start = emulatorNow();
  change(emu.control);
  emu.control.advanceClock(5);
  return activities({ StartTime: start });
}

/** Ids of the fixture, looked up before a change renames or moves them. */
interface Ids {
  plan: string;
  team: string;
  public: string;
  root: string;
}

interface Case {
  name: string;
  /** Changes whose own activities are not under test. */
  prepare?: (control: EmulatorControl, ids: Ids) => void;
  change: (control: EmulatorControl, ids: Ids) => void;
  expected: (ids: Ids) => Record<string, unknown>;
}

const plan = (): string => at(['Team', 'plan.md']);
const team = (): string => at(['Team']);
const fixtureIds = (): Ids => ({ plan: plan(), team: team(), public: at(['Team', 'Public']), root: user('alice').rootFolderId });
const latestVersion = (docId: string): string => emu.store.latest(emu.store.doc(docId)).id;
const cases: Case[] = [
  {
    name: 'addFolder',
    change: (k, ids) => k.addFolder({ parentId: ids.team, name: 'New' }),
    expected: (ids) => ({ Type: 'FOLDER_CREATED', ResourceMetadata: { Type: 'FOLDER', Name: 'New', ParentId: ids.team } }),
  },
  {
    name: 'addDocument',
    change: (k, ids) => k.addDocument({ parentId: ids.team, name: 'new.txt', content: 'n' }),
    expected: (ids) => ({ Type: 'DOCUMENT_VERSION_UPLOADED', ResourceMetadata: { Type: 'DOCUMENT', Name: 'new.txt', ParentId: ids.team, VersionId: expect.any(String) } }),
  },
  {
    name: 'addVersion',
    change: (k, ids) => k.addVersion(ids.plan, { content: 'v4' }),
    expected: (ids) => ({ Type: 'DOCUMENT_VERSION_UPLOADED', ResourceMetadata: { Id: ids.plan, Name: 'plan.md', VersionId: latestVersion(ids.plan) } }),
  },
  {
    name: 'rename a document',
    change: (k, ids) => k.rename(ids.plan, 'plan-final.md'),
    expected: (ids) => ({ Type: 'DOCUMENT_RENAMED', ResourceMetadata: { Id: ids.plan, Name: 'plan-final.md', OriginalName: 'plan.md' } }),
  },
  {
    name: 'rename a folder',
    change: (k, ids) => k.rename(ids.team, 'Crew'),
    expected: (ids) => ({ Type: 'FOLDER_RENAMED', ResourceMetadata: { Id: ids.team, Name: 'Crew', OriginalName: 'Team' } }),
  },
  {
    name: 'move a document',
    change: (k, ids) => k.move(ids.plan, ids.root),
    expected: (ids) => ({ Type: 'DOCUMENT_MOVED', ResourceMetadata: { Id: ids.plan, ParentId: ids.root }, OriginalParent: { Type: 'FOLDER', Id: ids.team, Name: 'Team' } }),
  },
  {
    name: 'move a folder',
    change: (k, ids) => k.move(ids.public, ids.root),
    expected: (ids) => ({ Type: 'FOLDER_MOVED', ResourceMetadata: { Id: ids.public, Name: 'Public' }, OriginalParent: { Id: ids.team } }),
  },
  {
    name: 'recycle a document',
    change: (k, ids) => k.delete(ids.plan),
    expected: (ids) => ({ Type: 'DOCUMENT_RECYCLED', ResourceMetadata: { Id: ids.plan, ParentId: ids.team } }),
  },
  {
    name: 'restore a document',
    prepare: (k, ids) => k.delete(ids.plan),
    change: (k, ids) => k.restore(ids.plan),
    expected: (ids) => ({ Type: 'DOCUMENT_RESTORED', ResourceMetadata: { Id: ids.plan } }),
  },
  {
    name: 'recycle a folder',
    change: (k, ids) => k.delete(ids.team),
    expected: (ids) => ({ Type: 'FOLDER_RECYCLED', ResourceMetadata: { Id: ids.team, Name: 'Team' } }),
  },
  {
    name: 'restore a folder',
    prepare: (k, ids) => k.delete(ids.team),
    change: (k, ids) => k.restore(ids.team),
    expected: (ids) => ({ Type: 'FOLDER_RESTORED', ResourceMetadata: { Id: ids.team } }),
  },
  {
    name: 'delete a folder for good',
    change: (k, ids) => k.delete(ids.public, 'remove'),
    expected: (ids) => ({ Type: 'FOLDER_DELETED', ResourceMetadata: { Type: 'FOLDER', Name: 'Public', ParentId: ids.team } }),
  },
  {
    name: 'share a folder with a user',
    change: (k, ids) => k.share({ resourceId: ids.team, principal: 'dave', role: 'VIEWER' }),
    expected: (ids) => ({ Type: 'FOLDER_SHARED', ResourceMetadata: { Id: ids.team }, Participants: { Users: [{ Id: user('dave').id, Username: 'dave' }], Groups: [] } }),
  },
  {
    name: 'share a document with a group',
    change: (k, ids) => k.share({ resourceId: ids.plan, principal: 'Engineering', type: 'GROUP', role: 'CONTRIBUTOR' }),
    expected: () => ({ Type: 'DOCUMENT_SHARED', Participants: { Users: [], Groups: [{ Id: expect.stringMatching(/^S-1-1-21-/), Name: 'Engineering' }] } }),
  },
  {
    name: 'change the role of a share',
    change: (k, ids) => k.share({ resourceId: ids.team, principal: 'bob', role: 'VIEWER' }),
    expected: () => ({ Type: 'FOLDER_SHARE_PERMISSION_CHANGED', Participants: { Users: [{ Username: 'bob' }] } }),
  },
  {
    name: 'unshare',
    change: (k, ids) => k.unshare(ids.team, 'bob'),
    expected: (ids) => ({ Type: 'FOLDER_UNSHARED', ResourceMetadata: { Id: ids.team }, Participants: { Users: [{ Username: 'bob' }] } }),
  },
  {
    name: 'create a shareable link',
    change: (k, ids) => k.share({ resourceId: ids.plan, type: 'ANONYMOUS', role: 'VIEWER' }),
    expected: (ids) => ({ Type: 'DOCUMENT_SHAREABLE_LINK_CREATED', ResourceMetadata: { Id: ids.plan } }),
  },
  {
    name: 'remove a shareable link',
    change: (k, ids) => k.unshare(ids.public, 'anonymous'),
    expected: () => ({ Type: 'FOLDER_SHAREABLE_LINK_REMOVED' }),
  },
  {
    name: 'comment',
    change: (k, ids) => k.addComment({ documentId: ids.plan, text: 'Nice.', contributor: 'bob' }),
    expected: (ids) => ({
      Type: 'DOCUMENT_COMMENT_ADDED',
      Initiator: { Username: 'bob' },
      ResourceMetadata: { Id: ids.plan, VersionId: latestVersion(ids.plan) },
      CommentMetadata: { CommentId: expect.any(String), ContributorId: user('bob').id, Contributor: { Username: 'bob' }, CommentStatus: 'PUBLISHED', CreatedTimestamp: expect.any(Date) },
    }),
  },
  {
    name: 'delete a comment',
    change: (k, ids) => {
      const thread = emu.store.latest(emu.store.doc(ids.plan)).comments![0]!;
      k.deleteComment(ids.plan, latestVersion(ids.plan), thread.id);
    },
    expected: () => ({ Type: 'DOCUMENT_COMMENT_DELETED', CommentMetadata: { CommentStatus: 'DELETED', Contributor: { Username: 'bob' } } }),
  },
  {
    name: 'transfer ownership',
    change: (k, ids) => k.setOwner(ids.plan, user('bob').id),
    expected: () => ({ Type: 'DOCUMENT_SHARE_PERMISSION_CHANGED', Initiator: { Username: 'alice' }, ResourceMetadata: { Owner: { Username: 'bob' } }, Participants: { Users: [{ Username: 'bob' }] } }),
  },
  {
    name: 'check out',
    change: (k, ids) => k.checkOut(ids.plan, 'bob'),
    expected: (ids) => ({ Type: 'DOCUMENT_CHECKED_OUT', Initiator: { Username: 'bob' }, ResourceMetadata: { Id: ids.plan } }),
  },
  {
    name: 'check in a new version',
    prepare: (k, ids) => k.checkOut(ids.plan, 'bob'),
    change: (k, ids) => k.addVersion(ids.plan, { content: 'checked in', checkIn: true }),
    expected: (ids) => ({ Type: 'DOCUMENT_CHECKED_IN', Initiator: { Username: 'bob' }, ResourceMetadata: { Id: ids.plan, VersionId: latestVersion(ids.plan) } }),
  },
  {
    name: 'revert to an older version',
    change: (k, ids) => k.revert(ids.plan, emu.store.doc(ids.plan).versions[0]!.id),
    expected: (ids) => ({ Type: 'DOCUMENT_REVERTED', ResourceMetadata: { Id: ids.plan, VersionId: latestVersion(ids.plan) } }),
  },
  {
    name: 'delete a version',
    change: (k, ids) => k.deleteVersion(ids.plan, emu.store.doc(ids.plan).versions[0]!.id),
    expected: (ids) => ({ Type: 'DOCUMENT_VERSION_DELETED', ResourceMetadata: { Id: ids.plan, VersionId: expect.stringMatching(/^\d{13}-[0-9a-f]{64}$/) } }),
  },
];

describe('every control change is logged with the wire fields of the service', () => {
  it.each(cases)('$name', async ({ prepare, change, expected }) => {
    const ids = fixtureIds();
    prepare?.(emu.control, ids);
    const before = emulatorNow();
    const acts = await logged((k) => change(k, ids));
    expect(acts).toHaveLength(1);
    const a = acts[0]!;
    expect(a).toMatchObject(expected(ids));
    expect(a).toMatchObject({ IsIndirectActivity: false, OrganizationId: emu.organizationId, Initiator: { Id: expect.any(String), Username: expect.any(String) } });
    expect(a.ResourceMetadata?.Owner?.Id).toBeTypeOf('string');
    expect(a.TimeStamp!.getTime()).toBeGreaterThan(before.getTime());
    expect(a.TimeStamp!.getTime()).toBeLessThanOrEqual(emulatorNow().getTime());
  });

  it('user changes, labels and custom metadata log nothing: the service has no activity type for them', async () => {
    const acts = await logged((k) => {
      const erin = k.addUser({ username: 'erin' });
      k.setUserStatus(erin.id, 'INACTIVE');
      k.setLabels(plan(), ['x']);
      k.setCustomMetadata(plan(), { a: 'b' });
    });
    expect(acts).toEqual([]);
  });
});

describe('the history of the fixture', () => {
  it('holds folder creations, every ACTIVE version upload at its own time, fixture shares, comments and recycles', async () => {
    const all = await activities();
    const times = all.map((a) => a.TimeStamp!.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    const planUploads = all.filter((a) => a.Type === 'DOCUMENT_VERSION_UPLOADED' && a.ResourceMetadata?.Id === plan());
    expect(planUploads.map((a) => a.TimeStamp!.toISOString())).toEqual(['2024-03-06T09:00:00.000Z', '2024-03-03T09:00:00.000Z', '2024-03-02T09:00:00.000Z']);
    expect(all.filter((a) => a.Type === 'DOCUMENT_COMMENT_ADDED' && a.ResourceMetadata?.Id === plan())).toHaveLength(4);
    expect(all.some((a) => a.Type === 'FOLDER_CREATED' && a.ResourceMetadata?.Name === 'Team')).toBe(true);
    expect(all.some((a) => a.Type === 'FOLDER_SHAREABLE_LINK_CREATED' && a.ResourceMetadata?.Name === 'Public')).toBe(true);
    expect(all.filter((a) => a.Type?.endsWith('_RECYCLED')).map((a) => a.ResourceMetadata?.Name).sort()).toEqual(['Scratch', 'draft.txt', 'old-notes.txt']);
  });
});

describe('filters', () => {
  it('StartTime (inclusive) and EndTime (exclusive) cut the feed by time', async () => {
    const planId = plan();
    emu.control.advanceClock(60);
    const t1 = emulatorNow();
    emu.control.rename(planId, 'a.md');
    emu.control.advanceClock(10);
    const t2 = emulatorNow();
    emu.control.rename(planId, 'b.md');
    emu.control.advanceClock(10);
    const t3 = emulatorNow();
    emu.control.rename(planId, 'c.md');
    const names = (acts: Activity[]): Array<string | undefined> => acts.map((a) => a.ResourceMetadata?.Name);
    expect(names(await activities({ StartTime: t1 }))).toEqual(['c.md', 'b.md', 'a.md']);
    expect(names(await activities({ StartTime: t2, EndTime: t3 }))).toEqual(['b.md']);
    expect(names(await activities({ StartTime: t1, EndTime: t2 }))).toEqual(['a.md']);
  });

  it('UserId keeps what that user did (and needs no OrganizationId)', async () => {
    emu.control.advanceClock(60);
    const start = emulatorNow();
    emu.control.rename(at(['todo.txt'], 'bob'), 'todo-2.txt');
    emu.control.rename(plan(), 'p.md');
    const bob = await c.send(new DescribeActivitiesCommand({ UserId: user('bob').id, StartTime: start }));
    expect(bob.UserActivities!.map((a) => `${a.Initiator?.Username} ${a.ResourceMetadata?.Name}`)).toEqual(['bob todo-2.txt']);
  });

  it('ActivityTypes keeps the listed types; an unknown type is InvalidArgument', async () => {
    const acts = await activities({ ActivityTypes: 'FOLDER_SHARED,FOLDER_SHAREABLE_LINK_CREATED' });
    expect(new Set(acts.map((a) => a.Type))).toEqual(new Set(['FOLDER_SHARED', 'FOLDER_SHAREABLE_LINK_CREATED']));
    await expect(activities({ ActivityTypes: 'DOCUMENT_EXPLODED' })).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it("ResourceId keeps one resource's activities; with IncludeIndirectActivities, those below a folder too, marked indirect", async () => {
    const own = await activities({ ResourceId: plan() });
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((a) => a.ResourceMetadata?.Id === plan() && a.IsIndirectActivity === false)).toBe(true);
    const direct = await activities({ ResourceId: team() });
    expect(direct.every((a) => a.ResourceMetadata?.Id === team())).toBe(true);
    const below = await activities({ ResourceId: team(), IncludeIndirectActivities: true });
    expect(below.some((a) => a.ResourceMetadata?.Id === plan() && a.IsIndirectActivity === true)).toBe(true);
    expect(below.filter((a) => a.ResourceMetadata?.Id === team()).length).toBe(direct.length);
  });

  it("a folder's share reaches its contents as indirect activities, left out unless IncludeIndirectActivities", async () => {
    emu.control.advanceClock(60);
    const start = emulatorNow();
    emu.control.share({ resourceId: team(), principal: 'dave', role: 'VIEWER' });
    const direct = await activities({ StartTime: start });
    expect(direct.map((a) => `${a.Type} ${a.ResourceMetadata?.Name}`)).toEqual(['FOLDER_SHARED Team']);
    const all = await activities({ StartTime: start, IncludeIndirectActivities: true });
    expect(all.filter((a) => a.IsIndirectActivity).map((a) => `${a.Type} ${a.ResourceMetadata?.Name}`).sort()).toEqual([
      'DOCUMENT_SHARED budget.xlsx',
      'DOCUMENT_SHARED flyer.pdf',
      'DOCUMENT_SHARED plan.md',
      'FOLDER_SHARED Public',
    ]);
    expect(all.every((a) => a.Participants?.Users?.[0]?.Username === 'dave')).toBe(true);
  });

  it('OrganizationId must be the site; SigV4 without it (and without UserId) is refused', async () => {
    await expect(c.send(new DescribeActivitiesCommand({ OrganizationId: 'd-0000000000' }))).rejects.toBeInstanceOf(EntityNotExistsException);
  });
});

describe('pagination', () => {
  it('pages of any size give the same feed, the last page without Marker', async () => {
    const whole = await activities({}, 999);
    expect(whole.length).toBeGreaterThan(30);
    for (const size of [1, 3, 7]) {
      const paged = await activities({}, size);
      expect(paged.map((a) => `${a.Type}:${a.ResourceMetadata?.Id}:${a.TimeStamp?.getTime()}`)).toEqual(whole.map((a) => `${a.Type}:${a.ResourceMetadata?.Id}:${a.TimeStamp?.getTime()}`));
    }
    const one = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 999 }));
    expect(one.Marker).toBeUndefined();
  });

  it('the feed stays in time order whatever order changes are logged in (a clock moved back)', async () => {
    await activities();
    emu.control.advanceClock(100);
    emu.control.rename(plan(), 'later.md');
    emu.control.advanceClock(-50);
    emu.control.rename(team(), 'Earlier');
    const all = await activities();
    const times = all.map((a) => a.TimeStamp!.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all.slice(0, 2).map((a) => a.ResourceMetadata?.Name)).toEqual(['later.md', 'Earlier']);
  });

  it('a Marker keeps its place while new activities arrive: no repeats, no skips', async () => {
    const whole = await activities();
    const first = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 5 }));
    emu.control.advanceClock(60);
    emu.control.rename(plan(), 'later.md');
    const second = await c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Limit: 5, Marker: first.Marker }));
    const key = (a: Activity): string => `${a.Type}:${a.ResourceMetadata?.Id}:${a.TimeStamp?.getTime()}`;
    expect([...first.UserActivities!, ...second.UserActivities!].map(key)).toEqual(whole.slice(0, 10).map(key));
    await expect(c.send(new DescribeActivitiesCommand({ OrganizationId: emu.organizationId, Marker: 'bogus' }))).rejects.toBeInstanceOf(InvalidArgumentException);
  });
});
