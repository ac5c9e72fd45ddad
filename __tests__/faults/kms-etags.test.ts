// A bucket whose default encryption is SSE-KMS: S3 answers ETags that are not the MD5 of the bytes (32 hex
// characters all the same). The real S3 server behind the fault proxy, whose `kmsEtags` fault answers as such a
// bucket would; the WorkDocs emulator over HTTP.
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { decodeManifest, encodeManifest, manifestKey } from '../../src/core/manifest.js';
import { kmsEtag } from '../../test-support/fault-proxy.js';
import { getObjectBytes, md5Hex, testS3Client } from '../helpers/s3.js';
import { expectExactMirror, nonZero, type Scenario } from '../helpers/scenario.js';
import { FAULT_SIZES, proxiedFaultScenarios } from './harness.js';

const PREFIX = 'kms/';

const faults = proxiedFaultScenarios();

/** A run against the bucket as SSE-KMS shows it. */
function run(s: Scenario, extra: readonly string[] = []) {
  return s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', faults.proxy.endpoint, ...extra]);
}

async function kmsBucket(name: string): Promise<Scenario> {
  const s = await faults.setup(name);
  // Without a Signature and above one part: multipart, whose ETag is not an MD5 either.
  s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'unsigned-big.bin', generate: { seed: 'ub', size: 6 * 1024 * 1024 }, noSignature: true });
  faults.proxy.addRule({ kind: 'kmsEtags' });
  return s;
}

async function manifestEntries(s: Scenario) {
  const decoded = decodeManifest(await getObjectBytes(s.bucket.client, s.bucket.bucket, manifestKey(PREFIX)));
  if (!decoded.ok) throw new Error(decoded.problem);
  return decoded.manifest.entries;
}

describe('a bucket whose default encryption is SSE-KMS (ETags that are not MD5s)', () => {
  it('the first sync records the ETag S3 answered for each object; the no-op resync then needs no request per document', async () => {
    const s = await kmsBucket('kms-noop');
    const first = await run(s);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    await expectExactMirror(s, PREFIX);
    const entries = await manifestEntries(s);
    expect(entries.size).toBe(s.emulator.control.manifest().length);
    for (const [key, entry] of entries) {
      // What the listing shows for that key, as the proxy answers it; never the MD5.
      expect(entry.etag, key).toMatch(/^[0-9a-f]{32}(-\d+)?$/);
      expect(entry.etag).not.toBe(entry.md5);
    }
    expect(entries.get(`${PREFIX}unsigned-big.bin`)?.etag).toMatch(/-2$/);

    const noop = await run(s);
    expect(noop.code).toBe(0);
    expect(noop.report.totals).toMatchObject({ uploaded: 0, copied: 0, failed: 0 });
    expect(noop.report.changed).toBe(false);
    expect(nonZero(noop.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    expect(noop.workdocs.Content ?? 0).toBe(0);
  });

  it('a rename is a server-side copy, a new version one upload, and the run after is a no-op again', async () => {
    const s = await kmsBucket('kms-changes');
    expect((await run(s)).code).toBe(0);
    const b1 = s.emulator.control.lookup(['B', 'b1.txt'])!;
    s.emulator.control.rename(b1, 'b1-renamed.txt');
    s.emulator.control.addVersion(s.emulator.control.lookup(['top.txt'])!, { content: 'top, second version' });
    const changed = await run(s);
    expect(changed.code).toBe(0);
    expect(changed.report.items.filter((i) => i.action !== 'skip').map((i) => `${i.action} ${i.key}`).sort()).toEqual([
      `copy ${PREFIX}B/b1-renamed.txt`, `delete ${PREFIX}B/b1.txt`, `upload ${PREFIX}top.txt`,
    ]);
    expect(changed.workdocs.Content).toBe(1);
    await expectExactMirror(s, PREFIX);
    const again = await run(s);
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('an object overwritten behind the tool\'s back is found by its listed ETag and sent again', async () => {
    const s = await kmsBucket('kms-overwritten');
    expect((await run(s)).code).toBe(0);
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: `${PREFIX}A/a1.txt`, Body: 'someone else' }));
    const r = await run(s);
    expect(r.code).toBe(0);
    // Its ETag is not the recorded one, so its manifest entry no longer holds, and nothing else says what the object
    // holds: it is sent again, as in a bucket without SSE-KMS. Nothing else is.
    expect(r.report.items.filter((i) => i.action !== 'skip').map((i) => `${i.action} ${i.key} ${i.reason}`)).toEqual([`upload ${PREFIX}A/a1.txt modified-in-bucket`]);
    expect(r.workdocs.Content).toBe(1);
    await expectExactMirror(s, PREFIX);
  });

  it('objects the original script wrote are adopted by their metadata (HeadObject says aws:kms), not uploaded again', async () => {
    const s = await kmsBucket('kms-adopt');
    for (const item of s.emulator.control.manifest()) {
      await s.bucket.client.send(new PutObjectCommand({
        Bucket: s.bucket.bucket, Key: `${PREFIX}${item.path.join('/')}`, Body: await s.emulator.control.readContent(item.documentId),
        Metadata: { 'workdocs-version-id': item.versionId },
      }));
    }
    const documents = s.emulator.control.manifest().length;
    const first = await run(s);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // Under SSE-KMS no ETag shows the bytes' MD5: each object is read back once and checked against its Signature.
    // The one document without a Signature has nothing to be checked against: it is sent again.
    expect(first.report.items.filter((i) => i.reason === 'adopted')).toHaveLength(documents - 1);
    expect(first.report.items.filter((i) => i.action === 'upload').map((i) => i.key)).toEqual([`${PREFIX}unsigned-big.bin`]);
    expect(first.s3.HeadObject).toBe(documents);
    expect(first.log).toMatch(new RegExp(`reading back ${documents - 1} object\\(s\\)`)); // each signed one, once
    expect(first.workdocs.Content).toBe(2); // that one document, in two ranged parts
    const second = await run(s);
    expect(nonZero(second.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('a manifest of an earlier version (no ETags): one run reads each object\'s metadata once and adopts it, no upload', async () => {
    const s = await kmsBucket('kms-old-manifest');
    expect((await run(s)).code).toBe(0);
    const entries = await manifestEntries(s);
    const withoutEtags = new Map([...entries].map(([key, { etag: _etag, ...entry }]) => [key, entry]));
    await s.bucket.client.send(new PutObjectCommand({
      Bucket: s.bucket.bucket, Key: manifestKey(PREFIX),
      Body: encodeManifest({ entries: withoutEtags }, { rootFolderId: s.emulator.rootFolderId, prefix: PREFIX, updatedAt: new Date().toISOString() }),
    }));
    const migrated = await run(s);
    expect(migrated.code).toBe(0);
    expect(migrated.report.totals.uploaded).toBe(0);
    // No entry recorded the ETag the listing shows, so none holds: each object's metadata is read once and its bytes
    // read back and checked (against the Signature, or the MD5 the old entry recorded for the unsigned one).
    expect(migrated.report.items.filter((i) => i.reason === 'adopted')).toHaveLength(entries.size);
    expect(migrated.s3.HeadObject).toBe(entries.size);
    expect(migrated.log).toMatch(new RegExp(`reading back ${entries.size} object\\(s\\)`));
    expect(migrated.workdocs.Content ?? 0).toBe(0);
    // Every entry has its ETag again.
    expect(await manifestEntries(s)).toEqual(entries);
    const again = await run(s);
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('the proxy answers as SSE-KMS: the listed ETag is not the MD5 of the bytes, and is stable', async () => {
    const s = await kmsBucket('kms-proxy');
    const put = await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: 'probe.txt', Body: 'probe' }));
    const plain = md5Hex('probe');
    expect(put.ETag).toBe(`"${plain}"`); // straight to the server
    const client = testS3Client({ endpoint: faults.proxy.endpoint });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s.bucket.bucket, Prefix: 'probe' }));
      expect(listed.Contents?.[0]?.ETag).toBe(`"${kmsEtag(plain)}"`);
      const head = await client.send(new HeadObjectCommand({ Bucket: s.bucket.bucket, Key: 'probe.txt' }));
      expect(head.ETag).toBe(`"${kmsEtag(plain)}"`);
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(kmsEtag(plain)).toMatch(/^[0-9a-f]{32}$/);
      expect(kmsEtag(plain)).not.toBe(plain);
    } finally {
      client.destroy();
    }
  });
});
