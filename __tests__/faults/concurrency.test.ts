// Two runs on one prefix: the lock object under <prefix>.workdocs-s3-sync/ lets one through and makes the other
// refuse (exit 3) or wait its turn; the manifest is never written by a run that no longer holds the lock.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { listAllKeys } from '../helpers/s3.js';
import { expectExactMirror, nonZero } from '../helpers/scenario.js';
import { expectConverges, expectManifestWhole, expectOutsideUntouched, expectTruthfulReport, FAULT_SIZES, faultScenarios } from './harness.js';

const PREFIX = 'mirror/';
const ARGS = ['--s3_prefix', PREFIX, ...FAULT_SIZES];
const LOCK = `${PREFIX}.workdocs-s3-sync/lock.json`;

const setup = faultScenarios();

function foreignLock(expiresAt: number): string {
  return JSON.stringify({ format: 'workdocs-s3-sync/lock', owner: '0123456789abcdef-other-run', host: 'another-host', pid: 4242, startedAt: new Date().toISOString(), expiresAt });
}

describe('two runs on the same prefix', () => {
  it('at the same moment: one mirrors, the other refuses with exit 3 and touches nothing', async () => {
    const s = await setup('conc-two');
    // Slow downloads keep the first run busy long enough for the second to meet its lock.
    s.emulator.control.addFault({ op: 'Content', kind: 'latency', latencyMs: 300 });
    const [a, b] = await Promise.all([s.run(ARGS), s.run(ARGS)]);
    s.emulator.control.clearFaults();
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 3]);
    const loser = a.code === 3 ? a : b;
    expectTruthfulReport(loser);
    expect(loser.report.fatal).toMatch(/another run (holds|took) the lock/);
    expect(loser.report.items).toEqual([]);
    // It may have begun downloading while its lock record settled (both found the prefix free), but nothing of it
    // landed: no multipart upload, no delete, and the bucket is the winner's exact mirror (below).
    expect(loser.s3.CreateMultipartUpload ?? 0).toBe(0);
    expect(loser.s3.DeleteObject ?? 0).toBe(0);
    expect(loser.s3.DeleteObjects ?? 0).toBe(0);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    await expectExactMirror(s, PREFIX);
    await expectOutsideUntouched(s, PREFIX);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, LOCK)).toEqual([]);
    await expectConverges(s, PREFIX);
  });

  it('a live lock of a run elsewhere: exit 3 naming it, no write at all', async () => {
    const s = await setup('conc-live');
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: foreignLock(Date.now() + 600_000) }));
    const r = await s.run(ARGS);
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.fatal).toMatch(/another run holds the lock on this prefix: run 01234567 on host "another-host" \(pid 4242\)/);
    expect(r.s3.PutObject ?? 0).toBe(0);
    expect(r.s3.DeleteObject ?? 0).toBe(0);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual([LOCK]);
    // A dry run does not need the lock.
    const dry = await s.run([...ARGS, '--dry_run']);
    expect(dry.code).toBe(0);
  });

  it('an expired lock (a run that died elsewhere) is taken over', async () => {
    const s = await setup('conc-stale');
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: foreignLock(Date.now() - 1000) }));
    const r = await s.run(ARGS);
    expect(r.code).toBe(0);
    expect(r.log).toMatch(/took over a stale lock of an earlier run .*another-host/);
    await expectConverges(s, PREFIX);
  });

  it('a lock taken over while the run works: it does not write the manifest, says why, exit 3; the next run converges', async () => {
    const s = await setup('conc-stolen');
    expect((await s.run(ARGS)).code).toBe(0);
    const manifestBefore = await s.bucket.client.send(new GetObjectCommand({ Bucket: s.bucket.bucket, Key: `${PREFIX}.workdocs-s3-sync/manifest.json` }));
    const etagBefore = manifestBefore.ETag;
    await manifestBefore.Body?.transformToString();
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'new.txt', content: 'new' });
    s.emulator.control.addFault({ op: 'Content', kind: 'latency', latencyMs: 1500 });
    const running = s.run(ARGS);
    // Once the download is under way and the run's lock has settled (250 ms), another run "takes over" the lock.
    for (let i = 0; i < 200 && (s.emulator.control.counters().operations.Content ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 700));
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: foreignLock(Date.now() + 600_000) }));
    const r = await running;
    s.emulator.control.clearFaults();
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.fatal).toMatch(/lock was taken over by run 01234567.*manifest was not written/);
    const after = await s.bucket.client.send(new GetObjectCommand({ Bucket: s.bucket.bucket, Key: `${PREFIX}.workdocs-s3-sync/manifest.json` }));
    await after.Body?.transformToString();
    expect(after.ETag).toBe(etagBefore);
    // The other run's lock is left alone.
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, LOCK)).toEqual([LOCK]);
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: foreignLock(Date.now() - 1) }));
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.totals.uploaded).toBe(0); // new.txt had landed; it is adopted from its metadata
  });

  it('as many workers as S3 sockets: streamed uploads started before the lock settles leave it a socket (no deadlock)', async () => {
    const s = await setup('conc-sockets');
    // big1.bin and big2.bin stream into one PUT each; with 2 workers and 2 sockets both could wait at the lock.
    const r = await s.run([...ARGS, '--max_workers', '2', '--max_pool_connections', '2']);
    expect(r.code).toBe(0);
    await expectExactMirror(s, PREFIX);
  }, 30_000);

  it('a no-op resync takes no lock: exactly one LIST and one GET, even while another run holds it', async () => {
    const s = await setup('conc-noop');
    expect((await s.run(ARGS)).code).toBe(0);
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: foreignLock(Date.now() + 600_000) }));
    const r = await s.run(ARGS);
    expect(r.code).toBe(0);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});
