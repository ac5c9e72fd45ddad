// versions: all against the WorkDocs emulator (real SDK over HTTP) and the real S3 server: every ACTIVE version
// stored and verified, the history moved by server-side copies, a no-op resync that asks nothing per version, and
// the delete, archive and max_delete rules for histories.
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import { expectExactMirror, nonZero, readMirror, s3Writes, startScenario, type MirrorObject, type RunResult, type Scenario } from '../helpers/scenario.js';

const PREFIX = 'mirror/';
const H = `${PREFIX}.history/`;

function historyTree(): Fixture {
  return {
    seed: 'versions',
    root: {
      name: 'Team',
      children: [
        { name: 'Docs', children: [
          { name: 'a.txt', versions: [
            // An older name: its version keeps its own extension in the history.
            { id: 'a-v1', name: 'a-draft.md', content: 'alpha 1', created: '2024-01-01T10:00:00Z' },
            { id: 'a-v2', content: 'alpha 2', created: '2024-02-01T10:00:00Z' },
            { id: 'a-v3', content: 'alpha 3', created: '2024-03-01T10:00:00Z' },
            // An upload that never finished: not a version to store.
            { id: 'a-v4', content: 'never finished', status: 'INITIALIZED', created: '2024-04-01T10:00:00Z' },
          ] },
          { name: 'b.txt', content: 'bravo' },
        ] },
        { name: 'c.md', versions: [
          // WorkDocs gave no Signature for this one: the tool hashes the bytes itself.
          { id: 'c-v1', content: 'charlie 1', noSignature: true, created: '2024-01-05T00:00:00Z' },
          { id: 'c-v2', content: 'charlie 2', created: '2024-01-06T00:00:00Z' },
        ] },
      ],
    },
  };
}

/** `key version md5` of every object under the prefix (markers and the tool's area left out). */
function described(mirror: readonly MirrorObject[]): string[] {
  return mirror.map((o) => `${o.key} ${o.versionId} ${o.md5}`).sort();
}

const md5 = (text: string): string => md5Hex(Buffer.from(text));

/** What a first `all` run of historyTree() stores, the latest versions at their usual keys. */
function firstAllRun(bVersion: string): string[] {
  return [
    `${H}Docs/a.txt/2024-01-01T10-00-00Z_a-v1.md a-v1 ${md5('alpha 1')}`,
    `${H}Docs/a.txt/2024-02-01T10-00-00Z_a-v2.txt a-v2 ${md5('alpha 2')}`,
    `${H}c.md/2024-01-05T00-00-00Z_c-v1.md c-v1 ${md5('charlie 1')}`,
    `${PREFIX}Docs/a.txt a-v3 ${md5('alpha 3')}`,
    `${PREFIX}Docs/b.txt ${bVersion} ${md5('bravo')}`,
    `${PREFIX}c.md c-v2 ${md5('charlie 2')}`,
  ].sort();
}

describe('versions: all — every version, verified, moved by copies', () => {
  let scn: Scenario;
  const run = (args: string[] = []): Promise<RunResult> => scn.run(['--s3_prefix', PREFIX, ...args]);
  const all = (args: string[] = []): Promise<RunResult> => run(['--versions', 'all', ...args]);
  const mirror = async (): Promise<MirrorObject[]> => readMirror(scn.bucket.client, scn.bucket.bucket, PREFIX);
  let bVersion = '';
  /** What a no-op resync of the `latest` mirror costs, per side: an `all` mirror must cost the same. */
  let latestNoop: { s3: Record<string, number>; workdocs: Record<string, number> } = { s3: {}, workdocs: {} };
  beforeAll(async () => { scn = await startScenario({ fixture: historyTree() }, 'versions'); });
  afterAll(async () => scn?.close());

  it('a mirror made with `latest` has no history, and asks for no versions', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 3 });
    expect(r.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    bVersion = (await mirror()).find((o) => o.key === `${PREFIX}Docs/b.txt`)!.versionId;
    const noop = await run();
    expect(noop.report.changed).toBe(false);
    latestNoop = { s3: nonZero(noop.s3), workdocs: nonZero(noop.workdocs) };
    expect(latestNoop.s3.ListObjectsV2).toBe(1);
  });

  it('a dry run with `all` lists the versions and writes nothing', async () => {
    const r = await all(['--dry_run', 'true']);
    expect(r.code).toBe(0);
    expect(s3Writes(r.s3)).toEqual({});
    expect(r.workdocs.DescribeDocumentVersions).toBe(3);
    expect(r.report.items.filter((i) => i.action === 'upload').map((i) => `${i.key} ${i.outcome}`).sort()).toEqual([
      `${H}Docs/a.txt/2024-01-01T10-00-00Z_a-v1.md planned`,
      `${H}Docs/a.txt/2024-02-01T10-00-00Z_a-v2.txt planned`,
      `${H}c.md/2024-01-05T00-00-00Z_c-v1.md planned`,
    ]);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, H)).toEqual([]);
  });

  it('switching to `all` keeps the latest at its key and adds every older ACTIVE version, each with its own MD5 (= Signature)', async () => {
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 3, skipped: 3, copied: 0, deleted: 0, failed: 0 });
    expect(r.workdocs.DescribeDocumentVersions).toBe(3);
    const objects = await mirror();
    expect(described(objects)).toEqual(firstAllRun(bVersion));
    expect(objects.every((o) => o.documentId !== '')).toBe(true);
    // The manifest records each version at its key, so the next run trusts it without a request.
    expect(r.log).toMatch(/manifest written/);
  });

  it('a no-op resync makes no per-version request: exactly the requests of a no-op with `latest` (listing pages, one LIST, the manifest)', async () => {
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 0, skipped: 6, deleted: 0 });
    expect(r.report.changed).toBe(false);
    expect(r.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    expect(r.workdocs.DescribeFolderContents).toBe(2); // one page per folder (root, Docs)
    expect(nonZero(r.workdocs)).toEqual(latestNoop.workdocs);
    expect(nonZero(r.s3)).toEqual(latestNoop.s3);
  });

  it('verify with `all` judges the history too: exact right after the sync, one discrepancy once a version is deleted behind its back', async () => {
    const exact = await all(['--mode', 'verify']);
    expect(exact.code, exact.stdout).toBe(0);
    expect(s3Writes(exact.s3)).toEqual({});
    const key = `${H}Docs/a.txt/2024-02-01T10-00-00Z_a-v2.txt`;
    const bytes = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key);
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: key }));
    const missing = await all(['--mode', 'verify']);
    expect(missing.code).toBe(1);
    expect(missing.report.verify?.counts.missing).toBe(1);
    // Put back as it was (a sync would upload it again): the steps below start from the exact mirror.
    const restored = await all();
    expect(restored.report.totals).toMatchObject({ uploaded: 1 });
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, key)).equals(bytes)).toBe(true);
  });

  it('with the manifest lost, every version is adopted by its metadata (no upload), described once, and the manifest rebuilt', async () => {
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: `${PREFIX}.workdocs-s3-sync/manifest.json` }));
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, skipped: 6 });
    expect(r.report.items.filter((i) => i.action === 'skip' && i.key.startsWith(H)).map((i) => i.reason)).toEqual(['adopted', 'adopted', 'adopted']);
    expect(r.workdocs.DescribeDocumentVersions).toBe(3);
    const again = await all();
    expect(again.report.changed).toBe(false);
    expect(again.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
  });

  it('a new version: the previous latest moves into the history by one server-side copy, the new one is uploaded', async () => {
    const id = scn.emulator.control.lookup(['Docs', 'a.txt'])!;
    const { versionId } = scn.emulator.control.addVersion(id, { content: 'alpha 5' });
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 1, copied: 1, deleted: 0, failed: 0 });
    expect(r.report.items.find((i) => i.action === 'copy')).toMatchObject({ fromKey: `${PREFIX}Docs/a.txt`, key: `${H}Docs/a.txt/2024-03-01T10-00-00Z_a-v3.txt`, outcome: 'done' });
    expect(r.s3.CopyObject).toBe(1);
    // One version listing (this document's), one content download (the new version's): none for the old latest.
    expect(r.workdocs.DescribeDocumentVersions).toBe(1);
    expect(r.workdocs.Content).toBe(1);
    const objects = described(await mirror());
    expect(objects).toContain(`${H}Docs/a.txt/2024-03-01T10-00-00Z_a-v3.txt a-v3 ${md5('alpha 3')}`);
    expect(objects).toContain(`${PREFIX}Docs/a.txt ${versionId} ${md5('alpha 5')}`);
    expect(objects).toHaveLength(7);
  });

  it('a rename moves the document and its whole history by copies, with no download and no version listing', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['Docs', 'a.txt'])!, 'z.txt');
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 4, deleted: 4, failed: 0 });
    expect(r.workdocs.GetDocumentVersion ?? 0).toBe(0);
    expect(r.workdocs.Content ?? 0).toBe(0);
    expect(r.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    const keys = (await mirror()).map((o) => o.key).filter((k) => k.startsWith(H)).sort();
    expect(keys).toEqual([
      `${H}Docs/z.txt/2024-01-01T10-00-00Z_a-v1.md`,
      `${H}Docs/z.txt/2024-02-01T10-00-00Z_a-v2.txt`,
      `${H}Docs/z.txt/2024-03-01T10-00-00Z_a-v3.txt`,
      `${H}c.md/2024-01-05T00-00-00Z_c-v1.md`,
    ]);
  });

  it('a document whose versions cannot be listed fails alone (exit 1) and keeps what the bucket has; the next run converges', async () => {
    const c = scn.emulator.control;
    const id = c.lookup(['c.md'])!;
    c.addVersion(id, { content: 'charlie 3' });
    c.addFault({ op: 'DescribeDocumentVersions', documentId: id, kind: 'error', status: 403, errorType: 'UnauthorizedResourceAccessException' });
    const before = described(await mirror());
    const failed = await all();
    expect(failed.code).toBe(1);
    expect(failed.report.items.find((i) => i.key === `${PREFIX}c.md`)).toMatchObject({ outcome: 'blocked', error: expect.stringMatching(/versions could not be listed/) });
    expect(described(await mirror())).toEqual(before);
    c.clearFaults();
    const healed = await all();
    expect(healed.code).toBe(0);
    expect(healed.report.totals).toMatchObject({ uploaded: 1, copied: 1, deleted: 0 });
    expect(described(await mirror())).toContain(`${H}c.md/2024-01-06T00-00-00Z_c-v2.md c-v2 ${md5('charlie 2')}`);
  });

  it('a deleted document: its history is stale like its latest — refused above max_delete, archived with archive_prefix', async () => {
    scn.emulator.control.delete(scn.emulator.control.lookup(['c.md'])!);
    const refused = await all(['--max_delete', '2']);
    expect(refused.code).toBe(1);
    expect(refused.report.deletesBlocked).toMatch(/3 deletes exceed max_delete \(2\)/);
    expect(s3Writes(refused.s3)).not.toHaveProperty('DeleteObjects');
    const archived = await all(['--archive_prefix', 'archive/']);
    expect(archived.code).toBe(0);
    const archivedKeys = archived.report.items.filter((i) => i.action === 'archive').map((i) => i.toKey!.replace(/^archive\/[^/]+\//, '')).sort();
    expect(archivedKeys).toEqual(['.history/c.md/2024-01-05T00-00-00Z_c-v1.md', '.history/c.md/2024-01-06T00-00-00Z_c-v2.md', 'c.md']);
    expect((await mirror()).some((o) => o.key.includes('c.md'))).toBe(false);
  });

  it('switching back to `latest`: the history is stale, deleted within max_delete, and the mirror is exact', async () => {
    const refused = await run();
    expect(refused.code).toBe(1);
    expect(refused.report.deletesBlocked).toMatch(/exceed max_delete \(50%\)/);
    const r = await run(['--max_delete', '100%']);
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ deleted: 3, uploaded: 0, copied: 0 });
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, H)).toEqual([]);
    await expectExactMirror(scn, PREFIX);
  });
});

describe('versions: all with uploads made while listing', () => {
  let scn: Scenario;
  const all = (): Promise<RunResult> => scn.run(['--s3_prefix', PREFIX, '--versions', 'all']);
  beforeAll(async () => { scn = await startScenario({ fixture: historyTree() }, 'versions-early'); });
  afterAll(async () => scn?.close());

  it('a new document uploaded while listing: only its versions are asked for, the others still known from the manifest', async () => {
    expect((await all()).code).toBe(0);
    const parentId = scn.emulator.control.lookup(['Docs'])!;
    scn.emulator.control.addDocument({ parentId, name: 'd.txt', content: 'delta' });
    const r = await all();
    expect(r.code).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 1, copied: 0, deleted: 0, failed: 0 });
    // Uploaded early (it could be nothing else); the manifest's recorded histories still spare the other documents.
    expect(r.workdocs.DescribeDocumentVersions).toBe(1);
    const mirror = described(await readMirror(scn.bucket.client, scn.bucket.bucket, PREFIX));
    expect(mirror).toContain(`${PREFIX}Docs/d.txt ${r.report.items.find((i) => i.key === `${PREFIX}Docs/d.txt`)!.versionId} ${md5('delta')}`);
    expect(mirror).toHaveLength(7);
    const again = await all();
    expect(again.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, failed: 0 });
    expect(again.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
  });
});

describe('versions: all over scale-out (plan → shards → finalize)', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: historyTree() }, 'versions-scale'); });
  afterAll(async () => scn?.close());

  const scaled = async (runId: string): Promise<void> => {
    const planned = await scn.run(['--s3_prefix', PREFIX, '--versions', 'all', '--mode', 'plan', '--shard_count', '2', '--run_id', runId]);
    expect(planned.code, planned.stderr).toBe(0);
    for (const shard of [0, 1]) {
      const r = await scn.run(['--s3_prefix', PREFIX, '--versions', 'all', '--mode', 'shard', '--shard_index', String(shard), '--run_id', runId]);
      expect(r.code, r.stderr).toBe(0);
    }
    const finalized = await scn.run(['--s3_prefix', PREFIX, '--versions', 'all', '--mode', 'finalize', '--run_id', runId]);
    expect(finalized.code, finalized.stderr).toBe(0);
  };

  it('stores every version like one job does, takes a new version, and a sync afterwards has nothing to do', async () => {
    await scaled('v1');
    const bVersion = (await readMirror(scn.bucket.client, scn.bucket.bucket, PREFIX)).find((o) => o.key === `${PREFIX}Docs/b.txt`)!.versionId;
    expect(described(await readMirror(scn.bucket.client, scn.bucket.bucket, PREFIX))).toEqual(firstAllRun(bVersion));

    // Shards cannot order a copy before the upload that overwrites its source: the old latest is downloaded instead.
    scn.emulator.control.addVersion(scn.emulator.control.lookup(['Docs', 'a.txt'])!, { content: 'alpha 5' });
    await scaled('v2');
    const objects = described(await readMirror(scn.bucket.client, scn.bucket.bucket, PREFIX));
    expect(objects).toContain(`${H}Docs/a.txt/2024-03-01T10-00-00Z_a-v3.txt a-v3 ${md5('alpha 3')}`);
    expect(objects).toHaveLength(7);

    const resync = await scn.run(['--s3_prefix', PREFIX, '--versions', 'all']);
    expect(resync.code).toBe(0);
    expect(resync.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, skipped: 7 });
    // finalize recorded the histories the plan described: nothing is asked again.
    expect(resync.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    expect(resync.report.changed).toBe(false);
  });
});
