/**
 * Incremental runs (option `incremental`): instead of listing the whole source and the whole bucket, a run reads
 * the manifest and the source snapshot kept beside it, reads the activity feed since the snapshot's watermark,
 * re-reads only what the activities touched, and hands plan() the edited tree with the inventory the manifest
 * describes. Whenever it cannot be sure (no snapshot, another manifest, an activity it does not know, a failed
 * read, full_listing_every reached) the run lists everything instead, and says why in one line.
 */
import { GetObjectCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { pipeline, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import pLimit from 'p-limit';
import {
  advanceWatermark,
  EditableTree,
  snapshotLines,
  SnapshotReader,
  feedStart,
  fullListingReason,
  fullListingScheduled,
  interpretActivities,
  inventoryFromManifest,
  othersAfterRun,
  snapshotKey,
  unseenActivities,
  type DoneItem,
  type FeedActivity,
  type SourceSnapshot,
  type SnapshotFacts,
  type Watermark,
} from '../core/incremental.js';
import { manifestKey, normalizeEtag } from '../core/manifest.js';
import type { InventoryObject, ManifestEntry, SourceFolder, SourceTree } from '../core/types.js';
import { describeError } from '../errors.js';
import type { SyncOptions } from '../options.js';
import { contentMd5, isMissingObject } from '../s3/client.js';
import { readManifest, type LoadedManifest } from '../s3/manifest-store.js';
import { readFeed, readFeedHead, reReadDocument, reReadFolder, type FeedRead } from '../workdocs/activities.js';
import { listFolders, type FolderToList, type ListingResult } from '../workdocs/list.js';
import { recycleBinAreaId, siteFolders } from '../workdocs/site.js';
import type { Source } from '../workdocs/source.js';
import type { SyncEnv } from './types.js';

/** The source as an incremental run needs it. */
export interface IncrementalSource {
  readonly rootId: string;
  readonly rootName: string;
  /** DescribeActivities with SigV4 needs the site's organization id. */
  readonly organizationId: string;
  /**
   * A site: the virtual levels of its tree as they are now (the users' roots, the recycle-bin area and the users'
   * bins), how each one's tree is listed, and each user's bin (whose listing a recycle, restore or owner change
   * of their item changes). Read every run: users come and go without an activity. Undefined for one folder.
   */
  readonly site?: () => Promise<SiteLevels>;
}

export interface SiteLevels {
  readonly virtual: readonly SourceFolder[];
  /** Per virtual folder whose tree is listed (a user's root, a bin): how. */
  readonly starts: readonly FolderToList[];
  /** User id → that user's recycle bin folder id, where the tree holds the bins. */
  readonly binOf: ReadonlyMap<string, string>;
  /** The virtual folder holding the bins, whatever the users' filters say now (its children are virtual too). */
  readonly binAreaId: string;
  /** WorkDocs requests made to read them. */
  readonly requests: number;
}

/** What a run in an incremental mode carries from its start to its end, to write the next snapshot. */
export interface IncrementalCarry {
  readonly key: string;
  /** The watermark the next snapshot records (advanced by this run's read, or taken before a full listing). */
  readonly watermark: Watermark;
  readonly lastFullListing: number;
  /** Set when this run listed everything. */
  readonly full: boolean;
  /** The snapshot as read (undefined: none usable): the hash of its lines but the last (they decide whether it is written again). */
  readonly previous: { readonly hash: string } | undefined;
  /** Document and folder ids whose context changed (comments, shares, a new version): for the metadata index. */
  readonly metadataTouched: ReadonlySet<string>;
  /** Document ids whose older versions may have changed (a version deleted, a revert): described again (versions: all). */
  readonly versionsTouched: ReadonlySet<string>;
}

export type IncrementalStart =
  | {
    readonly kind: 'activities';
    readonly listing: ListingResult;
    readonly inventory: InventoryObject[];
    readonly loaded: LoadedManifest;
    readonly carry: IncrementalCarry;
  }
  /**
   * `carry` undefined: the feed could not be read either, so this run writes no snapshot. `scheduled`: full_listing_every
   * asked for it (the drift-healing run, which describes every document's versions again).
   */
  | { readonly kind: 'full'; readonly reason: string; readonly carry: IncrementalCarry | undefined; readonly scheduled: boolean };

/**
 * How this run starts when `incremental` is `activities` or `auto` (mode sync): undefined when it lists everything as
 * always (`listing`, another mode, or `auto` without a site's organization id, which the feed needs).
 */
export async function openIncremental(options: SyncOptions, env: SyncEnv, source: Source, started: number, feedRead?: PrereadFeed): Promise<IncrementalStart | undefined> {
  if (options.incremental === 'listing' || options.mode !== 'sync') return undefined;
  if (options.workdocsOrganizationId === '') {
    env.logger.log('info', 'incremental auto: the activity feed needs workdocs_organization_id; this run lists everything');
    return undefined;
  }
  return startIncremental(options, env, incrementalSourceOf(source, options), started, feedRead);
}

/** The feed as read from `start` earlier in this run (the source head's check): not asked for again from there. */
export interface PrereadFeed {
  readonly start: number;
  readonly read: FeedRead;
}

/** The source as an incremental run reads it: a site's virtual levels come from the users openSource just read. */
export function incrementalSourceOf(source: Source, options: Pick<SyncOptions, 'workdocsOrganizationId'>): IncrementalSource {
  const site = source.site;
  return {
    rootId: source.rootId,
    rootName: source.rootName ?? '',
    organizationId: options.workdocsOrganizationId,
    ...(site ? {
      site: () => {
        const { top, bins, starts } = siteFolders(site);
        const binOf = new Map<string, string>();
        if (site.includeRecycleBin) for (const u of site.users) if (u.recycleBinFolderId !== undefined) binOf.set(u.id, u.recycleBinFolderId);
        return Promise.resolve({ virtual: [...top, ...bins], starts, binOf, binAreaId: recycleBinAreaId(site.organizationId), requests: 0 });
      },
    } : {}),
  };
}

/**
 * Starts a run in mode `activities` or `auto`: from the snapshot and the feed when it can, else says why the run
 * lists everything (and where the feed stands before that listing, for the snapshot it will write).
 */
export async function startIncremental(options: SyncOptions, env: SyncEnv, source: IncrementalSource, started: number, feedRead?: PrereadFeed): Promise<IncrementalStart> {
  const key = snapshotKey(options.s3Prefix);
  const full = async (reason: string, previous?: IncrementalCarry['previous'], scheduled = options.fullListingEveryMs === 0): Promise<IncrementalStart> => {
    env.logger.log('info', `full listing: ${reason}`);
    try {
      const head = await readFeedHead(env.workdocs, source.organizationId, env.signal);
      const watermark = advanceWatermark({ time: 0, seen: [] }, head.activities);
      return { kind: 'full', reason, scheduled, carry: { key, watermark, lastFullListing: started, full: true, previous, metadataTouched: new Set(), versionsTouched: new Set() } };
    } catch (error) {
      env.logger.log('warning', `the activity feed could not be read (${describeError(error)}): this run writes no source snapshot`);
      return { kind: 'full', reason, scheduled, carry: undefined };
    }
  };

  let loaded: LoadedManifest;
  let read: Awaited<ReturnType<typeof readSnapshot>>;
  try {
    [loaded, read] = await Promise.all([
      readManifest(env.s3, options.s3BucketName, manifestKey(options.s3Prefix), env.signal),
      readSnapshot(env, options.s3BucketName, key),
    ]);
  } catch (error) {
    // The full listing meets the same bucket and says what is wrong with it.
    return full(`the manifest or the source snapshot could not be read (${describeError(error)})`);
  }
  const facts: SnapshotFacts = {
    snapshot: read.state === 'found' ? { state: 'found', value: read.snapshot } : read,
    manifest: { state: loaded.state, etag: loaded.etag },
    rootId: source.rootId,
    now: started,
    fullListingEveryMs: options.fullListingEveryMs,
  };
  // Only its hash is kept for the run's end: the snapshot itself is garbage once the tree is edited.
  const previous = read.state === 'found' ? { hash: read.hash } : undefined;
  const reason = fullListingReason(facts);
  if (reason !== undefined || read.state !== 'found' || loaded.state !== 'found') return full(reason ?? 'no usable snapshot', previous, fullListingScheduled(facts));
  const snapshot = read.snapshot;

  let feed: FeedRead;
  try {
    const start = feedStart(snapshot.watermark);
    feed = feedRead?.start === start ? feedRead.read : await readFeed(env.workdocs, source.organizationId, start, env.signal);
  } catch (error) {
    return full(`a page of the activity feed failed (${describeError(error)})`, previous);
  }
  const unseen = unseenActivities(feed.activities, snapshot.watermark);
  const tree = new EditableTree(source.rootId, snapshot.tree);
  let applied: Applied;
  try {
    applied = await applyActivities(env, options, source, tree, unseen);
  } catch (error) {
    return full(error instanceof Uninterpretable ? error.message : `re-reading what the activities touched failed (${describeError(error)})`, previous);
  }
  const edited = tree.tree();
  env.logger.log('info', `incremental: ${unseen.length} new activities since ${new Date(feedStart(snapshot.watermark)).toISOString()} (${feed.pages} feed pages); `
    + `re-read ${applied.folders} folders and ${applied.documents} documents, listed ${applied.listed} folders (${applied.pages} pages); the bucket is not listed`);
  return {
    kind: 'activities',
    listing: { tree: edited, rootName: snapshot.rootName, errors: [], pages: applied.pages },
    inventory: inventoryFromManifest(loaded.manifest, snapshot.others),
    loaded,
    carry: { key, watermark: advanceWatermark(snapshot.watermark, feed.activities), lastFullListing: snapshot.lastFullListing, full: false, previous, metadataTouched: applied.metadata, versionsTouched: applied.versions },
  };
}

/** An activity this tool cannot apply: the run lists everything. */
class Uninterpretable extends Error {}

interface Applied {
  folders: number;
  documents: number;
  listed: number;
  pages: number;
  metadata: Set<string>;
  versions: Set<string>;
}

/**
 * Edits `tree` with what the activities touched, re-reading each touched item once: folders first (a folder that
 * enters the tree is listed whole, bringing in what was created in it meanwhile), then documents, then the
 * recycle bins that changed. Activities about items outside the tree are asked about again once it has grown.
 */
async function applyActivities(env: SyncEnv, options: SyncOptions, source: IncrementalSource, tree: EditableTree, activities: readonly FeedActivity[]): Promise<Applied> {
  const client: WorkDocsClient = env.workdocs;
  const limit = pLimit(Math.max(1, options.maxWorkers));
  const applied: Applied = { folders: 0, documents: 0, listed: 0, pages: 0, metadata: new Set(), versions: new Set() };
  /** Read (or listed) during this run, after the feed: later than every activity read, never read twice. */
  const fresh = new Set<string>();
  const binsToList = new Set<string>();
  /** Folders whose whole tree was listed this run. */
  const listedWhole = new Set<string>();
  let binOf: ReadonlyMap<string, string> = new Map();

  const listBelow = async (starts: readonly FolderToList[]): Promise<void> => {
    if (starts.length === 0) return;
    tree.removeBelow(new Set(starts.map((s) => s.id)), false);
    const listed = await listFolders(client, starts, { concurrency: options.maxWorkers, ...(env.signal ? { signal: env.signal } : {}) });
    if (listed.errors.length > 0) throw new Error(`listing folder ${listed.errors[0]!.folderId} failed: ${listed.errors[0]!.message}`);
    for (const start of starts) listedWhole.add(start.id);
    applied.listed += starts.length + listed.folders.length;
    applied.pages += listed.pages;
    for (const f of listed.folders) {
      tree.putFolder(f);
      fresh.add(f.id);
    }
    for (const d of listed.documents) {
      tree.putDocument(d);
      fresh.add(d.id);
    }
  };

  if (source.site) {
    // Users come and go without an activity: the top of the tree is read every run (one DescribeUsers page per 999 users).
    const levels = await source.site();
    binOf = levels.binOf;
    const now = new Map(levels.virtual.map((f) => [f.id, f]));
    const gone = new Set<string>();
    for (const f of tree.tree().folders) {
      if ((f.parentId === source.rootId || f.parentId === levels.binAreaId) && !now.has(f.id)) gone.add(f.id);
    }
    tree.removeBelow(gone, true);
    const added: FolderToList[] = [];
    for (const f of levels.virtual) {
      if (!tree.hasFolder(f.id)) {
        const start = levels.starts.find((s) => s.id === f.id);
        if (start) added.push(start);
      }
      tree.putFolder(f);
    }
    await listBelow(added);
  }

  let pending = activities;
  for (let round = 0; pending.length > 0; round++) {
    const interpreted = interpretActivities(pending, tree);
    if (!interpreted.ok) throw new Uninterpretable(interpreted.reason);
    const { touched } = interpreted;
    for (const id of touched.metadata) applied.metadata.add(id);
    for (const id of touched.versions) applied.versions.add(id);
    const inTree = pending.filter((a) => !touched.elsewhere.includes(a));
    for (const a of inTree) {
      if (!/_(RECYCLED|RESTORED|DELETED|SHARE_PERMISSION_CHANGED)$/.test(a.type)) continue;
      // A recycle, restore or owner change moves the item into, out of or between recycle bins.
      for (const user of [a.ownerId, a.initiatorId, ...a.participants]) {
        const bin = user === undefined ? undefined : binOf.get(user);
        if (bin !== undefined) binsToList.add(bin);
      }
    }

    // Folders: re-read each; one that enters the tree (or is restored, or created) is listed whole.
    const relist: FolderToList[] = [];
    await Promise.all([...touched.folders].filter(([id]) => !fresh.has(id)).map(([id, how]) => limit(async () => {
      const known = tree.folder(id);
      const found = await reReadFolder(client, id, env.signal);
      applied.folders++;
      fresh.add(id);
      if (known?.parentId === source.rootId && source.site) return; // a user's root: the users decide its place and name
      if (found.state === 'gone' || found.parentId === undefined) {
        tree.removeBelow(new Set([id]), true);
        return;
      }
      tree.putFolder(found.item);
      if (known === undefined || how.relist) relist.push({ id });
    })));
    await listBelow(relist);

    // Documents: re-read each that no listing above already brought.
    await Promise.all([...touched.documents].filter((id) => !fresh.has(id)).map((id) => limit(async () => {
      const found = await reReadDocument(client, id, env.signal);
      applied.documents++;
      fresh.add(id);
      if (found.state === 'gone') tree.removeDocument(id);
      else tree.putDocument(found.item);
    })));

    // Activities about items outside the tree may be about the mirror now that it has grown; the others never are.
    const next = touched.elsewhere.filter((a) => a.parentId !== undefined && tree.hasFolder(a.parentId)
      || (a.originalParentId !== undefined && tree.hasFolder(a.originalParentId))
      || (a.resourceId !== undefined && (tree.hasFolder(a.resourceId) || tree.hasDocument(a.resourceId))));
    pending = next;
    if (round > 10_000) throw new Uninterpretable('the activities do not settle');
  }
  await listBelow([...binsToList].filter((id) => !listedWhole.has(id)).map((id) => ({ id, childrenState: 'RECYCLED' as const })));
  return applied;
}

type SnapshotRead =
  | { readonly state: 'found'; readonly snapshot: SourceSnapshot; readonly hash: string }
  | { readonly state: 'missing' }
  | { readonly state: 'corrupt'; readonly problem: string };

async function readSnapshot(env: SyncEnv, bucket: string, key: string): Promise<SnapshotRead> {
  let body: Readable;
  try {
    const out = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: env.signal });
    body = out.Body instanceof Readable ? out.Body : Readable.from([]);
  } catch (error) {
    if (isMissingObject(error)) return { state: 'missing' };
    throw error;
  }
  // Line by line from the gunzip stream: the snapshot's items are held, never its text (100,000 documents: tens of MB).
  const reader = new SnapshotReader();
  const hash = new LinesHash();
  try {
    for await (const line of gunzipLines(body)) {
      hash.line(line);
      if (reader.line(line) !== undefined) break;
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('Z_')) return { state: 'corrupt', problem: 'not gzip' };
    throw error;
  } finally {
    body.destroy();
  }
  const decoded = reader.finish();
  return decoded.ok ? { state: 'found', snapshot: decoded.snapshot, hash: hash.digest() } : { state: 'corrupt', problem: decoded.problem };
}

/** The lines of a gzipped body, as they come (UTF-8, split at \n). */
async function* gunzipLines(body: Readable): AsyncGenerator<string> {
  const gunzip = createGunzip();
  pipeline(body, gunzip, () => undefined); // an error of either side ends the loop below with it
  const text = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    rest += text.write(chunk);
    let at = rest.indexOf('\n');
    let from = 0;
    while (at >= 0) {
      yield rest.slice(from, at);
      from = at + 1;
      at = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
  }
  rest += text.end();
  if (rest !== '') yield rest;
}

/**
 * SHA-256 of a snapshot's lines but the last (`{"readAt":…}`): the same for two snapshots that differ only in when
 * the feed was read, which are not written again for that.
 */
class LinesHash {
  private readonly hash = createHash('sha256');
  private pending: string | undefined;

  line(text: string): void {
    if (this.pending !== undefined) this.hash.update(`${this.pending}\n`);
    this.pending = text;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The snapshot gzipped line by line (its text never exists whole), and the hash of its lines but the last. */
async function gzipSnapshot(snapshot: SourceSnapshot): Promise<Buffer> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = finished(gzip);
  for (const line of snapshotLines(snapshot)) {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

function hashOfLines(snapshot: SourceSnapshot): string {
  const hash = new LinesHash();
  for (const line of snapshotLines(snapshot)) hash.line(line);
  return hash.digest();
}

/** What a run ended with, for the snapshot it leaves. */
export interface RunEnd {
  readonly tree: SourceTree;
  readonly rootName: string;
  /** The inventory plan() got (listed, or from the manifest). */
  readonly inventory: readonly InventoryObject[];
  /** The manifest's entries after the run, and the ETag of the manifest object that holds them. */
  readonly entries: ReadonlyMap<string, ManifestEntry>;
  readonly manifestEtag: string | undefined;
  readonly items: readonly DoneItem[];
  /** The run started at (its clock). */
  readonly started: number;
}

/**
 * Writes the source snapshot a run leaves for the next one, when it says something new. Not written when the
 * listing was incomplete (the previous snapshot, if it still matches the manifest, is still right: its activities
 * are read again), nor when the manifest's ETag is unknown.
 */
export async function recordSnapshot(options: SyncOptions, env: SyncEnv, carry: IncrementalCarry, end: RunEnd): Promise<void> {
  if (end.manifestEtag === undefined) return;
  const snapshot: SourceSnapshot = {
    manifestEtag: normalizeEtag(end.manifestEtag),
    rootId: end.tree.rootId,
    rootName: end.rootName,
    watermark: carry.watermark,
    lastFullListing: carry.lastFullListing,
    readAt: end.started,
    tree: carry.full ? new EditableTree(end.tree.rootId, end.tree).tree() : end.tree,
    others: othersAfterRun(end.inventory, end.entries, end.items),
  };
  // Unchanged but for when it was read (the last line): not written again.
  if (carry.previous !== undefined && hashOfLines(snapshot) === carry.previous.hash) return;
  const body = await gzipSnapshot(snapshot);
  try {
    await env.s3.send(new PutObjectCommand({
      Bucket: options.s3BucketName,
      Key: carry.key,
      Body: body,
      ContentLength: body.length,
      ContentMD5: contentMd5(body),
      ContentType: 'application/gzip',
    }), { abortSignal: AbortSignal.timeout(60_000) });
    env.logger.log('info', `source snapshot written: ${JSON.stringify(carry.key)} (${snapshot.tree.documents.length} documents, ${body.length} bytes)`);
  } catch (error) {
    // The next run finds the older snapshot, tied to another manifest, and lists everything: nothing is lost.
    env.logger.log('warning', `the source snapshot could not be written (${describeError(error)}); the next run lists everything`);
  }
}

/**
 * A manifest write failed after this run changed the bucket: the snapshot must not describe the old manifest as
 * current (its ETag would still match), so it is removed and the next run lists everything.
 */
export async function dropSnapshot(options: SyncOptions, env: SyncEnv, carry: IncrementalCarry): Promise<void> {
  try {
    await env.s3.send(new DeleteObjectCommand({ Bucket: options.s3BucketName, Key: carry.key }), { abortSignal: AbortSignal.timeout(30_000) });
  } catch (error) {
    env.logger.log('warning', `the source snapshot could not be removed (${describeError(error)})`);
  }
}

/** How a run ended, for the snapshot: what it did, and whether the manifest it leaves is known. */
export interface RunOutcome {
  readonly items: readonly DoneItem[];
  readonly entries: ReadonlyMap<string, ManifestEntry>;
  /** The ETag of the manifest the bucket holds now (written this run, or as read when unchanged). */
  readonly manifestEtag: string | undefined;
  /** The manifest should have been written and was not: the snapshot must not outlive it. */
  readonly manifestFailed: boolean;
  /** The run was stopped or lost its lock: it leaves the snapshot as it was. */
  readonly stopped: boolean;
}

/** Ends a run in an incremental mode: leaves the snapshot the next run starts from (see recordSnapshot). */
export async function finishIncremental(options: SyncOptions, env: SyncEnv, carry: IncrementalCarry | undefined, listing: ListingResult, inventory: readonly InventoryObject[], outcome: RunOutcome, started: number): Promise<void> {
  if (carry === undefined || options.dryRun || outcome.stopped) return;
  if (outcome.manifestFailed) {
    await dropSnapshot(options, env, carry);
    return;
  }
  // An incomplete listing describes no tree: the previous snapshot stays (its activities are read again).
  if (listing.errors.length > 0) return;
  await recordSnapshot(options, env, carry, {
    tree: listing.tree,
    rootName: listing.rootName,
    inventory,
    entries: outcome.entries,
    manifestEtag: outcome.manifestEtag,
    items: outcome.items,
    started,
  });
}
