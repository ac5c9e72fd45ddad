/**
 * A small fault-injecting HTTP proxy for tests: it sits in front of an S3-compatible server (or any HTTP
 * server) on 127.0.0.1 and forwards requests unchanged, Host header included, so SigV4 signatures made for
 * the proxy's address still verify upstream. Rules, matched by method, path and query, answer S3 errors
 * (503 SlowDown, 500, 403 AccessDenied ...), reset the connection part-way through a request or after the
 * upstream already acted on it, delay requests, or stall them (for killing a client mid-request).
 * Every request is recorded with the S3 operation it is, and every rule counts its matches.
 */
import { prng } from '../src/emulator/util.js';
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { Transform } from 'node:stream';

export type ProxyFaultKind =
  /** Answer `status` (default 503) with an S3 XML error `code` (default SlowDown) without forwarding. */
  | 'error'
  /** Read `afterBytes` of the request body (default: none), then reset the client connection; nothing is forwarded. */
  | 'reset'
  /** Forward the request; once upstream answered (and acted), reset the client connection instead of answering. */
  | 'resetAfterForward'
  /** Wait `latencyMs`, then go on with the next matching rule or forward. */
  | 'latency'
  /** Forward headers and the first `afterBytes` body bytes upstream, then stop until the client goes away (or `release()`). */
  | 'stall'
  /**
   * Forward, then answer with another (plain MD5) ETag than upstream's: the client sees a server that stored
   * other bytes than it sent, as one that ignores Content-MD5 would.
   */
  | 'alterEtag'
  /**
   * Forward with one byte of the request body flipped, the one at `afterBytes` (default 0): bytes damaged on the
   * way, which the server must refuse (BadDigest, or a SHA-256 mismatch for a signed payload).
   */
  | 'corrupt'
  /**
   * Forward, then answer as a bucket whose default encryption is SSE-KMS would: every object's ETag (in the
   * ETag header, and in ListObjectsV2, CopyObject and CompleteMultipartUpload bodies) is another 32-hex value that
   * is not the MD5 of its bytes (the same one for the same object each time), and writes and reads say
   * `x-amz-server-side-encryption: aws:kms`. UploadPart(Copy) answers are left alone: the client sends them back.
   */
  | 'kmsEtags';

export interface ProxyRequestInfo {
  readonly seq: number;
  readonly method: string;
  /** Raw path, without the query. */
  readonly path: string;
  /** Decoded query parameters (keys present without value map to ''). */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** S3 operation by method and query: PutObject, UploadPart, DeleteObjects, ListObjectsV2, ... */
  readonly operation: string;
  /** Path-style bucket and key. */
  readonly bucket: string;
  readonly key: string;
}

export interface ProxyRule {
  id?: string;
  kind: ProxyFaultKind;
  /** Methods to match (any when omitted). */
  method?: string | readonly string[];
  /** S3 operations to match, e.g. 'UploadPart' (any when omitted). */
  operation?: string | readonly string[];
  /** Substring of, or pattern on, the decoded key. */
  key?: string | RegExp;
  /** Only requests for this bucket. */
  bucket?: string;
  /** Query parameters that must be present. */
  query?: readonly string[];
  /** Any further condition. */
  when?: (request: ProxyRequestInfo) => boolean;
  /** Apply to the first N matching requests only. */
  count?: number;
  /** Skip the first N matching requests before applying. */
  skip?: number;
  /** Apply with this probability (seeded). Default 1. */
  probability?: number;
  status?: number;
  code?: string;
  message?: string;
  latencyMs?: number;
  afterBytes?: number;
  /** alterEtag: headers added to the answer too (e.g. `x-amz-server-side-encryption: aws:kms`). */
  responseHeaders?: Readonly<Record<string, string>>;
}

export interface ProxyRuleState extends ProxyRule {
  readonly id: string;
  matched: number;
  applied: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:port (https:// with `tls`) */
  readonly endpoint: string;
  readonly port: number;
  addRule(rule: ProxyRule): ProxyRuleState;
  removeRule(id: string): void;
  clearRules(): void;
  rules(): ProxyRuleState[];
  /** Every request seen since the last reset, in arrival order. */
  requests(): ProxyRequestInfo[];
  /** Requests per operation since the last reset. */
  counts(): Record<string, number>;
  reset(): void;
  /** Resolves with the first request (already seen or future) that matches. */
  waitFor(predicate: (request: ProxyRequestInfo, rule: ProxyRuleState | undefined) => boolean, timeoutMs?: number): Promise<ProxyRequestInfo>;
  /** Lets every stalled request go on (forwarding the rest of its body). */
  release(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. http://127.0.0.1:9380 */
  readonly upstream: string;
  readonly seed?: number;
  /** Listen with TLS (PEM key and certificate, e.g. selfSignedCertificate()): the client talks HTTPS, as to AWS. */
  readonly tls?: { readonly key: string; readonly cert: string };
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command line (Debian's, on every
 * machine here). A client trusts it through NODE_EXTRA_CA_CERTS (the file `certFile`) or an agent's `ca`.
 */
export function selfSignedCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'proxy-key.pem');
  const certFile = path.join(dir, 'proxy-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** Classifies a path-style S3 request. */
export function s3Operation(method: string, path: string, query: Readonly<Record<string, string>>, headers: Readonly<Record<string, string | string[] | undefined>>): { operation: string; bucket: string; key: string } {
  const parts = path.replace(/^\//, '').split('/');
  const bucket = safeDecode(parts[0] ?? '');
  const key = safeDecode(parts.slice(1).join('/'));
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(query, name);
  const m = method.toUpperCase();
  let operation = `${m} ?`;
  if (key === '') {
    if (m === 'GET' && has('uploads')) operation = 'ListMultipartUploads';
    else if (m === 'GET' && has('list-type')) operation = 'ListObjectsV2';
    else if (m === 'GET' && has('location')) operation = 'GetBucketLocation';
    else if (m === 'GET') operation = 'ListObjects';
    else if (m === 'POST' && has('delete')) operation = 'DeleteObjects';
    else if (m === 'HEAD') operation = 'HeadBucket';
    else if (m === 'PUT') operation = 'CreateBucket';
    else if (m === 'DELETE') operation = 'DeleteBucket';
  } else if (m === 'PUT' && has('partNumber') && has('uploadId')) operation = headers['x-amz-copy-source'] ? 'UploadPartCopy' : 'UploadPart';
  else if (m === 'PUT') operation = headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
  else if (m === 'POST' && has('uploads')) operation = 'CreateMultipartUpload';
  else if (m === 'POST' && has('uploadId')) operation = 'CompleteMultipartUpload';
  else if (m === 'DELETE' && has('uploadId')) operation = 'AbortMultipartUpload';
  else if (m === 'DELETE') operation = 'DeleteObject';
  else if (m === 'GET' && has('uploadId')) operation = 'ListParts';
  else if (m === 'GET') operation = 'GetObject';
  else if (m === 'HEAD') operation = 'HeadObject';
  return { operation, bucket, key };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    out[name] = eq === -1 ? '' : safeDecode(part.slice(eq + 1).replace(/\+/g, ' '));
  }
  return out;
}

/** Passes bytes through with the one at `offset` inverted. */
function flippingByteAt(offset: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (offset >= seen && offset < seen + chunk.length) {
        chunk = Buffer.from(chunk); // the request's own buffer is not ours to change
        chunk[offset - seen] = chunk[offset - seen]! ^ 0xff;
      }
      seen += chunk.length;
      done(null, chunk);
    },
  });
}

/** The ETag an SSE-KMS bucket would show for an object whose plain ETag is `etag`: not its MD5, but stable. */
export function kmsEtag(etag: string): string {
  const [hex, parts] = etag.replace(/"/g, '').split('-');
  return `${createHash('md5').update(`kms ${hex}`).digest('hex')}${parts !== undefined ? `-${parts}` : ''}`;
}

/** Answers `upRes` as an SSE-KMS bucket would (see the `kmsEtags` fault): ETags replaced, the encryption named. */
function answerAsKms(upRes: IncomingMessage, headers: http.OutgoingHttpHeaders, res: ServerResponse): void {
  if (typeof headers.etag === 'string') headers.etag = `"${kmsEtag(headers.etag)}"`;
  const status = upRes.statusCode ?? 502;
  if (status < 300) headers['x-amz-server-side-encryption'] = 'aws:kms';
  if (!String(headers['content-type'] ?? '').includes('xml')) {
    res.writeHead(status, headers);
    upRes.pipe(res);
    return;
  }
  const chunks: Buffer[] = [];
  upRes.on('data', (chunk: Buffer) => chunks.push(chunk));
  upRes.on('error', () => res.destroy());
  upRes.on('end', () => {
    const xml = Buffer.concat(chunks).toString('utf8')
      .replace(/<ETag>(&quot;|")?([0-9a-fA-F]{32}(?:-\d+)?)(&quot;|")?<\/ETag>/g, (_, open: string | undefined, etag: string, close: string | undefined) => `<ETag>${open ?? ''}${kmsEtag(etag)}${close ?? ''}</ETag>`);
    delete headers['transfer-encoding'];
    headers['content-length'] = Buffer.byteLength(xml);
    res.writeHead(status, headers);
    res.end(xml);
  });
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
  ServiceUnavailable: 'Service is unable to handle request.',
  AccessDenied: 'Access Denied',
  NoSuchBucket: 'The specified bucket does not exist',
};

function defaultCode(status: number): string {
  if (status === 503) return 'SlowDown';
  if (status === 500) return 'InternalError';
  if (status === 403) return 'AccessDenied';
  if (status === 404) return 'NoSuchBucket';
  return 'InternalError';
}


export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const rand = prng(options.seed ?? 1);
  let rules: ProxyRuleState[] = [];
  let seen: ProxyRequestInfo[] = [];
  let seq = 0;
  let nextRule = 1;
  const sockets = new Set<Socket>();
  const stalled = new Set<() => void>();

  const matches = (rule: ProxyRuleState, info: ProxyRequestInfo): boolean => {
    const list = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T]);
    const methods = list(rule.method);
    if (methods && !methods.map((m) => m.toUpperCase()).includes(info.method)) return false;
    const operations = list(rule.operation);
    if (operations && !operations.includes(info.operation)) return false;
    if (rule.bucket !== undefined && rule.bucket !== info.bucket) return false;
    if (rule.key !== undefined && !(typeof rule.key === 'string' ? info.key.includes(rule.key) : rule.key.test(info.key))) return false;
    if (rule.query && !rule.query.every((q) => Object.prototype.hasOwnProperty.call(info.query, q))) return false;
    if (rule.when && !rule.when(info)) return false;
    return true;
  };

  /** The rules that apply to this request, in order, with their counters updated. */
  const select = (info: ProxyRequestInfo): ProxyRuleState[] => {
    const out: ProxyRuleState[] = [];
    for (const rule of rules) {
      if (!matches(rule, info)) continue;
      rule.matched++;
      if (rule.skip !== undefined && rule.matched <= rule.skip) continue;
      if (rule.count !== undefined && rule.applied >= rule.count) continue;
      if (rule.probability !== undefined && rule.probability < 1 && rand() >= rule.probability) continue;
      rule.applied++;
      out.push(rule);
    }
    return out;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = parseQuery(q === -1 ? '' : rawUrl.slice(q + 1));
    const method = (req.method ?? 'GET').toUpperCase();
    const { operation, bucket, key } = s3Operation(method, path, query, req.headers);
    const info: ProxyRequestInfo = { seq: ++seq, method, path, query, headers: { ...req.headers }, operation, bucket, key };
    seen.push(info);
    const applied = select(info);
    events.emit('request', info, applied);

    let resetAfterForward = false;
    let alterEtag: ProxyRule | undefined;
    let stallAfter: number | undefined;
    let corruptAt: number | undefined;
    let kms = false;
    for (const rule of applied) {
      if (rule.kind === 'latency') {
        await new Promise((r) => setTimeout(r, rule.latencyMs ?? 1000));
        continue;
      }
      if (rule.kind === 'error') {
        const status = rule.status ?? 503;
        const code = rule.code ?? defaultCode(status);
        const body = method === 'HEAD' ? '' : xmlError(code, rule.message ?? DEFAULT_MESSAGES[code] ?? code);
        req.resume();
        res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), 'x-amz-request-id': randomUUID(), ...(status === 503 ? { 'Retry-After': '0' } : {}) });
        res.end(body);
        return;
      }
      if (rule.kind === 'reset') {
        const after = rule.afterBytes ?? 0;
        if (after <= 0) {
          req.socket.destroy();
          return;
        }
        let got = 0;
        await new Promise<void>((resolve) => {
          const done = (): void => {
            req.socket.destroy();
            resolve();
          };
          req.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (got >= after) done();
          });
          req.on('end', done);
          req.on('close', () => resolve());
        });
        return;
      }
      if (rule.kind === 'resetAfterForward') resetAfterForward = true;
      if (rule.kind === 'alterEtag') alterEtag = rule;
      if (rule.kind === 'stall') stallAfter = rule.afterBytes ?? 0;
      if (rule.kind === 'corrupt') corruptAt = rule.afterBytes ?? 0;
      if (rule.kind === 'kmsEtags' && info.operation !== 'UploadPart' && info.operation !== 'UploadPartCopy') kms = true;
    }
    forward(req, res, resetAfterForward, stallAfter, alterEtag, corruptAt, kms);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, resetAfterForward: boolean, stallAfter: number | undefined, alterEtag?: ProxyRule, corruptAt?: number, kms = false): void => {
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    const up = http.request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers, // Host stays the proxy's: the signature covers it
      agent,
    }, (upRes) => {
      if (resetAfterForward) {
        upRes.resume();
        upRes.on('end', () => req.socket.destroy());
        return;
      }
      const outHeaders = { ...upRes.headers };
      delete outHeaders.connection;
      delete outHeaders['keep-alive'];
      if (alterEtag && typeof outHeaders.etag === 'string') {
        outHeaders.etag = `"${createHash('md5').update(`altered ${outHeaders.etag}`).digest('hex')}"`;
        Object.assign(outHeaders, alterEtag.responseHeaders ?? {});
      }
      if (kms) {
        answerAsKms(upRes, outHeaders, res);
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, outHeaders);
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', () => {
      if (!res.headersSent) {
        const body = xmlError('ServiceUnavailable', 'proxy: upstream failed');
        res.writeHead(503, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else res.destroy();
    });
    // The client went away before its request was complete: the upstream must not get a whole request.
    req.on('close', () => {
      if (!req.complete) up.destroy();
    });
    if (corruptAt !== undefined) {
      req.pipe(flippingByteAt(corruptAt)).pipe(up);
      return;
    }
    if (stallAfter === undefined) {
      req.pipe(up);
      return;
    }
    let sent = 0;
    let paused = false;
    const resume = (): void => {
      stalled.delete(resume);
      paused = false;
      req.pipe(up);
      req.resume();
    };
    req.on('data', (chunk: Buffer) => {
      if (paused) return;
      const room = stallAfter - sent;
      if (room > 0) up.write(room >= chunk.length ? chunk : chunk.subarray(0, room));
      sent += Math.min(room, chunk.length);
      if (sent >= stallAfter) {
        paused = true;
        req.pause();
        req.removeAllListeners('data');
        stalled.add(resume);
        events.emit('stalled');
      }
    });
    req.on('end', () => {
      if (!paused) up.end();
    });
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => req.socket.destroy());
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 5000;
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const counts = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of seen) out[r.operation] = (out[r.operation] ?? 0) + 1;
    return out;
  };

  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    addRule(rule) {
      const state: ProxyRuleState = { ...rule, id: rule.id ?? `rule-${nextRule++}`, matched: 0, applied: 0 };
      rules.push(state);
      return state;
    },
    removeRule(id) {
      rules = rules.filter((r) => r.id !== id);
    },
    clearRules() {
      rules = [];
    },
    rules: () => rules,
    requests: () => [...seen],
    counts,
    reset() {
      seen = [];
    },
    waitFor(predicate, timeoutMs = 30_000) {
      for (const r of seen) if (predicate(r, undefined)) return Promise.resolve(r);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('request', listener);
          reject(new Error(`fault proxy: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (info: ProxyRequestInfo, applied: ProxyRuleState[]): void => {
          if (!predicate(info, applied[0]) && !applied.some((rule) => predicate(info, rule))) return;
          clearTimeout(timer);
          events.off('request', listener);
          resolve(info);
        };
        events.on('request', listener);
      });
    },
    release() {
      for (const resume of [...stalled]) resume();
    },
    async close() {
      for (const resume of [...stalled]) stalled.delete(resume);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
