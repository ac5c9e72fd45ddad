// The Action in site mode (workdocs_organization_id instead of workdocs_folder_id): the inputs reach the engine,
// exactly one of the two ids is required (exit 2 naming both, before any client is built), and the job summary
// names the site and counts per user. The engine is a stub: these are the shell's decisions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, type ActionDeps, type CreateSyncEnvFn } from '../../src/action/run-action.js';
import { userCountsOf } from '../../src/engine/report.js';
import type { SyncEnv } from '../../src/engine/types.js';
import type { SyncOptions } from '../../src/options.js';
import { inputEnv, makeReport, recordingCore, upload } from './fixtures.js';

const SITE = { workdocs_organization_id: 'd-926726012c', s3_bucket_name: 'my-bucket', region_name: 'us-west-2', log_file: '' };

let temp: string;
beforeEach(() => { temp = mkdtempSync(join(tmpdir(), 'site-action-')); });
afterEach(() => { rmSync(temp, { recursive: true, force: true }); });

function harness(inputs: Record<string, string>) {
  const core = recordingCore();
  const calls: SyncOptions[] = [];
  const items = [upload('site/alice/a.txt', 10), upload('site/bob/b.txt', 20)];
  const createSyncEnv: CreateSyncEnvFn = (options, envDeps) => {
    calls.push(options);
    return { workdocs: {} as SyncEnv['workdocs'], s3: {} as SyncEnv['s3'], logger: envDeps.logger, now: Date.now, destroy: () => {} };
  };
  const deps: ActionDeps = {
    core,
    createSyncEnv,
    sync: async (options) => makeReport(items, { prefix: options.s3Prefix, rootFolderId: options.workdocsOrganizationId, rootFolderName: '2 users', users: userCountsOf(items, options.s3Prefix, false) }),
    env: { RUNNER_TEMP: temp, ...inputEnv(inputs) },
  };
  return { deps, core, calls };
}

describe('the Action in site mode', () => {
  it('passes the site, the globs and the bin to the engine, and summarises per user', async () => {
    const h = harness({ ...SITE, s3_prefix: 'site', users: 'a*, bob', exclude_users: 'bot-*', include_recycle_bin: 'true' });
    expect(await runAction(h.deps)).toBe(0);
    expect(h.calls[0]).toMatchObject({ workdocsFolderId: '', workdocsOrganizationId: 'd-926726012c', users: ['a*', 'bob'], excludeUsers: ['bot-*'], includeRecycleBin: true });
    const summary = h.core.rec.summary[0]!;
    expect(summary).toContain('WorkDocs site <code>d-926726012c</code> (2 users)');
    expect(summary).toMatch(/### Per user \(2\)[\s\S]*<code>alice<\/code>[\s\S]*<code>bob<\/code>/);
  });

  it.each([
    ['neither id', { s3_bucket_name: 'my-bucket', region_name: 'us-west-2', log_file: '' }, /^Input 'workdocs_folder_id': is required, or workdocs_organization_id to mirror the whole site: give exactly one of the two$/m],
    ['both ids', { ...SITE, workdocs_folder_id: 'abc123' }, /^Input 'workdocs_organization_id': goes without workdocs_folder_id: give exactly one of the two/m],
    ['a directory id of the wrong shape', { ...SITE, workdocs_organization_id: 'd-12' }, /^Input 'workdocs_organization_id': is not a WorkDocs directory id/m],
  ])('%s: exit 2 before any client is built', async (_t, inputs, message) => {
    const h = harness(inputs);
    expect(await runAction(h.deps)).toBe(2);
    expect(h.calls).toEqual([]);
    expect(h.core.rec.failed[0]).toMatch(message);
    expect(h.core.rec.summary[0]).toContain('Bad input');
  });

  it('a bad input in site mode names the site in the summary', async () => {
    const h = harness({ ...SITE, users: 'has space' });
    expect(await runAction(h.deps)).toBe(2);
    expect(h.core.rec.summary[0]).toContain('WorkDocs site <code>d-926726012c</code>');
  });
});
