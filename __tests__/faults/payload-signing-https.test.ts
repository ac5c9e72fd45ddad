// Over HTTPS (as to AWS S3), through a TLS proxy in front of the real S3 server that records every request: a
// multipart part goes as UNSIGNED-PAYLOAD (TLS refuses bytes altered on the way; the engine still hashes the whole
// file against the version's Signature), a PUT as over HTTP, and the mirror is exact. Over plain HTTP parts keep
// their signed SHA-256 (payload-signing.test.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UNSIGNED_PAYLOAD } from '../../src/s3/client.js';
import { selfSignedCertificate, startFaultProxy, type FaultProxy, type ProxyRequestInfo } from '../../test-support/fault-proxy.js';
import { expectExactMirror, multipartUploadsLeft } from '../helpers/scenario.js';
import { FAULT_SIZES, faultScenarios } from './harness.js';

const PREFIX = 'mirror/';
let proxy: FaultProxy;
const setup = faultScenarios();

beforeAll(async () => {
  const certificate = selfSignedCertificate(mkdtempSync(path.join(tmpdir(), 'wds-tls-')));
  // This worker trusts the proxy's certificate as a user's machine trusts S3's (NODE_EXTRA_CA_CERTS does it at start-up).
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), certificate.cert]);
  proxy = await startFaultProxy({ upstream: inject('s3').endpoint, tls: certificate });
});
afterAll(async () => proxy?.close());

const header = (r: ProxyRequestInfo, name: string): string | undefined => r.headers[name] as string | undefined;
const documentsOf = (operation: string) => proxy.requests().filter((r) => r.operation === operation && r.key.startsWith(PREFIX) && !r.key.includes('.workdocs-s3-sync/'));

describe('payload signing over HTTPS', () => {
  it('multipart parts go UNSIGNED-PAYLOAD, PUTs carry Content-MD5 as over HTTP, and the mirror is exact', async () => {
    expect(proxy.endpoint).toMatch(/^https:/);
    const s = await setup('signing-https', true);
    const r = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', proxy.endpoint]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const parts = documentsOf('UploadPart');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect([part.key, header(part, 'x-amz-content-sha256')]).toEqual([part.key, UNSIGNED_PAYLOAD]);
    const puts = documentsOf('PutObject');
    expect(puts.length).toBeGreaterThan(0);
    for (const put of puts) {
      expect(header(put, 'x-amz-content-sha256'), put.key).toBe(UNSIGNED_PAYLOAD);
      expect(header(put, 'content-md5'), put.key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    }
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectExactMirror(s, PREFIX);
  });
});
