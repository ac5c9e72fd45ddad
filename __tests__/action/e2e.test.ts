// The bundled Action (dist/index.js), run in a child process exactly as the GitHub runner runs it: INPUT_*
// variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, RUNNER_TEMP, and the job's OIDC token from a local token
// server, exchanged for credentials at a local STS (AWS_ENDPOINT_URL_STS). WorkDocs is the project's emulator
// and S3 the real S3-compatible server. Then the example workflows' steps are driven against the same servers.
//
// The bundle is built fresh into tmp/ (bundle.ts); the outcomes of a run, one by one, are in outcomes.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { startOidcServer, startStsServer, type OidcServer, type StsServer } from '../../test-support/oidc-sts.js';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';
import { buildBundle } from './bundle.js';
import {
  actionDefaults, condition, expressionValue, jobOutputs, jobSteps, runActionProcess, runJob, workflowJobs,
  type ActionProcessResult, type Context, type ProcessOptions,
} from './workflow-runner.js';
import { asList, asMap } from './yaml-values.js';

const root = path.resolve(import.meta.dirname, '../..');
const node = process.execPath;
const ROLE = 'arn:aws:iam::123456789012:role/workdocs-s3-sync';
const DOCUMENTS = 25; // the sample fixture's visible documents
const EMPTY_FOLDERS = 1; // of its 10 folders one is empty: only that one gets a marker by default
/** The outputs of a run that stopped before it did anything (every output is set; see outcomes.test.ts). */
const NOTHING_DONE = {
  uploaded: '0', copied: '0', skipped: '0', deleted: '0', archived: '0', markers: '0', failed: '0', cancelled: '0', bytes: '0',
  report_path: '', manifest_key: '', changed: 'false', matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0',
};

describe('the Action as the runner runs it', () => {
  const s3 = inject('s3');
  let bundle: ReturnType<typeof buildBundle>;
  let emulator: Emulator;
  let oidc: OidcServer;
  let sts: StsServer;
  let bucket: TestBucket;
  let temp: string;
  let workspace: string;
  let runnerTemp: string;
  let defaults: Record<string, string>;

  beforeAll(async () => {
    bundle = buildBundle('action-e2e');
    defaults = actionDefaults(path.join(root, 'action.yml'));
    emulator = await startEmulator({ port: 0, fixture: 'sample' });
    oidc = await startOidcServer({ subject: 'repo:octo-org/octo-repo:ref:refs/heads/main' });
    // STS hands out the S3 server's own key pair (plus a session token the server accepts), so the only way the
    // Action can reach S3 is through the role it assumed with the OIDC token.
    sts = await startStsServer({
      expectedToken: () => oidc.tokenFor('sts.amazonaws.com'),
      roleArn: ROLE,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    bucket = await createTestBucket('action-e2e');
    temp = mkdtempSync(path.join(tmpdir(), 'wds-action-'));
  });

  afterAll(async () => {
    await emulator?.close();
    await oidc?.close();
    await sts?.close();
    await bucket?.cleanup();
    if (temp) rmSync(temp, { recursive: true, force: true });
    bundle?.cleanup();
  });

  /** A fresh workspace and RUNNER_TEMP, like a fresh runner for a job. */
  function newJobDirs(): { workspace: string; runnerTemp: string } {
    const job = mkdtempSync(path.join(temp, 'job-'));
    const dirs = { workspace: path.join(job, 'workspace'), runnerTemp: path.join(job, 'runner-temp') };
    mkdirSync(dirs.workspace);
    mkdirSync(dirs.runnerTemp);
    return dirs;
  }

  beforeEach(() => {
    ({ workspace, runnerTemp } = newJobDirs());
  });

  /** The runner's environment for a job with `id-token: write`; no AWS keys anywhere. */
  function processOptions(extraEnv: Record<string, string> = {}, dirs = { workspace, runnerTemp }): ProcessOptions {
    return {
      node,
      dist: bundle.dist,
      defaults,
      ...dirs,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
        AWS_ENDPOINT_URL_STS: sts.url,
        GITHUB_RUN_ID: '4242',
        ...extraEnv,
      },
    };
  }

  const baseInputs = (): Record<string, string> => ({
    workdocs_folder_id: emulator.rootFolderId,
    s3_bucket_name: bucket.bucket,
    region_name: s3.region,
    s3_endpoint_url: s3.endpoint,
    workdocs_endpoint_url: emulator.endpoint,
    role_to_assume: ROLE,
    s3_prefix: 'mirror/',
  });

  const run = (inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionProcessResult> => runActionProcess(inputs, processOptions(env));

  /** Every secret of the run: none may appear anywhere except in the runner's `::add-mask::` commands. */
  function expectNoSecrets(result: ActionProcessResult, extraFiles: string[] = []): void {
    const secrets = [s3.secretAccessKey, s3.accessKeyId, oidc.requestToken, oidc.tokenFor('sts.amazonaws.com'), ...sts.issuedSessionTokens];
    const masked = new Set(result.stdout.split('\n').filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length)));
    const stdout = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    const files = [result.outputs.report_path, path.join(workspace, 'script.log'), ...extraFiles].filter((f): f is string => !!f && existsSync(f));
    const places: [string, string][] = [
      ['stdout', stdout],
      ['stderr', result.stderr],
      ['summary', result.summary],
      ['outputs', JSON.stringify(result.outputs)],
      ...files.map((f) => [f, readFileSync(f, 'utf8')] as [string, string]),
    ];
    for (const secret of secrets) {
      for (const [where, text] of places) expect(text.includes(secret), `a secret appears in ${where}`).toBe(false);
    }
    if (result.stdout.includes('Assumed role')) {
      for (const secret of [s3.secretAccessKey, s3.accessKeyId, oidc.tokenFor('sts.amazonaws.com')]) {
        expect(masked.has(secret), 'every credential is masked').toBe(true);
      }
      expect(sts.issuedSessionTokens.some((t) => masked.has(t)), 'the session token is masked').toBe(true);
    }
  }

  it('first run: assumes the role with the OIDC token, mirrors the tree, reports in outputs and the job summary', async () => {
    const stsCalls = sts.calls.length;
    const result = await run(baseInputs());
    expect(result.stderr).toBe('');
    expect(result.status, result.stdout).toBe(0);
    expect(sts.calls.slice(stsCalls)).toEqual([{ roleArn: ROLE, roleSessionName: 'workdocs-s3-sync', durationSeconds: 3600, ok: true }]);
    expect(oidc.audiences.at(-1)).toBe('sts.amazonaws.com');

    const reportPath = path.join(runnerTemp, 'workdocs-s3-sync-report.json');
    expect(result.outputs).toMatchObject({
      uploaded: String(DOCUMENTS), copied: '0', skipped: '0', deleted: '0', archived: '0', markers: String(EMPTY_FOLDERS), failed: '0',
      changed: 'true', exit_code: '0', report_path: reportPath, matrix: '',
    });
    expect(Number(result.outputs.bytes)).toBeGreaterThan(3 * 1024 * 1024);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { items: { key: string; action: string }[]; totals: { uploaded: number } };
    expect(report.totals.uploaded).toBe(DOCUMENTS);
    await expect(bucket.client.send(new HeadObjectCommand({ Bucket: bucket.bucket, Key: result.outputs.manifest_key }))).resolves.toBeDefined();
    expect(await listAllKeys(bucket.client, bucket.bucket, 'mirror/')).toEqual(expect.arrayContaining(['mirror/Welcome.md', 'mirror/Projects/Apollo/README.txt']));

    expect(result.summary).toContain('## WorkDocs → S3 sync: ✅ Done');
    expect(result.summary).toContain(`| ${DOCUMENTS} | 0 | 0 | 0 | 0 | ${EMPTY_FOLDERS} | 0 |`);
    expect(result.summary).toContain(`### Uploaded and copied (${DOCUMENTS})`);
    expect(result.summary).toContain('<code>mirror/Welcome.md</code>');
    expect(result.summary).toContain(`<code>s3://${bucket.bucket}/mirror/</code>`);
    expect(result.summary).not.toContain('console.aws.amazon.com'); // no console links for a custom endpoint

    expect(result.stdout).toContain('::group::Authenticate');
    expect(result.stdout).toMatch(/^::endgroup::$/m);
    expect(result.stdout).toContain(`Assumed role ${ROLE} (session workdocs-s3-sync) until `);
    expect(result.annotations.filter((a) => a.kind === 'error')).toEqual([]);
    expect(readFileSync(path.join(workspace, 'script.log'), 'utf8')).toMatch(/INFO /);
    expectNoSecrets(result);
  });

  it('second run: nothing to do, changed is false, skipped files are listed collapsed', async () => {
    const result = await run(baseInputs());
    expect(result.status, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ uploaded: '0', skipped: String(DOCUMENTS), markers: '0', changed: 'false', exit_code: '0' });
    expect(result.summary).toContain('✅ Up to date');
    expect(result.summary).toContain(`<details><summary><b>Skipped (${DOCUMENTS})</b></summary>`);
    expectNoSecrets(result);
  });

  it('a document that keeps failing is annotated and fails the step; tolerate_failures lets the step pass', async () => {
    const doc = emulator.control.manifest().find((d) => d.path.join('/') === 'Welcome.md')!;
    emulator.control.addFault({ op: 'Content', documentId: doc.documentId, kind: 'corrupt', count: 1000 });
    const inputs = { ...baseInputs(), s3_prefix: 'failing/' };
    try {
      const failing = await run(inputs);
      expect(failing.status).toBe(1);
      expect(failing.outputs).toMatchObject({ uploaded: String(DOCUMENTS - 1), failed: '1', exit_code: '1', changed: 'true' });
      const errors = failing.annotations.filter((a) => a.kind === 'error');
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatchObject({ title: 'upload failed: failing/Welcome.md' });
      expect(errors[0]!.message).toMatch(/^upload failing\/Welcome\.md: /);
      expect(errors[1]!.message).toMatch(/^1 item\(s\) failed; see the annotations, the job summary and /);
      expect(failing.summary).toContain('❌ 1 item failed');
      expect(failing.summary).toMatch(/### Failed \(1\)[\s\S]*<code>failing\/Welcome\.md<\/code>/);
      expect(await listAllKeys(bucket.client, bucket.bucket, 'failing/')).not.toContain('failing/Welcome.md');
      expectNoSecrets(failing);

      const tolerated = await run({ ...inputs, tolerate_failures: 'true' });
      expect(tolerated.status).toBe(0);
      expect(tolerated.outputs).toMatchObject({ uploaded: '0', failed: '1', exit_code: '1' });
      expect(tolerated.annotations.filter((a) => a.kind === 'error')).toHaveLength(1);
      expect(tolerated.annotations.filter((a) => a.kind === 'warning').map((a) => a.message)).toContain('1 item(s) failed; tolerated because tolerate_failures is true.');
      expect(tolerated.summary).toContain('⚠️ 1 item failed');
    } finally {
      emulator.control.clearFaults();
    }
    const healed = await run(inputs);
    expect(healed.status).toBe(0);
    expect(healed.outputs).toMatchObject({ uploaded: '1', failed: '0', changed: 'true' });
  });

  it('cancelling the job (SIGTERM) stops the run: the step fails with exit_code 3, nothing more is written, the lock is released', async () => {
    emulator.control.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: 64 * 1024 });
    const inputs = { ...baseInputs(), s3_prefix: 'cancelled/' };
    let cancelled: ActionProcessResult;
    try {
      cancelled = await runActionProcess(inputs, { ...processOptions(), interrupt: { stdout: /WorkDocs: \d+ documents in/, signal: 'SIGTERM' } });
    } finally {
      emulator.control.clearFaults();
    }
    expect(cancelled.status).toBe(1);
    expect(cancelled.stdout).toContain('Received SIGTERM: stopping; nothing more is deleted.');
    expect(cancelled.outputs).toMatchObject({ exit_code: '3', failed: '0' });
    expect(Number(cancelled.outputs.uploaded)).toBeLessThan(DOCUMENTS);
    expect(await listAllKeys(bucket.client, bucket.bucket, 'cancelled/.workdocs-s3-sync/')).not.toContain('cancelled/.workdocs-s3-sync/lock.json');
    expectNoSecrets(cancelled);

    const rerun = await run(inputs);
    expect(rerun.status, rerun.stdout).toBe(0);
    expect(Number(rerun.outputs.uploaded) + Number(cancelled.outputs.uploaded)).toBe(DOCUMENTS);
  });

  it('a role the token may not assume fails the step with the reason, before any WorkDocs or S3 request', async () => {
    emulator.control.resetCounters();
    const result = await run({ ...baseInputs(), role_to_assume: 'arn:aws:iam::123456789012:role/not-trusted' });
    expect(result.status).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({ kind: 'error', message: expect.stringMatching(/^Could not assume role arn:aws:iam::123456789012:role\/not-trusted with the OIDC token: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity/) }),
    ]);
    expect(result.outputs).toEqual({ ...NOTHING_DONE, exit_code: '3', report_path: path.join(runnerTemp, 'workdocs-s3-sync-report.json') });
    expect(emulator.control.counters().total).toBe(0);
    expectNoSecrets(result);
  });

  it('without id-token: write the step says what is missing', async () => {
    const result = await run(baseInputs(), { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(result.status).toBe(1);
    expect(result.annotations[0]!.message).toMatch(/does the job have 'permissions: id-token: write'/);
  });

  it('bad inputs fail the step naming each input, and nothing is requested', async () => {
    const tokens = oidc.audiences.length;
    const stsCalls = sts.calls.length;
    emulator.control.resetCounters();
    const result = await run({ ...baseInputs(), max_workers: '0', s3_prefix: '/abs', log_level: 'loud' });
    expect(result.status).toBe(1);
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.message.split('\n')).toEqual([
      'Input \'max_workers\': must be a whole number from 1 to 512, got "0"',
      'Input \'s3_prefix\': must not start with "/"',
      'Input \'log_level\': must be one of debug, info, warning, error, got "loud"',
    ]);
    expect(result.outputs).toEqual({ ...NOTHING_DONE, exit_code: '2' });
    expect(oidc.audiences.length).toBe(tokens);
    expect(sts.calls.length).toBe(stsCalls);
    expect(emulator.control.counters().total).toBe(0);
  });

  describe('the example workflows', () => {
    const example = (name: string): string => path.join(root, 'examples', name);
    const isThisAction = (uses: string): boolean => /(^|\/)workdocs-s3-sync@/.test(uses);
    // The runner's env for the job: the local endpoints come in through the standard AWS_ENDPOINT_URL_* variables,
    // so the examples' `with:` blocks run unmodified.
    const vars = (over: Record<string, string> = {}) => ({
      WORKDOCS_FOLDER_ID: emulator.rootFolderId, RELEASE_DOCS_FOLDER_ID: emulator.rootFolderId, S3_BUCKET: bucket.bucket, AWS_REGION: s3.region, AWS_ROLE_ARN: ROLE, ...over,
    });
    const jobOptions = (context: Record<string, unknown>, dirs = { workspace, runnerTemp }) => ({
      ...processOptions({ AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ENDPOINT_URL_WORKDOCS: emulator.endpoint }, dirs),
      isThisAction,
      context: { vars: vars(), github: { ref_name: 'v1.2.3', run_id: '4242' }, ...context } as Context,
    });

    it('nightly-sync.yml: mirrors under workdocs/ and hands the report and script.log to upload-artifact', async () => {
      const steps = await runJob(jobSteps(example('nightly-sync.yml')), jobOptions({}));
      const [sync, upload] = steps;
      expect(sync!.status, sync!.stdout).toBe(0);
      expect(sync!.outputs).toMatchObject({ uploaded: String(DOCUMENTS), failed: '0', changed: 'true' });
      expect(await listAllKeys(bucket.client, bucket.bucket, 'workdocs/')).toContain('workdocs/Welcome.md');
      expect(upload!.kind).toBe('other-action');
      const paths = upload!.with.path!.split('\n').filter((p) => p !== '');
      expect(paths).toEqual([sync!.outputs.report_path, 'script.log']);
      for (const p of paths) expect(existsSync(path.resolve(workspace, p)), p).toBe(true);
      expectNoSecrets(sync!.action!);
    });

    it('manual-sync.yml: a dry run of the folder given at dispatch writes nothing', async () => {
      const folderId = emulator.control.lookup(['Projects', 'Zephyr'])!;
      const steps = await runJob(jobSteps(example('manual-sync.yml')), jobOptions({ inputs: { folder_id: folderId, prefix: 'manual/', dry_run: true } }));
      const [sync, say] = steps;
      expect(sync!.status, sync!.stdout).toBe(0);
      expect(sync!.outputs).toMatchObject({ uploaded: '5', changed: 'true', exit_code: '0' });
      expect(sync!.action!.summary).toContain('dry run: nothing was written or deleted');
      expect(await listAllKeys(bucket.client, bucket.bucket, 'manual/')).toEqual([]);
      expect(say!.status, say!.stderr).toBe(0);
      expect(say!.stdout).toBe(`Folder ${folderId}: would upload 5, unchanged 0, deleted 0.\n`);
      // The same workflow for real.
      const real = await runJob(jobSteps(example('manual-sync.yml')), jobOptions({ inputs: { folder_id: folderId, prefix: 'manual/', dry_run: false } }));
      expect(real[0]!.outputs).toMatchObject({ uploaded: '5', changed: 'true' });
      expect(real[1]!.stdout).toBe(`Folder ${folderId}: uploaded 5, unchanged 0, deleted 0.\n`);
    });

    it('release.yml: the notes say what changed, and that nothing did on the next release', async () => {
      const first = await runJob(jobSteps(example('release.yml')), jobOptions({}));
      const byName = (records: typeof first, name: string) => records.find((s) => s.name.startsWith(name))!;
      expect(byName(first, 'Publish').status, byName(first, 'Publish').stdout).toBe(0);
      expect(byName(first, 'Note the documentation changes').ran).toBe(true);
      expect(byName(first, 'Note that the documentation is unchanged').ran).toBe(false);
      const notesPath = path.join(workspace, 'release-notes.md');
      expect(readFileSync(notesPath, 'utf8')).toMatch(new RegExp(`^## Documentation\\nUpdated for v1\\.2\\.3: ${DOCUMENTS} new or changed, 0 moved, 0 removed \\(\\d+ bytes\\)\\.\\n$`));
      expect(byName(first, 'Create the release').with).toEqual({ body_path: 'release-notes.md' });

      rmSync(notesPath);
      const second = await runJob(jobSteps(example('release.yml')), jobOptions({}));
      expect(byName(second, 'Publish').outputs).toMatchObject({ changed: 'false', uploaded: '0' });
      expect(byName(second, 'Note the documentation changes').ran).toBe(false);
      expect(readFileSync(notesPath, 'utf8')).toBe('Documentation unchanged since the last release.\n');
    });

    it('scale-out.yml: plan, a matrix of shards at once, then finalize mirror the tree like one job', async () => {
      const other = await createTestBucket('action-scale');
      try {
        const file = example('scale-out.yml');
        const jobs = workflowJobs(file);
        const context = { vars: vars({ S3_BUCKET: other.bucket }) };
        const steps = (job: string) => jobSteps(file, job);

        const planned = await runJob(steps('plan'), jobOptions(context));
        expect(planned[0]!.status, planned[0]!.stdout).toBe(0);
        expect(planned[0]!.action!.summary).toContain('Scale-out mode <b>plan</b> of run <code>4242</code>, 4 shards');
        const planOutputs = jobOutputs(jobs.plan!, planned, jobOptions(context).context);
        expect(JSON.parse(planOutputs.matrix!)).toEqual({ shard: [0, 1, 2, 3] });

        const needs = { plan: { outputs: planOutputs, result: 'success' } };
        const matrix = expressionValue(asMap(jobs.shard!.strategy, 'strategy').matrix, { ...context, needs } as Context) as unknown as { shard: number[] };
        const shards = await Promise.all(matrix.shard.map((shard) => runJob(steps('shard'), jobOptions({ ...context, needs, matrix: { shard } }, newJobDirs()))));
        for (const [i, records] of shards.entries()) {
          expect(records[0]!.status, records[0]!.stdout).toBe(0);
          expect(records[0]!.with.shard_index).toBe(String(i));
        }
        const uploaded = shards.reduce((sum, records) => sum + Number(records[0]!.outputs.uploaded), 0);
        expect(uploaded).toBe(DOCUMENTS);

        const finalNeeds = { ...needs, shard: { outputs: {}, result: 'success' } };
        expect(condition(jobs.finalize!.if, { ...context, needs: finalNeeds } as Context, { failed: false })).toBe(true);
        expect(condition(jobs.finalize!.if, { ...context, needs: { ...finalNeeds, plan: { result: 'failure' } } } as Context, { failed: true })).toBe(false);
        expect(asList(jobs.finalize!.needs, 'needs')).toEqual(['plan', 'shard']);
        const finalized = await runJob(steps('finalize'), jobOptions({ ...context, needs: finalNeeds }, newJobDirs()));
        expect(finalized[0]!.status, finalized[0]!.stdout).toBe(0);
        expect(finalized[0]!.outputs.exit_code).toBe('0');
        const keys = await listAllKeys(other.client, other.bucket, 'workdocs/');
        expect(keys).toEqual(expect.arrayContaining(['workdocs/Welcome.md', 'workdocs/Projects/Apollo/README.txt']));
        await expect(other.client.send(new HeadObjectCommand({ Bucket: other.bucket, Key: finalized[0]!.outputs.manifest_key }))).resolves.toBeDefined();
        for (const records of [planned, ...shards, finalized]) expectNoSecrets(records[0]!.action!);
      } finally {
        await other.cleanup();
      }
    });
  });
});
