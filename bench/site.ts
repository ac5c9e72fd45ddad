// The `site` tree of `npm run bench` (issues 20 and 21): a generated WorkDocs site (users of every status, several
// versions for every 5th document, comment threads, shares with users, groups and by link, recycled documents)
// exported whole with `versions: all` and `metadata: index`, then resynced on the same prefix:
//
//   1. the first export (`incremental: activities`: with no source snapshot yet it lists everything, and leaves one);
//   2. no-op resyncs that list everything (`incremental: listing`), then no-op incremental runs (`activities`);
//   3. batch A of changes through the control API (new versions, renames, moves, deletes), an incremental run, and a
//      full listing right after it that must find nothing left to do;
//   4. batch B of as many changes to other documents, and a full-listing run: the same work found by listing.
//
// The runs share one prefix because an incremental run needs the snapshot and the manifest the previous runs left; a
// full-listing no-op writes nothing, so it does not invalidate them. Judged in lib/site-targets.ts.
import type { S3Client } from '@aws-sdk/client-s3';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulatorProcess, type EmulatorProcess } from './lib/emulator.js';
import type { PhaseRun } from './lib/report.js';
import { countChanges, planChanges, type ChangeCandidate, type ChangeCounts, type SiteChange, type SiteResult } from './lib/site-targets.js';
import type { PhaseConfig, PhaseKind } from './lib/types.js';

export interface SiteBenchContext {
  readonly quick: boolean;
  readonly repoRoot: string;
  /** Gets `site-progress.json` after every run: the figures so far of a run that may not finish. */
  readonly outDir: string;
  readonly admin: S3Client;
  readonly bucket: string;
  readonly log: (text: string) => void;
  /** Size of the site, instead of the mode's (see siteSpec). */
  readonly users?: number;
  readonly documents?: number;
  readonly runPhase: (kind: PhaseKind, name: string, emulator: EmulatorProcess, extra: Partial<PhaseConfig> & { prefix: string }) => Promise<PhaseRun>;
}

interface UserInfo {
  readonly id: string;
  readonly username: string;
  readonly status: string;
  readonly rootFolderId: string;
}

/** Changes per batch: issue 21's "after 100 changes". */
const CHANGES = 100;
const KiB = 1024;

export function siteSpec(quick: boolean, size: { users?: number; documents?: number } = {}): { users: number; documents: number; description: string } {
  const users = size.users ?? (quick ? 20 : 200);
  const documents = size.documents ?? (quick ? 3000 : 100_000);
  return {
    users,
    documents,
    description: `${documents.toLocaleString('en-US')} documents of 1–8 KiB over ${users} users (every 5th with 3 versions, comments on every 20th, shares, 2 % recycled); versions: all, metadata: index`,
  };
}

export async function benchSite(ctx: SiteBenchContext): Promise<SiteResult> {
  const spec = siteSpec(ctx.quick, ctx);
  ctx.log(`tree site: ${spec.description}`);
  const emulator = await startEmulatorProcess({ users: spec.users, documents: spec.documents, folders: 0, seed: 13, minSize: KiB, maxSize: 8 * KiB }, ctx.repoRoot);
  try {
    const t0 = performance.now();
    const users = await emulator.control<UserInfo[]>('GET', 'users');
    // The manifest calls also make the emulator compute (and cache) every latest version's MD5 before anything is timed.
    const candidates: ChangeCandidate[] = [];
    let bytes = 0;
    for (const user of users) {
      for (const item of await emulator.manifest(user.rootFolderId)) {
        candidates.push({ documentId: item.documentId, parentId: item.parentId, userRootId: user.rootFolderId, name: item.path[item.path.length - 1]!, size: item.size });
        bytes += item.size;
      }
    }
    ctx.log(`tree site: ${users.length} users, ${candidates.length} documents in the mirror's scope (recycled ones are not), ${emulator.info.folders} folders, emulator ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const prefix = 'site/mirror/';
    const site = { prefix, organizationId: emulator.info.organizationId };
    const progress: { description: string; users: number; documents: number; objects?: number; historyObjects?: number; runs: PhaseRun[] } = { description: spec.description, users: users.length, documents: candidates.length, runs: [] };
    const run = async (name: string, incremental: 'listing' | 'activities'): Promise<PhaseRun> => {
      const done = await ctx.runPhase('sync', `site ${name}`, emulator, { ...site, syncArgs: ['--versions', 'all', '--metadata', 'index', '--incremental', incremental] });
      progress.runs.push(done);
      writeFileSync(path.join(ctx.outDir, 'site-progress.json'), `${JSON.stringify({ updated: new Date().toISOString(), ...progress }, null, 2)}\n`);
      return done;
    };
    const noopRepeats = 2;

    const first = await run('first export', 'activities');
    const objects = await countObjects(ctx.admin, ctx.bucket, prefix);
    ctx.log(`tree site: ${objects.total} objects under ${prefix} after the first export, ${objects.history} of them older versions under .history/`);
    progress.objects = objects.total;
    progress.historyObjects = objects.history;
    const listingNoop: PhaseRun[] = [];
    for (let r = 1; r <= noopRepeats; r++) listingNoop.push(await run(`no-op, full listing #${r}`, 'listing'));
    const incrementalNoop: PhaseRun[] = [];
    for (let r = 1; r <= noopRepeats; r++) incrementalNoop.push(await run(`no-op, incremental #${r}`, 'activities'));

    const batchA = planChanges(candidates, CHANGES, 0, 2);
    const incrementalChanges = await applyChanges(emulator, batchA, users, ctx.log);
    const incrementalAfter = await run(`incremental after ${batchA.length} changes`, 'activities');
    const listingCheck = await run('full listing right after it (nothing left to do)', 'listing');
    const batchB = planChanges(candidates, CHANGES, 1, 2);
    const listingChanges = await applyChanges(emulator, batchB, users, ctx.log);
    const listingAfter = await run(`full listing after ${batchB.length} other changes`, 'listing');

    // The prefix is left for the bucket's deletion, after the results are written.
    return {
      name: 'site',
      description: spec.description,
      users: users.length,
      documents: candidates.length,
      folders: emulator.info.folders,
      historyObjects: objects.history,
      bytes,
      objects: objects.total,
      first,
      listingNoop,
      incrementalNoop,
      incrementalChanges,
      incrementalAfter,
      listingCheck,
      listingChanges,
      listingAfter,
    };
  } finally {
    await emulator.stop();
  }
}

async function applyChanges(emulator: EmulatorProcess, changes: readonly SiteChange[], users: readonly UserInfo[], log: (text: string) => void): Promise<ChangeCounts> {
  for (const change of changes) {
    if (change.kind === 'version') await emulator.control('POST', `documents/${encodeURIComponent(change.documentId)}/versions`, { generate: { seed: `v-${change.documentId}`, size: change.size } });
    else if (change.kind === 'rename') await emulator.control('POST', 'rename', { id: change.documentId, name: change.name });
    else if (change.kind === 'move') await emulator.control('POST', 'move', { id: change.documentId, parentId: change.parentId });
    else await emulator.control('POST', 'delete', { id: change.documentId });
  }
  // Computes the new versions' MD5s before the timed phase, as the manifest calls before the first export did.
  for (const user of users) await emulator.manifest(user.rootFolderId);
  const counts = countChanges(changes);
  log(`changed ${changes.length} documents: ${counts.version} new versions, ${counts.rename} renames, ${counts.move} moves, ${counts.delete} deletes (to the recycle bin)`);
  return counts;
}

async function countObjects(client: S3Client, bucket: string, prefix: string): Promise<{ total: number; history: number }> {
  let total = 0;
  let history = 0;
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      total++;
      if (o.Key!.startsWith(`${prefix}.history/`)) history++;
    }
  }
  return { total, history };
}
