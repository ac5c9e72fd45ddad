// Issue 20, source: every user of a WorkDocs site (workdocs_organization_id). The emulator's bundled `site` fixture
// (alice ADMIN, bob, carol INACTIVE, dave PENDING; Team shared with bob, recycled items in the bins) over HTTP with
// the unmodified SDK, the real S3 server, and the CLI's main() in-process.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest, manifestKey } from '../../src/core/manifest.js';
import { startEmulator, type Emulator, type Fixture } from '../../src/emulator/server.js';
import type { UserCounts } from '../../src/engine/types.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import { nonZero, s3Writes, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

const ORG = 'd-5173a0e9c2'; // the site fixture's organization
const MiB = 1024 * 1024;

let scn: Scenario;
beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'site-source'); });
afterAll(async () => scn?.close());

/** Runs a site export into `prefix` (the scenario's folder id left out). */
function runSite(prefix: string, args: readonly string[] = []): Promise<RunResult> {
  return scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', ORG, '--s3_prefix', prefix, ...args]);
}

const userNamed = (name: string) => {
  const found = scn.emulator.control.users().find((u) => u.username === name);
  if (!found) throw new Error(`no user ${name}`);
  return found;
};

/** The keys a site export must hold: every visible document under `<prefix><username>/…`, an empty root as its marker. */
function expectedSiteKeys(prefix: string, usernames: readonly string[], emulator: Emulator = scn.emulator): string[] {
  const keys: string[] = [];
  for (const user of emulator.control.users().filter((u) => usernames.includes(u.username))) {
    const documents = emulator.control.manifest(user.rootFolderId);
    if (documents.length === 0) keys.push(`${prefix}${user.username}/`);
    for (const d of documents) keys.push(`${prefix}${user.username}/${d.path.join('/')}`);
  }
  return keys.sort();
}

/** The mirrored keys under a prefix, without the tool's own area. */
async function mirroredKeys(prefix: string, s: Scenario = scn): Promise<string[]> {
  return (await listAllKeys(s.bucket.client, s.bucket.bucket, prefix)).filter((k) => !k.startsWith(`${prefix}.workdocs-s3-sync/`)).sort();
}

async function recordedSource(prefix: string, s: Scenario = scn): Promise<string> {
  const decoded = decodeManifest(await getObjectBytes(s.bucket.client, s.bucket.bucket, manifestKey(prefix)));
  if (!decoded.ok) throw new Error(decoded.problem);
  return decoded.rootFolderId;
}

const counts = (user: string, over: Partial<UserCounts> = {}): UserCounts => ({ user, uploaded: 0, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0, ...over });

describe('a first site export, then a no-op resync', () => {
  const ALL = ['alice', 'bob', 'carol', 'dave'];
  let first: RunResult;
  beforeAll(async () => { first = await runSite('site/'); });

  it('puts every user\'s tree under their username: inactive and pending users too, a shared folder once under its owner', async () => {
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await mirroredKeys('site/')).toEqual(expectedSiteKeys('site/', ALL));
    expect(await mirroredKeys('site/')).toEqual([
      'site/alice/Team/Public/flyer.pdf', 'site/alice/Team/budget.xlsx', 'site/alice/Team/plan.md', 'site/alice/welcome.txt',
      'site/bob/Designs/bridge.txt', 'site/bob/todo.txt',
      'site/carol/Handover/customers.csv', // carol is INACTIVE: her content still exists
      'site/dave/', // dave is PENDING, with an empty root: its folder marker
    ]);
    // Team is shared with bob (COOWNER) and bob's Designs with alice: neither appears twice.
    expect(first.report.totals).toMatchObject({ uploaded: 7, markers: 1, failed: 0 });
    for (const d of scn.emulator.control.manifest(userNamed('bob').rootFolderId)) {
      const bytes = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `site/bob/${d.path.join('/')}`);
      expect(md5Hex(bytes)).toBe(d.md5);
    }
    expect(first.log).toMatch(/WorkDocs site d-5173a0e9c2: 4 of 4 users \(1 DescribeUsers pages\)/);
    expect(first.log).toMatch(/upload\(s\) started while listing/);
  });

  it('records the organization as the source: the manifest, and every object\'s metadata', async () => {
    expect(await recordedSource('site/')).toBe(ORG);
    const head = await scn.bucket.client.send(new HeadObjectCommand({ Bucket: scn.bucket.bucket, Key: 'site/carol/Handover/customers.csv' }));
    expect(head.Metadata?.['workdocs-source-folder-id']).toBe(ORG);
    expect(first.report.rootFolderId).toBe(ORG);
    expect(first.report.rootFolderName).toBe('4 users');
  });

  it('counts per user in the JSON report and in one log line', () => {
    const bytes = (user: string) => scn.emulator.control.manifest(userNamed(user).rootFolderId).reduce((sum, d) => sum + d.size, 0);
    expect(first.report.users).toEqual([
      counts('alice', { uploaded: 4, bytes: bytes('alice') }),
      counts('bob', { uploaded: 2, bytes: bytes('bob') }),
      counts('carol', { uploaded: 1, bytes: bytes('carol') }),
      counts('dave'),
    ]);
    expect(first.log).toContain('per user: "alice" 4 uploaded, 0 unchanged');
  });

  it('a no-op resync reads one users page and one page per folder, and asks S3 one LIST and the manifest: nothing per user', async () => {
    const r = await runSite('site/');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, skipped: 7, deleted: 0 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
    // 4 roots + Team, Team/Public, bob's Designs, carol's Handover: one DescribeFolderContents page each.
    expect(nonZero(r.workdocs)).toEqual({ DescribeUsers: 1, DescribeFolderContents: 8 });
    // dave's marker is in place: no item of his to count.
    expect(r.report.users?.map((u) => `${u.user}:${u.skipped}`)).toEqual(['alice:4', 'bob:2', 'carol:1']);
  });

  it('verify audits the site mirror read-only, content included: exact', async () => {
    const r = await runSite('site/', ['--mode', 'verify', '--verify_content']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.verify).toMatchObject({ exact: true, contentChecked: true, documents: 7, discrepancies: [] });
    expect(s3Writes(r.s3)).toEqual({});
  });
});

describe('users and exclude_users', () => {
  it('keep the users a glob names, case-insensitively, minus the excluded ones', async () => {
    const r = await runSite('globs/', ['--users', 'A*, b?b ,carol', '--exclude_users', 'CAROL']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await mirroredKeys('globs/')).toEqual(expectedSiteKeys('globs/', ['alice', 'bob']));
    expect(r.log).toMatch(/2 of 4 users \(2 left out by users \/ exclude_users\)/);
    expect(r.report.users?.map((u) => u.user)).toEqual(['alice', 'bob']);
  });

  it('a filter that leaves nobody is bad input: exit 2, nothing written to S3', async () => {
    for (const [flag, value] of [['--users', 'nobody*'], ['--exclude_users', '*']] as const) {
      const r = await runSite('globs-none/', [flag, value]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout + r.stderr).toContain(`${flag.slice(2)}: leaves none of the 4 users of organization ${ORG}`);
      expect(nonZero(r.s3)).toEqual({});
    }
  });
});

describe('include_recycle_bin', () => {
  afterAll(() => scn.emulator.control.resetState());

  it('mirrors each user\'s recycle bin under .recycle-bin/<user>/; a user named .recycle-bin cannot collide with it', async () => {
    const odd = scn.emulator.control.addUser({ username: '.recycle-bin' });
    scn.emulator.control.addDocument({ parentId: odd.rootFolderId, name: 'mine.txt', content: 'a user with an awkward name\n' });
    const r = await runSite('bins/', ['--include_recycle_bin']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await mirroredKeys('bins/')).toEqual([
      ...expectedSiteKeys('bins/', ['alice', 'bob', 'carol', 'dave']),
      'bins/%2Erecycle-bin/mine.txt', // the user, escaped at the top level
      'bins/.recycle-bin/.recycle-bin/', // that user's (empty) bin
      'bins/.recycle-bin/alice/draft.txt',
      'bins/.recycle-bin/bob/old-notes.txt',
      'bins/.recycle-bin/carol/Scratch/tmp.txt', // a recycled folder keeps its content
      'bins/.recycle-bin/dave/',
    ].sort());
    const bin = await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'bins/.recycle-bin/bob/old-notes.txt');
    expect(bin.toString()).toBe('Old notes.\n');
    // Bin items count for their user; the awkward user is named as they are.
    expect(r.report.users?.find((u) => u.user === 'bob')).toMatchObject({ uploaded: 3 });
    expect(r.report.users?.find((u) => u.user === '.recycle-bin')).toMatchObject({ uploaded: 1 });
  });

  it('a restored item moves out of the bin by a server-side copy; without include_recycle_bin the bins are stale', async () => {
    const c = scn.emulator.control;
    const notes = c.manifest(userNamed('bob').rootFolderId).length;
    expect(await mirroredKeys('bins/.recycle-bin/bob/')).toEqual(['bins/.recycle-bin/bob/old-notes.txt']);
    // Restore bob's old notes: they leave the bin and are back in his root (a recycled item keeps its place in its folder).
    c.restore(c.lookup(['old-notes.txt'], userNamed('bob').rootFolderId)!);
    expect(c.manifest(userNamed('bob').rootFolderId)).toHaveLength(notes + 1);
    const r = await runSite('bins/', ['--include_recycle_bin']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ uploaded: 0, copied: 1, deleted: 1 });
    expect(await mirroredKeys('bins/bob/')).toContain('bins/bob/old-notes.txt');
    expect(await mirroredKeys('bins/.recycle-bin/bob/')).toEqual(['bins/.recycle-bin/bob/']); // the bin is empty now
    const off = await runSite('bins/', ['--dry_run']);
    expect(off.code).toBe(0);
    expect(off.report.items.filter((i) => i.action === 'delete' && i.key.startsWith('bins/.recycle-bin/')).map((i) => i.key).sort()).toEqual([
      'bins/.recycle-bin/.recycle-bin/', 'bins/.recycle-bin/alice/draft.txt', 'bins/.recycle-bin/bob/', 'bins/.recycle-bin/carol/Scratch/tmp.txt', 'bins/.recycle-bin/dave/',
    ]);
  });
});

describe('a user who disappears between runs is stale like a deleted folder', () => {
  const BOB = ['gone/bob/Designs/bridge.txt', 'gone/bob/todo.txt'];
  beforeAll(async () => {
    expect((await runSite('gone/')).code).toBe(0);
    scn.emulator.control.removeUser(userNamed('bob').id);
  });
  afterAll(() => scn.emulator.control.resetState());

  it('max_delete refuses the deletes: nothing is deleted, exit 1', async () => {
    const r = await runSite('gone/', ['--max_delete', '1']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.report.deletesBlocked).toMatch(/max_delete/);
    // The run takes its lock (a PUT and its DELETE), but no object is deleted, copied or archived.
    expect(r.s3).not.toHaveProperty('DeleteObjects');
    expect(r.s3).not.toHaveProperty('CopyObject');
    expect(r.report.users?.find((u) => u.user === 'bob')).toMatchObject({ deleted: 0 });
    expect(await mirroredKeys('gone/bob/')).toEqual(BOB);
  });

  it('a dry run says it would delete them and writes nothing', async () => {
    const r = await runSite('gone/', ['--dry_run']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.items.filter((i) => i.action === 'delete').map((i) => `${i.key} ${i.outcome}`).sort()).toEqual(BOB.map((k) => `${k} planned`));
    expect(r.report.users?.find((u) => u.user === 'bob')).toMatchObject({ deleted: 2, uploaded: 0 });
    expect(r.log).toContain('dry run: would delete "gone/bob/todo.txt"');
    expect(s3Writes(r.s3)).toEqual({});
    expect(await mirroredKeys('gone/bob/')).toEqual(BOB);
  });

  it('with archive_prefix they move under it, and the mirror keeps everyone else', async () => {
    const r = await runSite('gone/', ['--archive_prefix', 'archive/gone/']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ archived: 2, deleted: 0, uploaded: 0 });
    expect(await mirroredKeys('gone/')).toEqual(expectedSiteKeys('gone/', ['alice', 'carol', 'dave']));
    const archived = (await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/gone/')).filter((k) => !k.includes('/.workdocs-s3-sync/'))
      .map((k) => k.replace(/^archive\/gone\/[^/]+\//, '')).sort();
    expect(archived).toEqual(['bob/Designs/bridge.txt', 'bob/todo.txt']);
  });

  it('a user left out by a changed exclude_users is deleted within max_delete like any stale object', async () => {
    const r = await runSite('gone/', ['--exclude_users', 'carol']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.report.totals).toMatchObject({ deleted: 1, uploaded: 0 });
    expect(r.report.users?.find((u) => u.user === 'carol')).toMatchObject({ deleted: 1 });
    expect(await mirroredKeys('gone/')).toEqual(expectedSiteKeys('gone/', ['alice', 'dave']));
  });
});

describe('a user whose root or bin cannot be listed', () => {
  afterEach(() => scn.emulator.control.resetState());

  it.each(['root', 'recycle bin'] as const)('(%s) is a listing error: exit 3, nothing deleted', async (which) => {
    const prefix = `unlisted-${which === 'root' ? 'root' : 'bin'}/`;
    expect((await runSite(prefix, ['--include_recycle_bin'])).code).toBe(0);
    const before = await mirroredKeys(prefix);
    const c = scn.emulator.control;
    c.delete(c.lookup(['welcome.txt'])!, 'remove'); // a delete the run would make
    const bob = userNamed('bob');
    c.addFault({ op: 'DescribeFolderContents', documentId: which === 'root' ? bob.rootFolderId : bob.recycleBinFolderId, kind: 'error', status: 403, errorType: 'UnauthorizedResourceAccessException' });
    const r = await runSite(prefix, ['--include_recycle_bin']);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.report.fatal).toMatch(/the WorkDocs listing failed for 1 folder/);
    expect(r.report.totals.deleted).toBe(0);
    expect(await mirroredKeys(prefix)).toEqual(before);
  });
});

describe('one prefix, one source', () => {
  let other: Emulator | undefined;
  afterAll(async () => other?.close());

  it('a folder mirror is not taken over by a site, nor a site mirror by a folder or another site, without allow_source_change', async () => {
    expect((await scn.run(['--s3_prefix', 'change/'])).code).toBe(0);
    const refused = await runSite('change/');
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).toContain(`workdocs_organization_id: s3://${scn.bucket.bucket}/change/ already mirrors WorkDocs folder ${scn.emulator.rootFolderId}, not site ${ORG}`);
    expect(s3Writes(refused.s3)).toEqual({});

    const taken = await runSite('change/', ['--allow_source_change']);
    expect(taken.code, taken.stdout + taken.stderr).toBe(0);
    // alice's documents move under alice/ by server-side copies; nothing is downloaded twice.
    expect(taken.report.totals).toMatchObject({ copied: 4, uploaded: 3 });
    expect(await mirroredKeys('change/')).toEqual(expectedSiteKeys('change/', ['alice', 'bob', 'carol', 'dave']));
    expect(await recordedSource('change/')).toBe(ORG);

    const back = await scn.run(['--s3_prefix', 'change/']);
    expect(back.code).toBe(2);
    expect(back.stdout + back.stderr).toContain(`workdocs_folder_id: s3://${scn.bucket.bucket}/change/ already mirrors WorkDocs site ${ORG}, not folder ${scn.emulator.rootFolderId}`);

    other = await startEmulator({ port: 0, generateSite: { users: 2, documents: 4, seed: 'other-site' } });
    const another = await scn.run(['--workdocs_folder_id', '', '--workdocs_endpoint_url', other.endpoint, '--workdocs_organization_id', other.organizationId, '--s3_prefix', 'change/']);
    expect(another.code).toBe(2);
    expect(another.stdout + another.stderr).toContain(`already mirrors WorkDocs site ${ORG}, not site ${other.organizationId}`);
    expect(s3Writes(another.s3)).toEqual({});
  });
});

describe('scale-out of a site: plan → shards → finalize, bytes balanced across users', () => {
  /** One user holds nearly all the bytes: three large files, beside two users with small documents. */
  const fixture: Fixture = {
    organizationId: 'd-0123456789',
    seed: 'site-scale',
    users: [
      { username: 'big' },
      { username: 'small1', root: { name: 'small1', children: Array.from({ length: 6 }, (_, i) => ({ name: `note-${i}.txt`, content: `small one, note ${i}\n` })) } },
      { username: 'small2', status: 'INACTIVE', root: { name: 'small2', children: [{ name: 'Old', children: Array.from({ length: 6 }, (_, i) => ({ name: `memo-${i}.txt`, content: `small two, memo ${i}\n` })) }] } },
    ],
    root: { name: 'big', children: [1, 2, 3].map((i) => ({ name: `video-${i}.bin`, generate: { seed: i, size: 6 * MiB } })) },
  };
  let site: Scenario;
  beforeAll(async () => { site = await startScenario({ fixture }, 'site-scale'); });
  afterAll(async () => site?.close());
  const run = (args: readonly string[]) => site.run(['--workdocs_folder_id', '', '--workdocs_organization_id', 'd-0123456789', '--s3_prefix', 'org/', ...args]);

  it('spreads the one big user over every shard, and the result equals a single-job export', async () => {
    const plan = await run(['--mode', 'plan', '--run_id', 'site-1', '--shard_count', '3']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.report.scale?.matrix).toEqual({ shard: [0, 1, 2] });
    const stored = JSON.parse((await getObjectBytes(site.bucket.client, site.bucket.bucket, 'org/.workdocs-s3-sync/runs/site-1/plan.json')).toString()) as {
      rootFolderId: string; actions: { kind: string; key: string; doc?: { size: number } }[]; shardOf: number[];
    };
    expect(stored.rootFolderId).toBe('d-0123456789');
    const shardOfKey = new Map(stored.actions.map((a, i) => [a.key, stored.shardOf[i]!]));
    // Each large file of the one user on its own shard: the user's bytes are split, not kept together.
    expect(new Set([1, 2, 3].map((i) => shardOfKey.get(`org/big/video-${i}.bin`))).size).toBe(3);
    const bytes = [0, 0, 0];
    stored.actions.forEach((a, i) => { if (a.kind === 'upload') bytes[stored.shardOf[i]!]! += a.doc!.size; });
    expect(Math.max(...bytes) - Math.min(...bytes)).toBeLessThan(MiB);

    for (const shard of [0, 1, 2]) {
      const r = await run(['--mode', 'shard', '--run_id', 'site-1', '--shard_index', String(shard)]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.report.users?.some((u) => u.user === 'big' && u.uploaded === 1)).toBe(true);
    }
    const finalize = await run(['--mode', 'finalize', '--run_id', 'site-1']);
    expect(finalize.code, finalize.stdout + finalize.stderr).toBe(0);

    expect(await mirroredKeys('org/', site)).toEqual(expectedSiteKeys('org/', ['big', 'small1', 'small2'], site.emulator));
    expect(await recordedSource('org/', site)).toBe('d-0123456789');
    const head = await site.bucket.client.send(new HeadObjectCommand({ Bucket: site.bucket.bucket, Key: 'org/big/video-2.bin' }));
    expect(head.Metadata?.['workdocs-source-folder-id']).toBe('d-0123456789');
    // The scaled-out export is complete: a single-job resync has nothing to do.
    const resync = await run([]);
    expect(resync.code, resync.stdout + resync.stderr).toBe(0);
    expect(resync.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, skipped: 15 });
    expect(nonZero(resync.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});
