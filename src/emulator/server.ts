/**
 * The WorkDocs emulator: a real HTTP server the unmodified AWS SDK cannot tell from the service.
 * API under /api/v1/ (SigV4), presigned content under /_content/, control API under /_emulator/.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { matchRoute, runOperation, type ApiContext } from './api.js';
import { readAll } from './content.js';
import { defaultErrorType, invalidArgument, notFound, ServiceError } from './errors.js';
import { FaultEngine } from './faults.js';
import { sampleFixture } from './fixtures/sample.js';
import { checkAuth, type Credentials } from './sigv4.js';
import { Store, type DocRec, type VersionRec } from './store.js';
import type {
  Counters,
  CountedOperation,
  EmulatorControl,
  EmulatorInfo,
  FaultRule,
  FaultRuleState,
  Fixture,
  GenerateOptions,
} from './types.js';
import { sleep } from './util.js';

export type { Credentials } from './sigv4.js';
export * from './types.js';

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A fixture object, `'sample'` (default), or a path to a fixture JSON file. */
  fixture?: Fixture | 'sample' | string;
  /** Resolves relative `contentFile`s of an in-memory fixture object. */
  baseDir?: string;
  /** A procedural tree instead of a fixture. */
  generate?: GenerateOptions;
  /** Presigned URL lifetime (default 900). */
  urlTtlSeconds?: number;
  /** When given, SigV4 signatures are verified fully; otherwise only their form is checked. */
  credentials?: Credentials;
  /** Seed of the fault PRNG (default 1). */
  faultSeed?: number | string;
  /** HMAC key for presigned URLs (default random per instance). */
  urlSigningKey?: string;
  /** Public endpoint used in URLs when the Host header is absent (default http://host:port). */
  publicEndpoint?: string;
}

export interface Emulator {
  endpoint: string;
  port: number;
  rootFolderId: string;
  organizationId: string;
  userId: string;
  control: EmulatorControl;
  /** The live data model (advanced use). */
  readonly store: Store;
  close(): Promise<void>;
}

function loadStore(opts: EmulatorOptions): Store {
  if (opts.generate) return Store.generate(opts.generate);
  const fx = opts.fixture ?? 'sample';
  if (fx === 'sample') return Store.fromFixture(sampleFixture);
  if (typeof fx === 'string') {
    const path = resolve(fx);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
    return Store.fromFixture(parsed, dirname(path));
  }
  return Store.fromFixture(fx, opts.baseDir);
}

function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = dec(eq < 0 ? part : part.slice(0, eq));
    const v = dec(eq < 0 ? '' : part.slice(eq + 1));
    if (!(k in out)) out[k] = v;
  }
  return out;
}

function dec(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage, max = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((res, rej) => {
    const parts: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= max) parts.push(c);
    });
    req.on('end', () => res(Buffer.concat(parts)));
    req.on('error', rej);
  });
}

/** Writes data respecting backpressure; resolves false when the connection went away. */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((r) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      r(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** Waits until everything written so far has been handed to the OS. */
function flush(res: ServerResponse): Promise<void> {
  return new Promise((r) => {
    if (res.destroyed) return r();
    res.write(Buffer.alloc(0), () => r());
  });
}

interface BodyPlan {
  cut?: { at: number; mode: 'reset' | 'truncate' };
  corrupt?: Set<number>;
  bytesPerSecond?: number;
}

function planBody(faults: FaultRuleState[], total: number, rand: () => number): BodyPlan {
  const plan: BodyPlan = {};
  for (const f of faults) {
    if ((f.kind === 'reset' || f.kind === 'truncate') && !plan.cut) {
      const at = Math.max(0, Math.min(total, f.afterBytes ?? Math.floor(total / 2)));
      plan.cut = { at, mode: f.kind };
    } else if (f.kind === 'corrupt' && total > 0) {
      const n = Math.max(1, Math.min(total, f.corruptBytes ?? 1));
      plan.corrupt ??= new Set();
      while (plan.corrupt.size < n) plan.corrupt.add(Math.floor(rand() * total));
    } else if (f.kind === 'slow' && f.bytesPerSecond && f.bytesPerSecond > 0) {
      plan.bytesPerSecond = f.bytesPerSecond;
    }
  }
  return plan;
}

/** Sends a body of `total` bytes from `chunks`, applying body faults. Returns bytes written. */
async function sendBody(res: ServerResponse, chunks: AsyncIterable<Buffer>, total: number, plan: BodyPlan): Promise<number> {
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
          chunk[pos - sent] = chunk[pos - sent]! ^ 0x5a;
        }
      }
    }
    let off = 0;
    while (off < chunk.length) {
      let piece = chunk.subarray(off);
      if (pace) piece = piece.subarray(0, Math.max(1, Math.floor(pace / 20)));
      if (sent + piece.length >= cutAt) piece = piece.subarray(0, cutAt - sent);
      if (piece.length > 0) {
        if (!(await write(res, piece))) return sent;
        sent += piece.length;
        off += piece.length;
      }
      if (sent >= cutAt) {
        await flush(res);
        await sleep(10);
        const sock = res.socket as Socket | null;
        if (plan.cut!.mode === 'reset') {
          if (sock && typeof sock.resetAndDestroy === 'function') sock.resetAndDestroy();
          else res.destroy();
        } else {
          sock?.end();
          res.destroy();
        }
        return sent;
      }
      if (pace) {
        const due = started + (sent / pace) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
    }
  }
  if (total === 0 && cutAt === 0 && plan.cut) {
    (res.socket as Socket | null)?.destroy();
    return 0;
  }
  res.end();
  return sent;
}

const OPS: CountedOperation[] = [
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

function emptyCounters(): Counters {
  return { operations: Object.fromEntries(OPS.map((o) => [o, 0])), contentBytes: 0, total: 0, authFailures: 0, faultsApplied: 0 };
}

function xmlError(code: string, message: string): string {
  const esc = (s: string): string => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  let store = loadStore(opts);
  let urlTtlSeconds = opts.urlTtlSeconds ?? 900;
  const faults = new FaultEngine(opts.faultSeed ?? 1);
  const urlKey = opts.urlSigningKey ?? randomBytes(32).toString('hex');
  let counters = emptyCounters();
  let requestSeq = 0;
  let endpoint = '';

  const signUrl = (docId: string, versionId: string, expires: number): string =>
    createHmac('sha256', urlKey).update(`${docId}\n${versionId}\n${expires}`).digest('hex');

  const count = (op: CountedOperation): void => {
    counters.operations[op] = (counters.operations[op] ?? 0) + 1;
    counters.total++;
  };

  const sendJson = async (res: ServerResponse, status: number, body: unknown, faultList: FaultRuleState[] = [], rand?: () => number): Promise<void> => {
    const buf = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': buf.length,
      'x-amzn-RequestId': randomUUID(),
    });
    const plan = planBody(faultList, buf.length, rand ?? Math.random);
    await sendBody(
      res,
      (async function* () {
        yield buf;
      })(),
      buf.length,
      plan,
    );
  };

  const sendError = (res: ServerResponse, err: ServiceError): Promise<void> => {
    const body = { __type: err.type, Message: err.message, message: err.message, ...err.extra };
    const buf = Buffer.from(JSON.stringify(body), 'utf8');
    res.writeHead(err.status, {
      'Content-Type': 'application/json',
      'Content-Length': buf.length,
      'x-amzn-RequestId': randomUUID(),
      'x-amzn-ErrorType': err.type,
    });
    res.end(buf);
    return Promise.resolve();
  };

  /** Applies latency and error faults; returns the error to send (if any) and the remaining body faults. */
  const applyFaults = async (op: CountedOperation, ids: string[]): Promise<{ error?: ServiceError; list: FaultRuleState[]; ttl?: number }> => {
    const list = faults.match(op, ids);
    counters.faultsApplied += list.length;
    let latency = 0;
    let error: ServiceError | undefined;
    let ttl: number | undefined;
    for (const f of list) {
      if (f.kind === 'latency') latency += f.latencyMs ?? 0;
      else if (f.kind === 'shortTtl') ttl = Math.min(ttl ?? Infinity, f.ttlSeconds ?? 1);
      else if (!error && f.kind === 'throttle') error = new ServiceError(f.status ?? 429, f.errorType ?? 'ThrottlingException', f.message ?? 'Rate exceeded');
      else if (!error && f.kind === 'error') {
        const status = f.status ?? 500;
        error = new ServiceError(status, f.errorType ?? defaultErrorType(status), f.message ?? `Injected fault (${status}).`);
      }
    }
    if (latency > 0) await sleep(latency);
    return { list, ...(error ? { error } : {}), ...(ttl !== undefined ? { ttl } : {}) };
  };

  const baseUrl = (req: IncomingMessage): string => (req.headers.host ? `http://${req.headers.host}` : (opts.publicEndpoint ?? endpoint));

  // ------------------------------------------------------------------ API
  const handleApi = async (req: IncomingMessage, res: ServerResponse, rawUrl: string, rawPath: string, rawQuery: string): Promise<void> => {
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
    } catch (e) {
      counters.authFailures++;
      await sendError(res, e as ServiceError);
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
    const ctx: ApiContext = {
      store,
      query: parseQuery(rawQuery),
      sigv4: !!req.headers.authorization,
      contentUrl: (d: DocRec, v: VersionRec) => {
        const expires = store.now() + Math.round(ttl * 1000);
        const sig = signUrl(d.id, v.id, expires);
        return `${origin}/_content/${encodeURIComponent(d.id)}/${encodeURIComponent(v.id)}?X-Emu-Expires=${expires}&X-Emu-Signature=${sig}`;
      },
    };
    let result: Record<string, unknown>;
    try {
      result = runOperation(route, ctx);
    } catch (e) {
      if (e instanceof ServiceError) return sendError(res, e);
      throw e;
    }
    await sendJson(res, 200, result, fr.list, faults.derived(seq));
  };

  // ------------------------------------------------------------------ content
  const handleContent = async (req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): Promise<void> => {
    await readBody(req);
    const segs = rawPath.split('/').slice(2).map(dec);
    const q = parseQuery(rawQuery);
    count('Content');
    const deny = (msg: string): void => {
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
    const [docId, versionId] = segs as [string, string];
    const expires = q['X-Emu-Expires'] ?? '';
    const sig = q['X-Emu-Signature'] ?? '';
    const expected = Buffer.from(signUrl(docId, versionId, Number(expires)), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
    if (!/^\d+$/.test(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
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
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(size, Number(m[2]) + 1);
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
    const headers: Record<string, string | number> = {
      'Content-Type': v.contentType,
      'Content-Length': len,
      'Accept-Ranges': 'bytes',
      'Last-Modified': new Date(v.modified).toUTCString(),
      ETag: `"${v.content.md5()}"`,
      'x-amz-request-id': randomUUID(),
    };
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const plan = planBody(fr.list, len, faults.derived(seq));
    const counted = (async function* () {
      for await (const c of v.content.chunks(start, end)) yield c;
    })();
    const sent = await sendBody(res, counted, len, plan);
    counters.contentBytes += sent;
  };

  // ------------------------------------------------------------------ control
  const control: EmulatorControl = {
    info: (): EmulatorInfo => ({
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
    setFaults: (rules: FaultRule[], seed?: number | string) => faults.set(rules, seed),
    addFault: (rule: FaultRule) => faults.add(rule),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    setUrlTtl: (seconds: number) => {
      if (!(typeof seconds === 'number' && seconds >= 0)) throw invalidArgument('seconds must be a non-negative number');
      urlTtlSeconds = seconds;
    },
    advanceClock: (seconds: number) => {
      if (typeof seconds !== 'number' || Number.isNaN(seconds)) throw invalidArgument('seconds must be a number');
      store.clockOffsetMs += seconds * 1000;
    },
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): Promise<void> => {
    const raw = await readBody(req);
    const segs = rawPath.split('/').slice(2).filter(Boolean).map(dec);
    const method = req.method ?? 'GET';
    const q = parseQuery(rawQuery);
    let body: Record<string, unknown> = {};
    const reply = (status: number, obj: unknown): void => {
      const buf = Buffer.from(JSON.stringify(obj ?? null), 'utf8');
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length });
      res.end(buf);
    };
    try {
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          throw invalidArgument('Body must be JSON.');
        }
      }
      const str = (k: string): string => {
        const v = body[k];
        if (typeof v !== 'string') throw invalidArgument(`Missing string field ${k}`);
        return v;
      };
      const key = `${method} ${segs.join('/')}`;
      const [s0, s1, s2] = segs;
      if (key === 'GET health') return reply(200, { ok: true });
      if (key === 'GET info') return reply(200, control.info());
      if (key === 'GET counters') return reply(200, control.counters());
      if (key === 'POST counters/reset' || key === 'DELETE counters') {
        control.resetCounters();
        return reply(200, control.counters());
      }
      if (key === 'POST reset') {
        control.resetState();
        return reply(200, control.info());
      }
      if (key === 'POST folders') return reply(200, control.addFolder(body as never));
      if (key === 'POST documents') return reply(200, control.addDocument(body as never));
      if (method === 'POST' && s0 === 'documents' && s1 && s2 === 'versions' && segs.length === 3) return reply(200, control.addVersion(s1, body as never));
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
        const path = method === 'GET' ? (JSON.parse(q['path'] ?? '[]') as string[]) : (body['path'] as string[]);
        if (!Array.isArray(path)) throw invalidArgument('path must be an array of names');
        const id = control.lookup(path);
        if (!id) throw notFound(JSON.stringify(path));
        return reply(200, { id });
      }
      if (key === 'GET manifest') return reply(200, control.manifest());
      if (key === 'GET faults') return reply(200, control.faults());
      if (key === 'POST faults') {
        const rules = Array.isArray(body) ? (body as FaultRule[]) : Array.isArray(body['rules']) ? (body['rules'] as FaultRule[]) : [body as unknown as FaultRule];
        return reply(200, rules.map((r) => control.addFault(r)));
      }
      if (key === 'PUT faults') {
        const rules = Array.isArray(body) ? (body as FaultRule[]) : ((body['rules'] as FaultRule[] | undefined) ?? []);
        return reply(200, control.setFaults(rules, body['seed'] as number | string | undefined));
      }
      if (key === 'DELETE faults') {
        control.clearFaults();
        return reply(200, []);
      }
      if (key === 'POST url-ttl') {
        control.setUrlTtl(body['seconds'] as number);
        return reply(200, { urlTtlSeconds });
      }
      if (key === 'POST clock') {
        control.advanceClock(body['advanceSeconds'] as number);
        return reply(200, { offsetSeconds: store.clockOffsetMs / 1000 });
      }
      throw new ServiceError(404, 'UnknownOperationException', `No control route ${method} /_emulator/${segs.join('/')}`);
    } catch (e) {
      const err = e instanceof ServiceError ? e : new ServiceError(400, 'InvalidArgumentException', (e as Error).message);
      res.writeHead(err.status, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': err.type });
      res.end(JSON.stringify({ __type: err.type, Message: err.message, ...err.extra }));
    }
  };

  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    const rawUrl = req.url ?? '/';
    const qi = rawUrl.indexOf('?');
    const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    let p: Promise<void>;
    if (rawPath === '/_emulator' || rawPath.startsWith('/_emulator/')) p = handleControl(req, res, rawPath, rawQuery);
    else if (rawPath.startsWith('/_content/')) p = handleContent(req, res, rawPath, rawQuery);
    else p = handleApi(req, res, rawUrl, rawPath, rawQuery);
    p.catch((e: unknown) => {
      if (!res.headersSent) {
        const msg = e instanceof Error ? e.message : String(e);
        res.writeHead(500, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InternalFailure' });
        res.end(JSON.stringify({ __type: 'InternalFailure', Message: msg }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  endpoint = opts.publicEndpoint ?? `http://${urlHost}:${port}`;

  let closed: Promise<void> | undefined;
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
    close: () =>
      (closed ??= new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      })),
  };
}
