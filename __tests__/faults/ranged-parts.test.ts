// Files above the streaming limit go multipart with every part its own ranged download of one shared URL.
// Each case injects a fault into those downloads and checks the end state, the exact request counts where they
// are the point, that no multipart upload is left behind, and that a clean rerun converges.
import { describe, expect, it } from 'vitest';
import { expectExactMirror, multipartUploadsLeft, type Scenario } from '../helpers/scenario.js';
import { expectConverges, expectNoWrongBytes, expectTruthfulReport, FAULT_SIZES, faultScenarios } from './harness.js';

const PREFIX = 'mirror/';
const ARGS = ['--s3_prefix', PREFIX, ...FAULT_SIZES];
const MiB = 1024 * 1024;
/** huge.bin is 64 MiB + 300,000 bytes: 13 parts of 5 MiB + a last one. */
const HUGE_PARTS = Math.ceil((64 * MiB + 300_000) / (5 * MiB));
/** The fault tree's other documents: one download each. */
const OTHER_DOCUMENTS = 8;

const scenario = faultScenarios();

async function setup(name: string): Promise<{ s: Scenario; huge: string }> {
  const s = await scenario(name, true);
  const huge = s.emulator.control.lookup(['huge.bin']);
  if (!huge) throw new Error('no huge.bin');
  return { s, huge };
}

describe('multipart parts as ranged downloads', () => {
  it('a large file costs one GetDocumentVersion and one ranged GET per part', async () => {
    const { s } = await setup('rp-counts');
    const r = await s.run(ARGS);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.workdocs.GetDocumentVersion).toBe(OTHER_DOCUMENTS + 1);
    expect(r.workdocs.Content).toBe(OTHER_DOCUMENTS + HUGE_PARTS);
    expect(r.s3.UploadPart).toBe(HUGE_PARTS);
    expect(r.s3.CompleteMultipartUpload).toBe(1);
    await expectExactMirror(s, PREFIX);
  });

  it('below multipart_threshold_mb (default 512) the same file is one streaming PUT: one GET, no multipart', async () => {
    const { s } = await setup('rp-threshold');
    const r = await s.run(['--s3_prefix', PREFIX, '--part_size_mb', '5']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.workdocs.GetDocumentVersion).toBe(OTHER_DOCUMENTS + 1);
    expect(r.workdocs.Content).toBe(OTHER_DOCUMENTS + 1);
    expect(r.s3.CreateMultipartUpload ?? 0).toBe(0);
    expect(r.s3.UploadPart ?? 0).toBe(0);
    await expectExactMirror(s, PREFIX);
  });

  it('connection resets inside parts resume that part only: exit 0, exact mirror', async () => {
    const { s, huge } = await setup('rp-resets');
    s.emulator.control.setFaults([{ op: 'Content', documentId: huge, kind: 'reset', count: 5, afterBytes: MiB }], 3);
    const r = await s.run(ARGS);
    expect(s.emulator.control.faults()[0]!.applied).toBe(5);
    s.emulator.control.clearFaults();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    // Each fault costs one resumed request for the rest of its part, never the whole file again.
    expect(r.workdocs.Content).toBe(OTHER_DOCUMENTS + HUGE_PARTS + 5);
    expect(r.s3.UploadPart).toBe(HUGE_PARTS);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    const again = await expectConverges(s, PREFIX);
    expect(again.report.changed).toBe(false);
  });

  it('an expired URL is fetched again once for all the parts that found it refused', async () => {
    const { s, huge } = await setup('rp-expired');
    s.emulator.control.setFaults([{ op: 'GetDocumentVersion', documentId: huge, kind: 'shortTtl', ttlSeconds: 0, count: 1 }], 3);
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.workdocs.GetDocumentVersion).toBe(OTHER_DOCUMENTS + 2);
    await expectExactMirror(s, PREFIX);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
  });

  it('a corrupted part fails that attempt before completion (the whole MD5 must be the Signature\'s); the retry lands the right bytes', async () => {
    const { s, huge } = await setup('rp-corrupt');
    // The first parts of the first attempt are corrupted: their own MD5s match what arrived, the whole one cannot.
    s.emulator.control.setFaults([{ op: 'Content', documentId: huge, kind: 'corrupt', corruptBytes: 2, count: 2 }], 5);
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    expect(r.log).toMatch(/differs from the version's Signature/);
    expect(r.s3.CreateMultipartUpload).toBe(2);
    expect(r.s3.AbortMultipartUpload).toBe(1);
    expect(r.s3.CompleteMultipartUpload).toBe(1);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await expectNoWrongBytes(s, PREFIX);
    await expectExactMirror(s, PREFIX);
  });

  it('a content server that ignores Range gets the file streamed in one go through lib-storage instead', async () => {
    const { s, huge } = await setup('rp-norange');
    s.emulator.control.setFaults([{ op: 'Content', documentId: huge, kind: 'ignoreRange' }], 3);
    const r = await s.run(ARGS);
    s.emulator.control.clearFaults();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expectTruthfulReport(r);
    await expectExactMirror(s, PREFIX);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    // The first ranged answers (at most one window of parts) were refused, then one whole download.
    expect(r.workdocs.Content! - OTHER_DOCUMENTS).toBeGreaterThanOrEqual(2);
    expect(r.workdocs.Content! - OTHER_DOCUMENTS).toBeLessThanOrEqual(5);
    // The ranged upload is created only once a part has its bytes, so the refused ranges created nothing.
    expect(r.s3.CreateMultipartUpload).toBe(1);
    expect(r.s3.AbortMultipartUpload ?? 0).toBe(0);
  });
});
