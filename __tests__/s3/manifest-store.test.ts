// The manifest object on the real S3 server: written as it is encoded (the very bytes of encodeManifestBytes, a send
// refused as damaged encoded and sent again), read as its body streams in, and read whole, by a second GET of the
// same object, when someone reformatted it.
import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware, InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeManifestBytes, manifestKey } from '../../src/core/manifest.js';
import type { Manifest, ManifestEntry } from '../../src/core/types.js';
import { MANIFEST_PUT_ATTEMPTS, MANIFEST_READS, readManifest, writeManifest, writeManifestTagged } from '../../src/s3/manifest-store.js';
import { createTestBucket, getObjectBytes, md5Hex, recordRequests, testS3Client, type TestBucket } from '../helpers/s3.js';

const meta = { rootFolderId: 'root-id', prefix: 'p/', updatedAt: '2026-11-25T00:00:00.000Z' };

/** Enough rows for many chunks each way, with multi-byte characters that chunks cut through. */
function manifestOf(n: number, version = 'v'): Manifest {
  const entries = new Map<string, ManifestEntry>();
  for (let i = 0; i < n; i++) {
    entries.set(`p/folder ${i % 7}/ü😀 "doc" ${i}.txt`, { documentId: `d${i}`, versionId: `${version}${i}`, size: i, md5: md5Hex(String(i)), ...(i % 3 === 0 ? { etag: `${md5Hex(`e${i}`)}-2` } : {}) });
  }
  return { entries, foreign: new Map([['p/other.bin', md5Hex('other')]]), histories: new Map([['d1', ['v1', 'old1']]]) };
}

const md5Base64 = (bytes: Buffer): string => Buffer.from(md5Hex(bytes), 'hex').toString('base64');

const found = (manifest: Manifest, etag: string | undefined) => ({ state: 'found', manifest, rootFolderId: meta.rootFolderId, etag });

describe('the manifest object', () => {
  let bucket: TestBucket;
  beforeAll(async () => { bucket = await createTestBucket('manifest-store'); });
  afterAll(async () => bucket?.cleanup());

  const put = async (key: string, body: Buffer | string): Promise<string> =>
    (await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: body, ContentType: 'application/json' }))).ETag!;

  /** A client that records its requests (and runs `before` ahead of each GetObject it sends, given its input). */
  function recordingClient(before?: (input: { IfMatch?: string }) => Promise<void>): { client: S3Client; gets: () => { ifMatch: string | undefined }[] } {
    const client = testS3Client();
    const seen = recordRequests(client);
    if (before) {
      const hook: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') await before(args.input as { IfMatch?: string });
        return next(args);
      };
      client.middlewareStack.add(hook, { step: 'initialize', name: 'beforeGet' });
    }
    return { client, gets: () => seen.filter((r) => r.command === 'GetObject').map((r) => ({ ifMatch: r.headers['if-match'] })) };
  }

  it('is written as the bytes of encodeManifestBytes, streamed (with Content-MD5), and its ETag answered', async () => {
    const manifest = manifestOf(3_000);
    const key = manifestKey('written/');
    const client = testS3Client();
    const requests = recordRequests(client);
    const { bytes, etag } = await writeManifestTagged(client, bucket.bucket, key, manifest, meta);
    const expected = encodeManifestBytes(manifest, meta);
    expect(requests.map((r) => [r.command, r.bodyType, r.headers['content-length'], r.headers['content-md5']])).toEqual([['PutObject', 'stream', String(expected.length), md5Base64(expected)]]);
    expect(expected.length).toBeGreaterThan(200_000);
    const stored = await getObjectBytes(bucket.client, bucket.bucket, key);
    expect(stored.equals(expected)).toBe(true);
    expect(bytes).toBe(expected.length);
    const head = await bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: key }));
    expect(etag).toBe(head.ETag);
    expect(etag).toBe(`"${md5Hex(expected)}"`);
    expect(head.ContentType).toBe('application/json');
    expect(await writeManifest(client, bucket.bucket, key, { entries: new Map() }, meta)).toBe(encodeManifestBytes({ entries: new Map() }, meta).length);
    expect((await getObjectBytes(bucket.client, bucket.bucket, key)).equals(encodeManifestBytes({ entries: new Map() }, meta))).toBe(true);
  });

  it('a send refused as damaged on the way (BadDigest) is encoded and sent again, and lands whole', async () => {
    const manifest = manifestOf(500);
    const key = manifestKey('damaged/');
    const client = testS3Client();
    const puts: number[] = [];
    // The first send's bytes are replaced on the way by as many other bytes: S3 refuses them by their Content-MD5.
    const damage: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') {
        puts.push(puts.length + 1);
        const request = args.request as { headers: Record<string, string>; body?: unknown };
        if (puts.length === 1) request.body = Readable.from([Buffer.alloc(Number(request.headers['content-length']), 0x20)]);
      }
      return next(args);
    };
    client.middlewareStack.add(damage, { step: 'finalizeRequest', priority: 'low', name: 'damage' });
    const { bytes } = await writeManifestTagged(client, bucket.bucket, key, manifest, meta);
    expect(puts).toEqual([1, 2]);
    expect(bytes).toBe(encodeManifestBytes(manifest, meta).length);
    expect((await getObjectBytes(bucket.client, bucket.bucket, key)).equals(encodeManifestBytes(manifest, meta))).toBe(true);
  });

  it('entries changed during the write: every send is refused (never a request short of its length), the old object stays', async () => {
    const key = manifestKey('changed/');
    const old = encodeManifestBytes(manifestOf(5), meta);
    await put(key, old);
    for (const change of [(m: Manifest) => (m.entries as Map<string, ManifestEntry>).set([...m.entries.keys()][0]!, { documentId: 'd', versionId: 'v', size: 1, md5: md5Hex('') }), // shorter
      (m: Manifest) => (m.entries as Map<string, ManifestEntry>).set([...m.entries.keys()][0]!, { documentId: 'd'.repeat(500), versionId: 'v', size: 1, md5: md5Hex('') })]) { // longer
      const manifest = manifestOf(2_000);
      const client = testS3Client();
      let sends = 0;
      // After the Content-MD5 was computed, before the body is encoded for the send.
      const changeIt: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand' && sends++ === 0) change(manifest);
        return next(args);
      };
      client.middlewareStack.add(changeIt, { step: 'finalizeRequest', priority: 'low', name: 'changeIt' });
      await expect(writeManifestTagged(client, bucket.bucket, key, manifest, meta)).rejects.toMatchObject({ name: 'BadDigest' });
      expect(sends).toBe(MANIFEST_PUT_ATTEMPTS);
      expect((await getObjectBytes(bucket.client, bucket.bucket, key)).equals(old)).toBe(true);
    }
  });

  it('a write S3 refuses for good, or interrupted, is not sent again', async () => {
    const client = testS3Client();
    const requests = recordRequests(client);
    await expect(writeManifestTagged(client, `${bucket.bucket}-missing`, manifestKey('x/'), manifestOf(10), meta)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(requests).toHaveLength(1);
    await expect(writeManifestTagged(client, bucket.bucket, manifestKey('x/'), manifestOf(10), meta, AbortSignal.abort(new Error('stopped')))).rejects.toThrow();
    expect(requests).toHaveLength(1);
  });

  it('in the layout this tool writes, is read with one GET as it streams in', async () => {
    const manifest = manifestOf(3_000);
    const key = manifestKey('usual/');
    const etag = await put(key, encodeManifestBytes(manifest, meta));
    const { client, gets } = recordingClient();
    expect(await readManifest(client, bucket.bucket, key)).toEqual(found(manifest, etag));
    expect(gets()).toEqual([{ ifMatch: undefined }]);
    expect(await readManifest(client, bucket.bucket, manifestKey('nothing-here/'))).toEqual({ state: 'missing', manifest: { entries: new Map() } });
  });

  it('reformatted by someone, is read whole by a second GET of the same object (If-Match its ETag)', async () => {
    const manifest = manifestOf(2_000);
    const text = encodeManifestBytes(manifest, meta).toString('utf8');
    for (const [name, reformatted] of [['pretty', JSON.stringify(JSON.parse(text), null, 2)], ['one line', JSON.stringify(JSON.parse(text))], ['CRLF', text.replace(/\n/g, '\r\n')]] as const) {
      const key = manifestKey(`reformatted-${name.replace(' ', '-')}/`);
      const etag = await put(key, reformatted);
      const { client, gets } = recordingClient();
      expect(await readManifest(client, bucket.bucket, key), name).toEqual(found(manifest, etag));
      expect(gets(), name).toEqual([{ ifMatch: undefined }, { ifMatch: etag }]);
    }
  });

  it('damaged, is reported corrupt with its ETag', async () => {
    const text = encodeManifestBytes(manifestOf(50), meta).toString('utf8');
    const key = manifestKey('corrupt/');
    const etag = await put(key, text.replace('"v2"', '"v9"'));
    expect(await readManifest(bucket.client, bucket.bucket, key)).toEqual({ state: 'corrupt', manifest: { entries: new Map() }, problem: 'checksum mismatch', etag });
    const other = await put(key, '{"format":"something else","rows":[]}');
    expect(await readManifest(bucket.client, bucket.bucket, key)).toEqual({ state: 'corrupt', manifest: { entries: new Map() }, problem: 'not a workdocs-s3-sync manifest', etag: other });
  });

  it('replaced between the two GETs, is read anew as it is then, with the new ETag', async () => {
    const key = manifestKey('replaced/');
    const before = manifestOf(300);
    await put(key, JSON.stringify(JSON.parse(encodeManifestBytes(before, meta).toString('utf8')), null, 1));
    const after = manifestOf(300, 'w');
    let newEtag: string | undefined;
    const { client, gets } = recordingClient(async (input) => {
      // Another writer lands just before the whole-body GET.
      if (input.IfMatch !== undefined && newEtag === undefined) newEtag = await put(key, encodeManifestBytes(after, meta));
    });
    expect(await readManifest(client, bucket.bucket, key)).toEqual(found(after, newEtag));
    const first = gets()[1]!.ifMatch;
    expect(first).toBeDefined();
    expect(gets()).toEqual([{ ifMatch: undefined }, { ifMatch: first }, { ifMatch: undefined }]);
  });

  it(`replaced before every whole-body GET: the last of ${MANIFEST_READS} reads takes what its second GET finds`, async () => {
    const key = manifestKey('always-replaced/');
    const version = (i: number) => manifestOf(100, `r${i}-`);
    const reformatted = (m: Manifest) => JSON.stringify(JSON.parse(encodeManifestBytes(m, meta).toString('utf8')), null, 1);
    await put(key, reformatted(version(0)));
    let writes = 0;
    let lastEtag: string | undefined;
    const { client, gets } = recordingClient(async () => {
      // Before each second GET (with If-Match or, the last time, without).
      if (gets().length % 2 === 1) lastEtag = await put(key, reformatted(version(++writes)));
    });
    expect(await readManifest(client, bucket.bucket, key)).toEqual(found(version(writes), lastEtag));
    expect(writes).toBe(MANIFEST_READS);
    expect(gets().map((g) => g.ifMatch !== undefined)).toEqual([false, true, false, true, false, false]);
  });
});
