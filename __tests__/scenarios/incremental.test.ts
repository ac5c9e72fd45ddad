// Issue 21, incremental runs driven by DescribeActivities (incremental: activities): the emulator's `site` fixture
// over HTTP with the unmodified SDK, the real S3 server, and the CLI's main() in-process. Each change the control API
// makes is synced twice: from the activity feed into one prefix, and by a full listing into another; both must hold
// the same keys, bytes and manifest entries, and the activities-driven run must ask only for what changed.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { snapshotKey } from '../../src/core/incremental.js';
import { sourceHeadKey } from '../../src/core/up-to-date.js';
import { decodeManifest, manifestKey } from '../../src/core/manifest.js';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import type { EmulatorControl } from '../../src/emulator/types.js';
import { countRequests } from '../../test-support/counting.js';
import { startFaultProxy } from '../../test-support/fault-proxy.js';
import { listAllKeys } from '../../test-support/s3-listing.js';
import { createTestBucket, getObjectBytes, md5Hex, type TestBucket } from '../helpers/s3.js';
import { nonZero } from '../helpers/scenario.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization

let emulator: Emulator;
let bucket: TestBucket;
let dir: string;
let runs = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, fixture: 'site' });
  bucket = await createTestBucket('incremental');
  dir = mkdtempSync(path.join(tmpdir(), 'wds-incremental-'));
});
afterAll(async () => {
  await bucket?.cleanup();
  await emulator?.close();
});

interface Run {
  readonly code: number;
  readonly log: string;
  readonly s3: Record<string, number>;
  readonly workdocs: Record<string, number>;
}

/** One CLI run of the whole site into `prefix`, with its own clock when `now` is given. */
async function run(prefix: string, args: readonly string[] = [], now?: () => number): Promise<Run> {
  runs++;
  const s3 = inject('s3');
  const logFile = path.join(dir, `run${runs}.log`);
  let counter: ReturnType<typeof countRequests> | undefined;
  let output = '';
  emulator.control.resetCounters();
  const defaults: [string, string][] = [
    ['--workdocs_organization_id', ORG], ['--s3_bucket_name', bucket.bucket], ['--region_name', 'us-east-1'],
    ['--workdocs_endpoint_url', emulator.endpoint], ['--s3_endpoint_url', s3.endpoint], ['--log_file', logFile],
    ['--s3_prefix', prefix], ['--metadata', 'none'],
  ];
  const code = await main([...defaults.filter(([flag]) => !args.includes(flag)).flat(), ...args], {
    stdout: (t) => { output += t; },
    stderr: (t) => { output += t; },
    cwd: dir,
    ...(now ? { now } : {}),
    createEnv: (options, deps) => {
      const env = createSyncEnv(options, {
        ...deps,
        s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        workdocsCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
      });
      counter = countRequests(env.s3);
      return env;
    },
  });
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : output;
  return { code, log: `${log}\n${output}`, s3: counter?.counts() ?? {}, workdocs: nonZero({ ...emulator.control.counters().operations }) };
}

const incremental = (prefix: string, args: readonly string[] = [], now?: () => number): Promise<Run> => run(prefix, ['--incremental', 'activities', ...args], now);

/** Every mirrored object under `prefix` as `relative key → MD5 of its bytes` (the tool's area left out). */
async function mirror(prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await listAllKeys(bucket.client, bucket.bucket, prefix)) {
    if (key.startsWith(`${prefix}.workdocs-s3-sync/`)) continue;
    out[key.slice(prefix.length)] = md5Hex(await getObjectBytes(bucket.client, bucket.bucket, key));
  }
  return out;
}

async function manifestEntries(prefix: string): Promise<Record<string, unknown>> {
  const decoded = decodeManifest(await getObjectBytes(bucket.client, bucket.bucket, manifestKey(prefix)));
  if (!decoded.ok) throw new Error(decoded.problem);
  return Object.fromEntries([...decoded.manifest.entries].map(([key, entry]) => [key.slice(prefix.length), entry]));
}

/** The activities-driven mirror equals the full listing's: keys, bytes and manifest entries. */
async function expectSameMirrors(fromActivities: string, fromListing: string): Promise<void> {
  expect(await mirror(fromActivities)).toEqual(await mirror(fromListing));
  expect(await manifestEntries(fromActivities)).toEqual(await manifestEntries(fromListing));
}

const user = (name: string) => emulator.control.users().find((u) => u.username === name)!;
const at = (names: string[], owner = 'alice'): string => {
  const id = emulator.control.lookup(names, user(owner).rootFolderId);
  if (!id) throw new Error(`nothing at ${names.join('/')}`);
  return id;
};

describe('the first run, then a no-op run', () => {
  beforeAll(() => emulator.control.resetState());
  let first: Run;
  let noop: Run;
  beforeAll(async () => {
    first = await incremental('noop/');
    noop = await incremental('noop/');
  });

  it('the first run lists everything (there is no snapshot yet), says why, and leaves a snapshot', async () => {
    expect(first.code, first.log).toBe(0);
    expect(first.log).toContain('full listing: no source snapshot yet');
    expect(first.workdocs.DescribeFolderContents).toBeGreaterThan(0);
    expect((await listAllKeys(bucket.client, bucket.bucket, 'noop/')).includes(snapshotKey('noop/'))).toBe(true);
  });

  it('a no-op run makes (activity pages + 1) WorkDocs requests and 2 S3 requests (the source head, the manifest\'s ETag), reads neither the manifest nor the snapshot, writes nothing', () => {
    expect(noop.code, noop.log).toBe(0);
    expect(noop.log).toMatch(/up to date: no new activity since .* \(1 feed page\), and the manifest is the one the last run left \(\d+ objects\)/);
    expect(noop.workdocs).toEqual({ DescribeUsers: 1, DescribeActivities: 1 });
    expect(nonZero(noop.s3)).toEqual({ GetObject: 1, HeadObject: 1 });
  });

  it('with the metadata index on (the default), a no-op run stays within 3 S3 requests', async () => {
    const withIndex = await run('noop-index/', ['--incremental', 'activities', '--metadata', 'index']);
    expect(withIndex.code, withIndex.log).toBe(0);
    const again = await run('noop-index/', ['--incremental', 'activities', '--metadata', 'index']);
    expect(again.code, again.log).toBe(0);
    expect(Object.values(nonZero(again.s3)).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
    expect(Object.values(again.workdocs).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 2);
  });
});

interface Case {
  readonly name: string;
  readonly change: (control: EmulatorControl) => void;
  /** WorkDocs requests the activities-driven run may make besides DescribeUsers and DescribeActivities. */
  readonly requests: Record<string, number>;
}

const cases: Case[] = [
  { name: 'a new version', change: (k) => k.addVersion(at(['Team', 'plan.md']), { content: 'plan, again' }), requests: { GetDocument: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a new document', change: (k) => k.addDocument({ parentId: at(['Team']), name: 'new.txt', content: 'new' }), requests: { GetDocument: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a document renamed', change: (k) => k.rename(at(['welcome.txt']), 'hello.txt'), requests: { GetDocument: 1 } },
  { name: 'a document moved', change: (k) => k.move(at(['welcome.txt']), at(['Team', 'Public'])), requests: { GetDocument: 1 } },
  { name: 'a document recycled', change: (k) => k.delete(at(['Team', 'budget.xlsx']), 'recycle'), requests: { GetDocument: 1 } },
  { name: 'a document deleted for good', change: (k) => k.delete(at(['welcome.txt']), 'remove'), requests: { GetDocument: 1 } },
  { name: 'a version deleted (the previous one is the latest again)', change: (k) => k.deleteVersion(at(['Team', 'plan.md']), emulator.store.latest(emulator.store.doc(at(['Team', 'plan.md']))).id), requests: { GetDocument: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a version reverted to', change: (k) => k.revert(at(['Team', 'plan.md']), emulator.store.doc(at(['Team', 'plan.md'])).versions[0]!.id), requests: { GetDocument: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a check-in', change: (k) => { k.checkOut(at(['welcome.txt'])); k.addVersion(at(['welcome.txt']), { content: 'checked in', checkIn: true }); }, requests: { GetDocument: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a folder created, with a document in it', change: (k) => { const { id } = k.addFolder({ parentId: at(['Team']), name: 'Fresh' }); k.addDocument({ parentId: id, name: 'in-fresh.txt', content: 'x' }); }, requests: { GetFolder: 1, DescribeFolderContents: 1, GetDocumentVersion: 1, Content: 1 } },
  { name: 'a folder renamed', change: (k) => k.rename(at(['Team', 'Public']), 'Published'), requests: { GetFolder: 1 } },
  { name: 'a folder moved', change: (k) => k.move(at(['Team', 'Public']), user('alice').rootFolderId), requests: { GetFolder: 1 } },
  { name: 'a folder recycled', change: (k) => k.delete(at(['Team', 'Public']), 'recycle'), requests: { GetFolder: 1 } },
  { name: 'a folder deleted for good', change: (k) => k.delete(at(['Team', 'Public']), 'remove'), requests: { GetFolder: 1 } },
  { name: 'a change of owner', change: (k) => k.setOwner(at(['Team', 'plan.md']), user('bob').id), requests: { GetDocument: 1 } },
  { name: 'a comment (context only: nothing to transfer)', change: (k) => k.addComment({ documentId: at(['Team', 'plan.md']), text: 'nice' }), requests: {} },
  { name: 'a share (context only)', change: (k) => k.share({ resourceId: at(['welcome.txt']), principal: 'bob', role: 'VIEWER' }), requests: {} },
];

describe('each change, from the feed and by a full listing, ends in the same mirror', () => {
  let n = 0;
  beforeEach(() => emulator.control.resetState());

  it.each(cases)('$name', async ({ change, requests }) => {
    n++;
    const [a, b] = [`case${n}-feed/`, `case${n}-full/`];
    expect((await incremental(a)).code).toBe(0);
    emulator.control.advanceClock(1);
    change(emulator.control);
    emulator.control.advanceClock(1);
    const fromFeed = await incremental(a);
    expect(fromFeed.code, fromFeed.log).toBe(0);
    expect(fromFeed.log).toMatch(/incremental: [1-9]\d* new activities/);
    expect(fromFeed.log).not.toContain('full listing:');
    expect(fromFeed.workdocs).toEqual({ DescribeUsers: 1, DescribeActivities: 1, ...requests });
    expect(fromFeed.s3.ListObjectsV2 ?? 0).toBe(0);
    const full = await run(b);
    expect(full.code, full.log).toBe(0);
    await expectSameMirrors(a, b);
    // And the next run, with nothing new, is a no-op again.
    const after = await incremental(a);
    expect(after.workdocs).toEqual({ DescribeUsers: 1, DescribeActivities: 1 });
    expect(nonZero(after.s3)).toEqual({ GetObject: 1, HeadObject: 1 });
  });

  it('after k changes, requests follow k: 12 renames and 4 new versions are 16 GetDocument, 12 copies, 4 downloads', async () => {
    const [a, b] = ['k-feed/', 'k-full/'];
    const added = Array.from({ length: 12 }, (_, i) => emulator.control.addDocument({ parentId: at(['Team']), name: `k${i}.txt`, content: `k ${i}` }).id);
    expect((await incremental(a)).code).toBe(0);
    emulator.control.advanceClock(1);
    added.forEach((id, i) => emulator.control.rename(id, `renamed-${i}.txt`));
    for (const path of [['welcome.txt'], ['Team', 'plan.md'], ['Team', 'budget.xlsx'], ['Team', 'Public', 'flyer.pdf']]) emulator.control.addVersion(at(path), { content: `new ${path.join('/')}` });
    const fromFeed = await incremental(a);
    expect(fromFeed.code, fromFeed.log).toBe(0);
    expect(fromFeed.log).toContain('incremental: 16 new activities');
    expect(fromFeed.workdocs).toEqual({ DescribeUsers: 1, DescribeActivities: 1, GetDocument: 16, GetDocumentVersion: 4, Content: 4 });
    expect(fromFeed.s3).toMatchObject({ CopyObject: 12 });
    expect(fromFeed.s3.ListObjectsV2 ?? 0).toBe(0);
    expect((await run(b)).code).toBe(0);
    await expectSameMirrors(a, b);
  });

  it('a restored document and folder come back', async () => {
    const [a, b] = ['restore-feed/', 'restore-full/'];
    const doc = at(['Team', 'budget.xlsx']);
    const folder = at(['Team', 'Public']);
    emulator.control.delete(doc, 'recycle');
    emulator.control.delete(folder, 'recycle');
    expect((await incremental(a)).code).toBe(0);
    emulator.control.advanceClock(1);
    emulator.control.restore(doc);
    emulator.control.restore(folder);
    emulator.control.advanceClock(1);
    const fromFeed = await incremental(a);
    expect(fromFeed.log).toContain('incremental: 2 new activities');
    expect(fromFeed.workdocs).toMatchObject({ GetDocument: 1, GetFolder: 1, DescribeFolderContents: 1 });
    expect((await run(b)).code).toBe(0);
    await expectSameMirrors(a, b);
    expect(Object.keys(await mirror(a))).toEqual(expect.arrayContaining(['alice/Team/budget.xlsx', 'alice/Team/Public/flyer.pdf']));
  });

  it('a user added (no activity: the users are read every run) and a user removed', async () => {
    const [a, b] = ['users-feed/', 'users-full/'];
    expect((await incremental(a)).code).toBe(0);
    const erin = emulator.control.addUser({ username: 'erin' });
    emulator.control.addDocument({ parentId: erin.rootFolderId, name: 'erin.txt', content: 'hi' });
    emulator.control.removeUser(user('dave').id);
    const fromFeed = await incremental(a, ['--max_delete', '100%']);
    expect(fromFeed.code, fromFeed.log).toBe(0);
    expect(fromFeed.log).not.toContain('full listing:');
    expect((await run(b)).code).toBe(0);
    await expectSameMirrors(a, b);
    expect(Object.keys(await mirror(a))).toContain('erin/erin.txt');
    expect(Object.keys(await mirror(a))).not.toContain('dave/');
  });

  it('with the recycle bins: a recycle and a restore move the item between the tree and its owner\'s bin', async () => {
    const [a, b] = ['bins-feed/', 'bins-full/'];
    const bins = ['--include_recycle_bin', 'true'];
    expect((await incremental(a, bins)).code).toBe(0);
    emulator.control.advanceClock(1);
    const welcome = at(['welcome.txt']);
    emulator.control.delete(welcome, 'recycle');
    emulator.control.delete(at(['Team', 'Public']), 'recycle');
    const fromFeed = await incremental(a, bins);
    expect(fromFeed.code, fromFeed.log).toBe(0);
    expect(fromFeed.log).not.toContain('full listing:');
    expect((await run(b, bins)).code).toBe(0);
    await expectSameMirrors(a, b);
    expect(Object.keys(await mirror(a))).toEqual(expect.arrayContaining(['.recycle-bin/alice/welcome.txt', '.recycle-bin/alice/Public/flyer.pdf']));
    emulator.control.advanceClock(1);
    emulator.control.restore(welcome);
    const restored = await incremental(a, bins);
    expect(restored.code, restored.log).toBe(0);
    expect(restored.log).not.toContain('full listing:');
    expect((await run(b, bins)).code).toBe(0);
    await expectSameMirrors(a, b);
    expect(Object.keys(await mirror(a))).toContain('alice/welcome.txt');
    expect(Object.keys(await mirror(a))).not.toContain('.recycle-bin/alice/welcome.txt');
  });
});

describe('when the feed cannot be trusted, the run lists everything and says why', () => {
  beforeEach(() => emulator.control.resetState());

  it('a failed page of the feed', async () => {
    expect((await incremental('gap/')).code).toBe(0);
    emulator.control.rename(at(['welcome.txt']), 'after-gap.txt');
    // Twice: the source head's check reads the feed first (and leaves the run to the usual path when it fails).
    emulator.control.addFault({ op: 'DescribeActivities', kind: 'error', status: 400, errorType: 'InvalidArgumentException', count: 2 });
    const gap = await incremental('gap/');
    expect(gap.code, gap.log).toBe(0);
    expect(gap.log).toMatch(/full listing: a page of the activity feed failed \(.*InvalidArgument/);
    expect(gap.workdocs.DescribeFolderContents).toBeGreaterThan(0);
    expect(Object.keys(await mirror('gap/'))).toContain('alice/after-gap.txt');
  });

  it('an activity of a type this tool does not know (a newer service): the run does not guess', async () => {
    expect((await incremental('unknown/')).code).toBe(0);
    const doc = at(['welcome.txt']);
    emulator.store.record({ type: 'DOCUMENT_FROBNICATED', time: emulator.store.now(), resourceType: 'DOCUMENT', resourceId: doc, name: 'welcome.txt', parentId: user('alice').rootFolderId, initiatorId: user('alice').id });
    const next = await incremental('unknown/');
    expect(next.code, next.log).toBe(0);
    expect(next.log).toContain('full listing: activity type DOCUMENT_FROBNICATED is not one this tool interprets');
    expect(next.workdocs.DescribeFolderContents).toBeGreaterThan(0);
  });

  it('a manifest write that failed: the snapshot goes too (it would describe the old manifest as current), the next run lists everything', async () => {
    const proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
    try {
      const viaProxy = ['--s3_endpoint_url', proxy.endpoint];
      expect((await incremental('dead/', viaProxy)).code).toBe(0);
      emulator.control.addDocument({ parentId: at(['Team']), name: 'lost-record.txt', content: 'x' });
      const dead = proxy.addRule({ kind: 'error', status: 500, operation: 'PutObject', key: 'manifest.json' });
      const failed = await incremental('dead/', viaProxy);
      proxy.removeRule(dead.id);
      expect(failed.code).not.toBe(0);
      expect(failed.log).toMatch(/the manifest could not be written/);
      expect(await listAllKeys(bucket.client, bucket.bucket, 'dead/')).not.toContain(snapshotKey('dead/'));
      const next = await incremental('dead/', viaProxy);
      expect(next.code, next.log).toBe(0);
      expect(next.log).toContain('full listing: no source snapshot yet');
      expect((await run('dead-full/')).code).toBe(0);
      await expectSameMirrors('dead/', 'dead-full/');
    } finally {
      await proxy.close();
    }
  });

  it('a snapshot that is not one (found by the next run with something to do)', async () => {
    expect((await incremental('corrupt/')).code).toBe(0);
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: snapshotKey('corrupt/'), Body: 'not gzip' }));
    emulator.control.advanceClock(1);
    emulator.control.rename(at(['welcome.txt']), 'after-corruption.txt');
    const next = await incremental('corrupt/');
    expect(next.code, next.log).toBe(0);
    expect(next.log).toContain('full listing: the source snapshot is unreadable (not gzip)');
  });

  it('a manifest another run wrote (a run without incremental)', async () => {
    expect((await incremental('other/')).code).toBe(0);
    emulator.control.addDocument({ parentId: at(['Team']), name: 'by-listing.txt', content: 'x' });
    expect((await run('other/')).code).toBe(0);
    const next = await incremental('other/');
    expect(next.log).toContain('full listing: the manifest changed since the snapshot was written');
  });

  it('full_listing_every: a run after it lists everything, one before it does not (the run\'s clock decides)', async () => {
    const t0 = Date.UTC(2030, 0, 1);
    expect((await incremental('every/', ['--full_listing_every', '12h'], () => t0)).code).toBe(0);
    const before = await incremental('every/', ['--full_listing_every', '12h'], () => t0 + 11 * 3_600_000);
    expect(before.log).not.toContain('full listing:');
    const after = await incremental('every/', ['--full_listing_every', '12h'], () => t0 + 12 * 3_600_000);
    expect(after.log).toContain('full listing: the last full listing is older than full_listing_every (2030-01-01T00:00:00.000Z)');
    expect(after.workdocs.DescribeFolderContents).toBeGreaterThan(0);
    const next = await incremental('every/', ['--full_listing_every', '12h'], () => t0 + 13 * 3_600_000);
    expect(next.log).not.toContain('full listing:');
    const zero = await incremental('every/', ['--full_listing_every', '0'], () => t0 + 14 * 3_600_000);
    expect(zero.log).toContain('full listing: full_listing_every is 0');
  });
});

describe('the source head: a no-op decided from a few hundred bytes', () => {
  beforeEach(() => emulator.control.resetState());
  const headKey = (prefix: string) => sourceHeadKey(prefix);
  const hasHead = async (prefix: string) => (await listAllKeys(bucket.client, bucket.bucket, prefix)).includes(headKey(prefix));
  const totalsLine = (r: Run) => /uploaded \d+, copied \d+, skipped \d+, .*failed \d+/.exec(r.log)?.[0];
  const perUserLine = (r: Run) => /per user: .*/.exec(r.log)?.[0];

  it('reports what the usual no-op reports: the same totals and per-user counts, without reading the manifest', async () => {
    expect((await incremental('head-same/', ['--versions', 'all'])).code).toBe(0);
    expect(await hasHead('head-same/')).toBe(true);
    // Without the head, the usual path: it reads manifest and snapshot, plans, and leaves the head again.
    await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: headKey('head-same/') }));
    const usual = await incremental('head-same/', ['--versions', 'all']);
    expect(usual.code, usual.log).toBe(0);
    expect(usual.log).toMatch(/incremental: 0 new activities/);
    expect(nonZero(usual.s3)).toMatchObject({ GetObject: 3, PutObject: 1 });
    const fast = await incremental('head-same/', ['--versions', 'all']);
    expect(fast.code, fast.log).toBe(0);
    expect(fast.log).toMatch(/up to date: no new activity/);
    expect(nonZero(fast.s3)).toEqual({ GetObject: 1, HeadObject: 1 });
    expect(totalsLine(fast)).toBeDefined();
    expect(totalsLine(fast)).toBe(totalsLine(usual));
    expect(perUserLine(fast)).toBe(perUserLine(usual));
  });

  it('a run that is not clean removes the head: the next run takes the usual path and finishes the work', async () => {
    expect((await incremental('head-failed/')).code).toBe(0);
    emulator.control.advanceClock(1);
    const plan = at(['Team', 'plan.md']);
    emulator.control.addVersion(plan, { content: 'plan, v-next' });
    emulator.control.addFault({ op: 'Content', documentId: plan, kind: 'corrupt' });
    const failed = await incremental('head-failed/');
    expect(failed.code, failed.log).toBe(1);
    expect(await hasHead('head-failed/')).toBe(false);
    emulator.control.clearFaults();
    const healed = await incremental('head-failed/');
    expect(healed.code, healed.log).toBe(0);
    expect(healed.log).not.toMatch(/up to date/);
    expect(healed.workdocs).toMatchObject({ Content: 1 });
    expect(md5Hex(await getObjectBytes(bucket.client, bucket.bucket, 'head-failed/alice/Team/plan.md'))).toBe(md5Hex(new TextEncoder().encode('plan, v-next')));
    expect(await hasHead('head-failed/')).toBe(true);
    expect((await incremental('head-failed/')).log).toMatch(/up to date/);
  });

  it('other options (every version wanted now) take the usual path, which does what they ask', async () => {
    expect((await incremental('head-options/')).code).toBe(0);
    expect((await incremental('head-options/')).log).toMatch(/up to date/);
    const all = await incremental('head-options/', ['--versions', 'all']);
    expect(all.code, all.log).toBe(0);
    expect(all.log).not.toMatch(/up to date/);
    expect((await listAllKeys(bucket.client, bucket.bucket, 'head-options/.history/')).length).toBeGreaterThan(0);
    expect((await incremental('head-options/', ['--versions', 'all'])).log).toMatch(/up to date/);
  });

  it('metadata_refresh never ends at the head', async () => {
    expect((await incremental('head-refresh/', ['--metadata', 'index'])).code).toBe(0);
    const refresh = await incremental('head-refresh/', ['--metadata', 'index', '--metadata_refresh', 'true']);
    expect(refresh.code, refresh.log).toBe(0);
    expect(refresh.log).not.toMatch(/up to date/);
    expect(refresh.workdocs.DescribeComments ?? 0).toBeGreaterThan(0);
  });

  it('a head that is not one is ignored and written again', async () => {
    expect((await incremental('head-corrupt/')).code).toBe(0);
    await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: headKey('head-corrupt/'), Body: '{"format":"something else"}' }));
    const next = await incremental('head-corrupt/');
    expect(next.code, next.log).toBe(0);
    expect(next.log).toMatch(/incremental: 0 new activities/);
    expect((await incremental('head-corrupt/')).log).toMatch(/up to date/);
  });

  it('a dry run may end at the head too, and writes nothing either way', async () => {
    expect((await incremental('head-dry/')).code).toBe(0);
    const dry = await incremental('head-dry/', ['--dry_run', 'true']);
    expect(dry.code, dry.log).toBe(0);
    expect(dry.log).toMatch(/up to date/);
    expect(nonZero(dry.s3)).toEqual({ GetObject: 1, HeadObject: 1 });
  });
});

describe('auto', () => {
  it('in a site, reads the feed like activities', async () => {
    emulator.control.resetState();
    expect((await run('auto/', ['--incremental', 'auto'])).code).toBe(0);
    const next = await run('auto/', ['--incremental', 'auto']);
    expect(next.log).toMatch(/up to date: no new activity/);
    expect(next.workdocs).toEqual({ DescribeUsers: 1, DescribeActivities: 1 });
  });

  it('for one folder (no organization id for the feed), lists everything, and says so', async () => {
    const folder = await run('auto-folder/', ['--workdocs_organization_id', '', '--workdocs_folder_id', user('alice').rootFolderId, '--incremental', 'auto']);
    expect(folder.code, folder.log).toBe(0);
    expect(folder.log).toContain('incremental auto: the activity feed needs workdocs_organization_id; this run lists everything');
    expect(folder.workdocs.DescribeActivities).toBeUndefined();
  });
});

describe('bad values: exit 2, nothing touched', () => {
  it.each([
    [['--incremental', 'sometimes'], /incremental.*must be one of listing, activities, auto/],
    [['--full_listing_every', 'weekly'], /full_listing_every.*must be a duration/],
    [['--full_listing_every', '90d'], /full_listing_every.*at most 30d/],
    [['--workdocs_organization_id', '', '--workdocs_folder_id', 'f1', '--incremental', 'activities'], /incremental.*needs workdocs_organization_id/],
  ])('%j', async (args, message) => {
    const result = await run('bad/', args);
    expect(result.code).toBe(2);
    expect(result.log).toMatch(message);
    expect(result.s3).toEqual({});
    expect(result.workdocs).toEqual({});
  });
});
