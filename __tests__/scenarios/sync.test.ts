// Whole runs against the WorkDocs emulator (real SDK over HTTP) and the real S3 server: what the bucket holds
// afterwards, what the run reports, and exactly how many requests it took.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import { decodeSegment } from '../../src/core/keys.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, nonZero, readMirror, startScenario, type Scenario } from '../helpers/scenario.js';

const MiB = 1024 * 1024;

function smallTree(): Fixture {
  return {
    seed: 'small',
    root: {
      name: 'Team',
      children: [
        { name: 'Docs', children: [
          { name: 'a.txt', content: 'alpha', contentType: 'text/plain' },
          { name: 'b.txt', content: 'bravo' },
          { name: 'Deep', children: [{ name: 'c.txt', content: 'charlie' }] },
        ] },
        { name: 'Empty', children: [] },
        { name: 'readme.md', content: '# read me' },
        { name: 'notes.txt', content: 'some notes' },
      ],
    },
  };
}

describe('first sync, no-op resync and incremental changes', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'basic'); });
  afterAll(async () => scn?.close());

  it('copies every document and creates a folder marker for the empty folder on the first run', async () => {
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 5, copied: 0, skipped: 0, deleted: 0, markers: 1, failed: 0 });
    const mirror = await expectExactMirror(scn);
    expect(mirror.map((o) => o.key).sort()).toEqual(['Docs/Deep/c.txt', 'Docs/a.txt', 'Docs/b.txt', 'notes.txt', 'readme.md']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    expect(keys).toEqual(expect.arrayContaining(['Empty/', 'Docs/a.txt', 'Docs/Deep/c.txt', '.workdocs-s3-sync/manifest.json']));
    // Docs/ and Docs/Deep/ hold documents: S3 shows them as prefixes, a marker would be one more PUT and one more listed object.
    expect(keys).not.toContain('Docs/');
    expect(keys).not.toContain('Docs/Deep/');
    expect(mirror.find((o) => o.key === 'Docs/a.txt')?.contentType).toBe('text/plain');
    expect(r.stdout).toContain('uploaded 5');
    expect(r.log).toMatch(/upload done "Docs\/a\.txt"/);
  });

  it('a no-op resync makes no request per document: listing pages, one LIST, one manifest GET', async () => {
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, skipped: 5, markers: 0, deleted: 0 });
    expect(r.report.changed).toBe(false);
    // 1 GetFolder for the root + one DescribeFolderContents page per folder (root, Docs, Deep, Empty).
    expect(nonZero(r.workdocs)).toEqual({ GetFolder: 1, DescribeFolderContents: 4 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('a new version is uploaded, nothing else', async () => {
    const id = scn.emulator.control.lookup(['Docs', 'a.txt'])!;
    scn.emulator.control.addVersion(id, { content: 'alpha, second edition' });
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 1, skipped: 4 });
    expect(r.report.items.find((i) => i.action === 'upload')).toMatchObject({ key: 'Docs/a.txt', reason: 'changed', outcome: 'done' });
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'Docs/a.txt')).toString()).toBe('alpha, second edition');
    // The document and the manifest, plus the prefix lock taken by runs that write: on this server (no
    // conditional PUT) its write is read back to settle races, and released at the end.
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 5, PutObject: 4, DeleteObject: 1, ListMultipartUploads: 1 });
    await expectExactMirror(scn);
  });

  it('a rename is a server-side copy and a delete, with no download', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['Docs', 'b.txt'])!, 'b-renamed.txt');
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 1, deleted: 1 });
    expect(r.workdocs.Content ?? 0).toBe(0);
    expect(r.workdocs.GetDocumentVersion ?? 0).toBe(0);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 5, CopyObject: 1, DeleteObjects: 1, PutObject: 3, DeleteObject: 1, ListMultipartUploads: 1 });
    await expectExactMirror(scn);
  });

  it('a move to another folder is a copy too', async () => {
    scn.emulator.control.move(scn.emulator.control.lookup(['notes.txt'])!, scn.emulator.control.lookup(['Docs', 'Deep'])!);
    const r = await scn.run();
    expect(r.report.items.filter((i) => i.outcome === 'done' && i.action !== 'skip').map((i) => `${i.action} ${i.fromKey ?? ''}${i.key}`))
      .toEqual(['copy notes.txtDocs/Deep/notes.txt', 'delete notes.txt']);
    expect(r.workdocs.Content ?? 0).toBe(0);
    await expectExactMirror(scn);
  });

  it('a deleted document and a deleted folder disappear from the bucket, markers included', async () => {
    scn.emulator.control.delete(scn.emulator.control.lookup(['readme.md'])!);
    scn.emulator.control.delete(scn.emulator.control.lookup(['Empty'])!);
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'delete').map((i) => i.key).sort()).toEqual(['Empty/', 'readme.md']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    expect(keys).not.toContain('readme.md');
    expect(keys).not.toContain('Empty/');
    await expectExactMirror(scn);
  });

  it('objects outside the prefix are never touched', async () => {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'elsewhere/keep.txt', Body: 'keep' }));
    const r = await scn.run(['--s3_prefix', 'mirror']);
    expect(r.code).toBe(0);
    expect(r.report.totals.uploaded).toBe(4);
    await expectExactMirror(scn, 'mirror/');
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'elsewhere/')).toEqual(['elsewhere/keep.txt']);
  });
});

describe('folder markers', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'markers'); });
  afterAll(async () => scn?.close());

  it('folder_markers all writes one for every folder, like the original; switching back to empty deletes none of them', async () => {
    const all = await scn.run(['--folder_markers', 'all']);
    expect(all.code).toBe(0);
    expect(all.report.totals).toMatchObject({ uploaded: 5, markers: 3 });
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual(expect.arrayContaining(['Docs/', 'Docs/Deep/', 'Empty/']));
    const back = await scn.run();
    expect(back.report.totals).toMatchObject({ uploaded: 0, skipped: 5, markers: 0, deleted: 0 });
    expect(nonZero(back.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('a folder emptied in WorkDocs keeps a marker, so it does not vanish from the bucket', async () => {
    await scn.run(['--folder_markers', 'none']);
    scn.emulator.control.delete(scn.emulator.control.lookup(['Docs', 'Deep', 'c.txt'])!);
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: 'Docs/Deep/' }));
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.items.filter((i) => i.action !== 'skip').map((i) => `${i.action} ${i.key}`).sort()).toEqual(['delete Docs/Deep/c.txt', 'marker Docs/Deep/']);
    await expectExactMirror(scn);
  });
});

describe('uploads start while the listing runs', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'overlap'); });
  afterAll(async () => scn?.close());

  it('documents are handed to the uploaders while a slow folder elsewhere is still being listed, with no extra request', async () => {
    const deep = scn.emulator.control.lookup(['Docs', 'Deep'])!;
    scn.emulator.control.setFaults([{ op: 'DescribeFolderContents', documentId: deep, kind: 'latency', latencyMs: 1500 }], 1);
    const r = await scn.run();
    scn.emulator.control.clearFaults();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Every upload was handed over while folders were still being read (whether one also finished before the
    // slow folder did depends on the machine's speed, so that is not asserted).
    expect(r.log).toMatch(/5 upload\(s\) started while listing: 5 done/);
    expect(r.report.totals).toMatchObject({ uploaded: 5, skipped: 0, markers: 1, failed: 0 });
    // The same requests as uploading after the listing: one download per document, one PUT each.
    expect(r.workdocs.GetDocumentVersion).toBe(5);
    expect(r.workdocs.Content).toBe(5);
    await expectExactMirror(scn);
    const again = await scn.run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});

describe('the bundled sample tree: hostile names, duplicates, a > 64 MiB file', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'sample' }, 'sample'); });
  afterAll(async () => scn?.close());

  it('mirrors everything exactly, with deterministic keys for awkward names', async () => {
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals.failed).toBe(0);
    const mirror = await expectExactMirror(scn);
    const keys = mirror.map((o) => o.key);
    // A `/` inside a name is data, not a folder.
    expect(keys).toContain('Reports/Q1%2FQ2 summary.txt');
    expect(keys.filter((k) => k.startsWith('Projects/Apollo/budget')).sort()).toEqual([expect.stringMatching(/^Projects\/Apollo\/budget\.csv$/), expect.stringMatching(/^Projects\/Apollo\/budget~[0-9a-f]{8}\.csv$/)]);
    for (const key of keys) for (const segment of key.split('/')) expect(segment === '.' || segment === '..' || segment === '').toBe(false);
    // Each document name comes back from its key.
    const names = new Set(scn.emulator.control.manifest().map((m) => m.path.at(-1)));
    for (const key of keys) {
      const last = decodeSegment(key.split('/').at(-1)!);
      expect(names.has(last) || /~[0-9a-f]{8}/.test(last)).toBe(true);
    }
    // The > 64 MiB document is below multipart_threshold_mb (512): one streaming PUT that S3 checked against its
    // Signature (Content-MD5), no multipart upload.
    expect(r.s3.CreateMultipartUpload ?? 0).toBe(0);
    expect(await multipartUploadsLeft(scn.bucket.client, scn.bucket.bucket)).toBe(0);
  });

  it('keeps every key, duplicates included, on the next run', async () => {
    const before = (await readMirror(scn.bucket.client, scn.bucket.bucket)).map((o) => `${o.key}=${o.documentId}`).sort();
    const r = await scn.run();
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, failed: 0 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    const after = (await readMirror(scn.bucket.client, scn.bucket.bucket)).map((o) => `${o.key}=${o.documentId}`).sort();
    expect(after).toEqual(before);
  });

  it('a dry run changes nothing and lists what it would do', async () => {
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'new.txt', content: 'new' });
    scn.emulator.control.delete(scn.emulator.control.lookup(['Welcome.md'])!);
    const before = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    const r = await scn.run(['--dry_run']);
    expect(r.code).toBe(0);
    expect(r.report.dryRun).toBe(true);
    expect(r.report.items.filter((i) => i.outcome === 'planned').map((i) => `${i.action} ${i.key}`).sort()).toEqual(['delete Welcome.md', 'upload new.txt']);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    expect(r.stdout).toContain('Dry run');
  });
});

describe('hostile names', () => {
  const hostile = ['..', '.', 'a/../../escape', '/leading', 'tab\there', 'new\nline', '\u202Egnp.exe', 'zero\u200Bwidth', '%2e%2e', ' spaced ', 'back\\slash', '.workdocs-s3-sync', 'x'.repeat(255)];
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({
      fixture: { seed: 'hostile', root: { name: 'root', children: [
        ...hostile.map((name, i) => ({ name, content: `content ${i}` })),
        { name: '..', children: [{ name: '..', content: 'nested dots' }] },
      ] } },
    }, 'hostile');
  });
  afterAll(async () => scn?.close());

  it('maps every name to a key inside the prefix that decodes back to the name', async () => {
    const r = await scn.run(['--s3_prefix', 'safe/area']);
    expect(r.code).toBe(0);
    const mirror = await expectExactMirror(scn, 'safe/area/');
    expect(mirror).toHaveLength(hostile.length + 1);
    for (const { key } of mirror) {
      expect(key.startsWith('safe/area/')).toBe(true);
      expect(key.startsWith('safe/area/.workdocs-s3-sync/')).toBe(false);
       
      expect(key).not.toMatch(/[\u0000-\u001f\u007f\u202e\u200b]/);
      for (const segment of key.split('/')) expect(['', '.', '..']).not.toContain(segment);
    }
    const decoded = mirror.map((o) => decodeSegment(o.key.split('/').at(-1)!)).sort();
    expect(decoded).toEqual([...hostile, '..'].sort());
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual((await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'safe/area/')));
  });
});

describe('adopting a bucket written by the original folder_sync.py', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'adopt'); });
  afterAll(async () => scn?.close());

  it('takes over its objects without re-uploading, then needs no HEAD any more', async () => {
    // What the original leaves: folder path + name at the bucket root, workdocs-version-id metadata, folder markers, binary/octet-stream.
    for (const item of scn.emulator.control.manifest()) {
      const body = await scn.emulator.control.readContent(item.documentId);
      await scn.bucket.client.send(new PutObjectCommand({
        Bucket: scn.bucket.bucket, Key: item.path.join('/'), Body: body, ContentType: 'binary/octet-stream',
        Metadata: { 'workdocs-version-id': item.versionId },
      }));
    }
    for (const marker of ['Docs/', 'Docs/Deep/', 'Empty/']) {
      await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: marker, Body: '' }));
    }
    const stale = 'Docs/removed-long-ago.txt';
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: stale, Body: 'old', Metadata: { 'workdocs-version-id': 'gone' } }));

    const first = await scn.run();
    expect(first.code).toBe(0);
    expect(first.report.totals).toMatchObject({ uploaded: 0, skipped: 5, markers: 0, deleted: 1 });
    expect(first.report.items.filter((i) => i.reason === 'adopted')).toHaveLength(5);
    // One HeadObject per object it did not know: the five adopted, and the stale one (its metadata makes it the tool's).
    expect(first.s3.HeadObject).toBe(6);
    expect(first.workdocs.Content ?? 0).toBe(0);
    const second = await scn.run();
    expect(nonZero(second.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('rebuilds a corrupt manifest the same way', async () => {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: '.workdocs-s3-sync/manifest.json', Body: '{"format": "workdocs-s3-sync/manifest", "rows": [' }));
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, skipped: 5 });
    expect(r.stderr).toMatch(/manifest .* is unreadable/);
    const again = await scn.run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});

describe('deletes that can never run wild', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'deletes'); });
  afterAll(async () => scn?.close());

  it('refuses all deletes above max_delete, fails the run, and deletes them once allowed', async () => {
    expect((await scn.run()).code).toBe(0);
    for (const name of ['a.txt', 'b.txt']) scn.emulator.control.delete(scn.emulator.control.lookup(['Docs', name])!);
    const refused = await scn.run(['--max_delete', '1']);
    expect(refused.code).toBe(1);
    expect(refused.report.deletesBlocked).toBe('2 deletes exceed max_delete (1)');
    expect(refused.report.items.filter((i) => i.outcome === 'blocked')).toHaveLength(2);
    expect(refused.s3.DeleteObjects ?? 0).toBe(0);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'Docs/')).toEqual(expect.arrayContaining(['Docs/a.txt', 'Docs/b.txt']));
    const allowed = await scn.run(['--max_delete', '2']);
    expect(allowed.code).toBe(0);
    expect(allowed.report.totals.deleted).toBe(2);
  });

  it('a listing that fails part-way means zero deletes and exit 3', async () => {
    // An object this tool wrote (its metadata says so) for a document that is gone.
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'stale.txt', Body: 'x', Metadata: { 'workdocs-document-id': 'gone', 'workdocs-version-id': 'gone-v1' } }));
    scn.emulator.control.addFault({ op: 'DescribeFolderContents', documentId: scn.emulator.control.lookup(['Docs'])!, kind: 'error', status: 500 });
    const r = await scn.run();
    scn.emulator.control.clearFaults();
    expect(r.code).toBe(3);
    expect(r.report.fatal).toMatch(/listing failed/);
    expect(r.s3.DeleteObjects ?? 0).toBe(0);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toContain('stale.txt');
    // Nothing that still exists was deleted, although the failed folder's documents were not listed.
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'Docs/')).toContain('Docs/Deep/c.txt');
  });

  it('archives instead of deleting when asked', async () => {
    const r = await scn.run(['--archive_prefix', 'archive']);
    expect(r.code).toBe(0);
    expect(r.report.totals.archived).toBe(1);
    const inArchive = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/');
    // The area is marked as an archive, so that no later run (even without archive_prefix) takes it for stale.
    expect(inArchive).toContain('archive/.workdocs-s3-sync/archive.json');
    const archived = inArchive.filter((k) => !k.includes('.workdocs-s3-sync/'));
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^archive\/[0-9T-]+Z\/stale\.txt$/);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).not.toContain('stale.txt');
  });
});

describe('integrity: corrupt or truncated content never lands', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'integrity', root: { name: 'root', children: [
      { name: 'small.bin', generate: { seed: 1, size: 300_000 } },
      { name: 'large.bin', generate: { seed: 2, size: 12 * MiB } },
      { name: 'flaky.bin', generate: { seed: 3, size: 7 * MiB } },
    ] } } }, 'integrity');
  });
  afterAll(async () => scn?.close());

  it('a body corrupted on every attempt fails that file, leaves no object and no pending upload', async () => {
    const small = scn.emulator.control.lookup(['small.bin'])!;
    const large = scn.emulator.control.lookup(['large.bin'])!;
    scn.emulator.control.addFault({ op: 'Content', documentId: small, kind: 'corrupt' });
    scn.emulator.control.addFault({ op: 'Content', documentId: large, kind: 'corrupt' });
    const r = await scn.run(['--part_size_mb', '5']);
    scn.emulator.control.clearFaults();
    expect(r.code).toBe(1);
    expect(r.report.items.filter((i) => i.outcome === 'failed').map((i) => i.key).sort()).toEqual(['large.bin', 'small.bin']);
    expect(r.report.items.find((i) => i.key === 'small.bin')?.error).toMatch(/MD5/);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    expect(keys).not.toContain('small.bin');
    expect(keys).not.toContain('large.bin');
    expect(keys).toContain('flaky.bin');
    expect(await multipartUploadsLeft(scn.bucket.client, scn.bucket.bucket)).toBe(0);
    expect(r.stdout).toContain('FAILED upload "large.bin"');
  });

  it('a reset or truncated download resumes with Range and the file lands intact', async () => {
    const small = scn.emulator.control.lookup(['small.bin'])!;
    const large = scn.emulator.control.lookup(['large.bin'])!;
    scn.emulator.control.addFault({ op: 'Content', documentId: small, kind: 'truncate', count: 1, afterBytes: 100_000 });
    scn.emulator.control.addFault({ op: 'Content', documentId: large, kind: 'reset', count: 2, afterBytes: 4 * MiB });
    const r = await scn.run(['--part_size_mb', '5']);
    scn.emulator.control.clearFaults();
    expect(r.code).toBe(0);
    expect(r.report.totals.uploaded).toBe(2);
    // Each interruption costs one more download request, which resumes where the last stopped.
    expect(r.workdocs.Content).toBe(2 + 3);
    expect(r.log).toMatch(/download retry 1/);
    await expectExactMirror(scn);
    const bytes = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'large.bin');
    expect(md5Hex(bytes)).toBe(scn.emulator.control.manifest().find((m) => m.documentId === large)!.md5);
  });

  it('an expired download URL is refreshed', async () => {
    const flaky = scn.emulator.control.lookup(['flaky.bin'])!;
    scn.emulator.control.addVersion(flaky, { generate: { seed: 4, size: 2 * MiB } });
    scn.emulator.control.addFault({ op: 'GetDocumentVersion', documentId: flaky, kind: 'shortTtl', ttlSeconds: 0, count: 1 });
    const r = await scn.run();
    scn.emulator.control.clearFaults();
    expect(r.code).toBe(0);
    expect(r.workdocs.GetDocumentVersion).toBe(2);
    await expectExactMirror(scn);
  });
});

describe('versions without a Signature (optional in WorkDocs\' API)', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'unsigned', root: { name: 'root', children: [
      { name: 'small.bin', generate: { seed: 1, size: 300_000 }, noSignature: true },
      { name: 'above-one-part.bin', generate: { seed: 2, size: 7 * MiB }, noSignature: true },
      { name: 'signed.txt', content: 'signed' },
    ] } } }, 'unsigned');
  });
  afterAll(async () => scn?.close());

  it('are hashed by the engine: the small one sent with that MD5, the larger one multipart; the bytes are exact', async () => {
    const r = await scn.run(['--part_size_mb', '5']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 3, failed: 0 });
    // 7 MiB in 5 MiB parts: without a Signature nothing would check one streamed PUT, so it goes multipart.
    expect(r.s3).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 2, CompleteMultipartUpload: 1 });
    await expectExactMirror(scn);
  });

  it('need nothing per document on the next run: the manifest holds the MD5 the engine computed', async () => {
    const r = await scn.run(['--part_size_mb', '5']);
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, skipped: 3 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});

describe('bad input fails before any request', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'badinput'); });
  afterAll(async () => scn?.close());

  it.each<[string, string[], RegExp]>([
    ['a non-numeric worker count', ['--max_workers', 'many'], /--max_workers must be a whole number from 1 to 512/],
    ['an absurd worker count', ['--max_workers', '100000'], /--max_workers must be a whole number/],
    ['a prefix with ..', ['--s3_prefix', 'a/../b'], /--s3_prefix must not contain "\." or "\.\." segments/],
    ['a bad max_delete', ['--max_delete', 'lots'], /--max_delete must be a count, a percentage or both/],
    ['an unknown flag', ['--max_worker', '3'], /--max_worker is not a known option \(did you mean --max_workers\?\)/],
  ])('%s: exit 2, no request to WorkDocs or S3', async (_title, args, message) => {
    const r = await scn.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(nonZero(r.s3)).toEqual({});
    expect(nonZero(r.workdocs)).toEqual({});
  });

  it('a folder id that does not exist: exit 2, no request to S3', async () => {
    const r = await scn.run(['--workdocs_folder_id', 'f'.repeat(64)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/workdocs_folder_id: folder f+ does not exist/);
    expect(nonZero(r.s3)).toEqual({});
  });

  it('a bucket that does not exist: exit 2, nothing written', async () => {
    const r = await scn.run(['--s3_bucket_name', 'no-such-bucket-here']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/s3_bucket_name: bucket no-such-bucket-here does not exist/);
    expect(r.s3.PutObject ?? 0).toBe(0);
  });
});

describe('listing a wide tree with few workers', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ generate: { folders: 1000, documents: 3000, fanout: 10, size: 16, seed: 7 } }, 'wide'); });
  afterAll(async () => scn?.close());

  it('lists 1,000 folders with max_workers 2 (no deadlock) and plans every document', async () => {
    const r = await scn.run(['--max_workers', '2', '--dry_run']);
    expect(r.code).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'upload')).toHaveLength(3000);
    expect(r.workdocs.DescribeFolderContents).toBeGreaterThanOrEqual(1000);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});
