#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
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

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
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

;// CONCATENATED MODULE: ./lib/emulator/http-io.js
/**
 * HTTP plumbing shared by the emulator's three handlers: query and body parsing, JSON and error replies,
 * and bodies sent with the fault plan applied (cut, corrupted or paced).
 */


function splitUrl(url) {
    const qi = url.indexOf('?');
    return { url, path: qi < 0 ? url : url.slice(0, qi), query: qi < 0 ? '' : url.slice(qi + 1) };
}
/** First value wins for a repeated key, as the service reads query strings. */
function parseQuery(raw) {
    const out = {};
    if (!raw)
        return out;
    for (const part of raw.split('&')) {
        if (!part)
            continue;
        const eq = part.indexOf('=');
        const k = decodeSegment(eq < 0 ? part : part.slice(0, eq));
        const v = decodeSegment(eq < 0 ? '' : part.slice(eq + 1));
        if (!(k in out))
            out[k] = v;
    }
    return out;
}
/** Percent-decoding that keeps a malformed escape as it is instead of failing the request. */
function decodeSegment(s) {
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
/** A 200-style JSON reply of the API; body faults apply to it like to a download. */
async function sendJson(res, status, body, planFor = () => ({})) {
    const buf = Buffer.from(JSON.stringify(body), 'utf8');
    const plan = planFor(buf.length);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'x-amzn-RequestId': (0,external_node_crypto_namespaceObject.randomUUID)() });
    await sendBody(res, (async function* () {
        yield buf;
    })(), buf.length, plan);
}
/** A service error as restJson1 clients parse it: status, x-amzn-ErrorType and {"__type","Message"}. */
function sendServiceError(res, err) {
    const buf = Buffer.from(JSON.stringify({ __type: err.type, Message: err.message, message: err.message, ...err.extra }), 'utf8');
    res.writeHead(err.status, {
        'Content-Type': 'application/json',
        'Content-Length': buf.length,
        'x-amzn-RequestId': (0,external_node_crypto_namespaceObject.randomUUID)(),
        'x-amzn-ErrorType': err.type,
    });
    res.end(buf);
}
/** An S3-style XML error: what a presigned download URL answers. */
function sendXmlError(res, status, code, message, headers = {}) {
    const esc = (s) => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message><RequestId>${(0,external_node_crypto_namespaceObject.randomUUID)()}</RequestId></Error>`;
    res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
}

;// CONCATENATED MODULE: ./lib/emulator/params.js
/** Query-parameter parsing as the service validates it: InvalidArgumentException for anything out of range. */


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
/** A comma-separated list parameter. */
function parseList(v) {
    return v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
}
function enumParam(q, name, allowed, def) {
    const v = q[name];
    if (v === undefined)
        return def;
    if (!allowed.has(v))
        throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
    return v;
}
/** Epoch seconds (the SDK's form) or an ISO date, as milliseconds. */
function parseTimeParam(q, name) {
    const v = q[name];
    if (v === undefined || v === '')
        return undefined;
    const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
    if (Number.isNaN(ms))
        throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
    return ms;
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
        /* an undecodable marker is the caller's error, reported below */
    }
    throw invalidArgument('The marker is invalid.');
}
/** One page of a small list with an offset marker; no Marker on the last page. */
function page(items, q, kind, def = 100) {
    const limit = parseLimit(q, def);
    const start = parseOffsetMarker(q, kind);
    const slice = items.slice(start, start + limit);
    const next = start + limit;
    return next < items.length ? { items: slice, marker: encodeMarker({ k: kind, n: next }) } : { items: slice };
}

;// CONCATENATED MODULE: ./lib/emulator/wire.js
/**
 * Response shapes of the WorkDocs API (restJson1): records of the store turned into the model's structures,
 * timestamps in epoch seconds.
 */

const sec = (ms) => ms / 1000;
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
/** `contentUrl` mints the presigned Source.ORIGINAL URL when the caller asked for it. */
function versionMetadata(d, v, contentUrl) {
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
    if (contentUrl && v.status === 'ACTIVE')
        m['Source'] = { ORIGINAL: contentUrl(d, v) };
    return m;
}
function documentMetadata(store, d) {
    const m = {
        Id: d.id,
        CreatorId: d.creatorId,
        ParentFolderId: d.parentId,
        CreatedTimestamp: sec(d.created),
        ModifiedTimestamp: sec(d.modified),
        LatestVersionMetadata: versionMetadata(d, store.latest(d)),
        ResourceState: d.state,
    };
    if (d.labels)
        m['Labels'] = d.labels;
    return m;
}
/** UserMetadata: the short form of a user inside other shapes. */
function userMetadata(store, id) {
    const u = store.users.find((x) => x.id === id);
    if (!u)
        return { Id: id };
    return { Id: u.id, Username: u.username, GivenName: u.givenName, Surname: u.surname, EmailAddress: u.email };
}
/** User: the full form DescribeUsers answers. */
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
        Status: u.status,
        Type: u.type,
        CreatedTimestamp: sec(u.created),
        ModifiedTimestamp: sec(u.modified),
        TimeZoneId: 'UTC',
        Locale: 'en',
        Storage: { StorageUtilizedInBytes: 0, StorageRule: { StorageAllocatedInBytes: 1099511627776, StorageType: 'QUOTA' } },
    };
}
function groupMetadata(g) {
    return { Id: g.id, Name: g.name };
}
function principal(p) {
    return { Id: p.principalId, Type: p.principalType, Roles: p.roles.map((r) => ({ Role: r.role, Type: r.type })) };
}
/** A deleted comment keeps its place in the thread, without its text. */
function comment(store, c) {
    const u = store.users.find((x) => x.id === c.contributorId);
    const out = {
        CommentId: c.id,
        ThreadId: c.threadId,
        Contributor: u ? user(store, u) : { Id: c.contributorId },
        CreatedTimestamp: sec(c.created),
        Status: c.status,
        Visibility: c.visibility,
    };
    if (c.parentId)
        out['ParentId'] = c.parentId;
    if (c.recipientId)
        out['RecipientId'] = c.recipientId;
    if (c.status !== 'DELETED')
        out['Text'] = c.text;
    return out;
}
/** `indirect`: the activity reached this resource through a folder (its own flag, or a ResourceId query on a parent). */
function activity(store, a, indirect) {
    // A resource deleted since has no owner left: the one who acted stands in.
    const exists = store.folders.has(a.resourceId) || store.docs.has(a.resourceId);
    const rm = { Type: a.resourceType, Name: a.name, Id: a.resourceId, Owner: userMetadata(store, exists ? store.ownerOf(a.resourceId) : a.initiatorId) };
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
        const u = store.users.find((x) => x.id === a.comment.contributorId);
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

;// CONCATENATED MODULE: ./lib/emulator/operations.js
/**
 * The WorkDocs operations: the route table (method and path → operation) and one handler per operation,
 * each validating its parameters as the service does and answering the model's response shape.
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
    if (a === 'groups' && n === 3)
        return { op: 'DescribeGroups', params: {}, ids: [] };
    if (a === 'activities' && n === 3)
        return { op: 'DescribeActivities', params: {}, ids: [] };
    if (a === 'resources' && b && n === 5 && c === 'permissions')
        return { op: 'DescribeResourcePermissions', params: { ResourceId: b }, ids: [b] };
    return undefined;
}
function checkAccess(rec) {
    if (rec.denied)
        throw unauthorizedResource(rec.id);
}
function getDoc(store, id) {
    const d = store.doc(id);
    checkAccess(d);
    return d;
}
function withMarker(body, marker) {
    if (marker)
        body['Marker'] = marker;
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
function parseFolderMarker(q, sort, order, type) {
    if (!q['marker'])
        return undefined;
    let marker;
    try {
        marker = decodeMarker(q['marker']);
    }
    catch {
        throw invalidArgument('The marker is invalid.');
    }
    if (!marker || marker.s !== sort || marker.o !== order || marker.t !== type || (marker.k !== 0 && marker.k !== 1) || typeof marker.i !== 'string')
        throw invalidArgument('The marker is invalid or does not belong to this sort/order/type.');
    return marker;
}
/** Adds CustomMetadata when the request asked for it (`includeCustomMetadata=true`) and there is some. */
function withCustomMetadata(body, q, metadata) {
    if (q['includeCustomMetadata'] === 'true' && metadata)
        body['CustomMetadata'] = { ...metadata };
    return body;
}
const getFolder = ({ store, params, query: q }) => {
    const f = store.folder(params['FolderId']);
    checkAccess(f);
    return withCustomMetadata({ Metadata: folderMetadata(f) }, q, f.customMetadata);
};
const describeFolderContents = ({ store, params, query: q }) => {
    const sort = enumParam(q, 'sort', SORTS, 'NAME');
    const order = enumParam(q, 'order', ORDERS, 'ASCENDING');
    const type = enumParam(q, 'type', TYPES, 'ALL');
    const limit = parseLimit(q);
    const include = parseList(q['include']);
    const marker = parseFolderMarker(q, sort, order, type);
    const f = store.folder(params['FolderId']);
    checkAccess(f);
    const r = store.list(f.id, { sort, order, type, includeInitialized: include.includes('INITIALIZED'), limit, ...(marker ? { marker } : {}) });
    return withMarker({ Folders: r.folders.map(folderMetadata), Documents: r.docs.map((d) => documentMetadata(store, d)) }, r.marker);
};
const getDocument = ({ store, params, query: q }) => {
    const d = getDoc(store, params['DocumentId']);
    return withCustomMetadata({ Metadata: documentMetadata(store, d) }, q, d.customMetadata);
};
const getDocumentVersion = ({ store, params, query: q, contentUrl }) => {
    const d = getDoc(store, params['DocumentId']);
    const v = store.version(d, params['VersionId']);
    const withSource = parseList(q['fields'])
        .map((s) => s.toUpperCase())
        .includes('SOURCE');
    if (withSource && v.status !== 'ACTIVE')
        throw prohibitedState(`The document version ${v.id} is not ACTIVE: its upload has not completed.`);
    return withCustomMetadata({ Metadata: versionMetadata(d, v, withSource ? contentUrl : undefined) }, q, v.customMetadata);
};
const describeDocumentVersions = ({ store, params, query: q, contentUrl }) => {
    const d = getDoc(store, params['DocumentId']);
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
function matchesUserQuery(u, query) {
    const fields = [u.username, u.givenName, u.surname].map((f) => f.toLowerCase());
    return query
        .toLowerCase()
        .split(/\s+/)
        .filter(Boolean)
        .every((word) => fields.some((f) => f.startsWith(word)));
}
function checkOrganization(store, q) {
    const org = q['organizationId'];
    if (org !== undefined && org !== store.organizationId)
        throw notFound(org);
}
const describeUsers = ({ store, query: q }) => {
    checkOrganization(store, q);
    const include = enumParam(q, 'include', USER_FILTERS, 'ACTIVE_PENDING');
    const sort = enumParam(q, 'sort', USER_SORTS, 'USER_NAME');
    const order = enumParam(q, 'order', ORDERS, 'ASCENDING');
    let users = include === 'ALL' ? store.users.slice() : store.users.filter((u) => u.status !== 'INACTIVE');
    const ids = parseList(q['userIds']);
    // With both, the service ignores Query.
    if (ids.length)
        users = users.filter((u) => ids.includes(u.id));
    else if (q['query'])
        users = users.filter((u) => matchesUserQuery(u, q['query']));
    // Without an explicit sort the service answers in the order the users were created.
    if (q['sort'] !== undefined) {
        const key = (u) => (sort === 'FULL_NAME' ? `${u.givenName} ${u.surname}` : sort === 'USER_STATUS' ? `${u.status} ${u.username}` : u.username);
        users.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    }
    if (order === 'DESCENDING')
        users.reverse();
    const pg = page(users, q, 'users');
    return withMarker({ Users: pg.items.map((u) => user(store, u)), TotalNumberOfUsers: users.length }, pg.marker);
};
const describeGroups = ({ store, query: q }) => {
    checkOrganization(store, q);
    const search = q['searchQuery'];
    if (!search)
        throw invalidArgument('searchQuery is required.');
    const groups = store.groups.filter((g) => g.name.toLowerCase().startsWith(search.toLowerCase()));
    const pg = page(groups, q, 'groups');
    return withMarker({ Groups: pg.items.map(groupMetadata) }, pg.marker);
};
function parseActivityMarker(q) {
    if (!q['marker'])
        return undefined;
    try {
        const m = decodeMarker(q['marker']);
        if (m.k === 'activities' && Number.isFinite(m.t) && Number.isInteger(m.s))
            return m;
    }
    catch {
        /* reported below */
    }
    throw invalidArgument('The marker is invalid.');
}
/** First index in the newest-first list strictly after (t, s). */
function afterMarker(list, m) {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const a = list[mid];
        if (a.time > m.t || (a.time === m.t && a.seq >= m.s))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
const describeActivities = ({ store, query: q, sigv4 }) => {
    const org = q['organizationId'];
    if (sigv4 && !org && !q['userId'])
        throw new ServiceError(403, 'UnauthorizedOperationException', 'organizationId is required for administrative (SigV4) requests.');
    checkOrganization(store, q);
    const start = parseTimeParam(q, 'startTime');
    const end = parseTimeParam(q, 'endTime');
    const types = parseList(q['activityTypes']);
    for (const t of types)
        if (!ACTIVITY_TYPES.has(t))
            throw invalidArgument(`Invalid activity type: ${t}`);
    const limit = parseLimit(q);
    const marker = parseActivityMarker(q);
    const resourceId = q['resourceId'];
    const includeIndirect = q['includeIndirectActivities'] === 'true';
    const userId = q['userId'];
    const matches = (a) => {
        if (start !== undefined && a.time < start)
            return false;
        if (end !== undefined && a.time >= end)
            return false;
        if (types.length && !types.includes(a.type))
            return false;
        if (userId && a.initiatorId !== userId)
            return false;
        if (a.indirect && !includeIndirect)
            return false;
        if (resourceId && a.resourceId !== resourceId) {
            // Activities below a folder are its indirect activities.
            if (!includeIndirect || !store.isUnder(a.resourceId, resourceId))
                return false;
        }
        return true;
    };
    const list = store.activities();
    const out = [];
    let next;
    for (let i = marker ? afterMarker(list, marker) : 0; i < list.length; i++) {
        const a = list[i];
        if (end !== undefined && a.time >= end)
            continue;
        if (start !== undefined && a.time < start)
            break;
        if (!matches(a))
            continue;
        if (out.length === limit) {
            const last = out[out.length - 1];
            next = { k: 'activities', t: last.time, s: last.seq };
            break;
        }
        out.push(a);
    }
    const body = { UserActivities: out.map((a) => activity(store, a, !!a.indirect || (!!resourceId && a.resourceId !== resourceId))) };
    return withMarker(body, next ? encodeMarker(next) : undefined);
};
const describeResourcePermissions = ({ store, params, query: q }) => {
    const rec = store.resource(params['ResourceId']);
    checkAccess(rec);
    let principals = store.permissions(rec.id);
    const pid = q['principalId'];
    if (pid)
        principals = principals.filter((x) => x.principalId === pid);
    const pg = page(principals, q, 'principals');
    return withMarker({ Principals: pg.items.map(principal) }, pg.marker);
};
/** Every comment of the version, threads and replies, oldest first. */
const describeComments = ({ store, params, query: q }) => {
    const d = getDoc(store, params['DocumentId']);
    const v = store.version(d, params['VersionId']);
    const pg = page(v.comments ?? [], q, 'comments');
    return withMarker({ Comments: pg.items.map((c) => comment(store, c)) }, pg.marker);
};
/** One handler per operation. */
const operations = {
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

;// CONCATENATED MODULE: ./lib/emulator/handlers/api.js




async function handleApi(state, req, res, url) {
    const method = req.method ?? 'GET';
    const route = matchRoute(method, url.path.split('/').slice(1).map(decodeSegment));
    const body = await readBody(req);
    if (!route)
        return sendServiceError(res, new ServiceError(404, 'UnknownOperationException', `No operation matches ${method} ${url.path}`));
    state.count(route.op);
    try {
        // Every emulated operation also accepts a user's `Authentication` token instead of SigV4.
        checkAuth(method, url.url, req.headers, body, state.options.credentials, true);
    }
    catch (e) {
        state.counters.authFailures++;
        return sendServiceError(res, e);
    }
    const seq = state.nextRequest();
    const faults = await state.applyFaults(route.op, route.ids);
    if (faults.error)
        return sendServiceError(res, faults.error);
    const ttl = faults.ttl ?? state.urlTtlSeconds;
    // A URL minted for a client must name the host the client reached.
    const origin = req.headers.host ? `http://${req.headers.host}` : (state.options.publicEndpoint ?? state.endpoint);
    const store = state.store;
    const ctx = {
        store,
        params: route.params,
        query: parseQuery(url.query),
        sigv4: !!req.headers.authorization,
        contentUrl: (d, v) => {
            const expires = store.now() + Math.round(ttl * 1000);
            const sig = state.signUrl(d.id, v.id, expires);
            return `${origin}/_content/${encodeURIComponent(d.id)}/${encodeURIComponent(v.id)}?X-Emu-Expires=${expires}&X-Emu-Signature=${sig}`;
        },
    };
    let result;
    try {
        result = operations[route.op](ctx);
    }
    catch (e) {
        if (e instanceof ServiceError)
            return sendServiceError(res, e);
        throw e;
    }
    await sendJson(res, 200, result, (length) => planBody(faults.list, length, state.faults.derived(seq)));
}

;// CONCATENATED MODULE: ./lib/emulator/handlers/content.js
/**
 * Presigned downloads under /_content/{documentId}/{versionId}: HMAC-checked, expiring, Range-aware, with the
 * S3-style XML errors a real presigned URL answers, and body faults applied.
 */


const noSuchKey = (res) => sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
async function handleContent(state, req, res, url) {
    await readBody(req);
    const segs = url.path.split('/').slice(2).map(decodeSegment);
    const q = parseQuery(url.query);
    state.count('Content');
    if (segs.length !== 2 || (req.method !== 'GET' && req.method !== 'HEAD'))
        return noSuchKey(res);
    const [docId, versionId] = segs;
    const expires = q['X-Emu-Expires'] ?? '';
    const sig = q['X-Emu-Signature'] ?? '';
    const expected = Buffer.from(state.signUrl(docId, versionId, Number(expires)), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
    if (!/^\d+$/.test(expires) || given.length !== expected.length || !(0,external_node_crypto_namespaceObject.timingSafeEqual)(given, expected))
        return sendXmlError(res, 403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.');
    const store = state.store;
    if (store.now() > Number(expires))
        return sendXmlError(res, 403, 'AccessDenied', 'Request has expired');
    const d = store.docs.get(docId);
    const v = d?.versions.find((x) => x.id === versionId);
    if (!d || !v || v.status !== 'ACTIVE')
        return noSuchKey(res);
    const seq = state.nextRequest();
    const faults = await state.applyFaults('Content', [docId, versionId]);
    if (faults.error) {
        // The storage behind presigned URLs says SlowDown where the API says Throttling or ServiceUnavailable.
        const code = faults.error.status === 503 || faults.error.status === 429 ? 'SlowDown' : faults.error.type;
        return sendXmlError(res, faults.error.status, code, faults.error.message);
    }
    const size = v.content.size;
    let start = 0;
    let end = size; // exclusive
    let status = 200;
    const range = faults.list.some((f) => f.kind === 'ignoreRange') ? undefined : req.headers.range;
    if (typeof range === 'string' && range !== '') {
        const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
        if (m && (m[1] !== '' || m[2] !== '')) {
            if (m[1] === '') {
                start = Math.max(0, size - Number(m[2]));
            }
            else {
                start = Number(m[1]);
                if (m[2] !== '')
                    end = Math.min(size, Number(m[2]) + 1);
            }
            if (start >= size || (m[1] !== '' && m[2] !== '' && Number(m[2]) < start) || (m[1] === '' && Number(m[2]) === 0))
                return sendXmlError(res, 416, 'InvalidRange', 'The requested range is not satisfiable', { 'Content-Range': `bytes */${size}` });
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
    const sent = await sendBody(res, v.content.chunks(start, end), len, planBody(faults.list, len, state.faults.derived(seq)));
    state.counters.contentBytes += sent;
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
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

;// CONCATENATED MODULE: ./lib/emulator/fixtures/site.js
const siteFixture = {
    organizationId: 'd-5173a0e9c2',
    seed: 'site',
    baseTime: '2024-03-01T08:00:00Z',
    users: [
        { username: 'alice', givenName: 'Alice', surname: 'Admin', email: 'alice@example.com', type: 'ADMIN' },
        {
            username: 'bob',
            givenName: 'Bob',
            surname: 'Builder',
            email: 'bob@example.com',
            root: {
                name: 'bob',
                children: [
                    {
                        type: 'folder',
                        name: 'Designs',
                        shares: [{ principal: 'alice', role: 'CONTRIBUTOR' }],
                        children: [
                            {
                                name: 'bridge.txt',
                                labels: ['draft'],
                                versions: [
                                    { content: 'Bridge, sketch.\n', created: '2024-03-04T10:00:00Z' },
                                    { content: 'Bridge, with pillars.\n', created: '2024-03-05T10:00:00Z', comments: [{ text: 'Pillars look thin.', contributor: 'alice', replies: [{ text: 'Thicker in the next one.', contributor: 'bob' }] }] },
                                ],
                            },
                        ],
                    },
                    { name: 'todo.txt', content: 'Buy milk\n' },
                    { name: 'old-notes.txt', content: 'Old notes.\n', state: 'RECYCLED' },
                ],
            },
        },
        {
            username: 'carol',
            givenName: 'Carol',
            surname: 'Gone',
            email: 'carol@example.com',
            status: 'INACTIVE',
            root: {
                name: 'carol',
                children: [
                    {
                        type: 'folder',
                        name: 'Handover',
                        children: [{ name: 'customers.csv', content: 'id,name\n1,ACME\n2,Globex\n', customMetadata: { retention: '7y' } }],
                    },
                    { type: 'folder', name: 'Scratch', state: 'RECYCLED', children: [{ name: 'tmp.txt', content: 'temporary\n' }] },
                ],
            },
        },
        { username: 'dave', givenName: 'Dave', surname: 'New', email: 'dave@example.com', status: 'PENDING' },
    ],
    groups: [{ name: 'Engineering', members: ['alice', 'bob'] }],
    root: {
        name: 'alice',
        children: [
            {
                type: 'folder',
                name: 'Team',
                labels: ['shared'],
                customMetadata: { department: 'engineering' },
                shares: [
                    { principal: 'Engineering', type: 'GROUP', role: 'VIEWER' },
                    { principal: 'bob', role: 'COOWNER' },
                ],
                children: [
                    {
                        name: 'plan.md',
                        labels: ['important', 'q2'],
                        customMetadata: { project: 'apollo', reviewed: 'yes' },
                        versions: [
                            { content: '# Plan\n\nv1\n', created: '2024-03-02T09:00:00Z', customMetadata: { approved: 'no' } },
                            { content: '# Plan\n\nv2, after review\n', created: '2024-03-03T09:00:00Z' },
                            {
                                content: '# Plan\n\nv3, final\n',
                                created: '2024-03-06T09:00:00Z',
                                customMetadata: { approved: 'yes' },
                                comments: [
                                    { text: 'Ship it.', contributor: 'bob', replies: [{ text: 'Shipping.', contributor: 'alice' }, { text: 'Only between us: check the budget.', contributor: 'bob', visibility: 'PRIVATE' }] },
                                    { text: 'Second thread.', contributor: 'carol' },
                                ],
                            },
                        ],
                    },
                    { name: 'budget.xlsx', content: 'budget', owner: 'bob' },
                    { type: 'folder', name: 'Public', shares: [{ type: 'ANONYMOUS', role: 'VIEWER' }], children: [{ name: 'flyer.pdf', content: '%PDF-1.4 flyer' }] },
                ],
            },
            { name: 'welcome.txt', content: 'Welcome to the site.\n' },
            { name: 'draft.txt', content: 'A recycled draft.\n', state: 'RECYCLED' },
        ],
    },
};

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
const ROLES = new Set(['OWNER', 'COOWNER', 'CONTRIBUTOR', 'VIEWER']);
const USER_STATUSES = new Set(['ACTIVE', 'INACTIVE', 'PENDING']);
const ANONYMOUS_PRINCIPAL = 'anonymous';
class Store {
    folders = new Map();
    docs = new Map();
    users = [];
    groups = [];
    organizationId = '';
    rootFolderId = '';
    /** Bumped on every mutation; invalidates caches. */
    generation = 0;
    clockOffsetMs = 0;
    log = [];
    sortCache = new Map();
    activityCache;
    idCounter = 0;
    /** Seed of derived ids. */
    seed = 'fixture';
    now() {
        return Date.now() + this.clockOffsetMs;
    }
    get primaryUser() {
        return this.users[0];
    }
    /** Folders of the users' trees (recycle bins are folders of the store, not of a tree). */
    get treeFolderCount() {
        return this.folders.size - this.users.length;
    }
    // ---------------------------------------------------------------- loading
    static fromFixture(fixture, baseDir) {
        const s = new Store();
        s.seed = fixture.seed ?? 'fixture';
        s.organizationId = fixture.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
        let clock = parseTime(fixture.baseTime, DEFAULT_BASE);
        const tick = () => (clock += 60_000);
        const userSpecs = fixture.users?.length ? fixture.users : [{ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }];
        userSpecs.forEach((u, idx) => s.addUserRec(s.makeUser(u, idx, clock)));
        for (const g of fixture.groups ?? []) {
            s.groups.push({ id: g.id ?? `S-1-1-21-${hexId(s.seed, 'group', g.name).slice(0, 10)}`, name: g.name, memberIds: (g.members ?? []).map((m) => s.userIdByName(m)) });
        }
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
            status: u.status ?? 'ACTIVE',
            rootFolderId: '',
            recycleBinFolderId: hexId(this.seed, 'recycle', u.username),
            created,
            modified: created,
        };
    }
    /** Adds a user and creates their recycle bin; the caller gives them a root folder. */
    addUserRec(user) {
        this.users.push(user);
        this.folders.set(user.recycleBinFolderId, {
            id: user.recycleBinFolderId,
            name: 'RecycleBin',
            parentId: null,
            ownerId: user.id,
            recycleBinOf: user.id,
            created: user.created,
            modified: user.created,
            state: 'ACTIVE',
            folders: new Set(),
            docs: new Set(),
        });
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
            state: 'ACTIVE',
            folders: new Set(),
            docs: new Set(),
        };
        this.loadResourceExtras(rec, spec);
        this.folders.set(id, rec);
        if (parentId) {
            this.folders.get(parentId).folders.add(id);
            this.record({ type: 'FOLDER_CREATED', time: created, resourceType: 'FOLDER', resourceId: id, name: rec.name, parentId, initiatorId: ownerId });
        }
        (spec.children ?? []).forEach((child, i) => {
            const childPath = `${path}/${i}`;
            if (child.type === 'folder' || (child.type === undefined && 'children' in child)) {
                this.loadFolder(child, id, ownerId, childPath, tick, baseDir);
            }
            else {
                this.loadDocument(child, id, ownerId, childPath, tick, baseDir);
            }
        });
        this.loadSharesAndState(rec, spec, rec.modified);
        return id;
    }
    loadResourceExtras(rec, spec) {
        if (spec.labels)
            rec.labels = [...spec.labels];
        if (spec.denied)
            rec.denied = true;
        if (spec.customMetadata)
            rec.customMetadata = { ...spec.customMetadata };
        if (spec.owner)
            rec.ownerChangedTo = this.userIdByName(spec.owner);
    }
    /** Shares and a RECYCLED state apply once the contents exist: a folder's share reaches them as indirect activities. */
    loadSharesAndState(rec, spec, time) {
        for (const share of spec.shares ?? [])
            this.applyShare(rec, this.resolveShare(share), time + 1000);
        if (spec.state && spec.state !== 'ACTIVE') {
            rec.state = spec.state;
            if (spec.state === 'RECYCLED') {
                this.putInBin(rec);
                this.recordOn(rec, 'RECYCLED', time, this.ownerOf(rec.id));
            }
        }
    }
    /** A user by id or username. */
    user(idOrName) {
        const u = this.users.find((x) => x.id === idOrName) ?? this.users.find((x) => x.username === idOrName);
        if (!u)
            throw notFound(idOrName);
        return u;
    }
    group(idOrName) {
        const g = this.groups.find((x) => x.id === idOrName) ?? this.groups.find((x) => x.name === idOrName);
        if (!g)
            throw notFound(idOrName);
        return g;
    }
    /** A fixture's user by name (the first user when none is named); a name no user has is the fixture's mistake. */
    userIdByName(username) {
        if (!username)
            return this.primaryUser.id;
        const u = this.users.find((x) => x.username === username);
        if (!u)
            throw new Error(`unknown user in fixture: ${username}`);
        return u.id;
    }
    loadDocument(spec, parentId, ownerId, path, tick, baseDir) {
        const id = spec.id ?? hexId(this.seed, 'document', path, spec.name);
        if (this.folders.has(id) || this.docs.has(id))
            throw new Error(`duplicate id in fixture: ${id}`);
        const vspecs = spec.versions?.length
            ? spec.versions
            : [{ ...spec, name: spec.name, status: spec.status, created: spec.created, modified: spec.modified, comments: spec.comments, id: undefined, customMetadata: undefined }];
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
                ...(v.customMetadata ? { customMetadata: { ...v.customMetadata } } : {}),
            };
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
            state: 'ACTIVE',
            versions,
        };
        this.loadResourceExtras(doc, spec);
        this.docs.set(id, doc);
        this.folders.get(parentId).docs.add(id);
        for (const v of versions)
            if (v.status === 'ACTIVE')
                this.recordUpload(doc, v);
        vspecs.forEach((v, i) => {
            const version = versions[i];
            let n = 0;
            const addThread = (c, parent) => {
                const rec = this.makeComment(doc, version, {
                    id: hexId(this.seed, 'comment', version.id, n),
                    text: c.text,
                    contributorId: this.userIdByName(c.contributor),
                    created: parseTime(c.created, version.created + ++n * 1000),
                    visibility: c.visibility ?? 'PUBLIC',
                    parent,
                });
                for (const r of c.replies ?? [])
                    addThread(r, rec);
            };
            for (const c of v.comments ?? [])
                addThread(c, undefined);
        });
        this.loadSharesAndState(doc, spec, doc.modified);
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
    resource(id) {
        const r = this.folders.get(id) ?? this.docs.get(id);
        if (!r)
            throw notFound(id);
        return r;
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
    /** The owner: set by the nearest ownership transfer up the tree, else the creator of the user's root. */
    ownerOf(id) {
        let rec = this.folders.get(id) ?? this.docs.get(id);
        while (rec) {
            if (rec.ownerChangedTo)
                return rec.ownerChangedTo;
            if ('versions' in rec)
                rec = this.folders.get(rec.parentId);
            else if (rec.parentId === null)
                return rec.ownerId;
            else
                rec = this.folders.get(rec.parentId);
        }
        return this.primaryUser.id;
    }
    /** Everyone with a role on a resource: its owner, its own shares (DIRECT), its parents' shares (INHERITED). */
    permissions(id) {
        const byPrincipal = new Map();
        const grant = (principalId, principalType, role, type) => {
            let p = byPrincipal.get(principalId);
            if (!p)
                byPrincipal.set(principalId, (p = { principalId, principalType, roles: [] }));
            if (!p.roles.some((r) => r.role === role && r.type === type))
                p.roles.push({ role, type });
        };
        const chain = [];
        for (let rec = this.resource(id); rec;) {
            chain.push(rec);
            const parentId = rec.parentId;
            rec = parentId === null ? undefined : this.folders.get(parentId);
        }
        // The owner's role is DIRECT where ownership is set: a user's root, or a transfer.
        const self = chain[0];
        grant(this.ownerOf(id), 'USER', 'OWNER', self.ownerChangedTo !== undefined || self.parentId === null ? 'DIRECT' : 'INHERITED');
        chain.forEach((rec, i) => {
            for (const s of rec.shares ?? [])
                grant(s.principalId, s.principalType, s.role, i === 0 ? 'DIRECT' : 'INHERITED');
        });
        return [...byPrincipal.values()];
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
    /** `shown` is ACTIVE in a folder of a tree, RECYCLED in a recycle bin. */
    isVisibleDoc(d, includeInitialized, shown = 'ACTIVE') {
        return d.state === shown && (includeInitialized || this.hasActiveVersion(d));
    }
    /** Immediate children, paginated with an opaque key-based marker. */
    list(folderId, opts) {
        const folder = this.folder(folderId);
        const shown = folder.recycleBinOf ? 'RECYCLED' : 'ACTIVE';
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
                    if (f.state !== shown)
                        continue;
                    if (count === opts.limit) {
                        more = true;
                        break outer;
                    }
                    out.folders.push(f);
                }
                else {
                    const d = this.docs.get(e.id);
                    if (!this.isVisibleDoc(d, opts.includeInitialized, shown))
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
    /** Names from below the root to the item. */
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
    /** The item at a name path below a folder (the primary user's root by default); first match for duplicates. */
    lookup(path, rootId = this.rootFolderId) {
        let cur = this.folder(rootId);
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
    /** Every visible document below a folder (the primary user's root by default), latest ACTIVE version. */
    manifest(rootId = this.rootFolderId) {
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
        const root = this.folder(rootId);
        if (!root.recycleBinOf)
            walk(root, []);
        return out;
    }
    /** The activity log, newest first (equal times: the later recorded first). */
    activities() {
        const cached = this.activityCache;
        if (cached && cached.length === this.log.length)
            return cached.list;
        const newer = (a, b) => b.time - a.time || b.seq - a.seq;
        const added = cached ? this.log.slice(cached.length).sort(newer) : [];
        // Changes made now come after the whole history: put them in front instead of sorting a site's log again.
        const list = cached && (cached.list.length === 0 || added[added.length - 1].time >= cached.list[0].time) ? [...added, ...cached.list] : this.log.slice().sort(newer);
        this.activityCache = { length: this.log.length, list };
        return list;
    }
    // ---------------------------------------------------------------- activity log
    record(a) {
        // Numbered in place: a site's history is hundreds of thousands of entries, so no copy of each.
        const entry = a;
        entry.seq = this.log.length + 1;
        this.log.push(entry);
    }
    recordUpload(d, v) {
        this.record({ type: 'DOCUMENT_VERSION_UPLOADED', time: v.created, resourceType: 'DOCUMENT', resourceId: d.id, name: v.name, versionId: v.id, parentId: d.parentId, initiatorId: v.creatorId });
    }
    /** Records `FOLDER_<what>` or `DOCUMENT_<what>` on a resource. */
    recordOn(rec, what, time, initiatorId, extra = {}) {
        const isDoc = 'versions' in rec;
        this.record({
            type: `${isDoc ? 'DOCUMENT' : 'FOLDER'}_${what}`,
            time,
            resourceType: isDoc ? 'DOCUMENT' : 'FOLDER',
            resourceId: rec.id,
            name: isDoc ? this.latest(rec).name : rec.name,
            parentId: rec.parentId,
            initiatorId,
            ...extra,
        });
    }
    /** A direct activity on a folder reaches everything below it as indirect activities of the same kind. */
    recordWithIndirect(rec, what, time, initiatorId, extra = {}) {
        this.recordOn(rec, what, time, initiatorId, extra);
        if ('versions' in rec)
            return;
        const walk = (f) => {
            for (const id of f.folders) {
                const c = this.folders.get(id);
                this.recordOn(c, what, time, initiatorId, { ...extra, indirect: true });
                walk(c);
            }
            for (const id of f.docs)
                this.recordOn(this.docs.get(id), what, time, initiatorId, { ...extra, indirect: true });
        };
        walk(rec);
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
    /** A folder of a user's tree: not a recycle bin, which lists recycled items and holds none. */
    treeFolder(id) {
        const f = this.folder(id);
        if (f.recycleBinOf)
            throw prohibitedState(`The folder ${id} is a recycle bin.`);
        return f;
    }
    addFolder(input) {
        const parent = this.treeFolder(input.parentId);
        const name = this.checkName(input.name);
        const id = this.checkNewId(input.id, 'folder');
        const t = this.now();
        const owner = this.ownerOf(parent.id);
        this.folders.set(id, { id, name, parentId: parent.id, ownerId: owner, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
        parent.folders.add(id);
        this.record({ type: 'FOLDER_CREATED', time: t, resourceType: 'FOLDER', resourceId: id, name, parentId: parent.id, initiatorId: owner });
        this.touch();
        return { id };
    }
    addDocument(input) {
        const parent = this.treeFolder(input.parentId);
        const name = this.checkName(input.name);
        const id = this.checkNewId(input.id, 'document');
        const t = this.now();
        const owner = this.ownerOf(parent.id);
        const v = this.makeVersion(id, 0, name, input, input.contentType, input.status, owner, t);
        const d = { id, parentId: parent.id, creatorId: owner, created: t, modified: t, state: 'ACTIVE', versions: [v] };
        this.docs.set(id, d);
        parent.docs.add(id);
        if (v.status === 'ACTIVE')
            this.recordUpload(d, v);
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
        const creator = input.checkIn && d.checkedOutBy ? d.checkedOutBy : this.ownerOf(d.id);
        const v = this.makeVersion(d.id, d.versions.length, name, input, input.contentType, input.status, creator, t);
        d.versions.push(v);
        if (v.status === 'ACTIVE') {
            d.modified = t;
            if (input.checkIn)
                this.recordOn(d, 'CHECKED_IN', t, creator, { versionId: v.id });
            else
                this.recordUpload(d, v);
        }
        if (input.checkIn)
            delete d.checkedOutBy;
        this.touch();
        return { versionId: v.id };
    }
    /** A new ACTIVE version sharing an older version's bytes, as restoring a version in WorkDocs makes. */
    revert(documentId, versionId) {
        const d = this.doc(documentId);
        const old = this.version(d, versionId);
        if (old.status !== 'ACTIVE')
            throw prohibitedState(`The version ${versionId} is not ACTIVE.`);
        let t = this.now();
        const prev = d.versions[d.versions.length - 1];
        if (t <= prev.created)
            t = prev.created + 1;
        const v = { ...this.makeVersion(d.id, d.versions.length, old.name, {}, old.contentType, 'ACTIVE', this.ownerOf(d.id), t), content: old.content };
        d.versions.push(v);
        d.modified = t;
        this.recordOn(d, 'REVERTED', t, v.creatorId, { versionId: v.id });
        this.touch();
        return { versionId: v.id };
    }
    checkOut(documentId, user) {
        const d = this.doc(documentId);
        if (d.checkedOutBy)
            throw prohibitedState(`The document ${documentId} is already checked out.`);
        const by = user ? this.user(user).id : this.ownerOf(d.id);
        d.checkedOutBy = by;
        this.recordOn(d, 'CHECKED_OUT', this.now(), by);
        this.touch();
    }
    /** Deletes one version; the document keeps at least one ACTIVE version. */
    deleteVersion(documentId, versionId) {
        const d = this.doc(documentId);
        const v = this.version(d, versionId);
        if (v.status === 'ACTIVE' && d.versions.filter((x) => x.status === 'ACTIVE').length === 1)
            throw prohibitedState(`The version ${versionId} is the only ACTIVE version of ${documentId}: delete the document instead.`);
        d.versions.splice(d.versions.indexOf(v), 1);
        const t = this.now();
        d.modified = t;
        this.recordOn(d, 'VERSION_DELETED', t, this.ownerOf(d.id), { versionId, name: v.name });
        this.touch();
    }
    rename(id, name) {
        this.checkName(name);
        const t = this.now();
        const rec = this.resource(id);
        if ('versions' in rec) {
            const old = this.latest(rec).name;
            for (const v of rec.versions)
                v.name = name;
            rec.modified = t;
            this.recordOn(rec, 'RENAMED', t, this.ownerOf(id), { originalName: old });
        }
        else {
            if (rec.parentId === null)
                throw prohibitedState('A root folder or recycle bin cannot be renamed.');
            const old = rec.name;
            rec.name = name;
            rec.modified = t;
            this.recordOn(rec, 'RENAMED', t, this.ownerOf(id), { originalName: old });
        }
        this.touch();
    }
    move(id, parentId) {
        const target = this.treeFolder(parentId);
        const t = this.now();
        const rec = this.resource(id);
        if ('versions' in rec) {
            const old = rec.parentId;
            this.folders.get(old)?.docs.delete(id);
            target.docs.add(id);
            rec.parentId = parentId;
            rec.modified = t;
            this.recordOn(rec, 'MOVED', t, this.ownerOf(id), { originalParentId: old });
        }
        else {
            if (rec.parentId === null)
                throw prohibitedState('A root folder cannot be moved.');
            if (parentId === id || this.isUnder(parentId, id))
                throw invalidArgument('A folder cannot be moved below itself.');
            const old = rec.parentId;
            this.folders.get(old)?.folders.delete(id);
            target.folders.add(id);
            rec.parentId = parentId;
            rec.modified = t;
            this.recordOn(rec, 'MOVED', t, this.ownerOf(id), { originalParentId: old });
        }
        this.touch();
    }
    putInBin(rec) {
        const owner = this.users.find((u) => u.id === this.ownerOf(rec.id)) ?? this.primaryUser;
        const bin = this.folders.get(owner.recycleBinFolderId);
        if ('versions' in rec)
            bin.docs.add(rec.id);
        else
            bin.folders.add(rec.id);
        rec.binId = bin.id;
    }
    takeOutOfBin(rec) {
        if (!rec.binId)
            return;
        const bin = this.folders.get(rec.binId);
        bin?.docs.delete(rec.id);
        bin?.folders.delete(rec.id);
        delete rec.binId;
    }
    /** Deletes a folder and everything below it from the store (not from the log). */
    removeTree(fid) {
        const x = this.folders.get(fid);
        for (const c of x.folders)
            this.removeTree(c);
        for (const c of x.docs) {
            this.takeOutOfBin(this.docs.get(c));
            this.docs.delete(c);
        }
        this.takeOutOfBin(x);
        this.folders.delete(fid);
    }
    /** `recycle` moves it to its owner's recycle bin; `remove` deletes it for good. */
    delete(id, mode = 'recycle') {
        const t = this.now();
        const rec = this.resource(id);
        const initiator = this.ownerOf(id);
        if ('versions' in rec) {
            // WorkDocs has no DOCUMENT_DELETED: a document deleted for good is logged as recycled.
            this.recordOn(rec, 'RECYCLED', t, initiator);
            if (mode === 'remove') {
                this.folders.get(rec.parentId)?.docs.delete(id);
                this.takeOutOfBin(rec);
                this.docs.delete(id);
            }
            else {
                rec.state = 'RECYCLED';
                rec.modified = t;
                this.putInBin(rec);
            }
        }
        else {
            if (rec.parentId === null)
                throw prohibitedState('A root folder cannot be deleted.');
            this.recordOn(rec, mode === 'remove' ? 'DELETED' : 'RECYCLED', t, initiator);
            if (mode === 'remove') {
                this.folders.get(rec.parentId)?.folders.delete(id);
                this.removeTree(id);
            }
            else {
                rec.state = 'RECYCLED';
                rec.modified = t;
                this.putInBin(rec);
            }
        }
        this.touch();
    }
    restore(id) {
        const t = this.now();
        const rec = this.resource(id);
        rec.state = 'ACTIVE';
        rec.modified = t;
        this.takeOutOfBin(rec);
        this.recordOn(rec, 'RESTORED', t, this.ownerOf(id));
        this.touch();
    }
    // ---------------------------------------------------------------- users
    userInfo(u) {
        return { id: u.id, username: u.username, status: u.status, rootFolderId: u.rootFolderId, recycleBinFolderId: u.recycleBinFolderId };
    }
    checkStatus(status) {
        if (!USER_STATUSES.has(status))
            throw invalidArgument(`Invalid user status: ${String(status)} (ACTIVE, INACTIVE or PENDING).`);
        return status;
    }
    /** A user with an empty root folder (named after them) and recycle bin. WorkDocs logs no activity for users. */
    addUser(input) {
        if (typeof input.username !== 'string' || !/^[\w+.@-]{1,256}$/.test(input.username))
            throw invalidArgument('Username must be 1-256 characters of letters, digits and + . @ - _.');
        if (this.users.some((u) => u.username === input.username || (input.id !== undefined && u.id === input.id)))
            throw new ServiceError(409, 'EntityAlreadyExistsException', `The user ${input.username} already exists.`);
        const t = this.now();
        const user = this.makeUser({ ...input, status: this.checkStatus(input.status ?? 'ACTIVE') }, this.users.length, t);
        user.recycleBinFolderId = hexId(this.seed, 'recycle', user.username, ++this.idCounter);
        this.addUserRec(user);
        const rootId = this.checkNewId(undefined, 'root');
        this.folders.set(rootId, { id: rootId, name: user.username, parentId: null, ownerId: user.id, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
        user.rootFolderId = rootId;
        this.touch();
        return this.userInfo(user);
    }
    setUserStatus(userId, status) {
        const u = this.user(userId);
        u.status = this.checkStatus(status);
        u.modified = this.now();
        this.touch();
    }
    /** Deletes a user with their root folder, recycle bin and content, and every share granted to them. */
    removeUser(userId) {
        const u = this.user(userId);
        if (u === this.primaryUser)
            throw prohibitedState('The first user owns the emulator root folder and cannot be removed.');
        this.removeTree(u.rootFolderId);
        this.folders.delete(u.recycleBinFolderId);
        this.users.splice(this.users.indexOf(u), 1);
        for (const g of this.groups)
            g.memberIds = g.memberIds.filter((m) => m !== u.id);
        for (const rec of [...this.folders.values(), ...this.docs.values()]) {
            if (rec.shares)
                rec.shares = rec.shares.filter((s) => s.principalId !== u.id);
            if (rec.ownerChangedTo === u.id)
                delete rec.ownerChangedTo;
        }
        this.touch();
    }
    // ---------------------------------------------------------------- sharing and ownership
    resolveShare(spec) {
        const type = spec.type ?? 'USER';
        if (!ROLES.has(spec.role))
            throw invalidArgument(`Invalid role: ${String(spec.role)} (OWNER, COOWNER, CONTRIBUTOR or VIEWER).`);
        if (spec.role === 'OWNER')
            throw invalidArgument('OWNER is not shared: transfer ownership instead.');
        if (type === 'ANONYMOUS')
            return { principalId: ANONYMOUS_PRINCIPAL, principalType: type, role: spec.role };
        if (!spec.principal)
            throw invalidArgument('A share needs a principal.');
        if (type === 'USER')
            return { principalId: this.user(spec.principal).id, principalType: type, role: spec.role };
        if (type === 'GROUP')
            return { principalId: this.group(spec.principal).id, principalType: type, role: spec.role };
        throw invalidArgument(`Invalid principal type: ${String(type)} (USER, GROUP or ANONYMOUS).`);
    }
    participantsOf(share) {
        if (share.principalType === 'USER')
            return { userIds: [share.principalId] };
        if (share.principalType === 'GROUP')
            return { groupIds: [share.principalId] };
        return undefined;
    }
    /** Adds or changes a share and logs it: a link for ANONYMOUS, a share otherwise; a folder's reaches its contents. */
    applyShare(rec, share, time) {
        rec.shares ??= [];
        const existing = rec.shares.find((s) => s.principalId === share.principalId);
        if (existing && existing.role === share.role)
            return;
        const link = share.principalType === 'ANONYMOUS';
        const what = existing ? (link ? 'SHAREABLE_LINK_PERMISSION_CHANGED' : 'SHARE_PERMISSION_CHANGED') : link ? 'SHAREABLE_LINK_CREATED' : 'SHARED';
        if (existing)
            existing.role = share.role;
        else
            rec.shares.push(share);
        const participants = this.participantsOf(share);
        this.recordWithIndirect(rec, what, time, this.ownerOf(rec.id), participants ? { participants } : {});
    }
    share(input) {
        const rec = this.resource(input.resourceId);
        this.applyShare(rec, this.resolveShare(input), this.now());
        this.touch();
    }
    unshare(resourceId, principal) {
        const rec = this.resource(resourceId);
        const share = rec.shares?.find((s) => s.principalId === principal || (s.principalType === 'USER' && this.users.find((u) => u.id === s.principalId)?.username === principal) || (s.principalType === 'GROUP' && this.groups.find((g) => g.id === s.principalId)?.name === principal));
        if (!share)
            throw notFound(`${resourceId}/${principal}`);
        rec.shares = rec.shares.filter((s) => s !== share);
        const participants = this.participantsOf(share);
        this.recordWithIndirect(rec, share.principalType === 'ANONYMOUS' ? 'SHAREABLE_LINK_REMOVED' : 'UNSHARED', this.now(), this.ownerOf(rec.id), participants ? { participants } : {});
        this.touch();
    }
    /** WorkDocs has no ownership activity type: a transfer is logged as a permission change naming the new owner. */
    setOwner(id, userId) {
        const rec = this.resource(id);
        const user = this.user(userId);
        const before = this.ownerOf(id);
        rec.ownerChangedTo = user.id;
        this.recordOn(rec, 'SHARE_PERMISSION_CHANGED', this.now(), before, { participants: { userIds: [user.id] } });
        this.touch();
    }
    // ---------------------------------------------------------------- comments, labels, custom metadata
    makeComment(d, v, c) {
        const rec = {
            id: c.id,
            text: c.text,
            contributorId: c.contributorId,
            created: c.created,
            threadId: c.parent ? c.parent.threadId : c.id,
            visibility: c.visibility,
            status: 'PUBLISHED',
            ...(c.parent ? { parentId: c.parent.id, recipientId: c.parent.contributorId } : {}),
        };
        (v.comments ??= []).push(rec);
        this.recordOn(d, 'COMMENT_ADDED', c.created, c.contributorId, {
            versionId: v.id,
            comment: { id: rec.id, contributorId: rec.contributorId, created: rec.created, status: 'PUBLISHED', ...(rec.recipientId ? { recipientId: rec.recipientId } : {}) },
        });
        return rec;
    }
    addComment(input) {
        const d = this.doc(input.documentId);
        const v = input.versionId ? this.version(d, input.versionId) : this.latest(d);
        if (v.status !== 'ACTIVE')
            throw prohibitedState(`The version ${v.id} is not ACTIVE.`);
        if (typeof input.text !== 'string' || input.text.length < 1 || input.text.length > 2048)
            throw invalidArgument('Text must be 1-2048 characters.');
        const visibility = input.visibility ?? 'PUBLIC';
        if (visibility !== 'PUBLIC' && visibility !== 'PRIVATE')
            throw invalidArgument(`Invalid visibility: ${String(visibility)} (PUBLIC or PRIVATE).`);
        const parent = input.parentId !== undefined ? v.comments?.find((c) => c.id === input.parentId) : undefined;
        if (input.parentId !== undefined && !parent)
            throw notFound(input.parentId);
        const contributorId = input.contributor ? this.user(input.contributor).id : this.ownerOf(d.id);
        const id = this.newId('comment');
        this.makeComment(d, v, { id, text: input.text, contributorId, created: this.now(), visibility, parent });
        this.touch();
        return { commentId: id, versionId: v.id };
    }
    /** The comment stays in its thread with status DELETED and no text, so replies keep their parent. */
    deleteComment(documentId, versionId, commentId) {
        const d = this.doc(documentId);
        const v = this.version(d, versionId);
        const c = v.comments?.find((x) => x.id === commentId);
        if (!c || c.status === 'DELETED')
            throw notFound(commentId);
        c.status = 'DELETED';
        const t = this.now();
        this.recordOn(d, 'COMMENT_DELETED', t, c.contributorId, {
            versionId,
            comment: { id: c.id, contributorId: c.contributorId, created: c.created, status: 'DELETED', ...(c.recipientId ? { recipientId: c.recipientId } : {}) },
        });
        this.touch();
    }
    /** WorkDocs logs no activity for labels or custom metadata. */
    setLabels(id, labels) {
        const rec = this.resource(id);
        if (!Array.isArray(labels) || labels.length > 20 || labels.some((l) => typeof l !== 'string' || l.length < 1 || l.length > 32))
            throw invalidArgument('Labels must be at most 20 strings of 1-32 characters.');
        if (labels.length)
            rec.labels = [...labels];
        else
            delete rec.labels;
        this.touch();
    }
    setCustomMetadata(id, values, versionId) {
        const rec = this.resource(id);
        const target = versionId !== undefined ? this.version(this.doc(id), versionId) : rec;
        const entries = Object.entries(values ?? {});
        if (entries.length < 1 || entries.length > 8)
            throw invalidArgument('Custom metadata takes 1-8 keys per call.');
        const next = { ...target.customMetadata };
        for (const [k, v] of entries) {
            if (k.length < 1 || k.length > 128)
                throw invalidArgument(`Custom metadata key must be 1-128 characters: ${k}`);
            if (v === null)
                delete next[k];
            else if (typeof v !== 'string' || v.length < 1 || v.length > 256)
                throw invalidArgument(`Custom metadata value of ${k} must be 1-256 characters.`);
            else
                next[k] = v;
        }
        if (Object.keys(next).length)
            target.customMetadata = next;
        else
            delete target.customMetadata;
        this.touch();
    }
}

;// CONCATENATED MODULE: ./lib/emulator/generator.js
/**
 * Procedural content: a tree (one user) or a whole site (many users with shares, comments, versions, a recycle
 * bin), numbered and derived from a seed so any size is the same on every run. Ids come from a fast
 * non-cryptographic mix; content is generated on demand and never held, its MD5 computed when first asked.
 */



const EXTS = ['txt', 'csv', 'json', 'md', 'pdf', 'png', 'bin', 'docx'];
const generator_TYPES = EXTS.map((e) => contentTypeFor(`x.${e}`));
/** Id kinds of fastHexId: folders, documents, then one per version index. */
const KIND_FOLDER = 1;
const KIND_DOCUMENT = 2;
const KIND_VERSION = 3;
/** A document's size: fixed, or a deterministic log-uniform draw between the bounds. */
function sizer(opts, seedNum) {
    const minSize = Math.max(0, opts.minSize ?? 0);
    const maxSize = Math.max(minSize, opts.maxSize ?? 65536);
    return (j, v) => {
        if (opts.size !== undefined)
            return opts.size;
        const r = prng(mix32(seedNum ^ mix32(j * 31 + v)))();
        const lo = Math.log(minSize + 1);
        const hi = Math.log(maxSize + 1);
        return Math.min(maxSize, Math.max(minSize, Math.floor(Math.exp(lo + (hi - lo) * r) - 1)));
    };
}
/**
 * The same text as one flat string: a joined string is otherwise kept as its parts (about 180 bytes for a version
 * id instead of 100), which a site of 100,000 documents pays for every version.
 */
function flat(joined) {
    return Buffer.from(joined, 'latin1').toString('latin1');
}
function newFolder(id, name, parentId, ownerId, created) {
    return { id, name, parentId, ownerId, created, modified: created, state: 'ACTIVE', folders: new Set(), docs: new Set() };
}
/** Folders numbered from `first`, `fanout` per parent below `rootId`; returns the root followed by their ids. */
function addFolders(s, seedNum, rootId, owner, first, count, fanout) {
    const ids = [rootId];
    for (let k = 1; k <= count; k++) {
        const i = first + k;
        const id = fastHexId(seedNum, KIND_FOLDER, i);
        const parentId = ids[Math.floor((k - 1) / fanout)];
        const created = DEFAULT_BASE + i * 1000;
        s.folders.set(id, newFolder(id, `folder-${String(i).padStart(6, '0')}`, parentId, owner.id, created));
        s.folders.get(parentId).folders.add(id);
        s.record({ type: 'FOLDER_CREATED', time: created, resourceType: 'FOLDER', resourceId: id, name: `folder-${String(i).padStart(6, '0')}`, parentId, initiatorId: owner.id });
        ids.push(id);
    }
    return ids;
}
/** Document number `j` with `nVersions` versions, each its own generated bytes and Signature. */
function addDocument(s, seedNum, j, parentId, owner, nVersions, sizeOf) {
    const id = fastHexId(seedNum, KIND_DOCUMENT, j);
    const name = `doc-${String(j).padStart(7, '0')}.${EXTS[j % EXTS.length]}`;
    const created = DEFAULT_BASE + 20_000_000 + j * 1000;
    const versions = [];
    for (let v = 0; v < nVersions; v++) {
        const vc = created + v * 3_600_000;
        versions.push({
            id: flat(`${vc}-${fastHexId(seedNum, KIND_VERSION + v, j)}`),
            name,
            contentType: generator_TYPES[j % EXTS.length],
            content: new GeneratedContent(mix32(seedNum ^ Math.imul(j + 1, 0x9e3779b1)) ^ Math.imul(v, 0x85ebca6b), sizeOf(j, v)),
            status: 'ACTIVE',
            created: vc,
            modified: vc,
            creatorId: owner.id,
        });
    }
    const d = { id, parentId, creatorId: owner.id, created, modified: versions[versions.length - 1].modified, state: 'ACTIVE', versions };
    s.docs.set(id, d);
    s.folders.get(parentId).docs.add(id);
    for (const v of versions)
        s.recordUpload(d, v);
    return d;
}
function newStore(seedLabel, organizationId) {
    const s = new Store();
    s.seed = `gen:${String(seedLabel)}`;
    s.organizationId = organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
    return s;
}
/** One user's tree: `folders` folders (fanout per parent) and `documents` documents spread over them. */
function generateTree(opts) {
    const seedLabel = opts.seed ?? 1;
    const s = newStore(seedLabel, opts.organizationId);
    const user = s.makeUser({ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }, 0, DEFAULT_BASE);
    s.addUserRec(user);
    const nFolders = Math.max(0, Math.floor(opts.folders));
    const nDocs = Math.max(0, Math.floor(opts.documents));
    const nVersions = Math.max(1, Math.floor(opts.versions ?? 1));
    const seedNum = seedToNumber(seedLabel);
    const sizeOf = sizer(opts, seedNum);
    const rootId = hexId(s.seed, 'folder', 'root');
    s.folders.set(rootId, newFolder(rootId, 'Generated Root', null, user.id, DEFAULT_BASE));
    s.rootFolderId = rootId;
    user.rootFolderId = rootId;
    const folderIds = addFolders(s, seedNum, rootId, user, 0, nFolders, Math.max(1, Math.floor(opts.fanout ?? 10)));
    for (let j = 0; j < nDocs; j++) {
        addDocument(s, seedNum, j, nFolders === 0 ? rootId : folderIds[1 + (j % nFolders)], user, nVersions, sizeOf);
    }
    return s;
}
/**
 * A whole site: `users` users (the first an ADMIN; every `inactiveEvery`th INACTIVE, the one after it PENDING),
 * documents spread evenly over their trees, some with several versions, comment threads, labels and custom
 * metadata; top-level folders shared with the next user (every `shareEvery`th), every other user's second one
 * with a group, every fourth user's third one by link; some documents recycled.
 */
function generateSite(opts) {
    const seedLabel = opts.seed ?? 1;
    const s = newStore(seedLabel, opts.organizationId);
    const seedNum = seedToNumber(seedLabel);
    const sizeOf = sizer(opts, seedNum);
    const nUsers = Math.max(1, Math.floor(opts.users));
    const nDocs = Math.max(0, Math.floor(opts.documents));
    const inactiveEvery = Math.max(2, Math.floor(opts.inactiveEvery ?? 10));
    const versionsEvery = Math.max(1, Math.floor(opts.versionsEvery ?? 5));
    const nVersions = Math.max(1, Math.floor(opts.versions ?? 3));
    const shareEvery = Math.max(1, Math.floor(opts.shareEvery ?? 10));
    const commentEvery = Math.max(1, Math.floor(opts.commentEvery ?? 20));
    for (let i = 0; i < nUsers; i++) {
        const n = String(i).padStart(4, '0');
        const status = i > 0 && i % inactiveEvery === 0 ? 'INACTIVE' : i > 1 && i % inactiveEvery === 1 ? 'PENDING' : 'ACTIVE';
        const u = s.makeUser({ username: i === 0 ? 'admin' : `user-${n}`, givenName: i === 0 ? 'Admin' : 'User', surname: n, status, type: i === 0 ? 'ADMIN' : 'USER' }, i, DEFAULT_BASE);
        s.addUserRec(u);
    }
    const groupCount = Math.max(1, Math.floor(nUsers / 20));
    for (let g = 0; g < groupCount; g++) {
        s.groups.push({ id: `S-1-1-21-${hexId(s.seed, 'group', g).slice(0, 10)}`, name: `group-${g}`, memberIds: s.users.filter((_, i) => i % groupCount === g).map((u) => u.id) });
    }
    let folderNo = 0;
    let docNo = 0;
    s.users.forEach((user, i) => {
        const rootId = hexId(s.seed, 'root', i);
        s.folders.set(rootId, newFolder(rootId, user.username, null, user.id, DEFAULT_BASE));
        user.rootFolderId = rootId;
        if (i === 0)
            s.rootFolderId = rootId;
        const myDocs = Math.floor(nDocs / nUsers) + (i < nDocs % nUsers ? 1 : 0);
        const myFolders = opts.foldersPerUser !== undefined ? Math.max(0, Math.floor(opts.foldersPerUser)) : Math.ceil(myDocs / 10);
        const folderIds = addFolders(s, seedNum, rootId, user, folderNo, myFolders, 10);
        folderNo += myFolders;
        const next = s.users[(i + 1) % nUsers];
        for (let k = 0; k < myDocs; k++, docNo++) {
            const j = docNo;
            const parentId = myFolders === 0 ? rootId : folderIds[1 + (k % myFolders)];
            const d = addDocument(s, seedNum, j, parentId, user, j % versionsEvery === 0 ? nVersions : 1, sizeOf);
            if (j % 10 === 3) {
                d.labels = ['reviewed'];
                d.customMetadata = { project: `project-${j % 7}`, classification: j % 2 ? 'internal' : 'public' };
            }
            if (j % commentEvery === 1) {
                const v = d.versions[d.versions.length - 1];
                const thread = s.makeComment(d, v, { id: fastHexId(seedNum, 90, j), text: `Please review doc ${j}.`, contributorId: next.id, created: v.created + 60_000, visibility: 'PUBLIC', parent: undefined });
                s.makeComment(d, v, { id: fastHexId(seedNum, 91, j), text: 'Done.', contributorId: user.id, created: v.created + 120_000, visibility: j % 3 ? 'PUBLIC' : 'PRIVATE', parent: thread });
            }
            if (j % 50 === 7) {
                d.state = 'RECYCLED';
                d.modified += 86_400_000;
                s.putInBin(d);
                s.recordOn(d, 'RECYCLED', d.modified, user.id);
            }
        }
        // Shares are applied once the contents exist, so a folder's share reaches them as indirect activities.
        const top = [...s.folders.get(rootId).folders];
        top.forEach((fid, t) => {
            const f = s.folders.get(fid);
            const when = DEFAULT_BASE + 40_000_000_000 + (folderNo + t) * 1000;
            if (t % shareEvery === 0 && nUsers > 1)
                s.applyShare(f, { principalId: next.id, principalType: 'USER', role: 'CONTRIBUTOR' }, when);
            if (t === 1 && i % 2 === 0)
                s.applyShare(f, { principalId: s.groups[i % groupCount].id, principalType: 'GROUP', role: 'VIEWER' }, when);
            if (t === 2 && i % 4 === 0)
                s.applyShare(f, { principalId: 'anonymous', principalType: 'ANONYMOUS', role: 'VIEWER' }, when);
        });
    });
    return s;
}

;// CONCATENATED MODULE: ./lib/emulator/state.js
/**
 * The live state the three handlers share: the data model, counters, fault rules, URL lifetime and the
 * key that signs presigned content URLs. `resetState` swaps the store for a fresh load of the same source.
 */










function loadStore(opts) {
    if (opts.generateSite)
        return generateSite(opts.generateSite);
    if (opts.generate)
        return generateTree(opts.generate);
    const fx = opts.fixture ?? 'sample';
    if (fx === 'sample')
        return Store.fromFixture(sampleFixture);
    if (fx === 'site')
        return Store.fromFixture(siteFixture);
    if (typeof fx === 'string') {
        const path = (0,external_node_path_namespaceObject.resolve)(fx);
        const parsed = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8'));
        return Store.fromFixture(parsed, (0,external_node_path_namespaceObject.dirname)(path));
    }
    return Store.fromFixture(fx, opts.baseDir);
}
const COUNTED = [
    'GetFolder',
    'DescribeFolderContents',
    'GetDocument',
    'GetDocumentVersion',
    'DescribeDocumentVersions',
    'DescribeUsers',
    'DescribeGroups',
    'DescribeActivities',
    'DescribeResourcePermissions',
    'DescribeComments',
    'Content',
];
function emptyCounters() {
    return { operations: Object.fromEntries(COUNTED.map((o) => [o, 0])), contentBytes: 0, total: 0, authFailures: 0, faultsApplied: 0 };
}
class EmulatorState {
    options;
    store;
    urlTtlSeconds;
    counters = emptyCounters();
    faults;
    /** Set once the server listens. */
    endpoint = '';
    requestSeq = 0;
    urlKey;
    constructor(options) {
        this.options = options;
        this.store = loadStore(options);
        this.urlTtlSeconds = options.urlTtlSeconds ?? 900;
        this.faults = new FaultEngine(options.faultSeed ?? 1);
        this.urlKey = options.urlSigningKey ?? (0,external_node_crypto_namespaceObject.randomBytes)(32).toString('hex');
    }
    resetState() {
        this.store = loadStore(this.options);
        this.counters = emptyCounters();
        this.faults.clear();
        this.urlTtlSeconds = this.options.urlTtlSeconds ?? 900;
    }
    count(op) {
        this.counters.operations[op] = (this.counters.operations[op] ?? 0) + 1;
        this.counters.total++;
    }
    /** A request's number: seeds the PRNG its probabilistic body faults draw from. */
    nextRequest() {
        return ++this.requestSeq;
    }
    signUrl(docId, versionId, expires) {
        return (0,external_node_crypto_namespaceObject.createHmac)('sha256', this.urlKey).update(`${docId}\n${versionId}\n${expires}`).digest('hex');
    }
    /** Applies latency and decides error faults; body faults come back in `list` for the reply. */
    async applyFaults(op, ids) {
        const list = this.faults.match(op, ids);
        this.counters.faultsApplied += list.length;
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
    }
}

;// CONCATENATED MODULE: ./lib/emulator/handlers/control.js




function makeControl(state) {
    return {
        info: () => ({
            endpoint: state.endpoint,
            rootFolderId: state.store.rootFolderId,
            organizationId: state.store.organizationId,
            userId: state.store.primaryUser.id,
            folders: state.store.treeFolderCount,
            documents: state.store.docs.size,
            users: state.store.users.length,
            urlTtlSeconds: state.urlTtlSeconds,
        }),
        addFolder: (input) => state.store.addFolder(input),
        addDocument: (input) => state.store.addDocument(input),
        addVersion: (id, input) => state.store.addVersion(id, input),
        rename: (id, name) => state.store.rename(id, name),
        move: (id, parentId) => state.store.move(id, parentId),
        delete: (id, mode) => state.store.delete(id, mode ?? 'recycle'),
        restore: (id) => state.store.restore(id),
        lookup: (path, rootId) => state.store.lookup(path, rootId),
        manifest: (rootId) => state.store.manifest(rootId),
        readContent: async (documentId, versionId) => {
            const d = state.store.doc(documentId);
            return readAll((versionId ? state.store.version(d, versionId) : state.store.latest(d)).content);
        },
        counters: () => ({ ...state.counters, operations: { ...state.counters.operations } }),
        resetCounters: () => {
            state.counters = emptyCounters();
        },
        resetState: () => state.resetState(),
        setFaults: (rules, seed) => state.faults.set(rules, seed),
        addFault: (rule) => state.faults.add(rule),
        faults: () => state.faults.list(),
        clearFaults: () => state.faults.clear(),
        setUrlTtl: (seconds) => {
            if (!(typeof seconds === 'number' && seconds >= 0))
                throw invalidArgument('seconds must be a non-negative number');
            state.urlTtlSeconds = seconds;
        },
        advanceClock: (seconds) => {
            if (typeof seconds !== 'number' || Number.isNaN(seconds))
                throw invalidArgument('seconds must be a number');
            state.store.clockOffsetMs += seconds * 1000;
        },
        users: () => state.store.users.map((u) => state.store.userInfo(u)),
        addUser: (input) => state.store.addUser(input),
        setUserStatus: (userId, status) => state.store.setUserStatus(userId, status),
        removeUser: (userId) => state.store.removeUser(userId),
        share: (input) => state.store.share(input),
        unshare: (resourceId, principal) => state.store.unshare(resourceId, principal),
        addComment: (input) => state.store.addComment(input),
        deleteComment: (documentId, versionId, commentId) => state.store.deleteComment(documentId, versionId, commentId),
        setLabels: (id, labels) => state.store.setLabels(id, labels),
        setCustomMetadata: (id, values, versionId) => state.store.setCustomMetadata(id, values, versionId),
        setOwner: (id, userId) => state.store.setOwner(id, userId),
        deleteVersion: (documentId, versionId) => state.store.deleteVersion(documentId, versionId),
        revert: (documentId, versionId) => state.store.revert(documentId, versionId),
        checkOut: (documentId, user) => state.store.checkOut(documentId, user),
    };
}
const ok = { ok: true };
function str(body, k) {
    const v = body[k];
    if (typeof v !== 'string')
        throw invalidArgument(`Missing string field ${k}`);
    return v;
}
const ROUTES = {
    'GET health': () => ok,
    'GET info': (c) => c.info(),
    'GET counters': (c) => c.counters(),
    'POST counters/reset': (c) => (c.resetCounters(), c.counters()),
    'DELETE counters': (c) => (c.resetCounters(), c.counters()),
    'POST reset': (c) => (c.resetState(), c.info()),
    'POST folders': (c, r) => c.addFolder(r.body),
    'POST documents': (c, r) => c.addDocument(r.body),
    'POST rename': (c, r) => (c.rename(str(r.body, 'id'), str(r.body, 'name')), ok),
    'POST move': (c, r) => (c.move(str(r.body, 'id'), str(r.body, 'parentId')), ok),
    'POST delete': (c, r) => (c.delete(str(r.body, 'id'), r.body['mode'] === 'remove' ? 'remove' : 'recycle'), ok),
    'POST restore': (c, r) => (c.restore(str(r.body, 'id')), ok),
    'POST lookup': (c, r) => lookup(c, r.body['path'], optionalStr(r.body, 'rootId')),
    'GET lookup': (c, r) => lookup(c, JSON.parse(r.query['path'] ?? '[]'), r.query['rootId']),
    'GET manifest': (c, r) => c.manifest(r.query['rootId']),
    'GET users': (c) => c.users(),
    'POST users': (c, r) => c.addUser(r.body),
    'POST share': (c, r) => (c.share(r.body), ok),
    'POST unshare': (c, r) => (c.unshare(str(r.body, 'resourceId'), str(r.body, 'principal')), ok),
    'POST comments': (c, r) => c.addComment(r.body),
    'POST comments/delete': (c, r) => (c.deleteComment(str(r.body, 'documentId'), str(r.body, 'versionId'), str(r.body, 'commentId')), ok),
    'POST labels': (c, r) => (c.setLabels(str(r.body, 'id'), r.body['labels']), ok),
    'POST custom-metadata': (c, r) => (c.setCustomMetadata(str(r.body, 'id'), r.body['values'], optionalStr(r.body, 'versionId')), ok),
    'POST owner': (c, r) => (c.setOwner(str(r.body, 'id'), str(r.body, 'userId')), ok),
    'GET faults': (c) => c.faults(),
    'POST faults': (c, r) => {
        const b = r.body;
        const rules = Array.isArray(b) ? b : Array.isArray(r.body['rules']) ? r.body['rules'] : [b];
        return rules.map((rule) => c.addFault(rule));
    },
    'PUT faults': (c, r) => {
        const b = r.body;
        const rules = Array.isArray(b) ? b : (r.body['rules'] ?? []);
        return c.setFaults(rules, r.body['seed']);
    },
    'DELETE faults': (c) => (c.clearFaults(), []),
    'POST url-ttl': (c, r, state) => (c.setUrlTtl(r.body['seconds']), { urlTtlSeconds: state.urlTtlSeconds }),
    'POST clock': (c, r, state) => (c.advanceClock(r.body['advanceSeconds']), { offsetSeconds: state.store.clockOffsetMs / 1000 }),
};
/** Routes with an id in the path: `METHOD documents/{id}/versions` is keyed `METHOD documents/*\/versions`. */
const ID_ROUTES = {
    'POST documents/*/versions': (c, r, id) => c.addVersion(id, r.body),
    'DELETE documents/*/versions': (c, r, id) => (c.deleteVersion(id, str(r.body, 'versionId')), ok),
    'POST documents/*/revert': (c, r, id) => c.revert(id, str(r.body, 'versionId')),
    'POST documents/*/checkout': (c, r, id) => (c.checkOut(id, optionalStr(r.body, 'user')), ok),
    'POST users/*/status': (c, r, id) => (c.setUserStatus(id, str(r.body, 'status')), ok),
    'DELETE users/*': (c, _r, id) => (c.removeUser(id), ok),
};
function optionalStr(body, k) {
    const v = body[k];
    if (v !== undefined && typeof v !== 'string')
        throw invalidArgument(`Field ${k} must be a string`);
    return v;
}
function lookup(c, path, rootId) {
    if (!Array.isArray(path))
        throw invalidArgument('path must be an array of names');
    const id = c.lookup(path, rootId);
    if (!id)
        throw notFound(JSON.stringify(path));
    return { id };
}
async function handleControl(state, control, req, res, url) {
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const segs = url.path.split('/').slice(2).filter(Boolean).map(decodeSegment);
    const reply = (status, obj, headers = {}) => {
        const buf = Buffer.from(JSON.stringify(obj ?? null), 'utf8');
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, ...headers });
        res.end(buf);
    };
    try {
        let body = {};
        if (raw.length) {
            try {
                body = JSON.parse(raw.toString('utf8'));
            }
            catch {
                throw invalidArgument('Body must be JSON.');
            }
        }
        const r = { method, segs, query: parseQuery(url.query), body };
        const route = ROUTES[`${method} ${segs.join('/')}`];
        if (route)
            return reply(200, route(control, r, state));
        if (segs.length >= 2) {
            const withId = ID_ROUTES[`${method} ${[segs[0], '*', ...segs.slice(2)].join('/')}`];
            if (withId)
                return reply(200, withId(control, r, segs[1]));
        }
        throw new ServiceError(404, 'UnknownOperationException', `No control route ${method} /_emulator/${segs.join('/')}`);
    }
    catch (e) {
        const err = e instanceof ServiceError ? e : new ServiceError(400, 'InvalidArgumentException', e.message);
        reply(err.status, { __type: err.type, Message: err.message, ...err.extra }, { 'x-amzn-ErrorType': err.type });
    }
}

;// CONCATENATED MODULE: ./lib/emulator/server.js
/**
 * The WorkDocs emulator: a real HTTP server the unmodified AWS SDK cannot tell from the service.
 * Three handlers share one state: the API under /api/v1/ (SigV4), presigned content under /_content/,
 * the control API under /_emulator/.
 */







async function startEmulator(opts = {}) {
    const host = opts.host ?? '127.0.0.1';
    const state = new EmulatorState(opts);
    const control = makeControl(state);
    const server = (0,external_node_http_namespaceObject.createServer)({ keepAlive: true }, (req, res) => {
        const url = splitUrl(req.url ?? '/');
        const handled = url.path === '/_emulator' || url.path.startsWith('/_emulator/')
            ? handleControl(state, control, req, res, url)
            : url.path.startsWith('/_content/')
                ? handleContent(state, req, res, url)
                : handleApi(state, req, res, url);
        handled.catch((e) => {
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
    // Longer than the SDK's keep-alive so a pooled socket is never closed under a request in flight.
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
    state.endpoint = opts.publicEndpoint ?? `http://${urlHost}:${port}`;
    let closed;
    return {
        endpoint: state.endpoint,
        port,
        get rootFolderId() {
            return state.store.rootFolderId;
        },
        get organizationId() {
            return state.store.organizationId;
        },
        get userId() {
            return state.store.primaryUser.id;
        },
        control,
        get store() {
            return state.store;
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
  --fixture sample|site|PATH
                           bundled sample tree (default), bundled site (users, shares, comments, versions)
                           or a fixture JSON file
  --generate-users N       procedural whole site: N users sharing --generate-documents M documents
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
documents, documents/{id}/versions, rename, move, delete, restore, faults, url-ttl, clock, manifest, lookup,
users, share, unshare, comments, labels, custom-metadata, owner).
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
            'generate-users': { type: 'string' },
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
    const gu = num(values['generate-users'], 'generate-users');
    const size = num(values.size, 'size');
    const minSize = num(values['min-size'], 'min-size');
    const maxSize = num(values['max-size'], 'max-size');
    if (gu !== undefined) {
        if (gf !== undefined)
            throw new Error('--generate-users and --generate-folders do not go together: a site has its folders per user');
        opts.generateSite = {
            users: gu,
            documents: gd ?? 0,
            seed: values.seed ?? 1,
            ...(size !== undefined ? { size } : {}),
            ...(minSize !== undefined ? { minSize } : {}),
            ...(maxSize !== undefined ? { maxSize } : {}),
        };
    }
    else if (gf !== undefined || gd !== undefined) {
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

