// Which request bodies SigV4 signs, on the wire to the real S3 server (through the fault proxy, which records every
// request's headers): a PUT that carries Content-MD5 goes as UNSIGNED-PAYLOAD, since S3 checks the MD5 already;
// a multipart part has no Content-MD5, so its SHA-256 stays signed. Damaged on the way, both are still refused.
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createS3Client, UNSIGNED_PAYLOAD } from '../../src/s3/client.js';
import { putChecked } from '../../src/s3/put.js';
import { IntegrityError } from '../../src/errors.js';
import type { ProxyRequestInfo } from '../../test-support/fault-proxy.js';
import { expectExactMirror, multipartUploadsLeft } from '../helpers/scenario.js';
import { expectTruthfulReport, FAULT_SIZES, proxiedFaultScenarios } from './harness.js';

const PREFIX = 'mirror/';
const faults = proxiedFaultScenarios();
const credentials = () => ({ accessKeyId: inject('s3').accessKeyId, secretAccessKey: inject('s3').secretAccessKey });

const header = (r: ProxyRequestInfo, name: string): string | undefined => r.headers[name] as string | undefined;
const signedHeaders = (r: ProxyRequestInfo): string[] => /SignedHeaders=([^,]+)/.exec(header(r, 'authorization') ?? '')?.[1]?.split(';') ?? [];
const documentsOf = (requests: ProxyRequestInfo[], operation: string) =>
  requests.filter((r) => r.operation === operation && r.key.startsWith(PREFIX) && !r.key.includes('.workdocs-s3-sync/'));

describe('payload signing of the engine\'s uploads', () => {
  it('every document PUT carries Content-MD5 as a signed header and UNSIGNED-PAYLOAD; every multipart part its signed SHA-256', async () => {
    const s = await faults.setup('signing', true);
    const r = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', faults.proxy.endpoint]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const requests = faults.proxy.requests();
    const puts = documentsOf(requests, 'PutObject');
    // In memory (a2.bin, b2.bin, the small texts) and streamed (big1.bin, big2.bin) alike.
    expect(puts.map((p) => p.key).sort()).toEqual(['A/AA/deep.txt', 'A/a1.txt', 'A/a2.bin', 'B/b1.txt', 'B/b2.bin', 'big1.bin', 'big2.bin', 'top.txt'].map((k) => PREFIX + k));
    for (const put of puts) {
      expect(header(put, 'x-amz-content-sha256'), put.key).toBe(UNSIGNED_PAYLOAD);
      expect(header(put, 'content-md5'), put.key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(signedHeaders(put), put.key).toEqual(expect.arrayContaining(['content-md5', 'x-amz-content-sha256']));
    }
    const parts = documentsOf(requests, 'UploadPart');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(header(part, 'x-amz-content-sha256')).toMatch(/^[0-9a-f]{64}$/);
      expect(header(part, 'content-md5')).toBeUndefined();
    }
    // The lock is an in-memory PUT with Content-MD5 too (the manifest streams, with Content-MD5 as well).
    const tool = requests.filter((q) => q.operation === 'PutObject' && q.key.includes('.workdocs-s3-sync/'));
    expect(tool.length).toBeGreaterThan(0);
    for (const put of tool) expect([put.key, header(put, 'x-amz-content-sha256')]).toEqual([put.key, UNSIGNED_PAYLOAD]);
    await expectExactMirror(s, PREFIX);
  });

  it('an unsigned in-memory PUT damaged on the way is refused (BadDigest) and sent again with its file; a damaged signed part is refused and resent', async () => {
    const s = await faults.setup('signing-damaged', true);
    const rules = [
      faults.proxy.addRule({ kind: 'corrupt', operation: 'PutObject', key: 'B/b2.bin', count: 1, afterBytes: 500_000 }),
      faults.proxy.addRule({ kind: 'corrupt', operation: 'UploadPart', key: 'huge.bin', count: 1, afterBytes: 4096 }),
    ];
    const r = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', faults.proxy.endpoint]);
    expect(rules.map((rule) => rule.applied)).toEqual([1, 1]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const b2 = documentsOf(faults.proxy.requests(), 'PutObject').filter((p) => p.key === `${PREFIX}B/b2.bin`);
    expect(b2.map((p) => header(p, 'x-amz-content-sha256'))).toEqual([UNSIGNED_PAYLOAD, UNSIGNED_PAYLOAD]);
    expect(r.log).toMatch(/upload attempt 1 failed "mirror\/B\/b2\.bin".*BadDigest.*; retrying/);
    expect(r.log).toMatch(/resend 1 after damage on the way: part \d+ of "mirror\/huge\.bin": BadDigest/);
    expectTruthfulReport(r);
    expect(r.report.totals.failed).toBe(0);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectExactMirror(s, PREFIX);
  });
});

describe('putChecked (the checked single PUT) as UNSIGNED-PAYLOAD', () => {
  const body = Buffer.from('the bytes of a small document, checked by their MD5 alone');
  const md5 = createHash('md5').update(body).digest('hex');
  const common = (bucket: string, Key: string) => ({ Bucket: bucket, Key, ContentType: 'text/plain', Metadata: {} });

  it('lands the bytes; a body damaged on the way is an IntegrityError (BadDigest) and leaves no object', async () => {
    const s = await faults.setup('signing-put');
    const s3 = createS3Client({ region: 'us-east-1', endpoint: faults.proxy.endpoint, credentials: credentials() });
    try {
      const etag = await putChecked({ s3 }, { ...common(s.bucket.bucket, 'direct/ok.txt'), Body: body, ContentLength: body.length }, md5, true);
      expect(etag).toEqual({ etag: md5 });
      const ok = faults.proxy.requests().find((q) => q.key === 'direct/ok.txt')!;
      expect(header(ok, 'x-amz-content-sha256')).toBe(UNSIGNED_PAYLOAD);
      const got = await s.bucket.client.send(new GetObjectCommand({ Bucket: s.bucket.bucket, Key: 'direct/ok.txt' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);

      faults.proxy.addRule({ kind: 'corrupt', operation: 'PutObject', key: 'direct/damaged.txt', count: 1, afterBytes: 5 });
      const refused = await putChecked({ s3 }, { ...common(s.bucket.bucket, 'direct/damaged.txt'), Body: body, ContentLength: body.length }, md5, true).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(IntegrityError);
      expect((refused as Error).message).toMatch(/BadDigest/);
      expect(((refused as Error).cause as { name?: string }).name).toBe('BadDigest');
      const head = await s.bucket.client.send(new HeadObjectCommand({ Bucket: s.bucket.bucket, Key: 'direct/damaged.txt' })).catch((e: unknown) => e);
      expect((head as { name?: string }).name).toBe('NotFound');
    } finally {
      s3.destroy();
    }
  });

  it('with signMd5CheckedPayloads the body\'s SHA-256 is signed as before', async () => {
    const s = await faults.setup('signing-signed');
    const s3 = createS3Client({ region: 'us-east-1', endpoint: faults.proxy.endpoint, credentials: credentials(), signMd5CheckedPayloads: true });
    try {
      await putChecked({ s3 }, { ...common(s.bucket.bucket, 'direct/signed.txt'), Body: body, ContentLength: body.length }, md5, true);
      const sent = faults.proxy.requests().find((q) => q.key === 'direct/signed.txt')!;
      expect(header(sent, 'x-amz-content-sha256')).toBe(createHash('sha256').update(body).digest('hex'));
      expect(header(sent, 'content-md5')).toBe(Buffer.from(md5, 'hex').toString('base64'));
    } finally {
      s3.destroy();
    }
  });
});
