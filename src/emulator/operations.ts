/**
 * The WorkDocs operations: routing, parameter validation and response shapes (restJson1, epoch-second timestamps).
 */
import { createHash } from 'node:crypto';
import { invalidArgument, notFound, prohibitedState, ServiceError, unauthorizedResource } from './errors.js';
import type { ActivityRec, DocRec, FolderRec, ListMarker, Order, SortKey, Store, UserRec, VersionRec } from './store.js';
import type { OperationName } from './types.js';
import { decodeMarker, encodeMarker } from './util.js';

export interface Route {
  op: OperationName;
  params: Record<string, string>;
  /** Ids the request is about (for fault matching). */
  ids: string[];
}

export function matchRoute(method: string, segs: string[]): Route | undefined {
  if (method !== 'GET' || segs[0] !== 'api' || segs[1] !== 'v1') return undefined;
  const [, , a, b, c, d, e] = segs;
  const n = segs.length;
  if (a === 'folders' && b) {
    if (n === 4) return { op: 'GetFolder', params: { FolderId: b }, ids: [b] };
    if (n === 5 && c === 'contents') return { op: 'DescribeFolderContents', params: { FolderId: b }, ids: [b] };
  }
  if (a === 'documents' && b) {
    if (n === 4) return { op: 'GetDocument', params: { DocumentId: b }, ids: [b] };
    if (n === 5 && c === 'versions') return { op: 'DescribeDocumentVersions', params: { DocumentId: b }, ids: [b] };
    if (n === 6 && c === 'versions' && d) return { op: 'GetDocumentVersion', params: { DocumentId: b, VersionId: d }, ids: [b, d] };
    if (n === 7 && c === 'versions' && d && e === 'comments')
      return { op: 'DescribeComments', params: { DocumentId: b, VersionId: d }, ids: [b, d] };
  }
  if (a === 'users' && n === 3) return { op: 'DescribeUsers', params: {}, ids: [] };
  if (a === 'activities' && n === 3) return { op: 'DescribeActivities', params: {}, ids: [] };
  if (a === 'resources' && b && n === 5 && c === 'permissions') return { op: 'DescribeResourcePermissions', params: { ResourceId: b }, ids: [b] };
  return undefined;
}

export interface ApiContext {
  store: Store;
  query: Record<string, string>;
  /** True when the request was SigV4-signed (administrative API), false for a user token. */
  sigv4: boolean;
  /** Mints a presigned content URL for a version. */
  contentUrl(doc: DocRec, v: VersionRec): string;
}

const sec = (ms: number): number => ms / 1000;

function parseLimit(q: Record<string, string>, def = 100): number {
  const raw = q['limit'];
  if (raw === undefined) return def;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument(`Invalid value for parameter limit: ${raw}`);
  const n = Number(raw);
  if (n < 1 || n > 999) throw invalidArgument(`1 validation error detected: Value '${raw}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 999`);
  return n;
}

function parseList(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function parseOffsetMarker(q: Record<string, string>, kind: string): number {
  const m = q['marker'];
  if (m === undefined || m === '') return 0;
  try {
    const o = decodeMarker(m) as { k?: string; n?: number };
    if (o.k === kind && Number.isInteger(o.n) && o.n! >= 0) return o.n!;
  } catch {
    /* fall through */
  }
  throw invalidArgument('The marker is invalid.');
}

function page<T>(items: T[], q: Record<string, string>, kind: string, def = 100): { items: T[]; marker?: string } {
  const limit = parseLimit(q, def);
  const start = parseOffsetMarker(q, kind);
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  return next < items.length ? { items: slice, marker: encodeMarker({ k: kind, n: next }) } : { items: slice };
}

function checkAccess(rec: { id: string; denied?: boolean }): void {
  if (rec.denied) throw unauthorizedResource(rec.id);
}

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

export function versionMetadata(ctx: ApiContext, d: DocRec, v: VersionRec, withSource: boolean): Record<string, unknown> {
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
  if (withSource && v.status === 'ACTIVE') m['Source'] = { ORIGINAL: ctx.contentUrl(d, v) };
  return m;
}

export function documentMetadata(ctx: ApiContext, d: DocRec): Record<string, unknown> {
  const m: Record<string, unknown> = {
    Id: d.id,
    CreatorId: d.creatorId,
    ParentFolderId: d.parentId,
    CreatedTimestamp: sec(d.created),
    ModifiedTimestamp: sec(d.modified),
    LatestVersionMetadata: versionMetadata(ctx, d, ctx.store.latest(d), false),
    ResourceState: d.state,
  };
  if (d.labels) m['Labels'] = d.labels;
  return m;
}

function userById(store: Store, id: string): UserRec | undefined {
  return store.users.find((u) => u.id === id);
}

function userMetadata(store: Store, id: string): Record<string, unknown> {
  const u = userById(store, id);
  if (!u) return { Id: id };
  return { Id: u.id, Username: u.username, GivenName: u.givenName, Surname: u.surname, EmailAddress: u.email };
}

function user(store: Store, u: UserRec): Record<string, unknown> {
  return {
    Id: u.id,
    Username: u.username,
    EmailAddress: u.email,
    GivenName: u.givenName,
    Surname: u.surname,
    OrganizationId: store.organizationId,
    RootFolderId: u.rootFolderId,
    RecycleBinFolderId: u.recycleBinFolderId,
    Status: 'ACTIVE',
    Type: u.type,
    CreatedTimestamp: sec(u.created),
    ModifiedTimestamp: sec(u.created),
    TimeZoneId: 'UTC',
    Locale: 'en',
    Storage: { StorageUtilizedInBytes: 0, StorageRule: { StorageAllocatedInBytes: 1099511627776, StorageType: 'QUOTA' } },
  };
}

const SORTS = new Set(['NAME', 'DATE']);
const ORDERS = new Set(['ASCENDING', 'DESCENDING']);
const TYPES = new Set(['ALL', 'FOLDER', 'DOCUMENT']);

function enumParam(q: Record<string, string>, name: string, allowed: Set<string>, def: string): string {
  const v = q[name];
  if (v === undefined) return def;
  if (!allowed.has(v)) throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
  return v;
}

function getDoc(store: Store, id: string): DocRec {
  const d = store.doc(id);
  checkAccess(d);
  return d;
}

const ACTIVITY_TYPES = new Set([
  'DOCUMENT_CHECKED_IN', 'DOCUMENT_CHECKED_OUT', 'DOCUMENT_RENAMED', 'DOCUMENT_VERSION_UPLOADED', 'DOCUMENT_VERSION_DELETED',
  'DOCUMENT_VERSION_VIEWED', 'DOCUMENT_VERSION_DOWNLOADED', 'DOCUMENT_RECYCLED', 'DOCUMENT_RESTORED', 'DOCUMENT_REVERTED',
  'DOCUMENT_SHARED', 'DOCUMENT_UNSHARED', 'DOCUMENT_SHARE_PERMISSION_CHANGED', 'DOCUMENT_SHAREABLE_LINK_CREATED',
  'DOCUMENT_SHAREABLE_LINK_REMOVED', 'DOCUMENT_SHAREABLE_LINK_PERMISSION_CHANGED', 'DOCUMENT_MOVED', 'DOCUMENT_COMMENT_ADDED',
  'DOCUMENT_COMMENT_DELETED', 'DOCUMENT_ANNOTATION_ADDED', 'DOCUMENT_ANNOTATION_DELETED', 'FOLDER_CREATED', 'FOLDER_DELETED',
  'FOLDER_RENAMED', 'FOLDER_RECYCLED', 'FOLDER_RESTORED', 'FOLDER_SHARED', 'FOLDER_UNSHARED', 'FOLDER_SHARE_PERMISSION_CHANGED',
  'FOLDER_SHAREABLE_LINK_CREATED', 'FOLDER_SHAREABLE_LINK_REMOVED', 'FOLDER_SHAREABLE_LINK_PERMISSION_CHANGED', 'FOLDER_MOVED',
]);

function parseTimeParam(q: Record<string, string>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (Number.isNaN(ms)) throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
  return ms;
}

function activity(store: Store, a: ActivityRec, indirect: boolean): Record<string, unknown> {
  const owner = a.resourceType === 'FOLDER' ? store.folders.get(a.resourceId)?.ownerId : store.docs.get(a.resourceId)?.creatorId;
  const rm: Record<string, unknown> = { Type: a.resourceType, Name: a.name, Id: a.resourceId, Owner: userMetadata(store, owner ?? a.initiatorId) };
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
  if (a.originalParentId) {
    const p = store.folders.get(a.originalParentId);
    out['OriginalParent'] = { Type: 'FOLDER', Id: a.originalParentId, ...(p ? { Name: p.name } : {}) };
  }
  return out;
}

/** Runs one operation; throws ServiceError for service errors. */
export function runOperation(route: Route, ctx: ApiContext): Record<string, unknown> {
  const { store, query: q } = ctx;
  const p = route.params;
  switch (route.op) {
    case 'GetFolder': {
      const f = store.folder(p['FolderId']!);
      checkAccess(f);
      return { Metadata: folderMetadata(f) };
    }
    case 'DescribeFolderContents': {
      const sort = enumParam(q, 'sort', SORTS, 'NAME') as SortKey;
      const order = enumParam(q, 'order', ORDERS, 'ASCENDING') as Order;
      const type = enumParam(q, 'type', TYPES, 'ALL') as 'ALL' | 'FOLDER' | 'DOCUMENT';
      const limit = parseLimit(q);
      const include = parseList(q['include']);
      let marker: ListMarker | undefined;
      if (q['marker']) {
        try {
          marker = decodeMarker(q['marker']) as ListMarker;
        } catch {
          throw invalidArgument('The marker is invalid.');
        }
        if (!marker || marker.s !== sort || marker.o !== order || marker.t !== type || (marker.k !== 0 && marker.k !== 1) || typeof marker.i !== 'string')
          throw invalidArgument('The marker is invalid or does not belong to this sort/order/type.');
      }
      const f = store.folder(p['FolderId']!);
      checkAccess(f);
      const r = store.list(f.id, { sort, order, type, includeInitialized: include.includes('INITIALIZED'), limit, ...(marker ? { marker } : {}) });
      const out: Record<string, unknown> = {
        Folders: r.folders.map(folderMetadata),
        Documents: r.docs.map((d) => documentMetadata(ctx, d)),
      };
      if (r.marker) out['Marker'] = r.marker;
      return out;
    }
    case 'GetDocument': {
      return { Metadata: documentMetadata(ctx, getDoc(store, p['DocumentId']!)) };
    }
    case 'GetDocumentVersion': {
      const d = getDoc(store, p['DocumentId']!);
      const v = store.version(d, p['VersionId']!);
      const fields = parseList(q['fields']).map((s) => s.toUpperCase());
      const withSource = fields.includes('SOURCE');
      if (withSource && v.status !== 'ACTIVE') throw prohibitedState(`The document version ${v.id} is not ACTIVE: its upload has not completed.`);
      return { Metadata: versionMetadata(ctx, d, v, withSource) };
    }
    case 'DescribeDocumentVersions': {
      const d = getDoc(store, p['DocumentId']!);
      const include = parseList(q['include']);
      const withSource = parseList(q['fields']).map((s) => s.toUpperCase()).includes('SOURCE');
      const versions = d.versions
        .filter((v) => v.status === 'ACTIVE' || include.includes('INITIALIZED'))
        .slice()
        .reverse();
      const pg = page(versions, q, 'versions');
      const out: Record<string, unknown> = { DocumentVersions: pg.items.map((v) => versionMetadata(ctx, d, v, withSource)) };
      if (pg.marker) out['Marker'] = pg.marker;
      return out;
    }
    case 'DescribeUsers': {
      const org = q['organizationId'];
      if (org !== undefined && org !== store.organizationId) throw notFound(org);
      let users = store.users.slice();
      const ids = parseList(q['userIds']);
      if (ids.length) users = users.filter((u) => ids.includes(u.id));
      const query = q['query']?.toLowerCase();
      if (query) users = users.filter((u) => [u.username, u.givenName, u.surname, u.email].some((s) => s.toLowerCase().includes(query)));
      const sort = q['sort'];
      if (sort === 'USER_NAME' || sort === 'FULL_NAME') {
        const key = (u: UserRec): string => (sort === 'USER_NAME' ? u.username : `${u.givenName} ${u.surname}`);
        users.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      }
      if (q['order'] === 'DESCENDING') users.reverse();
      const pg = page(users, q, 'users');
      const out: Record<string, unknown> = { Users: pg.items.map((u) => user(store, u)), TotalNumberOfUsers: users.length };
      if (pg.marker) out['Marker'] = pg.marker;
      return out;
    }
    case 'DescribeActivities': {
      const org = q['organizationId'];
      if (ctx.sigv4 && !org && !q['userId'])
        throw new ServiceError(403, 'UnauthorizedOperationException', 'organizationId is required for administrative (SigV4) requests.');
      if (org !== undefined && org !== store.organizationId) throw notFound(org);
      const start = parseTimeParam(q, 'startTime');
      const end = parseTimeParam(q, 'endTime');
      const types = parseList(q['activityTypes']);
      for (const t of types) if (!ACTIVITY_TYPES.has(t)) throw invalidArgument(`Invalid activity type: ${t}`);
      const resourceId = q['resourceId'];
      const indirect = q['includeIndirectActivities'] === 'true';
      const userId = q['userId'];
      const all = store.activities().filter((a) => {
        if (start !== undefined && a.time < start) return false;
        if (end !== undefined && a.time >= end) return false;
        if (types.length && !types.includes(a.type)) return false;
        if (userId && a.initiatorId !== userId) return false;
        if (resourceId && a.resourceId !== resourceId) {
          if (!indirect) return false;
          if (!store.isUnder(a.resourceId, resourceId)) return false;
        }
        return true;
      });
      const pg = page(all, q, 'activities');
      const out: Record<string, unknown> = {
        UserActivities: pg.items.map((a) => activity(store, a, !!resourceId && a.resourceId !== resourceId)),
      };
      if (pg.marker) out['Marker'] = pg.marker;
      return out;
    }
    case 'DescribeResourcePermissions': {
      const id = p['ResourceId']!;
      const f = store.folders.get(id);
      const d = store.docs.get(id);
      const rec = f ?? d;
      if (!rec) throw notFound(id);
      checkAccess(rec);
      const ownerId = f ? f.ownerId : d!.creatorId;
      const isRoot = !!f && f.parentId === null;
      let principals = [{ Id: ownerId, Type: 'USER', Roles: [{ Role: 'OWNER', Type: isRoot ? 'DIRECT' : 'INHERITED' }] }];
      const pid = q['principalId'];
      if (pid) principals = principals.filter((x) => x.Id === pid);
      const pg = page(principals, q, 'principals');
      const out: Record<string, unknown> = { Principals: pg.items };
      if (pg.marker) out['Marker'] = pg.marker;
      return out;
    }
    case 'DescribeComments': {
      const d = getDoc(store, p['DocumentId']!);
      const v = store.version(d, p['VersionId']!);
      const comments = (v.comments ?? []).map((c) => {
        const u = userById(store, c.contributorId);
        return {
          CommentId: c.id,
          ThreadId: c.id,
          Text: c.text,
          Contributor: u ? user(store, u) : { Id: c.contributorId },
          CreatedTimestamp: sec(c.created),
          Status: 'PUBLISHED',
          Visibility: 'PUBLIC',
        };
      });
      const pg = page(comments, q, 'comments');
      const out: Record<string, unknown> = { Comments: pg.items };
      if (pg.marker) out['Marker'] = pg.marker;
      return out;
    }
  }
}
