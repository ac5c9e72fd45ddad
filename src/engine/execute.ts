/**
 * Carries out a plan: transfers with bounded concurrency, then deletes, and works out the manifest that
 * describes the bucket afterwards. Every failure becomes a report item; none is thrown away.
 */
import { ARCHIVE_MARK, listedMd5, type Plan, type PlannedAction, type StaleAction } from '../core/plan.js';
import type { InventoryObject, ManifestEntry } from '../core/types.js';
import { describeError, IntegrityError, isTransientError, WriteRefusedError } from '../errors.js';
import { fileRetryDelay, sleep } from '../backoff.js';
import { forEachConcurrently } from '../concurrency.js';
import { BufferPool } from './buffer-pool.js';
import { archiveKeys } from './archive.js';
import { deleteKeys } from '../s3/delete.js';
import { uploadDocument, type TransferContext } from './transfer.js';
import { copyExact, SourceChangedError } from '../s3/copy.js';
import { putFolderMarker } from '../s3/put.js';
import { putJsonObject } from '../s3/client.js';
import { sourceIdOf, type SyncOptions } from '../options.js';
import type { Logger, ReportItem, SyncEnv } from './types.js';

export interface ExecuteContext extends TransferContext {
  readonly maxWorkers: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Where stale objects are moved (options.archivePrefix): the area is marked before the first move. */
  readonly archivePrefix?: string;
  /** Attempts per file for failures the SDK or the download did not already heal (bad bytes, a dropped PUT). */
  readonly fileAttempts?: number;
  readonly onItemDone?: (done: number, total: number) => void;
}

export interface Execution {
  readonly items: ReportItem[];
  /** What the bucket holds afterwards, per managed key. */
  readonly manifest: Map<string, ManifestEntry>;
}

/**
 * Parts of one multipart upload in flight at once: each its own ranged download, so a large file moves over
 * this many streams. Memory does not grow with it: every part-sized buffer of the run comes from one
 * pool of max_workers buffers (see TransferContext.buffers).
 */
export const PARTS_IN_FLIGHT = 4;

/** The executor's context for a run with these options in this environment; `extra` adds or overrides. */
export function executeContext(options: SyncOptions, env: SyncEnv, extra: Partial<ExecuteContext> = {}): ExecuteContext {
  return {
    workdocs: env.workdocs,
    s3: env.s3,
    bucket: options.s3BucketName,
    partSize: options.partSizeBytes,
    multipartThreshold: options.multipartThresholdBytes,
    partsInFlight: PARTS_IN_FLIGHT,
    buffers: new BufferPool(Math.max(options.maxWorkers, PARTS_IN_FLIGHT), options.partSizeBytes),
    ...(env.httpAgent ? { httpAgent: env.httpAgent } : {}),
    ...(env.httpsAgent ? { httpsAgent: env.httpsAgent } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
    maxWorkers: options.maxWorkers,
    archivePrefix: options.archivePrefix,
    objectSettings: options.objectSettings,
    sourceId: sourceIdOf(options),
    logger: env.logger,
    now: env.now,
    onRetry: (n, reason) => env.logger.log('warning', `download retry ${n}: ${reason}`),
    onResend: (n, reason) => env.logger.log('warning', `resend ${n} after damage on the way: ${reason}`),
    ...extra,
  };
}

/** Lists the plan as a dry run would report it: nothing executed. */
export function plannedItems(plan: Plan): ReportItem[] {
  return plan.actions.map((action) => {
    if (action.kind === 'skip') return toItem(action, 'done');
    if (action.kind === 'upload' && action.refused !== undefined) return toItem(action, 'blocked', { error: action.refused });
    if (isStaleAction(action) && plan.deletesBlocked) return toItem(action, 'blocked', { error: plan.deletesBlocked });
    return toItem(action, 'planned');
  });
}

/**
 * What executePlan reports for a plan of unchanged skips only (a no-op resync), without the executor's
 * per-run maps: the same items, in the same order, with the same debug lines.
 */
export function unchangedItems(plan: Plan, logger: Logger): ReportItem[] {
  return sortItems(plan.actions.map((action) => {
    if (action.kind !== 'skip' || action.reason !== 'unchanged') throw new Error(`not an unchanged skip: ${action.kind} ${action.key}`);
    logger.log('debug', `skip ${action.reason} ${JSON.stringify(action.key)}`);
    return toItem(action, 'done');
  }));
}

/**
 * `early`: uploads already made while the listing ran (see uploads-while-listing.ts), by key. A planned skip or upload of the
 * same version at that key is reported as that upload instead of being done (or retried) again.
 */
export async function executePlan(
  plan: Plan,
  manifest: Map<string, ManifestEntry>,
  inventory: readonly InventoryObject[],
  ctx: ExecuteContext,
  early: ReadonlyMap<string, ReportItem> = new Map(),
): Promise<Execution> {
  const items: ReportItem[] = [];
  const transfers = plan.actions.filter((a) => !isStaleAction(a));
  // Only an adopted object's listing is read (its ETag): not a map of every listed object, held while everything runs.
  const adopted = new Set(transfers.filter((a) => a.kind === 'skip' && a.reason === 'adopted').map((a) => a.key));
  const listed = new Map(adopted.size === 0 ? [] : inventory.filter((o) => adopted.has(o.key)).map((o) => [o.key, o]));
  const failedKeys = new Set<string>();
  let done = 0;

  // Stage by stage: a write to a key waits for the copies that read it (plan() ordered them; most plans are one stage).
  for (const stage of stagesOf(transfers)) {
    await forEachConcurrently(stage, ctx.maxWorkers, async (action) => {
      const already = early.get(action.key);
      const item = already !== undefined && (action.kind === 'skip' || action.kind === 'upload') && already.versionId === action.doc.versionId
        ? already
        : await runTransfer(action, manifest, listed, ctx);
      if (item.outcome !== 'done') failedKeys.add(item.key);
      items.push(item);
      ctx.onItemDone?.(++done, transfers.length);
    });
  }

  // An early upload the plan keyed differently (a listing that repeated an id) still happened: report it.
  if (early.size > 0) {
    const reported = new Set(items);
    for (const item of early.values()) if (!reported.has(item)) items.push(item);
  }
  const stale = plan.actions.filter(isStaleAction);
  if (stale.length > 0) items.push(...await runStale(stale, plan.deletesBlocked, failedKeys, manifest, ctx));
  return { items: sortItems(items), manifest };
}

/** Carries out one transfer (with its retries); a failure is the returned item's outcome, never thrown. */
export async function runTransfer(action: PlannedAction, manifest: Map<string, ManifestEntry>, listed: ReadonlyMap<string, InventoryObject>, ctx: ExecuteContext): Promise<ReportItem> {
  switch (action.kind) {
    case 'skip': {
      if (action.reason === 'adopted') {
        const object = listed.get(action.key);
        manifest.set(action.key, entryFor(action.doc, action.doc.md5 ?? (object && (listedMd5(object) ?? object.contentMd5)) ?? '', object?.etag));
      }
      ctx.logger.log('debug', `skip ${action.reason} ${JSON.stringify(action.key)}`);
      return toItem(action, 'done');
    }
    case 'marker':
      return attempt(action, ctx, async () => {
        await putFolderMarker(action.key, action.folderId, ctx);
        return {};
      });
    case 'copy': {
      // What the source holds, read before anything of this run could change it: its entry goes to the copy.
      const md5 = manifest.get(action.fromKey)?.md5 ?? action.doc.md5 ?? '';
      let changed = false;
      const item = await attempt(action, ctx, async () => {
        try {
          const { etag } = await copyExact({ key: action.fromKey, size: action.doc.size, etag: action.fromEtag, md5 }, action.key, ctx);
          manifest.set(action.key, entryFor(action.doc, md5, etag));
        } catch (error) {
          if (!(error instanceof SourceChangedError)) throw error;
          changed = true; // the source is no longer the version the plan saw: the upload below sets the key right
        }
        return {};
      });
      if (!changed) return item;
      ctx.logger.log('warning', `copy source changed ${describeAction(action)}: uploading from WorkDocs instead`);
      return runTransfer({ kind: 'upload', key: action.key, doc: action.doc, reason: 'renamed' }, manifest, listed, ctx);
    }
    case 'upload':
      if (action.refused !== undefined) {
        ctx.logger.log('warning', `upload refused ${describeAction(action)}: ${action.refused}`);
        return toItem(action, 'blocked', { error: action.refused });
      }
      return attempt(action, ctx, async () => {
        const result = await uploadDocument(action.doc, action.key, ctx);
        manifest.set(action.key, entryFor(action.doc, result.md5, result.etag));
        return { bytes: result.bytes };
      });
    default:
      throw new Error(`not a transfer: ${action.kind}`);
  }
}

/** Runs one transfer, retrying whole-file failures a few times; a final failure is a report item. */
async function attempt(action: PlannedAction, ctx: ExecuteContext, work: () => Promise<{ bytes?: number }>): Promise<ReportItem> {
  const attempts = ctx.fileAttempts ?? 3;
  for (let n = 1; ; n++) {
    try {
      const { bytes } = await work();
      ctx.logger.log('info', `${action.kind} done ${describeAction(action)}${bytes !== undefined ? ` bytes=${bytes}` : ''}`);
      return toItem(action, 'done', bytes !== undefined ? { bytes } : {});
    } catch (error) {
      const message = describeError(error);
      if (error instanceof WriteRefusedError || ctx.signal?.reason instanceof WriteRefusedError) {
        // Started before the run knew it may write, and stopped before anything landed: not a failure to report.
        ctx.logger.log('debug', `${action.kind} stopped ${describeAction(action)}: ${describeError(ctx.signal?.reason ?? error)}`);
        return toItem(action, 'failed', { error: message });
      }
      // Stopped by the run's signal (a cancel, a lost lock) while the item would otherwise have gone on: not its failure.
      if (ctx.signal?.aborted && (isAbortOf(error, ctx.signal) || (n < attempts && isWorthRetrying(error)))) {
        ctx.logger.log('warning', `${action.kind} cancelled ${describeAction(action)}: ${describeError(ctx.signal.reason)}`);
        return toItem(action, 'cancelled', { error: describeError(ctx.signal.reason) });
      }
      if (ctx.signal?.aborted || n >= attempts || !isWorthRetrying(error)) {
        ctx.logger.log('error', `${action.kind} failed ${describeAction(action)}: ${message}`);
        return toItem(action, 'failed', { error: message });
      }
      ctx.logger.log('warning', `${action.kind} attempt ${n} failed ${describeAction(action)}: ${message}; retrying`);
      await sleep(fileRetryDelay(n), ctx.signal).catch(() => undefined);
    }
  }
}

/** The error is the signal's own abort (its reason, or the AbortError the SDK and fetch raise for it). */
function isAbortOf(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error as { name?: string } | undefined)?.name === 'AbortError';
}

/** A transient error, or bytes that did not match: a fresh download of the whole file may succeed. */
function isWorthRetrying(error: unknown): boolean {
  return error instanceof IntegrityError || isTransientError(error);
}

async function runStale(
  stale: readonly StaleAction[],
  blocked: string | undefined,
  failedKeys: ReadonlySet<string>,
  manifest: Map<string, ManifestEntry>,
  ctx: ExecuteContext,
): Promise<ReportItem[]> {
  if (blocked !== undefined) {
    ctx.logger.log('error', `not deleting ${stale.length} stale object(s): ${blocked}`);
    return stale.map((a) => toItem(a, 'blocked', { error: blocked }));
  }
  if (ctx.signal?.aborted) return stale.map((a) => toItem(a, 'cancelled', { error: `not run: ${describeError(ctx.signal?.reason ?? 'the run was interrupted')}` }));
  const items: ReportItem[] = [];
  // A stale object that is the source of a failed copy is the only S3 copy of that version: keep it.
  const runnable: StaleAction[] = [];
  for (const a of stale) {
    if (a.keptAt === undefined || !failedKeys.has(a.keptAt)) runnable.push(a);
    else items.push(toItem(a, 'blocked', { error: `kept: ${a.keptAt} did not receive its version` }));
  }
  const archives = runnable.filter((a): a is Extract<StaleAction, { kind: 'archive' }> => a.kind === 'archive');
  const deletes = runnable.filter((a) => a.kind === 'delete');
  if (archives.length > 0) await markArchiveArea(ctx);
  const outcomes = [
    ...await deleteKeys(ctx.s3, ctx.bucket, deletes.map((a) => a.key), ctx.signal),
    ...await archiveKeys(ctx, archives, ctx.maxWorkers),
  ];
  const byKey = new Map(runnable.map((a) => [a.key, a]));
  for (const outcome of outcomes) {
    const action = byKey.get(outcome.key)!;
    if (outcome.error === undefined) {
      manifest.delete(outcome.key);
      ctx.logger.log('info', `${action.kind} done ${describeAction(action)}`);
      items.push(toItem(action, 'done'));
    } else {
      ctx.logger.log('error', `${action.kind} failed ${describeAction(action)}: ${outcome.error}`);
      items.push(toItem(action, 'failed', { error: outcome.error }));
    }
  }
  return items;
}

function isStaleAction(action: PlannedAction): action is StaleAction {
  return action.kind === 'delete' || action.kind === 'archive';
}

/** Transfers grouped by plan stage, in order (see orderCopies). */
function stagesOf(transfers: readonly PlannedAction[]): PlannedAction[][] {
  const stages: PlannedAction[][] = [];
  for (const action of transfers) {
    const stage = 'stage' in action && action.stage !== undefined ? action.stage : 0;
    (stages[stage] ??= []).push(action);
  }
  return stages.filter((s) => s !== undefined);
}

/**
 * Marks the archive area (its ARCHIVE_MARK object) before anything is moved there: a later run, even one without
 * archive_prefix or with its manifest lost, sees it in the listing and never takes archived objects for stale.
 */
async function markArchiveArea(ctx: ExecuteContext): Promise<void> {
  await putJsonObject(ctx.s3, ctx.bucket, `${ctx.archivePrefix ?? ''}${ARCHIVE_MARK}`, JSON.stringify({ format: 'workdocs-s3-sync/archive' }), ctx.signal ? { signal: ctx.signal } : {});
}

/** The entry for a key now holding `doc`; S3's ETag for it is recorded where it is not the MD5 (see ManifestEntry). */
function entryFor(doc: { id: string; versionId: string; size: number }, md5: string, etag?: string): ManifestEntry {
  const entry = { documentId: doc.id, versionId: doc.versionId, size: doc.size, md5 };
  return etag === undefined || etag === '' || etag === md5 ? entry : { ...entry, etag };
}

export function describeAction(action: PlannedAction): string {
  const parts = [JSON.stringify(action.key)];
  if (action.kind === 'copy') parts.push(`from=${JSON.stringify(action.fromKey)}`);
  if (action.kind === 'archive') parts.push(`to=${JSON.stringify(action.toKey)}`);
  if ('reason' in action) parts.push(`reason=${action.reason}`);
  if ('doc' in action) parts.push(`document=${action.doc.id}`, `version=${action.doc.versionId}`);
  return parts.join(' ');
}

function toItem(action: PlannedAction, outcome: ReportItem['outcome'], extra: Partial<ReportItem> = {}): ReportItem {
  const doc = 'doc' in action ? action.doc : undefined;
  return {
    action: action.kind,
    key: action.key,
    outcome,
    reason: 'reason' in action ? action.reason : action.kind === 'marker' ? 'missing' : 'stale',
    ...(doc ? { documentId: doc.id, versionId: doc.versionId } : {}),
    ...(action.kind === 'copy' ? { fromKey: action.fromKey } : {}),
    ...(action.kind === 'archive' ? { toKey: action.toKey } : {}),
    ...(action.kind === 'upload' && outcome !== 'done' ? { bytes: action.doc.size } : {}),
    ...extra,
  };
}

const ORDER: Record<ReportItem['action'], number> = { upload: 0, copy: 1, marker: 2, delete: 3, archive: 4, skip: 5, metadata: 6 };

function sortItems(items: ReportItem[]): ReportItem[] {
  return items.sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
