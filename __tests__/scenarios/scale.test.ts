// Scale-out over a matrix: plan, shard processes running at once, finalize — compared with a single-job run
// of the same tree: the same objects and the same manifest. Failed or killed shards mean no deletes, and a
// shard re-run alone converges.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeManifest } from '../../src/core/manifest.js';
import type { Fixture } from '../../src/emulator/server.js';
import { getObjectBytes, listAllKeys } from '../helpers/s3.js';
import { expectExactMirror, multipartUploadsLeft, nonZero, readMirror, startScenario, type Scenario } from '../helpers/scenario.js';

const root = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;

function tree(): Fixture {
  return {
    seed: 'scale',
    root: {
      name: 'Org',
      children: [
        { name: 'big-1.bin', generate: { seed: 1, size: 9 * MiB } },
        { name: 'big-2.bin', generate: { seed: 2, size: 7 * MiB } },
        ...Array.from({ length: 6 }, (_, f) => ({
          name: `team-${f}`,
          children: Array.from({ length: 10 }, (_, d) => ({ name: `doc-${d}.txt`, content: `team ${f} document ${d}\n`.repeat(d + 1) })),
        })),
        { name: 'same.txt', content: 'one' },
        { name: 'same.txt', content: 'two' },
      ],
    },
  };
}

/** Runs one shard as its own process, the way a matrix job would. */
function spawnShard(scn: Scenario, index: number, runId: string): { done: Promise<number>; kill: () => void; output: () => string } {
  const s3 = inject('s3');
  let output = '';
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'src/cli/index.ts'),
    '--mode', 'shard', '--shard_index', String(index), '--run_id', runId,
    '--workdocs_folder_id', scn.emulator.rootFolderId, '--s3_bucket_name', scn.bucket.bucket, '--region_name', 'us-east-1',
    '--log_file', '', '--part_size_mb', '5',
  ], {
    cwd: scn.dir,
    env: {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_WORKDOCS: scn.emulator.endpoint,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the CLI in a child process, and kill -9 must reach it too.
    detached: true,
  });
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const done = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 137 : -1))));
  return { done, kill: () => process.kill(-child.pid!, 'SIGKILL'), output: () => output };
}

async function manifestRows(scn: Scenario): Promise<string[]> {
  const text = (await getObjectBytes(scn.bucket.client, scn.bucket.bucket, '.workdocs-s3-sync/manifest.json')).toString('utf8');
  const decoded = decodeManifest(text);
  if (!decoded.ok) throw new Error(decoded.problem);
  return [...decoded.manifest.entries].map(([k, e]) => `${k} ${e.documentId} ${e.versionId} ${e.size} ${e.md5}`).sort();
}

async function objectsOf(scn: Scenario): Promise<string[]> {
  return (await readMirror(scn.bucket.client, scn.bucket.bucket)).map((o) => `${o.key} ${o.documentId} ${o.versionId} ${o.md5}`).sort();
}

async function bucketKeys(scn: Scenario): Promise<string[]> {
  return (await listAllKeys(scn.bucket.client, scn.bucket.bucket)).filter((k) => !k.startsWith('.workdocs-s3-sync/runs/'));
}

describe('scale-out: plan → shards → finalize', () => {
  let single: Scenario;
  let scaled: Scenario;
  beforeAll(async () => {
    [single, scaled] = await Promise.all([startScenario({ fixture: tree() }, 'single'), startScenario({ fixture: tree() }, 'scaled')]);
  });
  afterAll(async () => { await Promise.all([single?.close(), scaled?.close()]); });

  it('three shard processes at once give exactly what one job gives', async () => {
    const reference = await single.run(['--part_size_mb', '5']);
    expect(reference.code).toBe(0);

    const planned = await scaled.run(['--mode', 'plan', '--shard_count', '3', '--run_id', 'r1']);
    expect(planned.code).toBe(0);
    expect(planned.report.scale?.matrix).toEqual({ shard: [0, 1, 2] });
    expect(planned.stdout).toContain('matrix: {"shard":[0,1,2]}');
    // The plan is balanced: the two big files are on different shards.
    expect(planned.log).toMatch(/shard 0: \d+ transfers/);

    const shards = [0, 1, 2].map((i) => spawnShard(scaled, i, 'r1'));
    const codes = await Promise.all(shards.map((s) => s.done));
    expect(codes, shards.map((s) => s.output()).join('\n')).toEqual([0, 0, 0]);

    const finalized = await scaled.run(['--mode', 'finalize', '--run_id', 'r1']);
    expect(finalized.code).toBe(0);
    expect(finalized.report.totals).toMatchObject({ uploaded: reference.report.totals.uploaded, markers: reference.report.totals.markers, failed: 0 });

    expect(await objectsOf(scaled)).toEqual(await objectsOf(single));
    expect(await manifestRows(scaled)).toEqual(await manifestRows(single));
    expect(await bucketKeys(scaled)).toEqual(await bucketKeys(single));
    // The run's own files are removed after a complete finalize.
    expect(await listAllKeys(scaled.bucket.client, scaled.bucket.bucket, '.workdocs-s3-sync/runs/')).toEqual([]);
    await expectExactMirror(scaled);
  });

  it('a failed shard means no deletes; re-running that shard alone and finalizing again converges', async () => {
    const c = scaled.emulator.control;
    c.delete(c.lookup(['team-0'])!);
    c.addVersion(c.lookup(['team-1', 'doc-1.txt'])!, { content: 'edited' });
    c.addVersion(c.lookup(['big-1.bin'])!, { generate: { seed: 11, size: 9 * MiB } });
    c.addVersion(c.lookup(['big-2.bin'])!, { generate: { seed: 12, size: 7 * MiB } });
    await scaled.bucket.client.send(new PutObjectCommand({ Bucket: scaled.bucket.bucket, Key: 'stale.txt', Body: 'x', Metadata: { 'workdocs-document-id': 'gone', 'workdocs-version-id': 'gone-v1' } }));

    const planned = await scaled.run(['--mode', 'plan', '--shard_count', '2', '--run_id', 'r2', '--max_delete', '100%']);
    expect(planned.code).toBe(0);
    // Every attempt at big-1.bin's content is corrupted: its shard fails.
    c.addFault({ op: 'Content', documentId: c.lookup(['big-1.bin'])!, kind: 'corrupt' });
    const codes = await Promise.all([0, 1].map((i) => spawnShard(scaled, i, 'r2').done));
    expect(codes.sort()).toEqual([0, 1]);

    const refused = await scaled.run(['--mode', 'finalize', '--run_id', 'r2']);
    expect(refused.code).toBe(1);
    expect(refused.report.deletesBlocked).toMatch(/shard\(s\) \d had failures, so nothing is deleted/);
    expect(refused.s3.DeleteObjects ?? 0).toBe(0);
    expect(await listAllKeys(scaled.bucket.client, scaled.bucket.bucket)).toContain('stale.txt');
    expect(await multipartUploadsLeft(scaled.bucket.client, scaled.bucket.bucket)).toBe(0);

    c.clearFaults();
    const failedShard = Number(refused.report.deletesBlocked!.match(/shard\(s\) (\d)/)![1]);
    const rerun = spawnShard(scaled, failedShard, 'r2');
    expect(await rerun.done, rerun.output()).toBe(0);
    expect(rerun.output()).toMatch(/already done by an earlier attempt/);

    const finalized = await scaled.run(['--mode', 'finalize', '--run_id', 'r2']);
    expect(finalized.code).toBe(0);
    expect(await listAllKeys(scaled.bucket.client, scaled.bucket.bucket)).not.toContain('stale.txt');
    await expectExactMirror(scaled);
    // A plain resync afterwards has nothing to do.
    const resync = await scaled.run();
    expect(resync.report.totals).toMatchObject({ uploaded: 0, copied: 0, deleted: 0, markers: 0 });
  });

  it('a shard killed with SIGKILL mid-transfer is re-run alone and the run converges', async () => {
    const c = scaled.emulator.control;
    c.addVersion(c.lookup(['big-1.bin'])!, { generate: { seed: 21, size: 9 * MiB } });
    c.addVersion(c.lookup(['big-2.bin'])!, { generate: { seed: 22, size: 7 * MiB } });
    expect((await scaled.run(['--mode', 'plan', '--shard_count', '2', '--run_id', 'r3'])).code).toBe(0);
    c.addFault({ op: 'Content', kind: 'slow', bytesPerSecond: 2 * MiB });
    const victim = spawnShard(scaled, 0, 'r3');
    const other = spawnShard(scaled, 1, 'r3');
    await new Promise((r) => setTimeout(r, 2500));
    victim.kill();
    expect(await victim.done).toBe(137);
    c.clearFaults();
    expect(await other.done).toBe(0);

    const early = await scaled.run(['--mode', 'finalize', '--run_id', 'r3']);
    expect(early.code).toBe(1);
    expect(early.report.deletesBlocked).toMatch(/shard\(s\) 0 did not finish/);

    expect(await spawnShard(scaled, 0, 'r3').done).toBe(0);
    expect((await scaled.run(['--mode', 'finalize', '--run_id', 'r3'])).code).toBe(0);
    await expectExactMirror(scaled);
  });

  it('finalize refuses a plan made stale by another run', async () => {
    expect((await scaled.run(['--mode', 'plan', '--shard_count', '1', '--run_id', 'r4'])).code).toBe(0);
    expect((await scaled.run()).code).toBe(0); // a normal run writes the manifest in between
    scaled.emulator.control.addDocument({ parentId: scaled.emulator.rootFolderId, name: 'late.txt', content: 'late' });
    expect((await scaled.run()).code).toBe(0);
    const stale = await scaled.run(['--mode', 'finalize', '--run_id', 'r4']);
    expect(stale.code).toBe(3);
    expect(stale.report.fatal).toMatch(/manifest changed since the plan/);
  });

  it('bad scale-out input: exit 2', async () => {
    const noPlan = await scaled.run(['--mode', 'shard', '--run_id', 'nope']);
    expect(noPlan.code).toBe(2);
    expect(noPlan.stdout).toMatch(/run_id: no plan for run nope/);
    const noRun = await scaled.run(['--mode', 'finalize']);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/--run_id is required in mode finalize/);
  });
});

describe('scale-out records what a single run records (one manifest row format)', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: tree() }, 'scaled-etags'); });
  afterAll(async () => scn?.close());

  it('after plan → shards → finalize with multipart objects, the manifest keeps their ETags and a resync asks nothing per object', async () => {
    const multipart = ['--multipart_threshold_mb', '5', '--part_size_mb', '5'];
    expect((await scn.run(['--mode', 'plan', '--shard_count', '2', '--run_id', 'e1', ...multipart])).code).toBe(0);
    for (const shard of [1, 0]) expect((await scn.run(['--mode', 'shard', '--shard_index', String(shard), '--run_id', 'e1', ...multipart])).code).toBe(0);
    expect((await scn.run(['--mode', 'finalize', '--run_id', 'e1'])).code).toBe(0);
    const decoded = decodeManifest(await getObjectBytes(scn.bucket.client, scn.bucket.bucket, '.workdocs-s3-sync/manifest.json'));
    if (!decoded.ok) throw new Error(decoded.problem);
    // The multipart objects' ETags are not their MD5s: without them in the manifest, every resync would re-check them.
    expect(decoded.manifest.entries.get('big-1.bin')?.etag).toMatch(/-\d+$/);
    expect(decoded.manifest.entries.get('big-2.bin')?.etag).toMatch(/-\d+$/);
    const again = await scn.run(multipart);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 1 });
  });
});
