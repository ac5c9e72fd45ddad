/**
 * The control API: `EmulatorControl` in process, and the same calls as unsigned JSON under /_emulator/.
 * Tests and tools use it to change the tree, read what a correct mirror holds, count requests and inject faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readAll } from '../content.js';
import { invalidArgument, notFound, ServiceError } from '../errors.js';
import { decodeSegment, parseQuery, readBody, type RawUrl } from '../http-io.js';
import { emptyCounters, type EmulatorState } from '../state.js';
import type { EmulatorControl, EmulatorInfo, FaultRule, UserStatus } from '../types.js';

export function makeControl(state: EmulatorState): EmulatorControl {
  return {
    info: (): EmulatorInfo => ({
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
    setFaults: (rules: FaultRule[], seed?: number | string) => state.faults.set(rules, seed),
    addFault: (rule: FaultRule) => state.faults.add(rule),
    faults: () => state.faults.list(),
    clearFaults: () => state.faults.clear(),
    setUrlTtl: (seconds: number) => {
      if (!(typeof seconds === 'number' && seconds >= 0)) throw invalidArgument('seconds must be a non-negative number');
      state.urlTtlSeconds = seconds;
    },
    advanceClock: (seconds: number) => {
      if (typeof seconds !== 'number' || Number.isNaN(seconds)) throw invalidArgument('seconds must be a number');
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

/** One control request, parsed. */
interface ControlRequest {
  method: string;
  /** Path segments below /_emulator/, decoded. */
  segs: string[];
  query: Record<string, string>;
  body: Record<string, unknown>;
}

const ok = { ok: true };

function str(body: Record<string, unknown>, k: string): string {
  const v = body[k];
  if (typeof v !== 'string') throw invalidArgument(`Missing string field ${k}`);
  return v;
}

/** Routes keyed by `METHOD path`; a route answers the JSON to send. */
type ControlRoute = (control: EmulatorControl, r: ControlRequest, state: EmulatorState) => unknown;

const ROUTES: Record<string, ControlRoute> = {
  'GET health': () => ok,
  'GET info': (c) => c.info(),
  'GET counters': (c) => c.counters(),
  'POST counters/reset': (c) => (c.resetCounters(), c.counters()),
  'DELETE counters': (c) => (c.resetCounters(), c.counters()),
  'POST reset': (c) => (c.resetState(), c.info()),
  'POST folders': (c, r) => c.addFolder(r.body as never),
  'POST documents': (c, r) => c.addDocument(r.body as never),
  'POST rename': (c, r) => (c.rename(str(r.body, 'id'), str(r.body, 'name')), ok),
  'POST move': (c, r) => (c.move(str(r.body, 'id'), str(r.body, 'parentId')), ok),
  'POST delete': (c, r) => (c.delete(str(r.body, 'id'), r.body['mode'] === 'remove' ? 'remove' : 'recycle'), ok),
  'POST restore': (c, r) => (c.restore(str(r.body, 'id')), ok),
  'POST lookup': (c, r) => lookup(c, r.body['path'], optionalStr(r.body, 'rootId')),
  'GET lookup': (c, r) => lookup(c, JSON.parse(r.query['path'] ?? '[]') as unknown, r.query['rootId']),
  'GET manifest': (c, r) => c.manifest(r.query['rootId']),
  'GET users': (c) => c.users(),
  'POST users': (c, r) => c.addUser(r.body as never),
  'POST share': (c, r) => (c.share(r.body as never), ok),
  'POST unshare': (c, r) => (c.unshare(str(r.body, 'resourceId'), str(r.body, 'principal')), ok),
  'POST comments': (c, r) => c.addComment(r.body as never),
  'POST comments/delete': (c, r) => (c.deleteComment(str(r.body, 'documentId'), str(r.body, 'versionId'), str(r.body, 'commentId')), ok),
  'POST labels': (c, r) => (c.setLabels(str(r.body, 'id'), r.body['labels'] as string[]), ok),
  'POST custom-metadata': (c, r) => (c.setCustomMetadata(str(r.body, 'id'), r.body['values'] as Record<string, string | null>, optionalStr(r.body, 'versionId')), ok),
  'POST owner': (c, r) => (c.setOwner(str(r.body, 'id'), str(r.body, 'userId')), ok),
  'GET faults': (c) => c.faults(),
  'POST faults': (c, r) => {
    const b = r.body as unknown;
    const rules = Array.isArray(b) ? (b as FaultRule[]) : Array.isArray(r.body['rules']) ? (r.body['rules'] as FaultRule[]) : [b as FaultRule];
    return rules.map((rule) => c.addFault(rule));
  },
  'PUT faults': (c, r) => {
    const b = r.body as unknown;
    const rules = Array.isArray(b) ? (b as FaultRule[]) : ((r.body['rules'] as FaultRule[] | undefined) ?? []);
    return c.setFaults(rules, r.body['seed'] as number | string | undefined);
  },
  'DELETE faults': (c) => (c.clearFaults(), []),
  'POST url-ttl': (c, r, state) => (c.setUrlTtl(r.body['seconds'] as number), { urlTtlSeconds: state.urlTtlSeconds }),
  'POST clock': (c, r, state) => (c.advanceClock(r.body['advanceSeconds'] as number), { offsetSeconds: state.store.clockOffsetMs / 1000 }),
};

/** Routes with an id in the path: `METHOD documents/{id}/versions` is keyed `METHOD documents/*\/versions`. */
const ID_ROUTES: Record<string, (control: EmulatorControl, r: ControlRequest, id: string) => unknown> = {
  'POST documents/*/versions': (c, r, id) => c.addVersion(id, r.body as never),
  'DELETE documents/*/versions': (c, r, id) => (c.deleteVersion(id, str(r.body, 'versionId')), ok),
  'POST documents/*/revert': (c, r, id) => c.revert(id, str(r.body, 'versionId')),
  'POST documents/*/checkout': (c, r, id) => (c.checkOut(id, optionalStr(r.body, 'user')), ok),
  'POST users/*/status': (c, r, id) => (c.setUserStatus(id, str(r.body, 'status') as UserStatus), ok),
  'DELETE users/*': (c, _r, id) => (c.removeUser(id), ok),
};

function optionalStr(body: Record<string, unknown>, k: string): string | undefined {
  const v = body[k];
  if (v !== undefined && typeof v !== 'string') throw invalidArgument(`Field ${k} must be a string`);
  return v;
}

function lookup(c: EmulatorControl, path: unknown, rootId: string | undefined): { id: string } {
  if (!Array.isArray(path)) throw invalidArgument('path must be an array of names');
  const id = c.lookup(path as string[], rootId);
  if (!id) throw notFound(JSON.stringify(path));
  return { id };
}

export async function handleControl(state: EmulatorState, control: EmulatorControl, req: IncomingMessage, res: ServerResponse, url: RawUrl): Promise<void> {
  const raw = await readBody(req);
  const method = req.method ?? 'GET';
  const segs = url.path.split('/').slice(2).filter(Boolean).map(decodeSegment);
  const reply = (status: number, obj: unknown, headers: Record<string, string> = {}): void => {
    const buf = Buffer.from(JSON.stringify(obj ?? null), 'utf8');
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, ...headers });
    res.end(buf);
  };
  try {
    let body: Record<string, unknown> = {};
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw invalidArgument('Body must be JSON.');
      }
    }
    const r: ControlRequest = { method, segs, query: parseQuery(url.query), body };
    const route = ROUTES[`${method} ${segs.join('/')}`];
    if (route) return reply(200, route(control, r, state));
    if (segs.length >= 2) {
      const withId = ID_ROUTES[`${method} ${[segs[0], '*', ...segs.slice(2)].join('/')}`];
      if (withId) return reply(200, withId(control, r, segs[1]!));
    }
    throw new ServiceError(404, 'UnknownOperationException', `No control route ${method} /_emulator/${segs.join('/')}`);
  } catch (e) {
    const err = e instanceof ServiceError ? e : new ServiceError(400, 'InvalidArgumentException', (e as Error).message);
    reply(err.status, { __type: err.type, Message: err.message, ...err.extra }, { 'x-amzn-ErrorType': err.type });
  }
}
