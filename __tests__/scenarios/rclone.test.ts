// A restore with real rclone (issue 20): the sample tree is mirrored into the real S3 server, then `rclone copy`
// brings the mirror to a disk. Every file must have the bytes WorkDocs serves and, from the objects' `mtime`
// metadata, the version's modified time as WorkDocs reports it (read with the real SDK over HTTP).
// rclone is the Debian package, installed by CI (.ci/run); without it this test fails, it does not skip.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetDocumentCommand, GetDocumentVersionCommand, WorkDocsClient } from '@aws-sdk/client-workdocs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MTIME_METADATA, mtimeText } from '../../src/core/mtime.js';
import { expectExactMirror, startScenario, type Scenario } from '../helpers/scenario.js';

const PREFIX = 'mirror/';

/** The installed rclone's version line; a clear failure when there is none. */
function rcloneVersion(): string {
  const run = spawnSync('rclone', ['version'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error('rclone is not installed (or does not run): this test restores the mirror with the real rclone. '
      + 'Install the Debian package: apt-get install -y rclone (CI does it in .ci/run).');
  }
  return run.stdout.split('\n')[0]!;
}

/** Runs rclone with a remote `mirror:` on the test's S3 server, configured only through the environment. */
function rclone(args: readonly string[], configDir: string): { stdout: string; stderr: string } {
  const s3 = inject('s3');
  const run = spawnSync('rclone', args, {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: configDir,
      RCLONE_CONFIG: path.join(configDir, 'rclone.conf'), // absent: no user configuration interferes
      RCLONE_CONFIG_MIRROR_TYPE: 's3',
      RCLONE_CONFIG_MIRROR_PROVIDER: 'Other',
      RCLONE_CONFIG_MIRROR_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_MIRROR_ACCESS_KEY_ID: s3.accessKeyId,
      RCLONE_CONFIG_MIRROR_SECRET_ACCESS_KEY: s3.secretAccessKey,
      RCLONE_CONFIG_MIRROR_REGION: 'us-east-1',
      RCLONE_CONFIG_MIRROR_FORCE_PATH_STYLE: 'true',
    },
  });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(`rclone ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
  }
  return { stdout: run.stdout, stderr: run.stderr };
}

function filesBelow(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

describe('rclone copy from the mirror restores every file with its WorkDocs modified time', () => {
  let scn: Scenario;
  let restored: string;
  let configDir: string;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'sample' }, 'rclone');
    restored = mkdtempSync(path.join(tmpdir(), 'wds-rclone-restore-'));
    configDir = mkdtempSync(path.join(tmpdir(), 'wds-rclone-config-'));
  });
  afterAll(async () => {
    await scn?.close();
    for (const dir of [restored, configDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rclone is installed', () => {
    expect(rcloneVersion()).toMatch(/^rclone v\d+\.\d+/);
  });

  it('every object carries the version\'s modified time as rclone\'s mtime, and rclone gives it to every restored file', async () => {
    rcloneVersion();
    const run = await scn.run(['--s3_prefix', PREFIX]);
    expect(run.code, run.stderr).toBe(0);
    const mirror = await expectExactMirror(scn, PREFIX);
    expect(mirror.length).toBeGreaterThanOrEqual(10);

    // What WorkDocs says, asked like any client would: the version's time and its bytes.
    const workdocs = new WorkDocsClient({
      region: 'us-east-1',
      endpoint: scn.emulator.endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
    });
    const expected = new Map<string, { mtimeMs: number; md5: string }>();
    for (const object of mirror) {
      const { Metadata: version } = await workdocs.send(new GetDocumentVersionCommand({ DocumentId: object.documentId, VersionId: object.versionId, Fields: 'SOURCE' }));
      const modified = version?.ContentModifiedTimestamp ?? version?.CreatedTimestamp;
      expect(modified, object.key).toBeInstanceOf(Date);
      const body = Buffer.from(await (await fetch(version!.Source!.ORIGINAL!)).arrayBuffer());
      expected.set(object.key.slice(PREFIX.length), { mtimeMs: modified!.getTime(), md5: createHash('md5').update(body).digest('hex') });
      // The object's metadata, in rclone's own form.
      const head = await scn.bucket.client.send(new HeadObjectCommand({ Bucket: scn.bucket.bucket, Key: object.key }));
      expect(head.Metadata?.[MTIME_METADATA], object.key).toBe(mtimeText(modified!.getTime()));
    }
    workdocs.destroy();
    // The times are WorkDocs', not the run's: the sample's versions are from 2024.
    expect([...expected.values()].every((e) => e.mtimeMs < Date.UTC(2025, 0, 1))).toBe(true);

    rclone(['copy', `mirror:${scn.bucket.bucket}/${PREFIX}`, restored, '--exclude', '/.workdocs-s3-sync/**'], configDir);

    const files = filesBelow(restored).sort();
    expect(files).toEqual([...expected.keys()].sort());
    const wrong: string[] = [];
    for (const file of files) {
      const want = expected.get(file)!;
      const local = path.join(restored, ...file.split('/'));
      const mtimeSeconds = Math.floor(statSync(local).mtimeMs / 1000);
      if (mtimeSeconds !== Math.floor(want.mtimeMs / 1000)) wrong.push(`${file}: mtime ${new Date(statSync(local).mtimeMs).toISOString()}, WorkDocs ${new Date(want.mtimeMs).toISOString()}`);
      const md5 = createHash('md5').update(readFileSync(local)).digest('hex');
      if (md5 !== want.md5) wrong.push(`${file}: MD5 ${md5}, WorkDocs ${want.md5}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a renamed document is copied inside S3 and keeps its version\'s time, which the rename did not change (the document\'s own time moved)', async () => {
    rcloneVersion();
    const [object] = (await expectExactMirror(scn, PREFIX)).filter((o) => /\.txt$/.test(o.key));
    expect(object, 'a .txt document in the sample').toBeDefined();
    const workdocs = new WorkDocsClient({
      region: 'us-east-1',
      endpoint: scn.emulator.endpoint,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
    });
    const versionTime = async (): Promise<number> => {
      const { Metadata: version } = await workdocs.send(new GetDocumentVersionCommand({ DocumentId: object!.documentId, VersionId: object!.versionId }));
      return (version?.ContentModifiedTimestamp ?? version?.CreatedTimestamp)!.getTime();
    };
    const before = await versionTime();
    scn.emulator.control.rename(object!.documentId, 'renamed by rclone test.txt');
    const { Metadata: document } = await workdocs.send(new GetDocumentCommand({ DocumentId: object!.documentId }));
    expect(await versionTime()).toBe(before);
    expect(Math.floor(document!.ModifiedTimestamp!.getTime() / 1000)).not.toBe(Math.floor(before / 1000));
    workdocs.destroy();

    const run = await scn.run(['--s3_prefix', PREFIX]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.totals).toMatchObject({ copied: 1, uploaded: 0 });
    const again = mkdtempSync(path.join(tmpdir(), 'wds-rclone-restore-'));
    try {
      rclone(['copy', `mirror:${scn.bucket.bucket}/${PREFIX}`, again, '--exclude', '/.workdocs-s3-sync/**'], configDir);
      const renamed = filesBelow(again).filter((f) => f.endsWith('renamed by rclone test.txt'));
      expect(renamed).toHaveLength(1);
      expect(Math.floor(statSync(path.join(again, ...renamed[0]!.split('/'))).mtimeMs / 1000)).toBe(Math.floor(before / 1000));
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});
