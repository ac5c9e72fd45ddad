/**
 * Presigned downloads under /_content/{documentId}/{versionId}: HMAC-checked, expiring, Range-aware, with the
 * S3-style XML errors a real presigned URL answers, and body faults applied.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeSegment, parseQuery, planBody, readBody, sendBody, sendXmlError, type RawUrl } from '../http-io.js';
import type { EmulatorState } from '../state.js';

const noSuchKey = (res: ServerResponse): void => sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');

export async function handleContent(state: EmulatorState, req: IncomingMessage, res: ServerResponse, url: RawUrl): Promise<void> {
  await readBody(req);
  const segs = url.path.split('/').slice(2).map(decodeSegment);
  const q = parseQuery(url.query);
  state.count('Content');
  if (segs.length !== 2 || (req.method !== 'GET' && req.method !== 'HEAD')) return noSuchKey(res);
  const [docId, versionId] = segs as [string, string];
  const expires = q['X-Emu-Expires'] ?? '';
  const sig = q['X-Emu-Signature'] ?? '';
  const expected = Buffer.from(state.signUrl(docId, versionId, Number(expires)), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : '', 'hex');
  if (!/^\d+$/.test(expires) || given.length !== expected.length || !timingSafeEqual(given, expected))
    return sendXmlError(res, 403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.');
  const store = state.store;
  if (store.now() > Number(expires)) return sendXmlError(res, 403, 'AccessDenied', 'Request has expired');
  const d = store.docs.get(docId);
  const v = d?.versions.find((x) => x.id === versionId);
  if (!d || !v || v.status !== 'ACTIVE') return noSuchKey(res);
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
      } else {
        start = Number(m[1]);
        if (m[2] !== '') end = Math.min(size, Number(m[2]) + 1);
      }
      if (start >= size || (m[1] !== '' && m[2] !== '' && Number(m[2]) < start) || (m[1] === '' && Number(m[2]) === 0))
        return sendXmlError(res, 416, 'InvalidRange', 'The requested range is not satisfiable', { 'Content-Range': `bytes */${size}` });
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
  const sent = await sendBody(res, v.content.chunks(start, end), len, planBody(faults.list, len, state.faults.derived(seq)));
  state.counters.contentBytes += sent;
}
