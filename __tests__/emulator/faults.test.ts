// Fault injection: every kind observable through the real SDK or a plain HTTP download.
import {
  FailedDependencyException,
  GetDocumentVersionCommand,
  GetFolderCommand,
  InvalidArgumentException,
  ServiceUnavailableException,
  UnauthorizedOperationException,
  WorkDocsServiceException,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { FaultRuleState } from '../../src/emulator/types.js';
import { client, md5 } from './helpers.js';

let emu: Emulator;
let c: WorkDocsClient;
let once: WorkDocsClient;

beforeAll(async () => {
  emu = await startEmulator({ fixture: 'sample', faultSeed: 42 });
  c = client(emu.endpoint);
  once = client(emu.endpoint, { maxAttempts: 1 });
});
afterAll(async () => {
  c?.destroy();
  once?.destroy();
  await emu?.close();
});
afterEach(() => {
  emu.control.clearFaults();
  emu.control.resetCounters();
});

const docId = (): string => emu.control.lookup(['Reports', 'large-dataset.bin'])!;

async function url(id = docId()): Promise<string> {
  const d = emu.store.doc(id);
  const r = await c.send(new GetDocumentVersionCommand({ DocumentId: id, VersionId: emu.store.latest(d).id, Fields: 'SOURCE' }));
  return r.Metadata!.Source!.ORIGINAL!;
}

describe('API error faults', () => {
  it('throttling of the first N requests: the SDK retries and succeeds', async () => {
    emu.control.addFault({ op: 'GetFolder', kind: 'throttle', count: 2 });
    const r = await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    expect(r.Metadata?.Id).toBe(emu.rootFolderId);
    expect(r.$metadata.attempts).toBe(3);
    expect(emu.control.counters().operations['GetFolder']).toBe(3);
    const [rule] = emu.control.faults();
    expect(rule!.applied).toBe(2);
    expect(rule!.matched).toBe(3);
  });

  it('throttling arrives as a throttling error (429) when retries are exhausted', async () => {
    emu.control.addFault({ op: 'GetFolder', kind: 'throttle' });
    const err = await once.send(new GetFolderCommand({ FolderId: emu.rootFolderId })).catch((e: unknown) => e);
    expect((err as WorkDocsServiceException).name).toBe('ThrottlingException');
    expect((err as WorkDocsServiceException).$metadata.httpStatusCode).toBe(429);
  });

  it('503 → ServiceUnavailableException, 424 → FailedDependencyException (not retried), 500, 403, 400', async () => {
    emu.control.addFault({ op: 'GetFolder', kind: 'error', status: 503 });
    await expect(once.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).rejects.toBeInstanceOf(ServiceUnavailableException);
    emu.control.clearFaults();

    emu.control.addFault({ op: 'GetFolder', kind: 'error', status: 424 });
    emu.control.resetCounters();
    const e424 = await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId })).catch((e: unknown) => e);
    expect(e424).toBeInstanceOf(FailedDependencyException);
    expect(emu.control.counters().operations['GetFolder']).toBe(1);
    emu.control.clearFaults();

    emu.control.addFault({ op: 'GetFolder', kind: 'error', status: 500 });
    const e500 = await once.send(new GetFolderCommand({ FolderId: emu.rootFolderId })).catch((e: unknown) => e);
    expect((e500 as WorkDocsServiceException).$metadata.httpStatusCode).toBe(500);
    emu.control.clearFaults();

    emu.control.addFault({ op: 'GetFolder', kind: 'error', status: 403 });
    await expect(once.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).rejects.toBeInstanceOf(UnauthorizedOperationException);
    emu.control.clearFaults();

    emu.control.addFault({ kind: 'error', status: 400, errorType: 'InvalidArgumentException' });
    await expect(once.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('503 on the first request only: the SDK retries and succeeds', async () => {
    emu.control.addFault({ op: 'DescribeFolderContents', kind: 'error', status: 503, count: 1 });
    const { DescribeFolderContentsCommand } = await import('@aws-sdk/client-workdocs');
    const r = await c.send(new DescribeFolderContentsCommand({ FolderId: emu.rootFolderId }));
    expect(r.$metadata.attempts).toBe(2);
  });

  it('rules can target one document id', async () => {
    const target = docId();
    const other = emu.control.lookup(['data.json'])!;
    emu.control.addFault({ op: 'GetDocumentVersion', documentId: target, kind: 'error', status: 424 });
    await expect(url(target)).rejects.toBeInstanceOf(FailedDependencyException);
    await expect(url(other)).resolves.toMatch(/^http/);
  });

  it('probability faults are deterministic for a seed', async () => {
    const run = async (): Promise<boolean[]> => {
      emu.control.setFaults([{ op: 'GetFolder', kind: 'error', status: 424, probability: 0.5 }], 7);
      const out: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        out.push(await once.send(new GetFolderCommand({ FolderId: emu.rootFolderId })).then(() => true, () => false));
      }
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter(Boolean).length).toBeGreaterThan(2);
    expect(a.filter((x) => !x).length).toBeGreaterThan(2);
  });

  it('latency delays the answer', async () => {
    emu.control.addFault({ op: 'GetFolder', kind: 'latency', latencyMs: 300, count: 1 });
    const t = Date.now();
    await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    expect(Date.now() - t).toBeGreaterThanOrEqual(280);
  });

  it('a truncated JSON body makes the SDK call fail', async () => {
    emu.control.addFault({ op: 'GetFolder', kind: 'truncate', afterBytes: 10 });
    await expect(once.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).rejects.toBeTruthy();
  });
});

describe('content faults', () => {
  it('reset: the connection dies mid-body', async () => {
    const u = await url();
    emu.control.addFault({ op: 'Content', kind: 'reset', afterBytes: 100_000 });
    const res = await fetch(u);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(emu.control.counters().contentBytes).toBe(100_000);
  });

  it('truncate: the body ends early although Content-Length promised more', async () => {
    const u = await url();
    emu.control.addFault({ op: 'Content', kind: 'truncate', afterBytes: 5000 });
    const res = await fetch(u);
    const promised = Number(res.headers.get('content-length'));
    expect(promised).toBeGreaterThan(5000);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('corrupt: same length, different bytes, MD5 mismatch', async () => {
    const id = docId();
    const u = await url(id);
    const good = await emu.control.readContent(id);
    emu.control.addFault({ op: 'Content', kind: 'corrupt', corruptBytes: 3, count: 1 });
    const bad = Buffer.from(await (await fetch(u)).arrayBuffer());
    expect(bad.length).toBe(good.length);
    expect(md5(bad)).not.toBe(md5(good));
    let diffs = 0;
    for (let i = 0; i < bad.length; i++) if (bad[i] !== good[i]) diffs++;
    expect(diffs).toBe(3);
    const again = Buffer.from(await (await fetch(u)).arrayBuffer());
    expect(md5(again)).toBe(md5(good));
  });

  it('slow: the body is paced', async () => {
    const id = emu.control.lookup(['Projects', 'Apollo', 'Design', 'Specs', 'spec-v2.md'])!;
    const u = await url(id);
    const size = emu.store.latest(emu.store.doc(id)).content.size;
    emu.control.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: size * 2 });
    const t = Date.now();
    const body = Buffer.from(await (await fetch(u)).arrayBuffer());
    expect(body.length).toBe(size);
    expect(Date.now() - t).toBeGreaterThanOrEqual(400);
  });

  it('error faults on content downloads (503 then success)', async () => {
    const u = await url();
    emu.control.addFault({ op: 'Content', kind: 'error', status: 503, count: 1 });
    expect((await fetch(u)).status).toBe(503);
    expect((await fetch(u)).status).toBe(200);
  });

  it('shortTtl: URLs minted by matching requests expire quickly', async () => {
    emu.control.addFault({ op: 'GetDocumentVersion', kind: 'shortTtl', ttlSeconds: 0.2 });
    const u = await url();
    await new Promise((r) => setTimeout(r, 350));
    expect((await fetch(u)).status).toBe(403);
  });
});

describe('faults over the HTTP control API', () => {
  it('POST/GET/PUT/DELETE /_emulator/faults', async () => {
    const post = await fetch(`${emu.endpoint}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ op: 'GetFolder', kind: 'throttle', count: 1 }),
    });
    expect(post.status).toBe(200);
    const added = (await post.json()) as FaultRuleState[];
    expect(added[0]!.id).toBeTruthy();
    const r = await c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }));
    expect(r.$metadata.attempts).toBe(2);
    const list = (await (await fetch(`${emu.endpoint}/_emulator/faults`)).json()) as FaultRuleState[];
    expect(list[0]!.applied).toBe(1);
    const put = await fetch(`${emu.endpoint}/_emulator/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ op: 'GetFolder', kind: 'error', status: 424 }], seed: 3 }),
    });
    expect(((await put.json()) as FaultRuleState[]).length).toBe(1);
    await expect(c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).rejects.toBeInstanceOf(FailedDependencyException);
    expect((await fetch(`${emu.endpoint}/_emulator/faults`, { method: 'DELETE' })).status).toBe(200);
    await expect(c.send(new GetFolderCommand({ FolderId: emu.rootFolderId }))).resolves.toBeTruthy();
    const bad = await fetch(`${emu.endpoint}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ kind: 'nope' }) });
    expect(bad.status).toBe(400);
  });
});
