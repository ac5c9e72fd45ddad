// The metadata index's local files (src/engine/context.ts): the previous state and records are streamed from their
// GET into a temporary directory and decoded from there, never held in memory; every run removes that directory,
// whatever happened (success, no-op, dry run, an unreadable or failing state or records object). The emulator's site
// fixture, the real S3 server (behind the fault proxy for failing GETs) and the CLI in-process, with TMPDIR pointed at a
// directory of this test's own, so that anything left behind is seen.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.js';
import { getObjectBytes } from '../helpers/s3.js';
import { bucketState, expectExactMirror, nonZero, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

const MiB = 1024 * 1024;
const DOCUMENTS = 4; // the site fixture's documents in alice's tree
const INDEX = (prefix: string) => `${prefix}.workdocs-s3-sync/index/`;

/**
 * The process's temporary directory (os.tmpdir() reads TMPDIR on every call) pointed at a directory of this file's
 * own while a describe runs, and a watch on it: what each run created there, and what it left.
 */
function watchedTmpdir(): { created(): string[]; left(): string[] } {
  const saved = process.env['TMPDIR'];
  let root = '';
  let watcher: FSWatcher | undefined;
  let created = new Set<string>();
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'wds-metadata-tmp-'));
    watcher = watch(root, (_event, name) => { if (name) created.add(name.toString()); });
    process.env['TMPDIR'] = root;
  });
  afterAll(() => {
    watcher?.close();
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => { created = new Set(); });
  return {
    /** What was created since the last call. */
    created: () => {
      const names = [...created].sort();
      created = new Set();
      return names;
    },
    left: () => readdirSync(root),
  };
}

/** After a run: it used a temporary directory of its own (when `used`), and nothing of it is left. */
async function expectNothingLeft(tmp: ReturnType<typeof watchedTmpdir>, used = true): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50)); // the watch's events arrive asynchronously
  expect(tmp.left()).toEqual([]);
  // The manifest's write has a temporary directory of its own (workdocs-s3-sync-manifest-*): left aside here.
  const created = tmp.created().filter((name) => name.startsWith('workdocs-s3-sync-index-'));
  expect(created).toHaveLength(used ? 1 : 0);
}

function logOf(r: RunResult): string {
  return r.log + r.stderr;
}

describe('metadata index: temporary files', () => {
  let scn: Scenario;
  let proxy: FaultProxy;
  const PREFIX = 'tmp/';
  const run = (args: string[] = []) => scn.run(['--s3_prefix', PREFIX, '--metadata', 'index', '--s3_endpoint_url', proxy.endpoint, ...args]);
  const put = (key: string, body: Buffer) => scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: key, Body: body }));

  // Before the TMPDIR switch: the scenario's own directory stays where it was.
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'metadata-tmp');
    proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
  });
  afterAll(async () => {
    await proxy?.close();
    await scn?.close();
  });
  const tmp = watchedTmpdir();
  /** The index objects the runs since the last reset read (GetObject through the proxy, retries too). */
  const indexReads = () => proxy.requests().filter((q) => q.operation === 'GetObject' && q.key.startsWith(INDEX(PREFIX))).map((q) => q.key.slice(INDEX(PREFIX).length));
  afterEach(() => {
    proxy.clearRules();
    proxy.reset();
  });

  it('a first run, a no-op and a dry run leave no temporary file behind', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    await expectExactMirror(scn, PREFIX);
    await expectNothingLeft(tmp);

    const noop = await run();
    expect(noop.code).toBe(0);
    expect(nonZero(noop.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
    await expectNothingLeft(tmp);

    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'dry.txt', content: 'dry' });
    const dry = await run(['--dry_run', 'true']);
    expect(dry.code).toBe(0);
    expect(dry.log).toMatch(/would read the context of 1 item/);
    expect(nonZero(dry.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
    await expectNothingLeft(tmp);

    proxy.reset();
    const writes = await run();
    expect(writes.code, writes.stderr).toBe(0);
    expect(writes.workdocs).toMatchObject({ DescribeComments: 1 });
    expect(indexReads()).toEqual(['state.jsonl.gz', 'records.jsonl.gz']);
    await expectNothingLeft(tmp);
  });

  it('an unreadable records object: a warning, every item read again, the index written afresh, nothing left', async () => {
    await put(`${INDEX(PREFIX)}records.jsonl.gz`, Buffer.from('not gzip at all'));
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'after-records.txt', content: 'x' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(logOf(r)).toMatch(/the previous metadata index is unreadable \(.*\): every item's context is read again/);
    expect(r.workdocs['DescribeComments']).toBe(DOCUMENTS + 2);
    const records = gunzipSync(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${INDEX(PREFIX)}records.jsonl.gz`)).toString('utf8').split('\n').filter(Boolean);
    expect(records).toHaveLength(1 + DOCUMENTS + 2 + 2); // header, documents, folders
    await expectNothingLeft(tmp);
  });

  it('an unreadable state object (gzip cut short): the same, and nothing left', async () => {
    const state = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${INDEX(PREFIX)}state.jsonl.gz`);
    await put(`${INDEX(PREFIX)}state.jsonl.gz`, state.subarray(0, Math.floor(state.length / 2)));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(logOf(r)).toMatch(/the previous metadata index is unreadable/);
    expect(r.workdocs['DescribeComments']).toBe(DOCUMENTS + 2);
    await expectNothingLeft(tmp);
    const again = await run();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
    await expectNothingLeft(tmp);
  });

  it('a GET of the state that fails: the state error item, the index left as it is, nothing left', async () => {
    const indexObjects = async () => (await bucketState(scn.bucket.client, scn.bucket.bucket)).filter((k) => k.startsWith(INDEX(PREFIX)));
    const before = await indexObjects();
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'after-get.txt', content: 'y' });
    proxy.addRule({ kind: 'error', status: 500, code: 'InternalError', operation: 'GetObject', key: 'state.jsonl.gz', count: 1000 });
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.report.items.filter((i) => i.outcome === 'failed')).toEqual([
      expect.objectContaining({ action: 'metadata', key: `${INDEX(PREFIX)}state.jsonl.gz`, reason: 'state' }),
    ]);
    expect(await indexObjects()).toEqual(before);
    await expectNothingLeft(tmp);
  });

  it('a GET of the records that fails: a warning, every item read again, nothing left', async () => {
    proxy.addRule({ kind: 'error', status: 500, code: 'InternalError', operation: 'GetObject', key: 'records.jsonl.gz', count: 1000 });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(logOf(r)).toMatch(/the previous metadata index is unreadable/);
    expect(r.workdocs['DescribeComments']).toBe(DOCUMENTS + 3);
    await expectNothingLeft(tmp);
  });
});

describe('metadata index: records of several MB, decoded from the local file', () => {
  let scn: Scenario;
  const PREFIX = 'big/';
  const run = () => scn.run(['--s3_prefix', PREFIX, '--metadata', 'index']);

  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'metadata-big'); });
  afterAll(async () => scn?.close());
  const tmp = watchedTmpdir();

  it('every record carried over from a records object of more than 6 MB, line for line', async () => {
    expect((await run()).code).toBe(0);
    await expectNothingLeft(tmp);

    // Each document's record gets 2,000 more comments of random text (it does not compress): the records object
    // grows to several MB gzip, with lines of some 2 MB each. The state is left as it is: nothing is read again.
    const recordsKey = `${INDEX(PREFIX)}records.jsonl.gz`;
    const [header, ...lines] = gunzipSync(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, recordsKey)).toString('utf8').split('\n').filter(Boolean);
    const padded = lines.map((line) => {
      const record = JSON.parse(line) as { type: string; id: string; comments?: unknown[] };
      if (record.type !== 'document') return line;
      const extra = Array.from({ length: 2000 }, (_, i) => ({
        commentId: `pad-${record.id}-${i}`, threadId: `pad-${record.id}-${i}`, parentId: '', authorId: 'u-pad', authorName: 'pad', created: '2024-01-01T00:00:00.000Z',
        text: `pad ${randomBytes(900).toString('base64')}`, visibility: 'PUBLIC', status: 'PUBLISHED', recipientId: '',
      }));
      record.comments = [...record.comments!, ...extra];
      return JSON.stringify(record);
    });
    const body = gzipSync(`${[header, ...padded].join('\n')}\n`);
    expect(body.length).toBeGreaterThan(6 * MiB);
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: recordsKey, Body: body }));

    // A new document: the run writes the index, so it reads the records and carries every other record over.
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'new.txt', content: 'new' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.workdocs['DescribeComments']).toBe(1); // the new document only: every other record was carried over
    await expectNothingLeft(tmp);

    const jsonl = (await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${INDEX(PREFIX)}index.jsonl`)).toString('utf8').split('\n').filter(Boolean);
    expect(jsonl).toHaveLength(padded.length + 1);
    expect(jsonl.slice(0, padded.length)).toEqual(padded);
    const written = gunzipSync(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, recordsKey)).toString('utf8').split('\n').filter(Boolean);
    expect(written.slice(1, 1 + padded.length)).toEqual(padded);
    const comments = (await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${INDEX(PREFIX)}comments.csv`)).toString('utf8');
    expect(comments.split('\r\n').filter((row) => row.includes(',pad-')).length).toBe(DOCUMENTS * 2000);
  });
});
