/**
 * The WorkDocs operations: the route table (method and path → operation) and one handler per operation,
 * each validating its parameters as the service does and answering the model's response shape.
 */
import { invalidArgument, notFound, prohibitedState, ServiceError, unauthorizedResource } from './errors.js';
import { enumParam, page, parseLimit, parseList, parseTimeParam, type Query } from './params.js';
import type { ActivityRec, DocRec, ListMarker, Order, SortKey, Store, UserRec, VersionRec } from './store.js';
import type { OperationName } from './types.js';
import { decodeMarker, encodeMarker } from './util.js';
import { activity, comment, documentMetadata, folderMetadata, groupMetadata, principal, user, versionMetadata } from './wire.js';

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
  if (a === 'groups' && n === 3) return { op: 'DescribeGroups', params: {}, ids: [] };
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

/** Adds CustomMetadata when the request asked for it (`includeCustomMetadata=true`) and there is some. */
function withCustomMetadata(body: Record<string, unknown>, q: Query, metadata: Record<string, string> | undefined): Record<string, unknown> {
  if (q['includeCustomMetadata'] === 'true' && metadata) body['CustomMetadata'] = { ...metadata };
  return body;
}

const getFolder: Operation = ({ store, params, query: q }) => {
  const f = store.folder(params['FolderId']!);
  checkAccess(f);
  return withCustomMetadata({ Metadata: folderMetadata(f) }, q, f.customMetadata);
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

const getDocument: Operation = ({ store, params, query: q }) => {
  const d = getDoc(store, params['DocumentId']!);
  return withCustomMetadata({ Metadata: documentMetadata(store, d) }, q, d.customMetadata);
};

const getDocumentVersion: Operation = ({ store, params, query: q, contentUrl }) => {
  const d = getDoc(store, params['DocumentId']!);
  const v = store.version(d, params['VersionId']!);
  const withSource = parseList(q['fields'])
    .map((s) => s.toUpperCase())
    .includes('SOURCE');
  if (withSource && v.status !== 'ACTIVE') throw prohibitedState(`The document version ${v.id} is not ACTIVE: its upload has not completed.`);
  return withCustomMetadata({ Metadata: versionMetadata(d, v, withSource ? contentUrl : undefined) }, q, v.customMetadata);
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

const USER_FILTERS = new Set(['ALL', 'ACTIVE_PENDING']);
const USER_SORTS = new Set(['USER_NAME', 'FULL_NAME', 'STORAGE_LIMIT', 'USER_STATUS', 'STORAGE_USED']);

/** The service's Query: every word is a prefix of the user name, given name or surname ("Ma J" finds Mateo Jackson). */
function matchesUserQuery(u: UserRec, query: string): boolean {
  const fields = [u.username, u.givenName, u.surname].map((f) => f.toLowerCase());
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => fields.some((f) => f.startsWith(word)));
}

function checkOrganization(store: Store, q: Query): void {
  const org = q['organizationId'];
  if (org !== undefined && org !== store.organizationId) throw notFound(org);
}

const describeUsers: Operation = ({ store, query: q }) => {
  checkOrganization(store, q);
  const include = enumParam(q, 'include', USER_FILTERS, 'ACTIVE_PENDING');
  const sort = enumParam(q, 'sort', USER_SORTS, 'USER_NAME');
  const order = enumParam(q, 'order', ORDERS, 'ASCENDING');
  let users = include === 'ALL' ? store.users.slice() : store.users.filter((u) => u.status !== 'INACTIVE');
  const ids = parseList(q['userIds']);
  // With both, the service ignores Query.
  if (ids.length) users = users.filter((u) => ids.includes(u.id));
  else if (q['query']) users = users.filter((u) => matchesUserQuery(u, q['query']!));
  // Without an explicit sort the service answers in the order the users were created.
  if (q['sort'] !== undefined) {
    const key = (u: UserRec): string => (sort === 'FULL_NAME' ? `${u.givenName} ${u.surname}` : sort === 'USER_STATUS' ? `${u.status} ${u.username}` : u.username);
    users.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  if (order === 'DESCENDING') users.reverse();
  const pg = page(users, q, 'users');
  return withMarker({ Users: pg.items.map((u) => user(store, u)), TotalNumberOfUsers: users.length }, pg.marker);
};

const describeGroups: Operation = ({ store, query: q }) => {
  checkOrganization(store, q);
  const search = q['searchQuery'];
  if (!search) throw invalidArgument('searchQuery is required.');
  const groups = store.groups.filter((g) => g.name.toLowerCase().startsWith(search.toLowerCase()));
  const pg = page(groups, q, 'groups');
  return withMarker({ Groups: pg.items.map(groupMetadata) }, pg.marker);
};

/** Position after (time, seq) in the newest-first log: pages stay exact while new activities arrive. */
interface ActivityMarker {
  k: 'activities';
  t: number;
  s: number;
}

function parseActivityMarker(q: Query): ActivityMarker | undefined {
  if (!q['marker']) return undefined;
  try {
    const m = decodeMarker(q['marker']) as ActivityMarker;
    if (m.k === 'activities' && Number.isFinite(m.t) && Number.isInteger(m.s)) return m;
  } catch {
    /* reported below */
  }
  throw invalidArgument('The marker is invalid.');
}

/** First index in the newest-first list strictly after (t, s). */
function afterMarker(list: ActivityRec[], m: ActivityMarker): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const a = list[mid]!;
    if (a.time > m.t || (a.time === m.t && a.seq >= m.s)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const describeActivities: Operation = ({ store, query: q, sigv4 }) => {
  const org = q['organizationId'];
  if (sigv4 && !org && !q['userId']) throw new ServiceError(403, 'UnauthorizedOperationException', 'organizationId is required for administrative (SigV4) requests.');
  checkOrganization(store, q);
  const start = parseTimeParam(q, 'startTime');
  const end = parseTimeParam(q, 'endTime');
  const types = parseList(q['activityTypes']);
  for (const t of types) if (!ACTIVITY_TYPES.has(t)) throw invalidArgument(`Invalid activity type: ${t}`);
  const limit = parseLimit(q);
  const marker = parseActivityMarker(q);
  const resourceId = q['resourceId'];
  const includeIndirect = q['includeIndirectActivities'] === 'true';
  const userId = q['userId'];
  const matches = (a: ActivityRec): boolean => {
    if (start !== undefined && a.time < start) return false;
    if (end !== undefined && a.time >= end) return false;
    if (types.length && !types.includes(a.type)) return false;
    if (userId && a.initiatorId !== userId) return false;
    if (a.indirect && !includeIndirect) return false;
    if (resourceId && a.resourceId !== resourceId) {
      // Activities below a folder are its indirect activities.
      if (!includeIndirect || !store.isUnder(a.resourceId, resourceId)) return false;
    }
    return true;
  };
  const list = store.activities();
  const out: ActivityRec[] = [];
  let next: ActivityMarker | undefined;
  for (let i = marker ? afterMarker(list, marker) : 0; i < list.length; i++) {
    const a = list[i]!;
    if (end !== undefined && a.time >= end) continue;
    if (start !== undefined && a.time < start) break;
    if (!matches(a)) continue;
    if (out.length === limit) {
      const last = out[out.length - 1]!;
      next = { k: 'activities', t: last.time, s: last.seq };
      break;
    }
    out.push(a);
  }
  const body = { UserActivities: out.map((a) => activity(store, a, !!a.indirect || (!!resourceId && a.resourceId !== resourceId))) };
  return withMarker(body, next ? encodeMarker(next) : undefined);
};

const describeResourcePermissions: Operation = ({ store, params, query: q }) => {
  const rec = store.resource(params['ResourceId']!);
  checkAccess(rec);
  let principals = store.permissions(rec.id);
  const pid = q['principalId'];
  if (pid) principals = principals.filter((x) => x.principalId === pid);
  const pg = page(principals, q, 'principals');
  return withMarker({ Principals: pg.items.map(principal) }, pg.marker);
};

/** Every comment of the version, threads and replies, oldest first. */
const describeComments: Operation = ({ store, params, query: q }) => {
  const d = getDoc(store, params['DocumentId']!);
  const v = store.version(d, params['VersionId']!);
  const pg = page(v.comments ?? [], q, 'comments');
  return withMarker({ Comments: pg.items.map((c) => comment(store, c)) }, pg.marker);
};

/** One handler per operation. */
export const operations: Record<OperationName, Operation> = {
  GetFolder: getFolder,
  DescribeFolderContents: describeFolderContents,
  GetDocument: getDocument,
  GetDocumentVersion: getDocumentVersion,
  DescribeDocumentVersions: describeDocumentVersions,
  DescribeUsers: describeUsers,
  DescribeGroups: describeGroups,
  DescribeActivities: describeActivities,
  DescribeResourcePermissions: describeResourcePermissions,
  DescribeComments: describeComments,
};
