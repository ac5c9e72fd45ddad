// Destination options on the wire (issue 20): whole runs against the emulator and the real S3 server, through a
// recording proxy, show which request carries which header. The S3 server here (Swift's s3api) ignores
// ExpectedBucketOwner and implements neither storage classes other than STANDARD, nor object tags, nor SSE: runs with
// those fail on it, item by item or at the lock, and leave nothing half-written. What AWS does with the headers is
// AWS's; what this shows is that every write asks for them as S3 expects.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import { startFaultProxy, type FaultProxy, type ProxyRequestInfo } from '../../test-support/fault-proxy.js';
import { listAllKeys } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, startScenario, type Scenario } from '../helpers/scenario.js';

const MiB = 1024 * 1024;
const OWNER = '123456789012';
const TOOL_AREA = /(^|\/)\.workdocs-s3-sync\//;
/** part_size 5 MiB, threshold 5 MiB: big.bin (6 MiB) goes multipart, the rest in one PUT each. */
const SIZES = ['--part_size_mb', '5', '--multipart_threshold_mb', '5'];

function tree(): Fixture {
  return {
    seed: 'destination',
    root: {
      name: 'Root',
      children: [
        { name: 'Docs', children: [{ name: 'a.txt', content: 'alpha' }, { name: 'Empty', children: [] }] },
        { name: 'b.txt', content: 'bravo' },
        { name: 'big.bin', generate: { seed: 7, size: 6 * MiB } },
      ],
    },
  };
}

const header = (request: ProxyRequestInfo, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};
const isDocumentWrite = (r: ProxyRequestInfo): boolean =>
  ['PutObject', 'CreateMultipartUpload', 'CopyObject'].includes(r.operation) && !TOOL_AREA.test(r.key);
const isToolWrite = (r: ProxyRequestInfo): boolean => r.operation === 'PutObject' && TOOL_AREA.test(r.key);

describe('destination options: what each request carries', () => {
  let scn: Scenario;
  let proxy: FaultProxy;
  const run = (args: string[]): ReturnType<Scenario['run']> => scn.run(['--s3_endpoint_url', proxy.endpoint, ...SIZES, ...args]);

  beforeAll(async () => {
    scn = await startScenario({ fixture: tree() }, 'destination');
    proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
  });
  afterAll(async () => {
    await proxy?.close();
    await scn?.close();
  });

  it('by default no request carries a storage class, tags, encryption or an owner: the bucket\'s defaults apply', async () => {
    proxy.reset();
    const r = await run([]);
    expect(r.code, r.stderr).toBe(0);
    await expectExactMirror(scn);
    const sent = proxy.requests().flatMap((q) => Object.keys(q.headers))
      .filter((h) => /^x-amz-(storage-class|tagging|server-side-encryption|expected-bucket-owner|source-expected-bucket-owner)/.test(h));
    expect(sent).toEqual([]);
  });

  it('expected_bucket_owner: every request names the owner, and copies name it for their source too', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['b.txt'])!, 'b-renamed.txt');
    proxy.reset();
    const r = await run(['--expected_bucket_owner', OWNER]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ copied: 1, failed: 0 });
    await expectExactMirror(scn);
    const requests = proxy.requests();
    expect(new Set(requests.map((q) => q.operation))).toEqual(expect.objectContaining(new Set(['ListObjectsV2', 'PutObject', 'CopyObject'])));
    expect(requests.filter((q) => header(q, 'x-amz-expected-bucket-owner') !== OWNER).map((q) => `${q.operation} ${q.key}`)).toEqual([]);
    const copies = requests.filter((q) => q.operation === 'CopyObject' || q.operation === 'UploadPartCopy');
    expect(copies.length).toBeGreaterThan(0);
    expect(copies.every((q) => header(q, 'x-amz-source-expected-bucket-owner') === OWNER)).toBe(true);
  });

  it('storage_class and object_tags: every write of a mirrored object asks for them (the tool\'s own files for neither); a server without them refuses each, and nothing is half-written', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['Docs', 'a.txt'])!, 'a-renamed.txt');
    scn.emulator.control.addDocument({ parentId: scn.emulator.control.lookup(['Docs'])!, name: 'new.txt', content: 'new' });
    scn.emulator.control.addVersion(scn.emulator.control.lookup(['big.bin'])!, { generate: { seed: 8, size: 6 * MiB } });
    const before = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    proxy.reset();
    const r = await run(['--storage_class', 'standard_ia', '--object_tags', 'team=docs, retention=7y,note=a b/c']);
    // Swift: 400 InvalidStorageClass, for each of the three writes (a copy, a PUT, a multipart upload).
    expect(r.code, r.stderr).toBe(1);
    expect(r.report.totals).toMatchObject({ failed: 3 });
    const writes = proxy.requests().filter(isDocumentWrite);
    expect(new Set(writes.map((q) => q.operation))).toEqual(new Set(['PutObject', 'CreateMultipartUpload', 'CopyObject']));
    for (const q of writes) {
      expect(header(q, 'x-amz-storage-class'), `${q.operation} ${q.key}`).toBe('STANDARD_IA');
      expect(header(q, 'x-amz-tagging'), `${q.operation} ${q.key}`).toBe('team=docs&retention=7y&note=a%20b%2Fc');
    }
    // A copy takes the configured tags instead of its source's.
    expect(writes.filter((q) => q.operation === 'CopyObject').every((q) => header(q, 'x-amz-tagging-directive') === 'REPLACE')).toBe(true);
    const toolWrites = proxy.requests().filter(isToolWrite);
    expect(toolWrites.length).toBeGreaterThan(0);
    expect(toolWrites.filter((q) => header(q, 'x-amz-storage-class') !== undefined || header(q, 'x-amz-tagging') !== undefined).map((q) => q.key)).toEqual([]);
    // Refused writes leave no object and no multipart upload behind; the renamed document's old object stays.
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket)).filter((k) => !TOOL_AREA.test(k))).toEqual(before.filter((k) => !TOOL_AREA.test(k)));
    expect(await multipartUploadsLeft(scn.bucket.client, scn.bucket.bucket)).toBe(0);
  });

  it('sse with a KMS key: the first write (the lock) already asks for it, so a server without SSE stops the run before any document is written', async () => {
    const before = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    proxy.reset();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const r = await run(['--sse', 'aws:kms', '--sse_kms_key_id', key]);
    expect(r.code, r.stderr).toBe(3); // fatal: the lock could not be taken
    expect(r.stderr).toMatch(/encryption/i);
    const writes = proxy.requests().filter((q) => ['PutObject', 'CreateMultipartUpload', 'CopyObject'].includes(q.operation));
    expect(writes.length).toBeGreaterThan(0);
    for (const q of writes) {
      expect(header(q, 'x-amz-server-side-encryption'), `${q.operation} ${q.key}`).toBe('aws:kms');
      expect(header(q, 'x-amz-server-side-encryption-aws-kms-key-id'), `${q.operation} ${q.key}`).toBe(key);
    }
    expect(writes.filter(isDocumentWrite)).toEqual([]);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('an archive move is a copy like a rename\'s: it asks for the class and tags too, and a refused one deletes nothing', async () => {
    const converged = await run([]);
    expect(converged.code, converged.stderr).toBe(0);
    scn.emulator.control.delete(scn.emulator.control.lookup(['b-renamed.txt'])!);
    proxy.reset();
    const r = await run(['--archive_prefix', 'archive/', '--storage_class', 'ONEZONE_IA', '--object_tags', 'kept=yes']);
    expect(r.code, r.stderr).toBe(1);
    const copies = proxy.requests().filter((q) => q.operation === 'CopyObject');
    expect(copies.map((q) => [q.key, header(q, 'x-amz-storage-class'), header(q, 'x-amz-tagging'), header(q, 'x-amz-tagging-directive')]))
      .toEqual([[expect.stringMatching(/^archive\/.+\/b-renamed\.txt$/), 'ONEZONE_IA', 'kept=yes', 'REPLACE']]);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toContain('b-renamed.txt');
  });
});
