/**
 * The incremental no-op's fast path (core/up-to-date.ts decides): read the source head, then the feed and the
 * manifest's ETag, and end the run when nothing is new. A clean run in an incremental mode leaves the head; a run
 * that is not clean removes it, so the next run takes the usual path and finds what is left to do.
 */
import { DeleteObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { feedStart, unseenActivities } from '../core/incremental.js';
import { manifestKey, normalizeEtag } from '../core/manifest.js';
import { decodeHead, encodeHead, headMismatch, optionsFingerprint, sourceHeadKey, sourceTopFingerprint, type HeldByUser, type SourceHead } from '../core/up-to-date.js';
import { describeError } from '../errors.js';
import type { SyncOptions } from '../options.js';
import { getJsonObject, putJsonObject } from '../s3/client.js';
import { VERSION } from '../version.js';
import { readFeed, type FeedRead } from '../workdocs/activities.js';
import { siteFolders } from '../workdocs/site.js';
import type { Source } from '../workdocs/source.js';
import type { IncrementalCarry } from './incremental.js';
import { plural } from './report.js';
import type { SyncEnv } from './types.js';

/** What the check found: the head as read (to replace or remove at the end), and the verdict. */
export interface HeadCheck {
  /** Whether there was a head: 'none', 'present', or 'unread' when this run did not ask (metadata_refresh). */
  readonly found: 'none' | 'present' | 'unread';
  /** The head as read, where it decoded: the end of the run writes no new one that would say the same. */
  readonly previous?: SourceHead;
  /** Set when the mirror is up to date: the run ends here. */
  readonly upToDate?: { readonly head: SourceHead; readonly feedPages: number };
  /** The feed as this check read it (from `start`): the usual path uses it instead of asking again. */
  readonly feed?: { readonly start: number; readonly read: FeedRead };
}

/** Whether this run keeps a head: an incremental mode of a site's sync (the feed needs the organization id). */
export function keepsHead(options: SyncOptions): boolean {
  return options.incremental !== 'listing' && options.mode === 'sync' && options.workdocsOrganizationId !== '';
}

/** The fingerprint of the site's top levels as openSource read them ('' for one folder). */
function topOf(source: Source): string {
  if (source.site === undefined) return '';
  const { top, bins, starts } = siteFolders(source.site);
  return sourceTopFingerprint([...top, ...bins, ...starts]);
}

/**
 * Reads the head, and when it still describes this source and these options, the feed since its watermark and the
 * manifest's ETag (HeadObject). Undefined when the fast path does not apply; any failure is left to the usual path,
 * which reads the same things again and says what is wrong.
 */
export async function checkSourceHead(options: SyncOptions, env: SyncEnv, source: Source, now: number): Promise<HeadCheck | undefined> {
  if (!keepsHead(options)) return undefined;
  // metadata_refresh re-reads every item's context: never a no-op, but it leaves (or removes) the head all the same.
  if (options.metadataRefresh) return { found: 'unread' };
  const bucket = options.s3BucketName;
  let value: unknown;
  try {
    value = await getJsonObject<unknown>(env.s3, bucket, sourceHeadKey(options.s3Prefix), env.signal);
  } catch {
    // The usual path meets the same bucket and says what is wrong; the head is treated as present.
    return { found: 'unread' };
  }
  if (value === undefined) return { found: 'none' };
  const head = decodeHead(value);
  if (head === undefined) return { found: 'present' };
  const present = { found: 'present', previous: head } as const;
  const mismatch = headMismatch({ head, rootId: source.rootId, options: optionsFingerprint(options, VERSION), top: topOf(source), now, fullListingEveryMs: options.fullListingEveryMs });
  if (mismatch !== undefined) {
    env.logger.log('debug', `source head not used: ${mismatch}`);
    return present;
  }
  const start = feedStart(head.watermark);
  let feed: FeedRead;
  let etag: string | undefined;
  try {
    [feed, etag] = await Promise.all([
      readFeed(env.workdocs, options.workdocsOrganizationId, start, env.signal),
      env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: manifestKey(options.s3Prefix) }), { abortSignal: env.signal }).then((out) => out.ETag),
    ]);
  } catch (error) {
    env.logger.log('debug', `source head not used: ${describeError(error)}`);
    return present;
  }
  if (etag === undefined || normalizeEtag(etag) !== head.manifestEtag) return { ...present, feed: { start, read: feed } };
  if (unseenActivities(feed.activities, head.watermark).length > 0) return { ...present, feed: { start, read: feed } };
  env.logger.log('info', `up to date: no new activity since ${new Date(start).toISOString()} (${feed.pages} feed page${feed.pages === 1 ? '' : 's'}), `
    + `and the manifest is the one the last run left (${plural(head.objects, 'object')}); nothing else was read`);
  return { ...present, upToDate: { head, feedPages: feed.pages } };
}

/** How a run in an incremental mode ended, for the head it leaves. */
export interface HeadEnd {
  readonly carry: IncrementalCarry | undefined;
  readonly rootId: string;
  readonly rootName: string;
  readonly source: Source;
  /** Exit 0, not stopped, not a dry run: everything the plan asked for is in the bucket and the manifest. */
  readonly clean: boolean;
  readonly manifestEtag: string | undefined;
  /** The objects the manifest lists after the run, in all and per user (heldByUser): counted before the metadata index. */
  readonly objects: number;
  readonly users: readonly HeldByUser[];
  readonly started: number;
}

/**
 * Leaves the head for the next run: written after a clean run (unless it would say the same), removed after one that
 * is not (the next run takes the usual path). A failure to write or remove it is a warning: the next run compares
 * the manifest's ETag and the feed anyway, and a head it cannot trust is not used.
 */
export async function leaveSourceHead(options: SyncOptions, env: SyncEnv, check: HeadCheck | undefined, end: HeadEnd): Promise<void> {
  if (check === undefined || options.dryRun) return;
  const key = sourceHeadKey(options.s3Prefix);
  const bucket = options.s3BucketName;
  if (!end.clean || end.carry === undefined || end.manifestEtag === undefined) {
    if (check.found === 'none') return; // none to remove
    try {
      await env.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: AbortSignal.timeout(30_000) });
    } catch (error) {
      env.logger.log('warning', `the source head could not be removed (${describeError(error)})`);
    }
    return;
  }
  const head: SourceHead = {
    manifestEtag: normalizeEtag(end.manifestEtag),
    rootId: end.rootId,
    rootName: end.rootName,
    watermark: end.carry.watermark,
    lastFullListing: end.carry.lastFullListing,
    readAt: end.started,
    options: optionsFingerprint(options, VERSION),
    top: topOf(end.source),
    objects: end.objects,
    users: end.users,
  };
  const text = encodeHead(head);
  if (check.previous !== undefined && encodeHead({ ...check.previous, readAt: head.readAt }) === text) return; // says the same but for when the feed was read
  try {
    await putJsonObject(env.s3, bucket, key, text, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    env.logger.log('warning', `the source head could not be written (${describeError(error)}); the next run reads the manifest and the snapshot`);
  }
}

