/**
 * The WorkDocs operations: the route table (method and path → operation) and one handler per operation,
 * each validating its parameters as the service does and answering the model's response shape.
 */
import { invalidArgument, notFound, prohibitedState, ServiceError, unauthorizedResource } from './errors.js';
import { enumParam, page, parseLimit, parseList, parseTimeParam, type Query } from './params.js';
import type { DocRec, ListMarker, Order, SortKey, Store, UserRec, VersionRec } from './store.js';
import type { OperationName } from './types.js';
import { decodeMarker } from './util.js';
import { activity, documentMetadata, folderMetadata, sec, user, versionMetadata } from './wire.js';

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

/** What one operation sees of its request. */
export interface OperationContext {
  store: Store;
  /** Path parameters, named as in the model (FolderId, DocumentId, ...). */
  params: Record<string, string>;
  query: Query;
  /** True when the request was SigV4-signed (administrative API), false for a user token. */
  sigv4: boolean;
  /** Mints a presigned content URL for a version. */
  contentUrl(doc: DocRec, v: VersionRec): string;
}

/** A handler answers the response body, or throws a ServiceError. */
export type Operation = (ctx: OperationContext) => Record<string, unknown>;

function checkAccess(rec: { id: string; denied?: boolean }): void {
  if (rec.denied) throw unauthorizedResource(rec.id);
}

function getDoc(store: Store, id: string): DocRec {
  const d = store.doc(id);
  checkAccess(d);
  return d;
}

function withMarker(body: Record<string, unknown>, marker: string | undefined): Record<string, unknown> {
  if (marker) body['Marker'] = marker;
  return body;
}

const SORTS = new Set(['NAME', 'DATE']);
const ORDERS = new Set(['ASCENDING', 'DESCENDING']);
const TYPES = new Set(['ALL', 'FOLDER', 'DOCUMENT']);

const ACTIVITY_TYPES = new Set([
  'DOCUMENT_CHECKED_IN', 'DOCUMENT_CHECKED_OUT', 'DOCUMENT_RENAMED', 'DOCUMENT_VERSION_UPLOADED', 'DOCUMENT_VERSION_DELETED',
  'DOCUMENT_VERSION_VIEWED', 'DOCUMENT_VERSION_DOWNLOADED', 'DOCUMENT_RECYCLED', 'DOCUMENT_RESTORED', 'DOCUMENT_REVERTED',
  'DOCUMENT_SHARED', 'DOCUMENT_UNSHARED', 'DOCUMENT_SHARE_PERMISSION_CHANGED', 'DOCUMENT_SHAREABLE_LINK_CREATED',
  'DOCUMENT_SHAREABLE_LINK_REMOVED', 'DOCUMENT_SHAREABLE_LINK_PERMISSION_CHANGED', 'DOCUMENT_MOVED', 'DOCUMENT_COMMENT_ADDED',
  'DOCUMENT_COMMENT_DELETED', 'DOCUMENT_ANNOTATION_ADDED', 'DOCUMENT_ANNOTATION_DELETED', 'FOLDER_CREATED', 'FOLDER_DELETED',
  'FOLDER_RENAMED', 'FOLDER_RECYCLED', 'FOLDER_RESTORED', 'FOLDER_SHARED', 'FOLDER_UNSHARED', 'FOLDER_SHARE_PERMISSION_CHANGED',
  'FOLDER_SHAREABLE_LINK_CREATED', 'FOLDER_SHAREABLE_LINK_REMOVED', 'FOLDER_SHAREABLE_LINK_PERMISSION_CHANGED', 'FOLDER_MOVED',
]);

function parseFolderMarker(q: Query, sort: SortKey, order: Order, type: string): ListMarker | undefined {
  if (!q['marker']) return undefined;
  let marker: ListMarker;
  try {
    marker = decodeMarker(q['marker']) as ListMarker;
  } catch {
    throw invalidArgument('The marker is invalid.');
  }
  if (!marker || marker.s !== sort || marker.o !== order || marker.t !== type || (marker.k !== 0 && marker.k !== 1) || typeof marker.i !== 'string')
    throw invalidArgument('The marker is invalid or does not belong to this sort/order/type.');
  return marker;
}

const getFolder: Operation = ({ store, params }) => {
  const f = store.folder(params['FolderId']!);
  checkAccess(f);
  return { Metadata: folderMetadata(f) };
};

const describeFolderContents: Operation = ({ store, params, query: q }) => {
  const sort = enumParam(q, 'sort', SORTS, 'NAME') as SortKey;
  const order = enumParam(q, 'order', ORDERS, 'ASCENDING') as Order;
  const type = enumParam(q, 'type', TYPES, 'ALL') as 'ALL' | 'FOLDER' | 'DOCUMENT';
  const limit = parseLimit(q);
  const include = parseList(q['include']);
  const marker = parseFolderMarker(q, sort, order, type);
  const f = store.folder(params['FolderId']!);
  checkAccess(f);
  const r = store.list(f.id, { sort, order, type, includeInitialized: include.includes('INITIALIZED'), limit, ...(marker ? { marker } : {}) });
  return withMarker({ Folders: r.folders.map(folderMetadata), Documents: r.docs.map((d) => documentMetadata(store, d)) }, r.marker);
};

const getDocument: Operation = ({ store, params }) => ({ Metadata: documentMetadata(store, getDoc(store, params['DocumentId']!)) });

const getDocumentVersion: Operation = ({ store, params, query: q, contentUrl }) => {
  const d = getDoc(store, params['DocumentId']!);
  const v = store.version(d, params['VersionId']!);
  const withSource = parseList(q['fields'])
    .map((s) => s.toUpperCase())
    .includes('SOURCE');
  if (withSource && v.status !== 'ACTIVE') throw prohibitedState(`The document version ${v.id} is not ACTIVE: its upload has not completed.`);
  return { Metadata: versionMetadata(d, v, withSource ? contentUrl : undefined) };
};

const describeDocumentVersions: Operation = ({ store, params, query: q, contentUrl }) => {
  const d = getDoc(store, params['DocumentId']!);
  const include = parseList(q['include']);
  const withSource = parseList(q['fields'])
    .map((s) => s.toUpperCase())
    .includes('SOURCE');
  const versions = d.versions
    .filter((v) => v.status === 'ACTIVE' || include.includes('INITIALIZED'))
    .slice()
    .reverse();
  const pg = page(versions, q, 'versions');
  return withMarker({ DocumentVersions: pg.items.map((v) => versionMetadata(d, v, withSource ? contentUrl : undefined)) }, pg.marker);
};

const describeUsers: Operation = ({ store, query: q }) => {
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
  return withMarker({ Users: pg.items.map((u) => user(store, u)), TotalNumberOfUsers: users.length }, pg.marker);
};

const describeActivities: Operation = ({ store, query: q, sigv4 }) => {
  const org = q['organizationId'];
  if (sigv4 && !org && !q['userId']) throw new ServiceError(403, 'UnauthorizedOperationException', 'organizationId is required for administrative (SigV4) requests.');
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
  return withMarker({ UserActivities: pg.items.map((a) => activity(store, a, !!resourceId && a.resourceId !== resourceId)) }, pg.marker);
};

const describeResourcePermissions: Operation = ({ store, params, query: q }) => {
  const id = params['ResourceId']!;
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
  return withMarker({ Principals: pg.items }, pg.marker);
};

const describeComments: Operation = ({ store, params, query: q }) => {
  const d = getDoc(store, params['DocumentId']!);
  const v = store.version(d, params['VersionId']!);
  const comments = (v.comments ?? []).map((c) => {
    const u = store.users.find((x) => x.id === c.contributorId);
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
  return withMarker({ Comments: pg.items }, pg.marker);
};

/** One handler per operation. */
export const operations: Record<OperationName, Operation> = {
  GetFolder: getFolder,
  DescribeFolderContents: describeFolderContents,
  GetDocument: getDocument,
  GetDocumentVersion: getDocumentVersion,
  DescribeDocumentVersions: describeDocumentVersions,
  DescribeUsers: describeUsers,
  DescribeActivities: describeActivities,
  DescribeResourcePermissions: describeResourcePermissions,
  DescribeComments: describeComments,
};
