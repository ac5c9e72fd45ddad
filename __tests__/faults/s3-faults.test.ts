// Fault matrix, S3 side: the real S3 server behind the fault-injecting proxy (test-support/fault-proxy.ts).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ProxyRule } from '../../test-support/fault-proxy.js';
import { listAllKeys } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, nonZero, type Scenario } from '../helpers/scenario.js';
import {
  expectConverges,
  expectManifestWhole,
  expectNothingLiveDeleted,
  expectNoWrongBytes,
  expectOutsideUntouched,
  expectTruthfulReport,
  FAULT_SIZES,
  proxiedFaultScenarios,
} from './harness.js';

const PREFIX = 'mirror/';

const faults = proxiedFaultScenarios();
const setup = faults.setup;

/** Runs through the proxy. */
function viaProxy(s: Scenario, extra: readonly string[] = []) {
  return s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', faults.proxy.endpoint, ...extra]);
}

function id(s: Scenario, ...path: string[]): string {
  return s.emulator.control.lookup(path)!;
}

describe('the fault proxy is transparent', () => {
  it('forwards signed requests unchanged and names every S3 operation', async () => {
    const s = await setup('s3-proxy');
    faults.proxy.reset();
    const r = await viaProxy(s);
    expect(r.code).toBe(0);
    const seen = faults.proxy.counts();
    // The proxy's classification agrees with the client's own count, request for request.
    expect(seen).toEqual(nonZero(r.s3));
    expect(seen.PutObject).toBeGreaterThanOrEqual(8);
  });
});

describe('S3 faults that retries heal', () => {
  it.each<[string, ProxyRule[]]>([
    ['SlowDown bursts on writes, parts and listings', [
      { kind: 'error', status: 503, code: 'SlowDown', operation: 'PutObject', count: 2 },
      { kind: 'error', status: 503, code: 'SlowDown', operation: 'UploadPart', count: 2 },
      { kind: 'error', status: 503, code: 'SlowDown', operation: 'ListObjectsV2', count: 1 },
      { kind: 'error', status: 503, code: 'SlowDown', operation: 'CreateMultipartUpload', count: 1 },
    ]],
    ['500 InternalError on every kind of write once', [
      { kind: 'error', status: 500, operation: 'PutObject', count: 2 },
      { kind: 'error', status: 500, operation: 'CompleteMultipartUpload', count: 1 },
      { kind: 'error', status: 500, operation: 'GetObject', count: 1 },
    ]],
    ['connection resets in the middle of multipart parts', [
      { kind: 'reset', operation: 'UploadPart', count: 3, afterBytes: 1024 * 1024 },
    ]],
    ['parts that landed but whose answer was lost', [
      { kind: 'resetAfterForward', operation: 'UploadPart', count: 2 },
      { kind: 'resetAfterForward', operation: 'CompleteMultipartUpload', count: 1 },
    ]],
    ['streamed PUTs that landed but whose answer was lost, and resets mid-PUT', [
      { kind: 'resetAfterForward', operation: 'PutObject', key: 'big', count: 2 },
      { kind: 'reset', operation: 'PutObject', key: 'big2', count: 1, afterBytes: 2 * 1024 * 1024 },
    ]],
    ['a two-second outage of the whole endpoint during the transfers', [
      // Documents only: an outage that starts at the lock's first write is "S3 down from the start" (exit 3), tested below.
      { kind: 'reset', operation: ['PutObject', 'UploadPart', 'CreateMultipartUpload'], key: /^mirror\/(?!\.workdocs-s3-sync\/)/, when: outageWindow(2000) },
    ]],
  ])('%s', async (name, rules) => {
    const s = await setup(`s3-${name.slice(0, 10)}`, /part/.test(name));
    const added = rules.map((rule) => faults.proxy.addRule(rule));
    const r = await viaProxy(s);
    expect(added.reduce((n, rule) => n + rule.applied, 0)).toBeGreaterThan(0);
    faults.proxy.clearRules();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    const again = await expectConverges(s, PREFIX);
    expect(again.report.changed).toBe(false);
  });
});

describe('bodies damaged on the way to S3', () => {
  it('are refused by S3 and sent again: a damaged part alone from its buffer, any other body with its file', async () => {
    const s = await setup('s3-damaged', true);
    // Versions without a Signature: the engine hashes them itself and sends that MD5 (small) or goes multipart.
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'unsigned-small.bin', generate: { seed: 'us', size: 300_000 }, noSignature: true });
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'unsigned-big.bin', generate: { seed: 'ub', size: 6 * 1024 * 1024 }, noSignature: true });
    const rules = [
      { kind: 'corrupt', operation: 'PutObject', key: 'A/a2.bin', count: 1, afterBytes: 1000 }, // in memory, Content-MD5 = Signature
      { kind: 'corrupt', operation: 'PutObject', key: 'big1.bin', count: 1, afterBytes: 3 * 1024 * 1024 }, // streamed
      { kind: 'corrupt', operation: 'PutObject', key: 'unsigned-small.bin', count: 1, afterBytes: 10 }, // in memory, own MD5
      { kind: 'corrupt', operation: 'UploadPart', key: 'huge.bin', count: 1, afterBytes: 1000 },
      { kind: 'corrupt', operation: 'UploadPart', key: 'unsigned-big.bin', count: 1, afterBytes: 1000 },
    ] satisfies ProxyRule[];
    const added = rules.map((rule) => faults.proxy.addRule(rule));
    const r = await viaProxy(s);
    faults.proxy.clearRules();
    expect(added.map((rule) => rule.applied)).toEqual([1, 1, 1, 1, 1]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // S3 refused every damaged body: nothing that differs from what was hashed landed.
    expect(r.s3.PutObject).toBeGreaterThan(0);
    for (const name of ['huge.bin', 'unsigned-big.bin']) {
      expect(r.log).toMatch(new RegExp(`resend 1 after damage on the way: part \\d+ of "${PREFIX}${name.replace('.', '\\.')}": BadDigest`));
      expect(r.log).not.toMatch(new RegExp(`attempt 1 failed "${PREFIX}${name.replace('.', '\\.')}"`));
    }
    for (const name of ['A/a2.bin', 'big1.bin', 'unsigned-small.bin']) {
      expect(r.log).toMatch(new RegExp(`upload attempt 1 failed "${PREFIX}${name.replace('.', '\\.')}".*BadDigest.*; retrying`));
    }
    expectTruthfulReport(r);
    expect(r.report.totals.failed).toBe(0);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectExactMirror(s, PREFIX);
    await expectOutsideUntouched(s, PREFIX);
    const again = await expectConverges(s, PREFIX);
    expect(again.report.changed).toBe(false);
  });
});

describe('the manifest damaged on the way to S3 (found by the simulator, seed 34)', () => {
  it('is sent again, so the run records what it did and the old manifest never outlives its deletes', async () => {
    const s = await setup('s3-manifest-damaged');
    expect((await viaProxy(s)).code).toBe(0);
    s.emulator.control.delete(s.emulator.control.lookup(['A', 'a1.txt'])!);
    const rule = faults.proxy.addRule({ kind: 'corrupt', operation: 'PutObject', key: '.workdocs-s3-sync/manifest.json', count: 1, afterBytes: 10 });
    const r = await viaProxy(s);
    faults.proxy.clearRules();
    expect(rule.applied).toBe(1);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals.deleted).toBe(1);
    expect(r.log).toMatch(/manifest written/);
    await expectExactMirror(s, PREFIX);
    const again = await expectConverges(s, PREFIX);
    expect(again.report.changed).toBe(false);
  });
});

/** A `when` that is true for `ms` from the first request it sees. */
function outageWindow(ms: number): () => boolean {
  let start: number | undefined;
  return () => {
    start ??= Date.now();
    return Date.now() - start < ms;
  };
}

describe('S3 faults that outlast the run', () => {
  it('an outage during the delete phase: deletes fail and are reported, nothing else changes, the rerun deletes', async () => {
    const s = await setup('s3-del-outage');
    expect((await viaProxy(s)).code).toBe(0);
    s.emulator.control.delete(id(s, 'top.txt'));
    s.emulator.control.delete(id(s, 'A', 'AA'));
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    const outage = faults.proxy.addRule({ kind: 'reset', operation: 'DeleteObjects' });
    const r = await viaProxy(s);
    faults.proxy.removeRule(outage.id);
    expect(outage.applied).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expectTruthfulReport(r);
    const deletes = r.report.items.filter((i) => i.action === 'delete');
    expect(deletes.map((i) => i.key).sort()).toEqual([`${PREFIX}A/AA/deep.txt`, `${PREFIX}top.txt`]);
    expect(deletes.every((i) => i.outcome === 'failed' && /ECONNRESET|socket hang up|reset/i.test(i.error ?? ''))).toBe(true);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual(before);
    await expectNothingLiveDeleted(s, PREFIX, before);
    await expectOutsideUntouched(s, PREFIX);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.totals.deleted).toBe(2);
    expect(rerun.report.totals.uploaded).toBe(0);
  });

  it('access denied on delete only: the deletes fail with AccessDenied, exit 1, everything else done', async () => {
    const s = await setup('s3-del-denied');
    expect((await viaProxy(s)).code).toBe(0);
    s.emulator.control.delete(id(s, 'B', 'b1.txt'));
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'added.txt', content: 'added' });
    const denied = faults.proxy.addRule({ kind: 'error', status: 403, code: 'AccessDenied', operation: ['DeleteObjects', 'DeleteObject'], key: '' , when: (req) => !req.key.includes('.workdocs-s3-sync/') });
    const r = await viaProxy(s);
    faults.proxy.removeRule(denied.id);
    expect(r.code).toBe(1);
    expectTruthfulReport(r);
    const item = r.report.items.find((i) => i.action === 'delete')!;
    expect(item).toMatchObject({ key: `${PREFIX}B/b1.txt`, outcome: 'failed' });
    expect(item.error).toMatch(/AccessDenied/);
    expect(r.report.items.find((i) => i.key === `${PREFIX}added.txt`)).toMatchObject({ action: 'upload', outcome: 'done' });
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toContain(`${PREFIX}B/b1.txt`);
    await expectOutsideUntouched(s, PREFIX);
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action !== 'skip').map((i) => `${i.action} ${i.key}`)).toEqual([`delete ${PREFIX}B/b1.txt`]);
  });

  it('a server that answers another ETag than the Signature (it ignored Content-MD5): those files fail and their objects are removed again', async () => {
    const s = await setup('s3-etag-lies');
    // One small file (buffered PUT) and one streamed PUT; every attempt at them is answered with a wrong ETag.
    const liar = faults.proxy.addRule({ kind: 'alterEtag', operation: 'PutObject', key: /a2\.bin$|big1\.bin$/ });
    const r = await viaProxy(s);
    faults.proxy.removeRule(liar.id);
    expect(liar.applied).toBe(6); // 3 attempts per file
    expect(r.code).toBe(1);
    expectTruthfulReport(r);
    const failed = r.report.items.filter((i) => i.outcome === 'failed');
    expect(failed.map((i) => i.key).sort()).toEqual([`${PREFIX}A/a2.bin`, `${PREFIX}big1.bin`]);
    for (const item of failed) expect(item.error).toMatch(/did not check Content-MD5; the object was removed/);
    const keys = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    expect(keys).not.toContain(`${PREFIX}A/a2.bin`);
    expect(keys).not.toContain(`${PREFIX}big1.bin`);
    await expectNoWrongBytes(s, PREFIX);
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'upload').map((i) => i.key).sort()).toEqual([`${PREFIX}A/a2.bin`, `${PREFIX}big1.bin`]);
  });

  it('under SSE-KMS the ETag is not the MD5: an answer that says aws:kms is not taken for a server that ignored Content-MD5', async () => {
    const s = await setup('s3-etag-kms');
    const kms = faults.proxy.addRule({ kind: 'alterEtag', operation: 'PutObject', key: /a2\.bin$|big1\.bin$/, responseHeaders: { 'x-amz-server-side-encryption': 'aws:kms' } });
    const r = await viaProxy(s);
    faults.proxy.removeRule(kms.id);
    expect(kms.applied).toBe(2);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    await expectExactMirror(s, PREFIX);
  });

  it('a multipart part that fails on every attempt: that file fails, its upload is aborted, nothing partial lands', async () => {
    const s = await setup('s3-part-dead', true);
    const dead = faults.proxy.addRule({ kind: 'error', status: 500, operation: 'UploadPart', key: 'huge.bin' });
    const r = await viaProxy(s);
    faults.proxy.removeRule(dead.id);
    expect(dead.applied).toBeGreaterThan(1);
    expect(r.code).toBe(1);
    expectTruthfulReport(r);
    expect(r.report.items.filter((i) => i.outcome === 'failed').map((i) => i.key)).toEqual([`${PREFIX}huge.bin`]);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).not.toContain(`${PREFIX}huge.bin`);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectNoWrongBytes(s, PREFIX);
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'upload').map((i) => i.key)).toEqual([`${PREFIX}huge.bin`]);
  });

  it('the manifest write failing on every attempt: the report says so, tells the truth about what was done, the rerun rebuilds it', async () => {
    const s = await setup('s3-manifest-dead');
    expect((await viaProxy(s)).code).toBe(0);
    s.emulator.control.delete(id(s, 'top.txt'));
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'added.txt', content: 'added' });
    const dead = faults.proxy.addRule({ kind: 'error', status: 500, operation: 'PutObject', key: 'manifest.json' });
    const r = await viaProxy(s);
    faults.proxy.removeRule(dead.id);
    expect(dead.applied).toBeGreaterThan(0);
    expect(r.code).not.toBe(0);
    expectTruthfulReport(r);
    // The items that were done are reported as done: the delete really happened.
    expect(r.report.items.find((i) => i.action === 'delete')).toMatchObject({ key: `${PREFIX}top.txt`, outcome: 'done' });
    expect(r.report.fatal ?? '').not.toMatch(/nothing was deleted/);
    expect(r.report.fatal ?? r.stdout).toMatch(/manifest/);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.totals.uploaded).toBe(0);
  });

  it('a bucket that does not exist: exit 2 naming s3_bucket_name, nothing written anywhere', async () => {
    const s = await setup('s3-nobucket');
    faults.proxy.reset();
    const r = await viaProxy(s, ['--s3_bucket_name', 'no-such-bucket-for-faults']);
    expect(r.code).toBe(2);
    expectTruthfulReport(r);
    expect(r.stdout + r.stderr).toMatch(/s3_bucket_name.*no-such-bucket-for-faults.*does not exist/);
    const writes = faults.proxy.requests().filter((q) => q.method !== 'GET' && q.method !== 'HEAD');
    expect(writes).toEqual([]);
  });

  it('S3 down before the run starts: exit 3, nothing written, WorkDocs content untouched', async () => {
    const s = await setup('s3-down');
    const down = faults.proxy.addRule({ kind: 'error', status: 503, code: 'ServiceUnavailable' });
    const r = await viaProxy(s);
    faults.proxy.removeRule(down.id);
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.fatal).toMatch(/S3 bucket could not be listed/);
    expect(r.workdocs.Content ?? 0).toBe(0);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual([]);
    await expectConverges(s, PREFIX);
  });
});

// Swift has no conditional writes: the lock is a plain PUT, a settle wait and a re-read. Uploads start meanwhile,
// and nothing of theirs may land until the re-read shows the lock ours. The re-read is held back here (1.5 s), so
// the streamed big1.bin (one PUT) has sent all but its last bytes by the time the lock's fate is known.
describe('uploads that start while the lock settles', () => {
  const LOCK = `${PREFIX}.workdocs-s3-sync/lock.json`;
  const slowReRead: ProxyRule = { kind: 'latency', latencyMs: 1500, operation: 'GetObject', key: LOCK, skip: 1, count: 1 };

  it('overlap the settle wait, and land once the lock proves ours', async () => {
    const s = await setup('s3-lock-overlap');
    const held = faults.proxy.addRule(slowReRead);
    faults.proxy.reset();
    const r = await viaProxy(s);
    expect(held.applied).toBe(1);
    expect(r.code).toBe(0);
    expectTruthfulReport(r);
    const requests = faults.proxy.requests();
    const seq = (match: (q: (typeof requests)[number]) => boolean): number => requests.find(match)?.seq ?? Infinity;
    // Sent before the lock was confirmed: the run's cleanup of incomplete uploads comes right after the re-read.
    expect(seq((q) => q.operation === 'PutObject' && q.key.endsWith('big1.bin'))).toBeLessThan(seq((q) => q.operation === 'ListMultipartUploads'));
    await expectExactMirror(s, PREFIX);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, LOCK)).toEqual([]);
  });

  it('a race lost during the settle wait: the half-sent uploads are cut off, nothing lands, exit 3', async () => {
    const s = await setup('s3-lock-race');
    const held = faults.proxy.addRule(slowReRead);
    faults.proxy.reset();
    const running = viaProxy(s);
    // The run's record is written and its re-read is held back; big1.bin is being sent. Another run's record
    // replaces ours, as a run that wrote at the same moment would.
    await faults.proxy.waitFor((q) => q.operation === 'PutObject' && q.key.endsWith('big1.bin'), 10_000);
    await faults.proxy.waitFor((_q, rule) => rule?.id === held.id, 10_000);
    const other = { format: 'workdocs-s3-sync/lock', owner: 'fedcba9876543210-other-run', host: 'another-host', pid: 4242, startedAt: new Date().toISOString(), expiresAt: Date.now() + 600_000 };
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: JSON.stringify(other) }));
    const r = await running;
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.fatal).toMatch(/another run took the lock on this prefix at the same time: run fedcba98/);
    expect(r.report.items).toEqual([]);
    // Uploads had begun (small files sent nothing: they wait with their bytes in memory), none completed.
    expect(faults.proxy.requests().some((q) => q.operation === 'PutObject' && q.key.endsWith('big1.bin'))).toBe(true);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual([LOCK]);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
  });
});

