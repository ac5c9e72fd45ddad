// The scheduling examples (docs/scheduling.md) run as the runner runs them: examples/nightly-incremental.yml,
// examples/weekly-full-listing.yml and examples/final-verify.yml, their steps driven by workflow-runner.ts against
// the WorkDocs emulator's `site` fixture and the real S3 server, this Action as the freshly built bundle in a child
// process (OIDC token → local STS → the S3 server's keys). The examples' `with:` blocks run unmodified: the local
// endpoints come in through the standard AWS_ENDPOINT_URL_* variables.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { startOidcServer, startStsServer, type OidcServer, type StsServer } from '../../test-support/oidc-sts.js';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';
import { buildBundle } from './bundle.js';
import { actionDefaults, jobSteps, runJob, type Context, type StepRecord } from './workflow-runner.js';

const root = path.resolve(import.meta.dirname, '../..');
const ROLE = 'arn:aws:iam::123456789012:role/workdocs-s3-sync';
const example = (name: string): string => path.join(root, 'examples', name);

describe('the scheduling examples: nightly incremental, weekly full listing, final verify', () => {
  const s3 = inject('s3');
  let bundle: ReturnType<typeof buildBundle>;
  let emulator: Emulator;
  let oidc: OidcServer;
  let sts: StsServer;
  let bucket: TestBucket;
  let temp: string;
  let defaults: Record<string, string>;

  beforeAll(async () => {
    bundle = buildBundle('scheduling-examples');
    defaults = actionDefaults(path.join(root, 'action.yml'));
    emulator = await startEmulator({ port: 0, fixture: 'site' });
    oidc = await startOidcServer({ subject: 'repo:octo-org/octo-repo:ref:refs/heads/main' });
    sts = await startStsServer({
      expectedToken: () => oidc.tokenFor('sts.amazonaws.com'),
      roleArn: ROLE,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    bucket = await createTestBucket('scheduling');
    temp = mkdtempSync(path.join(tmpdir(), 'wds-scheduling-'));
  });

  afterAll(async () => {
    await emulator?.close();
    await oidc?.close();
    await sts?.close();
    await bucket?.cleanup();
    if (temp) rmSync(temp, { recursive: true, force: true });
    bundle?.cleanup();
  });

  /** A fresh workspace and RUNNER_TEMP, like a fresh runner for each job. */
  function newJobDirs(): { workspace: string; runnerTemp: string } {
    const job = mkdtempSync(path.join(temp, 'job-'));
    const dirs = { workspace: path.join(job, 'workspace'), runnerTemp: path.join(job, 'runner-temp') };
    mkdirSync(dirs.workspace);
    mkdirSync(dirs.runnerTemp);
    return dirs;
  }

  /** Runs the one job of an example in a fresh runner; the emulator's counters then hold that job's WorkDocs requests. */
  async function runExample(name: string): Promise<{ steps: StepRecord[]; workspace: string; workdocs: Record<string, number> }> {
    const dirs = newJobDirs();
    emulator.control.resetCounters();
    const steps = await runJob(jobSteps(example(name)), {
      node: process.execPath,
      dist: bundle.dist,
      defaults,
      ...dirs,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
        AWS_ENDPOINT_URL_STS: sts.url,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_WORKDOCS: emulator.endpoint,
        GITHUB_RUN_ID: '4242',
      },
      isThisAction: (uses) => /(^|\/)workdocs-s3-sync@/.test(uses),
      context: {
        vars: { WORKDOCS_ORGANIZATION_ID: emulator.organizationId, S3_BUCKET: bucket.bucket, AWS_REGION: s3.region, AWS_ROLE_ARN: ROLE, AWS_AUDIT_ROLE_ARN: ROLE },
        github: { run_id: '4242' },
      } as Context,
    });
    return { steps, workspace: dirs.workspace, workdocs: { ...emulator.control.counters().operations } };
  }

  /** The log the Action wrote in the job's workspace. */
  const scriptLog = (workspace: string): string => readFileSync(path.join(workspace, 'script.log'), 'utf8');
  const alice = (): string => emulator.control.users().find((u) => u.username === 'alice')!.rootFolderId;

  it('nightly-incremental.yml: the first night lists everything (no snapshot yet), the next nights read the activity feed and list no folder', async () => {
    const first = await runExample('nightly-incremental.yml');
    const [sync, upload] = first.steps;
    expect(sync!.status, sync!.stdout).toBe(0);
    expect(sync!.outputs).toMatchObject({ failed: '0', changed: 'true', exit_code: '0' });
    expect(Number(sync!.outputs.uploaded)).toBeGreaterThan(0);
    expect(scriptLog(first.workspace)).toMatch(/full listing: /);
    expect(first.workdocs.DescribeFolderContents).toBeGreaterThan(0);
    expect(await listAllKeys(bucket.client, bucket.bucket, 'site/')).toEqual(expect.arrayContaining(['site/alice/welcome.txt', 'site/bob/todo.txt']));
    expect(upload!.kind).toBe('other-action');
    expect(upload!.with.path!.split('\n').filter((p) => p !== '')).toEqual([sync!.outputs.report_path, 'script.log']);

    // A night with no change: the feed, no listing of any folder, nothing written.
    const quiet = await runExample('nightly-incremental.yml');
    expect(quiet.steps[0]!.status, quiet.steps[0]!.stdout).toBe(0);
    expect(quiet.steps[0]!.outputs).toMatchObject({ uploaded: '0', changed: 'false', exit_code: '0' });
    expect(scriptLog(quiet.workspace)).toMatch(/up to date: no new activity since /);
    expect(quiet.workdocs.DescribeFolderContents ?? 0).toBe(0);
    expect(quiet.workdocs.DescribeActivities).toBeGreaterThan(0);

    // A night after one change: that document only.
    emulator.control.addDocument({ parentId: alice(), name: 'minutes.txt', content: 'Minutes of the last meeting.\n' });
    const changed = await runExample('nightly-incremental.yml');
    expect(changed.steps[0]!.status, changed.steps[0]!.stdout).toBe(0);
    expect(changed.steps[0]!.outputs).toMatchObject({ uploaded: '1', changed: 'true', exit_code: '0' });
    expect(scriptLog(changed.workspace)).toMatch(/incremental: 1 new activities since /);
    expect(changed.workdocs.DescribeFolderContents ?? 0).toBe(0);
    expect(await listAllKeys(bucket.client, bucket.bucket, 'site/alice/')).toContain('site/alice/minutes.txt');
  });

  it('weekly-full-listing.yml: lists the whole site and the bucket, heals what the feed cannot show, and leaves the snapshot the next nightly run starts from', async () => {
    // Deleted behind the tool's back: no activity says so, only a full listing of the bucket sees it.
    await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: 'site/bob/todo.txt' }));
    const weekly = await runExample('weekly-full-listing.yml');
    const [sync, upload] = weekly.steps;
    expect(sync!.status, sync!.stdout).toBe(0);
    expect(sync!.outputs).toMatchObject({ uploaded: '1', failed: '0', exit_code: '0' });
    expect(scriptLog(weekly.workspace)).toMatch(/full listing: full_listing_every is 0/);
    expect(weekly.workdocs.DescribeFolderContents).toBeGreaterThan(0);
    expect(await listAllKeys(bucket.client, bucket.bucket, 'site/bob/')).toContain('site/bob/todo.txt');
    expect(upload!.with.path!.split('\n').filter((p) => p !== '')).toEqual([sync!.outputs.report_path, 'script.log']);

    // The night after: incremental again, not a second full listing.
    const nightly = await runExample('nightly-incremental.yml');
    expect(nightly.steps[0]!.status, nightly.steps[0]!.stdout).toBe(0);
    expect(nightly.steps[0]!.outputs).toMatchObject({ uploaded: '0', changed: 'false' });
    expect(scriptLog(nightly.workspace)).not.toMatch(/full listing: /);
    expect(nightly.workdocs.DescribeFolderContents ?? 0).toBe(0);
  });

  it('final-verify.yml: an exact mirror passes with every version read back; the CSV is kept as an artifact either way, and the job fails unless exact', async () => {
    const exact = await runExample('final-verify.yml');
    const [verify, upload, verdict] = exact.steps;
    expect(verify!.status, verify!.stdout).toBe(0);
    expect(verify!.outputs).toMatchObject({ exit_code: '0', missing: '0', mismatched: '0', extra: '0' });
    expect(Number(verify!.outputs.verified)).toBeGreaterThan(0);
    expect(verify!.action!.summary).toContain('✅ Exact mirror');
    expect(verify!.action!.summary).toContain('older versions');
    expect(verify!.action!.summary).toContain('Every object in place was read back');
    expect(upload!.kind).toBe('other-action');
    const kept = upload!.with.path!.split('\n').filter((p) => p !== '');
    expect(kept).toEqual(['verify/report.json', 'verify/report.discrepancies.csv']);
    for (const p of kept) expect(existsSync(path.join(exact.workspace, p)), p).toBe(true);
    expect(verdict!.ran).toBe(true);
    expect(verdict!.status, verdict!.stderr).toBe(0);
    expect(verdict!.stdout).toBe(`Exact mirror: ${verify!.outputs.verified} objects verified by their bytes.\n`);

    // An older version deleted behind the tool's back: the audit finds it, the CSV names it, the last step fails the job.
    const [history] = (await listAllKeys(bucket.client, bucket.bucket, 'site/.history/alice/Team/plan.md/')).sort();
    await bucket.client.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: history! }));
    const broken = await runExample('final-verify.yml');
    const [failedVerify, keptAnyway, failedVerdict] = broken.steps;
    expect(failedVerify!.status).toBe(1);
    expect(failedVerify!.outputs).toMatchObject({ exit_code: '1', missing: '1' });
    // Another action is recorded, not run: status 0 says its `if:` held after the failed step (null: skipped).
    expect(keptAnyway!.kind).toBe('other-action');
    expect(keptAnyway!.status).toBe(0);
    const csv = readFileSync(path.join(broken.workspace, 'verify/report.discrepancies.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 2))).toEqual([['missing', history!]]);
    expect(failedVerdict!.ran).toBe(true);
    expect(failedVerdict!.status).toBe(1);
    expect(failedVerdict!.stdout).toContain('::error title=Not an exact mirror::exit code 1: missing 1, mismatched 0, extra 0');
  });
});
