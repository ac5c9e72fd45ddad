/**
 * Response shapes of the WorkDocs API (restJson1): records of the store turned into the model's structures,
 * timestamps in epoch seconds.
 */
import { createHash } from 'node:crypto';
import type { ActivityRec, CommentRec, DocRec, FolderRec, GroupRec, PermissionRec, Store, UserRec, VersionRec } from './store.js';

export const sec = (ms: number): number => ms / 1000;

export function folderMetadata(f: FolderRec): Record<string, unknown> {
  const m: Record<string, unknown> = {
    Id: f.id,
    Name: f.name,
    CreatorId: f.ownerId,
    CreatedTimestamp: sec(f.created),
    ModifiedTimestamp: sec(f.modified),
    ResourceState: f.state,
    Signature: createHash('md5').update(`${f.id}:${f.name}:${f.modified}:${f.state}`).digest('hex'),
  };
  if (f.parentId !== null) m['ParentFolderId'] = f.parentId;
  if (f.labels) m['Labels'] = f.labels;
  return m;
}

/** `contentUrl` mints the presigned Source.ORIGINAL URL when the caller asked for it. */
export function versionMetadata(d: DocRec, v: VersionRec, contentUrl?: (d: DocRec, v: VersionRec) => string): Record<string, unknown> {
  const m: Record<string, unknown> = {
    Id: v.id,
    Name: v.name,
    ContentType: v.contentType,
    Size: v.content.size,
    Status: v.status,
    CreatedTimestamp: sec(v.created),
    ModifiedTimestamp: sec(v.modified),
    ContentCreatedTimestamp: sec(v.created),
    ContentModifiedTimestamp: sec(v.modified),
    CreatorId: v.creatorId,
  };
  if (v.status === 'ACTIVE' && !v.noSignature) m['Signature'] = v.content.md5();
  if (contentUrl && v.status === 'ACTIVE') m['Source'] = { ORIGINAL: contentUrl(d, v) };
  return m;
}

export function documentMetadata(store: Store, d: DocRec): Record<string, unknown> {
  const m: Record<string, unknown> = {
    Id: d.id,
    CreatorId: d.creatorId,
    ParentFolderId: d.parentId,
    CreatedTimestamp: sec(d.created),
    ModifiedTimestamp: sec(d.modified),
    LatestVersionMetadata: versionMetadata(d, store.latest(d)),
    ResourceState: d.state,
  };
  if (d.labels) m['Labels'] = d.labels;
  return m;
}

/** UserMetadata: the short form of a user inside other shapes. */
export function userMetadata(store: Store, id: string): Record<string, unknown> {
  const u = store.users.find((x) => x.id === id);
  if (!u) return { Id: id };
  return { Id: u.id, Username: u.username, GivenName: u.givenName, Surname: u.surname, EmailAddress: u.email };
}

/** User: the full form DescribeUsers answers. */
export function user(store: Store, u: UserRec): Record<string, unknown> {
  return {
    Id: u.id,
    Username: u.username,
    EmailAddress: u.email,
    GivenName: u.givenName,
    Surname: u.surname,
    OrganizationId: store.organizationId,
    RootFolderId: u.rootFolderId,
    RecycleBinFolderId: u.recycleBinFolderId,
    Status: u.status,
    Type: u.type,
    CreatedTimestamp: sec(u.created),
    ModifiedTimestamp: sec(u.modified),
    TimeZoneId: 'UTC',
    Locale: 'en',
    Storage: { StorageUtilizedInBytes: 0, StorageRule: { StorageAllocatedInBytes: 1099511627776, StorageType: 'QUOTA' } },
  };
}

export function groupMetadata(g: GroupRec): Record<string, unknown> {
  return { Id: g.id, Name: g.name };
}

export function principal(p: PermissionRec): Record<string, unknown> {
  return { Id: p.principalId, Type: p.principalType, Roles: p.roles.map((r) => ({ Role: r.role, Type: r.type })) };
}

/** A deleted comment keeps its place in the thread, without its text. */
export function comment(store: Store, c: CommentRec): Record<string, unknown> {
  const u = store.users.find((x) => x.id === c.contributorId);
  const out: Record<string, unknown> = {
    CommentId: c.id,
    ThreadId: c.threadId,
    Contributor: u ? user(store, u) : { Id: c.contributorId },
    CreatedTimestamp: sec(c.created),
    Status: c.status,
    Visibility: c.visibility,
  };
  if (c.parentId) out['ParentId'] = c.parentId;
  if (c.recipientId) out['RecipientId'] = c.recipientId;
  if (c.status !== 'DELETED') out['Text'] = c.text;
  return out;
}

/** `indirect`: the activity reached this resource through a folder (its own flag, or a ResourceId query on a parent). */
export function activity(store: Store, a: ActivityRec, indirect: boolean): Record<string, unknown> {
  // A resource deleted since has no owner left: the one who acted stands in.
  const exists = store.folders.has(a.resourceId) || store.docs.has(a.resourceId);
  const rm: Record<string, unknown> = { Type: a.resourceType, Name: a.name, Id: a.resourceId, Owner: userMetadata(store, exists ? store.ownerOf(a.resourceId) : a.initiatorId) };
  if (a.originalName !== undefined) rm['OriginalName'] = a.originalName;
  if (a.versionId) rm['VersionId'] = a.versionId;
  if (a.parentId) rm['ParentId'] = a.parentId;
  const out: Record<string, unknown> = {
    Type: a.type,
    TimeStamp: sec(a.time),
    IsIndirectActivity: indirect,
    OrganizationId: store.organizationId,
    Initiator: userMetadata(store, a.initiatorId),
    ResourceMetadata: rm,
  };
  if (a.participants) {
    const groups = (a.participants.groupIds ?? []).map((id) => {
      const g = store.groups.find((x) => x.id === id);
      return g ? groupMetadata(g) : { Id: id };
    });
    out['Participants'] = { Users: (a.participants.userIds ?? []).map((id) => userMetadata(store, id)), Groups: groups };
  }
  if (a.originalParentId) {
    const p = store.folders.get(a.originalParentId);
    out['OriginalParent'] = { Type: 'FOLDER', Id: a.originalParentId, ...(p ? { Name: p.name } : {}) };
  }
  if (a.comment) {
    const u = store.users.find((x) => x.id === a.comment!.contributorId);
    out['CommentMetadata'] = {
      CommentId: a.comment.id,
      Contributor: u ? user(store, u) : { Id: a.comment.contributorId },
      ContributorId: a.comment.contributorId,
      CreatedTimestamp: sec(a.comment.created),
      CommentStatus: a.comment.status,
      ...(a.comment.recipientId ? { RecipientId: a.comment.recipientId } : {}),
    };
  }
  return out;
}
