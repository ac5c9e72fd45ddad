// The procedural generator: 100,000 documents in 10,000 folders, served quickly through the real SDK.
import { DescribeFolderContentsCommand, GetDocumentVersionCommand, GetFolderCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { client, listAll, streamMd5 } from './helpers.js';

describe('100k-document generated tree', { timeout: 120_000 }, () => {
  let emu: Emulator;
  let c: WorkDocsClient;
  let startMs = 0;
  let heapDelta = 0;

  beforeAll(async () => {
    const heap0 = process.memoryUsage().heapUsed;
    const t = Date.now();
    emu = await startEmulator({ generate: { folders: 10_000, documents: 100_000, seed: 'big' } });
    startMs = Date.now() - t;
    heapDelta = process.memoryUsage().heapUsed - heap0;
    c = client(emu.endpoint);
  });
  afterAll(async () => {
    c?.destroy();
    await emu?.close();
  });

  it('holds the requested counts (root + 10,000 folders, 100,000 documents)', () => {
    const info = emu.control.info();
    expect(info.folders).toBe(10_001);
    expect(info.documents).toBe(100_000);
    console.log(`generator: started in ${startMs} ms, heap +${Math.round(heapDelta / 1e6)} MB`);
    expect(heapDelta).toBeLessThan(1e9);
  });

  it('serves the root and nested listings with pagination', async () => {
    const root = await listAll(c, emu.rootFolderId, { Limit: 999 });
    expect(root.folders).toHaveLength(10);
    expect(root.documents).toHaveLength(0);
    const sub = root.folders[0]!;
    const r = await c.send(new GetFolderCommand({ FolderId: sub.Id! }));
    expect(r.Metadata?.ParentFolderId).toBe(emu.rootFolderId);
    const inner = await listAll(c, sub.Id!, { Limit: 3 });
    expect(inner.folders).toHaveLength(10);
    expect(inner.documents).toHaveLength(10);
    expect(inner.pages).toBe(7);
    const d = inner.documents[0]!;
    const v = await c.send(new GetDocumentVersionCommand({ DocumentId: d.Id!, VersionId: d.LatestVersionMetadata!.Id!, Fields: 'SOURCE' }));
    const dl = await streamMd5(v.Metadata!.Source!.ORIGINAL!);
    expect(dl.md5).toBe(d.LatestVersionMetadata!.Signature);
    expect(dl.size).toBe(d.LatestVersionMetadata!.Size);
  });

  it('lists a breadth of folders quickly (many pages in a row)', async () => {
    const t = Date.now();
    let seen = 0;
    const queue = [emu.rootFolderId];
    while (queue.length && seen < 2000) {
      const id = queue.shift()!;
      const r = await c.send(new DescribeFolderContentsCommand({ FolderId: id, Limit: 999 }));
      seen += (r.Folders?.length ?? 0) + (r.Documents?.length ?? 0);
      queue.push(...r.Folders!.map((f) => f.Id!));
    }
    expect(seen).toBeGreaterThanOrEqual(2000);
    console.log(`generator: ${seen} items listed in ${Date.now() - t} ms`);
  });

  it('a folder with 100,000 children pages quickly (limit=999, NAME and DATE)', async () => {
    const flat = await startEmulator({ generate: { folders: 0, documents: 100_000, seed: 'flat', size: 1 } });
    const fc = client(flat.endpoint);
    try {
      const t = Date.now();
      const all = await listAll(fc, flat.rootFolderId, { Limit: 999, Sort: 'DATE', Order: 'DESCENDING' });
      expect(all.documents).toHaveLength(100_000);
      expect(all.pages).toBe(101);
      expect(all.markers.at(-1)).toBeUndefined();
      console.log(`generator: 100k flat listing in ${Date.now() - t} ms`);
    } finally {
      fc.destroy();
      await flat.close();
    }
  });

  it('sizes: fixed or a deterministic mix', async () => {
    const fixed = await startEmulator({ generate: { folders: 2, documents: 20, seed: 1, size: 777 } });
    const mixA = await startEmulator({ generate: { folders: 2, documents: 50, seed: 9, minSize: 10, maxSize: 100_000 } });
    const mixB = await startEmulator({ generate: { folders: 2, documents: 50, seed: 9, minSize: 10, maxSize: 100_000 } });
    try {
      expect(new Set(fixed.control.manifest().map((m) => m.size))).toEqual(new Set([777]));
      const a = mixA.control.manifest();
      const sizes = a.map((m) => m.size);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100_000);
      expect(new Set(sizes).size).toBeGreaterThan(10);
      expect(mixB.control.manifest()).toEqual(a);
    } finally {
      await Promise.all([fixed.close(), mixA.close(), mixB.close()]);
    }
  });
});
