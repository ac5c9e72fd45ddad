// Content downloads through presigned Source.ORIGINAL URLs: integrity, ranges, expiry, tampering.
import { GetDocumentVersionCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { client, download, md5, streamMd5, walk } from './helpers.js';

let emu: Emulator;
let c: WorkDocsClient;

beforeAll(async () => {
  emu = await startEmulator({ fixture: 'sample' });
  c = client(emu.endpoint);
});
afterAll(async () => {
  c?.destroy();
  await emu?.close();
});

async function sourceUrl(docId: string, versionId: string): Promise<string> {
  const r = await c.send(new GetDocumentVersionCommand({ DocumentId: docId, VersionId: versionId, Fields: 'SOURCE' }));
  return r.Metadata!.Source!.ORIGINAL!;
}

async function urlOf(...path: string[]): Promise<{ url: string; size: number; signature: string }> {
  const docId = emu.control.lookup(path)!;
  const v = emu.store.latest(emu.store.doc(docId));
  return { url: await sourceUrl(docId, v.id), size: v.content.size, signature: v.content.md5() };
}

describe('content downloads', () => {
  it('every visible document downloads with MD5 = Signature and length = Size (streamed, incl. the > 64 MiB one)', async () => {
    const all = await walk(c, emu.rootFolderId);
    expect(all.length).toBeGreaterThan(20);
    let sawHuge = false;
    for (const { doc } of all) {
      const v = doc.LatestVersionMetadata!;
      const url = await sourceUrl(doc.Id!, v.Id!);
      const r = await streamMd5(url);
      expect(r.status).toBe(200);
      expect(r.size).toBe(v.Size);
      expect(r.md5).toBe(v.Signature);
      if (v.Size! > 64 * 1024 * 1024) sawHuge = true;
    }
    expect(sawHuge).toBe(true);
    const counters = emu.control.counters();
    expect(counters.operations['Content']).toBeGreaterThanOrEqual(all.length);
    expect(counters.contentBytes).toBeGreaterThan(64 * 1024 * 1024);
  });

  it('sends Content-Length, Content-Type, Accept-Ranges, and an exact body for small files', async () => {
    const { url, size } = await urlOf('Welcome.md');
    const r = await download(url);
    expect(r.status).toBe(200);
    expect(Number(r.headers.get('content-length'))).toBe(size);
    expect(r.headers.get('content-type')).toBe('text/markdown');
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.body.toString('utf8')).toMatch(/^# Welcome to the team share/);
    expect(r.body).toEqual(await emu.control.readContent(emu.control.lookup(['Welcome.md'])!));
  });

  it('zero-byte documents download as empty bodies', async () => {
    const { url } = await urlOf('Reports', 'empty.txt');
    const r = await download(url);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
    expect(r.headers.get('content-length')).toBe('0');
  });

  it('serves Range requests with 206 and Content-Range', async () => {
    const { url, size } = await urlOf('Reports', 'large-dataset.bin');
    const full = await emu.control.readContent(emu.control.lookup(['Reports', 'large-dataset.bin'])!);
    expect(full.length).toBe(size);
    const a = await download(url, { Range: 'bytes=100-199' });
    expect(a.status).toBe(206);
    expect(a.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect(a.headers.get('content-length')).toBe('100');
    expect(a.body).toEqual(full.subarray(100, 200));
    const b = await download(url, { Range: `bytes=${size - 1000}-` });
    expect(b.status).toBe(206);
    expect(b.body).toEqual(full.subarray(size - 1000));
    expect(b.headers.get('content-range')).toBe(`bytes ${size - 1000}-${size - 1}/${size}`);
    const cross = await download(url, { Range: 'bytes=65530-131080' });
    expect(cross.body).toEqual(full.subarray(65530, 131081));
    const suffix = await download(url, { Range: 'bytes=-10' });
    expect(suffix.body).toEqual(full.subarray(size - 10));
    const beyond = await download(url, { Range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  it('range of a file beyond its end is clamped', async () => {
    const { url, size } = await urlOf('data.json');
    const r = await download(url, { Range: `bytes=0-${size + 100}` });
    expect(r.status).toBe(206);
    expect(r.body.length).toBe(size);
  });

  it('generated content is deterministic across emulator instances', async () => {
    const other = await startEmulator({ fixture: 'sample' });
    try {
      const id = emu.control.lookup(['Reports', 'large-dataset.bin'])!;
      expect(other.control.lookup(['Reports', 'large-dataset.bin'])).toBe(id);
      expect(md5(await other.control.readContent(id))).toBe(md5(await emu.control.readContent(id)));
    } finally {
      await other.close();
    }
  });
});

describe('presigned URL protection', () => {
  it('an expired URL answers 403 (clock advanced past the TTL)', async () => {
    const { url } = await urlOf('data.json');
    expect((await download(url)).status).toBe(200);
    emu.control.advanceClock(901);
    try {
      const r = await download(url);
      expect(r.status).toBe(403);
      expect(r.body.toString()).toContain('AccessDenied');
      // a fresh URL works again
      const fresh = await urlOf('data.json');
      expect((await download(fresh.url)).status).toBe(200);
    } finally {
      emu.control.advanceClock(-901);
    }
  });

  it('setUrlTtl shortens the lifetime of new URLs (real time)', async () => {
    emu.control.setUrlTtl(0.3);
    try {
      const { url } = await urlOf('data.json');
      expect((await download(url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 450));
      expect((await download(url)).status).toBe(403);
    } finally {
      emu.control.setUrlTtl(900);
    }
  });

  it('a tampered URL answers 403', async () => {
    const { url } = await urlOf('data.json');
    const u = new URL(url);
    const exp = Number(u.searchParams.get('X-Emu-Expires'));
    const longer = new URL(url);
    longer.searchParams.set('X-Emu-Expires', String(exp + 3_600_000));
    expect((await download(longer.toString())).status).toBe(403);
    const otherDoc = new URL(url.replace(emu.control.lookup(['data.json'])!, emu.control.lookup(['Welcome.md'])!));
    expect((await download(otherDoc.toString())).status).toBe(403);
    const sig = u.searchParams.get('X-Emu-Signature')!;
    const flipped = new URL(url);
    flipped.searchParams.set('X-Emu-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    expect((await download(flipped.toString())).status).toBe(403);
    const stripped = new URL(url);
    stripped.search = '';
    expect((await download(stripped.toString())).status).toBe(403);
  });
});
