/**
 * Scale-out over a GitHub Actions matrix, with GitHub as the distributed engine:
 * - plan: list both sides once, decide everything, split the transfers into balanced shards, and store the
 *   plan under `<prefix>.workdocs-s3-sync/runs/<run_id>/`; the report carries the matrix for `fromJSON`;
 * - shard: run one slice of the plan's transfers (re-runnable alone: work already done is not redone);
 * - finalize: merge the shard results into the manifest and delete stale objects only if every shard
 *   succeeded and nobody changed the manifest since the plan.
 */
import { DeleteObjectsCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { fromRows, manifestKey, toolAreaPrefix, toRows, type ManifestRow } from '../core/manifest.js';
import type { Plan, PlannedAction } from '../core/plan.js';
import { exitCodeOf, finalizeRefusal } from '../core/outcome.js';
import { assignShards, shardMatrix } from '../core/shard.js';
import type { ManifestEntry, SourceFolder } from '../core/types.js';
import { describeError, FatalError, InputError } from '../errors.js';
import type { SyncOptions } from '../options.js';
import { writeManifest } from '../s3/manifest-store.js';
import { executeContext, executePlan, plannedItems } from './execute.js';
import { plannedContextInput, recordContext } from './context.js';
import { buildReport, userCountsLine } from './report.js';
import { getJsonObject, isMissingObject, putJsonObject } from '../s3/client.js';
import { hasFailedItems, listingFailure, lockPrefix, prepare } from './sync.js';
import type { ReportItem, ScaleInfo, SyncEnv, SyncReport } from './types.js';

const PLAN_FORMAT = 'workdocs-s3-sync/plan';
const RESULT_FORMAT = 'workdocs-s3-sync/shard-result';

interface PlanFile {
  format: typeof PLAN_FORMAT;
  version: 1;
  runId: string;
  createdAt: string;
  bucket: string;
  prefix: string;
  rootFolderId: string;
  shardCount: number;
  /** ETag of the manifest when the plan was made (null: there was none): finalize checks it is unchanged. */
  manifestEtag: string | null;
  listingFailure: string | null;
  deletesBlocked: string | null;
  managedCount: number;
  removals: number;
  /** Objects under the prefix this tool did not write, [key, ETag]: finalize keeps remembering them. */
  foreign: [string, string][];
  actions: PlannedAction[];
  shardOf: number[];
  /** The manifest entries still true at plan time. */
  manifest: ManifestRow[];
  /** versions: all — the histories finalize records in the manifest (Manifest.histories as [documentId, latest, older…]). */
  histories?: string[][];
  /** The metadata index (not with metadata none): the listed folders, for the records finalize writes (engine/context.ts). */
  folders?: SourceFolder[];
}

interface ShardResult {
  format: typeof RESULT_FORMAT;
  runId: string;
  shardIndex: number;
  /** The plan this result belongs to (its createdAt): a re-planned run ignores results of an older plan. */
  planCreatedAt: string;
  finishedAt: string;
  ok: boolean;
  items: ReportItem[];
  /** Manifest entries written by this shard's transfers. */
  entries: ManifestRow[];
}

export function runFolder(prefix: string, runId: string): string {
  return `${toolAreaPrefix(prefix)}runs/${runId}/`;
}
const planKey = (o: SyncOptions): string => `${runFolder(o.s3Prefix, o.runId)}plan.json`;
const resultKey = (o: SyncOptions, shard: number): string => `${runFolder(o.s3Prefix, o.runId)}shard-${shard}.json`;
/** Written by a finalize that could not complete, so that its own manifest write does not make the plan look stale to the next finalize. */
const finalizeKey = (o: SyncOptions): string => `${runFolder(o.s3Prefix, o.runId)}finalize.json`;

export interface ScaleReport extends SyncReport {
  readonly scale: ScaleInfo;
}

/** Entry point for the three modes; like sync(), it reports instead of throwing. */
export async function runScaled(options: SyncOptions, env: SyncEnv): Promise<ScaleReport> {
  const started = env.now();
  const scale = { mode: options.mode as 'plan' | 'shard' | 'finalize', runId: options.runId, shardCount: options.shardCount };
  const base = { options, env, started, manifestKey: manifestKey(options.s3Prefix) };
  try {
    const report = await runMode(options, env, base, scale);
    const perUser = userCountsLine(report);
    if (perUser !== undefined) env.logger.log('info', perUser);
    return report;
  } catch (error) {
    const exitCode = exitCodeOf({ badInput: error instanceof InputError, fatal: true });
    const message = error instanceof InputError ? `${error.option}: ${error.message}` : describeError(error);
    env.logger.log('error', `${exitCode === 2 ? 'bad input' : 'fatal'}: ${message}; nothing was deleted`);
    return { ...buildReport({ ...base, rootFolderId: '', items: [], exitCode, fatal: message }), scale };
  }
}

type Base = { options: SyncOptions; env: SyncEnv; started: number; manifestKey: string };

async function runMode(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale): Promise<ScaleReport> {
  switch (options.mode) {
    case 'plan': return planRun(options, env, base, scale);
    case 'shard': return shardRun(options, env, base, scale);
    case 'finalize': return finalizeRun(options, env, base, scale);
    default: throw new InputError('mode', `runScaled does not run mode ${options.mode}`);
  }
}
type Scale = ScaleReport['scale'];

async function planRun(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale): Promise<ScaleReport> {
  const prepared = await prepare(options, env, base.started);
  const decided = prepared.plan;
  const shardOf = assignShards(decided.actions, options.shardCount);
  const failure = listingFailure(prepared.listing);
  const carried = prepared.manifest.entries;
  const file: PlanFile = {
    format: PLAN_FORMAT,
    version: 1,
    runId: options.runId,
    createdAt: new Date(env.now()).toISOString(),
    bucket: options.s3BucketName,
    prefix: options.s3Prefix,
    rootFolderId: prepared.rootFolderId,
    shardCount: options.shardCount,
    manifestEtag: await manifestEtag(env.s3, options),
    listingFailure: failure ?? null,
    deletesBlocked: decided.deletesBlocked ?? null,
    managedCount: decided.managedCount,
    removals: decided.removals,
    foreign: [...decided.foreign],
    actions: [...decided.actions],
    shardOf,
    manifest: toRows(carried),
    ...(decided.histories ? { histories: [...decided.histories].map(([id, versions]) => [id, ...versions]) } : {}),
    ...(options.metadata !== 'none' ? { folders: [...prepared.listing.tree.folders] } : {}),
  };
  const matrix = shardMatrix(options.shardCount);
  if (!options.dryRun) {
    await putJson(env.s3, options.s3BucketName, planKey(options), file, env.signal);
    env.logger.log('info', `plan written: ${JSON.stringify(planKey(options))}`);
  }
  for (let s = 0; s < options.shardCount; s++) {
    const mine = decided.actions.filter((_, i) => shardOf[i] === s);
    const bytes = mine.reduce((sum, a) => sum + (a.kind === 'upload' ? a.doc.size : 0), 0);
    env.logger.log('info', `shard ${s}: ${mine.length} transfers, ${bytes} bytes`);
  }
  env.logger.log('info', `matrix: ${JSON.stringify(matrix)}`);
  const report = buildReport({ ...base, rootFolderId: prepared.rootFolderId, items: plannedItems(decided), exitCode: exitCodeOf({ fatal: failure !== undefined }), deletesBlocked: decided.deletesBlocked, fatal: failure });
  return { ...report, scale: { ...scale, matrix } };
}

async function shardRun(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale): Promise<ScaleReport> {
  const file = await readPlan(options, env);
  if (options.shardIndex >= file.shardCount) {
    throw new InputError('shard_index', `is ${options.shardIndex}, but the plan has ${file.shardCount} shards (0 to ${file.shardCount - 1})`);
  }
  const stored = await getJsonObject<ShardResult>(env.s3, options.s3BucketName, resultKey(options, options.shardIndex), env.signal);
  const previous = stored?.planCreatedAt === file.createdAt ? stored : undefined;
  // A re-run of a shard (e.g. a failed matrix job re-run alone) keeps what it already finished.
  const alreadyDone = new Map((previous?.items ?? []).filter((i) => i.outcome === 'done').map((i) => [`${i.action} ${i.key}`, i]));
  const mine = file.actions.filter((a, i) => file.shardOf[i] === options.shardIndex);
  const todo = mine.filter((a) => !alreadyDone.has(`${a.kind} ${a.key}`));
  env.logger.log('info', `shard ${options.shardIndex} of ${file.shardCount}: ${mine.length} transfers, ${mine.length - todo.length} already done by an earlier attempt`);
  const entries = new Map<string, ManifestEntry>(fromRows(previous?.entries ?? []));
  const slice: Plan = { actions: todo, deletesBlocked: undefined, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(), removals: 0 };
  if (options.dryRun) {
    // A dry run reads the plan and says what this shard would do: no transfer, no result file.
    const items = [...alreadyDone.values(), ...plannedItems(slice)];
    const exitCode = exitCodeOf({ itemsFailed: hasFailedItems(items) });
    return { ...buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode }), scale: { ...scale, shardCount: file.shardCount, shardIndex: options.shardIndex } };
  }
  const execution = await env.logger.group(`Shard ${options.shardIndex}: transfer`, () => executePlan(slice, entries, [], executeContext(options, env)));
  const items = [...alreadyDone.values(), ...execution.items];
  // Cancelled or refused items are not done either: finalize must not delete on their account.
  const ok = items.every((i) => i.outcome === 'done');
  const result: ShardResult = {
    format: RESULT_FORMAT,
    runId: options.runId,
    shardIndex: options.shardIndex,
    planCreatedAt: file.createdAt,
    finishedAt: new Date(env.now()).toISOString(),
    ok,
    items,
    entries: toRows(execution.manifest),
  };
  await putJson(env.s3, options.s3BucketName, resultKey(options, options.shardIndex), result, env.signal);
  const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode: exitCodeOf({ itemsFailed: !ok }) });
  return { ...report, scale: { ...scale, shardCount: file.shardCount, shardIndex: options.shardIndex } };
}

async function finalizeRun(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale): Promise<ScaleReport> {
  const file = await readPlan(options, env);
  if (options.dryRun) return finalizePreview(options, env, base, scale, file);
  // The same lock as a single-job run: finalize deletes and writes the manifest. It also aborts multipart
  // uploads that killed shards left behind (every shard job has ended before finalize starts).
  const { lock } = await lockPrefix(options, env, {});
  try {
    return await finalizeLocked(options, env, base, scale, file);
  } finally {
    await lock.release();
  }
}

async function finalizeLocked(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale, file: PlanFile): Promise<ScaleReport> {
  const { results, missing, failed, items } = await readShardResults(options, env, file);
  const merged = new Map<string, ManifestEntry>(fromRows(file.manifest));
  for (const result of results) for (const [key, entry] of fromRows(result?.entries ?? [])) merged.set(key, entry);

  const current = await manifestEtag(env.s3, options);
  const earlier = await getJsonObject<{ manifestEtag: string | null }>(env.s3, options.s3BucketName, finalizeKey(options), env.signal);
  if (current !== file.manifestEtag && (earlier === undefined || current !== earlier.manifestEtag)) {
    // Another run wrote the manifest since this plan: our view of the bucket is out of date.
    const message = 'the manifest changed since the plan was made (another run?): nothing was deleted and the manifest was left as it is; run again';
    env.logger.log('error', message);
    return { ...buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode: exitCodeOf({ fatal: true }), fatal: message }), scale: { ...scale, shardCount: file.shardCount } };
  }

  const refusal = finalizeRefusal({ listingFailure: file.listingFailure, missing, failed, deletesBlocked: file.deletesBlocked });
  const stale = file.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
  const stalePlan: Plan = { actions: stale, deletesBlocked: refusal, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(file.foreign ?? []), removals: file.removals ?? 0 };
  const execution = await env.logger.group('Finalize: clean up', () => executePlan(stalePlan, merged, [], executeContext(options, env)));
  items.push(...execution.items);

  await writeManifest(env.s3, options.s3BucketName, base.manifestKey, {
    entries: execution.manifest,
    foreign: stalePlan.foreign,
    // A version a shard failed to store has no entry: the next run finds the record incomplete and describes it again.
    ...(file.histories ? { histories: new Map(file.histories.map(([id, ...versions]) => [id!, versions])) } : {}),
  }, {
    rootFolderId: file.rootFolderId,
    prefix: options.s3Prefix,
    updatedAt: new Date(env.now()).toISOString(),
  }, env.signal);
  env.logger.log('info', `manifest written: ${JSON.stringify(base.manifestKey)} (${execution.manifest.size} entries)`);
  // The metadata index of the whole scaled-out run, from the plan's documents and folders and what the jobs did.
  items.push(...await recordContext(options, env, plannedContextInput({ ...file, folders: file.folders ?? [], listingComplete: file.listingFailure === null }, items)));

  const complete = missing.length === 0 && failed.length === 0;
  if (complete && !file.listingFailure) await removeRunFolder(env.s3, options, file.shardCount, env.signal);
  else await putJson(env.s3, options.s3BucketName, finalizeKey(options), { manifestEtag: await manifestEtag(env.s3, options) }, env.signal);
  const exitCode = exitCodeOf({ fatal: file.listingFailure !== null, itemsFailed: items.some((i) => i.outcome === 'failed'), deletesRefused: refusal !== undefined });
  const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode, deletesBlocked: refusal, fatal: file.listingFailure ?? undefined });
  return { ...report, scale: { ...scale, shardCount: file.shardCount } };
}

async function readPlan(options: SyncOptions, env: SyncEnv): Promise<PlanFile> {
  const file = await getJsonObject<PlanFile>(env.s3, options.s3BucketName, planKey(options), env.signal);
  if (!file) throw new InputError('run_id', `no plan for run ${options.runId} at s3://${options.s3BucketName}/${planKey(options)}: run mode plan first`);
  if (file.format !== PLAN_FORMAT || file.version !== 1) throw new FatalError(`the plan at ${planKey(options)} is not a plan this version understands`);
  if (file.prefix !== options.s3Prefix || file.bucket !== options.s3BucketName) throw new InputError('s3_prefix', 'differs from the plan\'s bucket or prefix');
  return file;
}

async function manifestEtag(s3: S3Client, options: SyncOptions): Promise<string | null> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: options.s3BucketName, Key: manifestKey(options.s3Prefix) }));
    return head.ETag ?? null;
  } catch (error) {
    if (isMissingObject(error)) return null;
    throw error;
  }
}

async function putJson(s3: S3Client, bucket: string, key: string, value: unknown, signal?: AbortSignal): Promise<void> {
  await putJsonObject(s3, bucket, key, JSON.stringify(value), signal ? { signal } : {});
}


async function removeRunFolder(s3: S3Client, options: SyncOptions, shardCount: number, signal?: AbortSignal): Promise<void> {
  const keys = [planKey(options), finalizeKey(options), ...Array.from({ length: shardCount }, (_, s) => resultKey(options, s))];
  await s3.send(new DeleteObjectsCommand({ Bucket: options.s3BucketName, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: signal });
}

/**
 * Finalize as a dry run: what the shards reported and which deletes would run or be refused, from the stored
 * files alone. No lock, no delete, no manifest write.
 */
async function finalizePreview(options: SyncOptions, env: SyncEnv, base: Base, scale: Scale, file: PlanFile): Promise<ScaleReport> {
  const { missing, failed, items } = await readShardResults(options, env, file);
  const refusal = finalizeRefusal({ listingFailure: file.listingFailure, missing, failed, deletesBlocked: file.deletesBlocked });
  const stale = file.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
  items.push(...plannedItems({ actions: stale, deletesBlocked: refusal, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(), removals: 0 }));
  const exitCode = exitCodeOf({ fatal: file.listingFailure !== null, deletesRefused: refusal !== undefined });
  const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode, deletesBlocked: refusal, fatal: file.listingFailure ?? undefined });
  return { ...report, scale: { ...scale, shardCount: file.shardCount } };
}

/** The shard results of this plan (a result of an older plan of the same run id counts as missing), and their items. */
async function readShardResults(options: SyncOptions, env: SyncEnv, file: PlanFile): Promise<{ results: (ShardResult | undefined)[]; missing: number[]; failed: number[]; items: ReportItem[] }> {
  const stored = await Promise.all(Array.from({ length: file.shardCount }, (_, s) => getJsonObject<ShardResult>(env.s3, options.s3BucketName, resultKey(options, s), env.signal)));
  const results = stored.map((r) => (r?.planCreatedAt === file.createdAt ? r : undefined));
  return {
    results,
    missing: results.flatMap((r, s) => (r ? [] : [s])),
    failed: results.flatMap((r, s) => (r && !r.ok ? [s] : [])),
    items: results.flatMap((r) => r?.items ?? []),
  };
}
