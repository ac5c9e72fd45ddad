/**
 * SigV4 checks for service `workdocs`: header well-formedness always; full signature verification
 * when the emulator is configured with credentials.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ServiceError } from './errors.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const missing = (): ServiceError => new ServiceError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
const incomplete = (why: string): ServiceError => new ServiceError(403, 'IncompleteSignatureException', why);
const badSig = (): ServiceError =>
  new ServiceError(
    403,
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  );

/**
 * Throws a ServiceError when the request is not acceptably authenticated.
 * `rawUrl` is the request target as received (path + query, still percent-encoded).
 */
export function checkAuth(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  credentials: Credentials | undefined,
  allowUserToken: boolean,
): void {
  const auth = headers['authorization'];
  if (auth === undefined || auth === '') {
    const token = headers['authentication'];
    if (allowUserToken && typeof token === 'string' && token.trim() !== '') return;
    throw missing();
  }
  const m = AUTH_RE.exec(auth.trim());
  if (!m) throw incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters for AWS4-HMAC-SHA256. Authorization=${auth}`);
  const [, accessKeyId, date, region, service, signedHeadersStr, signature] = m as unknown as [string, string, string, string, string, string, string];
  if (service !== 'workdocs') throw incomplete(`Credential should be scoped to correct service: 'workdocs'.`);
  const amzDate = headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate)) throw incomplete('Authorization requires a valid X-Amz-Date header.');
  if (amzDate.slice(0, 8) !== date) throw incomplete('Date in Credential scope does not match YYYYMMDD from X-Amz-Date.');
  const signedHeaders = signedHeadersStr.split(';');
  if (!signedHeaders.includes('host')) throw incomplete("'Host' must be a signed header.");
  if (!credentials) return;

  if (accessKeyId !== credentials.accessKeyId) {
    throw new ServiceError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  // Canonical request.
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  // The signer escapes the (already encoded) path once more.
  const canonicalPath = escapeUri(rawPath.startsWith('/') ? rawPath : '/' + rawPath).replace(/%2F/g, '/');
  const pairs: Array<[string, string]> = [];
  if (rawQuery) {
    for (const part of rawQuery.split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const k = safeDecode(eq < 0 ? part : part.slice(0, eq));
      const v = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
      if (k.toLowerCase() === 'x-amz-signature') continue;
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
  const payloadHash =
    typeof payloadHeader === 'string' && payloadHeader !== '' ? payloadHeader : createHash('sha256').update(body).digest('hex');
  const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeadersStr, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key = createHmac('sha256', 'AWS4' + credentials.secretAccessKey).update(date).digest();
  key = createHmac('sha256', key).update(region).digest();
  key = createHmac('sha256', key).update(service).digest();
  key = createHmac('sha256', key).update('aws4_request').digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badSig();
}
