// Shared checks of the fault suite: after any fault, the bucket must be right, or be made right by the next
// clean run, and nothing outside the prefix may change.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { decodeManifest } from '../../src/core/manifest.js';
import type { Fixture } from '../../src/emulator/server.js';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, nonZero, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

export const MiB = 1024 * 1024;

/** The suite's size flags: big1/big2 (5 MiB and more) go as one streamed PUT, huge.bin (64 MiB and more) multipart. */
export const FAULT_SIZES = ['--part_size_mb', '5', '--multipart_threshold_mb', '64'] as const;

/**
 * A tree with nested folders, small files, two files above one part (--part_size_mb 5: streamed in one PUT
 * checked by Content-MD5) and, with `huge`, one above 64 MiB (multipart: the suite runs with
 * --multipart_threshold_mb 64).
 */
export function faultTree(seed = 'faults', huge = false): Fixture {
  return {
    seed,
    root: {
      name: 'Root',
      children: [
        { name: 'A', children: [
          { name: 'a1.txt', content: 'a1' },
          { name: 'a2.bin', generate: { seed: 11, size: 200_000 } },
          { name: 'AA', children: [{ name: 'deep.txt', content: 'deep' }] },
        ] },
        { name: 'B', children: [
          { name: 'b1.txt', content: 'b1' },
          { name: 'b2.bin', generate: { seed: 12, size: 700_000 } },
        ] },
        { name: 'big1.bin', generate: { seed: 13, size: 5 * MiB + 300_000 } },
        { name: 'big2.bin', generate: { seed: 14, size: 5 * MiB + 1 } },
        { name: 'top.txt', content: 'top' },
        ...(huge ? [{ name: 'huge.bin', generate: { seed: 15, size: 64 * MiB + 300_000 } }] : []),
      ],
    },
  };
}

/** Objects that live next to the prefix and must never change. */
export const OUTSIDE: Readonly<Record<string, string>> = {
  'outside/keep.txt': 'keep me',
  'mirrorish.txt': 'a key that starts like the prefix',
  'mirror-old/x.txt': 'another prefix sharing the first letters',
};

export async function putOutside(scn: Scenario): Promise<void> {
  for (const [Key, body] of Object.entries(OUTSIDE)) {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key, Body: body }));
  }
}

export async function expectOutsideUntouched(scn: Scenario, prefix: string): Promise<void> {
  const all = await listAllKeys(scn.bucket.client, scn.bucket.bucket);
  const outside = all.filter((k) => !k.startsWith(prefix)).sort();
  expect(outside).toEqual(Object.keys(OUTSIDE).sort());
  for (const [key, body] of Object.entries(OUTSIDE)) {
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key)).toString()).toBe(body);
  }
}

/** Every object under the prefix that claims a document holds exactly that version's bytes (a partial state is allowed, a wrong byte is not). */
export async function expectNoWrongBytes(scn: Scenario, prefix: string, alsoKnown: Iterable<string> = []): Promise<void> {
  const versions = new Set<string>(alsoKnown);
  for (const doc of scn.emulator.store.docs.values()) for (const v of doc.versions) versions.add(v.content.md5());
  const keys = (await listAllKeys(scn.bucket.client, scn.bucket.bucket, prefix)).filter((k) => !k.endsWith('/') && !k.includes('.workdocs-s3-sync/'));
  for (const key of keys) {
    const bytes = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key);
    const md5 = md5Hex(bytes);
    // Any version of any document is acceptable mid-way; bytes that match no version are not.
    expect(versions.has(md5), `${key} holds bytes of no WorkDocs version (md5 ${md5})`).toBe(true);
  }
}

/** Every document of WorkDocs still has an object (nothing that exists was deleted), given one existed before. */
export async function expectNothingLiveDeleted(scn: Scenario, prefix: string, before: readonly string[]): Promise<void> {
  const now = new Set(await listAllKeys(scn.bucket.client, scn.bucket.bucket, prefix));
  const wanted = new Set(scn.emulator.control.manifest().map((m) => `${prefix}${m.path.join('/')}`));
  for (const key of before) if (wanted.has(key)) expect(now.has(key), `${key} still exists in WorkDocs but was deleted`).toBe(true);
}

/** The manifest object, if present, is whole (its checksum verifies). */
export async function expectManifestWhole(scn: Scenario, prefix: string): Promise<'missing' | 'ok'> {
  const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${prefix}.workdocs-s3-sync/`);
  if (!keys.includes(`${prefix}.workdocs-s3-sync/manifest.json`)) return 'missing';
  const text = (await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${prefix}.workdocs-s3-sync/manifest.json`)).toString('utf8');
  const decoded = decodeManifest(text);
  expect(decoded.ok, `manifest is damaged: ${decoded.ok ? '' : decoded.problem}`).toBe(true);
  return 'ok';
}

/** The report agrees with the exit code and with itself. */
export function expectTruthfulReport(r: RunResult): void {
  expect(r.report.exitCode).toBe(r.code);
  const failed = r.report.items.filter((i) => i.outcome === 'failed');
  expect(r.report.totals.failed).toBe(failed.length);
  if (r.code === 0) {
    expect(failed).toEqual([]);
    expect(r.report.fatal).toBeUndefined();
  }
  if (failed.length > 0) expect(r.code === 1 || r.code === 3).toBe(true);
  for (const item of failed) {
    expect(item.error, `failed item ${item.key} has no error`).toBeTruthy();
    expect(r.stdout, `failed item ${item.key} is not in the summary`).toContain(item.key);
  }
  if (r.code === 3) expect(r.report.fatal).toBeTruthy();
}

/**
 * After a faulty run: a clean rerun converges to the exact mirror, re-uploading only what the faulty run did not
 * land, leaves no multipart upload, and a third run is a no-op (one LIST, one GET).
 */
export async function expectConverges(scn: Scenario, prefix: string, args: readonly string[] = []): Promise<RunResult> {
  const landed = new Set((await listAllKeys(scn.bucket.client, scn.bucket.bucket, prefix)));
  const rerun = await scn.run(['--s3_prefix', prefix, ...FAULT_SIZES, ...args]);
  expect(rerun.code, `clean rerun failed:\n${rerun.stdout}\n${rerun.stderr}`).toBe(0);
  expectTruthfulReport(rerun);
  await expectExactMirror(scn, prefix);
  expect(await multipartUploadsLeft(scn.bucket.client, scn.bucket.bucket)).toBe(0);
  await expectOutsideUntouched(scn, prefix);
  expect(await expectManifestWhole(scn, prefix)).toBe('ok');
  // No needless re-upload: what had landed intact (its key existed with the right bytes) is not sent again.
  const uploaded = rerun.report.items.filter((i) => i.action === 'upload' && i.outcome === 'done').map((i) => i.key);
  for (const key of uploaded) {
    const item = rerun.report.items.find((i) => i.key === key)!;
    if (landed.has(key)) expect(['changed', 'modified-in-bucket', 'unverified', 'missing']).toContain(item.reason);
  }
  const third = await scn.run(['--s3_prefix', prefix, ...FAULT_SIZES, ...args]);
  expect(third.code).toBe(0);
  expect(nonZero(third.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  expect(third.workdocs.Content ?? 0).toBe(0);
  return rerun;
}

/** Everything a run printed or wrote, for the secret scan. */
export function outputsOf(r: RunResult): string {
  return [r.stdout, r.stderr, r.log, JSON.stringify(r.report)].join('\n');
}

/** MD5s of every version the emulator holds now (to allow them after a document is removed for good). */
export function allVersionMd5s(scn: Scenario): string[] {
  const out: string[] = [];
  for (const doc of scn.emulator.store.docs.values()) for (const v of doc.versions) out.push(v.content.md5());
  return out;
}

/**
 * A fresh fault-tree scenario per test, with the objects beside the prefix in place, closed after the test.
 * Call it at module level before the file's own afterEach hooks: hooks run last-registered first, so the
 * scenario is closed after those.
 */
export function faultScenarios(): (name: string, huge?: boolean) => Promise<Scenario> {
  let current: Scenario | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (name, huge = false) => {
    current = await startScenario({ fixture: faultTree(name, huge) }, name);
    await putOutside(current);
    return current;
  };
}

/**
 * For a whole test file: the fault proxy in front of the real S3 server (`faults.proxy`, started before the first
 * test) and a fresh fault-tree scenario per test (`faults.setup`, see faultScenarios). After each test the proxy's
 * rules, stalls and records are cleared, and then the scenario is closed.
 */
export function proxiedFaultScenarios(): { readonly proxy: FaultProxy; readonly setup: (name: string, huge?: boolean) => Promise<Scenario> } {
  let proxy: FaultProxy | undefined;
  beforeAll(async () => { proxy = await startFaultProxy({ upstream: inject('s3').endpoint }); });
  afterAll(async () => proxy?.close());
  // Registered before the proxy's clean-up, so the scenario closes after it (hooks run last-registered first).
  const setup = faultScenarios();
  afterEach(() => {
    proxy?.clearRules();
    proxy?.release();
    proxy?.reset();
  });
  return {
    get proxy(): FaultProxy {
      if (proxy === undefined) throw new Error('the fault proxy starts in beforeAll');
      return proxy;
    },
    setup,
  };
}
