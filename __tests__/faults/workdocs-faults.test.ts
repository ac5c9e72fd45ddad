// Fault matrix, WorkDocs side: every fault is injected by the emulator; every case checks the end state, the
// report and exit code, that nothing outside the prefix changed, and that a clean rerun converges.
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/server.js';
import { listAllKeys } from '../helpers/s3.js';
import { multipartUploadsLeft, type Scenario } from '../helpers/scenario.js';
import {
  expectConverges,
  expectManifestWhole,
  expectNothingLiveDeleted,
  expectNoWrongBytes,
  expectOutsideUntouched,
  expectTruthfulReport,
  FAULT_SIZES,
  faultScenarios,
} from './harness.js';

const PREFIX = 'mirror/';
const ARGS = ['--s3_prefix', PREFIX, ...FAULT_SIZES];

const setup = faultScenarios();

function id(s: Scenario, ...path: string[]): string {
  const found = s.emulator.control.lookup(path);
  if (!found) throw new Error(`no ${path.join('/')}`);
  return found;
}

describe('WorkDocs faults that retries heal: exit 0, exact mirror at once', () => {
  it.each<[string, (s: Scenario) => FaultRule[]]>([
    ['throttling bursts on every operation', () => [
      // Bursts, not storms: the SDK backs off 0.5 s, 1 s, 2 s ... on throttling, as AWS asks.
      { op: 'DescribeFolderContents', kind: 'throttle', count: 2 },
      { op: 'GetDocumentVersion', kind: 'throttle', count: 3, probability: 0.5 },
      { op: 'Content', kind: 'throttle', count: 3 },
      { op: 'GetFolder', kind: 'throttle', count: 1 },
    ]],
    ['500 and 503 answers', () => [
      { op: 'DescribeFolderContents', kind: 'error', status: 500, count: 3 },
      { op: 'GetDocumentVersion', kind: 'error', status: 503, count: 4 },
      { op: 'Content', kind: 'error', status: 500, count: 2 },
      { op: 'Content', kind: 'error', status: 503, count: 2 },
    ]],
    ['424 FailedDependency', () => [
      { op: 'DescribeFolderContents', kind: 'error', status: 424, count: 3 },
      { op: 'GetDocumentVersion', kind: 'error', status: 424, count: 5 },
    ]],
    ['connection resets mid-body', (s) => [
      { op: 'Content', documentId: id(s, 'big1.bin'), kind: 'reset', count: 3, afterBytes: 3 * 1024 * 1024 },
      { op: 'Content', documentId: id(s, 'B', 'b2.bin'), kind: 'reset', count: 2, afterBytes: 1000 },
      { op: 'DescribeFolderContents', kind: 'reset', count: 2, afterBytes: 10 },
    ]],
    ['truncated bodies', (s) => [
      { op: 'Content', documentId: id(s, 'big2.bin'), kind: 'truncate', count: 2, afterBytes: 4 * 1024 * 1024 + 7 },
      { op: 'Content', documentId: id(s, 'A', 'a2.bin'), kind: 'truncate', count: 1 },
    ]],
    ['content URLs that are already expired when used', () => [
      { op: 'GetDocumentVersion', kind: 'shortTtl', ttlSeconds: 0, count: 5 },
    ]],
    ['a slow emulator (latency on every call)', () => [
      { op: '*', kind: 'latency', latencyMs: 30 },
    ]],
  ])('%s', async (name, rules) => {
    const s = await setup(`wd-${name.slice(0, 12)}`);
    s.emulator.control.setFaults(rules(s), 7);
    const r = await s.run(ARGS);
    const applied = s.emulator.control.faults().reduce((n, f) => n + f.applied, 0);
    s.emulator.control.clearFaults();
    expect(applied).toBeGreaterThan(0);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    // The rerun finds the exact mirror already there: nothing to upload, copy or delete.
    const again = await expectConverges(s, PREFIX);
    expect(again.report.changed).toBe(false);
  });
});

describe('WorkDocs faults that do not heal within the run', () => {
  it('corrupted bodies (every attempt): those files fail, nothing wrong lands, the rest is done; the rerun uploads only them', async () => {
    const s = await setup('wd-corrupt');
    s.emulator.control.addFault({ op: 'Content', documentId: id(s, 'A', 'a2.bin'), kind: 'corrupt', corruptBytes: 3 });
    s.emulator.control.addFault({ op: 'Content', documentId: id(s, 'big1.bin'), kind: 'corrupt' });
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code).toBe(1);
    expectTruthfulReport(r);
    expect(r.report.items.filter((i) => i.outcome === 'failed').map((i) => i.key).sort()).toEqual([`${PREFIX}A/a2.bin`, `${PREFIX}big1.bin`]);
    const keys = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    expect(keys).not.toContain(`${PREFIX}A/a2.bin`);
    expect(keys).not.toContain(`${PREFIX}big1.bin`);
    await expectNoWrongBytes(s, PREFIX);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectOutsideUntouched(s, PREFIX);
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'upload').map((i) => i.key).sort()).toEqual([`${PREFIX}A/a2.bin`, `${PREFIX}big1.bin`]);
  });

  it('a folder whose listing fails half-way through the tree: zero deletes, exit 3, the rest still copied', async () => {
    const s = await setup('wd-listing');
    expect((await s.run(ARGS)).code).toBe(0);
    // A document deleted in WorkDocs (a stale object), one added, and the listing of A/AA failing on every attempt.
    s.emulator.control.delete(id(s, 'B', 'b1.txt'));
    s.emulator.control.addDocument({ parentId: id(s, 'B'), name: 'new.txt', content: 'new' });
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    s.emulator.control.addFault({ op: 'DescribeFolderContents', documentId: id(s, 'A', 'AA'), kind: 'error', status: 500 });
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.fatal).toMatch(/listing failed for 1 folder/);
    expect(r.s3.DeleteObjects ?? 0).toBe(0);
    expect(r.s3.DeleteObject ?? 0).toBeLessThanOrEqual(1); // only the run's own lock object
    expect(r.report.items.filter((i) => i.action === 'delete').every((i) => i.outcome === 'blocked')).toBe(true);
    const after = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    // Nothing was deleted, not even the really stale object, and not the unlisted folder's documents.
    for (const key of before) expect(after).toContain(key);
    expect(after).toContain(`${PREFIX}A/AA/deep.txt`);
    expect(after).toContain(`${PREFIX}B/new.txt`);
    await expectNothingLiveDeleted(s, PREFIX, before);
    await expectOutsideUntouched(s, PREFIX);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'delete' && i.outcome === 'done').map((i) => i.key)).toEqual([`${PREFIX}B/b1.txt`]);
    expect(rerun.report.totals.uploaded).toBe(0);
  });

  it('the root folder failing to list: exit 3, nothing written, nothing deleted', async () => {
    const s = await setup('wd-rootlist');
    expect((await s.run(ARGS)).code).toBe(0);
    s.emulator.control.delete(id(s, 'top.txt'));
    s.emulator.control.addFault({ op: 'DescribeFolderContents', documentId: s.emulator.rootFolderId, kind: 'error', status: 503 });
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.s3.DeleteObjects ?? 0).toBe(0);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toContain(`${PREFIX}top.txt`);
    await expectConverges(s, PREFIX);
  });
});
