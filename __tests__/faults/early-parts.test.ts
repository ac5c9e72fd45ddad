// A multipart upload that starts while the prefix's lock settles (Swift has no conditional writes: the lock is a
// plain PUT, a settle wait and a re-read): its first parts download meanwhile, but the upload is created only once
// the lock proves ours, so the lock's clean-up of incomplete uploads never meets it and a lost race creates nothing.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { ProxyRule } from '../../test-support/fault-proxy.js';
import { listAllKeys } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, type Scenario } from '../helpers/scenario.js';
import { expectTruthfulReport, FAULT_SIZES, proxiedFaultScenarios } from './harness.js';

const PREFIX = 'mirror/';
const LOCK = `${PREFIX}.workdocs-s3-sync/lock.json`;
const HOLD_MS = 3000;
// The run's re-read of its own lock record, held back: the settle wait, made long.
const slowReRead: ProxyRule = { kind: 'latency', latencyMs: HOLD_MS, operation: 'GetObject', key: LOCK, skip: 1, count: 1 };
/** faultTree(…, true): eight documents sent in one PUT each, and huge.bin (multipart, 5 MiB parts). */
const SINGLE_PUT_DOCUMENTS = 8;

const faults = proxiedFaultScenarios();

function viaProxy(s: Scenario) {
  return s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--s3_endpoint_url', faults.proxy.endpoint]);
}

/** Resolves once `condition` holds, polling; rejects after `ms`. */
async function eventually(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a multipart upload that starts while the lock settles', () => {
  it('downloads its first parts during the settle wait and creates the upload only after the lock is confirmed', async () => {
    const s = await faults.setup('early-parts', true);
    const held = faults.proxy.addRule(slowReRead);
    faults.proxy.reset();
    const running = viaProxy(s);
    await faults.proxy.waitFor((_q, rule) => rule?.id === held.id, 20_000);
    const heldSince = Date.now();
    // Every document's content is being read, and at least one part of huge.bin besides, while the re-read waits.
    await eventually(() => (s.emulator.control.counters().operations.Content ?? 0) > SINGLE_PUT_DOCUMENTS, HOLD_MS - 500);
    expect(Date.now() - heldSince).toBeLessThan(HOLD_MS);
    expect(faults.proxy.requests().filter((q) => q.operation === 'CreateMultipartUpload' || q.operation === 'UploadPart')).toEqual([]);
    const r = await running;
    expect(held.applied).toBe(1);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    const requests = faults.proxy.requests();
    const seq = (operation: string): number => requests.find((q) => q.operation === operation)?.seq ?? Infinity;
    // The run's clean-up of incomplete uploads comes right after the re-read, and before the upload exists.
    expect(seq('ListMultipartUploads')).toBeLessThan(seq('CreateMultipartUpload'));
    expect(requests.filter((q) => q.operation === 'CreateMultipartUpload')).toHaveLength(1);
    await expectExactMirror(s, PREFIX);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
  });

  it('a race lost during the settle wait: parts were downloaded, but no upload was created and nothing lands (exit 3)', async () => {
    const s = await faults.setup('early-parts-race', true);
    const held = faults.proxy.addRule(slowReRead);
    faults.proxy.reset();
    const running = viaProxy(s);
    await faults.proxy.waitFor((_q, rule) => rule?.id === held.id, 20_000);
    await eventually(() => (s.emulator.control.counters().operations.Content ?? 0) > SINGLE_PUT_DOCUMENTS, HOLD_MS - 500);
    // Another run's record replaces ours, as a run that wrote at the same moment would.
    const other = { format: 'workdocs-s3-sync/lock', owner: 'fedcba9876543210-other-run', host: 'another-host', pid: 4242, startedAt: new Date().toISOString(), expiresAt: Date.now() + 600_000 };
    await s.bucket.client.send(new PutObjectCommand({ Bucket: s.bucket.bucket, Key: LOCK, Body: JSON.stringify(other) }));
    const r = await running;
    expect(r.code).toBe(3);
    expectTruthfulReport(r);
    expect(r.report.items).toEqual([]);
    const operations = new Set(faults.proxy.requests().map((q) => q.operation));
    expect(operations.has('CreateMultipartUpload')).toBe(false);
    expect(operations.has('UploadPart')).toBe(false);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual([LOCK]);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
  });
});
