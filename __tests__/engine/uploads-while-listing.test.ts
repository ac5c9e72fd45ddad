// EarlyUploads decides, folder by folder while the listing runs, which documents can only be uploaded and
// starts those while the lock is taken, letting them land only once it is held. Pure unit tests: the lock and
// the upload are recorded fakes.
import { describe, expect, it } from 'vitest';
import type { InventoryObject, ManifestEntry, SourceDocument, SourceFolder } from '../../src/core/types.js';
import { EarlyUploads, type EarlyLockOutcome, type EarlyUpload } from '../../src/engine/uploads-while-listing.js';
import type { LoadedManifest } from '../../src/s3/manifest-store.js';
import { WriteRefusedError } from '../../src/errors.js';

const ROOT = 'root';
function folder(id: string, name: string, parentId = ROOT): SourceFolder {
  return { id, name, parentId, createdAt: 1 };
}
function doc(id: string, name: string, parentId = ROOT, versionId = `${id}-v1`): SourceDocument {
  return { id, name, parentId, createdAt: 1, modifiedAt: 1, versionId, size: 3, md5: undefined, contentType: undefined };
}
function loadedWith(entries: [string, ManifestEntry][] = []): LoadedManifest {
  return { state: entries.length > 0 ? 'found' : 'missing', manifest: { entries: new Map(entries) }, etag: undefined } as LoadedManifest;
}

/**
 * `lock`: what taking the lock ends in; `writes`: whether it got as far as writing its record first (a lost race)
 * or not (a live lock found). The fake upload goes through the gate like the real one: it may start, then its
 * object appears (`uploaded`) only if it may commit; a refusal is a failed item, as the executor reports it.
 */
function harness(lock: EarlyLockOutcome | Error = 'ok', fail: ReadonlySet<string> = new Set(), writes = !(lock instanceof Error)) {
  const started: string[] = [];
  const uploaded: string[] = [];
  let locks = 0;
  const early = new EarlyUploads(ROOT, 'm/', 4,
    async (_loaded, onWriting) => {
      locks++;
      await Promise.resolve();
      if (writes) onWriting();
      await new Promise((r) => setTimeout(r, 5)); // the settle wait: uploads run meanwhile
      if (lock instanceof Error) throw lock;
      return lock;
    },
    async (d, key, gate): Promise<EarlyUpload> => {
      const item = { action: 'upload' as const, key, outcome: 'failed' as const, reason: 'new', documentId: d.id, versionId: d.versionId };
      try {
        await gate.mayStart();
        started.push(key);
        if (fail.has(key)) return { item };
        await gate.mayCommit();
      } catch (error) {
        expect(error).toBeInstanceOf(WriteRefusedError);
        return { item };
      }
      uploaded.push(key);
      return { item: { ...item, outcome: 'done' }, entry: { documentId: d.id, versionId: d.versionId, size: d.size, md5: 'a'.repeat(32) } };
    });
  return { early, started, uploaded, locks: () => locks };
}

describe('EarlyUploads', () => {
  it('uploads what can only be uploaded, once its folder and all above are listed, and takes the lock once', async () => {
    const h = harness();
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [folder('f1', 'Docs')], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    h.early.folderListed('f1', [], [doc('d3', 'c.txt', 'f1')]);
    const result = await h.early.finish();
    expect(h.uploaded.sort()).toEqual(['m/Docs/c.txt', 'm/a.txt', 'm/b.txt']);
    expect(h.locks()).toBe(1);
    expect(result.lock).toBe('ok');
    expect(result.objects.map((o) => o.key).sort()).toEqual(['m/Docs/c.txt', 'm/a.txt', 'm/b.txt']);
    expect([...result.entries.keys()].sort()).toEqual(['m/Docs/c.txt', 'm/a.txt', 'm/b.txt']);
  });

  it.each<[string, InventoryObject[], [string, ManifestEntry][], string[]]>([
    ['an object already at the key (skip, adopt or replace: the plan decides)', [{ key: 'm/a.txt', size: 3, etag: 'x', lastModified: 0 }],
      [['m/a.txt', { documentId: 'd0', versionId: 'd0-v1', size: 3, md5: 'x' }]], ['m/b.txt']],
    ['everything, when an object the manifest does not account for may hold any version (a lost manifest: the plan may copy it)',
      [{ key: 'm/a.txt', size: 3, etag: 'x', lastModified: 0 }], [], []],
    ['a version the manifest already holds somewhere (a rename: the plan copies it)', [],
      [['m/old.txt', { documentId: 'd1', versionId: 'd1-v1', size: 3, md5: 'a'.repeat(32) }]], ['m/b.txt']],
  ])('leaves alone %s', async (_name, inventory, entries, expected) => {
    const h = harness();
    h.early.destinationReady(inventory, loadedWith(entries));
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    await h.early.finish();
    expect(h.uploaded).toEqual(expected);
  });

  it('waits for the bucket listing before judging folders listed earlier', async () => {
    const h = harness();
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    expect(h.uploaded).toEqual([]);
    h.early.destinationReady([{ key: 'm/a.txt', size: 3, etag: 'x', lastModified: 0 }], loadedWith([['m/a.txt', { documentId: 'd0', versionId: 'd0-v1', size: 3, md5: 'x' }]]));
    await h.early.finish();
    expect(h.uploaded).toEqual(['m/b.txt']);
  });

  it('takes no lock and uploads nothing when nothing qualifies (a no-op resync stays lock-free)', async () => {
    const h = harness();
    h.early.destinationReady([{ key: 'm/a.txt', size: 3, etag: 'x', lastModified: 0 }], loadedWith());
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt')]);
    const result = await h.early.finish();
    expect(h.locks()).toBe(0);
    expect(result.lock).toBeUndefined();
  });

  it('starts uploads while the lock settles, but lands and reports none when the bucket changed before it was taken', async () => {
    const h = harness('stale');
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [folder('f1', 'Docs')], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    h.early.folderListed('f1', [], [doc('d3', 'c.txt', 'f1')]);
    const result = await h.early.finish();
    expect(h.started.length).toBeGreaterThan(0);
    expect(h.uploaded).toEqual([]);
    expect(result.items.size).toBe(0);
    expect(result.objects).toEqual([]);
    expect(result.lock).toBe('stale');
  });

  it('passes on the lock refusal (another run holds the prefix), having started nothing', async () => {
    const h = harness(new Error('another run holds the lock'));
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt')]);
    await expect(h.early.finish()).rejects.toThrow(/another run holds the lock/);
    expect(h.started).toEqual([]);
    expect(h.uploaded).toEqual([]);
  });

  it('a race lost after writing the lock record: uploads had started, none lands', async () => {
    const h = harness(new Error('another run took the lock at the same time'), new Set(), true);
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    await expect(h.early.finish()).rejects.toThrow(/took the lock at the same time/);
    expect(h.started.sort()).toEqual(['m/a.txt', 'm/b.txt']);
    expect(h.uploaded).toEqual([]);
  });

  it('nothing commits after the run began to end (settle), even with the lock held', async () => {
    const h = harness('ok');
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt')]);
    await h.early.settle();
    expect(h.uploaded).toEqual([]);
  });

  it('a failed early upload is reported, with no object and no manifest entry', async () => {
    const h = harness('ok', new Set(['m/a.txt']));
    h.early.destinationReady([], loadedWith());
    h.early.folderListed(ROOT, [], [doc('d1', 'a.txt'), doc('d2', 'b.txt')]);
    const result = await h.early.finish();
    expect(result.items.get('m/a.txt')?.outcome).toBe('failed');
    expect(result.objects.map((o) => o.key)).toEqual(['m/b.txt']);
    expect([...result.entries.keys()]).toEqual(['m/b.txt']);
  });

  it('an upload that throws instead of reporting its failure (a bug) is thrown by finish(), not lost; settle() still ends', async () => {
    const throwing = () => new EarlyUploads(ROOT, 'm/', 2, async () => 'ok', async () => { throw new Error('the upload threw'); });
    const finished = throwing();
    finished.destinationReady([], loadedWith());
    finished.folderListed(ROOT, [], [doc('d1', 'a.txt')]);
    await expect(finished.finish()).rejects.toThrow('the upload threw');
    const settled = throwing();
    settled.destinationReady([], loadedWith());
    settled.folderListed(ROOT, [], [doc('d1', 'a.txt')]);
    await expect(settled.settle()).resolves.toBeUndefined();
  });

  it('leaves a repeated document id, and the children of folders relocated for length, to the plan', async () => {
    const h = harness();
    h.early.destinationReady([], loadedWith());
    const deep = folder('f1', 'n'.repeat(1000));
    h.early.folderListed(ROOT, [deep], [doc('d1', 'a.txt')]);
    h.early.folderListed('f1', [], [doc('d2', 'x.txt', 'f1')]);
    h.early.folderListed(ROOT, [], [doc('d1', 'a-again.txt')]);
    await h.early.finish();
    expect(h.uploaded).toEqual(['m/a.txt']);
  });
});
