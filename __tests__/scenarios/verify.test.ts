// Issue 21, mode verify: a read-only audit of the mirror (rclone check; with --verify_content, rclone check
// --download). The WorkDocs emulator over HTTP, the real S3 server, and the CLI's main(): each run's S3 request
// counters prove it wrote nothing and took no lock; the bucket is listed before and after to prove it again.
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Discrepancy, VerifySummary } from '../../src/core/verify.js';
import type { Fixture } from '../../src/emulator/server.js';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.js';
import { bucketState, nonZero, s3Writes, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

/** Unique bytes: the bit-rot test finds this object's file among every bucket's on the server's disk. */
const C_BODY = `charlie ${randomBytes(8).toString('hex')}`;

function smallTree(): Fixture {
  return {
    seed: 'verify',
    root: {
      name: 'Team',
      children: [
        { name: 'Docs', children: [
          { name: 'a.txt', content: 'alpha' },
          { name: 'b.txt', content: 'bravo' },
          { name: 'Deep', children: [{ name: 'c.txt', content: C_BODY }] },
        ] },
        { name: 'Empty', children: [] },
        { name: 'notes.txt', content: 'some notes' },
        // No Signature: its bytes are checked against the MD5 the sync recorded.
        { name: 'unsigned.bin', content: 'unsigned bytes', noSignature: true },
      ],
    },
  };
}
const DOCUMENTS = 5;

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

/** The CSV written next to the JSON report: its rows (after the header), split on the plain commas these keys allow. */
function csvRows(scn: Scenario, r: RunResult): string[][] {
  const reportFile = readdirSync(scn.dir).filter((f) => /^run\d+\.json$/.test(f)).sort((a, b) => Number(a.slice(3, -5)) - Number(b.slice(3, -5))).at(-1)!;
  const csv = readFileSync(path.join(scn.dir, reportFile.replace(/\.json$/, '.discrepancies.csv')), 'utf8');
  const [header, ...rows] = csv.trimEnd().split('\r\n');
  expect(header).toMatch(/^kind,key,owner,fails,/);
  expect(rows).toHaveLength(verifyOf(r).discrepancies.length);
  return rows.map((row) => row.split(','));
}

/**
 * Runs `verify` and proves it read-only: no write command was sent (every S3 attempt is counted), and the bucket
 * lists the same keys, ETags and sizes afterwards (so no lock object came and went either).
 */
async function verifyRun(scn: Scenario, args: string[] = []): Promise<RunResult> {
  const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
  const r = await scn.run(['--mode', 'verify', ...args]);
  expect(s3Writes(r.s3)).toEqual({});
  expect(Object.keys(nonZero(r.s3)).filter((command) => !READ_COMMANDS.has(command))).toEqual([]);
  expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  return r;
}

async function sync(scn: Scenario): Promise<void> {
  const r = await scn.run();
  expect(r.code, r.stdout).toBe(0);
}

describe('mode verify: a read-only audit of the mirror', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: smallTree() }, 'verify');
    await sync(scn);
  });
  afterAll(async () => scn?.close());

  it('an exact mirror passes, from the listing alone: one LIST, one manifest GET, no lock', async () => {
    const r = await verifyRun(scn);
    expect(r.code).toBe(0);
    expect(verifyOf(r)).toMatchObject({ exact: true, contentChecked: false, documents: DOCUMENTS, counts: { verified: DOCUMENTS, missing: 0, mismatched: 0, extra: 0 } });
    expect(found(r)).toEqual([]);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    expect(r.stdout).toContain('Exact mirror');
    expect(r.stdout).toContain('exit code 0');
    expect(csvRows(scn, r)).toEqual([]);
  });

  it('with verify_content, it reads every object back once and checks its bytes (the unsigned one against the recorded MD5)', async () => {
    const r = await verifyRun(scn, ['--verify_content', 'true']);
    expect(r.code).toBe(0);
    expect(verifyOf(r)).toMatchObject({ exact: true, contentChecked: true, counts: { verified: DOCUMENTS, unverifiable: 0 } });
    // One GET for the manifest, one per document.
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 + DOCUMENTS });
  });

  it('an object deleted behind the tool\'s back fails it, and the report and the CSV name the key', async () => {
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: 'Docs/b.txt' }));
    const r = await verifyRun(scn);
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['missing Docs/b.txt']);
    expect(verifyOf(r)).toMatchObject({ exact: false, counts: { verified: DOCUMENTS - 1, missing: 1 } });
    expect(csvRows(scn, r).map((row) => row.slice(0, 4))).toEqual([['missing', 'Docs/b.txt', '', 'true']]);
    expect(r.stdout).toContain('Not an exact mirror');
    expect(r.stdout).toMatch(/missing "Docs\/b\.txt": .*deleted behind the tool's back/);
    await sync(scn);
  });

  it('an overwrite of the same size is seen in the listing already: its ETag is not the one the tool recorded', async () => {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'Docs/a.txt', Body: 'ALPHA' }));
    const r = await verifyRun(scn);
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['modified Docs/a.txt']);
    expect(verifyOf(r).counts.mismatched).toBe(1);
    await sync(scn);
  });

  it('a foreign object is listed as extra-foreign but does not fail the audit, unless delete_foreign asks a sync to remove it', async () => {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'other-app/config.json', Body: '{}' }));
    const r = await verifyRun(scn);
    expect(r.code).toBe(0);
    expect(found(r)).toEqual(['extra-foreign other-app/config.json']);
    expect(verifyOf(r)).toMatchObject({ exact: true, counts: { extra: 1, extraForeign: 1 } });
    expect(r.stdout).toContain('(not failing) extra (foreign) "other-app/config.json"');

    const strict = await verifyRun(scn, ['--delete_foreign', 'true']);
    expect(strict.code).toBe(1);
    expect(found(strict)).toEqual(['extra-foreign other-app/config.json']);
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: 'other-app/config.json' }));
  });

  it('a rename in WorkDocs not yet synced shows the new key missing and the old one extra', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['Docs', 'a.txt'])!, 'a-renamed.txt');
    const r = await verifyRun(scn);
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['missing Docs/a-renamed.txt', 'extra-own Docs/a.txt']);
    expect(verifyOf(r).discrepancies[0]!.detail).toContain('"Docs/a.txt"');
    await sync(scn);
    expect((await verifyRun(scn)).code).toBe(0);
  });

  it('a new version in WorkDocs not yet synced leaves the object stale', async () => {
    scn.emulator.control.addVersion(scn.emulator.control.lookup(['notes.txt'])!, { content: 'some notes, revised' });
    const r = await verifyRun(scn);
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['stale notes.txt']);
    expect(verifyOf(r).discrepancies[0]).toMatchObject({ expectedSize: 'some notes, revised'.length, foundSize: 'some notes'.length });
    await sync(scn);
  });

  it('a document deleted in WorkDocs and not yet synced is extra; with delete_stale off a sync keeps it, so it does not fail', async () => {
    const id = scn.emulator.control.lookup(['unsigned.bin'])!;
    scn.emulator.control.delete(id);
    const r = await verifyRun(scn);
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['extra-own unsigned.bin']);
    const kept = await verifyRun(scn, ['--delete_stale', 'false']);
    expect(kept.code).toBe(0);
    expect(found(kept)).toEqual(['extra-own unsigned.bin']);
    scn.emulator.control.restore(id);
    expect((await verifyRun(scn)).code).toBe(0);
  });

  it('with the manifest lost, the objects are checked by their metadata (HeadObject, still read-only) and the mirror is exact', async () => {
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: '.workdocs-s3-sync/manifest.json' }));
    const r = await verifyRun(scn);
    expect(r.code).toBe(0);
    expect(verifyOf(r)).toMatchObject({ exact: true, counts: { verified: DOCUMENTS, extra: 0 } });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1, HeadObject: DOCUMENTS });
    await sync(scn);
  });

  it('an object whose metadata cannot be read, or whose bytes cannot be read back, gets no verdict: exit 3', async () => {
    const proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
    try {
      const viaProxy = ['--s3_endpoint_url', proxy.endpoint];
      proxy.addRule({ kind: 'error', operation: 'GetObject', key: 'Docs/b.txt', status: 403, code: 'AccessDenied' });
      const unread = await verifyRun(scn, [...viaProxy, '--verify_content', 'true']);
      expect(unread.code).toBe(3);
      expect(unread.report.fatal).toMatch(/^1 object\(s\) could not be read back, first: "Docs\/b\.txt": .*AccessDenied/);
      expect(verifyOf(unread).counts.verified).toBe(DOCUMENTS - 1);

      proxy.clearRules();
      await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: '.workdocs-s3-sync/manifest.json' }));
      proxy.addRule({ kind: 'error', operation: 'HeadObject', key: 'notes.txt', status: 403, code: 'AccessDenied' });
      const unprobed = await verifyRun(scn, viaProxy);
      expect(unprobed.code).toBe(3);
      expect(unprobed.report.fatal).toMatch(/^1 object\(s\) could not be checked by their metadata, first: "notes\.txt"/);
    } finally {
      await proxy.close();
    }
    await sync(scn);
  });

  it('a folder that cannot be listed gives no verdict: exit 3, and still nothing written', async () => {
    scn.emulator.control.addFault({ op: 'DescribeFolderContents', documentId: scn.emulator.control.lookup(['Docs'])!, kind: 'error', status: 500 });
    const r = await verifyRun(scn);
    scn.emulator.control.clearFaults();
    expect(r.code).toBe(3);
    expect(r.report.fatal).toMatch(/listing failed.*no verdict/);
    expect(found(r)).toEqual([]);
  });

  it('verify_content outside mode verify is bad input: exit 2, no request', async () => {
    const r = await scn.run(['--verify_content', 'true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('verify_content');
    expect(nonZero(r.s3)).toEqual({});
  });

  it('a bucket that does not exist is bad input: exit 2', async () => {
    const r = await scn.run(['--mode', 'verify', '--s3_bucket_name', `${scn.bucket.bucket}-none`]);
    expect(r.code).toBe(2);
    expect(s3Writes(r.s3)).toEqual({});
  });

  // Last: the server quarantines the rotten object when it notices, so the bucket is not whole afterwards.
  it('bytes that changed in storage with size and ETag intact (bit rot) pass the listing and fail verify_content, naming the key', async () => {
    corruptStoredObject(Buffer.from(C_BODY), Buffer.from(C_BODY.toUpperCase()));
    const listed = await verifyRun(scn);
    expect(listed.code).toBe(0);

    const read = await verifyRun(scn, ['--verify_content', 'true']);
    expect(read.code).toBe(1);
    expect(found(read)).toEqual(['content-mismatch Docs/Deep/c.txt']);
    expect(verifyOf(read).discrepancies[0]).toMatchObject({ foundMd5: md5(C_BODY.toUpperCase()), expectedMd5: md5(C_BODY) });
    expect(read.stdout).toMatch(/content-mismatch "Docs\/Deep\/c\.txt"/);
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

describe('mode verify over a matrix: slices, then a merge that makes no request', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: smallTree() }, 'verify-slices');
    await sync(scn);
    // Several discrepancies, so that more than one slice has something to say.
    await scn.bucket.client.send(new DeleteObjectCommand({ Bucket: scn.bucket.bucket, Key: 'Docs/b.txt' }));
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'other-app/config.json', Body: '{}' }));
    scn.emulator.control.rename(scn.emulator.control.lookup(['notes.txt'])!, 'notes-renamed.txt');
  });
  afterAll(async () => scn?.close());

  it('three slices together report what one whole audit reports, each read-only; the merge gives the one verdict', async () => {
    const whole = await verifyRun(scn, ['--verify_content', 'true']);
    expect(whole.code).toBe(1);
    expect(found(whole)).toEqual(['missing Docs/b.txt', 'missing notes-renamed.txt', 'extra-own notes.txt', 'extra-foreign other-app/config.json']);

    let readBack = 0;
    for (let index = 0; index < 3; index++) {
      const slice = await verifyRun(scn, ['--verify_content', 'true', '--verify_slice', `${index}/3`, '--report_file', `slices/slice-${index}/report.json`]);
      expect(verifyOf(slice).slice).toEqual({ index, count: 3 });
      readBack += (slice.s3.GetObject ?? 0) - 1; // one GET is the manifest
    }
    // Every object in place is read back once over the whole matrix, not once per job.
    expect(readBack).toBe((whole.s3.GetObject ?? 0) - 1);

    const merged = await scn.run(['--mode', 'verify', '--verify_merge', 'slices', '--report_file', 'merged.json']);
    expect(merged.code).toBe(1);
    expect(nonZero(merged.s3)).toEqual({});
    expect(nonZero(merged.workdocs)).toEqual({});
    expect(verifyOf(merged)).toMatchObject({ merged: 3, exact: false, contentChecked: true, documents: verifyOf(whole).documents, counts: verifyOf(whole).counts });
    expect(verifyOf(merged).discrepancies).toEqual(verifyOf(whole).discrepancies);
    expect(merged.stdout).toContain('3 slices merged');
    expect(readFileSync(path.join(scn.dir, 'merged.discrepancies.csv'), 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + 4);
  });

  it('a merge with a slice missing is bad input: exit 2', async () => {
    const r = await scn.run(['--mode', 'verify', '--verify_slice', '0/2', '--report_file', 'half/slice-0.json']);
    expect(r.code).toBe(1);
    const merged = await scn.run(['--mode', 'verify', '--verify_merge', 'half', '--report_file', 'half-merged.json']);
    expect(merged.code).toBe(2);
    expect(merged.report.fatal).toMatch(/verify_merge: slice\(s\) 1 of 2 have no report/);
  });
});

describe('mode verify on a bucket whose ETags are not MD5s (SSE-KMS default encryption, multipart)', () => {
  let scn: Scenario;
  let proxy: FaultProxy;
  const viaKms = (): string[] => ['--s3_endpoint_url', proxy.endpoint, '--part_size_mb', '5'];
  beforeAll(async () => {
    scn = await startScenario({ fixture: smallTree() }, 'verify-kms');
    // Without a Signature and above one part: multipart, and checked only against the MD5 the sync recorded.
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'unsigned-big.bin', generate: { seed: 'vk', size: 6 * 1024 * 1024 }, noSignature: true });
    proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
    proxy.addRule({ kind: 'kmsEtags' });
    const first = await scn.run(viaKms());
    expect(first.code, first.stdout).toBe(0);
    const listed = await scn.bucket.client.send(new ListObjectsV2Command({ Bucket: scn.bucket.bucket, Prefix: 'unsigned-big.bin' }));
    expect(listed.Contents?.[0]?.ETag).toMatch(/-2"$/);
  });
  afterAll(async () => {
    await proxy?.close();
    await scn?.close();
  });

  it('the listing vouches by the ETags the sync recorded; verify_content reads every object back, the multipart one too', async () => {
    const listed = await verifyRun(scn, viaKms());
    expect(listed.code).toBe(0);
    expect(verifyOf(listed).counts).toMatchObject({ verified: DOCUMENTS + 1, missing: 0, mismatched: 0 });
    const read = await verifyRun(scn, [...viaKms(), '--verify_content', 'true']);
    expect(read.code).toBe(0);
    expect(verifyOf(read).counts).toMatchObject({ verified: DOCUMENTS + 1, unverifiable: 0 });
    expect(read.s3.GetObject).toBe(1 + DOCUMENTS + 1);
  });

  it('an overwrite of the multipart object behind the tool\'s back changes its ETag: modified', async () => {
    const big = await scn.bucket.client.send(new GetObjectCommand({ Bucket: scn.bucket.bucket, Key: 'unsigned-big.bin' }));
    const bytes = Buffer.from(await big.Body!.transformToByteArray());
    bytes[0] = bytes[0]! ^ 0xff;
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'unsigned-big.bin', Body: bytes }));
    const r = await verifyRun(scn, viaKms());
    expect(r.code).toBe(1);
    expect(found(r)).toEqual(['modified unsigned-big.bin']);
  });
});
