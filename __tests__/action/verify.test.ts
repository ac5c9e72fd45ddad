// The Action's end of a verify run, as a specification: the step fails exactly when the mirror is not exact (or
// there is no verdict), tolerate_failures does not apply, the summary escapes keys, the CSV lands beside the report.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeText } from '../../src/action/summary.js';
import { runAction, type ActionDeps, type CreateSyncEnvFn } from '../../src/action/run-action.js';
import { finishVerify, renderVerifySummary, verifyOutputs, type VerifyCore } from '../../src/action/verify.js';
import { countDiscrepancies, isExact, type Discrepancy } from '../../src/core/verify.js';
import type { ExitCode, SyncEnv, SyncReport } from '../../src/engine/types.js';
import { inputEnv, recordingCore as actionCore } from './fixtures.js';

let temp: string;
beforeEach(() => { temp = mkdtempSync(join(tmpdir(), 'verify-action-')); });
afterEach(() => { rmSync(temp, { recursive: true, force: true }); });

function verifyReport(discrepancies: Discrepancy[], exitCode?: ExitCode, fatal?: string): SyncReport {
  const exact = isExact(discrepancies);
  return {
    exitCode: exitCode ?? (exact ? 0 : 1), dryRun: false, bucket: 'b', prefix: 'p/', rootFolderId: 'root', manifestKey: 'p/.workdocs-s3-sync/manifest.json',
    startedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, bytesPerSecond: 0, items: [], changed: false,
    totals: { uploaded: 0, copied: 0, skipped: 0, deleted: 0, archived: 0, markers: 0, failed: 0, cancelled: 0, bytes: 0 },
    ...(fatal !== undefined ? { fatal } : {}),
    verify: { exact, contentChecked: true, documents: 4, counts: countDiscrepancies(discrepancies, 3, 0), discrepancies, unverifiable: [] },
  };
}

function recordingCore(): VerifyCore & { failed: string[]; errors: string[]; summaries: string[]; infos: string[] } {
  const core = {
    failed: [] as string[], errors: [] as string[], summaries: [] as string[], infos: [] as string[],
    info: (m: string) => { core.infos.push(m); },
    warning: () => undefined,
    error: (m: string) => { core.errors.push(m); },
    setFailed: (m: string) => { core.failed.push(m); },
    writeSummary: async (t: string) => { core.summaries.push(t); },
  };
  return core;
}

const MISSING: Discrepancy = { kind: 'missing', key: 'p/a.txt', documentId: 'a', fails: true, detail: 'no object holds this document' };
const FOREIGN: Discrepancy = { kind: 'extra', key: 'p/other.json', owner: 'foreign', fails: false, detail: 'an object this tool did not write' };

describe('finishVerify', () => {
  it.each<[string, SyncReport, ExitCode, RegExp | undefined]>([
    ['an exact mirror passes the step', verifyReport([]), 0, undefined],
    ['a foreign object alone passes the step', verifyReport([FOREIGN]), 0, undefined],
    ['a missing object fails it, with the counts', verifyReport([MISSING, FOREIGN]), 1, /^Not an exact mirror: 1 missing, 0 mismatched, 1 extra/],
    ['no verdict (a listing failed) fails it with the reason', verifyReport([], 3, 'the WorkDocs listing failed for 1 folder(s); no verdict'), 3, /listing failed/],
  ])('%s', async (_name, report, code, failure) => {
    const core = recordingCore();
    const reportPath = join(temp, 'report.json');
    expect(await finishVerify(core, report, reportPath)).toBe(code);
    if (failure === undefined) expect(core.failed).toEqual([]);
    else expect(core.failed).toEqual([expect.stringMatching(failure)]);
    expect(core.errors).toHaveLength(report.verify!.discrepancies.filter((d) => d.fails).length);
    expect(core.summaries).toHaveLength(1);
    // The CSV is beside the JSON report (which the caller wrote), one row per discrepancy plus the header.
    const csv = join(temp, 'report.discrepancies.csv');
    expect(existsSync(csv)).toBe(true);
    expect(readFileSync(csv, 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + report.verify!.discrepancies.length);
  });

  it('without a report file there is no CSV, and the step still gets its verdict', async () => {
    const core = recordingCore();
    expect(await finishVerify(core, verifyReport([MISSING]), '')).toBe(1);
    expect(core.failed).toHaveLength(1);
  });
});

describe('renderVerifySummary', () => {
  it('gives the verdict and the counts, and escapes keys (outside text)', () => {
    const evil: Discrepancy = { ...MISSING, key: 'p/<img src=x onerror=alert(1)>[link](http://x).txt' };
    const text = renderVerifySummary(verifyReport([evil, FOREIGN]), '/tmp/r.json', '/tmp/r.discrepancies.csv');
    expect(text).toMatch(/^## WorkDocs → S3 verify: ❌ Not an exact mirror$/m);
    expect(text).toContain('| 4 | 3 | 1 | 0 | 1 (1 foreign) | 0 |');
    expect(text).not.toContain('<img');
    expect(text).not.toContain('](http');
    expect(text).toContain(escapeText('extra (foreign), not failing'));
  });

  it('an exact mirror says so', () => {
    expect(renderVerifySummary(verifyReport([]))).toMatch(/^## WorkDocs → S3 verify: ✅ Exact mirror$/m);
  });

  it('a site audited with versions: all names the site, counts the older versions and the orphaned ones in extra', () => {
    const orphaned: Discrepancy = { kind: 'orphaned-version', key: 'p/.history/a.txt/2024-01-01T00-00-00Z_v1.txt', documentId: 'a', fails: true, detail: 'a stored version whose document a no longer exists in WorkDocs' };
    const report = verifyReport([orphaned, FOREIGN]);
    const text = renderVerifySummary({ ...report, rootFolderId: 'd-5173a0e9c2', verify: { ...report.verify!, versions: 2 } });
    expect(text).toContain('WorkDocs site <code>d-5173a0e9c2</code>');
    expect(text).toContain('| 4 + 2 older versions | 3 | 0 | 0 | 2 (1 foreign, 1 orphaned version) | 0 |');
    expect(text).toContain('<td>orphaned-version</td>');
  });
});

describe('verifyOutputs', () => {
  it('are the counts, and zero for a run that is not a verify', () => {
    expect(verifyOutputs(verifyReport([MISSING, FOREIGN]))).toEqual({ verified: '3', missing: '1', mismatched: '0', extra: '1' });
    const { verify: _ignored, ...plain } = verifyReport([]);
    expect(verifyOutputs(plain)).toEqual({ verified: '0', missing: '0', mismatched: '0', extra: '0' });
  });
});

describe('runAction in mode verify', () => {
  const required = { workdocs_folder_id: 'abc123', s3_bucket_name: 'my-bucket', region_name: 'us-west-2', log_file: '', mode: 'verify' };
  function deps(report: SyncReport, inputs: Record<string, string> = {}): { deps: ActionDeps; core: ReturnType<typeof actionCore> } {
    const core = actionCore();
    const createSyncEnv: CreateSyncEnvFn = (_options, envDeps) => ({ workdocs: {} as SyncEnv['workdocs'], s3: {} as SyncEnv['s3'], logger: envDeps.logger, now: Date.now, destroy: () => undefined });
    return { core, deps: { core, createSyncEnv, sync: async () => report, env: { RUNNER_TEMP: temp, ...inputEnv({ ...required, ...inputs }) } } };
  }

  it('sets the verify outputs, writes the CSV beside the report, and fails the step on a missing object even with tolerate_failures', async () => {
    const { deps: d, core } = deps(verifyReport([MISSING, FOREIGN]), { tolerate_failures: 'true' });
    expect(await runAction(d)).toBe(1);
    expect(core.rec.outputs).toMatchObject({ verified: '3', missing: '1', mismatched: '0', extra: '1', exit_code: '1' });
    expect(core.rec.failed).toEqual([expect.stringMatching(/^Not an exact mirror: 1 missing/)]);
    expect(existsSync(join(temp, 'workdocs-s3-sync-report.discrepancies.csv'))).toBe(true);
    expect(core.rec.summary[0]).toMatch(/^## WorkDocs → S3 verify: ❌ Not an exact mirror$/m);
  });

  it('an exact mirror passes', async () => {
    const { deps: d, core } = deps(verifyReport([FOREIGN]));
    expect(await runAction(d)).toBe(0);
    expect(core.rec.failed).toEqual([]);
    expect(core.rec.outputs).toMatchObject({ verified: '3', missing: '0', extra: '1' });
  });
});
