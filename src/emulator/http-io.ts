/**
 * HTTP plumbing shared by the emulator's three handlers: query and body parsing, JSON and error replies,
 * and bodies sent with the fault plan applied (cut, corrupted or paced).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ServiceError } from './errors.js';
import type { FaultRuleState } from './types.js';
import { sleep } from './util.js';

/** The parts of a request URL, still percent-encoded. */
export interface RawUrl {
  url: string;
  path: string;
  query: string;
}

export function splitUrl(url: string): RawUrl {
  const qi = url.indexOf('?');
  return { url, path: qi < 0 ? url : url.slice(0, qi), query: qi < 0 ? '' : url.slice(qi + 1) };
}

/** First value wins for a repeated key, as the service reads query strings. */
export function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeSegment(eq < 0 ? part : part.slice(0, eq));
    const v = decodeSegment(eq < 0 ? '' : part.slice(eq + 1));
    if (!(k in out)) out[k] = v;
  }
  return out;
}

/** Percent-decoding that keeps a malformed escape as it is instead of failing the request. */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function readBody(req: IncomingMessage, max = 64 * 1024 * 1024): Promise<Buffer> {
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

/** What the body faults of one response do to it. */
export interface BodyPlan {
  cut?: { at: number; mode: 'reset' | 'truncate' };
  corrupt?: Set<number>;
  bytesPerSecond?: number;
}

export function planBody(faults: FaultRuleState[], total: number, rand: () => number): BodyPlan {
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
export async function sendBody(res: ServerResponse, chunks: AsyncIterable<Buffer>, total: number, plan: BodyPlan): Promise<number> {
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

/** A 200-style JSON reply of the API; body faults apply to it like to a download. */
export async function sendJson(res: ServerResponse, status: number, body: unknown, planFor: (length: number) => BodyPlan = () => ({})): Promise<void> {
  const buf = Buffer.from(JSON.stringify(body), 'utf8');
  const plan = planFor(buf.length);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': buf.length, 'x-amzn-RequestId': randomUUID() });
  await sendBody(
    res,
    (async function* () {
      yield buf;
    })(),
    buf.length,
    plan,
  );
}

/** A service error as restJson1 clients parse it: status, x-amzn-ErrorType and {"__type","Message"}. */
export function sendServiceError(res: ServerResponse, err: ServiceError): void {
  const buf = Buffer.from(JSON.stringify({ __type: err.type, Message: err.message, message: err.message, ...err.extra }), 'utf8');
  res.writeHead(err.status, {
    'Content-Type': 'application/json',
    'Content-Length': buf.length,
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': err.type,
  });
  res.end(buf);
}

/** An S3-style XML error: what a presigned download URL answers. */
export function sendXmlError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const esc = (s: string): string => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
