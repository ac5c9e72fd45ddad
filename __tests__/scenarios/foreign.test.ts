// Issue 22: deletes that are right. Objects under the prefix that this tool did not write (foreign) are never
// deleted, archived or overwritten unless --delete_foreign; a prefix mirrors one WorkDocs folder; a move in
// WorkDocs is not a loss for max_delete. Emulator over HTTP + the real S3 server.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import type { SyncReport } from '../../src/engine/types.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import {
  expectExactMirror,
  expectExactMirrorBeside,
  nonZero,
  readMirror,
  s3Writes,
  startScenario,
  type Scenario,
} from '../helpers/scenario.js';

function smallTree(): Fixture {
  return {
    seed: 'foreign',
    root: {
      name: 'Team',
      children: [
        { name: 'Docs', children: [
          { name: 'a.txt', content: 'alpha' },
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

/** Ten documents and no empty folder: the delete percentages are of documents alone. */
function tenDocuments(): Fixture {
  return {
    seed: 'ten',
    root: { name: 'Ten', children: [
      { name: 'Docs', children: Array.from({ length: 10 }, (_, i) => ({ name: `doc-${i}.txt`, content: `document ${i}` })) },
    ] },
  };
}

/** What another application keeps in the same bucket: at the root, in a folder WorkDocs does not have, beside documents. */
const FOREIGN: Readonly<Record<string, string>> = {
  'README-bucket.txt': 'This bucket also holds other data.\n',
  'other-app/config.json': '{"retention": 30}\n',
  'other-app/data/2024.bin': 'other application data, 2024\n',
  'Docs/someone-elses-notes.txt': 'not from WorkDocs\n',
};
const FOREIGN_KEYS = Object.keys(FOREIGN).sort();

/** The report's `foreign` field (typed here so this file compiles before the field lands in SyncReport). */
function foreignOf(report: SyncReport): { count: number; keys: string[] } | undefined {
  return (report as SyncReport & { foreign?: { count: number; keys: string[] } }).foreign;
}

async function putObject(scn: Scenario, key: string, body: string, metadata?: Record<string, string>): Promise<void> {
  await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: key, Body: body, Metadata: metadata }));
}

async function putForeignObjects(scn: Scenario): Promise<void> {
  for (const [key, body] of Object.entries(FOREIGN)) await putObject(scn, key, body);
}

/** Every foreign object is still there with its own bytes. */
async function expectForeignIntact(scn: Scenario): Promise<void> {
  for (const [key, body] of Object.entries(FOREIGN)) {
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key)).toString(), key).toBe(body);
  }
}

async function deleteManifest(scn: Scenario, prefix = ''): Promise<void> {
  await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: `${prefix}.workdocs-s3-sync/manifest.json` }));
}

describe('objects this tool did not write are left alone', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: smallTree() }, 'foreign');
    await putForeignObjects(scn);
  });
  afterAll(async () => scn?.close());

  it('a first run into a bucket with other data deletes none of it, asks about each foreign object once, and names them', async () => {
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 5, deleted: 0, archived: 0, failed: 0 });
    await expectForeignIntact(scn);
    await expectExactMirrorBeside(scn, FOREIGN_KEYS);
    expect(r.s3.HeadObject).toBe(FOREIGN_KEYS.length);
    expect(foreignOf(r.report)).toEqual({ count: 4, keys: FOREIGN_KEYS });
    expect(r.log).toContain('left alone: 4 objects this tool did not write');
  });

  it('the next no-op run asks about none of them: one LIST, one manifest GET', async () => {
    const r = await scn.run();
    expect(r.code).toBe(0);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    expect(foreignOf(r.report)?.count).toBe(4);
  });

  it('a dry run lists them as foreign and writes nothing', async () => {
    const r = await scn.run(['--dry_run']);
    expect(r.code).toBe(0);
    expect(foreignOf(r.report)).toEqual({ count: 4, keys: FOREIGN_KEYS });
    expect(s3Writes(r.s3)).toEqual({});
  });

  it('they survive a run after WorkDocs deletes one document and renames another; the log tells a move from a removal', async () => {
    const c = scn.emulator.control;
    c.delete(c.lookup(['Docs', 'b.txt'])!);
    c.rename(c.lookup(['Docs', 'a.txt'])!, 'a-renamed.txt');
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectForeignIntact(scn);
    await expectExactMirrorBeside(scn, FOREIGN_KEYS);
    expect(r.s3.HeadObject ?? 0).toBe(0);
    const deletes = r.report.items.filter((i) => i.action === 'delete').map((i) => `${i.key} ${i.reason}`).sort();
    expect(deletes).toEqual(['Docs/a.txt moved', 'Docs/b.txt stale']);
    expect(r.log).toContain('deletes: 1 moved away, 1 removed');
  });

  it('they survive a run with a lost manifest, while a document deleted in WorkDocs meanwhile is deleted', async () => {
    const c = scn.emulator.control;
    c.delete(c.lookup(['notes.txt'])!);
    await deleteManifest(scn);
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectForeignIntact(scn);
    await expectExactMirrorBeside(scn, FOREIGN_KEYS);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).not.toContain('notes.txt');
    expect(foreignOf(r.report)).toEqual({ count: 4, keys: FOREIGN_KEYS });
    const again = await scn.run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });

  it('archive mode moves only objects this tool owns', async () => {
    const c = scn.emulator.control;
    c.delete(c.lookup(['readme.md'])!);
    const r = await scn.run(['--archive_prefix', 'archive']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals.archived).toBe(1);
    const archiveArea = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/');
    // The archive area may hold the tool's own record of it; what was moved there is the one document.
    expect(archiveArea.filter((k) => !k.startsWith('archive/.workdocs-s3-sync/'))).toEqual([expect.stringMatching(/^archive\/[0-9T-]+Z\/readme\.md$/)]);
    await expectForeignIntact(scn);
    await expectExactMirrorBeside(scn, [...FOREIGN_KEYS, ...archiveArea]);
  });
});

describe('a foreign object at the very key a document maps to', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'foreign-key'); });
  afterAll(async () => scn?.close());

  it('is not overwritten: that upload is blocked and the run exits 1', async () => {
    await putObject(scn, 'notes.txt', 'notes another application keeps here');
    const r = await scn.run();
    expect(r.code).toBe(1);
    expect(r.report.items.find((i) => i.key === 'notes.txt')).toMatchObject({ action: 'upload', outcome: 'blocked', error: expect.stringMatching(/foreign/) });
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'notes.txt')).toString()).toBe('notes another application keeps here');
    // The other documents are mirrored all the same.
    const mirrored = (await readMirror(scn.bucket.client, scn.bucket.bucket)).filter((o) => o.documentId !== '').map((o) => o.key).sort();
    expect(mirrored).toEqual(['Docs/Deep/c.txt', 'Docs/a.txt', 'Docs/b.txt', 'readme.md']);
  });

  it('is replaced with --delete_foreign, exit 0', async () => {
    const r = await scn.run(['--delete_foreign']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await expectExactMirror(scn);
  });
});

describe('--delete_foreign: pure mirror semantics, every guard still applies', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: tenDocuments() }, 'delete-foreign'); });
  afterAll(async () => scn?.close());

  it('deletes foreign objects only within max_delete', async () => {
    expect((await scn.run()).code).toBe(0);
    await putForeignObjects(scn);
    const refused = await scn.run(['--delete_foreign', '--max_delete', '3']);
    expect(refused.code).toBe(1);
    expect(refused.report.deletesBlocked).toMatch(/max_delete/);
    expect(s3Writes(refused.s3).DeleteObjects ?? 0).toBe(0);
    await expectForeignIntact(scn);

    const allowed = await scn.run(['--delete_foreign', '--max_delete', '4']);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    expect(allowed.report.items.filter((i) => i.action === 'delete' && i.outcome === 'done').map((i) => i.key).sort()).toEqual(FOREIGN_KEYS);
    await expectExactMirror(scn);
  });

  it('a dry run with it deletes nothing', async () => {
    await putForeignObjects(scn);
    const r = await scn.run(['--delete_foreign', '--max_delete', '100%', '--dry_run']);
    expect(r.code).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'delete' && i.outcome === 'planned').map((i) => i.key).sort()).toEqual(FOREIGN_KEYS);
    expect(s3Writes(r.s3)).toEqual({});
    await expectForeignIntact(scn);
  });
});

describe('a bucket written like folder_sync.py', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'foreign-adopt'); });
  afterAll(async () => scn?.close());

  it('still has its stale objects and the markers of vanished folders deleted: their metadata marks them as this tool\'s', async () => {
    // What the original leaves: folder path + name at the bucket root, only workdocs-version-id metadata, a
    // zero-byte marker for every folder, binary/octet-stream.
    for (const item of scn.emulator.control.manifest()) {
      const body = await scn.emulator.control.readContent(item.documentId);
      await scn.bucket.client.send(new PutObjectCommand({
        Bucket: scn.bucket.bucket, Key: item.path.join('/'), Body: body, ContentType: 'binary/octet-stream',
        Metadata: { 'workdocs-version-id': item.versionId },
      }));
    }
    for (const marker of ['Docs/', 'Docs/Deep/', 'Empty/', 'Gone/']) await putObject(scn, marker, '');
    await putObject(scn, 'Docs/removed-long-ago.txt', 'old', { 'workdocs-version-id': 'gone' });
    await putObject(scn, 'Gone/removed-with-its-folder.txt', 'older', { 'workdocs-version-id': 'gone-too' });
    await putObject(scn, 'Docs/someone-elses-notes.txt', FOREIGN['Docs/someone-elses-notes.txt']!);

    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.items.filter((i) => i.reason === 'adopted')).toHaveLength(5);
    expect(r.workdocs.Content ?? 0).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'delete' && i.outcome === 'done').map((i) => i.key).sort())
      .toEqual(['Docs/removed-long-ago.txt', 'Gone/', 'Gone/removed-with-its-folder.txt']);
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'Docs/someone-elses-notes.txt')).toString()).toBe(FOREIGN['Docs/someone-elses-notes.txt']);
    expect(foreignOf(r.report)).toEqual({ count: 1, keys: ['Docs/someone-elses-notes.txt'] });
    // The adopted objects keep the original's metadata (no document id): checked by key and MD5.
    const items = scn.emulator.control.manifest();
    for (const item of items) {
      expect(md5Hex(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, item.path.join('/'))), item.path.join('/')).toBe(item.md5);
    }
    const documentKeys = (await listAllKeys(scn.bucket.client, scn.bucket.bucket)).filter((k) => !k.endsWith('/') && !k.startsWith('.workdocs-s3-sync/'));
    expect(documentKeys.sort()).toEqual([...items.map((m) => m.path.join('/')), 'Docs/someone-elses-notes.txt'].sort());
  });
});

describe('one prefix, one source', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'foreign-source'); });
  afterAll(async () => scn?.close());

  it('another WorkDocs folder into a prefix that mirrors one is refused with exit 2, both ids named, zero S3 writes', async () => {
    expect((await scn.run()).code).toBe(0);
    const before = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    const docs = scn.emulator.control.lookup(['Docs'])!;
    const r = await scn.run(['--workdocs_folder_id', docs]);
    expect(r.code).toBe(2);
    const output = r.stdout + r.stderr;
    expect(output).toContain(docs);
    expect(output).toContain(scn.emulator.rootFolderId);
    expect(s3Writes(r.s3)).toEqual({});
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('with --allow_source_change it converges to an exact mirror of the new folder', async () => {
    const docs = scn.emulator.control.lookup(['Docs'])!;
    const r = await scn.run(['--workdocs_folder_id', docs, '--allow_source_change', '--max_delete', '100%']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const expected = scn.emulator.control.manifest().filter((m) => m.path[0] === 'Docs');
    const mirror = await readMirror(scn.bucket.client, scn.bucket.bucket);
    expect(mirror.map((o) => `${o.key} ${o.documentId} ${o.md5}`).sort())
      .toEqual(expected.map((m) => `${m.path.slice(1).join('/')} ${m.documentId} ${m.md5}`).sort());
    // The old mirror's Empty/ marker is gone with the rest of it.
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket)).filter((k) => !k.startsWith('.workdocs-s3-sync/')).sort())
      .toEqual(['Deep/c.txt', 'a.txt', 'b.txt']);
    const again = await scn.run(['--workdocs_folder_id', docs]);
    expect(again.code).toBe(0);
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});

describe('one prefix, one source, with the manifest lost (found by the simulator, seed 1)', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: smallTree() }, 'source-lost'); });
  afterAll(async () => scn?.close());
  const dropManifest = () => scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: '.workdocs-s3-sync/manifest.json' }));

  it('another folder is still refused (exit 2, zero writes): the objects say which folder they mirror', async () => {
    expect((await scn.run()).code).toBe(0);
    await dropManifest();
    const before = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
    const docs = scn.emulator.control.lookup(['Docs'])!;
    const r = await scn.run(['--workdocs_folder_id', docs, '--delete_foreign']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout + r.stderr).toContain(scn.emulator.rootFolderId);
    expect(s3Writes(r.s3)).toEqual({});
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('the same folder rebuilds its manifest as before', async () => {
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, deleted: 0 });
    await expectExactMirror(scn);
  });

  it('a mirror nested in the prefix is another mirror: its objects are left alone, not deleted', async () => {
    const docs = scn.emulator.control.lookup(['Docs'])!;
    // Docs mirrored on its own under nested/ (a prefix inside this one), then this prefix's manifest lost.
    expect((await scn.run(['--workdocs_folder_id', docs, '--s3_prefix', 'nested/'])).code).toBe(0);
    const nested = (await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'nested/')).filter((k) => !k.includes('.workdocs-s3-sync/'));
    expect(nested.length).toBeGreaterThan(0);
    await dropManifest();
    const r = await scn.run(['--max_delete', '100%']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.foreign?.keys).toEqual(expect.arrayContaining(nested));
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'nested/')).toEqual(expect.arrayContaining(nested));
  });
});

describe('a reorganisation is not a deletion', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'sample' }, 'reorganise'); });
  afterAll(async () => scn?.close());

  it('moving every top-level item of the sample tree into one new folder converges in one run, exit 0, default max_delete, no download', async () => {
    expect((await scn.run()).code).toBe(0);
    const c = scn.emulator.control;
    const { id: everything } = c.addFolder({ parentId: scn.emulator.rootFolderId, name: 'Everything' });
    for (const name of ['Welcome.md', 'data.json', 'Projects', 'Reports', 'Empty Folder', 'Archive']) c.move(c.lookup([name])!, everything);
    const r = await scn.run();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.deletesBlocked).toBeUndefined();
    expect(r.workdocs.Content ?? 0).toBe(0);
    const documentDeletes = r.report.items.filter((i) => i.action === 'delete' && !i.key.endsWith('/'));
    expect(documentDeletes.length).toBeGreaterThan(20);
    expect(documentDeletes.filter((i) => i.reason !== 'moved' || i.outcome !== 'done')).toEqual([]);
    const counted = /deletes: (\d+) moved away, (\d+) removed/.exec(r.log);
    expect(counted, 'the log line "deletes: N moved away, M removed"').not.toBeNull();
    // Every document's object was moved away; nothing that held content was removed.
    expect(Number(counted![1])).toBe(documentDeletes.length);
    expect(Number(counted![2])).toBe(0);
    const mirror = await expectExactMirror(scn);
    expect(mirror.filter((o) => !o.key.startsWith('Everything/'))).toEqual([]);
  });
});

describe('a real mass deletion is still refused', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: tenDocuments() }, 'mass-delete'); });
  afterAll(async () => scn?.close());

  it('deleting 60 % of the documents in WorkDocs is refused under the default max_delete, however much foreign data lies beside them', async () => {
    expect((await scn.run()).code).toBe(0);
    // Were these ten part of max_delete's base, 6 of 20 objects (30 %) would pass.
    for (let i = 0; i < 10; i++) await putObject(scn, `other-app/item-${i}.bin`, `other ${i}`);
    const c = scn.emulator.control;
    for (let i = 0; i < 6; i++) c.delete(c.lookup(['Docs', `doc-${i}.txt`])!);
    const r = await scn.run();
    expect(r.code).toBe(1);
    expect(r.report.deletesBlocked).toMatch(/max_delete/);
    expect(r.s3.DeleteObjects ?? 0).toBe(0);
    expect(r.s3.DeleteObject ?? 0).toBeLessThanOrEqual(1); // the lock's release, if it took one
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'Docs/');
    for (let i = 0; i < 10; i++) expect(keys).toContain(`Docs/doc-${i}.txt`);
    for (let i = 0; i < 6; i++) expect(md5Hex(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `Docs/doc-${i}.txt`))).toBe(md5Hex(`document ${i}`));
  });
});

describe('foreign objects in scale-out', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: tenDocuments() }, 'foreign-scale'); });
  afterAll(async () => scn?.close());

  it('plan → shards → finalize leaves them alone too, while a document deleted in WorkDocs is deleted', async () => {
    expect((await scn.run()).code).toBe(0);
    await putForeignObjects(scn);
    const c = scn.emulator.control;
    c.delete(c.lookup(['Docs', 'doc-0.txt'])!);
    c.addDocument({ parentId: c.lookup(['Docs'])!, name: 'new.txt', content: 'new' });
    expect((await scn.run(['--mode', 'plan', '--shard_count', '2', '--run_id', 'f1'])).code).toBe(0);
    for (const shard of ['0', '1']) {
      const r = await scn.run(['--mode', 'shard', '--shard_index', shard, '--run_id', 'f1']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    const finalized = await scn.run(['--mode', 'finalize', '--run_id', 'f1']);
    expect(finalized.code, finalized.stdout + finalized.stderr).toBe(0);
    expect(finalized.report.items.filter((i) => i.action === 'delete' && i.outcome === 'done').map((i) => i.key)).toEqual(['Docs/doc-0.txt']);
    await expectForeignIntact(scn);
    await expectExactMirrorBeside(scn, FOREIGN_KEYS);
  });
});
