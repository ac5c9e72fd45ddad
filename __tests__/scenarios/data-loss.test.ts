// Issue 23: no run may lose data. Renames that would copy from a key the same run overwrites, dry runs in the
// scale-out modes, archives inside the mirror, overwrites behind the tool's back, over-long archive keys, a
// report that cannot be written, misleading dry-run lines, and two costs. Emulator over HTTP + the real S3 server.
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import {
  bucketState,
  expectExactMirror,
  expectExactMirrorBeside,
  nonZero,
  s3Writes,
  startScenario,
  type Scenario,
} from '../helpers/scenario.js';

const MiB = 1024 * 1024;
const pad = (n: number): string => String(n).padStart(2, '0');

/** A folder of documents named `doc-N.txt`, plus an empty folder elsewhere. */
function docsTree(seed: string, count = 4): Fixture {
  return {
    seed,
    root: { name: 'Team', children: [
      { name: 'Docs', children: Array.from({ length: count }, (_, i) => ({ name: `doc-${i}.txt`, content: `document ${i}` })) },
      { name: 'Other', children: [{ name: 'other.txt', content: 'other' }] },
    ] },
  };
}

/**
 * Each document's own bytes at the key its path names (no duplicate names in these trees): by MD5 against the
 * emulator, so an object holding another document's bytes under the right metadata is caught too.
 */
async function expectEveryKeyHoldsItsDocument(scn: Scenario): Promise<void> {
  const wrong: string[] = [];
  for (const item of scn.emulator.control.manifest()) {
    const key = item.path.join('/');
    const md5 = md5Hex(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key));
    if (md5 !== item.md5) wrong.push(`${key} holds ${JSON.stringify((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key)).toString().slice(0, 40))}`);
  }
  expect(wrong).toEqual([]);
}

/** Keys of an archive area without the tool's own record of it (`<archive>/.workdocs-s3-sync/…`). */
function withoutToolArea(keys: readonly string[]): string[] {
  return keys.filter((k) => !k.includes('/.workdocs-s3-sync/'));
}

function logLines(log: string, containing: string): string[] {
  return log.split('\n').filter((line) => line.includes(containing));
}

describe('item 1: renames never copy from a key that the same run overwrites', () => {
  function reportsTree(): Fixture {
    const reports = (year: number) => Array.from({ length: 20 }, (_, i) => ({ name: `report-${pad(i + 1)}.txt`, content: `${year} report ${pad(i + 1)}` }));
    return { seed: 'reports', root: { name: 'Finance', children: [
      { name: 'current', children: reports(2024) },
      { name: 'previous', children: reports(2023) },
    ] } };
  }

  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: reportsTree() }, 'rename-chain'); });
  afterAll(async () => scn?.close());

  it('previous → 2023, current → previous, a new empty current: every key holds its own report, and later runs are no-ops', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    const previous = c.lookup(['previous'])!;
    const current = c.lookup(['current'])!;
    c.rename(previous, '2023');
    c.rename(current, 'previous');
    c.addFolder({ parentId: scn.emulator.rootFolderId, name: 'current' });
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals.failed).toBe(0);
    await expectExactMirror(scn);
    await expectEveryKeyHoldsItsDocument(scn);
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, '2023/report-10.txt')).toString()).toBe('2023 report 10');
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'previous/report-10.txt')).toString()).toBe('2024 report 10');
    const again = await scn.run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    await expectEveryKeyHoldsItsDocument(scn);
  });
});

describe('item 1: swapping the names of same-size documents', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'swap', root: { name: 'root', children: [
      { name: 'pairs', children: Array.from({ length: 8 }, (_, i) => [
        { name: `x-${i}.txt`, content: `x content ${i}` },
        { name: `y-${i}.txt`, content: `y content ${i}` },
      ]).flat() },
    ] } } }, 'swap');
    expect((await scn.run()).code).toBe(0);
  });
  afterAll(async () => scn?.close());

  function swapEveryPair(scn: Scenario): void {
    const c = scn.emulator.control;
    for (let i = 0; i < 8; i++) {
      const x = c.lookup(['pairs', `x-${i}.txt`])!;
      const y = c.lookup(['pairs', `y-${i}.txt`])!;
      c.rename(x, `y-${i}.txt`);
      c.rename(y, `x-${i}.txt`);
    }
  }

  it.each([
    ['with the default workers (copies at once)', [], 'y content 3'],
    ['with one worker (copies one after another)', ['--max_workers', '1'], 'x content 3'],
  ])('leaves each name with its own document\'s bytes, %s (each run swaps the names back)', async (_title, args, expected) => {
    swapEveryPair(scn);
    const r = await scn.run(args);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectExactMirror(scn);
    await expectEveryKeyHoldsItsDocument(scn);
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'pairs/x-3.txt')).toString()).toBe(expected);
  });
});

describe('item 1: restoring a document from the recycle bin beside a same-named one', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'restore', root: { name: 'root', children: [
      { name: 'bin', children: Array.from({ length: 6 }, (_, i) => ({ name: `r-${i}.txt`, content: `first r ${i}` })) },
    ] } } }, 'restore');
  });
  afterAll(async () => scn?.close());

  it('gives both documents their own bytes at their own keys', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    const recycled = Array.from({ length: 6 }, (_, i) => c.lookup(['bin', `r-${i}.txt`])!);
    for (const id of recycled) c.delete(id);
    expect((await scn.run(['--max_delete', '100%'])).code).toBe(0);
    const bin = c.lookup(['bin'])!;
    for (let i = 0; i < 6; i++) c.addDocument({ parentId: bin, name: `r-${i}.txt`, content: `other r ${i}` });
    expect((await scn.run()).code).toBe(0);
    for (const id of recycled) c.restore(id);
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectExactMirror(scn);
    const again = await scn.run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});

describe('item 2: a dry run in the scale-out modes writes nothing', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('dry-scale', 8) }, 'dry-scale'); });
  afterAll(async () => scn?.close());

  it('shard and finalize with --dry_run make zero S3 writes and take no lock', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    c.addVersion(c.lookup(['Docs', 'doc-0.txt'])!, { content: 'document 0, edited' });
    c.addDocument({ parentId: c.lookup(['Docs'])!, name: 'new.txt', content: 'new' });
    c.rename(c.lookup(['Docs', 'doc-1.txt'])!, 'doc-1-renamed.txt');
    c.delete(c.lookup(['Docs', 'doc-2.txt'])!);
    const planned = await scn.run(['--mode', 'plan', '--shard_count', '2', '--run_id', 'dry1']);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);

    for (const shard of ['0', '1']) {
      const r = await scn.run(['--mode', 'shard', '--shard_index', shard, '--run_id', 'dry1', '--dry_run']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(s3Writes(r.s3), `shard ${shard}`).toEqual({});
      expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    }
    const finalized = await scn.run(['--mode', 'finalize', '--run_id', 'dry1', '--dry_run']);
    expect(s3Writes(finalized.s3)).toEqual({});
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, '.workdocs-s3-sync/lock')).toEqual([]);
    expect(finalized.report.dryRun).toBe(true);
  });
});

describe('item 3: the archive is never inside the mirror, and never stale', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('archive-area') }, 'archive-area'); });
  afterAll(async () => scn?.close());

  it.each([
    ['an archive prefix inside the prefix', 'm/', 'm/archive/'],
    ['a prefix inside the archive prefix', 'archive/m', 'archive'],
  ])('%s: exit 2, zero S3 requests', async (_title, prefix, archive) => {
    const r = await scn.run(['--s3_prefix', prefix, '--archive_prefix', archive]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/archive_prefix/);
    expect(nonZero(r.s3)).toEqual({});
  });

});

describe('item 3: an archive under the bucket root', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('archive-root') }, 'archive-root'); });
  afterAll(async () => scn?.close());

  it('with the bucket root as prefix, archived objects survive a later run without --archive_prefix byte for byte', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    const archivedDocument = c.manifest().find((m) => m.path.join('/') === 'Docs/doc-0.txt')!;
    c.delete(archivedDocument.documentId);
    const archiving = await scn.run(['--archive_prefix', 'archive']);
    expect(archiving.code, archiving.stdout + archiving.stderr).toBe(0);
    expect(archiving.report.totals.archived).toBe(1);
    const archiveArea = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/');
    const archived = withoutToolArea(archiveArea);
    expect(archived).toEqual([expect.stringMatching(/^archive\/[0-9T-]+Z\/Docs\/doc-0\.txt$/)]);

    c.delete(c.lookup(['Docs', 'doc-1.txt'])!);
    const plain = await scn.run();
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    expect(plain.report.items.filter((i) => i.action === 'delete').map((i) => i.key)).toEqual(['Docs/doc-1.txt']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/')).toEqual(archiveArea);
    expect(md5Hex(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, archived[0]!))).toBe(archivedDocument.md5);
    await expectExactMirrorBeside(scn, archiveArea);
  });
});

describe('item 4: a same-size overwrite behind the tool\'s back as a multipart upload', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'mpu-overwrite', root: { name: 'root', children: [
      { name: 'kept-metadata.txt', content: 'original bytes 1' },
      { name: 'dropped-metadata.txt', content: 'original bytes 2' },
    ] } } }, 'mpu-overwrite');
    expect((await scn.run()).code).toBe(0);
  });
  afterAll(async () => scn?.close());

  it.each([
    ['its metadata kept', 'kept-metadata.txt', true],
    ['its metadata dropped', 'dropped-metadata.txt', false],
  ])('with %s is found on the next run and uploaded again', async (_title, key, keepMetadata) => {
    const { client, bucket } = scn.bucket;
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(`tampered bytes ${key === 'kept-metadata.txt' ? 1 : 2}`);
    expect(body.length).toBe(head.ContentLength);
    const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...(keepMetadata ? { Metadata: head.Metadata } : {}) }));
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId!, PartNumber: 1, Body: body }));
    const done = await client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId: upload.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
    }));
    expect(done.ETag).toMatch(/-1"?$/);

    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.items.find((i) => i.key === key)).toMatchObject({ action: 'upload', reason: 'modified-in-bucket', outcome: 'done' });
    await expectExactMirror(scn);
  });
});

describe('item 4 with a rename: the copy source was overwritten behind the tool\'s back', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'mpu-rename-source', root: { name: 'root', children: [
      { name: 'plain-put.txt', content: 'original bytes 1' },
      { name: 'multipart.txt', content: 'original bytes 2' },
    ] } } }, 'mpu-rename-source');
    expect((await scn.run()).code).toBe(0);
  });
  afterAll(async () => scn?.close());

  it.each([
    ['a PutObject', 'plain-put.txt', false],
    ['a multipart upload', 'multipart.txt', true],
  ])('by %s, metadata kept: the renamed document gets its own bytes from WorkDocs, not the overwritten ones', async (_title, key, multipart) => {
    const { client, bucket } = scn.bucket;
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(`tampered bytes ${key === 'plain-put.txt' ? 1 : 2}`);
    expect(body.length).toBe(head.ContentLength);
    if (multipart) {
      const upload = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Metadata: head.Metadata }));
      const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId!, PartNumber: 1, Body: body }));
      await client.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key: key, UploadId: upload.UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] },
      }));
    } else {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: head.Metadata }));
    }
    scn.emulator.control.rename(scn.emulator.control.lookup([key])!, `renamed-${key}`);
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectExactMirror(scn);
    await expectEveryKeyHoldsItsDocument(scn);
  });
});

describe('item 5: archive keys never exceed 1,024 bytes', () => {
  // Four folders of 220 bytes leave the 128 bytes a child needs to stay nested (not relocated): a 116-byte name
  // makes a 1,000-byte key, which the archive's own folders would push past 1,024.
  const folderName = (n: number) => `${n}${'f'.repeat(219)}`;
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'long-keys', root: { name: 'root', children: [
      { name: folderName(1), children: [{ name: folderName(2), children: [{ name: folderName(3), children: [{ name: folderName(4), children: [
        { name: `long-document-${'d'.repeat(98)}.txt`, content: 'deep down' },
      ] }] }] }] },
      { name: 'short.txt', content: 'short' },
    ] } } }, 'long-keys');
  });
  afterAll(async () => scn?.close());

  it('a document whose key is about 1,000 bytes is archived under a key of at most 1,024 bytes, with its bytes', async () => {
    const first = await scn.run(['--archive_prefix', 'archive']);
    expect(first.code).toBe(0);
    const mirror = await expectExactMirror(scn);
    const long = mirror.find((o) => o.key.includes('long-document-'))!;
    expect(Buffer.byteLength(long.key)).toBeGreaterThanOrEqual(1000);
    scn.emulator.control.delete(long.documentId);

    const r = await scn.run(['--archive_prefix', 'archive']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals.archived).toBe(1);
    const archiveArea = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/');
    for (const key of archiveArea) expect(Buffer.byteLength(key), key).toBeLessThanOrEqual(1024);
    const archived = withoutToolArea(archiveArea);
    expect(archived).toHaveLength(1);
    expect(md5Hex(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, archived[0]!))).toBe(long.md5);
    expect((await scn.run(['--archive_prefix', 'archive'])).code).toBe(0);
  });
});

describe('item 6: a report file that cannot be written', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('report-file') }, 'report-file'); });
  afterAll(async () => scn?.close());

  it('fails the run: its promised output is missing', async () => {
    const plainFile = path.join(scn.dir, 'a-regular-file');
    writeFileSync(plainFile, 'not a directory');
    const r = await scn.run(['--report_file', path.join(plainFile, 'report.json')]);
    expect(r.code).not.toBe(0);
  });
});

describe('item 7: dry-run lines say what the run would really do', () => {
  let scn: Scenario;
  let recycled: string[] = [];
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('dry-lines') }, 'dry-lines'); });
  afterAll(async () => scn?.close());

  it('a delete that max_delete refuses reads "would delete …, but refused: …"', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    const gone = ['Docs/doc-0.txt', 'Docs/doc-1.txt', 'Docs/doc-2.txt', 'Docs/doc-3.txt'];
    recycled = gone.map((key) => c.lookup(key.split('/'))!);
    for (const id of recycled) c.delete(id);
    const r = await scn.run(['--dry_run']);
    expect(r.report.deletesBlocked).toMatch(/max_delete/);
    // Every line that says it would delete one of them says in the same line that the delete is refused, and why.
    for (const key of gone) {
      const wouldDelete = logLines(r.log, JSON.stringify(key)).filter((line) => line.includes('would delete'));
      expect(wouldDelete, key).toHaveLength(1);
      expect(wouldDelete[0], key).toMatch(/but refused: .*max_delete/);
    }
    expect(s3Writes(r.s3)).toEqual({});
  });

  it('after a listing error, the documents kept read "kept: listing incomplete", never "would delete … (stale)"', async () => {
    const c = scn.emulator.control;
    // The documents exist again; only their folder's listing fails.
    for (const id of recycled) c.restore(id);
    c.addFault({ op: 'DescribeFolderContents', documentId: c.lookup(['Docs'])!, kind: 'error', status: 500 });
    const r = await scn.run(['--dry_run']);
    c.clearFaults();
    expect(r.code).not.toBe(0);
    for (let i = 0; i < 4; i++) {
      const key = `Docs/doc-${i}.txt`;
      expect(logLines(r.log, key).filter((line) => line.includes('kept: listing incomplete')), key).toHaveLength(1);
    }
    expect(r.log).not.toMatch(/would delete "Docs\/[^"]*" \(stale\)/);
    expect(s3Writes(r.s3)).toEqual({});
  });
});

describe('item 8: a folder whose listing failed', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('failed-folder') }, 'failed-folder'); });
  afterAll(async () => scn?.close());

  it('gets no folder marker, then or once it lists again', async () => {
    const c = scn.emulator.control;
    c.addFault({ op: 'DescribeFolderContents', documentId: c.lookup(['Docs'])!, kind: 'error', status: 500 });
    const failed = await scn.run();
    c.clearFaults();
    expect(failed.code).toBe(3);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).not.toContain('Docs/');
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectExactMirror(scn);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).not.toContain('Docs/');
  });
});

describe('item 9: what the run says about objects and prefixes', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('missing') }, 'missing'); });
  afterAll(async () => scn?.close());

  it('an object deleted behind the tool\'s back is uploaded again with reason "missing"', async () => {
    expect((await scn.run()).code).toBe(0);
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: 'Docs/doc-1.txt' }));
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(r.report.items.find((i) => i.key === 'Docs/doc-1.txt')).toMatchObject({ action: 'upload', reason: 'missing', outcome: 'done' });
    await expectExactMirror(scn);
  });

  it.each([' a', 'a ', 'a\\b'])('the prefix %j is refused: exit 2, zero S3 requests', async (prefix) => {
    const r = await scn.run(['--s3_prefix', prefix]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/s3_prefix/);
    expect(nonZero(r.s3)).toEqual({});
  });
});

describe('cost: copies, not downloads', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: docsTree('lost-manifest', 6) }, 'lost-manifest'); });
  afterAll(async () => scn?.close());

  it('after a lost manifest, renamed and moved documents are copied server-side, found by the document id in their metadata', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    c.rename(c.lookup(['Docs', 'doc-0.txt'])!, 'doc-0-renamed.txt');
    c.rename(c.lookup(['Docs', 'doc-1.txt'])!, 'doc-1-renamed.txt');
    c.move(c.lookup(['Docs', 'doc-2.txt'])!, c.lookup(['Other'])!);
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: '.workdocs-s3-sync/manifest.json' }));
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.workdocs.Content ?? 0).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 3 });
    await expectExactMirror(scn);
  });
});

describe('cost: a renamed multipart object on this server', () => {
  const multipart = ['--multipart_threshold_mb', '5', '--part_size_mb', '5'];
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: { seed: 'mpu-rename', root: { name: 'root', children: [
      { name: 'large.bin', generate: { seed: 1, size: 6 * MiB } },
    ] } } }, 'mpu-rename');
  });
  afterAll(async () => scn?.close());

  it('costs the run after the copy nothing: the manifest recorded the ETag the copy produced', async () => {
    const first = await scn.run(multipart);
    expect(first.code).toBe(0);
    expect(first.s3.CreateMultipartUpload).toBe(1);
    scn.emulator.control.rename(scn.emulator.control.lookup(['large.bin'])!, 'large-renamed.bin');
    const renamed = await scn.run(multipart);
    expect(renamed.code).toBe(0);
    expect(renamed.report.totals).toMatchObject({ copied: 1, uploaded: 0 });
    const after = await scn.run(multipart);
    expect(nonZero(after.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    await expectExactMirror(scn);
  });
});
