// versions: all — an older version deleted in WorkDocs (DeleteDocumentVersion, DeletePriorVersions) leaves the
// document's latest version as it was, so a plain sync has no reason to ask about its versions again. It leaves the
// mirror's history through the activity feed (incremental auto: DOCUMENT_VERSION_DELETED), through metadata_refresh
// (incremental listing), or through the scheduled full listing (full_listing_every); its object is then stale and
// follows the delete rules (dry_run, max_delete). The site fixture over HTTP with the real SDK, the real S3 server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAllKeys } from '../helpers/s3.js';
import { bucketState, s3Writes, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization
const HISTORY = 'p/.history/alice/Team/plan.md/';

/** The version id a history key names (`<time>_<versionId>.md`). */
const versionIdOf = (key: string): string => /_([^/]+)\.md$/.exec(key)![1]!;

/** The site with versions: all, `alice`'s Team/plan.md and what its history holds in the bucket. */
function siteOf(scn: Scenario, incremental: 'listing' | 'auto') {
  const run = (extra: readonly string[] = []): Promise<RunResult> => scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', ORG,
    '--s3_prefix', 'p/', '--versions', 'all', ...(extra.includes('--incremental') ? [] : ['--incremental', incremental]), ...extra]);
  const alice = scn.emulator.control.users().find((u) => u.username === 'alice')!;
  const plan = scn.emulator.control.lookup(['Team', 'plan.md'], alice.rootFolderId)!;
  const history = (): Promise<string[]> => listAllKeys(scn.bucket.client, scn.bucket.bucket, HISTORY);
  return { run, plan, history };
}

describe('incremental auto: a DOCUMENT_VERSION_DELETED activity describes that document\'s versions again', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'vdel-auto'); });
  afterAll(async () => scn?.close());

  it('removes the deleted version from the history with one DescribeDocumentVersions, and verify finds the mirror exact', async () => {
    const { run, plan, history } = siteOf(scn, 'auto');
    expect((await run()).code).toBe(0);
    const [oldest] = await history();
    expect(oldest).toBeDefined();
    scn.emulator.control.deleteVersion(plan, versionIdOf(oldest!));

    const sync = await run();
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sync.log).toMatch(/incremental: 1 new activities/);
    expect(sync.workdocs.DescribeDocumentVersions).toBe(1);
    expect(sync.report.items.filter((i) => i.action === 'delete').map((i) => i.key)).toEqual([oldest]);
    expect(await history()).not.toContain(oldest);

    const audit = await run(['--mode', 'verify']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(audit.report.verify).toMatchObject({ exact: true });
  });
});

describe('incremental listing: a deleted older version is found by metadata_refresh, not by a plain run', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'vdel-listing'); });
  afterAll(async () => scn?.close());

  it('a plain run asks nothing per version (the no-op budget stays); verify names the orphan and how to heal it; metadata_refresh removes it', async () => {
    const { run, plan, history } = siteOf(scn, 'listing');
    const first = await run();
    expect(first.code).toBe(0);
    const documents = first.workdocs.DescribeDocumentVersions!;
    expect(documents).toBeGreaterThan(1);
    const [oldest] = await history();
    scn.emulator.control.deleteVersion(plan, versionIdOf(oldest!));

    const plain = await run();
    expect(plain.code).toBe(0);
    expect(plain.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    expect(s3Writes(plain.s3)).toEqual({});
    expect(await history()).toContain(oldest);

    const orphaned = await run(['--mode', 'verify']);
    expect(orphaned.code).toBe(1);
    const [discrepancy] = orphaned.report.verify!.discrepancies;
    expect(discrepancy).toMatchObject({ kind: 'orphaned-version', key: oldest });
    expect(discrepancy!.detail).toContain('a sync with metadata_refresh, or the next full listing by full_listing_every, removes it');

    // Every document's versions are read again: one page each here.
    const refresh = await run(['--metadata_refresh', 'true']);
    expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
    expect(refresh.workdocs.DescribeDocumentVersions).toBe(documents);
    expect(refresh.report.items.filter((i) => i.action === 'delete').map((i) => i.key)).toEqual([oldest]);
    expect(await history()).not.toContain(oldest);

    const audit = await run(['--mode', 'verify']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    const again = await run();
    expect(again.workdocs.DescribeDocumentVersions ?? 0).toBe(0);
    expect(again.report.changed).toBe(false);
  });
});

describe('many older versions deleted (DeletePriorVersions): the delete rules hold', () => {
  let scn: Scenario;
  let site: ReturnType<typeof siteOf>;
  let deleted: string[] = [];
  let documents = 0;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'vdel-many');
    site = siteOf(scn, 'listing');
    for (let i = 4; i <= 8; i++) scn.emulator.control.addVersion(site.plan, { content: `# Plan\n\nv${i}\n` });
    const first = await site.run();
    expect(first.code).toBe(0);
    documents = first.workdocs.DescribeDocumentVersions!;
    const stored = await site.history();
    expect(stored).toHaveLength(7);
    // Every version but the latest and the one before it.
    deleted = stored.slice(0, 6);
    for (const key of deleted) scn.emulator.control.deleteVersion(site.plan, versionIdOf(key));
  });
  afterAll(async () => scn?.close());

  it('a dry run says what it would delete and writes nothing', async () => {
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const r = await site.run(['--metadata_refresh', 'true', '--dry_run', 'true', '--max_delete', '100']);
    expect(r.code).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'delete').map((i) => `${i.key} ${i.outcome}`).sort()).toEqual(deleted.map((k) => `${k} planned`).sort());
    expect(s3Writes(r.s3)).toEqual({});
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('is held by max_delete, deleting nothing', async () => {
    const objects = async (): Promise<string[]> => (await bucketState(scn.bucket.client, scn.bucket.bucket)).filter((o) => !o.includes('/.workdocs-s3-sync/'));
    const before = await objects();
    const r = await site.run(['--metadata_refresh', 'true', '--max_delete', '5']);
    expect(r.code).toBe(1);
    expect(r.report.deletesBlocked).toMatch(/6 deletes exceed max_delete \(5\)/);
    expect(s3Writes(r.s3)).not.toHaveProperty('DeleteObjects');
    // The manifest records the versions just described (the next run knows them stale); no object moved.
    expect(await objects()).toEqual(before);
  });

  it('the scheduled full listing of an auto run (full_listing_every 0) removes them within max_delete, and verify finds the mirror exact', async () => {
    const r = await site.run(['--incremental', 'auto', '--full_listing_every', '0', '--max_delete', '6']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.log).toContain('full listing: full_listing_every is 0');
    // No snapshot yet, yet every document is described: the run full_listing_every asked for does that.
    expect(r.workdocs.DescribeDocumentVersions).toBe(documents);
    expect(r.report.items.filter((i) => i.action === 'delete').map((i) => i.key).sort()).toEqual([...deleted].sort());
    expect(await site.history()).toHaveLength(1);
    const audit = await site.run(['--mode', 'verify']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });
});
