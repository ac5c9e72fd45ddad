// Careless-user QA: the site export tried the way a hurried user would, against the emulator's `site` fixture over
// HTTP and the real S3 server — the default (empty) prefix in a bucket that already holds other data, options
// switched between runs, WorkDocs reorganised between runs, dry runs and bad values. After every run: the exit
// code, the bucket (foreign objects intact), a rerun that writes nothing, and `mode: verify` (content read back).
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { effectiveTotals } from '../../src/engine/report.js';
import { getObjectBytes, listAllKeys, md5Hex } from '../helpers/s3.js';
import { bucketState, s3Writes, startScenario, type RunResult, type Scenario } from '../helpers/scenario.js';

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
/** Version ids of a document, newest first (the emulator's own view, over the SDK). */
async function describeVersions(scn: Scenario, documentId: string): Promise<string[]> {
  // A user token is accepted in place of a signature (src/emulator/README.md, Auth).
  const response = await fetch(`${scn.emulator.endpoint}/api/v1/documents/${documentId}/versions`, { headers: { Authentication: 'qa-token' } });
  const body = (await response.json()) as { DocumentVersions?: { Id: string }[] };
  return (body.DocumentVersions ?? []).map((v) => v.Id);
}

function actionCounts(r: RunResult): Record<string, number> {
  const { uploaded, copied, deleted, archived, markers, failed } = effectiveTotals(r.report);
  return { uploaded, copied, deleted, archived, markers, failed };
}

/**
 * One user step: the sync exits 0, a rerun with the same options writes nothing, and verify (content read back)
 * finds the mirror exact; the foreign objects are untouched throughout.
 */
async function syncThenCheck(scn: Scenario, prefix: string, args: readonly string[]): Promise<RunResult> {
  const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
  const dry = await site(scn, prefix, [...args, '--dry_run', 'true']);
  expect.soft(dry.code, `dry run ${args.join(' ')}\n${dry.stdout}${dry.stderr}`).toBe(0);
  expect.soft(await bucketState(scn.bucket.client, scn.bucket.bucket), `dry run ${args.join(' ')} wrote`).toEqual(before);
  const first = await site(scn, prefix, args);
  expect.soft(first.code, `sync ${args.join(' ')}\n${first.stdout}${first.stderr}`).toBe(0);
  // The dry run announced what the run then did.
  expect.soft(actionCounts(dry), `dry run vs run ${args.join(' ')}\n${dry.log}\n----\n${first.log}`).toEqual(actionCounts(first));
  const again = await site(scn, prefix, args);
  // An incremental rerun reads the feed, not the listing.
  if (args.join(' ').includes('--incremental auto')) expect.soft(again.log, `rerun ${args.join(' ')}`).toMatch(/up to date: no new activity since /);
  expect.soft(again.code, `rerun ${args.join(' ')}\n${again.stdout}${again.stderr}`).toBe(0);
  expect.soft(s3Writes(again.s3), `rerun writes ${args.join(' ')}\n${again.log}`).toEqual({});
  expect.soft(again.report.changed, `rerun changed ${args.join(' ')}`).toBe(false);
  expect.soft(actionCounts(again), `rerun counts ${args.join(' ')}`).toEqual({ uploaded: 0, copied: 0, deleted: 0, archived: 0, markers: 0, failed: 0 });
  const audit = await site(scn, prefix, [...args, '--mode', 'verify', '--verify_content', 'true']);
  expect.soft(audit.code, `verify after ${args.join(' ')}\n${audit.stdout}${audit.stderr}`).toBe(0);
  await expectForeignIntact(scn, prefix);
  const metadata = args[args.indexOf('--metadata') + 1];
  if (args.includes('--metadata') && metadata !== 'none') await expectIndexMatchesMirror(scn, prefix);
  return first;
}

/** documents.csv has one row per stored version: the mirror's document objects (latest and history), nothing else. */
async function expectIndexMatchesMirror(scn: Scenario, prefix: string): Promise<void> {
  const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, prefix);
  const documents = keys.filter((k) => !k.endsWith('/') && !k.startsWith(`${prefix}.workdocs-s3-sync/`) && !k.startsWith(`${prefix}.metadata/`)
    && !Object.keys(FOREIGN).some((f) => k === `${prefix}${f}`)).sort();
  const csv = (await getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${prefix}.workdocs-s3-sync/index/documents.csv`)).toString('utf8');
  const [header, ...rows] = csv.replace(/^\uFEFF/, '').split('\r\n').filter((line) => line !== '');
  const keyColumn = header!.split(',').indexOf('key');
  // Keys of the fixture hold no comma, quote or line break: a plain split reads them.
  expect.soft(rows.map((row) => row.split(',')[keyColumn]!).sort(), 'documents.csv keys vs the bucket').toEqual(documents);
}

describe('the default (empty) prefix in a bucket that already holds other data', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-root');
    await putForeign(scn);
  });
  afterAll(async () => scn?.close());

  it('a dry run of the whole export writes nothing', async () => {
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const dry = await site(scn, '', ['--versions', 'all', '--metadata', 'sidecars', '--include_recycle_bin', 'true', '--dry_run', 'true']);
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(s3Writes(dry.s3)).toEqual({});
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('exports everything, leaves the foreign objects alone, and converges: versions, sidecars, recycle bins', async () => {
    const first = await syncThenCheck(scn, '', ['--versions', 'all', '--metadata', 'sidecars', '--include_recycle_bin', 'true']);
    // Objects under .metadata/ are left out of the inventory (the sidecar area), so they are not named: see the report.
    expect(first.report.foreign?.keys).toEqual(['.history/ops-audit.log', '.recycle-bin/old-export.zip', 'alice/notes-from-ops.txt', 'ops/readme.txt']);
    // The per-user counts name the site's users only, not the reserved areas.
    expect(first.report.users?.map((u) => u.user)).toEqual(['alice', 'bob', 'carol', 'dave']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, '');
    expect(keys.filter((k) => k.startsWith('.history/alice/Team/plan.md/'))).toHaveLength(2);
  });

  it('versions all → latest: the history goes, the foreign .history object stays', async () => {
    await syncThenCheck(scn, '', ['--versions', 'latest', '--metadata', 'sidecars', '--include_recycle_bin', 'true']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, '');
    expect(keys.filter((k) => k.startsWith('.history/'))).toEqual(['.history/ops-audit.log']);
  });

  it('metadata sidecars → none (left as they are, docs/metadata.md) → index: sidecars go, the foreign .metadata object stays', async () => {
    const sidecars = async () => (await listAllKeys(scn.bucket.client, scn.bucket.bucket, '.metadata/')).length;
    const before = await sidecars();
    await syncThenCheck(scn, '', ['--metadata', 'none', '--include_recycle_bin', 'true']);
    expect(await sidecars()).toBe(before);
    await syncThenCheck(scn, '', ['--metadata', 'index', '--include_recycle_bin', 'true']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, '');
    expect(keys.filter((k) => k.startsWith('.metadata/'))).toEqual(['.metadata/catalog.json']);
  });

  it('include_recycle_bin on → off: the bins go, the foreign .recycle-bin object stays', async () => {
    await syncThenCheck(scn, '', ['--metadata', 'index']);
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, '');
    expect(keys.filter((k) => k.startsWith('.recycle-bin/'))).toEqual(['.recycle-bin/old-export.zip']);
  });

  it('users narrowed then widened', async () => {
    await syncThenCheck(scn, '', ['--metadata', 'index', '--users', 'alice,bob', '--max_delete', '100%']);
    await syncThenCheck(scn, '', ['--metadata', 'index']);
  });

  it('versions latest → all again, with incremental runs', async () => {
    await syncThenCheck(scn, '', ['--metadata', 'index', '--versions', 'all', '--incremental', 'auto']);
  });
});

describe('WorkDocs reorganised between runs, incremental on and off, under a prefix that holds other data', () => {
  const P = 'export/';
  let scn: Scenario;
  const id = (path: string[], user = 'alice') => {
    const u = scn.emulator.control.users().find((x) => x.username === user)!;
    const found = scn.emulator.control.lookup(path, u.rootFolderId);
    if (found === undefined) throw new Error(`no ${path.join('/')} for ${user}`);
    return found;
  };
  const ARGS = ['--versions', 'all', '--metadata', 'index', '--include_recycle_bin', 'true', '--max_delete', '100%'];
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-reorg');
    await putForeign(scn, P);
  });
  afterAll(async () => scn?.close());

  it('the first export', async () => {
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
  });

  for (const incremental of ['auto', 'listing'] as const) {
    it(`[${incremental}] a folder holding a versioned document renamed, then moved`, async () => {
      const team = id(['Team']);
      scn.emulator.control.rename(team, `Team ${incremental}`);
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
      const bob = scn.emulator.control.users().find((x) => x.username === 'bob')!;
      const designs = id(['Designs'], 'bob');
      scn.emulator.control.move(team, designs);
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
      scn.emulator.control.move(team, scn.emulator.control.users().find((x) => x.username === 'alice')!.rootFolderId);
      scn.emulator.control.rename(team, 'Team');
      void bob;
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
    });

    it(`[${incremental}] a new version, then the versioned document recycled, then restored`, async () => {
      const plan = id(['Team', 'plan.md']);
      scn.emulator.control.addVersion(plan, { content: `version from ${incremental}` });
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
      scn.emulator.control.delete(plan, 'recycle');
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
      scn.emulator.control.restore(plan);
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
    });

    it(`[${incremental}] a user deactivated or reactivated (no activity: nothing changes)`, async () => {
      const bob = scn.emulator.control.users().find((x) => x.username === 'bob')!;
      scn.emulator.control.setUserStatus(bob.id, incremental === 'auto' ? 'INACTIVE' : 'ACTIVE');
      await syncThenCheck(scn, P, [...ARGS, '--incremental', incremental]);
    });
  }

  it('back to auto after listing runs: one full listing, then incremental', async () => {
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
  });

  it('[auto] a user removed from the site: their mirror goes (max_delete 100%)', async () => {
    const dave = scn.emulator.control.users().find((x) => x.username === 'dave')!;
    scn.emulator.control.removeUser(dave.id);
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}dave/`))).toEqual([]);
  });

  it('[auto] a folder with a versioned document moved from one user to another, then recycled, then restored', async () => {
    const team = id(['Team']);
    scn.emulator.control.move(team, id(['Designs'], 'bob'));
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    scn.emulator.control.delete(team, 'recycle');
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    scn.emulator.control.restore(team);
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
  });

  // An older version deleted in WorkDocs: its own scenario at the end of this file.
  it('[auto] a revert to an older version, an ownership transfer', async () => {
    const plan = scn.emulator.control.lookup(['Designs', 'Team', 'plan.md'], scn.emulator.control.users().find((x) => x.username === 'bob')!.rootFolderId)!;
    const versions = await describeVersions(scn, plan);
    scn.emulator.control.revert(plan, versions.at(-1)!);
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    scn.emulator.control.setOwner(plan, scn.emulator.control.users().find((x) => x.username === 'carol')!.id);
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
  });

  it('[auto] a new user with a document; two documents that end up with the same name in one folder', async () => {
    const erin = scn.emulator.control.addUser({ username: 'erin' });
    scn.emulator.control.addDocument({ parentId: erin.rootFolderId, name: 'hello.txt', content: 'hello' });
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    const other = scn.emulator.control.addDocument({ parentId: erin.rootFolderId, name: 'other.txt', content: 'other' });
    scn.emulator.control.addVersion(other.id, { content: 'other v2' });
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
    scn.emulator.control.rename(other.id, 'hello.txt');
    await syncThenCheck(scn, P, [...ARGS, '--incremental', 'auto']);
  });
});

describe('one prefix, one source; bad values; a typo in a filter', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'careless-source'); });
  afterAll(async () => scn?.close());
  const aliceRoot = () => scn.emulator.control.users().find((x) => x.username === 'alice')!.rootFolderId;

  it('a folder mirror, then the site into the same prefix: refused (exit 2, nothing written) unless allow_source_change', async () => {
    const folder = await scn.run(['--workdocs_folder_id', aliceRoot(), '--s3_prefix', 'm/']);
    expect(folder.code, folder.stdout + folder.stderr).toBe(0);
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const refused = await site(scn, 'm/', ['--versions', 'all']);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(s3Writes(refused.s3)).toEqual({});
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    const dryAllowed = await site(scn, 'm/', ['--allow_source_change', 'true', '--dry_run', 'true']);
    expect(dryAllowed.code, dryAllowed.stdout + dryAllowed.stderr).toBe(0);
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
    const allowed = await site(scn, 'm/', ['--allow_source_change', 'true', '--max_delete', '100%']);
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const audit = await site(scn, 'm/', ['--mode', 'verify', '--verify_content', 'true']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });

  it('the site, then a folder mirror into the same prefix: refused (exit 2, nothing written), also with incremental', async () => {
    const first = await site(scn, 's/', ['--incremental', 'auto', '--versions', 'all']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    for (const extra of [[], ['--incremental', 'auto']]) {
      const refused = await scn.run(['--workdocs_folder_id', aliceRoot(), '--s3_prefix', 's/', ...extra]);
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(s3Writes(refused.s3)).toEqual({});
    }
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it.each([
    ['versions', 'every'], ['metadata', 'sidecar'], ['incremental', 'yes'], ['full_listing_every', '45d'],
    ['full_listing_every', '7 days'], ['include_recycle_bin', 'maybe'],
  ])('--%s=%s: exit 2, no S3 request, the option named', async (option, value) => {
    const bad = await site(scn, 's/', [`--${option}=${value}`]);
    expect(bad.code, bad.stdout + bad.stderr).toBe(2);
    expect(bad.s3).toEqual({});
    expect(bad.stderr).toContain(option);
  });

  it('a users filter with a typo that matches nobody deletes nothing (max_delete refuses, exit 1)', async () => {
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const typo = await site(scn, 's/', ['--incremental', 'auto', '--versions', 'all', '--users', 'alcie']);
    expect(typo.code, typo.stdout + typo.stderr).not.toBe(0);
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });
});

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the CLI as a child process (a user's terminal), sends SIGINT once it transfers, and returns its exit code. */
async function interruptedCli(scn: Scenario, prefix: string, args: readonly string[]): Promise<number | null> {
  const s3 = inject('s3');
  const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), [
    '--import', 'tsx', 'src/cli/index.ts', '--workdocs_organization_id', ORG, '--s3_bucket_name', scn.bucket.bucket,
    '--region_name', 'us-east-1', '--workdocs_endpoint_url', scn.emulator.endpoint, '--s3_endpoint_url', s3.endpoint,
    '--s3_prefix', prefix, '--log_file', path.join(scn.dir, 'child.log'), ...args,
  ], {
    cwd: ROOT,
    env: { ...process.env, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no transfer phase within 60 s:\n${err}`)), 60_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/== Transfer and clean up/.test(err)) { clearTimeout(timer); resolve(); }
    });
  });
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  return exited;
}

describe('Ctrl-C in the middle of a site export with versions, sidecars and recycle bins, then the rerun', () => {
  const ARGS = ['--versions', 'all', '--metadata', 'sidecars', '--include_recycle_bin', 'true', '--incremental', 'auto'];
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-ctrl-c');
    await putForeign(scn, 'x/');
  });
  afterAll(async () => scn?.close());

  it('SIGINT while documents download: exit 3, foreign objects intact, no lock left; the rerun converges and verify passes', async () => {
    // Every download waits, so the signal lands while the transfers are under way.
    scn.emulator.control.addFault({ op: 'Content', kind: 'latency', latencyMs: 3_000 });
    expect(await interruptedCli(scn, 'x/', ARGS), 'the interrupted run').toBe(3);
    scn.emulator.control.clearFaults();
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'x/.workdocs-s3-sync/lock')).toEqual([]);
    await expectForeignIntact(scn, 'x/');
    await syncThenCheck(scn, 'x/', ARGS);
  });
});

describe('options switched between incremental runs (each run incremental: auto, after an incremental one)', () => {
  const P = 'inc/';
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-inc-switch');
    await putForeign(scn, P);
  });
  afterAll(async () => scn?.close());
  const AUTO = ['--incremental', 'auto', '--max_delete', '100%'];

  it('the first export, then versions all → latest → all', async () => {
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index']);
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'latest', '--include_recycle_bin', 'true', '--metadata', 'index']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}.history/`)).toEqual([`${P}.history/ops-audit.log`]);
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}.history/`)).toHaveLength(4);
  });

  it('include_recycle_bin on → off → on', async () => {
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--metadata', 'index']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}.recycle-bin/`)).toEqual([`${P}.recycle-bin/old-export.zip`]);
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index']);
  });

  it('users narrowed, then widened', async () => {
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index', '--users', 'alice']);
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}bob/`))).toEqual([]);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}alice/`)).toContain(`${P}alice/notes-from-ops.txt`);
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index', '--exclude_users', 'carol']);
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}carol/`))).toEqual([]);
    await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', 'index']);
  });

  it('metadata index → sidecars → none → index', async () => {
    for (const metadata of ['sidecars', 'none', 'index']) {
      await syncThenCheck(scn, P, [...AUTO, '--versions', 'all', '--include_recycle_bin', 'true', '--metadata', metadata]);
    }
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, `${P}.metadata/`)).toEqual([`${P}.metadata/catalog.json`]);
  });
});

describe('archive_prefix with the default (empty) prefix: the archive lies inside the mirror', () => {
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-archive');
    await putForeign(scn);
  });
  afterAll(async () => scn?.close());
  const ARGS = ['--versions', 'all', '--archive_prefix', 'archive/', '--max_delete', '100%'];

  it('a deleted document is archived, later runs (with or without archive_prefix) leave the archive alone', async () => {
    await syncThenCheck(scn, '', ARGS);
    const alice = scn.emulator.control.users().find((u) => u.username === 'alice')!;
    scn.emulator.control.delete(scn.emulator.control.lookup(['Team', 'plan.md'], alice.rootFolderId)!, 'remove');
    await syncThenCheck(scn, '', ARGS);
    const archived = await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/');
    expect(archived.filter((k) => k.includes('plan.md'))).toHaveLength(3);
    await syncThenCheck(scn, '', ['--versions', 'all', '--max_delete', '100%']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'archive/')).toEqual(archived);
  });
});

describe('sidecars follow their documents through renames, moves and recycling, incremental and not', () => {
  const P = 'sc/';
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-sidecars');
    await putForeign(scn, P);
  });
  afterAll(async () => scn?.close());

  /** One sidecar per mirrored document or stored version, and nothing else of the tool's under .metadata/. */
  async function expectSidecarsMatch(): Promise<void> {
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, P);
    const documents = keys.filter((k) => !k.endsWith('/') && !k.startsWith(`${P}.workdocs-s3-sync/`) && !k.startsWith(`${P}.metadata/`)
      && !Object.keys(FOREIGN).some((f) => k === `${P}${f}`));
    const expected = documents.map((k) => `${P}.metadata/${k.slice(P.length)}.json`).sort();
    const sidecars = keys.filter((k) => k.startsWith(`${P}.metadata/`) && k !== `${P}.metadata/catalog.json`).sort();
    expect(sidecars).toEqual(expected);
  }

  for (const incremental of ['auto', 'listing'] as const) {
    it(`[${incremental}] rename, cross-user move, recycle`, async () => {
      const ARGS = ['--versions', 'all', '--metadata', 'sidecars', '--include_recycle_bin', 'true', '--max_delete', '100%', '--incremental', incremental];
      const users = scn.emulator.control.users();
      const alice = users.find((u) => u.username === 'alice')!;
      const bob = users.find((u) => u.username === 'bob')!;
      await syncThenCheck(scn, P, ARGS);
      await expectSidecarsMatch();
      // The first case moved Team-auto to bob.
      const team = scn.emulator.control.lookup(['Team'], alice.rootFolderId) ?? scn.emulator.control.lookup(['Team-auto'], bob.rootFolderId)!;
      scn.emulator.control.rename(team, `Team-${incremental}`);
      await syncThenCheck(scn, P, ARGS);
      await expectSidecarsMatch();
      scn.emulator.control.move(team, incremental === 'auto' ? bob.rootFolderId : alice.rootFolderId);
      await syncThenCheck(scn, P, ARGS);
      await expectSidecarsMatch();
      const welcome = scn.emulator.control.lookup(['welcome.txt'], alice.rootFolderId)!;
      scn.emulator.control.delete(welcome, 'recycle');
      await syncThenCheck(scn, P, ARGS);
      await expectSidecarsMatch();
      scn.emulator.control.restore(welcome);
      await syncThenCheck(scn, P, ARGS);
      await expectSidecarsMatch();
    });
  }
});

describe('more careless moves', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'careless-more'); });
  afterAll(async () => scn?.close());
  const user = (name: string) => scn.emulator.control.users().find((u) => u.username === name)!;

  it('Ctrl-C during an incremental run that transfers new versions, then incremental reruns converge', async () => {
    const ARGS = ['--versions', 'all', '--incremental', 'auto', '--max_delete', '100%'];
    await putForeign(scn, 'i/');
    await syncThenCheck(scn, 'i/', ARGS);
    const plan = scn.emulator.control.lookup(['Team', 'plan.md'], user('alice').rootFolderId)!;
    scn.emulator.control.addVersion(plan, { content: 'fourth' });
    for (let i = 0; i < 5; i++) scn.emulator.control.addDocument({ parentId: user('bob').rootFolderId, name: `new-${i}.txt`, content: `new ${i}` });
    scn.emulator.control.addFault({ op: 'Content', kind: 'latency', latencyMs: 3_000 });
    expect(await interruptedCli(scn, 'i/', ARGS)).toBe(3);
    scn.emulator.control.clearFaults();
    await syncThenCheck(scn, 'i/', ARGS);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'i/bob/')).toHaveLength(7);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'i/.history/alice/Team/plan.md/')).toHaveLength(3);
  });

  it('a folder mirror with versions: all, then the site into the same prefix with allow_source_change: the old history goes', async () => {
    const folder = await scn.run(['--workdocs_folder_id', user('alice').rootFolderId, '--s3_prefix', 'f/', '--versions', 'all']);
    expect(folder.code, folder.stdout + folder.stderr).toBe(0);
    const plan = scn.emulator.control.lookup(['Team', 'plan.md'], user('alice').rootFolderId)!;
    const older = (await describeVersions(scn, plan)).length - 1;
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'f/.history/Team/plan.md/')).toHaveLength(older);
    await putForeign(scn, 'f/');
    await syncThenCheck(scn, 'f/', ['--versions', 'all', '--allow_source_change', 'true', '--max_delete', '100%']);
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'f/.history/Team/')).toEqual([]);
  });

  it('a hand-made object at a document\'s key: exit 1, it is kept and named; everything else is mirrored', async () => {
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'h/alice/welcome.txt', Body: 'mine' }));
    const run = await site(scn, 'h/', ['--versions', 'all']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('alice/welcome.txt');
    expect((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'h/alice/welcome.txt')).toString()).toBe('mine');
    expect(await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'h/bob/')).toHaveLength(scn.emulator.control.manifest(user('bob').rootFolderId).length);
  });
});

// A plain `incremental: listing` run never describes versions again (docs/design.md, 'An older version deleted'):
// the remedy there is metadata_refresh (or an incremental mode's scheduled full listing).
describe.each([
  ['auto', []],
  ['listing', ['--metadata_refresh', 'true']],
] as const)('incremental %s: an older version deleted in WorkDocs', (incremental, healing) => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, `careless-vdel-${incremental}`); });
  afterAll(async () => scn?.close());
  const run = (extra: readonly string[] = []) => scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', ORG, '--s3_prefix', 'p/',
    '--versions', 'all', '--incremental', incremental, ...extra]);

  it(`its stored copy goes from the mirror's history (${healing.join(' ') || 'the next run'}); verify finds the mirror exact`, async () => {
    expect((await run()).code).toBe(0);
    const alice = scn.emulator.control.users().find((u) => u.username === 'alice')!;
    const plan = scn.emulator.control.lookup(['Team', 'plan.md'], alice.rootFolderId)!;
    const history = () => listAllKeys(scn.bucket.client, scn.bucket.bucket, 'p/.history/alice/Team/plan.md/');
    const [oldest] = await history();
    scn.emulator.control.deleteVersion(plan, /_(.+)\.md$/.exec(oldest!)![1]!);
    const sync = await run(healing);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(await history()).not.toContain(oldest);
    const audit = await run(['--mode', 'verify', '--verify_content', 'true']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });
});

describe('the example workflow\'s scale-out (plan → shards → finalize) over a site with every option, then a nightly sync', () => {
  const P = 'so/';
  const OPTIONS = ['--versions', 'all', '--metadata', 'sidecars', '--include_recycle_bin', 'true', '--incremental', 'auto', '--max_delete', '100%'];
  let scn: Scenario;
  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'careless-scale');
    await putForeign(scn, P);
  });
  afterAll(async () => scn?.close());

  it('exports the site in shards; the next single-job sync converges, writes nothing on its rerun, and verify passes', async () => {
    const planned = await site(scn, P, [...OPTIONS, '--mode', 'plan', '--shard_count', '3', '--run_id', 's1']);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    for (const index of [0, 1, 2]) {
      const shard = await site(scn, P, [...OPTIONS, '--mode', 'shard', '--shard_index', String(index), '--run_id', 's1']);
      expect(shard.code, shard.stdout + shard.stderr).toBe(0);
    }
    const finalized = await site(scn, P, [...OPTIONS, '--mode', 'finalize', '--run_id', 's1']);
    expect(finalized.code, finalized.stdout + finalized.stderr).toBe(0);
    const audit = await site(scn, P, [...OPTIONS, '--mode', 'verify', '--verify_content', 'true']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    await expectForeignIntact(scn, P);
    // The nightly job after the export: transfers nothing (docs/design.md: finalize does not record the histories yet).
    const nightly = await syncThenCheck(scn, P, OPTIONS);
    expect(actionCounts(nightly)).toMatchObject({ uploaded: 0, copied: 0, deleted: 0 });
    await expectIndexMatchesMirror(scn, P);
  });
});

// With the default (empty) s3_prefix, archive_prefix lies inside the mirror (a non-empty s3_prefix refuses that at
// once, src/options.ts; the bucket root cannot, since WorkDocs names are not known before the listing). A WorkDocs
// user (or, in folder mode, a top-level folder) named like the archive maps into the archive area, whose keys are
// not the mirror's (isManagedKey): a delete there would be lost in silence. So plan() refuses deletes on every run
// in which WorkDocs content maps under archive_prefix (exit 1, named), stale or not.
describe('archive_prefix with the default (empty) prefix: WorkDocs content named like the archive', () => {
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
