// What the Action tells a workflow author, outcome by outcome (issue 24): the bundle run as the runner runs it, with
// the emulator as WorkDocs and the real S3 server (behind the fault proxy where S3 must fail). For every outcome:
// the step's status, every output of action.yml with its exact value, and the job summary's status line.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { OUTPUT_SPECS } from '../../src/action/outputs.js';
import { manifestKey } from '../../src/core/manifest.js';
import { formatBytes } from '../../src/engine/report.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { LOCK_FORMAT, lockKey } from '../../src/s3/lock.js';
import { startFaultProxy, type FaultProxy } from '../../test-support/fault-proxy.js';
import { startOidcServer, startStsServer, type OidcServer, type StsServer } from '../../test-support/oidc-sts.js';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';
import { buildBundle, type Bundle } from './bundle.js';
import { actionDefaults, runActionProcess, type ActionProcessResult, type ProcessOptions } from './workflow-runner.js';

const root = path.resolve(import.meta.dirname, '../..');
const ROLE = 'arn:aws:iam::123456789012:role/workdocs-s3-sync';
const DOCUMENTS = 25; // the sample fixture's visible documents
const EMPTY_FOLDERS = 1; // only the empty folder gets a marker by default

type Outputs = Record<(typeof OUTPUT_SPECS)[number]['name'], string>;

/** The outputs of a run that did nothing to count: every one defined. */
function nothingDone(exitCode: string, reportPath: string): Outputs {
  return {
    uploaded: '0', copied: '0', skipped: '0', deleted: '0', archived: '0', markers: '0', failed: '0', cancelled: '0', bytes: '0',
    report_path: reportPath, manifest_key: '', changed: 'false', exit_code: exitCode, matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0',
  };
}

function statusLine(summary: string): string {
  return /^## WorkDocs → S3 sync: (.*)$/m.exec(summary)?.[1] ?? '(no status line)';
}

describe('every outcome of the Action, as the runner runs it', () => {
  const s3 = inject('s3');
  let bundle: Bundle;
  let emulator: Emulator;
  let oidc: OidcServer;
  let sts: StsServer;
  let proxy: FaultProxy;
  let bucket: TestBucket;
  let temp: string;
  let runnerTemp: string;
  let workspace: string;
  let defaults: Record<string, string>;
  let totalBytes: number;

  beforeAll(async () => {
    bundle = buildBundle('action-outcomes');
    defaults = actionDefaults(path.join(root, 'action.yml'));
    emulator = await startEmulator({ port: 0, fixture: 'sample' });
    oidc = await startOidcServer({ subject: 'repo:octo-org/octo-repo:ref:refs/heads/main' });
    sts = await startStsServer({
      expectedToken: () => oidc.tokenFor('sts.amazonaws.com'),
      roleArn: ROLE,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    proxy = await startFaultProxy({ upstream: s3.endpoint });
    bucket = await createTestBucket('action-outcomes');
    temp = mkdtempSync(path.join(tmpdir(), 'wds-outcomes-'));
    const documents = emulator.control.manifest();
    expect(documents).toHaveLength(DOCUMENTS);
    totalBytes = documents.reduce((sum, d) => sum + d.size, 0);
  });

  afterAll(async () => {
    await emulator?.close();
    await oidc?.close();
    await sts?.close();
    await proxy?.close();
    await bucket?.cleanup();
    if (temp) rmSync(temp, { recursive: true, force: true });
    bundle?.cleanup();
  });

  beforeEach(() => {
    const job = mkdtempSync(path.join(temp, 'job-'));
    workspace = path.join(job, 'workspace');
    runnerTemp = path.join(job, 'runner-temp');
    mkdirSync(workspace);
    mkdirSync(runnerTemp);
    emulator.control.clearFaults();
    emulator.control.resetCounters();
    proxy.clearRules();
    proxy.reset();
  });

  const reportPath = (): string => path.join(runnerTemp, 'workdocs-s3-sync-report.json');

  /** A step with `id-token: write` in a repository's workflow run; S3 goes through the fault proxy. */
  function processOptions(over: Partial<ProcessOptions> = {}, env: Record<string, string> = {}): ProcessOptions {
    return {
      node: process.execPath,
      dist: bundle.dist,
      defaults,
      workspace,
      runnerTemp,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
        AWS_ENDPOINT_URL_STS: sts.url,
        GITHUB_RUN_ID: '4242',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_REPOSITORY: 'octo-org/octo-repo',
        GITHUB_SERVER_URL: 'https://github.com',
        ...env,
      },
      ...over,
    };
  }

  const inputs = (prefix: string, over: Record<string, string> = {}): Record<string, string> => ({
    workdocs_folder_id: emulator.rootFolderId,
    s3_bucket_name: bucket.bucket,
    region_name: s3.region,
    s3_endpoint_url: proxy.endpoint,
    workdocs_endpoint_url: emulator.endpoint,
    role_to_assume: ROLE,
    s3_prefix: prefix,
    ...over,
  });

  const run = (given: Record<string, string>, over?: Partial<ProcessOptions>): Promise<ActionProcessResult> => runActionProcess(given, processOptions(over));

  /** Every output of action.yml is set, each to exactly the value expected. */
  function expectOutputs(result: ActionProcessResult, expected: Outputs): void {
    expect(Object.keys(result.outputs).sort(), 'every output of action.yml is set').toEqual(OUTPUT_SPECS.map((o) => o.name).sort());
    expect(result.outputs).toEqual(expected);
  }

  interface Outcome {
    readonly name: string;
    /** Sets the scene; returns the inputs of the step and how it is run. */
    readonly arrange: () => Promise<{ inputs: Record<string, string>; over?: Partial<ProcessOptions> }>;
    /** The step's exit status: 0 passes, 1 fails. */
    readonly stepStatus: number;
    readonly outputs: (result: ActionProcessResult) => Outputs;
    readonly status: string | RegExp;
    /** What else this outcome promises. */
    readonly check?: (result: ActionProcessResult) => Promise<void> | void;
  }

  const done = (prefix: string, counts: Partial<Outputs>, changed: boolean): Outputs => ({
    uploaded: '0', copied: '0', skipped: '0', deleted: '0', archived: '0', markers: '0', failed: '0', cancelled: '0', bytes: '0',
    report_path: reportPath(), manifest_key: manifestKey(prefix), changed: String(changed), exit_code: '0', matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0', ...counts,
  });

  const outcomes: Outcome[] = [
    {
      name: 'success',
      arrange: async () => ({ inputs: inputs('o-success/') }),
      stepStatus: 0,
      outputs: () => done('o-success/', { uploaded: String(DOCUMENTS), markers: String(EMPTY_FOLDERS), bytes: String(totalBytes) }, true),
      status: '✅ Done',
      check: async (result) => {
        expect(result.stdout).toMatch(/^Synced into s3:\/\/.*\/o-success\/$/m);
        expect(result.summary).toContain('Workflow run <a href="https://github.com/octo-org/octo-repo/actions/runs/4242">octo-org/octo-repo #4242</a>');
        const report = JSON.parse(readFileSync(reportPath(), 'utf8')) as { workflowRun: unknown };
        expect(report.workflowRun).toEqual({ repository: 'octo-org/octo-repo', runId: '4242', runAttempt: 1, url: 'https://github.com/octo-org/octo-repo/actions/runs/4242' });
      },
    },
    {
      name: 'no-op',
      arrange: async () => {
        const first = await run(inputs('o-noop/'));
        expect(first.status, first.stdout).toBe(0);
        return { inputs: inputs('o-noop/') };
      },
      stepStatus: 0,
      outputs: () => done('o-noop/', { skipped: String(DOCUMENTS) }, false),
      status: '✅ Up to date',
      check: (result) => expect(result.stdout).toMatch(/^Up to date: s3:\/\/.*\/o-noop\/$/m),
    },
    {
      // Written `dry-run:` as the CLI's flag is: read, not ignored (issue 24, item 1).
      name: 'dry run',
      arrange: async () => ({ inputs: inputs('o-dry/', { 'dry-run': 'true' }) }),
      stepStatus: 0,
      outputs: () => done('o-dry/', { uploaded: String(DOCUMENTS), markers: String(EMPTY_FOLDERS), bytes: String(totalBytes) }, true),
      status: '✅ Dry run — changes planned, nothing was written',
      check: async (result) => {
        expect(await listAllKeys(bucket.client, bucket.bucket, 'o-dry/')).toEqual([]);
        expect(result.annotations.filter((a) => a.kind === 'warning')).toEqual([]);
        // The console and the summary agree on the bytes a dry run would upload.
        expect(result.stdout).toContain(`  ${formatBytes(totalBytes)} to upload; planned in `);
        expect(result.summary).toContain(`| ${formatBytes(totalBytes)} |`);
      },
    },
    {
      name: 'partial failure',
      arrange: async () => {
        const doc = emulator.control.manifest().find((d) => d.path.join('/') === 'Welcome.md')!;
        emulator.control.addFault({ op: 'Content', documentId: doc.documentId, kind: 'corrupt', count: 1000 });
        return { inputs: inputs('o-partial/') };
      },
      stepStatus: 1,
      outputs: () => {
        const welcome = emulator.control.manifest().find((d) => d.path.join('/') === 'Welcome.md')!;
        return { ...done('o-partial/', { uploaded: String(DOCUMENTS - 1), markers: String(EMPTY_FOLDERS), failed: '1', bytes: String(totalBytes - welcome.size) }, true), exit_code: '1' };
      },
      status: '❌ 1 item failed',
      check: (result) => {
        const errors = result.annotations.filter((a) => a.kind === 'error');
        expect(errors.map((a) => a.title)).toEqual(['upload failed: o-partial/Welcome.md', undefined]);
        expect(errors[1]!.message).toMatch(/^1 item\(s\) failed; see the annotations/);
        expect(result.stdout).toMatch(/^Synced into s3:\/\/.*\/o-partial\/ except 1 item, which failed$/m);
      },
    },
    {
      name: 'bad input',
      arrange: async () => ({ inputs: inputs('o-bad/', { max_workers: '0' }) }),
      stepStatus: 1,
      outputs: () => nothingDone('2', ''),
      status: '❌ Bad input — nothing was touched',
      check: (result) => {
        expect(emulator.control.counters().total).toBe(0);
        expect(proxy.requests()).toEqual([]);
        expect(result.annotations).toEqual([expect.objectContaining({ kind: 'error', message: 'Input \'max_workers\': must be a whole number from 1 to 512, got "0"' })]);
        expect(result.summary).toContain(`WorkDocs folder <code>${emulator.rootFolderId}</code>`);
        expect(result.summary).not.toContain('| Uploaded |');
      },
    },
    {
      name: 'OIDC failure',
      arrange: async () => ({ inputs: inputs('o-oidc/', { role_to_assume: 'arn:aws:iam::123456789012:role/not-trusted' }) }),
      stepStatus: 1,
      outputs: () => nothingDone('3', reportPath()),
      status: '❌ Stopped — nothing was deleted',
      check: (result) => {
        expect(emulator.control.counters().total).toBe(0);
        expect(proxy.requests()).toEqual([]);
        expect(result.annotations).toEqual([expect.objectContaining({ kind: 'error', message: expect.stringMatching(/^Could not assume role arn:aws:iam::123456789012:role\/not-trusted with the OIDC token: AccessDenied/) })]);
        expect(result.summary).toContain('> [!CAUTION]\n> Could not assume role');
      },
    },
    {
      name: 'fatal listing error',
      arrange: async () => {
        proxy.addRule({ kind: 'error', operation: 'ListObjectsV2', status: 403, code: 'AccessDenied', message: 'Access Denied' });
        return { inputs: inputs('o-fatal/') };
      },
      stepStatus: 1,
      outputs: () => nothingDone('3', reportPath()),
      status: '❌ Stopped — nothing was deleted',
      check: async (result) => {
        expect(result.annotations.filter((a) => a.kind === 'error').map((a) => a.message)).toEqual([expect.stringMatching(/^the S3 bucket could not be listed: AccessDenied: Access Denied \(HTTP 403\)/)]);
        expect(result.stdout).toMatch(/^Stopped: nothing was deleted$/m);
        expect(result.stdout).not.toContain('Synced into');
        expect(result.summary).toContain(`WorkDocs folder <code>${emulator.rootFolderId}</code>`);
        expect(JSON.parse(readFileSync(reportPath(), 'utf8'))).toMatchObject({ rootFolderId: emulator.rootFolderId, manifestKey: '', exitCode: 3 });
        expect(await listAllKeys(bucket.client, bucket.bucket, 'o-fatal/')).toEqual([]);
      },
    },
    {
      // tolerate_failures tolerates failed items, not a manifest that could not be written (issue 24, item 2).
      name: 'manifest write failure',
      arrange: async () => {
        proxy.addRule({ kind: 'error', operation: 'PutObject', key: /manifest\.json$/, status: 403, code: 'AccessDenied', message: 'Access Denied' });
        return { inputs: inputs('o-manifest/', { tolerate_failures: 'true' }) };
      },
      stepStatus: 1,
      outputs: () => ({ ...done('o-manifest/', { uploaded: String(DOCUMENTS), markers: String(EMPTY_FOLDERS), bytes: String(totalBytes) }, true), exit_code: '1' }),
      status: '❌ Failed — the manifest could not be written',
      check: (result) => {
        const errors = result.annotations.filter((a) => a.kind === 'error');
        expect(errors.map((a) => a.message)).toEqual([expect.stringMatching(/^the manifest could not be written \(AccessDenied: Access Denied \(HTTP 403\)\).*tolerate_failures covers failed items only, not this\.$/)]);
        expect(result.annotations.filter((a) => a.kind === 'warning')).toEqual([]);
        expect(result.summary).not.toContain('0 item');
      },
    },
    {
      name: 'cancel',
      arrange: async () => {
        emulator.control.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: 64 * 1024 });
        // Cancelled once the listing is done and a first (small) upload landed: the rest stop where they are.
        const listedAndUploading = /WorkDocs: \d+ documents in[\s\S]*^upload done |^upload done [\s\S]*WorkDocs: \d+ documents in/m;
        return { inputs: inputs('o-cancel/'), over: { interrupt: { stdout: listedAndUploading, signal: 'SIGTERM' } } };
      },
      stepStatus: 1,
      outputs: (result) => {
        const { uploaded, markers, cancelled, bytes } = result.outputs;
        // What was done is counted as done, what the cancel stopped as cancelled, and nothing as failed.
        expect(Number(uploaded) + Number(markers) + Number(cancelled)).toBe(DOCUMENTS + EMPTY_FOLDERS);
        expect(Number(cancelled)).toBeGreaterThan(0);
        return { ...done('o-cancel/', { uploaded: uploaded!, markers: markers!, cancelled: cancelled!, bytes: bytes! }, Number(uploaded) + Number(markers) > 0), exit_code: '3' };
      },
      status: /^⏹️ Cancelled — nothing was deleted, \d+ items? not finished$/,
      check: async (result) => {
        expect(result.stdout).toContain('Received SIGTERM: stopping; nothing more is deleted.');
        const errors = result.annotations.filter((a) => a.kind === 'error');
        expect(errors.map((a) => a.message)).toEqual([`Cancelled: the run was interrupted; ${result.outputs.cancelled} item(s) not finished, nothing was deleted.`]);
        expect(await listAllKeys(bucket.client, bucket.bucket, 'o-cancel/.workdocs-s3-sync/')).not.toContain(lockKey('o-cancel/'));
      },
    },
    {
      name: 'lock held',
      arrange: async () => {
        const record = { format: LOCK_FORMAT, owner: 'f'.repeat(32), host: 'another-runner', pid: 4321, startedAt: new Date().toISOString(), expiresAt: Date.now() + 10 * 60_000 };
        await bucket.client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: lockKey('o-lock/'), Body: JSON.stringify(record), ContentType: 'application/json' }));
        return { inputs: inputs('o-lock/') };
      },
      stepStatus: 1,
      outputs: () => nothingDone('3', reportPath()),
      status: '❌ Stopped — nothing was deleted',
      check: async (result) => {
        expect(result.annotations.filter((a) => a.kind === 'error').map((a) => a.message)).toEqual([expect.stringContaining('another-runner')]);
        expect(result.summary).toMatch(/> \[!CAUTION\]\n> .*another-runner/);
        expect(await listAllKeys(bucket.client, bucket.bucket, 'o-lock/')).toEqual([lockKey('o-lock/')]);
      },
    },
  ];

  it.each(outcomes)('$name: step status, every output, the summary\'s status line', async (outcome) => {
    const { inputs: given, over } = await outcome.arrange();
    const result = await run(given, over);
    expect(result.status, result.stdout).toBe(outcome.stepStatus);
    expectOutputs(result, outcome.outputs(result));
    const status = statusLine(result.summary);
    if (typeof outcome.status === 'string') expect(status).toBe(outcome.status);
    else expect(status).toMatch(outcome.status);
    await outcome.check?.(result);
    expect(result.stderr).toBe('');
  });

  describe('the items of issue 24', () => {
    it('1. a safety input in a spelling the Action cannot read stops the step before any request; other near misses are warned about', async () => {
      const refused = await run(inputs('o-spelling/', { dryrun: 'true' }));
      expect(refused.status).toBe(1);
      expectOutputs(refused, nothingDone('2', ''));
      expect(statusLine(refused.summary)).toBe('❌ Bad input — nothing was touched');
      expect(refused.annotations.filter((a) => a.kind === 'error').map((a) => a.message)).toEqual([expect.stringMatching(/^Input 'dry_run': was given as 'dryrun', which this Action cannot read; write it as 'dry_run'/)]);
      expect(emulator.control.counters().total).toBe(0);
      expect(proxy.requests()).toEqual([]);

      const warned = await run(inputs('o-spelling/', { 'max-worker': '3', 'dry-run': 'true' }));
      expect(warned.status, warned.stdout).toBe(0);
      expect(warned.annotations.filter((a) => a.kind === 'warning')).toEqual([
        { kind: 'warning', title: 'Unknown input', message: "Input 'max-worker' is not an input of this Action and is ignored; did you mean 'max_workers'?" },
      ]);
      expect(await listAllKeys(bucket.client, bucket.bucket, 'o-spelling/')).toEqual([]);
    });

    it('4. a missing bucket is bad input: the folder id as given, no manifest named, no "Synced" headline', async () => {
      const result = await run({ ...inputs('o-missing/'), s3_bucket_name: 'no-such-bucket-workdocs-s3-sync' });
      expect(result.status).toBe(1);
      expectOutputs(result, nothingDone('2', reportPath()));
      expect(statusLine(result.summary)).toBe('❌ Bad input — nothing was touched');
      expect(result.summary).toContain(`WorkDocs folder <code>${emulator.rootFolderId}</code>`);
      expect(result.stdout).toMatch(/^Bad input: nothing was touched$/m);
      expect(result.stdout).not.toContain('Synced into');
      expect(JSON.parse(readFileSync(reportPath(), 'utf8'))).toMatchObject({ rootFolderId: emulator.rootFolderId, manifestKey: '', exitCode: 2 });
    });

    it('6. a fatal WorkDocs throttle names the call that gave up, after how many attempts and how long', async () => {
      emulator.control.addFault({ op: 'GetFolder', kind: 'throttle' });
      const result = await run(inputs('o-giveup/'));
      expect(result.status).toBe(1);
      expectOutputs(result, nothingDone('3', reportPath()));
      expect(result.annotations.filter((a) => a.kind === 'error').map((a) => a.message)).toEqual([
        expect.stringMatching(/^ThrottlingException: WorkDocs GetFolder gave up after 8 attempts over \d+\.\d s of waiting: /),
      ]);
      expect(emulator.control.counters().operations.GetFolder).toBe(8);
    });

    it('7. an error message from outside is no link or image in the summary', async () => {
      const hostile = 'denied, see [the fix](https://evil.example/x) ![i](https://evil.example/p.png)';
      emulator.control.addFault({ op: 'GetFolder', kind: 'error', status: 400, errorType: 'InvalidArgumentException', message: hostile });
      const result = await run(inputs('o-hostile/'));
      expect(result.status).toBe(1);
      expectOutputs(result, nothingDone('2', reportPath()));
      const caution = result.summary.split('\n').filter((line) => line.startsWith('> '));
      expect(caution.join('\n')).toContain('&#91;the fix&#93;&#40;https&#58;//evil.example/x&#41;');
      expect(result.summary).not.toMatch(/\]\(https?:|!\[|https?:\/\/evil/);
    });

    it('8. more failed items than annotations: 8 item annotations, one for the rest, and the step failure (GitHub shows 10)', async () => {
      emulator.control.addFault({ op: 'Content', kind: 'corrupt', count: 10_000 });
      // Every document with content fails; an empty one has no content to download.
      const failing = emulator.control.manifest().filter((d) => d.size > 0).length;
      expect(failing).toBeGreaterThan(9);
      const result = await run(inputs('o-many/'));
      expect(result.status).toBe(1);
      expectOutputs(result, { ...done('o-many/', { uploaded: String(DOCUMENTS - failing), markers: String(EMPTY_FOLDERS), failed: String(failing) }, true), exit_code: '1' });
      const errors = result.annotations.filter((a) => a.kind === 'error');
      expect(errors).toHaveLength(10);
      expect(errors.slice(0, 8).every((a) => a.title?.startsWith('upload failed: o-many/'))).toBe(true);
      expect(errors[8]!.title).toBe(`${failing - 8} more failed items`);
      expect(errors[9]!.message).toMatch(new RegExp(`^${failing} item\\(s\\) failed; `));
      expect(statusLine(result.summary)).toBe(`❌ ${failing} items failed`);
    });
  });
});
