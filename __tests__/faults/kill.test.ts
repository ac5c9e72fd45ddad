// kill -9 at chosen points of a run (the CLI as a child process), then a rerun in-process: it converges, aborts
// the multipart uploads the killed run left, takes over its lock, and the manifest is never half-written.
// SIGTERM and SIGINT, which reach the run on its engine thread (src/engine-thread.ts): it stops, deletes nothing
// and releases its lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { getObjectBytes, listAllKeys } from '../helpers/s3.js';
import { multipartUploadsLeft, type Scenario } from '../helpers/scenario.js';
import { expectConverges, expectManifestWhole, expectNothingLiveDeleted, expectNoWrongBytes, expectOutsideUntouched, FAULT_SIZES, proxiedFaultScenarios } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PREFIX = 'mirror/';
const MANIFEST = `${PREFIX}.workdocs-s3-sync/manifest.json`;
const LOCK = `${PREFIX}.workdocs-s3-sync/lock.json`;

const faults = proxiedFaultScenarios();
const setup = faults.setup;
// Registered after the proxy's and the scenario's clean-up, so it runs first (hooks run last-registered first).
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

interface Spawned {
  readonly child: ChildProcess;
  stderr(): string;
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<void>;
  killed(): Promise<void>;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  interrupted(signal: 'SIGTERM' | 'SIGINT'): Promise<number | null>;
}

/** Starts the CLI (TypeScript sources through tsx) against the emulator and the proxy. */
function spawnCli(s: Scenario, extra: readonly string[] = []): Spawned {
  const s3 = inject('s3');
  const args = [
    '--import', 'tsx', 'src/cli/index.ts',
    '--workdocs_folder_id', s.emulator.rootFolderId,
    '--s3_bucket_name', s.bucket.bucket,
    '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', s.emulator.endpoint,
    '--s3_endpoint_url', faults.proxy.endpoint,
    '--s3_prefix', PREFIX,
    ...FAULT_SIZES,
    '--log_file', path.join(s.dir, 'child.log'),
    ...extra,
  ];
  const proc = spawn(NODE, args, {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) if (w.pattern.test(err)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  proc.stdout!.resume();
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return {
    child: proc,
    stderr: () => err,
    waitForLine(pattern, timeoutMs = 30_000) {
      if (pattern.test(err)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in the child's stderr within ${timeoutMs} ms:\n${err}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => { clearTimeout(timer); resolve(); } });
        void exited.then(() => { clearTimeout(timer); if (!pattern.test(err)) reject(new Error(`the child exited before ${pattern}:\n${err}`)); });
      });
    },
    async killed() {
      proc.kill('SIGKILL');
      await exited;
      expect(proc.signalCode).toBe('SIGKILL');
    },
    async interrupted(signal) {
      proc.kill(signal);
      await exited;
      return proc.exitCode;
    },
  };
}


function id(s: Scenario, ...p: string[]): string {
  return s.emulator.control.lookup(p)!;
}

async function rerunConverges(s: Scenario): Promise<void> {
  await expectNoWrongBytes(s, PREFIX);
  await expectOutsideUntouched(s, PREFIX);
  expect(await expectManifestWhole(s, PREFIX)).toMatch(/ok|missing/);
  const rerun = await expectConverges(s, PREFIX);
  // The killed run's lock was taken over and released: nothing of the tool's own is left but the manifest.
  expect(await listAllKeys(s.bucket.client, s.bucket.bucket, `${PREFIX}.workdocs-s3-sync/`)).toEqual([MANIFEST]);
  void rerun;
}

describe('kill -9, then rerun', () => {
  it('during the listing', async () => {
    const s = await setup('kill-list');
    s.emulator.control.addFault({ op: 'DescribeFolderContents', kind: 'latency', latencyMs: 1500 });
    const cli = spawnCli(s);
    await cli.waitForLine(/== List WorkDocs and S3/);
    await new Promise((r) => setTimeout(r, 300));
    await cli.killed();
    s.emulator.control.clearFaults();
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual([]);
    await rerunConverges(s);
  });

  it('in the middle of a multipart upload: the rerun aborts the orphaned upload', async () => {
    const s = await setup('kill-mpu', true);
    faults.proxy.addRule({ kind: 'stall', operation: 'UploadPart', key: 'huge.bin', afterBytes: 64 * 1024, when: (q) => q.query.partNumber === '2' });
    const cli = spawnCli(s, ['--max_workers', '2']);
    await faults.proxy.waitFor((q) => q.operation === 'UploadPart' && q.key.endsWith('huge.bin') && q.query.partNumber === '2', 60_000);
    await new Promise((r) => setTimeout(r, 200));
    await cli.killed();
    faults.proxy.clearRules();
    faults.proxy.release();
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBeGreaterThanOrEqual(1);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toContain(LOCK);
    const rerun = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES]);
    expect(rerun.code).toBe(0);
    expect(rerun.log).toMatch(/took over a stale lock/);
    expect(rerun.log).toMatch(/aborted an incomplete multipart upload .*huge\.bin/);
    expect(await multipartUploadsLeft(s.bucket.client, s.bucket.bucket)).toBe(0);
    await rerunConverges(s);
  });

  it('in the middle of the deletes', async () => {
    const s = await setup('kill-delete');
    expect((await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES])).code).toBe(0);
    s.emulator.control.delete(id(s, 'A'));
    s.emulator.control.delete(id(s, 'top.txt'));
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    faults.proxy.addRule({ kind: 'stall', operation: 'DeleteObjects', afterBytes: 40 });
    const cli = spawnCli(s, ['--max_delete', '100%']);
    await faults.proxy.waitFor((q) => q.operation === 'DeleteObjects', 60_000);
    await new Promise((r) => setTimeout(r, 200));
    await cli.killed();
    faults.proxy.clearRules();
    await expectNothingLiveDeleted(s, PREFIX, before);
    const rerun = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES, '--max_delete', '100%']);
    expect(rerun.code).toBe(0);
    expect(rerun.report.totals.deleted).toBe(4); // A/a1.txt, A/a2.bin, A/AA/deep.txt and top.txt (folders with content have no marker)
    await rerunConverges(s);
  });

  it('while writing the manifest: the old manifest stays whole, and the rerun re-uploads nothing', async () => {
    const s = await setup('kill-manifest');
    expect((await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES])).code).toBe(0);
    const oldManifest = await getObjectBytes(s.bucket.client, s.bucket.bucket, MANIFEST);
    s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'late.txt', content: 'late' });
    s.emulator.control.addVersion(id(s, 'B', 'b2.bin'), { generate: { seed: 99, size: 123_456 } });
    faults.proxy.addRule({ kind: 'stall', operation: 'PutObject', key: 'manifest.json', afterBytes: 100 });
    const cli = spawnCli(s);
    await faults.proxy.waitFor((q) => q.operation === 'PutObject' && q.key === MANIFEST, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    await cli.killed();
    faults.proxy.clearRules();
    // Half a PUT never becomes an object: the manifest is the old one, byte for byte.
    expect((await getObjectBytes(s.bucket.client, s.bucket.bucket, MANIFEST)).equals(oldManifest)).toBe(true);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    const rerun = await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES]);
    expect(rerun.code).toBe(0);
    // The two objects the killed run landed are adopted from their metadata, not sent again.
    expect(rerun.report.totals.uploaded).toBe(0);
    expect(rerun.s3.HeadObject).toBeGreaterThanOrEqual(2);
    await rerunConverges(s);
  });

  it('at seeded random moments, three times in a row on one bucket', async () => {
    const s = await setup('kill-random');
    // Slow enough that each round's new 300 kB document is still downloading at the latest kill moment (2.7 s).
    s.emulator.control.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: 64 * 1024 });
    let seed = 20240601;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 3; round++) {
      s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: `round-${round}.bin`, generate: { seed: round, size: 300_000 } });
      if (round === 1) s.emulator.control.delete(id(s, 'B', 'b1.txt'));
      if (round === 2) s.emulator.control.rename(id(s, 'top.txt'), 'top-renamed.txt');
      const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
      const cli = spawnCli(s);
      await cli.waitForLine(/== List WorkDocs and S3/);
      await new Promise((r) => setTimeout(r, 200 + Math.floor(random() * 2500)));
      await cli.killed();
      await expectNoWrongBytes(s, PREFIX);
      await expectNothingLiveDeleted(s, PREFIX, before);
      expect(await expectManifestWhole(s, PREFIX)).toMatch(/ok|missing/);
      await expectOutsideUntouched(s, PREFIX);
    }
    s.emulator.control.clearFaults();
    await rerunConverges(s);
  });
});

/**
 * A first sync, then changes for the next one: top.txt deleted in WorkDocs (a stale object that must survive an
 * interrupted run) and a new slow.bin whose download crawls (~4.6 s), so the run can be interrupted mid-transfer.
 */
async function syncedThenSlowDownload(name: string): Promise<Scenario> {
  const s = await setup(name);
  expect((await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES])).code).toBe(0);
  s.emulator.control.delete(id(s, 'top.txt'));
  s.emulator.control.addDocument({ parentId: s.emulator.rootFolderId, name: 'slow.bin', generate: { seed: 5, size: 300_000 } });
  s.emulator.control.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: 64 * 1024 });
  return s;
}

describe('SIGTERM and SIGINT: the run stops cleanly', () => {
  it('SIGTERM while a document downloads: exit 3, nothing deleted, the lock released; the rerun converges', async () => {
    const s = await syncedThenSlowDownload('term-transfer');
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    const cli = spawnCli(s);
    await cli.waitForLine(/== List WorkDocs and S3/);
    await new Promise((r) => setTimeout(r, 1_000)); // slow.bin takes ~4.6 s to download
    expect(await cli.interrupted('SIGTERM')).toBe(3);
    expect(cli.stderr()).toMatch(/SIGTERM: stopping; nothing will be deleted/);
    const after = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    // The stale top.txt is still there, slow.bin never landed, and the lock is gone.
    expect(after).toContain(`${PREFIX}top.txt`);
    expect(after).not.toContain(`${PREFIX}slow.bin`);
    expect(after).not.toContain(LOCK);
    await expectNothingLiveDeleted(s, PREFIX, before);
    expect(await expectManifestWhole(s, PREFIX)).toBe('ok');
    s.emulator.control.clearFaults();
    await rerunConverges(s);
  });

  it('SIGINT while listing: exit 3 and the bucket untouched', async () => {
    const s = await setup('int-list');
    expect((await s.run(['--s3_prefix', PREFIX, ...FAULT_SIZES])).code).toBe(0);
    s.emulator.control.delete(id(s, 'top.txt'));
    s.emulator.control.addFault({ op: 'DescribeFolderContents', kind: 'latency', latencyMs: 1500 });
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    const cli = spawnCli(s);
    await cli.waitForLine(/== List WorkDocs and S3/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await cli.interrupted('SIGINT')).toBe(3);
    expect(cli.stderr()).toMatch(/SIGINT: stopping; nothing will be deleted/);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX)).toEqual(before);
    s.emulator.control.clearFaults();
    await rerunConverges(s);
  });
});

describe('a second SIGINT', () => {
  it('while the first one is still stopping the run ends the process at once, as Node would; nothing wrong lands and the rerun takes over', async () => {
    const s = await syncedThenSlowDownload('int-twice');
    // The first SIGINT's clean stop ends with releasing the lock; held up here, so the second one comes during it.
    const release = faults.proxy.addRule({ kind: 'latency', operation: 'DeleteObject', key: LOCK, latencyMs: 20_000 });
    const before = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    const cli = spawnCli(s);
    await cli.waitForLine(/== List WorkDocs and S3/);
    await new Promise((r) => setTimeout(r, 1_000)); // slow.bin takes ~4.6 s to download
    cli.child.kill('SIGINT');
    await cli.waitForLine(/SIGINT: stopping; nothing will be deleted/);
    for (let waited = 0; release.applied === 0; waited += 50) {
      if (waited > 15_000) throw new Error(`the lock was not being released:\n${cli.stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await cli.interrupted('SIGINT')).toBeNull();
    expect(cli.child.signalCode).toBe('SIGINT');
    faults.proxy.clearRules();
    const after = await listAllKeys(s.bucket.client, s.bucket.bucket, PREFIX);
    expect(after).toContain(`${PREFIX}top.txt`);
    expect(after).not.toContain(`${PREFIX}slow.bin`);
    expect(after).toContain(LOCK); // never released: the rerun must take it over, as after kill -9
    await expectNothingLiveDeleted(s, PREFIX, before);
    s.emulator.control.clearFaults();
    await rerunConverges(s);
  });
});

// Keep the log of a failed child available when debugging.
export function childLog(s: Scenario): string {
  const file = path.join(s.dir, 'child.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
