import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvDeps } from '../../src/engine/env.js';
import type { SyncEnv, SyncReport } from '../../src/engine/types.js';
import { runAction, s3ConsoleUrl, type ActionDeps, type CreateSyncEnvFn } from '../../src/action/run-action.js';
import { OUTPUT_SPECS } from '../../src/action/outputs.js';
import type { SyncOptions } from '../../src/options.js';
import { del, failed, inputEnv, makeReport, recordingCore, skip, upload } from './fixtures.js';

const required = { workdocs_folder_id: 'abc123', s3_bucket_name: 'my-bucket', region_name: 'us-west-2', log_file: '' };

/** The outputs of a run that stopped before the engine: every one defined. */
const stopped = (exitCode: string, reportPath = ''): Record<string, string> => ({
  uploaded: '0', copied: '0', skipped: '0', deleted: '0', archived: '0', markers: '0', failed: '0', cancelled: '0', bytes: '0',
  report_path: reportPath, manifest_key: '', changed: 'false', exit_code: exitCode, matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0',
});
const statusOf = (summary: string): string => /^## WorkDocs → S3 sync: (.*)$/m.exec(summary)?.[1] ?? '';

let temp: string;
beforeEach(() => { temp = mkdtempSync(join(tmpdir(), 'run-action-')); });
afterEach(() => { rmSync(temp, { recursive: true, force: true }); });

interface Harness {
  deps: ActionDeps;
  core: ReturnType<typeof recordingCore>;
  calls: { options: SyncOptions; envDeps: EnvDeps }[];
  destroyed: number;
}

function harness(inputs: Record<string, string>, result: SyncReport | (() => Promise<SyncReport>), over: Partial<ActionDeps> & { idToken?: string; summaryFails?: boolean } = {}): Harness {
  const core = recordingCore({ idToken: over.idToken, summaryFails: over.summaryFails });
  const h: Harness = { core, calls: [], destroyed: 0, deps: undefined as unknown as ActionDeps };
  const createSyncEnv: CreateSyncEnvFn = (options, envDeps) => {
    h.calls.push({ options, envDeps });
    return { workdocs: {} as SyncEnv['workdocs'], s3: {} as SyncEnv['s3'], logger: envDeps.logger, now: Date.now, onProgress: envDeps.onProgress, signal: envDeps.signal, destroy: () => { h.destroyed += 1; } };
  };
  h.deps = {
    core,
    createSyncEnv,
    sync: async (_options, env) => {
      env.logger.log('info', 'engine says hello');
      env.onProgress?.({ phase: 'transfer', done: 1, total: 1, bytes: 10 });
      return typeof result === 'function' ? result() : result;
    },
    env: { RUNNER_TEMP: temp, ...inputEnv(inputs) },
    ...over,
  };
  return h;
}

describe('runAction', () => {
  it('fails on bad inputs before any request, naming every bad input', async () => {
    const h = harness({ ...required, max_workers: 'lots', s3_bucket_name: 'Bad_Bucket', role_to_assume: 'arn:aws:iam::123456789012:role/x' }, makeReport([]), { idToken: 'tok' });
    expect(await runAction(h.deps)).toBe(2);
    expect(h.core.rec.failed).toHaveLength(1);
    expect(h.core.rec.failed[0]).toMatch(/^Input 's3_bucket_name': .*\nInput 'max_workers': must be a whole number from 1 to 512, got "lots"$/);
    expect(h.core.rec.outputs).toEqual(stopped('2'));
    expect(h.calls).toEqual([]);
    expect(h.core.rec.idTokenAudiences).toEqual([]);
    expect(h.core.rec.summary).toHaveLength(1);
    expect(statusOf(h.core.rec.summary[0]!)).toBe('❌ Bad input — nothing was touched');
    expect(h.core.rec.summary[0]).toContain('Input &#39;max&#95;workers&#39;&#58; must be a whole number from 1 to 512');
    expect(h.core.rec.summary[0]).toContain('WorkDocs folder <code>abc123</code>');
    expect(h.core.rec.summary[0]).not.toContain('| Uploaded |'); // nothing happened, so nothing is counted
  });

  it('runs the sync and reports: outputs, JSON report in RUNNER_TEMP, summary, totals', async () => {
    const report = makeReport([upload('mirror/a.txt', 100), skip('mirror/b.txt'), del('mirror/c.txt')]);
    const h = harness({ ...required, s3_prefix: 'mirror', max_workers: '3' }, report);
    expect(await runAction(h.deps)).toBe(0);
    expect(h.core.rec.failed).toEqual([]);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.options).toMatchObject({ workdocsFolderId: 'abc123', s3Prefix: 'mirror/', maxWorkers: 3 });
    expect(h.calls[0]!.envDeps.s3Credentials).toBeUndefined();
    expect(h.destroyed).toBe(1);
    const reportPath = join(temp, 'workdocs-s3-sync-report.json');
    expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(Object.keys(h.core.rec.outputs).sort()).toEqual(OUTPUT_SPECS.map((o) => o.name).sort());
    expect(h.core.rec.outputs).toMatchObject({ uploaded: '1', skipped: '1', deleted: '1', failed: '0', bytes: '100', changed: 'true', exit_code: '0', report_path: reportPath });
    expect(h.core.rec.summary).toHaveLength(1);
    expect(h.core.rec.summary[0]).toContain('✅ Done');
    expect(h.core.rec.summary[0]).toContain('https://us-west-2.console.aws.amazon.com/s3/object/my-bucket?region=us-west-2&#38;bucketType=general&#38;prefix=mirror%2Fa.txt');
    expect(h.core.rec.groups).toEqual(['Authenticate']);
    expect(h.core.rec.lines).toEqual(expect.arrayContaining(['engine says hello', 'Transferring: 1/1 (100%), 10 B', '  uploaded 1, copied 0, skipped 1, deleted 1, archived 0, folder markers 0, failed 0', `JSON report: ${reportPath}`]));
    expect(h.core.rec.errors).toEqual([]);
  });

  it('writes the report where report_file says', async () => {
    const path = join(temp, 'out', 'report.json');
    const h = harness({ ...required, report_file: path }, makeReport([]));
    await runAction(h.deps);
    expect(existsSync(path)).toBe(true);
    expect(h.core.rec.outputs.report_path).toBe(path);
  });

  it('annotates failed items and fails the step', async () => {
    const h = harness(required, makeReport([upload('a'), failed('mirror/bad.bin', 'MD5 mismatch')]));
    expect(await runAction(h.deps)).toBe(1);
    expect(h.core.rec.errors).toEqual([{ title: 'upload failed: mirror/bad.bin', message: 'upload mirror/bad.bin: MD5 mismatch' }]);
    expect(h.core.rec.failed).toEqual([expect.stringMatching(/^1 item\(s\) failed; see the annotations, the job summary and .*workdocs-s3-sync-report\.json\. Set tolerate_failures: true/)]);
    expect(h.core.rec.outputs).toMatchObject({ failed: '1', exit_code: '1' });
  });

  it('tolerates item failures when asked, still annotating them', async () => {
    const h = harness({ ...required, tolerate_failures: 'true' }, makeReport([failed('x')]));
    expect(await runAction(h.deps)).toBe(1);
    expect(h.core.rec.failed).toEqual([]);
    expect(h.core.rec.errors).toHaveLength(1);
    expect(h.core.rec.warnings.map((w) => w.message)).toContain('1 item(s) failed; tolerated because tolerate_failures is true.');
    expect(h.core.rec.summary[0]).toContain('⚠️ 1 item failed');
  });

  it('fails the step when deletes were refused, even with tolerate_failures', async () => {
    const items = [upload('a'), { action: 'delete' as const, key: 'mirror/x', outcome: 'blocked' as const, reason: 'stale' }];
    const h = harness({ ...required, tolerate_failures: 'true' }, makeReport(items, { exitCode: 1, deletesBlocked: '3 deletes exceed max_delete 1' }));
    expect(await runAction(h.deps)).toBe(1);
    expect(h.core.rec.failed).toEqual(['Deletes were refused: 3 deletes exceed max_delete 1.']);
    expect(h.core.rec.summary[0]).toContain('❌ Deletes refused');
    const both = harness(required, makeReport([...items, failed('y')], { exitCode: 1, deletesBlocked: 'listing incomplete' }));
    await runAction(both.deps);
    expect(both.core.rec.failed[0]).toMatch(/^Deletes were refused: listing incomplete; also 1 item\(s\) failed, see the annotations/);
  });

  it('reports a dry run’s planned counts in the outputs', async () => {
    const planned = [{ ...upload('a', 7), outcome: 'planned' as const }, { ...del('b'), outcome: 'planned' as const }, skip('c')];
    const h = harness({ ...required, dry_run: 'true' }, makeReport(planned, { dryRun: true }));
    expect(await runAction(h.deps)).toBe(0);
    expect(h.calls[0]!.options.dryRun).toBe(true);
    expect(h.core.rec.outputs).toMatchObject({ uploaded: '1', deleted: '1', skipped: '1', bytes: '7', changed: 'true' });
  });

  it('does not tolerate fatal errors', async () => {
    const h = harness({ ...required, tolerate_failures: 'true' }, makeReport([], { exitCode: 3, fatal: 'Could not list WorkDocs folder abc123: EntityNotExistsException' }));
    expect(await runAction(h.deps)).toBe(3);
    expect(h.core.rec.failed).toEqual(['Could not list WorkDocs folder abc123: EntityNotExistsException']);
    expect(h.core.rec.outputs.exit_code).toBe('3');
    expect(h.core.rec.summary[0]).toContain('❌ Stopped — nothing was deleted');
  });

  it('assumes the role and hands the credentials to the engine, masked', async () => {
    const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'sekrit', sessionToken: 'sess', expiration: new Date(Date.now() + 3600_000) };
    const seen: unknown[] = [];
    const h = harness({ ...required, role_to_assume: 'arn:aws:iam::123456789012:role/sync', audience: 'aud-x' }, makeReport([]), {
      idToken: 'id-token-value',
      fromWebToken: (init) => { seen.push(init); return async () => creds; },
    });
    expect(await runAction(h.deps)).toBe(0);
    expect(h.core.rec.idTokenAudiences).toEqual(['aud-x']);
    expect(seen).toEqual([expect.objectContaining({ roleArn: 'arn:aws:iam::123456789012:role/sync', webIdentityToken: 'id-token-value', roleSessionName: 'workdocs-s3-sync', durationSeconds: 3600, clientConfig: { region: 'us-west-2' } })]);
    expect(h.core.rec.secrets).toEqual(expect.arrayContaining(['id-token-value', 'ASIAEXAMPLE', 'sekrit', 'sess']));
    const envDeps = h.calls[0]!.envDeps;
    const provider = envDeps.s3Credentials;
    expect(typeof provider).toBe('function'); // a provider, so long runs renew the session
    expect(await (provider as () => Promise<unknown>)()).toBe(creds);
    expect(envDeps.workdocsCredentials).toBe(envDeps.s3Credentials);
  });

  it('fails with the reason when the role cannot be assumed, before the sync', async () => {
    const h = harness({ ...required, role_to_assume: 'arn:aws:iam::123456789012:role/sync' }, makeReport([]));
    expect(await runAction(h.deps)).toBe(3);
    expect(h.core.rec.failed).toEqual([expect.stringMatching(/^Could not get the job's OIDC token .*id-token: write/)]);
    const reportPath = join(temp, 'workdocs-s3-sync-report.json');
    expect(h.core.rec.outputs).toEqual(stopped('3', reportPath));
    expect(JSON.parse(readFileSync(reportPath, 'utf8'))).toMatchObject({ exitCode: 3, rootFolderId: 'abc123', manifestKey: '', items: [] });
    expect(statusOf(h.core.rec.summary[0]!)).toBe('❌ Stopped — nothing was deleted');
    expect(h.calls).toEqual([]);
  });

  it('fails the step with the message of an unexpected error, and releases the clients', async () => {
    const h = harness(required, () => Promise.reject(new Error('socket hang up')));
    expect(await runAction(h.deps)).toBe(3);
    expect(h.core.rec.failed).toEqual(['workdocs-s3-sync failed unexpectedly: socket hang up']);
    expect(h.destroyed).toBe(1);
  });

  it('carries on when the job summary cannot be written', async () => {
    const h = harness(required, makeReport([upload('a')]), { summaryFails: true });
    expect(await runAction(h.deps)).toBe(0);
    expect(h.core.rec.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^Could not write the job summary: /)]);
    expect(h.core.rec.outputs.uploaded).toBe('1');
  });

  it('names a scaled-out run after GITHUB_RUN_ID unless run_id is given', async () => {
    const h = harness({ ...required, mode: 'plan' }, makeReport([], { scale: { mode: 'plan', runId: '777', shardCount: 4, matrix: { shard: [0, 1, 2, 3] } } }));
    expect(await runAction({ ...h.deps, env: { ...h.deps.env, GITHUB_RUN_ID: '777' } })).toBe(0);
    expect(h.calls[0]!.options).toMatchObject({ mode: 'plan', runId: '777' });
    expect(h.core.rec.outputs.matrix).toBe('{"shard":[0,1,2,3]}');
    expect(h.core.rec.summary[0]).toContain('Scale-out mode <b>plan</b> of run <code>777</code>, 4 shards');
    const given = harness({ ...required, mode: 'shard', run_id: 'nightly-1', shard_index: '2' }, makeReport([]));
    await runAction({ ...given.deps, env: { ...given.deps.env, GITHUB_RUN_ID: '777' } });
    expect(given.calls[0]!.options).toMatchObject({ mode: 'shard', runId: 'nightly-1', shardIndex: 2 });
    const missing = harness({ ...required, mode: 'finalize' }, makeReport([]));
    expect(await runAction(missing.deps)).toBe(2);
    expect(missing.core.rec.failed[0]).toMatch(/^Input 'run_id': is required in mode finalize/);
  });

  it('passes the cancel signal to the engine', async () => {
    const controller = new AbortController();
    const h = harness(required, makeReport([]), { signal: controller.signal });
    await runAction(h.deps);
    expect(h.calls[0]!.envDeps.signal).toBe(controller.signal);
  });
});

describe('runAction: every outcome names itself and sets every output', () => {
  it('a manifest that could not be written fails the step by name, even with tolerate_failures', async () => {
    const fatal = 'the manifest could not be written (AccessDenied: Access Denied (HTTP 403)); the next run re-checks the objects by their metadata';
    const h = harness({ ...required, tolerate_failures: 'true' }, makeReport([upload('mirror/a')], { exitCode: 1, fatal }));
    expect(await runAction(h.deps)).toBe(1);
    expect(h.core.rec.failed).toEqual([`${fatal}. tolerate_failures covers failed items only, not this.`]);
    expect(h.core.rec.warnings).toEqual([]);
    expect(statusOf(h.core.rec.summary[0]!)).toBe('❌ Failed — the manifest could not be written');
    expect(h.core.rec.outputs).toMatchObject({ uploaded: '1', failed: '0', exit_code: '1' });
  });

  it('a cancelled run counts its unfinished items as cancelled, not failed', async () => {
    const controller = new AbortController();
    const stoppedItem = { ...upload('mirror/b'), outcome: 'cancelled' as const, error: 'cancelled by SIGTERM' };
    const h = harness(required, async () => {
      controller.abort(new Error('cancelled by SIGTERM'));
      return makeReport([upload('mirror/a'), stoppedItem], { exitCode: 3, fatal: 'the run was interrupted' });
    }, { signal: controller.signal });
    expect(await runAction(h.deps)).toBe(3);
    expect(h.core.rec.outputs).toMatchObject({ uploaded: '1', failed: '0', cancelled: '1', exit_code: '3' });
    expect(h.core.rec.errors).toEqual([]);
    expect(h.core.rec.failed).toEqual(['Cancelled: the run was interrupted; 1 item(s) not finished, nothing was deleted.']);
    expect(statusOf(h.core.rec.summary[0]!)).toBe('⏹️ Cancelled — nothing was deleted, 1 item not finished');
    expect(h.core.rec.summary[0]).toMatch(/<details><summary><b>Cancelled \(1\)<\/b><\/summary>[\s\S]*mirror\/b/);
  });

  it('reads kebab-case inputs like snake_case ones: dry-run: true is a dry run', async () => {
    const h = harness({ ...required, dry_run: 'false', 'dry-run': 'true', 'max-workers': '3' }, makeReport([], { dryRun: true }));
    expect(await runAction(h.deps)).toBe(0);
    expect(h.calls[0]!.options).toMatchObject({ dryRun: true, maxWorkers: 3 });
    expect(h.core.rec.warnings).toEqual([]);
  });

  it('a near miss of an input is a warning naming the input; of a safety input, bad input before any request', async () => {
    const warned = harness({ ...required, max_worker: '3' }, makeReport([]));
    expect(await runAction(warned.deps)).toBe(0);
    expect(warned.core.rec.warnings).toEqual([{ title: 'Unknown input', message: "Input 'max_worker' is not an input of this Action and is ignored; did you mean 'max_workers'?" }]);
    const refused = harness({ ...required, dryrun: 'true' }, makeReport([]));
    expect(await runAction(refused.deps)).toBe(2);
    expect(refused.calls).toEqual([]);
    expect(refused.core.rec.failed[0]).toMatch(/^Input 'dry_run': was given as 'dryrun', which this Action cannot read; write it as 'dry_run'/);
    expect(refused.core.rec.outputs).toEqual(stopped('2'));
  });

  it('links the workflow run in the summary and records it in the JSON report', async () => {
    const workflowRun = { repository: 'octo/repo', runId: '42', runAttempt: 2, url: 'https://github.com/octo/repo/actions/runs/42/attempts/2' };
    const h = harness(required, makeReport([upload('a')]), { workflowRun });
    await runAction(h.deps);
    expect(h.core.rec.summary[0]).toContain('Workflow run <a href="https://github.com/octo/repo/actions/runs/42/attempts/2">octo/repo #42</a>, attempt 2');
    expect(JSON.parse(readFileSync(h.core.rec.outputs.report_path!, 'utf8')).workflowRun).toEqual(workflowRun);
    expect(h.calls[0]!.options.runId).toBe('42'); // the run id comes from the workflow run's context
  });
});

describe('s3ConsoleUrl', () => {
  const options = { s3EndpointUrl: '', s3BucketName: 'b', regionName: 'eu-west-1' } as SyncOptions;
  it('links AWS objects in the console, not objects on custom endpoints', () => {
    expect(s3ConsoleUrl(options, {})!('a b/c+d')).toBe('https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&bucketType=general&prefix=a%20b%2Fc%2Bd');
    expect(s3ConsoleUrl({ ...options, s3EndpointUrl: 'http://127.0.0.1:9000' }, {})).toBeUndefined();
    expect(s3ConsoleUrl(options, { AWS_ENDPOINT_URL_S3: 'http://x' })).toBeUndefined();
  });
});
