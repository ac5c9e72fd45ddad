/**
 * sync(): one run, start to end, shared by the CLI and the Action. It lists both sides, asks plan() what to
 * do, carries it out, and writes the manifest. It never throws for a failed item: the report says what
 * happened, with an exit code. Bad input comes back as exit 2 and a fatal listing problem as exit 3.
 */
import { forEachConcurrently } from '../concurrency.js';
import { manifestKey, toolAreaPrefix } from '../core/manifest.js';
import { sameHistories } from '../core/history.js';
import { shareTreeIds } from '../core/shared-ids.js';
import { exitCodeOf } from '../core/outcome.js';
import { keysToProbe, keysToReadBack, otherSourceIn, plan, trustedManifest, type ManifestView, type Plan } from '../core/plan.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceFolder } from '../core/types.js';
import { describeError, FatalError, InputError, WriteRefusedError } from '../errors.js';
import { sourceIdOf, type SyncOptions } from '../options.js';
import { anySignal, forwardAbort, runAbortController } from '../abort-signals.js';
import { listInventory, readContentMd5, readMetadata } from '../s3/inventory.js';
import { acquireLock, lockKey, type HeldLock, type LockSettings } from '../s3/lock.js';
import { readManifest, writeManifestTagged, type LoadedManifest } from '../s3/manifest-store.js';
import type { ListingResult } from '../workdocs/list.js';
import { openSource, type Source } from '../workdocs/source.js';
import { listHistories } from '../workdocs/versions.js';
import { abortOrphanedUploads } from '../s3/cleanup.js';
import { EarlyUploads, uploadWith, type EarlyLockOutcome, type EarlyResult } from './uploads-while-listing.js';
import { executeContext, executePlan, plannedItems, unchangedItems, type ExecuteContext } from './execute.js';
import { contextInput, recordContext, type ContextInput } from './context.js';
import { sidecarAreaPrefix } from '../core/context-index.js';
import { buildReport, formatBytes, plural, userCountsLine, userOfKey } from './report.js';
import type { ReportItem, SyncEnv, SyncReport } from './types.js';
import { finishIncremental, openIncremental, type IncrementalCarry, type PrereadFeed } from './incremental.js';
import { checkSourceHead, keepsHead, leaveSourceHead, type HeadEnd } from './up-to-date.js';
import { heldByUser, type SourceHead } from '../core/up-to-date.js';

/** How often progress lines are logged during long phases. */
const PROGRESS_INTERVAL_MS = 10_000;

/** Knobs tests turn; the shells use the defaults. */
export interface SyncExtras {
  readonly lock?: Partial<LockSettings> & { readonly host?: string; readonly pid?: number };
}

export async function sync(options: SyncOptions, env: SyncEnv, extras: SyncExtras = {}): Promise<SyncReport> {
  const started = env.now();
  const base = { options, started, env, extras, manifestKey: manifestKey(options.s3Prefix), lock: undefined as HeldLock | undefined };
  try {
    const report = await run(options, env, base);
    const perUser = userCountsLine(report);
    if (perUser !== undefined) env.logger.log('info', perUser);
    return report;
  } catch (error) {
    const exitCode = exitCodeOf({ badInput: error instanceof InputError, fatal: true });
    // Our own errors say what happened in their message; the class name would only be noise.
    const message = error instanceof InputError ? `${error.option}: ${error.message}` : error instanceof FatalError ? error.message : describeError(error);
    env.logger.log('error', exitCode === 2 ? `bad input: ${message}` : `fatal: ${message}; nothing was deleted`);
    // Nothing was planned: the folder is shown as given, and no manifest is named (none was read or written).
    return buildReport({ ...base, rootFolderId: sourceIdOf(options), manifestKey: '', items: [], exitCode, fatal: message });
  } finally {
    await base.lock?.release();
  }
}

interface RunBase {
  readonly options: SyncOptions;
  readonly started: number;
  readonly env: SyncEnv;
  readonly extras: SyncExtras;
  readonly manifestKey: string;
  /** The prefix's lock, once taken (released by sync() whatever happens). */
  lock: HeldLock | undefined;
}

/**
 * Takes the prefix's lock (non-dry runs only), then aborts multipart uploads that killed runs left behind, and
 * returns the lock (renewing; the caller releases it) and whether it was taken over from a run that died.
 * Another live run on the prefix is a fatal refusal (exit 3); a bucket that does not exist is bad input.
 */
export async function lockPrefix(options: SyncOptions, env: SyncEnv, extras: SyncExtras, onWriting?: () => void): Promise<{ lock: HeldLock; tookOver: boolean }> {
  let acquired: Awaited<ReturnType<typeof acquireLock>>;
  try {
    acquired = await acquireLock({
      s3: env.s3,
      bucket: options.s3BucketName,
      prefix: options.s3Prefix,
      now: env.now,
      ...(env.signal ? { signal: env.signal } : {}),
      settings: extras.lock ?? {},
      ...(extras.lock?.host !== undefined ? { host: extras.lock.host } : {}),
      ...(extras.lock?.pid !== undefined ? { pid: extras.lock.pid } : {}),
      log: (level, message) => env.logger.log(level, message),
      ...(onWriting ? { onWriting } : {}),
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchBucket') throw new InputError('s3_bucket_name', `bucket ${options.s3BucketName} does not exist`, { cause: error });
    throw new FatalError(`could not take the lock on the prefix: ${describeError(error)}`, { cause: error });
  }
  if (!acquired.ok) throw new FatalError(`${acquired.message}; this run did nothing (wait for it to finish, or remove ${JSON.stringify(lockKey(options.s3Prefix))} if that run is gone)`);
  acquired.lock.startRenewing();
  if (acquired.tookOver) env.logger.log('warning', `took over a stale lock of an earlier run that did not finish (run ${acquired.tookOver.owner.slice(0, 8)} on ${JSON.stringify(acquired.tookOver.host)}, pid ${acquired.tookOver.pid}, started ${acquired.tookOver.startedAt})`);
  try {
    const cleaned = await abortOrphanedUploads(env.s3, options.s3BucketName, options.s3Prefix, options.archivePrefix, (level, message) => env.logger.log(level, message), env.signal);
    if (cleaned.found > 0) env.logger.log('info', `incomplete multipart uploads under the prefix: ${cleaned.found} found, ${cleaned.aborted} aborted`);
  } catch (error) {
    env.logger.log('warning', `could not list incomplete multipart uploads: ${describeError(error)}`);
  }
  return { lock: acquired.lock, tookOver: acquired.tookOver !== undefined };
}

/** Takes the prefix's lock for this run: sync() releases it whatever happens. */
async function lockRun(options: SyncOptions, env: SyncEnv, base: RunBase, onWriting?: () => void): Promise<boolean> {
  const { lock, tookOver } = await lockPrefix(options, env, base.extras, onWriting);
  base.lock = lock;
  return tookOver;
}

/**
 * True when the run would change anything in the bucket: transfers, deletes, markers, or the manifest. The
 * manifest is the loaded one only when no entry was contradicted (trustedEntries: every entry's object is listed,
 * with its size), so it would be written back unchanged.
 */
function hasWork(prepared: Prepared): boolean {
  const { plan: decided, loaded, manifest } = prepared;
  if (loaded.state !== 'found' || manifest !== loaded.manifest || !sameForeign(loaded.manifest.foreign, decided.foreign) || !sameHistories(loaded.manifest.histories, decided.histories)) return true;
  return decided.actions.some((a) => a.kind !== 'skip' || a.reason !== 'unchanged');
}

/** Whether the foreign objects the manifest remembers are the ones this run found (else the manifest is written again). */
function sameForeign(remembered: ReadonlyMap<string, string> | undefined, found: ReadonlyMap<string, string>): boolean {
  if ((remembered?.size ?? 0) !== found.size) return false;
  for (const [key, etag] of found) if (remembered?.get(key) !== etag) return false;
  return true;
}

/** Everything a run knows before it acts: both listings, the manifest, and the plan. Shared with the scale-out modes. */
export interface Prepared {
  readonly rootFolderId: string;
  /** The root folder's name as WorkDocs shows it (for the summary). */
  readonly rootFolderName: string | undefined;
  readonly listing: ListingResult;
  readonly inventory: InventoryObject[];
  readonly loaded: LoadedManifest;
  /** The manifest's entries that the listing does not contradict (trustedManifest). */
  readonly manifest: Manifest;
  /** The manifest as read (with what landed early): every key it lists is this tool's. */
  readonly recorded: Manifest;
  readonly plan: Plan;
  /** Uploads made while listing, and what their lock step found. */
  readonly early?: EarlyResult & { readonly lock: EarlyLockOutcome | undefined };
  /** `incremental` activities / auto: what the run's end needs to leave the source snapshot (engine/incremental.ts). */
  readonly incremental?: IncrementalCarry;
}

/**
 * Lists both sides and plans. With `earlyFor`, uploads that cannot be anything else start while the listing
 * runs (uploads-while-listing.ts); what landed is part of the inventory and the manifest that plan() sees.
 */
export async function prepare(options: SyncOptions, env: SyncEnv, started: number, earlyFor?: (rootId: string) => EarlyUploads, opened?: { source: Source; feed?: PrereadFeed | undefined }): Promise<Prepared> {
  const { logger } = env;
  // WorkDocs first: a wrong folder or organization id is bad input and must fail before any request to S3.
  const source = opened?.source ?? await openSource(options, env);
  const rootFolderId = source.rootId;
  // incremental: from the snapshot and the activity feed, without listing either side, when it can.
  const incremental = await openIncremental(options, env, source, started, opened?.feed);
  const early = incremental?.kind === 'activities' ? undefined : earlyFor?.(rootFolderId);

  const { listing: listed, inventory, loaded, earlyResult } = await logger.group('List WorkDocs and S3', async () => {
    if (incremental?.kind === 'activities') return { ...incremental, earlyResult: undefined };
    // A bucket that cannot be listed ends the run: the WorkDocs listing stops too instead of running on.
    const stop = runAbortController();
    try {
      const [listing, destination] = await Promise.all([
        listSource(options, env, source, early, anySignal(stop.signal, env.signal)),
        listDestination(options, env, manifestKey(options.s3Prefix), rootFolderId).then((found) => {
          early?.destinationReady(found.inventory, found.loaded);
          return found;
        }, (error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ]);
      const earlyResult = await early?.finish();
      if (earlyResult && earlyResult.items.size > 0) {
        logger.log('info', `${earlyResult.items.size} upload(s) started while listing: ${earlyResult.objects.length} done`);
      }
      return { listing, ...destination, earlyResult };
    } catch (error) {
      await early?.settle(); // nothing may still be writing once the run ends and releases its lock
      throw error;
    }
  });
  if (earlyResult) inventory.push(...earlyResult.objects);
  // Read while WorkDocs was listed, the manifest has its own copy of every id the listing holds: one is kept.
  if (incremental?.kind !== 'activities') shareTreeIds(loaded.manifest, listed.tree);
  const listedManifest = earlyResult && earlyResult.entries.size > 0
    // The recorded histories and foreign objects stay: without them every document's versions would be described again.
    ? { ...loaded.manifest, entries: new Map([...loaded.manifest.entries, ...earlyResult.entries]) }
    : loaded.manifest;
  // versions: all — the older versions, asked of WorkDocs only for documents the manifest does not know (core/history.ts),
  // and for every document on metadata_refresh or the scheduled full listing: an older version deleted in WorkDocs
  // leaves the latest as it was, so nothing else finds it.
  const redescribe = options.metadataRefresh || (incremental?.kind === 'full' && incremental.scheduled) ? 'all' as const
    : incremental?.kind === 'activities' ? incremental.carry.versionsTouched : undefined;
  const listing = options.versions !== 'all' ? listed : { ...listed, tree: await listHistories(env.workdocs, listed.tree, trustedManifest(listedManifest, inventory), {
    prefix: options.s3Prefix, concurrency: options.maxWorkers, ...(env.signal ? { signal: env.signal } : {}), log: (level, message) => logger.log(level, message),
    ...(redescribe !== undefined ? { redescribe } : {}) }) };
  const view = await probeUnknownObjects(listing, inventory, listedManifest, loaded.state === 'found', options, env);

  const decided = plan(listing.tree, inventory, view, {
    prefix: options.s3Prefix,
    archivePrefix: options.archivePrefix,
    archiveRunFolder: new Date(started).toISOString().replace(/[:.]/g, '-'),
    deleteStale: options.deleteStale,
    maxDelete: options.maxDelete,
    folderMarkers: options.folderMarkers,
    listingComplete: listing.errors.length === 0,
    deleteForeign: options.deleteForeign,
    unlistedFolders: new Set(listing.errors.map((e) => e.folderId)),
    // Shards run the transfers apart: their copies cannot wait for one another.
    orderedCopies: options.mode === 'sync',
  });
  logPlan(decided, env, earlyResult?.items.size ?? 0);
  return { rootFolderId, rootFolderName: source.rootName, listing, inventory, loaded, manifest: view.trusted, recorded: view.recorded, plan: decided, ...(earlyResult ? { early: earlyResult } : {}), ...(incremental?.carry ? { incremental: incremental.carry } : {}) };
}

/** Why the run must end with exit 3 although it went on: a WorkDocs folder could not be listed. */
export function listingFailure(listing: ListingResult): string | undefined {
  return listing.errors.length > 0
    ? `the WorkDocs listing failed for ${listing.errors.length} folder(s), first: ${listing.errors[0]!.folderId}: ${listing.errors[0]!.message}`
    : undefined;
}

async function run(options: SyncOptions, env: SyncEnv, base: RunBase): Promise<SyncReport> {
  // WorkDocs first: a wrong folder or organization id is bad input and must fail before any request to S3.
  const source = await openSource(options, env);
  // An incremental no-op ends here when the source head says nothing changed (engine/up-to-date.ts).
  const head = await checkSourceHead(options, env, source, base.started);
  if (head?.upToDate) return upToDateReport(base, source, head.upToDate.head);
  const early = options.dryRun ? undefined : earlyUploadsFor(options, env, base);
  // What was prepared is never a local here: once act() returns, the manifests and the plan's actions can go before the
  // metadata index reads (on a site of 100,000 documents some 45 MB of the live heap).
  const acted = await act(options, env, base, await prepareUnderLock(options, env, base, await prepare(options, env, base.started, early?.start, { source, feed: head?.feed })), early);
  // After the manifest: a run stopped while reading comments has recorded its transfers all the same.
  const items = acted.context === undefined ? acted.items : [...acted.items, ...await recordContext(options, env, acted.context)];
  // Interrupted while the metadata index was read or written: the run did not finish.
  const interrupted = !options.dryRun && env.signal?.aborted === true;
  const exitCode = exitCodeOf({ ...acted.exit, fatal: acted.exit.fatal === true || interrupted, itemsFailed: hasFailedItems(items) });
  if (acted.head !== undefined) {
    await leaveSourceHead(options, env, head, { ...acted.head, clean: exitCode === 0 && acted.head.clean, source, started: base.started });
  }
  const fatal = acted.fatal ?? (interrupted ? 'the run was interrupted' : undefined);
  return buildReport({ ...base, ...acted.named, items, exitCode, deletesBlocked: acted.deletesBlocked, foreign: acted.foreign, fatal });
}

/** What a run did before its metadata index: its items, the index's input, and the little its report and source head need. */
interface Acted {
  readonly named: { readonly rootFolderId: string; readonly rootFolderName: string | undefined };
  readonly items: ReportItem[];
  /** The metadata index's input; undefined when the run stopped before it (interrupted, the lock lost). */
  readonly context: ContextInput | undefined;
  /** The exit code's facts but the items' failures (the metadata index adds items). */
  readonly exit: Omit<Parameters<typeof exitCodeOf>[0], 'itemsFailed'>;
  readonly fatal: string | undefined;
  readonly deletesBlocked?: string | undefined;
  readonly foreign: ReadonlyMap<string, string>;
  /** How the source head is left; `clean` is anded with exit 0. Undefined for a dry run and where no head is kept. */
  readonly head?: Omit<HeadEnd, 'source' | 'started'>;
}

/** Acts on the plan: a dry run's report, a no-op's unchanged items, or the transfers, deletes and the manifest. */
async function act(options: SyncOptions, env: SyncEnv, base: RunBase, { prepared, idle }: { prepared: Prepared; idle: boolean }, early: ReturnType<typeof earlyUploadsFor> | undefined): Promise<Acted> {
  const { logger, signal } = env;
  const { rootFolderId, rootFolderName, listing, inventory, manifest, plan: decided } = prepared;
  const listingFailed = listingFailure(listing);
  const named = { rootFolderId, rootFolderName };
  const held = (entries: ReadonlyMap<string, ManifestEntry>): Pick<HeadEnd, 'objects' | 'users'> => ({ objects: entries.size, users: heldByUser(entries.keys(), (k) => userOfKey(k, options.s3Prefix)) });
  const headEnd = (clean: boolean, manifestEtag: string | undefined, entries: ReadonlyMap<string, ManifestEntry>): Omit<HeadEnd, 'source' | 'started'> =>
    ({ clean, manifestEtag, ...held(entries), carry: prepared.incremental, rootId: rootFolderId, rootName: listing.rootName });

  if (options.dryRun) {
    const planned = plannedItems(decided);
    for (const item of planned) if (item.outcome !== 'done') logger.log('info', `dry run: ${dryRunLine(item, listingFailed !== undefined)}`);
    return { named, items: planned, context: contextInput(prepared, planned), exit: { fatal: listingFailed !== undefined, deletesRefused: decided.deletesBlocked !== undefined }, fatal: listingFailed, deletesBlocked: decided.deletesBlocked, foreign: decided.foreign };
  }

  if (idle) {
    // Nothing to write (a no-op resync): every action is an unchanged skip, reported without the executor.
    const aborted = signal?.aborted === true;
    // Only unchanged skips: the snapshot's objects stay as they were; it is written if the feed moved on.
    await finishIncremental(options, env, prepared.incremental, prepared.listing, inventory, { items: [], entries: manifest.entries, manifestEtag: prepared.loaded.etag, manifestFailed: false, stopped: aborted }, base.started);
    const unchanged = unchangedItems(decided, logger);
    // The metadata index may still have work (new comments are not in the plan): it takes the lock if it writes.
    return {
      named, items: unchanged, context: aborted ? undefined : contextInput(prepared, unchanged, () => lockRun(options, env, base)),
      exit: { fatal: listingFailed !== undefined || aborted }, fatal: listingFailed ?? (aborted ? 'the run was interrupted' : undefined), foreign: decided.foreign,
      ...(keepsHead(options) ? { head: headEnd(!aborted, prepared.loaded.etag, manifest.entries) } : {}),
    };
  }

  // A lock lost while transferring (another run took the prefix over) stops this run before its deletes.
  const transferSignal = base.lock ? anySignal(base.lock.lostSignal, signal) : signal;
  const earlyBuffers = early?.context()?.buffers;
  const execution = await logger.group('Transfer and clean up', () => executePlan(decided, new Map(manifest.entries), inventory,
    executeContext(options, env, {
      ...(transferSignal ? { signal: transferSignal } : {}),
      onBytes: progressMeter(env, decided),
      // The buffers the early uploads filled serve the rest: one pool per run, not two.
      ...(earlyBuffers ? { buffers: earlyBuffers } : {}),
    }),
    prepared.early?.items));

  const recorded = await recordManifest(options, env, base, prepared, execution.manifest);
  const lockLost = recorded.lockLost ?? base.lock?.lost;
  const stopped = lockLost !== undefined || signal?.aborted === true;
  await finishIncremental(options, env, prepared.incremental, prepared.listing, inventory, {
    items: execution.items, entries: execution.manifest, manifestEtag: recorded.etag ?? prepared.loaded.etag,
    manifestFailed: recorded.failed !== undefined, stopped,
  }, base.started);
  return {
    named,
    items: execution.items,
    context: stopped ? undefined : contextInput(prepared, execution.items),
    exit: { fatal: listingFailed !== undefined || stopped, deletesRefused: decided.deletesBlocked !== undefined, outputFailed: recorded.failed !== undefined },
    fatal: listingFailed ?? (lockLost !== undefined ? `${lockLost}; the manifest was not written` : signal?.aborted ? 'the run was interrupted' : recorded.failed),
    deletesBlocked: decided.deletesBlocked,
    foreign: decided.foreign,
    // Counted (a pass over every key) only where a head is kept.
    ...(keepsHead(options) ? { head: headEnd(!stopped, recorded.etag ?? prepared.loaded.etag, execution.manifest) } : {}),
  };
}

/** The report of a run that ended at the source head: every object the manifest lists is unchanged. */
function upToDateReport(base: RunBase, source: Source, head: SourceHead): SyncReport {
  return buildReport({ ...base, rootFolderId: source.rootId, rootFolderName: source.rootName, items: [], exitCode: 0, unchanged: { objects: head.objects, users: head.users } });
}

/**
 * The uploads that start while the listing runs (uploads-while-listing.ts): `start` hands prepare() their scheduler. They begin before
 * the lock is held; a stop signal ends them when the lock is refused or the listing turns out outdated (they
 * download meanwhile; nothing of theirs lands), and when it is lost later.
 */
function earlyUploadsFor(options: SyncOptions, env: SyncEnv, base: RunBase): { start: (rootId: string) => EarlyUploads; context: () => ExecuteContext | undefined } {
  const earlyBytes = byteMeter(env);
  const earlyStop = runAbortController();
  let context: ExecuteContext | undefined;
  const start = (rootId: string): EarlyUploads => new EarlyUploads(rootId, options.s3Prefix, options.maxWorkers,
    async (loaded, onWriting) => {
      try {
        const outcome = await lockAndCheck(options, env, base, loaded, onWriting);
        if (outcome === 'stale') earlyStop.abort(new WriteRefusedError('the bucket changed since it was listed'));
        else if (base.lock) forwardAbort(base.lock.lostSignal, earlyStop);
        return outcome;
      } catch (error) {
        earlyStop.abort(new WriteRefusedError(`the prefix's lock was not taken: ${describeError(error)}`, { cause: error }));
        throw error;
      }
    },
    (doc, key, gate) => {
      context ??= executeContext(options, env, { signal: anySignal(earlyStop.signal, env.signal), onBytes: earlyBytes, gate });
      return uploadWith(context, doc, key);
    },
    // The lock's requests need one socket beside the uploads that may wait at the gate holding theirs.
    options.maxWorkers < options.maxPoolConnections);
  return { start, context: () => context };
}

/**
 * Makes what was prepared safe to act on: a run that will write holds the prefix's lock, and what it listed before
 * the lock is listed again when it may predate another run's writes (the manifest changed meanwhile, or the lock
 * was taken over from a run that died). A run with nothing to write (`idle`) takes no lock: a no-op resync stays
 * one LIST and one GET. Dry runs never lock.
 */
async function prepareUnderLock(options: SyncOptions, env: SyncEnv, base: RunBase, prepared: Prepared): Promise<{ prepared: Prepared; idle: boolean }> {
  if (prepared.early?.lock === 'stale') {
    // The lock was taken to upload early, but the bucket changed since it was listed: nothing was uploaded early.
    env.logger.log('info', 'listing again: an interrupted or concurrent run may have changed the bucket');
    return { prepared: await prepare(options, env, base.started), idle: false };
  }
  if (options.dryRun || base.lock !== undefined) return { prepared, idle: false };
  if (!hasWork(prepared)) return { prepared, idle: true };
  const tookOver = await lockRun(options, env, base);
  const current = await readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal);
  if (!tookOver && current.state === prepared.loaded.state && current.etag === prepared.loaded.etag) return { prepared, idle: false };
  env.logger.log('info', tookOver ? 'listing again: an interrupted run may have changed the bucket' : 'listing again: another run changed the manifest meanwhile');
  // A run that died may have written objects its manifest does not name: only a listing of the bucket shows them.
  return { prepared: await prepare(tookOver ? { ...options, incremental: 'listing' } : options, env, base.started), idle: false };
}

/**
 * Writes the manifest when the bucket's content or what it remembers changed. Written even when the run was
 * interrupted (no abort signal, a bounded time instead): what was done is recorded. Not written once the lock
 * was lost: the other run writes its own.
 */
async function recordManifest(options: SyncOptions, env: SyncEnv, base: RunBase, prepared: Prepared, entries: ReadonlyMap<string, ManifestEntry>): Promise<{ lockLost?: string; failed?: string; etag?: string }> {
  const { loaded, manifest, plan: decided, rootFolderId } = prepared;
  const unchanged = loaded.state === 'found' && sameEntries(manifest.entries, entries) && manifest === loaded.manifest && sameForeign(loaded.manifest.foreign, decided.foreign)
    && sameHistories(loaded.manifest.histories, decided.histories);
  if (unchanged) return {};
  return env.logger.group('Write manifest', async () => {
    const lockLost = await base.lock?.check(AbortSignal.timeout(30_000));
    if (lockLost !== undefined) {
      env.logger.log('error', `${lockLost}: the manifest was not written (the other run writes its own)`);
      return { lockLost };
    }
    try {
      const { bytes, etag } = await writeManifestTagged(env.s3, options.s3BucketName, base.manifestKey, { entries, foreign: decided.foreign, ...(decided.histories ? { histories: decided.histories } : {}) }, {
        rootFolderId,
        prefix: options.s3Prefix,
        updatedAt: new Date(env.now()).toISOString(),
      }, AbortSignal.timeout(60_000));
      env.logger.log('info', `manifest written: ${JSON.stringify(base.manifestKey)} (${entries.size} entries, ${formatBytes(bytes)})`);
      return etag !== undefined ? { etag } : {};
    } catch (error) {
      // The transfers and deletes above did happen: report them as they are. The next run finds the
      // objects without (or with outdated) entries and re-checks them by their metadata.
      const failed = `the manifest could not be written (${describeError(error)}); the next run re-checks the objects by their metadata`;
      env.logger.log('error', failed);
      return { failed };
    }
  });
}

/** Takes the lock for uploads that start while listing, and tells whether what was listed is still current. */
async function lockAndCheck(options: SyncOptions, env: SyncEnv, base: RunBase, loaded: LoadedManifest, onWriting: () => void): Promise<EarlyLockOutcome> {
  // The manifest is read again while the lock record settles: once the lock was found free, no other run can write
  // the manifest unless it wins the lock from us, and then this run writes nothing anyway.
  let reading: Promise<LoadedManifest> | undefined;
  const tookOver = await lockRun(options, env, base, () => {
    reading = readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal);
    reading.catch(() => undefined); // awaited below unless taking the lock failed first
    onWriting();
  });
  const current = await (reading ?? readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal));
  return tookOver || current.state !== loaded.state || current.etag !== loaded.etag ? 'stale' : 'ok';
}

/** Progress of the uploads made while listing (their total is not known yet). */
function byteMeter(env: SyncEnv): (bytes: number) => void {
  let bytes = 0;
  let last = env.now();
  return (n) => {
    bytes += n;
    if (env.now() - last < PROGRESS_INTERVAL_MS) return;
    last = env.now();
    env.logger.log('info', `progress: ${formatBytes(bytes)} transferred while listing`);
  };
}

async function listSource(options: SyncOptions, env: SyncEnv, source: Source, early?: EarlyUploads, signal = env.signal): Promise<ListingResult> {
  let last = env.now();
  const listing = await source.list({
    concurrency: options.maxWorkers,
    signal,
    ...(early ? { onFolderListed: (folderId: string, folders: readonly SourceFolder[], documents: readonly SourceDocument[]) => early.folderListed(folderId, folders, documents) } : {}),
    onFolder: (folders, documents) => {
      if (env.now() - last < PROGRESS_INTERVAL_MS) return;
      last = env.now();
      env.logger.log('info', `listing: ${folders} folders read, ${documents} documents found`);
      env.onProgress?.({ phase: 'list', done: folders, total: 0, bytes: 0 });
    },
  });
  // Stopped because the run already failed (a missing bucket): the folders cut short are not the news.
  if (signal?.aborted) return listing;
  for (const error of listing.errors) env.logger.log('error', `listing folder ${error.folderId} failed: ${error.message}`);
  env.logger.log('info', `WorkDocs: ${listing.tree.documents.length} documents in ${listing.tree.folders.length + 1} folders (${listing.pages} pages)`);
  return listing;
}

async function listDestination(options: SyncOptions, env: SyncEnv, key: string, rootFolderId: string): Promise<{ inventory: InventoryObject[]; loaded: LoadedManifest }> {
  let found: { inventory: InventoryObject[]; loaded: LoadedManifest };
  try {
    // The listing first, then the manifest decoded against it: its entries hold the listed keys, MD5s and ETags, not
    // copies of their own (some 30 MB at 100,000 documents). The WorkDocs listing, alongside, takes longer anyway.
    const { objects, pages } = await listInventory(env.s3, options.s3BucketName, options.s3Prefix, env.signal);
    const loaded = await readManifest(env.s3, options.s3BucketName, key, env.signal, new Map(objects.map((o) => [o.key, o])));
    env.logger.log('info', `S3: ${plural(objects.length, 'object')} under ${JSON.stringify(options.s3Prefix || '(bucket root)')} (${pages} pages)`);
    if (loaded.state === 'corrupt') env.logger.log('warning', `manifest ${JSON.stringify(key)} is unreadable (${loaded.problem}); it will be rebuilt`);
    if (loaded.state === 'missing') env.logger.log('info', 'no manifest yet: existing objects are checked once by their metadata');
    // The tool's own area and the metadata sidecars are not mirrored objects: plan() never sees them.
    found = { inventory: objects.filter((o) => !o.key.startsWith(toolAreaPrefix(options.s3Prefix)) && !o.key.startsWith(sidecarAreaPrefix(options.s3Prefix))), loaded };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchBucket') throw new InputError('s3_bucket_name', `bucket ${options.s3BucketName} does not exist`, { cause: error });
    throw new FatalError(`the S3 bucket could not be listed: ${describeError(error)}`, { cause: error });
  }
  const refusal = sourceChangeRefusal(found.loaded, rootFolderId, options);
  if (refusal !== undefined) throw new InputError(sourceOption(options), refusal);
  return found;
}

/**
 * One prefix, one source: a prefix whose manifest names another WorkDocs folder is another mirror, and syncing this
 * folder into it would copy documents into its places and delete its own. Refused before anything is written,
 * unless allow_source_change says the mirror is deliberately moved or widened.
 */
export function sourceChangeRefusal(loaded: LoadedManifest, rootFolderId: string, options: Pick<SyncOptions, 'allowSourceChange' | 's3BucketName' | 's3Prefix'>): string | undefined {
  if (loaded.state !== 'found' || loaded.rootFolderId === '' || loaded.rootFolderId === rootFolderId || options.allowSourceChange) return undefined;
  return `s3://${options.s3BucketName}/${options.s3Prefix} already mirrors WorkDocs ${sourceNamed(loaded.rootFolderId)}, not ${sourceNamed(rootFolderId)}: `
    + 'choose another s3_prefix, or set allow_source_change to make this source the prefix\'s source (objects of the other one then count as stale)';
}

/** `folder <id>`, or `site <id>` for an organization (directory) id. */
function sourceNamed(id: string): string {
  return /^d-[0-9a-f]{10}$/.test(id) ? `site ${id}` : `folder ${id}`;
}

/** The option that names the run's source, for a refusal that concerns it. */
function sourceOption(options: Pick<SyncOptions, 'workdocsOrganizationId'>): string {
  return options.workdocsOrganizationId !== '' ? 'workdocs_organization_id' : 'workdocs_folder_id';
}

/**
 * Reads the metadata of `keys` (HeadObject, bounded) into their inventory entries. A failed probe is logged and
 * leaves its object unprobed: the planner then does not take it for this tool's, nor verify for anything.
 */
export async function probeObjects(keys: readonly string[], inventory: InventoryObject[], options: SyncOptions, env: SyncEnv): Promise<void> {
  const byKey = new Map(inventory.map((o, i) => [o.key, i]));
  await forEachConcurrently(keys, options.maxWorkers, async (key) => {
    const head = await readMetadata(env.s3, options.s3BucketName, key, env.signal).catch((error: unknown) => {
      env.logger.log('warning', `could not read metadata of ${JSON.stringify(key)}: ${describeError(error)}`);
      return undefined;
    });
    const index = byKey.get(key);
    if (index !== undefined && head !== undefined) inventory[index] = { ...inventory[index]!, ...head };
  });
}

/**
 * Objects with no trusted manifest entry are checked once by their metadata (HeadObject): those that may already
 * hold the wanted version (a bucket the original script wrote, a lost manifest, a run killed before its manifest
 * write), and those nobody has said whose they are (a foreign object is remembered, and not asked about again).
 */
async function probeUnknownObjects(listing: ListingResult, inventory: InventoryObject[], recorded: Manifest, manifestFound: boolean, options: SyncOptions, env: SyncEnv): Promise<ManifestView> {
  const view = { trusted: trustedManifest(recorded, inventory), recorded };
  const probes = keysToProbe(listing.tree, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: options.deleteForeign, manifestLost: !manifestFound });
  if (probes.length === 0) return view;
  env.logger.log('info', `reading metadata of ${probes.length} object(s) not in the manifest`);
  await probeObjects(probes, inventory, options, env);
  // With the manifest lost, the objects still say which folder they mirror: one prefix, one source all the same.
  const other = manifestFound ? undefined : otherSourceIn(inventory, listing.tree.rootId);
  if (other !== undefined && !options.allowSourceChange) {
    throw new InputError(sourceOption(options), `s3://${options.s3BucketName}/${options.s3Prefix} holds objects mirrored from WorkDocs ${sourceNamed(other)}, not ${sourceNamed(listing.tree.rootId)} (its manifest is gone, their metadata says so): `
      + 'choose another s3_prefix, or set allow_source_change to make this source the prefix\'s source');
  }
  // Metadata that names the wanted version is not proof of the bytes where the ETag shows no MD5: they are read back.
  const readBack = keysToReadBack(listing.tree, inventory, options.s3Prefix, recorded);
  if (readBack.length > 0) env.logger.log('info', `reading back ${readBack.length} object(s) whose ETag shows no MD5, to check them before adopting them`);
  const byKey = new Map(inventory.map((o, i) => [o.key, i]));
  await forEachConcurrently(readBack, options.maxWorkers, async (key) => {
    const contentMd5 = await readContentMd5(env.s3, options.s3BucketName, key, env.signal).catch((error: unknown) => {
      env.logger.log('warning', `could not read back ${JSON.stringify(key)}: ${describeError(error)}`);
      return undefined;
    });
    const index = byKey.get(key);
    if (index !== undefined && contentMd5 !== undefined) inventory[index] = { ...inventory[index]!, contentMd5 };
  });
  return view;
}

/** A failed item, or a document kept from its key by a foreign object (not mirrored: the run is not a success). */
export function hasFailedItems(items: readonly ReportItem[]): boolean {
  return items.some((i) => i.outcome === 'failed' || (i.outcome === 'blocked' && i.action === 'upload'));
}

/** How a dry run says what it would do with one item. */
function dryRunLine(item: ReportItem, listingIncomplete: boolean): string {
  const key = JSON.stringify(item.key);
  if (item.outcome === 'blocked') {
    if ((item.action === 'delete' || item.action === 'archive') && listingIncomplete) return `kept: listing incomplete ${key}`;
    return `would ${item.action} ${key}, but refused: ${item.error ?? ''}`;
  }
  switch (item.action) {
    case 'marker': return `would create folder marker ${key}`;
    case 'copy': return `would copy ${JSON.stringify(item.fromKey ?? '')} to ${key} (${item.reason})`;
    case 'archive': return `would archive ${key} to ${JSON.stringify(item.toKey ?? '')} (${item.reason})`;
    default: return `would ${item.action} ${key} (${item.reason})`;
  }
}

function logPlan(decided: Plan, env: SyncEnv, uploadedEarly: number): void {
  const counts = new Map<string, number>();
  for (const action of decided.actions) counts.set(action.kind, (counts.get(action.kind) ?? 0) + 1);
  const text = ['upload', 'copy', 'marker', 'delete', 'archive', 'skip'].map((k) => `${k} ${counts.get(k) ?? 0}`).join(', ');
  env.logger.log('info', `plan: ${text}${uploadedEarly > 0 ? ` (the skips include ${uploadedEarly} uploaded while listing)` : ''}`);
  if (decided.foreign.size > 0) {
    const first = [...decided.foreign.keys()].sort().slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
    env.logger.log('info', `left alone: ${plural(decided.foreign.size, 'object')} this tool did not write (${first}${decided.foreign.size > 5 ? ', …' : ''}); delete_foreign removes them`);
  }
  const stale = decided.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
  if (stale.length > 0) {
    const moved = stale.filter((a) => a.reason === 'moved').length;
    const markers = stale.length - moved - decided.removals;
    env.logger.log('info', `deletes: ${moved} moved away, ${decided.removals} removed${markers > 0 ? `, ${markers} empty folder markers` : ''}`);
  }
  for (const group of decided.duplicates) {
    env.logger.log('info', `${group.ids.length} ${group.kind}s named ${JSON.stringify(group.name)} in folder ${group.parentId}: kept apart as ${group.segments.map((s) => JSON.stringify(s)).join(', ')}`);
  }
  if (decided.unreachable.length > 0) env.logger.log('warning', `${decided.unreachable.length} item(s) are not reachable from the root folder and are not copied`);
  if (decided.deletesBlocked) env.logger.log('error', `deletes refused: ${decided.deletesBlocked}`);
}

function progressMeter(env: SyncEnv, decided: Plan): (bytes: number) => void {
  const total = decided.actions.reduce((sum, a) => sum + (a.kind === 'upload' ? a.doc.size : 0), 0);
  let bytes = 0;
  let last = env.now();
  return (n) => {
    bytes += n;
    const now = env.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    env.logger.log('info', `progress: ${formatBytes(bytes)} of ${formatBytes(total)} transferred`);
    env.onProgress?.({ phase: 'transfer', done: bytes, total, bytes });
  };
}

function sameEntries(a: ReadonlyMap<string, ManifestEntry>, b: ReadonlyMap<string, ManifestEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y || x.documentId !== y.documentId || x.versionId !== y.versionId || x.size !== y.size || x.md5 !== y.md5 || x.etag !== y.etag) return false;
  }
  return true;
}

export type { ReportItem };
