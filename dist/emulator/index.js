#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./lib/emulator/errors.js
/** A service error as WorkDocs answers it: status + x-amzn-ErrorType + {"__type","Message"} body. */
class ServiceError extends Error {
    status;
    type;
    extra;
    constructor(status, type, message, extra = {}) {
        super(message);
        this.status = status;
        this.type = type;
        this.extra = extra;
        this.name = type;
    }
}
const notFound = (id) => new ServiceError(404, 'EntityNotExistsException', `The resource ${id} does not exist.`, { EntityIds: [id] });
const invalidArgument = (message) => new ServiceError(400, 'InvalidArgumentException', message);
const unauthorizedResource = (id) => new ServiceError(404, 'UnauthorizedResourceAccessException', `The caller does not have access to the resource ${id}.`);
const prohibitedState = (message) => new ServiceError(409, 'ProhibitedStateException', message);
/** Default error type for an HTTP status (faults). */
function defaultErrorType(status) {
    switch (status) {
        case 400:
            return 'InvalidArgumentException';
        case 403:
            return 'UnauthorizedOperationException';
        case 404:
            return 'EntityNotExistsException';
        case 409:
            return 'ProhibitedStateException';
        case 424:
            return 'FailedDependencyException';
        case 429:
            return 'ThrottlingException';
        case 503:
            return 'ServiceUnavailableException';
        default:
            return 'InternalFailure';
    }
}

;// CONCATENATED MODULE: ./lib/emulator/util.js
/** Small deterministic helpers: ids, hashing, PRNG. */

/** 64 hex chars derived from the parts (sha256). */
function hexId(...parts) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(parts.join('\u0000')).digest('hex');
}
/**
 * 64 hex chars from (seed, kind, index) without a cryptographic hash: for the procedural generator,
 * where hundreds of thousands of ids must be derived quickly. Every round mixes in the index, so
 * distinct indexes give distinct ids in practice.
 */
function fastHexId(seed, kind, index) {
    let h = mix32(seed ^ Math.imul(kind + 1, 0x9e3779b1));
    const hi = Math.floor(index / 4294967296);
    for (let k = 0; k < 8; k++) {
        h = mix32((h ^ index) + Math.imul(k + 1, 0x85ebca6b) + hi);
        ID_BUF.writeUInt32BE(h, k * 4);
    }
    return ID_BUF.toString('hex');
}
const ID_BUF = Buffer.alloc(32);
/** 32-bit FNV-1a of a string. */
function hash32(s) {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
/** Murmur3 finaliser: good 32-bit mixing. */
function mix32(x) {
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    return x >>> 0;
}
function seedToNumber(seed) {
    if (seed === undefined)
        return 0x9e3779b9;
    if (typeof seed === 'number' && Number.isInteger(seed))
        return mix32(seed >>> 0) ^ mix32(Math.floor(seed / 2 ** 32));
    return hash32(String(seed));
}
/** mulberry32: a small seeded PRNG returning [0, 1). */
function prng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
function parseTime(t, fallback) {
    if (t === undefined)
        return fallback;
    if (typeof t === 'number')
        return t;
    const ms = Date.parse(t);
    if (Number.isNaN(ms))
        throw new Error(`invalid timestamp in fixture: ${t}`);
    return ms;
}
function contentTypeFor(name) {
    const ext = /\.([A-Za-z0-9]+)\s*$/.exec(name)?.[1]?.toLowerCase() ?? '';
    return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
const CONTENT_TYPES = {
    txt: 'text/plain',
    md: 'text/markdown',
    csv: 'text/csv',
    json: 'application/json',
    pdf: 'application/pdf',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    mp4: 'video/mp4',
    zip: 'application/zip',
    bin: 'application/octet-stream',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    html: 'text/html',
    xml: 'application/xml',
};
function encodeMarker(obj) {
    return Buffer.from(JSON.stringify(obj), 'utf8').toString('base64url');
}
function decodeMarker(marker) {
    if (!/^[A-Za-z0-9_-]+$/.test(marker))
        throw new Error('bad marker');
    return JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
}
function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

;// CONCATENATED MODULE: ./lib/emulator/api.js
/**
 * The WorkDocs operations: routing, parameter validation and response shapes (restJson1, epoch-second timestamps).
 */



function matchRoute(method, segs) {
    if (method !== 'GET' || segs[0] !== 'api' || segs[1] !== 'v1')
        return undefined;
    const [, , a, b, c, d, e] = segs;
    const n = segs.length;
    if (a === 'folders' && b) {
        if (n === 4)
            return { op: 'GetFolder', params: { FolderId: b }, ids: [b] };
        if (n === 5 && c === 'contents')
            return { op: 'DescribeFolderContents', params: { FolderId: b }, ids: [b] };
    }
    if (a === 'documents' && b) {
        if (n === 4)
            return { op: 'GetDocument', params: { DocumentId: b }, ids: [b] };
        if (n === 5 && c === 'versions')
            return { op: 'DescribeDocumentVersions', params: { DocumentId: b }, ids: [b] };
        if (n === 6 && c === 'versions' && d)
            return { op: 'GetDocumentVersion', params: { DocumentId: b, VersionId: d }, ids: [b, d] };
        if (n === 7 && c === 'versions' && d && e === 'comments')
            return { op: 'DescribeComments', params: { DocumentId: b, VersionId: d }, ids: [b, d] };
    }
    if (a === 'users' && n === 3)
        return { op: 'DescribeUsers', params: {}, ids: [] };
    if (a === 'activities' && n === 3)
        return { op: 'DescribeActivities', params: {}, ids: [] };
    if (a === 'resources' && b && n === 5 && c === 'permissions')
        return { op: 'DescribeResourcePermissions', params: { ResourceId: b }, ids: [b] };
    return undefined;
}
const sec = (ms) => ms / 1000;
function parseLimit(q, def = 100) {
    const raw = q['limit'];
    if (raw === undefined)
        return def;
    if (!/^-?\d+$/.test(raw))
        throw invalidArgument(`Invalid value for parameter limit: ${raw}`);
    const n = Number(raw);
    if (n < 1 || n > 999)
        throw invalidArgument(`1 validation error detected: Value '${raw}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 999`);
    return n;
}
function parseList(v) {
    return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}
function parseOffsetMarker(q, kind) {
    const m = q['marker'];
    if (m === undefined || m === '')
        return 0;
    try {
        const o = decodeMarker(m);
        if (o.k === kind && Number.isInteger(o.n) && o.n >= 0)
            return o.n;
    }
    catch {
        /* fall through */
    }
    throw invalidArgument('The marker is invalid.');
}
function page(items, q, kind, def = 100) {
    const limit = parseLimit(q, def);
    const start = parseOffsetMarker(q, kind);
    const slice = items.slice(start, start + limit);
    const next = start + limit;
    return next < items.length ? { items: slice, marker: encodeMarker({ k: kind, n: next }) } : { items: slice };
}
function checkAccess(rec) {
    if (rec.denied)
        throw unauthorizedResource(rec.id);
}
function folderMetadata(f) {
    const m = {
        Id: f.id,
        Name: f.name,
        CreatorId: f.ownerId,
        CreatedTimestamp: sec(f.created),
        ModifiedTimestamp: sec(f.modified),
        ResourceState: f.state,
        Signature: (0,external_node_crypto_namespaceObject.createHash)('md5').update(`${f.id}:${f.name}:${f.modified}:${f.state}`).digest('hex'),
    };
    if (f.parentId !== null)
        m['ParentFolderId'] = f.parentId;
    if (f.labels)
        m['Labels'] = f.labels;
    return m;
}
function versionMetadata(ctx, d, v, withSource) {
    const m = {
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
    if (v.status === 'ACTIVE' && !v.noSignature)
        m['Signature'] = v.content.md5();
    if (withSource && v.status === 'ACTIVE')
        m['Source'] = { ORIGINAL: ctx.contentUrl(d, v) };
    return m;
}
function documentMetadata(ctx, d) {
    const m = {
        Id: d.id,
        CreatorId: d.creatorId,
        ParentFolderId: d.parentId,
        CreatedTimestamp: sec(d.created),
        ModifiedTimestamp: sec(d.modified),
        LatestVersionMetadata: versionMetadata(ctx, d, ctx.store.latest(d), false),
        ResourceState: d.state,
    };
    if (d.labels)
        m['Labels'] = d.labels;
    return m;
}
function userById(store, id) {
    return store.users.find((u) => u.id === id);
}
function userMetadata(store, id) {
    const u = userById(store, id);
    if (!u)
        return { Id: id };
    return { Id: u.id, Username: u.username, GivenName: u.givenName, Surname: u.surname, EmailAddress: u.email };
}
function user(store, u) {
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
function enumParam(q, name, allowed, def) {
    const v = q[name];
    if (v === undefined)
        return def;
    if (!allowed.has(v))
        throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
    return v;
}
function getDoc(store, id) {
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
function parseTimeParam(q, name) {
    const v = q[name];
    if (v === undefined || v === '')
        return undefined;
    const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
    if (Number.isNaN(ms))
        throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
    return ms;
}
function activity(store, a, indirect) {
    const owner = a.resourceType === 'FOLDER' ? store.folders.get(a.resourceId)?.ownerId : store.docs.get(a.resourceId)?.creatorId;
    const rm = { Type: a.resourceType, Name: a.name, Id: a.resourceId, Owner: userMetadata(store, owner ?? a.initiatorId) };
    if (a.originalName !== undefined)
        rm['OriginalName'] = a.originalName;
    if (a.versionId)
        rm['VersionId'] = a.versionId;
    if (a.parentId)
        rm['ParentId'] = a.parentId;
    const out = {
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
function runOperation(route, ctx) {
    const { store, query: q } = ctx;
    const p = route.params;
    switch (route.op) {
        case 'GetFolder': {
            const f = store.folder(p['FolderId']);
            checkAccess(f);
            return { Metadata: folderMetadata(f) };
        }
        case 'DescribeFolderContents': {
            const sort = enumParam(q, 'sort', SORTS, 'NAME');
            const order = enumParam(q, 'order', ORDERS, 'ASCENDING');
            const type = enumParam(q, 'type', TYPES, 'ALL');
            const limit = parseLimit(q);
            const include = parseList(q['include']);
            let marker;
            if (q['marker']) {
                try {
                    marker = decodeMarker(q['marker']);
                }
                catch {
                    throw invalidArgument('The marker is invalid.');
                }
                if (!marker || marker.s !== sort || marker.o !== order || marker.t !== type || (marker.k !== 0 && marker.k !== 1) || typeof marker.i !== 'string')
                    throw invalidArgument('The marker is invalid or does not belong to this sort/order/type.');
            }
            const f = store.folder(p['FolderId']);
            checkAccess(f);
            const r = store.list(f.id, { sort, order, type, includeInitialized: include.includes('INITIALIZED'), limit, ...(marker ? { marker } : {}) });
            const out = {
                Folders: r.folders.map(folderMetadata),
                Documents: r.docs.map((d) => documentMetadata(ctx, d)),
            };
            if (r.marker)
                out['Marker'] = r.marker;
            return out;
        }
        case 'GetDocument': {
            return { Metadata: documentMetadata(ctx, getDoc(store, p['DocumentId'])) };
        }
        case 'GetDocumentVersion': {
            const d = getDoc(store, p['DocumentId']);
            const v = store.version(d, p['VersionId']);
            const fields = parseList(q['fields']).map((s) => s.toUpperCase());
            const withSource = fields.includes('SOURCE');
            if (withSource && v.status !== 'ACTIVE')
                throw prohibitedState(`The document version ${v.id} is not ACTIVE: its upload has not completed.`);
            return { Metadata: versionMetadata(ctx, d, v, withSource) };
        }
        case 'DescribeDocumentVersions': {
            const d = getDoc(store, p['DocumentId']);
            const include = parseList(q['include']);
            const withSource = parseList(q['fields']).map((s) => s.toUpperCase()).includes('SOURCE');
            const versions = d.versions
                .filter((v) => v.status === 'ACTIVE' || include.includes('INITIALIZED'))
                .slice()
                .reverse();
            const pg = page(versions, q, 'versions');
            const out = { DocumentVersions: pg.items.map((v) => versionMetadata(ctx, d, v, withSource)) };
            if (pg.marker)
                out['Marker'] = pg.marker;
            return out;
        }
        case 'DescribeUsers': {
            const org = q['organizationId'];
            if (org !== undefined && org !== store.organizationId)
                throw notFound(org);
            let users = store.users.slice();
            const ids = parseList(q['userIds']);
            if (ids.length)
                users = users.filter((u) => ids.includes(u.id));
            const query = q['query']?.toLowerCase();
            if (query)
                users = users.filter((u) => [u.username, u.givenName, u.surname, u.email].some((s) => s.toLowerCase().includes(query)));
            const sort = q['sort'];
            if (sort === 'USER_NAME' || sort === 'FULL_NAME') {
                const key = (u) => (sort === 'USER_NAME' ? u.username : `${u.givenName} ${u.surname}`);
                users.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
            }
            if (q['order'] === 'DESCENDING')
                users.reverse();
            const pg = page(users, q, 'users');
            const out = { Users: pg.items.map((u) => user(store, u)), TotalNumberOfUsers: users.length };
            if (pg.marker)
                out['Marker'] = pg.marker;
            return out;
        }
        case 'DescribeActivities': {
            const org = q['organizationId'];
            if (ctx.sigv4 && !org && !q['userId'])
                throw new ServiceError(403, 'UnauthorizedOperationException', 'organizationId is required for administrative (SigV4) requests.');
            if (org !== undefined && org !== store.organizationId)
                throw notFound(org);
            const start = parseTimeParam(q, 'startTime');
            const end = parseTimeParam(q, 'endTime');
            const types = parseList(q['activityTypes']);
            for (const t of types)
                if (!ACTIVITY_TYPES.has(t))
                    throw invalidArgument(`Invalid activity type: ${t}`);
            const resourceId = q['resourceId'];
            const indirect = q['includeIndirectActivities'] === 'true';
            const userId = q['userId'];
            const all = store.activities().filter((a) => {
                if (start !== undefined && a.time < start)
                    return false;
                if (end !== undefined && a.time >= end)
                    return false;
                if (types.length && !types.includes(a.type))
                    return false;
                if (userId && a.initiatorId !== userId)
                    return false;
                if (resourceId && a.resourceId !== resourceId) {
                    if (!indirect)
                        return false;
                    if (!store.isUnder(a.resourceId, resourceId))
                        return false;
                }
                return true;
            });
            const pg = page(all, q, 'activities');
            const out = {
                UserActivities: pg.items.map((a) => activity(store, a, !!resourceId && a.resourceId !== resourceId)),
            };
            if (pg.marker)
                out['Marker'] = pg.marker;
            return out;
        }
        case 'DescribeResourcePermissions': {
            const id = p['ResourceId'];
            const f = store.folders.get(id);
            const d = store.docs.get(id);
            const rec = f ?? d;
            if (!rec)
                throw notFound(id);
            checkAccess(rec);
            const ownerId = f ? f.ownerId : d.creatorId;
            const isRoot = !!f && f.parentId === null;
            let principals = [{ Id: ownerId, Type: 'USER', Roles: [{ Role: 'OWNER', Type: isRoot ? 'DIRECT' : 'INHERITED' }] }];
            const pid = q['principalId'];
            if (pid)
                principals = principals.filter((x) => x.Id === pid);
            const pg = page(principals, q, 'principals');
            const out = { Principals: pg.items };
            if (pg.marker)
                out['Marker'] = pg.marker;
            return out;
        }
        case 'DescribeComments': {
            const d = getDoc(store, p['DocumentId']);
            const v = store.version(d, p['VersionId']);
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
            const out = { Comments: pg.items };
            if (pg.marker)
                out['Marker'] = pg.marker;
            return out;
        }
    }
}

;// CONCATENATED MODULE: ./lib/emulator/content.js
/**
 * Content sources of document versions: inline bytes, a file, or deterministic generated bytes.
 * Generated content is produced on demand in 64 KiB blocks and never held in memory as a whole;
 * MD5 is computed lazily by streaming once and cached.
 */




const BLOCK = 64 * 1024;
class BufferContent {
    bytes;
    hash;
    constructor(bytes) {
        this.bytes = bytes;
    }
    get size() {
        return this.bytes.length;
    }
    md5() {
        return (this.hash ??= (0,external_node_crypto_namespaceObject.createHash)('md5').update(this.bytes).digest('hex'));
    }
    async *chunks(start, end) {
        for (let p = start; p < end; p += BLOCK)
            yield this.bytes.subarray(p, Math.min(end, p + BLOCK));
    }
    describe() {
        return { kind: 'inline', size: this.size };
    }
}
class FileContent {
    path;
    hash;
    size;
    constructor(path) {
        this.path = path;
        this.size = (0,external_node_fs_namespaceObject.statSync)(path).size;
    }
    md5() {
        if (this.hash)
            return this.hash;
        const h = (0,external_node_crypto_namespaceObject.createHash)('md5');
        const fd = (0,external_node_fs_namespaceObject.openSync)(this.path, 'r');
        try {
            const buf = Buffer.allocUnsafe(1 << 20);
            let pos = 0;
            for (;;) {
                const n = (0,external_node_fs_namespaceObject.readSync)(fd, buf, 0, buf.length, pos);
                if (n <= 0)
                    break;
                h.update(buf.subarray(0, n));
                pos += n;
            }
        }
        finally {
            (0,external_node_fs_namespaceObject.closeSync)(fd);
        }
        return (this.hash = h.digest('hex'));
    }
    async *chunks(start, end) {
        if (end <= start)
            return;
        for await (const c of (0,external_node_fs_namespaceObject.createReadStream)(this.path, { start, end: end - 1, highWaterMark: BLOCK }))
            yield c;
    }
    describe() {
        return { kind: 'file', path: this.path, size: this.size };
    }
}
/** Fills `n` bytes of block `b` of the stream for `seed` (xorshift32 seeded per block). */
function genBlock(seed, b, n) {
    const words = (n + 3) >>> 2;
    const arr = new Uint32Array(words);
    let x = mix32(seed ^ mix32(b + 0x632be5ab)) || 0x1234567;
    for (let i = 0; i < words; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        arr[i] = x;
    }
    return Buffer.from(arr.buffer, 0, n);
}
/** MD5s of big generated contents survive state resets and emulator restarts within a process. */
const BIG_MD5_THRESHOLD = 1 << 20;
const bigMd5Cache = new Map();
class GeneratedContent {
    size;
    seedLabel;
    hash;
    seed;
    constructor(seed, size, seedLabel = seed) {
        this.size = size;
        this.seedLabel = seedLabel;
        this.seed = seedToNumber(seed);
    }
    /** Synchronous slice [start, end) — used for MD5 and streaming. */
    *slices(start, end) {
        let p = start;
        while (p < end) {
            const b = Math.floor(p / BLOCK);
            const blockStart = b * BLOCK;
            const need = Math.min(BLOCK, end - blockStart, this.size - blockStart);
            const block = genBlock(this.seed, b, need);
            yield block.subarray(p - blockStart, Math.min(need, end - blockStart));
            p = blockStart + need;
        }
    }
    md5() {
        if (this.hash)
            return this.hash;
        const key = `${this.seed}:${this.size}`;
        const known = this.size >= BIG_MD5_THRESHOLD ? bigMd5Cache.get(key) : undefined;
        if (known)
            return (this.hash = known);
        const h = (0,external_node_crypto_namespaceObject.createHash)('md5');
        for (const s of this.slices(0, this.size))
            h.update(s);
        this.hash = h.digest('hex');
        if (this.size >= BIG_MD5_THRESHOLD) {
            if (bigMd5Cache.size > 1000)
                bigMd5Cache.clear();
            bigMd5Cache.set(key, this.hash);
        }
        return this.hash;
    }
    async *chunks(start, end) {
        yield* this.slices(start, end);
    }
    describe() {
        return { kind: 'generate', seed: this.seedLabel, size: this.size };
    }
}
/** A ContentSource from a spec. `baseDir` resolves relative `contentFile`s. */
function contentFromSpec(spec, baseDir, fallbackSeed) {
    if (spec.content !== undefined)
        return new BufferContent(Buffer.from(spec.content, 'utf8'));
    if (spec.contentBase64 !== undefined)
        return new BufferContent(Buffer.from(spec.contentBase64, 'base64'));
    if (spec.contentFile !== undefined) {
        const p = (0,external_node_path_namespaceObject.isAbsolute)(spec.contentFile) ? spec.contentFile : (0,external_node_path_namespaceObject.resolve)(baseDir ?? process.cwd(), spec.contentFile);
        return new FileContent(p);
    }
    if (spec.generate !== undefined) {
        const size = spec.generate.size;
        if (!Number.isSafeInteger(size) || size < 0)
            throw new Error(`invalid generate.size: ${String(size)}`);
        return new GeneratedContent(spec.generate.seed ?? fallbackSeed, size);
    }
    return new BufferContent(Buffer.alloc(0));
}
async function readAll(src) {
    const parts = [];
    for await (const c of src.chunks(0, src.size))
        parts.push(Buffer.from(c));
    return Buffer.concat(parts);
}

;// CONCATENATED MODULE: ./lib/emulator/faults.js


const KINDS = new Set(['throttle', 'error', 'latency', 'reset', 'truncate', 'corrupt', 'shortTtl', 'slow', 'ignoreRange']);
class FaultEngine {
    rules = [];
    rand;
    nextId = 1;
    seed;
    constructor(seed = 1) {
        this.seed = seedToNumber(seed);
        this.rand = prng(this.seed);
    }
    /** A PRNG for per-request decisions (e.g. which bytes to corrupt), derived from the engine's seed. */
    derived(n) {
        return prng(this.seed ^ Math.imul(n + 1, 0x9e3779b1));
    }
    validate(rule) {
        if (!rule || typeof rule !== 'object' || !KINDS.has(rule.kind))
            throw invalidArgument(`Unknown fault kind: ${String(rule?.kind)}`);
        if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
            throw invalidArgument('probability must be in [0, 1]');
        if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0))
            throw invalidArgument('count must be a non-negative integer');
        return { ...rule, id: rule.id ?? `fault-${this.nextId++}`, matched: 0, applied: 0 };
    }
    set(rules, seed) {
        const validated = rules.map((r) => this.validate(r));
        if (seed !== undefined)
            this.seed = seedToNumber(seed);
        this.rand = prng(this.seed);
        this.rules = validated;
        return this.list();
    }
    add(rule) {
        const r = this.validate(rule);
        this.rules.push(r);
        return { ...r };
    }
    list() {
        return this.rules.map((r) => ({ ...r }));
    }
    clear() {
        this.rules = [];
        this.rand = prng(this.seed);
    }
    /** The rules that apply to this request (updates their counters). */
    match(op, ids) {
        const out = [];
        for (const r of this.rules) {
            if (r.op !== undefined && r.op !== '*' && r.op !== op)
                continue;
            if (r.documentId !== undefined && !ids.includes(r.documentId))
                continue;
            r.matched++;
            if (r.count !== undefined && r.applied >= r.count)
                continue;
            if (r.probability !== undefined && r.probability < 1 && this.rand() >= r.probability)
                continue;
            r.applied++;
            out.push(r);
        }
        return out;
    }
}

;// CONCATENATED MODULE: ./lib/emulator/fixtures/sample.js
/** Deterministic filler bytes (LCG). */
function filler(n, seed) {
    const b = Buffer.alloc(n);
    let x = seed >>> 0;
    for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        b[i] = x >>> 24;
    }
    return b;
}
function pngBytes(n, seed) {
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = Buffer.from('0000000d49484452000001000000010008060000005c72a866', 'hex');
    return Buffer.concat([sig, ihdr, filler(Math.max(0, n - sig.length - ihdr.length), seed)]).toString('base64');
}
function pdfBytes(n, seed) {
    const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1');
    const tail = Buffer.from('\n%%EOF\n', 'latin1');
    return Buffer.concat([head, filler(Math.max(0, n - head.length - tail.length), seed), tail]).toString('base64');
}
function zipBytes(n, seed) {
    const head = Buffer.from('504b0304140006000800000021000000000000000000000000001300', 'hex');
    return Buffer.concat([head, filler(Math.max(0, n - head.length), seed)]).toString('base64');
}
function csv(rows) {
    const lines = ['id,date,item,amount,currency'];
    for (let i = 1; i <= rows; i++)
        lines.push(`${i},2024-${String((i % 12) + 1).padStart(2, '0')}-15,Item ${i},${(i * 37.25).toFixed(2)},EUR`);
    return lines.join('\n') + '\n';
}
const doc = (name, rest = {}) => ({ type: 'document', name, ...rest });
const folder = (name, children = [], rest = {}) => ({
    type: 'folder',
    name,
    children,
    ...rest,
});
/** 70 MiB: above the 64 MiB multipart/streaming thresholds. */
const SAMPLE_HUGE_SIZE = 70 * 1024 * 1024;
const sampleFixture = {
    organizationId: 'd-92672a1b3c',
    seed: 'sample',
    baseTime: '2024-01-02T09:00:00Z',
    users: [
        { username: 'admin', givenName: 'Ada', surname: 'Admin', email: 'admin@example.com', type: 'ADMIN' },
        {
            username: 'bob',
            givenName: 'Bob',
            surname: 'Builder',
            email: 'bob@example.com',
            type: 'USER',
            root: folder('bob', [doc('todo.txt', { content: 'Buy milk\nFix the roof\n' }), doc('Bob notes.md', { content: '# Notes\n\n- one\n- two\n' })]),
        },
    ],
    root: folder('Team Share', [
        doc('Welcome.md', {
            content: '# Welcome to the team share\n\nEverything the team needs lives here. See **Projects** and **Reports**.\n',
            comments: [{ text: 'Looks good!', contributor: 'bob' }, { text: 'Thanks.' }],
        }),
        doc('data.json', { content: JSON.stringify({ version: 3, items: [{ id: 1, name: 'alpha' }, { id: 2, name: 'beta' }] }, null, 2) + '\n' }),
        folder('Projects', [
            folder('Apollo', [
                folder('Design', [
                    folder('Specs', [
                        doc('spec-v2.md', { content: '# Apollo spec v2\n\n' + 'The system shall sync every document.\n'.repeat(200) }),
                        doc('architecture.json', { content: JSON.stringify({ components: ['lister', 'planner', 'copier'], depth: 4 }) }),
                    ]),
                    doc('mockup.png', { contentBase64: pngBytes(150_000, 7) }),
                ]),
                doc('README.txt', {
                    versions: [
                        { content: 'Apollo README, first draft.\n', created: '2024-01-03T10:00:00Z' },
                        { content: 'Apollo README, second draft with more words.\n', created: '2024-02-03T10:00:00Z' },
                        { content: 'Apollo README, final.\nOwner: Ada\n', created: '2024-03-03T10:00:00Z' },
                    ],
                }),
                doc('budget.csv', { content: csv(50), created: '2024-01-05T08:00:00Z' }),
                doc('budget.csv', { content: csv(75), created: '2024-01-06T08:00:00Z' }),
                doc('notes #1.txt', { content: 'Meeting notes #1\n' }),
            ]),
            folder('Zephyr', [
                doc('Überblick – 2024.docx', { contentBase64: zipBytes(24_000, 11) }),
                doc('報告書_2024年.pdf', { contentBase64: pdfBytes(40_000, 13) }),
                doc('日本語のメモ.txt', { content: 'こんにちは、世界。\nこれはテストです。\n' }),
                doc('דוח רבעוני.txt', { content: 'דוח רבעוני לשנת 2024\n' }),
                doc('تقرير المبيعات.csv', { content: 'المنطقة,المبيعات\nالشمال,100\nالجنوب,200\n' }),
            ]),
        ]),
        folder('Reports', [
            doc('Q1/Q2 summary.txt', { content: 'Summary for Q1/Q2.\n' }),
            doc('100% done.txt', { content: 'All done.\n' }),
            doc('what?.txt', { content: 'Question mark in the name.\n' }),
            doc('a+b=c.txt', { content: 'Plus and equals.\n' }),
            doc('  padded name  .txt', { content: 'Leading and trailing spaces.\n' }),
            doc('back\\slash:colon.txt', { content: 'Backslash and colon.\n' }),
            doc('empty.txt', { content: '' }),
            doc('large-dataset.bin', { generate: { seed: 'large-dataset', size: 3 * 1024 * 1024 + 17 } }),
            doc('huge-video.mp4', { generate: { seed: 'huge-video', size: SAMPLE_HUGE_SIZE } }),
        ]),
        folder('Empty Folder', []),
        folder('Archive', [
            doc('photo.png', { contentBase64: pngBytes(64_000, 5) }),
            doc('old-plan.txt', { content: 'This plan was recycled.\n', state: 'RECYCLED' }),
            doc('upload-in-progress.pdf', { contentBase64: pdfBytes(10_000, 3), status: 'INITIALIZED' }),
            folder('Recycled Folder', [doc('inside-recycled.txt', { content: 'Hidden with its folder.\n' })], { state: 'RECYCLED' }),
            folder('2023', [folder('Q4', [doc('final report.pdf', { contentBase64: pdfBytes(120_000, 17) })])]),
        ]),
    ]),
};

;// CONCATENATED MODULE: ./lib/emulator/sigv4.js
/**
 * SigV4 checks for service `workdocs`: header well-formedness always; full signature verification
 * when the emulator is configured with credentials.
 */


const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
function escapeUri(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
function safeDecode(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        return s;
    }
}
const missing = () => new ServiceError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
const incomplete = (why) => new ServiceError(403, 'IncompleteSignatureException', why);
const badSig = () => new ServiceError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
/**
 * Throws a ServiceError when the request is not acceptably authenticated.
 * `rawUrl` is the request target as received (path + query, still percent-encoded).
 */
function checkAuth(method, rawUrl, headers, body, credentials, allowUserToken) {
    const auth = headers['authorization'];
    if (auth === undefined || auth === '') {
        const token = headers['authentication'];
        if (allowUserToken && typeof token === 'string' && token.trim() !== '')
            return;
        throw missing();
    }
    const m = AUTH_RE.exec(auth.trim());
    if (!m)
        throw incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters for AWS4-HMAC-SHA256. Authorization=${auth}`);
    const [, accessKeyId, date, region, service, signedHeadersStr, signature] = m;
    if (service !== 'workdocs')
        throw incomplete(`Credential should be scoped to correct service: 'workdocs'.`);
    const amzDate = headers['x-amz-date'];
    if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate))
        throw incomplete('Authorization requires a valid X-Amz-Date header.');
    if (amzDate.slice(0, 8) !== date)
        throw incomplete('Date in Credential scope does not match YYYYMMDD from X-Amz-Date.');
    const signedHeaders = signedHeadersStr.split(';');
    if (!signedHeaders.includes('host'))
        throw incomplete("'Host' must be a signed header.");
    if (!credentials)
        return;
    if (accessKeyId !== credentials.accessKeyId) {
        throw new ServiceError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    // Canonical request.
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    // The signer escapes the (already encoded) path once more.
    const canonicalPath = escapeUri(rawPath.startsWith('/') ? rawPath : '/' + rawPath).replace(/%2F/g, '/');
    const pairs = [];
    if (rawQuery) {
        for (const part of rawQuery.split('&')) {
            if (!part)
                continue;
            const eq = part.indexOf('=');
            const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
            const v = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
            if (k.toLowerCase() === 'x-amz-signature')
                continue;
            pairs.push([escapeUri(k), escapeUri(v)]);
        }
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const canonicalQuery = pairs.map(([k, v]) => `${k}=${v}`).join('&');
    const canonicalHeaders = signedHeaders
        .map((h) => {
        const v = headers[h];
        const val = Array.isArray(v) ? v.join(',') : (v ?? '');
        return `${h}:${String(val).trim().replace(/\s+/g, ' ')}\n`;
    })
        .join('');
    const payloadHeader = headers['x-amz-content-sha256'];
    const payloadHash = typeof payloadHeader === 'string' && payloadHeader !== '' ? payloadHeader : (0,external_node_crypto_namespaceObject.createHash)('sha256').update(body).digest('hex');
    const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeadersStr, payloadHash].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, (0,external_node_crypto_namespaceObject.createHash)('sha256').update(canonicalRequest).digest('hex')].join('\n');
    let key = (0,external_node_crypto_namespaceObject.createHmac)('sha256', 'AWS4' + credentials.secretAccessKey).update(date).digest();
    key = (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(region).digest();
    key = (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(service).digest();
    key = (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update('aws4_request').digest();
    const expected = (0,external_node_crypto_namespaceObject.createHmac)('sha256', key).update(stringToSign).digest();
    const given = Buffer.from(signature, 'hex');
    if (given.length !== expected.length || !(0,external_node_crypto_namespaceObject.timingSafeEqual)(given, expected))
        throw badSig();
}

;// CONCATENATED MODULE: ./lib/emulator/store.js



const DEFAULT_BASE = Date.UTC(2024, 0, 2, 9, 0, 0);
function cmpEntry(a, key, id) {
    if (a.key < key)
        return -1;
    if (a.key > key)
        return 1;
    return a.id < id ? -1 : a.id > id ? 1 : 0;
}
/** First index whose entry is > (key, id) in an ascending array. */
function upperBound(arr, key, id) {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmpEntry(arr[mid], key, id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
/** First index whose entry is >= (key, id). */
function lowerBound(arr, key, id) {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmpEntry(arr[mid], key, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
class Store {
    folders = new Map();
    docs = new Map();
    users = [];
    organizationId = '';
    rootFolderId = '';
    /** Bumped on every mutation; invalidates caches. */
    generation = 0;
    clockOffsetMs = 0;
    log = [];
    sortCache = new Map();
    activityCache;
    idCounter = 0;
    seed = 'fixture';
    now() {
        return Date.now() + this.clockOffsetMs;
    }
    get primaryUser() {
        return this.users[0];
    }
    // ---------------------------------------------------------------- loading
    static fromFixture(fixture, baseDir) {
        const s = new Store();
        s.seed = fixture.seed ?? 'fixture';
        s.organizationId = fixture.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
        let clock = parseTime(fixture.baseTime, DEFAULT_BASE);
        const tick = () => (clock += 60_000);
        const userSpecs = fixture.users?.length ? fixture.users : [{ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }];
        userSpecs.forEach((u, idx) => s.users.push(s.makeUser(u, idx, clock)));
        userSpecs.forEach((u, idx) => {
            const user = s.users[idx];
            const rootSpec = idx === 0 ? fixture.root : (u.root ?? { name: `${u.username}`, children: [] });
            const rootId = s.loadFolder(rootSpec, null, user.id, `u${idx}`, tick, baseDir);
            user.rootFolderId = rootId;
            if (idx === 0)
                s.rootFolderId = rootId;
        });
        return s;
    }
    makeUser(u, idx, created) {
        const h = hexId(this.seed, 'user', u.username);
        const n = (i) => String(parseInt(h.slice(i * 8, i * 8 + 8), 16) % 10_000_000_000).padStart(10, '0');
        return {
            id: u.id ?? `S-1-1-11-${n(0)}-${n(1)}-${n(2)}-${idx + 1001}`,
            username: u.username,
            givenName: u.givenName ?? u.username,
            surname: u.surname ?? 'User',
            email: u.email ?? `${u.username.replace(/[^A-Za-z0-9._-]/g, '')}@example.com`,
            type: u.type ?? (idx === 0 ? 'ADMIN' : 'USER'),
            rootFolderId: '',
            recycleBinFolderId: hexId(this.seed, 'recycle', u.username),
            created,
        };
    }
    loadFolder(spec, parentId, ownerId, path, tick, baseDir) {
        const id = spec.id ?? hexId(this.seed, 'folder', path, spec.name);
        if (this.folders.has(id) || this.docs.has(id))
            throw new Error(`duplicate id in fixture: ${id}`);
        const created = parseTime(spec.created, tick());
        const rec = {
            id,
            name: spec.name,
            parentId,
            ownerId,
            created,
            modified: parseTime(spec.modified, created),
            state: spec.state ?? 'ACTIVE',
            folders: new Set(),
            docs: new Set(),
        };
        if (spec.labels)
            rec.labels = spec.labels;
        if (spec.denied)
            rec.denied = true;
        this.folders.set(id, rec);
        if (parentId)
            this.folders.get(parentId).folders.add(id);
        (spec.children ?? []).forEach((child, i) => {
            const childPath = `${path}/${i}`;
            if (child.type === 'folder' || (child.type === undefined && 'children' in child)) {
                this.loadFolder(child, id, ownerId, childPath, tick, baseDir);
            }
            else {
                this.loadDocument(child, id, ownerId, childPath, tick, baseDir);
            }
        });
        return id;
    }
    userIdByName(username) {
        if (!username)
            return this.primaryUser.id;
        return this.users.find((u) => u.username === username)?.id ?? this.primaryUser.id;
    }
    loadDocument(spec, parentId, ownerId, path, tick, baseDir) {
        const id = spec.id ?? hexId(this.seed, 'document', path, spec.name);
        if (this.folders.has(id) || this.docs.has(id))
            throw new Error(`duplicate id in fixture: ${id}`);
        const vspecs = spec.versions?.length
            ? spec.versions
            : [{ ...spec, name: spec.name, status: spec.status, created: spec.created, modified: spec.modified, comments: spec.comments, id: undefined }];
        const versions = vspecs.map((v, i) => {
            const isLast = i === vspecs.length - 1;
            const name = isLast ? spec.name : (v.name ?? spec.name);
            const created = parseTime(v.created, i === 0 ? parseTime(spec.created, tick()) : tick());
            const vid = v.id ?? `${created}-${hexId(this.seed, 'version', id, i)}`;
            const rec = {
                id: vid,
                name,
                contentType: v.contentType ?? spec.contentType ?? contentTypeFor(name),
                content: contentFromSpec(v, baseDir, `${this.seed}:${id}:${i}`),
                status: v.status ?? 'ACTIVE',
                created,
                modified: parseTime(v.modified, created),
                creatorId: ownerId,
                ...(v.noSignature ? { noSignature: true } : {}),
            };
            if (v.comments?.length) {
                rec.comments = v.comments.map((c, ci) => ({
                    id: hexId(this.seed, 'comment', vid, ci),
                    text: c.text,
                    contributorId: this.userIdByName(c.contributor),
                    created: parseTime(c.created, created + (ci + 1) * 1000),
                }));
            }
            return rec;
        });
        const first = versions[0];
        const last = versions[versions.length - 1];
        const doc = {
            id,
            parentId,
            creatorId: ownerId,
            created: first.created,
            modified: parseTime(spec.modified, last.modified),
            state: spec.state ?? 'ACTIVE',
            versions,
        };
        if (spec.labels)
            doc.labels = spec.labels;
        if (spec.denied)
            doc.denied = true;
        this.docs.set(id, doc);
        this.folders.get(parentId).docs.add(id);
    }
    static generate(opts) {
        const s = new Store();
        const seedLabel = opts.seed ?? 1;
        s.seed = `gen:${String(seedLabel)}`;
        s.organizationId = opts.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
        const user = s.makeUser({ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }, 0, DEFAULT_BASE);
        s.users.push(user);
        const nFolders = Math.max(0, Math.floor(opts.folders));
        const nDocs = Math.max(0, Math.floor(opts.documents));
        const fanout = Math.max(1, Math.floor(opts.fanout ?? 10));
        const nVersions = Math.max(1, Math.floor(opts.versions ?? 1));
        const seedNum = seedToNumber(seedLabel);
        const minSize = Math.max(0, opts.minSize ?? 0);
        const maxSize = Math.max(minSize, opts.maxSize ?? 65536);
        const sizeOf = (j, v) => {
            if (opts.size !== undefined)
                return opts.size;
            const r = prng(mix32(seedNum ^ mix32(j * 31 + v)))();
            const lo = Math.log(minSize + 1);
            const hi = Math.log(maxSize + 1);
            return Math.min(maxSize, Math.max(minSize, Math.floor(Math.exp(lo + (hi - lo) * r) - 1)));
        };
        const mkFolder = (id, name, parentId, created) => ({
            id,
            name,
            parentId,
            ownerId: user.id,
            created,
            modified: created,
            state: 'ACTIVE',
            folders: new Set(),
            docs: new Set(),
        });
        const rootId = hexId(s.seed, 'folder', 'root');
        s.folders.set(rootId, mkFolder(rootId, 'Generated Root', null, DEFAULT_BASE));
        s.rootFolderId = rootId;
        user.rootFolderId = rootId;
        // Folder index 0 is the root; generated folders are 1..nFolders.
        const folderIds = [rootId];
        for (let i = 1; i <= nFolders; i++) {
            const id = fastHexId(seedNum, 1, i);
            const parentId = folderIds[Math.floor((i - 1) / fanout)];
            const f = mkFolder(id, `folder-${String(i).padStart(6, '0')}`, parentId, DEFAULT_BASE + i * 1000);
            s.folders.set(id, f);
            s.folders.get(parentId).folders.add(id);
            folderIds.push(id);
        }
        const exts = ['txt', 'csv', 'json', 'md', 'pdf', 'png', 'bin', 'docx'];
        const types = exts.map((e) => contentTypeFor(`x.${e}`));
        const nTargets = nFolders === 0 ? 1 : nFolders;
        for (let j = 0; j < nDocs; j++) {
            const parentId = nFolders === 0 ? rootId : folderIds[1 + (j % nTargets)];
            const id = fastHexId(seedNum, 2, j);
            const name = `doc-${String(j).padStart(7, '0')}.${exts[j % exts.length]}`;
            const created = DEFAULT_BASE + 20_000_000 + j * 1000;
            const versions = [];
            for (let v = 0; v < nVersions; v++) {
                const vc = created + v * 3_600_000;
                versions.push({
                    id: `${vc}-${fastHexId(seedNum, 3 + v, j)}`,
                    name,
                    contentType: types[j % exts.length],
                    content: new GeneratedContent(mix32(seedNum ^ Math.imul(j + 1, 0x9e3779b1)) ^ Math.imul(v, 0x85ebca6b), sizeOf(j, v)),
                    status: 'ACTIVE',
                    created: vc,
                    modified: vc,
                    creatorId: user.id,
                });
            }
            const last = versions[versions.length - 1];
            s.docs.set(id, { id, parentId, creatorId: user.id, created, modified: last.modified, state: 'ACTIVE', versions });
            s.folders.get(parentId).docs.add(id);
        }
        return s;
    }
    // ---------------------------------------------------------------- queries
    folder(id) {
        const f = this.folders.get(id);
        if (!f)
            throw notFound(id);
        return f;
    }
    doc(id) {
        const d = this.docs.get(id);
        if (!d)
            throw notFound(id);
        return d;
    }
    /** The version shown as LatestVersionMetadata: newest ACTIVE, else newest. */
    latest(doc) {
        for (let i = doc.versions.length - 1; i >= 0; i--)
            if (doc.versions[i].status === 'ACTIVE')
                return doc.versions[i];
        return doc.versions[doc.versions.length - 1];
    }
    hasActiveVersion(doc) {
        return doc.versions.some((v) => v.status === 'ACTIVE');
    }
    version(doc, versionId) {
        const v = doc.versions.find((x) => x.id === versionId);
        if (!v)
            throw notFound(versionId);
        return v;
    }
    sorted(folder, sort) {
        let c = this.sortCache.get(folder.id);
        if (!c || c.gen !== this.generation) {
            c = { gen: this.generation, byKey: new Map() };
            this.sortCache.set(folder.id, c);
        }
        let sc = c.byKey.get(sort);
        if (!sc) {
            const fe = [];
            for (const id of folder.folders) {
                const f = this.folders.get(id);
                fe.push({ id, key: sort === 'NAME' ? f.name : f.modified });
            }
            const de = [];
            for (const id of folder.docs) {
                const d = this.docs.get(id);
                de.push({ id, key: sort === 'NAME' ? this.latest(d).name : d.modified });
            }
            const cmp = (a, b) => cmpEntry(a, b.key, b.id);
            fe.sort(cmp);
            de.sort(cmp);
            sc = { folders: fe, docs: de };
            c.byKey.set(sort, sc);
        }
        return sc;
    }
    isVisibleDoc(d, includeInitialized) {
        return d.state === 'ACTIVE' && (includeInitialized || this.hasActiveVersion(d));
    }
    /** Immediate children, paginated with an opaque key-based marker. */
    list(folderId, opts) {
        const folder = this.folder(folderId);
        const sc = this.sorted(folder, opts.sort);
        const out = { folders: [], docs: [] };
        const kinds = opts.type === 'FOLDER' ? [0] : opts.type === 'DOCUMENT' ? [1] : [0, 1];
        const desc = opts.order === 'DESCENDING';
        let count = 0;
        let last;
        let more = false;
        outer: for (const k of kinds) {
            const arr = k === 0 ? sc.folders : sc.docs;
            let i;
            if (opts.marker && opts.marker.k > k)
                continue;
            if (opts.marker && opts.marker.k === k) {
                i = desc ? lowerBound(arr, opts.marker.v, opts.marker.i) - 1 : upperBound(arr, opts.marker.v, opts.marker.i);
            }
            else {
                i = desc ? arr.length - 1 : 0;
            }
            for (; desc ? i >= 0 : i < arr.length; desc ? i-- : i++) {
                const e = arr[i];
                if (k === 0) {
                    const f = this.folders.get(e.id);
                    if (f.state !== 'ACTIVE')
                        continue;
                    if (count === opts.limit) {
                        more = true;
                        break outer;
                    }
                    out.folders.push(f);
                }
                else {
                    const d = this.docs.get(e.id);
                    if (!this.isVisibleDoc(d, opts.includeInitialized))
                        continue;
                    if (count === opts.limit) {
                        more = true;
                        break outer;
                    }
                    out.docs.push(d);
                }
                count++;
                last = { k, e };
            }
        }
        if (more && last) {
            const m = { s: opts.sort, o: opts.order, t: opts.type, k: last.k, v: last.e.key, i: last.e.id };
            out.marker = Buffer.from(JSON.stringify(m), 'utf8').toString('base64url');
        }
        return out;
    }
    /** Names from below the root to the item; undefined when it is not under a user's root. */
    pathOf(id) {
        const names = [];
        const d = this.docs.get(id);
        let fid;
        if (d) {
            names.push(this.latest(d).name);
            fid = d.parentId;
        }
        else {
            fid = id;
        }
        while (fid) {
            const f = this.folders.get(fid);
            if (!f || f.parentId === null)
                break;
            names.push(f.name);
            fid = f.parentId;
        }
        return names.reverse();
    }
    isUnder(id, ancestorId) {
        let cur = this.docs.get(id)?.parentId ?? this.folders.get(id)?.parentId ?? null;
        while (cur) {
            if (cur === ancestorId)
                return true;
            cur = this.folders.get(cur)?.parentId ?? null;
        }
        return false;
    }
    lookup(path) {
        let cur = this.folders.get(this.rootFolderId);
        for (let i = 0; i < path.length; i++) {
            const name = path[i];
            const last = i === path.length - 1;
            let next;
            for (const fid of cur.folders) {
                const f = this.folders.get(fid);
                if (f.name === name) {
                    next = f;
                    break;
                }
            }
            if (next) {
                cur = next;
                continue;
            }
            if (last) {
                for (const did of cur.docs)
                    if (this.latest(this.docs.get(did)).name === name)
                        return did;
            }
            return undefined;
        }
        return cur.id;
    }
    manifest() {
        const out = [];
        const walk = (f, path) => {
            for (const did of f.docs) {
                const d = this.docs.get(did);
                if (!this.isVisibleDoc(d, false))
                    continue;
                const v = this.latest(d);
                out.push({
                    documentId: d.id,
                    versionId: v.id,
                    parentId: f.id,
                    path: [...path, v.name],
                    size: v.content.size,
                    md5: v.content.md5(),
                    contentType: v.contentType,
                    createdAt: d.created,
                    modifiedAt: d.modified,
                });
            }
            for (const fid of f.folders) {
                const c = this.folders.get(fid);
                if (c.state === 'ACTIVE')
                    walk(c, [...path, c.name]);
            }
        };
        walk(this.folders.get(this.rootFolderId), []);
        return out;
    }
    /** Activities, newest first: synthesized from state (creation, uploads) plus the mutation log. */
    activities() {
        if (this.activityCache && this.activityCache.gen === this.generation)
            return this.activityCache.list;
        const list = [];
        for (const f of this.folders.values()) {
            if (f.parentId === null)
                continue;
            list.push({ type: 'FOLDER_CREATED', time: f.created, resourceType: 'FOLDER', resourceId: f.id, name: f.name, parentId: f.parentId, initiatorId: f.ownerId });
        }
        for (const d of this.docs.values()) {
            for (const v of d.versions) {
                if (v.status !== 'ACTIVE')
                    continue;
                list.push({
                    type: 'DOCUMENT_VERSION_UPLOADED',
                    time: v.created,
                    resourceType: 'DOCUMENT',
                    resourceId: d.id,
                    name: v.name,
                    versionId: v.id,
                    parentId: d.parentId,
                    initiatorId: v.creatorId,
                });
            }
        }
        list.push(...this.log);
        list.sort((a, b) => b.time - a.time || (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
        this.activityCache = { gen: this.generation, list };
        return list;
    }
    // ---------------------------------------------------------------- mutations
    touch() {
        this.generation++;
    }
    newId(kind) {
        return hexId(this.seed, 'control', kind, ++this.idCounter);
    }
    checkName(name) {
        if (typeof name !== 'string' || name.length < 1 || name.length > 255)
            throw invalidArgument('Name must be 1-255 characters.');
        return name;
    }
    checkNewId(id, kind) {
        const v = id ?? this.newId(kind);
        if (this.folders.has(v) || this.docs.has(v))
            throw new ServiceError(409, 'EntityAlreadyExistsException', `The resource ${v} already exists.`);
        return v;
    }
    addFolder(input) {
        const parent = this.folder(input.parentId);
        const name = this.checkName(input.name);
        const id = this.checkNewId(input.id, 'folder');
        const t = this.now();
        this.folders.set(id, { id, name, parentId: parent.id, ownerId: parent.ownerId, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
        parent.folders.add(id);
        this.touch();
        return { id };
    }
    addDocument(input) {
        const parent = this.folder(input.parentId);
        const name = this.checkName(input.name);
        const id = this.checkNewId(input.id, 'document');
        const t = this.now();
        const v = this.makeVersion(id, 0, name, input, input.contentType, input.status, parent.ownerId, t);
        this.docs.set(id, { id, parentId: parent.id, creatorId: parent.ownerId, created: t, modified: t, state: 'ACTIVE', versions: [v] });
        parent.docs.add(id);
        this.touch();
        return { id, versionId: v.id };
    }
    makeVersion(docId, index, name, spec, contentType, status, creatorId, t) {
        return {
            id: `${t}-${hexId(this.seed, 'control-version', docId, index, t)}`,
            name,
            contentType: contentType ?? contentTypeFor(name),
            content: contentFromSpec(spec, undefined, `${this.seed}:${docId}:${index}:${t}`),
            status: status ?? 'ACTIVE',
            created: t,
            modified: t,
            creatorId,
            ...(spec.noSignature ? { noSignature: true } : {}),
        };
    }
    addVersion(documentId, input) {
        const d = this.doc(documentId);
        const name = input.name !== undefined ? this.checkName(input.name) : this.latest(d).name;
        let t = this.now();
        const prev = d.versions[d.versions.length - 1];
        if (t <= prev.created)
            t = prev.created + 1;
        const v = this.makeVersion(d.id, d.versions.length, name, input, input.contentType, input.status, d.creatorId, t);
        d.versions.push(v);
        if (v.status === 'ACTIVE')
            d.modified = t;
        this.touch();
        return { versionId: v.id };
    }
    rename(id, name) {
        this.checkName(name);
        const t = this.now();
        const d = this.docs.get(id);
        if (d) {
            const old = this.latest(d).name;
            for (const v of d.versions)
                v.name = name;
            d.modified = t;
            this.log.push({ type: 'DOCUMENT_RENAMED', time: t, resourceType: 'DOCUMENT', resourceId: id, name, originalName: old, parentId: d.parentId, initiatorId: d.creatorId });
        }
        else {
            const f = this.folder(id);
            const old = f.name;
            f.name = name;
            f.modified = t;
            this.log.push({ type: 'FOLDER_RENAMED', time: t, resourceType: 'FOLDER', resourceId: id, name, originalName: old, parentId: f.parentId, initiatorId: f.ownerId });
        }
        this.touch();
    }
    move(id, parentId) {
        const target = this.folder(parentId);
        const t = this.now();
        const d = this.docs.get(id);
        if (d) {
            const old = d.parentId;
            this.folders.get(old)?.docs.delete(id);
            target.docs.add(id);
            d.parentId = parentId;
            d.modified = t;
            this.log.push({ type: 'DOCUMENT_MOVED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId, originalParentId: old, initiatorId: d.creatorId });
        }
        else {
            const f = this.folder(id);
            if (f.parentId === null)
                throw prohibitedState('A root folder cannot be moved.');
            if (parentId === id || this.isUnder(parentId, id))
                throw invalidArgument('A folder cannot be moved below itself.');
            const old = f.parentId;
            this.folders.get(old)?.folders.delete(id);
            target.folders.add(id);
            f.parentId = parentId;
            f.modified = t;
            this.log.push({ type: 'FOLDER_MOVED', time: t, resourceType: 'FOLDER', resourceId: id, name: f.name, parentId, originalParentId: old, initiatorId: f.ownerId });
        }
        this.touch();
    }
    delete(id, mode = 'recycle') {
        const t = this.now();
        const d = this.docs.get(id);
        if (d) {
            if (mode === 'remove') {
                this.folders.get(d.parentId)?.docs.delete(id);
                this.docs.delete(id);
            }
            else {
                d.state = 'RECYCLED';
                d.modified = t;
            }
            this.log.push({ type: 'DOCUMENT_RECYCLED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId: d.parentId, initiatorId: d.creatorId });
        }
        else {
            const f = this.folder(id);
            if (f.parentId === null)
                throw prohibitedState('A root folder cannot be deleted.');
            if (mode === 'remove') {
                const removeTree = (fid) => {
                    const x = this.folders.get(fid);
                    for (const c of x.folders)
                        removeTree(c);
                    for (const c of x.docs)
                        this.docs.delete(c);
                    this.folders.delete(fid);
                };
                this.folders.get(f.parentId)?.folders.delete(id);
                removeTree(id);
            }
            else {
                f.state = 'RECYCLED';
                f.modified = t;
            }
            this.log.push({
                type: mode === 'remove' ? 'FOLDER_DELETED' : 'FOLDER_RECYCLED',
                time: t,
                resourceType: 'FOLDER',
                resourceId: id,
                name: f.name,
                parentId: f.parentId,
                initiatorId: f.ownerId,
            });
        }
        this.touch();
    }
    restore(id) {
        const t = this.now();
        const d = this.docs.get(id);
        if (d) {
            d.state = 'ACTIVE';
            d.modified = t;
            this.log.push({ type: 'DOCUMENT_RESTORED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId: d.parentId, initiatorId: d.creatorId });
        }
        else {
            const f = this.folder(id);
            f.state = 'ACTIVE';
            f.modified = t;
            this.log.push({ type: 'FOLDER_RESTORED', time: t, resourceType: 'FOLDER', resourceId: id, name: f.name, parentId: f.parentId, initiatorId: f.ownerId });
        }
        this.touch();
    }
}

;// CONCATENATED MODULE: ./lib/emulator/server.js
/**
 * The WorkDocs emulator: a real HTTP server the unmodified AWS SDK cannot tell from the service.
 * API under /api/v1/ (SigV4), presigned content under /_content/, control API under /_emulator/.
 */













function loadStore(opts) {
    if (opts.generate)
        return Store.generate(opts.generate);
    const fx = opts.fixture ?? 'sample';
    if (fx === 'sample')
        return Store.fromFixture(sampleFixture);
    if (typeof fx === 'string') {
        const path = (0,external_node_path_namespaceObject.resolve)(fx);
        const parsed = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8'));
        return Store.fromFixture(parsed, (0,external_node_path_namespaceObject.dirname)(path));
    }
    return Store.fromFixture(fx, opts.baseDir);
}
function parseQuery(raw) {
    const out = {};
    if (!raw)
        return out;
    for (const part of raw.split('&')) {
        if (!part)
            continue;
        const eq = part.indexOf('=');
        const k = dec(eq < 0 ? part : part.slice(0, eq));
        const v = dec(eq < 0 ? '' : part.slice(eq + 1));
        if (!(k in out))
            out[k] = v;
    }
    return out;
}
function dec(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        return s;
    }
}
function readBody(req, max = 64 * 1024 * 1024) {
    return new Promise((res, rej) => {
        const parts = [];
        let n = 0;
        req.on('data', (c) => {
            n += c.length;
            if (n <= max)
                parts.push(c);
        });
        req.on('end', () => res(Buffer.concat(parts)));
        req.on('error', rej);
    });
}
/** Writes data respecting backpressure; resolves false when the connection went away. */
function write(res, chunk) {
    if (res.destroyed || res.writableEnded)
        return Promise.resolve(false);
    if (res.write(chunk))
        return Promise.resolve(true);
    return new Promise((r) => {
        const done = (ok) => {
            res.off('drain', onDrain);
            res.off('close', onClose);
            r(ok);
        };
        const onDrain = () => done(true);
        const onClose = () => done(false);
        res.on('drain', onDrain);
        res.on('close', onClose);
    });
}
/** Waits until everything written so far has been handed to the OS. */
function flush(res) {
    return new Promise((r) => {
        if (res.destroyed)
            return r();
        res.write(Buffer.alloc(0), () => r());
    });
}
function planBody(faults, total, rand) {
    const plan = {};
    for (const f of faults) {
        if ((f.kind === 'reset' || f.kind === 'truncate') && !plan.cut) {
            const at = Math.max(0, Math.min(total, f.afterBytes ?? Math.floor(total / 2)));
            plan.cut = { at, mode: f.kind };
        }
        else if (f.kind === 'corrupt' && total > 0) {
            const n = Math.max(1, Math.min(total, f.corruptBytes ?? 1));
            plan.corrupt ??= new Set();
            while (plan.corrupt.size < n)
                plan.corrupt.add(Math.floor(rand() * total));
        }
        else if (f.kind === 'slow' && f.bytesPerSecond && f.bytesPerSecond > 0) {
            plan.bytesPerSecond = f.bytesPerSecond;
        }
    }
    return plan;
}
/** Sends a body of `total` bytes from `chunks`, applying body faults. Returns bytes written. */
async function sendBody(res, chunks, total, plan) {
    let sent = 0;
    const cutAt = plan.cut ? plan.cut.at : Infinity;
    const pace = plan.bytesPerSecond;
    const started = Date.now();
    for await (let chunk of chunks) {
        if (plan.corrupt) {
            let copied = false;
            for (const pos of plan.corrupt) {
                if (pos >= sent && pos < sent + chunk.length) {
                    if (!copied) {
                        chunk = Buffer.from(chunk);
                        copied = true;
                    }
                    chunk[pos - sent] = chunk[pos - sent] ^ 0x5a;
                }
            }
        }
        let off = 0;
        while (off < chunk.length) {
            let piece = chunk.subarray(off);
            if (pace)
                piece = piece.subarray(0, Math.max(1, Math.floor(pace / 20)));
            if (sent + piece.length >= cutAt)
                piece = piece.subarray(0, cutAt - sent);
            if (piece.length > 0) {
                if (!(await write(res, piece)))
                    return sent;
                sent += piece.length;
                off += piece.length;
            }
            if (sent >= cutAt) {
                await flush(res);
                await sleep(10);
                const sock = res.socket;
                if (plan.cut.mode === 'reset') {
                    if (sock && typeof sock.resetAndDestroy === 'function')
                        sock.resetAndDestroy();
                    else
                        res.destroy();
                }
                else {
                    sock?.end();
                    res.destroy();
                }
                return sent;
            }
            if (pace) {
                const due = started + (sent / pace) * 1000;
                const wait = due - Date.now();
                if (wait > 0)
                    await sleep(wait);
            }
        }
    }
    if (total === 0 && cutAt === 0 && plan.cut) {
        res.socket?.destroy();
        return 0;
    }
    res.end();
    return sent;
}
const OPS = [
    'GetFolder',
    'DescribeFolderContents',
    'GetDocument',
    'GetDocumentVersion',
    'DescribeDocumentVersions',
    'DescribeUsers',
    'DescribeActivities',
    'DescribeResourcePermissions',
    'DescribeComments',
    'Content',
];
function emptyCounters() {
    return { operations: Object.fromEntries(OPS.map((o) => [o, 0])), contentBytes: 0, total: 0, authFailures: 0, faultsApplied: 0 };
}
function xmlError(code, message) {
    const esc = (s) => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message><RequestId>${(0,external_node_crypto_namespaceObject.randomUUID)()}</RequestId></Error>`;
}
async function startEmulator(opts = {}) {
    const host = opts.host ?? '127.0.0.1';
    let store = loadStore(opts);
    let urlTtlSeconds = opts.urlTtlSeconds ?? 900;
    const faults = new FaultEngine(opts.faultSeed ?? 1);
    const urlKey = opts.urlSigningKey ?? (0,external_node_crypto_namespaceObject.randomBytes)(32).toString('hex');
    let counters = emptyCounters();
    let requestSeq = 0;
    let endpoint = '';
    const signUrl = (docId, versionId, expires) => (0,external_node_crypto_namespaceObject.createHmac)('sha256', urlKey).update(`${docId}\n${versionId}\n${expires}`).digest('hex');
    const count = (op) => {
        counters.operations[op] = (counters.operations[op] ?? 0) + 1;
        counters.total++;
    };
    const sendJson = async (res, status, body, faultList = [], rand) => {
        const buf = Buffer.from(JSON.stringify(body), 'utf8');
        res.writeHead(status, {
            'Content-Type': 'application/json',
            'Content-Length': buf.length,
            'x-amzn-RequestId': (0,external_node_crypto_namespaceObject.randomUUID)(),
        });
        const plan = planBody(faultList, buf.length, rand ?? Math.random);
        await sendBody(res, (async function* () {
            yield buf;
        })(), buf.length, plan);
    };
    const sendError = (res, err) => {
        const body = { __type: err.type, Message: err.message, message: err.message, ...err.extra };
        const buf = Buffer.from(JSON.stringify(body), 'utf8');
        res.writeHead(err.status, {
            'Content-Type': 'application/json',
            'Content-Length': buf.length,
            'x-amzn-RequestId': (0,external_node_crypto_namespaceObject.randomUUID)(),
            'x-amzn-ErrorType': err.type,
        });
        res.end(buf);
        return Promise.resolve();
    };
    /** Applies latency and error faults; returns the error to send (if any) and the remaining body faults. */
    const applyFaults = async (op, ids) => {
        const list = faults.match(op, ids);
        counters.faultsApplied += list.length;
        let latency = 0;
        let error;
        let ttl;
        for (const f of list) {
            if (f.kind === 'latency')
                latency += f.latencyMs ?? 0;
            else if (f.kind === 'shortTtl')
                ttl = Math.min(ttl ?? Infinity, f.ttlSeconds ?? 1);
            else if (!error && f.kind === 'throttle')
                error = new ServiceError(f.status ?? 429, f.errorType ?? 'ThrottlingException', f.message ?? 'Rate exceeded');
            else if (!error && f.kind === 'error') {
                const status = f.status ?? 500;
                error = new ServiceError(status, f.errorType ?? defaultErrorType(status), f.message ?? `Injected fault (${status}).`);
            }
        }
        if (latency > 0)
            await sleep(latency);
        return { list, ...(error ? { error } : {}), ...(ttl !== undefined ? { ttl } : {}) };
    };
    const baseUrl = (req) => (req.headers.host ? `http://${req.headers.host}` : (opts.publicEndpoint ?? endpoint));
    // ------------------------------------------------------------------ API
    const handleApi = async (req, res, rawUrl, rawPath, rawQuery) => {
        const segs = rawPath.split('/').slice(1).map(dec);
        const route = matchRoute(req.method ?? 'GET', segs);
        const body = await readBody(req);
        if (!route) {
            await sendError(res, new ServiceError(404, 'UnknownOperationException', `No operation matches ${req.method} ${rawPath}`));
            return;
        }
        count(route.op);
        const userTokenOps = true; // every emulated operation accepts the Authentication user token
        try {
            checkAuth(req.method ?? 'GET', rawUrl, req.headers, body, opts.credentials, userTokenOps);
        }
        catch (e) {
            counters.authFailures++;
            await sendError(res, e);
            return;
        }
        const seq = ++requestSeq;
        const fr = await applyFaults(route.op, route.ids);
        if (fr.error) {
            await sendError(res, fr.error);
            return;
        }
        const ttl = fr.ttl ?? urlTtlSeconds;
        const origin = baseUrl(req);
        const ctx = {
            store,
            query: parseQuery(rawQuery),
            sigv4: !!req.headers.authorization,
            contentUrl: (d, v) => {
                const expires = store.now() + Math.round(ttl * 1000);
                const sig = signUrl(d.id, v.id, expires);
                return `${origin}/_content/${encodeURIComponent(d.id)}/${encodeURIComponent(v.id)}?X-Emu-Expires=${expires}&X-Emu-Signature=${sig}`;
            },
        };
        let result;
        try {
            result = runOperation(route, ctx);
        }
        catch (e) {
            if (e instanceof ServiceError)
                return sendError(res, e);
            throw e;
        }
        await sendJson(res, 200, result, fr.list, faults.derived(seq));
    };
    // ------------------------------------------------------------------ content
    const handleContent = async (req, res, rawPath, rawQuery) => {
        await readBody(req);
        const segs = rawPath.split('/').slice(2).map(dec);
        const q = parseQuery(rawQuery);
        count('Content');
        const deny = (msg) => {
            const b = xmlError('AccessDenied', msg);
            res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(b) });
            res.end(b);
        };
        if (segs.length !== 2 || (req.method !== 'GET' && req.method !== 'HEAD')) {
            const b = xmlError('NoSuchKey', 'The specified key does not exist.');
            res.writeHead(404, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(b) });
            res.end(b);
            return;
        }
        const [docId, versionId] = segs;
        const expires = q['X-Emu-Expires'] ?? '';
        const sig = q['X-Emu-Signature'] ?? '';
        const expected = Buffer.from(signUrl(docId, versionId, Number(expires)), 'hex');
        const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
        if (!/^\d+$/.test(expires) || given.length !== expected.length || !(0,external_node_crypto_namespaceObject.timingSafeEqual)(given, expected)) {
            deny('The request signature we calculated does not match the signature you provided.');
            return;
        }
        if (store.now() > Number(expires)) {
            deny('Request has expired');
            return;
        }
        const d = store.docs.get(docId);
        const v = d?.versions.find((x) => x.id === versionId);
        if (!d || !v || v.status !== 'ACTIVE') {
            const b = xmlError('NoSuchKey', 'The specified key does not exist.');
            res.writeHead(404, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(b) });
            res.end(b);
            return;
        }
        const seq = ++requestSeq;
        const fr = await applyFaults('Content', [docId, versionId]);
        if (fr.error) {
            const code = fr.error.status === 503 ? 'SlowDown' : fr.error.status === 429 ? 'SlowDown' : fr.error.type;
            const b = xmlError(code, fr.error.message);
            res.writeHead(fr.error.status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(b) });
            res.end(b);
            return;
        }
        const size = v.content.size;
        let start = 0;
        let end = size; // exclusive
        let status = 200;
        const range = fr.list.some((f) => f.kind === 'ignoreRange') ? undefined : req.headers.range;
        if (typeof range === 'string' && range !== '') {
            const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
            if (m && (m[1] !== '' || m[2] !== '')) {
                if (m[1] === '') {
                    const n = Number(m[2]);
                    start = Math.max(0, size - n);
                }
                else {
                    start = Number(m[1]);
                    if (m[2] !== '')
                        end = Math.min(size, Number(m[2]) + 1);
                }
                if (start >= size || (m[1] !== '' && m[2] !== '' && Number(m[2]) < start) || (m[1] === '' && Number(m[2]) === 0)) {
                    const b = xmlError('InvalidRange', 'The requested range is not satisfiable');
                    res.writeHead(416, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(b), 'Content-Range': `bytes */${size}` });
                    res.end(b);
                    return;
                }
                status = 206;
            }
        }
        const len = end - start;
        const headers = {
            'Content-Type': v.contentType,
            'Content-Length': len,
            'Accept-Ranges': 'bytes',
            'Last-Modified': new Date(v.modified).toUTCString(),
            ETag: `"${v.content.md5()}"`,
            'x-amz-request-id': (0,external_node_crypto_namespaceObject.randomUUID)(),
        };
        if (status === 206)
            headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
        res.writeHead(status, headers);
        if (req.method === 'HEAD') {
            res.end();
            return;
        }
        const plan = planBody(fr.list, len, faults.derived(seq));
        const counted = (async function* () {
            for await (const c of v.content.chunks(start, end))
                yield c;
        })();
        const sent = await sendBody(res, counted, len, plan);
        counters.contentBytes += sent;
    };
    // ------------------------------------------------------------------ control
    const control = {
        info: () => ({
            endpoint,
            rootFolderId: store.rootFolderId,
            organizationId: store.organizationId,
            userId: store.primaryUser.id,
            folders: store.folders.size,
            documents: store.docs.size,
            urlTtlSeconds,
        }),
        addFolder: (input) => store.addFolder(input),
        addDocument: (input) => store.addDocument(input),
        addVersion: (id, input) => store.addVersion(id, input),
        rename: (id, name) => store.rename(id, name),
        move: (id, parentId) => store.move(id, parentId),
        delete: (id, mode) => store.delete(id, mode ?? 'recycle'),
        restore: (id) => store.restore(id),
        lookup: (path) => store.lookup(path),
        manifest: () => store.manifest(),
        readContent: async (documentId, versionId) => {
            const d = store.doc(documentId);
            const v = versionId ? store.version(d, versionId) : store.latest(d);
            return readAll(v.content);
        },
        counters: () => ({ ...counters, operations: { ...counters.operations } }),
        resetCounters: () => {
            counters = emptyCounters();
        },
        resetState: () => {
            store = loadStore(opts);
            counters = emptyCounters();
            faults.clear();
            urlTtlSeconds = opts.urlTtlSeconds ?? 900;
        },
        setFaults: (rules, seed) => faults.set(rules, seed),
        addFault: (rule) => faults.add(rule),
        faults: () => faults.list(),
        clearFaults: () => faults.clear(),
        setUrlTtl: (seconds) => {
            if (!(typeof seconds === 'number' && seconds >= 0))
                throw invalidArgument('seconds must be a non-negative number');
            urlTtlSeconds = seconds;
        },
        advanceClock: (seconds) => {
            if (typeof seconds !== 'number' || Number.isNaN(seconds))
                throw invalidArgument('seconds must be a number');
            store.clockOffsetMs += seconds * 1000;
        },
    };
    const handleControl = async (req, res, rawPath, rawQuery) => {
        const raw = await readBody(req);
        const segs = rawPath.split('/').slice(2).filter(Boolean).map(dec);
        const method = req.method ?? 'GET';
        const q = parseQuery(rawQuery);
        let body = {};
        const reply = (status, obj) => {
            const buf = Buffer.from(JSON.stringify(obj ?? null), 'utf8');
            res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
            res.end(buf);
        };
        try {
            if (raw.length) {
                try {
                    body = JSON.parse(raw.toString('utf8'));
                }
                catch {
                    throw invalidArgument('Body must be JSON.');
                }
            }
            const str = (k) => {
                const v = body[k];
                if (typeof v !== 'string')
                    throw invalidArgument(`Missing string field ${k}`);
                return v;
            };
            const key = `${method} ${segs.join('/')}`;
            const [s0, s1, s2] = segs;
            if (key === 'GET health')
                return reply(200, { ok: true });
            if (key === 'GET info')
                return reply(200, control.info());
            if (key === 'GET counters')
                return reply(200, control.counters());
            if (key === 'POST counters/reset' || key === 'DELETE counters') {
                control.resetCounters();
                return reply(200, control.counters());
            }
            if (key === 'POST reset') {
                control.resetState();
                return reply(200, control.info());
            }
            if (key === 'POST folders')
                return reply(200, control.addFolder(body));
            if (key === 'POST documents')
                return reply(200, control.addDocument(body));
            if (method === 'POST' && s0 === 'documents' && s1 && s2 === 'versions' && segs.length === 3)
                return reply(200, control.addVersion(s1, body));
            if (key === 'POST rename') {
                control.rename(str('id'), str('name'));
                return reply(200, { ok: true });
            }
            if (key === 'POST move') {
                control.move(str('id'), str('parentId'));
                return reply(200, { ok: true });
            }
            if (key === 'POST delete') {
                const mode = body['mode'] === 'remove' ? 'remove' : 'recycle';
                control.delete(str('id'), mode);
                return reply(200, { ok: true });
            }
            if (key === 'POST restore') {
                control.restore(str('id'));
                return reply(200, { ok: true });
            }
            if (key === 'POST lookup' || key === 'GET lookup') {
                const path = method === 'GET' ? JSON.parse(q['path'] ?? '[]') : body['path'];
                if (!Array.isArray(path))
                    throw invalidArgument('path must be an array of names');
                const id = control.lookup(path);
                if (!id)
                    throw notFound(JSON.stringify(path));
                return reply(200, { id });
            }
            if (key === 'GET manifest')
                return reply(200, control.manifest());
            if (key === 'GET faults')
                return reply(200, control.faults());
            if (key === 'POST faults') {
                const rules = Array.isArray(body) ? body : Array.isArray(body['rules']) ? body['rules'] : [body];
                return reply(200, rules.map((r) => control.addFault(r)));
            }
            if (key === 'PUT faults') {
                const rules = Array.isArray(body) ? body : (body['rules'] ?? []);
                return reply(200, control.setFaults(rules, body['seed']));
            }
            if (key === 'DELETE faults') {
                control.clearFaults();
                return reply(200, []);
            }
            if (key === 'POST url-ttl') {
                control.setUrlTtl(body['seconds']);
                return reply(200, { urlTtlSeconds });
            }
            if (key === 'POST clock') {
                control.advanceClock(body['advanceSeconds']);
                return reply(200, { offsetSeconds: store.clockOffsetMs / 1000 });
            }
            throw new ServiceError(404, 'UnknownOperationException', `No control route ${method} /_emulator/${segs.join('/')}`);
        }
        catch (e) {
            const err = e instanceof ServiceError ? e : new ServiceError(400, 'InvalidArgumentException', e.message);
            res.writeHead(err.status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': err.type });
            res.end(JSON.stringify({ __type: err.type, Message: err.message, ...err.extra }));
        }
    };
    const server = (0,external_node_http_namespaceObject.createServer)({ keepAlive: true }, (req, res) => {
        const rawUrl = req.url ?? '/';
        const qi = rawUrl.indexOf('?');
        const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
        const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
        let p;
        if (rawPath === '/_emulator' || rawPath.startsWith('/_emulator/'))
            p = handleControl(req, res, rawPath, rawQuery);
        else if (rawPath.startsWith('/_content/'))
            p = handleContent(req, res, rawPath, rawQuery);
        else
            p = handleApi(req, res, rawUrl, rawPath, rawQuery);
        p.catch((e) => {
            if (!res.headersSent) {
                const msg = e instanceof Error ? e.message : String(e);
                res.writeHead(500, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InternalFailure' });
                res.end(JSON.stringify({ __type: 'InternalFailure', Message: msg }));
            }
            else {
                res.destroy();
            }
        });
    });
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0;
    await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(opts.port ?? 0, host, () => {
            server.off('error', fail);
            ok();
        });
    });
    const port = server.address().port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    endpoint = opts.publicEndpoint ?? `http://${urlHost}:${port}`;
    let closed;
    return {
        endpoint,
        port,
        get rootFolderId() {
            return store.rootFolderId;
        },
        get organizationId() {
            return store.organizationId;
        },
        get userId() {
            return store.primaryUser.id;
        },
        control,
        get store() {
            return store;
        },
        close: () => (closed ??= new Promise((ok) => {
            server.close(() => ok());
            server.closeAllConnections();
        })),
    };
}

;// CONCATENATED MODULE: ./lib/emulator/cli.js
/**
 * `workdocs-emulator` CLI: starts the emulator, prints one JSON line (endpoint, rootFolderId, ...) first on stdout,
 * then serves until SIGINT/SIGTERM.
 */


const HELP = `Usage: workdocs-emulator [options]

Starts an Amazon WorkDocs emulator (REST+JSON, SigV4) for the AWS SDKs.
Prints one JSON line {"endpoint","rootFolderId","organizationId","userId","folders","documents",...} first on stdout.

Options:
  --port N                 port to listen on (default 0 = any free port)
  --host HOST              address to bind (default 127.0.0.1)
  --fixture sample|PATH    bundled sample tree (default) or a fixture JSON file
  --generate-folders N     procedural tree: N folders ...
  --generate-documents M   ... and M documents
  --seed S                 seed of the procedural tree (default 1)
  --size BYTES             fixed document size (default: deterministic mix 0..64 KiB)
  --min-size BYTES         lower bound of the size mix
  --max-size BYTES         upper bound of the size mix
  --fanout N               sub-folders per folder in the procedural tree (default 10)
  --url-ttl SECONDS        lifetime of presigned content URLs (default 900)
  --access-key-id ID       with --secret-access-key: verify SigV4 signatures fully
  --secret-access-key KEY
  -h, --help               show this help

Control API (JSON, no signing): GET/POST http://HOST:PORT/_emulator/... (info, counters, reset, folders,
documents, documents/{id}/versions, rename, move, delete, restore, faults, url-ttl, clock, manifest, lookup).
`;
function num(v, name) {
    if (v === undefined)
        return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
        throw new Error(`--${name} must be a non-negative number, got ${v}`);
    return n;
}
/** Parses argv into emulator options; undefined means help was requested. */
function parseCli(argv) {
    const { values } = (0,external_node_util_namespaceObject.parseArgs)({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            port: { type: 'string' },
            host: { type: 'string' },
            fixture: { type: 'string' },
            'generate-folders': { type: 'string' },
            'generate-documents': { type: 'string' },
            seed: { type: 'string' },
            size: { type: 'string' },
            'min-size': { type: 'string' },
            'max-size': { type: 'string' },
            fanout: { type: 'string' },
            'url-ttl': { type: 'string' },
            'access-key-id': { type: 'string' },
            'secret-access-key': { type: 'string' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help)
        return undefined;
    const opts = { port: num(values.port, 'port') ?? 0, host: values.host ?? '127.0.0.1' };
    const gf = num(values['generate-folders'], 'generate-folders');
    const gd = num(values['generate-documents'], 'generate-documents');
    if (gf !== undefined || gd !== undefined) {
        const size = num(values.size, 'size');
        const minSize = num(values['min-size'], 'min-size');
        const maxSize = num(values['max-size'], 'max-size');
        const fanout = num(values.fanout, 'fanout');
        opts.generate = {
            folders: gf ?? 0,
            documents: gd ?? 0,
            seed: values.seed ?? 1,
            ...(size !== undefined ? { size } : {}),
            ...(minSize !== undefined ? { minSize } : {}),
            ...(maxSize !== undefined ? { maxSize } : {}),
            ...(fanout !== undefined ? { fanout } : {}),
        };
    }
    else {
        opts.fixture = values.fixture ?? 'sample';
    }
    const ttl = num(values['url-ttl'], 'url-ttl');
    if (ttl !== undefined)
        opts.urlTtlSeconds = ttl;
    if (values['access-key-id'] || values['secret-access-key']) {
        if (!values['access-key-id'] || !values['secret-access-key'])
            throw new Error('--access-key-id and --secret-access-key go together');
        opts.credentials = { accessKeyId: values['access-key-id'], secretAccessKey: values['secret-access-key'] };
    }
    return opts;
}
async function main(argv) {
    let opts;
    try {
        opts = parseCli(argv);
    }
    catch (e) {
        process.stderr.write(`workdocs-emulator: ${e.message}\n\n${HELP}`);
        return 2;
    }
    if (!opts) {
        process.stdout.write(HELP);
        return 0;
    }
    const emu = await startEmulator(opts);
    process.stdout.write(JSON.stringify(emu.control.info()) + '\n');
    await new Promise((resolve) => {
        const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
    });
    await emu.close();
    return 0;
}

;// CONCATENATED MODULE: ./lib/emulator/index.js
// Entry point of the `workdocs-emulator` binary.

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`workdocs-emulator: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
});

