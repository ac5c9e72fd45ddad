/**
 * The incremental no-op, decided from a few hundred bytes: a clean run in an incremental mode leaves a small record
 * (the "source head") beside the source snapshot, saying which manifest it ended with, where the activity feed stood,
 * which users and options it ran with, and what the mirror holds. The next run reads it first; when the feed shows
 * nothing new, the manifest is still that one, and the users and options are the same, the mirror is up to date and
 * the run ends without reading the manifest or the snapshot (which grow with the site). Anything else: the usual
 * incremental path. Nothing here does I/O or reads a clock.
 */
import { createHash } from 'node:crypto';
import { ACTIVITY_FEED_REACH_MS, type FeedState, type FeedStateFile } from './incremental.js';
import { RESERVED_SEGMENT } from './keys.js';
import type { SyncOptions } from '../options.js';

export const HEAD_FORMAT = 'workdocs-s3-sync/source-head';
export const HEAD_VERSION = 1;

export function sourceHeadKey(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/source-head.json`;
}

/** One user's share of what the mirror holds (site mode). */
export interface HeldByUser {
  readonly user: string;
  readonly objects: number;
}

export interface SourceHead extends FeedState {
  /** optionsFingerprint() of the run that wrote it. */
  readonly options: string;
  /** sourceTopFingerprint() of the site's users as that run read them ('' for one folder). */
  readonly top: string;
  /** Objects the manifest lists: what a no-op reports as unchanged, in all and per user. */
  readonly objects: number;
  readonly users: readonly HeldByUser[];
}

/**
 * The options that decide what the mirror holds. A run whose fingerprint differs may have work the feed does not
 * show (another prefix or filter, deletes switched on, every version wanted, ...), so it takes the usual path. Left
 * out: how the run goes (concurrency, part sizes, endpoints, logs, dry run) and the incremental settings themselves
 * (full_listing_every is checked apart). Any option added later is in, until someone says it may be left out.
 */
const NOT_ABOUT_THE_MIRROR: ReadonlySet<keyof SyncOptions> = new Set<keyof SyncOptions>([
  'regionName', 'maxPoolConnections', 'maxWorkers', 'dryRun', 'incremental', 'fullListingEveryMs', 'logFile', 'reportFile',
  'logLevel', 's3EndpointUrl', 'workdocsEndpointUrl', 's3ForcePathStyle', 's3ChecksumMode', 's3DeleteContentMd5',
  'partSizeBytes', 'multipartThresholdBytes', 'mode', 'verifyContent', 'verifySlice', 'verifyMerge', 'shardCount',
  'shardIndex', 'runId', 'metadataRefresh',
]);

/** A hash of the options that decide the mirror, and of the tool's version (another version may map keys otherwise). */
export function optionsFingerprint(options: SyncOptions, toolVersion: string): string {
  const kept = Object.entries(options)
    .filter(([name]) => !NOT_ABOUT_THE_MIRROR.has(name as keyof SyncOptions))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return hash(JSON.stringify([toolVersion, kept]));
}

/** A hash of a site's top levels (each user's root and bin, with the names their folders get), order aside. */
export function sourceTopFingerprint(folders: readonly object[]): string {
  if (folders.length === 0) return '';
  return hash(folders.map((f) => JSON.stringify(Object.entries(f).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))).sort().join('\n'));
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** What the run knows before it reads the feed or the manifest. */
export interface HeadFacts {
  readonly head: SourceHead;
  readonly rootId: string;
  readonly options: string;
  readonly top: string;
  readonly now: number;
  readonly fullListingEveryMs: number;
}

/**
 * Why the head cannot say the mirror is up to date without the feed and the manifest, or undefined when it may.
 * Each reason is one short phrase for the debug log: the usual path then decides (and says in its own words).
 */
export function headMismatch(facts: HeadFacts): string | undefined {
  const { head } = facts;
  if (head.rootId !== facts.rootId) return 'another source';
  if (head.options !== facts.options) return 'other options or another version of this tool';
  if (head.top !== facts.top) return 'the site\'s users changed';
  if (facts.fullListingEveryMs === 0 || facts.now - head.lastFullListing >= facts.fullListingEveryMs) return 'a full listing is due';
  if (facts.now - head.readAt > ACTIVITY_FEED_REACH_MS) return 'the feed was read too long ago';
  return undefined;
}

interface HeadFile extends FeedStateFile {
  readAt: number;
  options: string;
  top: string;
  objects: number;
  users: [user: string, objects: number][];
}

export function encodeHead(head: SourceHead): string {
  const file: HeadFile = {
    format: HEAD_FORMAT,
    version: HEAD_VERSION,
    manifestEtag: head.manifestEtag,
    rootId: head.rootId,
    rootName: head.rootName,
    watermark: { time: head.watermark.time, seen: [...head.watermark.seen] },
    lastFullListing: head.lastFullListing,
    readAt: head.readAt,
    options: head.options,
    top: head.top,
    objects: head.objects,
    users: head.users.map((u) => [u.user, u.objects]),
  };
  return JSON.stringify(file);
}

/** The head as parsed JSON, or undefined when it is not one this version writes (the usual path runs: nothing is lost). */
export function decodeHead(value: unknown): SourceHead | undefined {
  const file = value as Partial<HeadFile> | null;
  if (file === null || typeof file !== 'object' || file.format !== HEAD_FORMAT || file.version !== HEAD_VERSION) return undefined;
  const { watermark, users } = file;
  const strings = [file.manifestEtag, file.rootId, file.rootName, file.options, file.top];
  const numbers = [file.lastFullListing, file.readAt, watermark?.time];
  if (!strings.every((s) => typeof s === 'string') || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))
    || !Number.isSafeInteger(file.objects) || (file.objects ?? -1) < 0
    || !Array.isArray(watermark?.seen) || !watermark.seen.every((s) => typeof s === 'string')
    || !Array.isArray(users) || !users.every((u) => Array.isArray(u) && u.length === 2 && typeof u[0] === 'string' && Number.isSafeInteger(u[1]))) {
    return undefined;
  }
  return {
    manifestEtag: file.manifestEtag!,
    rootId: file.rootId!,
    rootName: file.rootName!,
    watermark: { time: watermark!.time, seen: watermark!.seen },
    lastFullListing: file.lastFullListing!,
    readAt: file.readAt!,
    options: file.options!,
    top: file.top!,
    objects: file.objects!,
    users: users.map(([user, objects]) => ({ user, objects })),
  };
}

/** Per-user object counts of the manifest's keys (userOf: report.ts's userOfKey), sorted by username. */
export function heldByUser(keys: Iterable<string>, userOf: (key: string) => string | undefined): HeldByUser[] {
  const counts = new Map<string, number>();
  for (const key of keys) {
    const user = userOf(key);
    if (user !== undefined) counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([user, objects]) => ({ user, objects }));
}
