// With the default (empty) s3_prefix, archive_prefix lies inside the mirror (a non-empty s3_prefix refuses that at
// once, src/options.ts; the bucket root cannot, since WorkDocs names are not known before the listing). A WorkDocs
// user (or, in folder mode, a top-level folder) named like the archive maps into the archive area, whose keys are
// not the mirror's (isManagedKey): a delete there would be lost in silence. So plan() refuses deletes on every run
// in which WorkDocs content maps under archive_prefix (exit 1, named), stale or not. Found by the careless-user QA.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getObjectBytes, md5Hex } from '../helpers/s3.js';
import { bucketState, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization

/** Objects someone else put in the bucket: at the root, under the reserved segments, inside a user's folder. */
const FOREIGN: Record<string, string> = {
  'ops/readme.txt': 'not WorkDocs',
  '.history/ops-audit.log': 'someone else\'s history',
  '.metadata/catalog.json': '{"owner":"data team"}',
  '.recycle-bin/old-export.zip': 'zip bytes',
  'alice/notes-from-ops.txt': 'put here by hand',
};

async function putForeign(scn: Scenario, prefix = ''): Promise<void> {
  for (const [key, body] of Object.entries(FOREIGN)) {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: `${prefix}${key}`, Body: body }));
  }
}

async function expectForeignIntact(scn: Scenario, prefix = ''): Promise<void> {
  for (const [key, body] of Object.entries(FOREIGN)) {
    const bytes = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${prefix}${key}`);
    expect(md5Hex(bytes), key).toBe(md5Hex(body));
  }
}

function site(scn: Scenario, prefix: string, args: readonly string[] = []): Promise<RunResult> {
  return scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', ORG, '--s3_prefix', prefix, ...args]);
}

/** What a run did, or in a dry run what it would do. */



describe('archive_prefix with the default (empty) prefix', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'qa-archive-root');
    await putForeign(scn);
  });
  afterAll(async () => scn?.close());
  const ARGS = ['--versions', 'all', '--archive_prefix', 'archive/', '--max_delete', '100%'];

  it('a WorkDocs user named like the archive: every run says so (exit 1, nothing deleted), the archived objects stay intact', async () => {
    // A first mirror with the archive in use: the archive area exists before the user appears.
    expect((await site(scn, '', ARGS)).code).toBe(0);
    const archiveUser = scn.emulator.control.addUser({ username: 'archive' });
    const x = scn.emulator.control.addDocument({ parentId: archiveUser.rootFolderId, name: 'x.txt', content: 'x' });
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const archived = before.filter((line) => line.startsWith('archive/'));

    // Not only once something is stale: the run that first maps the user into the archive area refuses at once.
    const first = await site(scn, '', ARGS);
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.report.deletesBlocked).toMatch(/maps under archive_prefix .*choose an archive_prefix outside the mirror/);
    const after = await bucketState(scn.bucket.client, scn.bucket.bucket);
    for (const line of archived) expect(after).toContain(line);
    await expectForeignIntact(scn);

    // The document's delete in WorkDocs is not lost in silence: the run still fails, and deletes nothing.
    scn.emulator.control.delete(x.id, 'remove');
    const refused = await site(scn, '', ARGS);
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.report.deletesBlocked).toMatch(/choose an archive_prefix outside the mirror/);
    const now = await bucketState(scn.bucket.client, scn.bucket.bucket);
    // Nothing deleted (the manifest is rewritten, and the user's now empty root may get its folder marker).
    expect(after.filter((l) => !now.includes(l) && !l.startsWith('.workdocs-s3-sync/'))).toEqual([]);
    expect(now.some((l) => l.startsWith('archive/x.txt '))).toBe(true);
  });
});
