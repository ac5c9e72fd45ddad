// Issue 21, mode verify over a whole WorkDocs site (workdocs_organization_id) with `versions: all`: every stored
// version is compared, a stored version WorkDocs no longer has is an orphaned version, and verify_content reads every
// version back against its own Signature. The emulator's bundled `site` fixture over HTTP with the unmodified SDK,
// the real S3 server, and the CLI's main(); each verify run's S3 request counters prove it wrote nothing and took no
// lock, and the bucket is listed before and after to prove it again.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Discrepancy, VerifySummary } from '../../src/core/verify.js';
import { listAllKeys } from '../helpers/s3.js';
import { bucketState, nonZero, s3Writes, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization
const PREFIX = 'site/';
const H = `${PREFIX}.history/`;
/** Unique bytes: the bit-rot test finds this version's file among every bucket's on the server's disk. */
const OLD_REPORT = `report, first draft ${randomBytes(8).toString('hex')}`;
const NEW_REPORT = `report, final ${randomBytes(8).toString('hex')}`;

/** Only reads: the listing, the manifest and read-backs (GetObject), metadata probes (HeadObject). */
const READ_COMMANDS = new Set(['ListObjectsV2', 'GetObject', 'HeadObject']);

function verifyOf(r: RunResult): VerifySummary {
  expect(r.report.verify, `no verify summary in the report (exit ${r.code}: ${r.report.fatal ?? ''})`).toBeDefined();
  return r.report.verify!;
}

/** `kind key` (+ `-owner`), the shape the expectations are written in. */
function found(r: RunResult): string[] {
  return verifyOf(r).discrepancies.map((d: Discrepancy) => `${d.kind}${d.owner ? `-${d.owner}` : ''} ${d.key}`);
}

describe('mode verify over a whole site with versions: all', () => {
  let scn: Scenario;
  /** Every document of the site export (the latest versions) and every older version stored. */
  let documents = 0;
  let versions = 0;
  let reportId = '';

  const site = (args: readonly string[] = []): Promise<RunResult> =>
    scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', ORG, '--s3_prefix', PREFIX, '--versions', 'all', ...args]);

  /** A verify run, proved read-only: no write command, and the bucket lists the same keys, ETags and sizes afterwards. */
  async function verifyRun(args: readonly string[] = []): Promise<RunResult> {
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const r = await site(['--mode', 'verify', ...args]);
    expect(s3Writes(r.s3)).toEqual({});
    expect(Object.keys(nonZero(r.s3)).filter((command) => !READ_COMMANDS.has(command))).toEqual([]);
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    return r;
  }

  async function syncSite(): Promise<RunResult> {
    const r = await site();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    return r;
  }

  /** The lines of the CSV of discrepancies beside the last run's JSON report (`runN.json` → `runN.discrepancies.csv`). */
  function csvLines(): string[] {
    const last = readdirSync(scn.dir).filter((f) => /^run\d+\.json$/.test(f)).sort((a, b) => Number(a.slice(3, -5)) - Number(b.slice(3, -5))).at(-1)!;
    return readFileSync(path.join(scn.dir, last.replace(/\.json$/, '.discrepancies.csv')), 'utf8').trimEnd().split('\r\n');
  }

  /** The stored older versions of one document (its history folder below `.history/`), sorted. */
  const historyOf = async (documentPath: string): Promise<string[]> => (await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${H}${documentPath}/`)).sort();
  /** The version id a history key names: `<time>_<versionId><.ext>`. */
  const versionIdOf = (key: string): string => key.slice(key.lastIndexOf('_') + 1).replace(/\.[^.]*$/, '');

  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'verify-site');
    // One document of our own with two versions of unique bytes (the fixture's are shared with other tests' buckets).
    const bob = scn.emulator.control.users().find((u) => u.username === 'bob')!;
    reportId = scn.emulator.control.addDocument({ parentId: bob.rootFolderId, name: 'report.txt', content: OLD_REPORT }).id;
    scn.emulator.control.addVersion(reportId, { content: NEW_REPORT });
    const first = await syncSite();
    documents = first.report.totals.uploaded - first.report.items.filter((i) => i.key.startsWith(H)).length;
    versions = (await listAllKeys(scn.bucket.client, scn.bucket.bucket, H)).length;
  });
  afterAll(async () => scn?.close());

  it('the site\'s mirror made with versions: all holds every user\'s documents and their older versions', async () => {
    // alice's plan.md has 3 versions, bob's bridge.txt 2, our report.txt 2: 2 + 1 + 1 older ones.
    expect(versions).toBe(4);
    expect(await historyOf('alice/Team/plan.md')).toHaveLength(2);
    expect(await historyOf('bob/report.txt')).toHaveLength(1);
    expect(documents).toBe(8);
  });

  it('an exact site mirror passes: every document and every older version verified from the listing, one LIST and one manifest GET, no lock', async () => {
    const r = await verifyRun();
    expect(r.code, r.stdout).toBe(0);
    expect(verifyOf(r)).toMatchObject({ exact: true, contentChecked: false, documents, versions, counts: { verified: documents + versions, missing: 0, mismatched: 0, extra: 0, orphanedVersions: 0 } });
    expect(found(r)).toEqual([]);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    // Whatever the manifest records, every document's versions are asked of WorkDocs (one page each here).
    expect(r.workdocs.DescribeDocumentVersions).toBe(documents);
    expect(r.stdout).toContain(`Exact mirror: s3://${scn.bucket.bucket}/${PREFIX}`);
    expect(r.stdout).toContain(`${documents + versions} of ${documents + versions} objects (${documents} documents, ${versions} older versions) verified`);
    expect(r.report.rootFolderId).toBe(ORG);
  });

  it('with verify_content, every object is read back once, each older version against its own Signature', async () => {
    const r = await verifyRun(['--verify_content', 'true']);
    expect(r.code, r.stdout).toBe(0);
    expect(verifyOf(r)).toMatchObject({ exact: true, contentChecked: true, counts: { verified: documents + versions, unverifiable: 0 } });
    // One GET for the manifest, one per document and per older version.
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 + documents + versions });
  });

  it('over a matrix: two slices read back every document and every older version once, and their merge is the whole audit', async () => {
    const whole = await verifyRun(['--verify_content', 'true']);
    let readBack = 0;
    for (let index = 0; index < 2; index++) {
      const slice = await verifyRun(['--verify_content', 'true', '--verify_slice', `${index}/2`, '--report_file', `site-slices/slice-${index}.json`]);
      expect(slice.code, slice.stdout).toBe(0);
      // Each job lists everything, every document's versions included: the matrix divides the bytes, not the listing.
      expect(slice.workdocs.DescribeDocumentVersions).toBe(documents);
      readBack += (slice.s3.GetObject ?? 0) - 1; // one GET is the manifest
    }
    expect(readBack).toBe(documents + versions);
    const merged = await site(['--mode', 'verify', '--verify_merge', 'site-slices', '--report_file', 'site-merged.json']);
    expect(merged.code, merged.stdout).toBe(0);
    expect(nonZero(merged.s3)).toEqual({});
    expect(verifyOf(merged)).toMatchObject({ merged: 2, exact: true, documents, versions, counts: verifyOf(whole).counts });
  });

  it('a history object deleted behind the tool\'s back fails the audit, and the report and the CSV name it', async () => {
    const [oldest] = await historyOf('alice/Team/plan.md');
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: oldest! }));
    const r = await verifyRun();
    expect(r.code).toBe(1);
    expect(found(r)).toEqual([`missing ${oldest!}`]);
    expect(verifyOf(r).counts).toMatchObject({ verified: documents + versions - 1, missing: 1 });
    expect(verifyOf(r).discrepancies[0]).toMatchObject({ expectedVersionId: versionIdOf(oldest!) });
    const csv = csvLines();
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 4))).toEqual([['missing', oldest!, '', 'true']]);
    expect(r.stdout).toContain(`missing ${JSON.stringify(oldest!)}`);
    // A sync puts the version back (it describes the document again), and the audit passes again.
    await syncSite();
    expect((await verifyRun()).code).toBe(0);
  });

  it('a history object overwritten with other bytes of the same size fails with verify_content, naming the key', async () => {
    const [older] = await historyOf('bob/Designs/bridge.txt');
    const original = 'Bridge, sketch.\n';
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: older!, Body: original.toUpperCase() }));
    const r = await verifyRun(['--verify_content', 'true']);
    expect(r.code).toBe(1);
    // The listing already shows it: the ETag is not the one the sync recorded; its bytes are then not read back.
    expect(found(r)).toEqual([`modified ${older!}`]);
    expect(verifyOf(r).counts).toMatchObject({ verified: documents + versions - 1, mismatched: 1 });
    expect(verifyOf(r).discrepancies[0]).toMatchObject({ expectedVersionId: versionIdOf(older!), expectedMd5: md5(original) });
    await syncSite();
    expect((await verifyRun(['--verify_content', 'true'])).code).toBe(0);
  });

  it('a version deleted in WorkDocs leaves a stored version with no document behind it: an orphaned version, counted in extra', async () => {
    const [oldest, second] = await historyOf('alice/Team/plan.md');
    const planId = scn.emulator.control.lookup(['Team', 'plan.md'])!;
    scn.emulator.control.deleteVersion(planId, versionIdOf(oldest!));
    const r = await verifyRun();
    expect(r.code).toBe(1);
    expect(found(r)).toEqual([`orphaned-version ${oldest!}`]);
    expect(verifyOf(r)).toMatchObject({ versions: versions - 1, counts: { verified: documents + versions - 1, extra: 1, orphanedVersions: 1, missing: 0 } });
    expect(verifyOf(r).discrepancies[0]).toMatchObject({ documentId: planId, foundVersionId: versionIdOf(oldest!), fails: true });
    expect(verifyOf(r).discrepancies[0]!.detail).toContain(`that document ${planId} no longer has in WorkDocs`);
    expect(r.stdout).toContain('extra 1 (1 orphaned version)');
    const csv = csvLines();
    expect(csv[1]!.split(',').slice(0, 5)).toEqual(['orphaned-version', oldest!, '', 'true', planId]);
    // With delete_stale off a sync keeps it: listed, not failing.
    const kept = await verifyRun(['--delete_stale', 'false']);
    expect(kept.code).toBe(0);
    expect(found(kept)).toEqual([`orphaned-version ${oldest!}`]);

    // Removed by hand (which syncs remove it is docs/verify.md's matter): the other older version stays, and the audit passes.
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: oldest! }));
    expect(await historyOf('alice/Team/plan.md')).toEqual([second!]);
    expect((await verifyRun()).code).toBe(0);
    await syncSite();
    expect((await verifyRun()).code).toBe(0);
    versions--;
  });

  it('a document deleted in WorkDocs: its latest object is extra, its stored versions orphaned', async () => {
    const [older] = await historyOf('bob/Designs/bridge.txt');
    const bridgeId = scn.emulator.control.lookup(['Designs', 'bridge.txt'], scn.emulator.control.users().find((u) => u.username === 'bob')!.rootFolderId)!;
    scn.emulator.control.delete(bridgeId, 'remove');
    const r = await verifyRun();
    expect(r.code).toBe(1);
    // Designs is empty now: its folder marker is missing too.
    expect(found(r)).toEqual([`orphaned-version ${older!}`, `missing ${PREFIX}bob/Designs/`, `extra-own ${PREFIX}bob/Designs/bridge.txt`]);
    expect(verifyOf(r).discrepancies[0]!.detail).toContain(`document ${bridgeId} no longer exists in WorkDocs`);
    expect(verifyOf(r).counts).toMatchObject({ extra: 2, orphanedVersions: 1, missing: 1 });
    await syncSite();
    expect((await verifyRun()).code).toBe(0);
    documents--;
    versions--;
  });

  it('the versions of a document that cannot be listed give no verdict: exit 3, and still nothing written', async () => {
    scn.emulator.control.addFault({ op: 'DescribeDocumentVersions', documentId: reportId, kind: 'error', status: 500, count: 1000 });
    try {
      const r = await verifyRun();
      expect(r.code).toBe(3);
      expect(r.report.fatal).toMatch(new RegExp(`^the versions of 1 document\\(s\\) could not be listed, first: ${reportId}: .*; no verdict$`));
    } finally {
      scn.emulator.control.clearFaults();
    }
  });

  // Last: the server quarantines the rotten object when it notices, so the bucket is not whole afterwards.
  it('an older version\'s bytes changed in storage (size and ETag intact) pass the listing and fail verify_content against that version\'s Signature', async () => {
    const [older] = await historyOf('bob/report.txt');
    corruptStoredObject(Buffer.from(OLD_REPORT), Buffer.from(OLD_REPORT.toUpperCase()));
    expect((await verifyRun()).code).toBe(0);
    const read = await verifyRun(['--verify_content', 'true']);
    expect(read.code).toBe(1);
    expect(found(read)).toEqual([`content-mismatch ${older!}`]);
    expect(verifyOf(read).discrepancies[0]).toMatchObject({ expectedMd5: md5(OLD_REPORT), foundMd5: md5(OLD_REPORT.toUpperCase()), expectedVersionId: versionIdOf(older!) });
    expect(verifyOf(read).discrepancies[0]!.detail).toContain('older version');
  });
});

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * Changes an object's bytes where the S3 server (Swift) stores them, behind S3's back: the listing keeps its ETag
 * and size, as with bit rot on a disk. Finds the one `.data` file holding exactly `bytes`; fails when there is none.
 */
function corruptStoredObject(bytes: Buffer, replacement: Buffer): void {
  expect(replacement.length).toBe(bytes.length);
  const root = path.join(process.env.S3_SERVER_DIR ?? '/tmp/s3-server', 'node');
  const matches: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else if (name.endsWith('.data') && stat.size === bytes.length && readFileSync(file).equals(bytes)) matches.push(file);
    }
  };
  walk(root);
  expect(matches, `the object's stored bytes under ${root}`).toHaveLength(1);
  // Rewritten in place: the file keeps its inode, so Swift keeps the metadata (ETag) in its extended attributes.
  writeFileSync(matches[0]!, replacement);
}
