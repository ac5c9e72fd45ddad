/**
 * Incremental runs, the pure part: which activities of the WorkDocs feed a run still has to apply, what each one
 * touches, when a run must list everything instead (and why), the source snapshot kept beside the manifest, and
 * the inventory plan() gets from the manifest when the bucket is not listed. The adapter (engine/incremental.ts)
 * reads the feed and re-reads what is touched; nothing here does I/O or reads a clock.
 */
import { createHash } from 'node:crypto';
import { RESERVED_SEGMENT } from './keys.js';
import { normalizeEtag } from './manifest.js';
import type { InventoryObject, Manifest, SourceDocument, SourceFolder, SourceTree } from './types.js';

/** `listing`: every run lists everything (the default); `activities`: the feed decides; `auto`: activities when it can. */
export type IncrementalMode = 'listing' | 'activities' | 'auto';
export const INCREMENTAL_MODES: readonly IncrementalMode[] = ['listing', 'activities', 'auto'];

/**
 * How far back a run reads before its watermark: activities that the service shows late (clock skew between its
 * hosts, eventual consistency of the feed) are still read. Those already applied are recognised by their identity.
 */
export const ACTIVITY_OVERLAP_MS = 10 * 60_000;

/**
 * The longest a snapshot's feed may go unread. The service does not document how long DescribeActivities keeps an
 * activity; a run whose last read is older assumes some are gone and lists everything. full_listing_every is capped
 * at it too, so a prefix synced on schedule never gets here.
 */
export const ACTIVITY_FEED_REACH_MS = 30 * 24 * 3600_000;

export const SNAPSHOT_FORMAT = 'workdocs-s3-sync/source-snapshot';
export const SNAPSHOT_VERSION = 2;

export function snapshotKey(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/source.json.gz`;
}

// ---------------------------------------------------------------------------------------------- durations

/** `7d`, `12h`, `30m`, `45s` or `0` (every run lists in full) → milliseconds; a string says what is wrong. */
export function parseDuration(text: string): number | string {
  const match = /^(\d{1,6})\s*([smhd]?)$/i.exec(text.trim());
  if (match === null) return `must be a duration such as 7d, 12h or 30m (or 0), got ${JSON.stringify(text.slice(0, 40))}`;
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  if (unit === '' && amount !== 0) return `needs a unit (d, h, m or s), e.g. ${amount}d; got ${JSON.stringify(text)}`;
  const ms = amount * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
  if (ms > ACTIVITY_FEED_REACH_MS) return `must be at most ${ACTIVITY_FEED_REACH_MS / 86_400_000}d (how far back the activity feed is trusted), got ${JSON.stringify(text)}`;
  return ms;
}

// ---------------------------------------------------------------------------------------------- the feed

/** One activity of the feed, as the adapter read it (the wire's fields this tool uses). */
export interface FeedActivity {
  readonly type: string;
  /** TimeStamp, epoch milliseconds. */
  readonly time: number;
  readonly resourceType: string | undefined;
  readonly resourceId: string | undefined;
  /** ResourceMetadata.ParentId: the parent when it happened (the new one for a move). */
  readonly parentId: string | undefined;
  /** OriginalParent.Id: where a moved resource came from. */
  readonly originalParentId: string | undefined;
  readonly versionId: string | undefined;
  readonly name: string | undefined;
  readonly originalName: string | undefined;
  readonly initiatorId: string | undefined;
  /** ResourceMetadata.Owner.Id: whose recycle bin the resource goes to. */
  readonly ownerId: string | undefined;
  readonly commentId: string | undefined;
  /** Participants' user and group ids, in order. */
  readonly participants: readonly string[];
}

/**
 * An activity has no id on the wire: its fields are its identity. Two activities that agree on every one of them,
 * to the millisecond, are taken for one (their effect is the same re-read anyway).
 */
export function activityIdentity(a: FeedActivity): string {
  const fields = [a.type, a.time, a.resourceId ?? '', a.versionId ?? '', a.commentId ?? '', a.initiatorId ?? '', a.parentId ?? '', a.originalParentId ?? '', a.name ?? '', a.originalName ?? '', a.participants.join(',')];
  // Hashed: a busy site's overlap holds thousands of them, and the snapshot keeps each.
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 22);
}

/** Where the last run stopped reading the feed. */
export interface Watermark {
  /** Newest TimeStamp read, epoch milliseconds (0: the feed was empty). */
  readonly time: number;
  /** Identities of the activities read at or after `time - ACTIVITY_OVERLAP_MS`: read again next time, not applied twice. */
  readonly seen: readonly string[];
}

/** Where the next read starts (StartTime, inclusive). */
export function feedStart(watermark: Watermark): number {
  return Math.max(0, watermark.time - ACTIVITY_OVERLAP_MS);
}

/** The activities of a read that the last run did not apply. */
export function unseenActivities(read: readonly FeedActivity[], watermark: Watermark): FeedActivity[] {
  const seen = new Set(watermark.seen);
  return read.filter((a) => !seen.has(activityIdentity(a)));
}

/** The watermark after a read from feedStart(previous): the newest time, and every identity inside the overlap. */
export function advanceWatermark(previous: Watermark, read: readonly FeedActivity[]): Watermark {
  const time = read.reduce((newest, a) => Math.max(newest, a.time), previous.time);
  const from = time - ACTIVITY_OVERLAP_MS;
  const seen = new Set<string>(time === previous.time ? previous.seen : []);
  for (const a of read) if (a.time >= from) seen.add(activityIdentity(a));
  return { time, seen: [...seen].sort() };
}

export function sameWatermark(a: Watermark, b: Watermark): boolean {
  return a.time === b.time && a.seen.length === b.seen.length && a.seen.every((id, i) => id === b.seen[i]);
}

/**
 * What an activity type means for the mirror:
 * - `document` / `folder`: the resource may have changed place, name, state or content: re-read it;
 * - `metadata`: only its context changed (comments, shares, links): the metadata index re-reads it;
 * - `none`: nothing changes (views, downloads, a check-out).
 * An owner change is logged as a SHARE_PERMISSION_CHANGED naming the new owner (the service has no type for it):
 * it is re-read like a move, because the owner decides whose recycle bin the item lands in.
 */
export type ActivityEffect = 'document' | 'folder' | 'metadata' | 'none';

const EFFECTS: ReadonlyMap<string, ActivityEffect> = new Map([
  ['DOCUMENT_VERSION_UPLOADED', 'document'], ['DOCUMENT_CHECKED_IN', 'document'], ['DOCUMENT_REVERTED', 'document'],
  ['DOCUMENT_VERSION_DELETED', 'document'], ['DOCUMENT_RENAMED', 'document'], ['DOCUMENT_MOVED', 'document'],
  ['DOCUMENT_RECYCLED', 'document'], ['DOCUMENT_RESTORED', 'document'], ['DOCUMENT_SHARE_PERMISSION_CHANGED', 'document'],
  ['DOCUMENT_SHARED', 'metadata'], ['DOCUMENT_UNSHARED', 'metadata'], ['DOCUMENT_SHAREABLE_LINK_CREATED', 'metadata'],
  ['DOCUMENT_SHAREABLE_LINK_REMOVED', 'metadata'], ['DOCUMENT_SHAREABLE_LINK_PERMISSION_CHANGED', 'metadata'],
  ['DOCUMENT_COMMENT_ADDED', 'metadata'], ['DOCUMENT_COMMENT_DELETED', 'metadata'], ['DOCUMENT_ANNOTATION_ADDED', 'metadata'],
  ['DOCUMENT_ANNOTATION_DELETED', 'metadata'],
  ['DOCUMENT_CHECKED_OUT', 'none'], ['DOCUMENT_VERSION_VIEWED', 'none'], ['DOCUMENT_VERSION_DOWNLOADED', 'none'],
  ['FOLDER_CREATED', 'folder'], ['FOLDER_DELETED', 'folder'], ['FOLDER_RENAMED', 'folder'], ['FOLDER_MOVED', 'folder'],
  ['FOLDER_RECYCLED', 'folder'], ['FOLDER_RESTORED', 'folder'], ['FOLDER_SHARE_PERMISSION_CHANGED', 'folder'],
  ['FOLDER_SHARED', 'metadata'], ['FOLDER_UNSHARED', 'metadata'], ['FOLDER_SHAREABLE_LINK_CREATED', 'metadata'],
  ['FOLDER_SHAREABLE_LINK_REMOVED', 'metadata'], ['FOLDER_SHAREABLE_LINK_PERMISSION_CHANGED', 'metadata'],
]);

/**
 * The activity types after which a document's older versions may differ from the ones recorded while its latest
 * version may not: a version deleted (DeleteDocumentVersion, DeletePriorVersions) and a revert. Of the SDK's
 * ActivityType values, no other one removes or changes an older version (an upload or check-in changes the latest,
 * and a changed latest is described again anyway).
 */
export const VERSION_CHANGING_TYPES: ReadonlySet<string> = new Set(['DOCUMENT_VERSION_DELETED', 'DOCUMENT_REVERTED']);

/** The effect of one activity; undefined when this tool does not know its type (the run then lists everything). */
export function effectOf(type: string): ActivityEffect | undefined {
  return EFFECTS.get(type);
}

/** What a batch of activities asks a run to re-read, or why it cannot be interpreted. */
export interface Touched {
  /** Folders to re-read (GetFolder), each with whether its contents must be listed again (a restore). */
  readonly folders: ReadonlyMap<string, { readonly relist: boolean }>;
  /** Documents to re-read (GetDocument). */
  readonly documents: ReadonlySet<string>;
  /** Documents and folders whose comments, shares or permissions changed: for the metadata index. */
  readonly metadata: ReadonlySet<string>;
  /** Documents whose older versions may have changed (VERSION_CHANGING_TYPES): their versions are described again. */
  readonly versions: ReadonlySet<string>;
  /** Activities about resources outside the mirrored tree as far as it is known: asked about again once it grows. */
  readonly elsewhere: readonly FeedActivity[];
}

export type Interpretation = { readonly ok: true; readonly touched: Touched } | { readonly ok: false; readonly reason: string };

/**
 * What `activities` touch, given the folders and documents the tree holds (`known`). An activity is about the
 * mirror when its resource, the parent it names, or the parent it left is in the tree; the others are kept aside
 * (`elsewhere`), because a folder that enters the tree later in the same batch brings them in (the adapter asks again).
 */
export function interpretActivities(activities: readonly FeedActivity[], known: { hasFolder(id: string): boolean; hasDocument(id: string): boolean }): Interpretation {
  const folders = new Map<string, { relist: boolean }>();
  const documents = new Set<string>();
  const metadata = new Set<string>();
  const versions = new Set<string>();
  const elsewhere: FeedActivity[] = [];
  for (const a of activities) {
    const effect = effectOf(a.type);
    if (effect === undefined) return { ok: false, reason: `activity type ${a.type} is not one this tool interprets` };
    if (effect === 'none') continue;
    const id = a.resourceId;
    if (id === undefined || id === '') return { ok: false, reason: `a ${a.type} activity names no resource` };
    const isFolder = a.type.startsWith('FOLDER_');
    const inTree = (isFolder ? known.hasFolder(id) : known.hasDocument(id))
      || (a.parentId !== undefined && known.hasFolder(a.parentId))
      || (a.originalParentId !== undefined && known.hasFolder(a.originalParentId));
    if (!inTree) {
      elsewhere.push(a);
      continue;
    }
    if (effect === 'metadata') metadata.add(id);
    else if (effect === 'folder') {
      const relist = a.type === 'FOLDER_RESTORED' || a.type === 'FOLDER_CREATED' || (folders.get(id)?.relist ?? false);
      folders.set(id, { relist });
    } else {
      documents.add(id);
      // A new version or a changed place is news for the document's context too.
      metadata.add(id);
      if (VERSION_CHANGING_TYPES.has(a.type)) versions.add(id);
    }
  }
  return { ok: true, touched: { folders, documents, metadata, versions, elsewhere } };
}

// ---------------------------------------------------------------------------------------------- when to list everything

export interface SnapshotFacts {
  /** The snapshot as read: absent, unreadable (with the problem), or found. */
  readonly snapshot: { readonly state: 'missing' } | { readonly state: 'corrupt'; readonly problem: string } | { readonly state: 'found'; readonly value: SourceSnapshot };
  /** The manifest as read: its state and ETag. */
  readonly manifest: { readonly state: 'found' | 'missing' | 'corrupt'; readonly etag: string | undefined };
  readonly rootId: string;
  readonly now: number;
  /** full_listing_every in milliseconds; 0 lists in full every run. */
  readonly fullListingEveryMs: number;
}

/**
 * Why this run must list everything instead of reading the feed, or undefined when the snapshot may be used. Each
 * reason is one short sentence for the log.
 */
export function fullListingReason(facts: SnapshotFacts): string | undefined {
  const { snapshot, manifest } = facts;
  if (facts.fullListingEveryMs === 0) return 'full_listing_every is 0';
  if (snapshot.state === 'missing') return 'no source snapshot yet';
  if (snapshot.state === 'corrupt') return `the source snapshot is unreadable (${snapshot.problem})`;
  const s = snapshot.value;
  if (manifest.state !== 'found') return `the manifest is ${manifest.state}`;
  if (s.rootId !== facts.rootId) return `the snapshot is of another source (${s.rootId})`;
  if (manifest.etag === undefined || normalizeEtag(manifest.etag) !== normalizeEtag(s.manifestEtag)) return 'the manifest changed since the snapshot was written (another run, or a run without incremental)';
  if (facts.now - s.lastFullListing >= facts.fullListingEveryMs) return `the last full listing is older than full_listing_every (${new Date(s.lastFullListing).toISOString()})`;
  if (facts.now - s.readAt > ACTIVITY_FEED_REACH_MS) return `the activity feed was last read ${new Date(s.readAt).toISOString()}, longer ago than it is trusted to reach`;
  return undefined;
}

/**
 * Whether a run must list everything because full_listing_every says so (0, or the last full listing is that old):
 * the scheduled drift-healing run, which also describes every document's versions again.
 */
export function fullListingScheduled(facts: Pick<SnapshotFacts, 'snapshot' | 'now' | 'fullListingEveryMs'>): boolean {
  if (facts.fullListingEveryMs === 0) return true;
  return facts.snapshot.state === 'found' && facts.now - facts.snapshot.value.lastFullListing >= facts.fullListingEveryMs;
}


// ---------------------------------------------------------------------------------------------- the snapshot

/** Where the feed stood for a run, and which manifest that run left (the snapshot's, and the source head's). */
export interface FeedState {
  /** The ETag of the manifest the run ended with (quotes removed): any other manifest means this state is not used. */
  readonly manifestEtag: string;
  readonly rootId: string;
  readonly rootName: string;
  readonly watermark: Watermark;
  /** When the last full listing started (the run's clock), epoch milliseconds. */
  readonly lastFullListing: number;
  /** When the feed was last read (the run's clock). */
  readonly readAt: number;
}

/** What a run remembers of the source and of the bucket beside the manifest, to run from the feed next time. */
export interface SourceSnapshot extends FeedState {
  /** The source tree as plan() saw it at the end of the last run. */
  readonly tree: SourceTree;
  /** Objects under the prefix that the manifest does not list (folder markers, foreign objects), as last known. */
  readonly others: readonly InventoryObject[];
}

/** Fields other than the row's own (a virtual folder's segment, context fields, ...): kept as they are. */
type Extra = Record<string, unknown>;
type FolderRow = [id: string, name: string, parentId: string | null, createdAt: number, extra?: Extra];
type DocumentRow = [id: string, parentId: string, name: string, createdAt: number, modifiedAt: number, contentModifiedAt: number | null, versionId: string, size: number, md5: string | null, contentType: string | null, extra?: Extra];
type OtherRow = [key: string, size: number, etag: string];

const FOLDER_FIELDS = new Set(['id', 'name', 'parentId', 'createdAt']);
const DOCUMENT_FIELDS = new Set(['id', 'parentId', 'name', 'createdAt', 'modifiedAt', 'contentModifiedAt', 'versionId', 'size', 'md5', 'contentType']);

/** The fields of `item` that its row does not hold, or undefined when there are none. */
function extraOf(item: object, rowFields: ReadonlySet<string>): Extra | undefined {
  const extra: Extra = {};
  let any = false;
  for (const [name, value] of Object.entries(item)) {
    if (rowFields.has(name) || value === undefined) continue;
    extra[name] = value;
    any = true;
  }
  return any ? extra : undefined;
}

/** What the snapshot's files (and the source head, core/up-to-date.ts) say of themselves and of the feed. */
export interface FeedStateFile {
  format: string;
  version: number;
  manifestEtag: string;
  rootId: string;
  rootName: string;
  watermark: { time: number; seen: string[] };
  lastFullListing: number;
}

/** Version 1: one JSON object (still read: a snapshot written before version 2 is used once, then replaced). */
interface SnapshotFileV1 extends FeedStateFile {
  readAt: number;
  folders: FolderRow[];
  documents: DocumentRow[];
  others: OtherRow[];
}

/** Version 2's first line: what the rows are about, and how many of each follow. */
interface SnapshotHeader extends FeedStateFile {
  folders: number;
  documents: number;
  others: number;
}

/**
 * The snapshot as JSON Lines (version 2), written and read one line at a time, so 100,000 documents never exist as
 * one string: a header, one row per folder, document and object (rows, not objects), and last `{"readAt":…}`. A
 * run that changed nothing but when it read the feed writes nothing: the lines before the last are compared.
 */
export function* snapshotLines(s: SourceSnapshot): Generator<string> {
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    manifestEtag: s.manifestEtag,
    rootId: s.rootId,
    rootName: s.rootName,
    watermark: { time: s.watermark.time, seen: [...s.watermark.seen] },
    lastFullListing: s.lastFullListing,
    folders: s.tree.folders.length,
    documents: s.tree.documents.length,
    others: s.others.length,
  };
  yield JSON.stringify(header);
  for (const f of s.tree.folders) {
    const extra = extraOf(f, FOLDER_FIELDS);
    yield JSON.stringify(extra ? [f.id, f.name, f.parentId, f.createdAt, extra] : [f.id, f.name, f.parentId, f.createdAt]);
  }
  for (const d of s.tree.documents) {
    const row: DocumentRow = [d.id, d.parentId, d.name, d.createdAt, d.modifiedAt, d.contentModifiedAt ?? null, d.versionId, d.size, d.md5 ?? null, d.contentType ?? null];
    const extra = extraOf(d, DOCUMENT_FIELDS);
    if (extra) row.push(extra);
    yield JSON.stringify(row);
  }
  for (const o of s.others) yield JSON.stringify([o.key, o.size, o.etag]);
  yield JSON.stringify({ readAt: s.readAt });
}

/** The whole snapshot as one text (tests, and small snapshots). */
export function encodeSnapshot(s: SourceSnapshot): string {
  return [...snapshotLines(s)].join('\n') + '\n';
}

export type DecodedSnapshot = { readonly ok: true; readonly snapshot: SourceSnapshot } | { readonly ok: false; readonly problem: string };

/** The whole snapshot from one text (tests, and small snapshots). */
export function decodeSnapshot(text: string): DecodedSnapshot {
  const reader = new SnapshotReader();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const problem = reader.line(line);
    if (problem !== undefined) return { ok: false, problem };
  }
  return reader.finish();
}

/**
 * Reads a snapshot line by line (the adapter feeds it from a gunzip stream): each line is parsed and turned into its
 * item at once, so only the items are held. Version 1 (one JSON object on one line) is read too.
 */
export class SnapshotReader {
  private header: SnapshotHeader | undefined;
  private readonly folders: SourceFolder[] = [];
  private readonly documents: SourceDocument[] = [];
  private readonly others: InventoryObject[] = [];
  private readAt: number | undefined;
  private v1: DecodedSnapshot | undefined;
  private readonly strings = new HeldStrings();
  private problem: string | undefined;

  /** Takes the next line; returns the problem once the file is known to be unusable (later lines are ignored). */
  line(text: string): string | undefined {
    if (this.problem !== undefined) return this.problem;
    this.problem = this.take(text);
    return this.problem;
  }

  finish(): DecodedSnapshot {
    if (this.problem !== undefined) return { ok: false, problem: this.problem };
    if (this.v1 !== undefined) return this.v1;
    const h = this.header;
    if (h === undefined) return { ok: false, problem: 'empty' };
    if (this.readAt === undefined) return { ok: false, problem: 'cut short' };
    return {
      ok: true,
      snapshot: {
        manifestEtag: h.manifestEtag,
        rootId: h.rootId,
        rootName: h.rootName,
        watermark: { time: h.watermark.time, seen: h.watermark.seen },
        lastFullListing: h.lastFullListing,
        readAt: this.readAt,
        tree: { rootId: h.rootId, folders: this.folders, documents: this.documents },
        others: this.others,
      },
    };
  }

  private take(text: string): string | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'not valid JSON';
    }
    const h = this.header;
    if (h === undefined) {
      if (this.v1 !== undefined) return 'more after a version 1 snapshot';
      return this.start(value);
    }
    if (this.readAt !== undefined) return 'more after the last line';
    if (this.folders.length < h.folders) {
      if (!isFolderRow(value)) return 'a malformed folder row';
      this.folders.push(folderOfRow(value, this.strings));
    } else if (this.documents.length < h.documents) {
      if (!isDocumentRow(value)) return 'a malformed document row';
      this.documents.push(documentOfRow(value, this.strings));
    } else if (this.others.length < h.others) {
      if (!isOtherRow(value)) return 'a malformed object row';
      this.others.push({ key: value[0], size: value[1], etag: value[2], lastModified: 0 });
    } else {
      const readAt = (value as { readAt?: unknown } | null)?.readAt;
      if (!isFiniteNumber(readAt)) return 'a field is missing or malformed';
      this.readAt = readAt;
    }
    return undefined;
  }

  private start(value: unknown): string | undefined {
    const file = value as Partial<SnapshotHeader & SnapshotFileV1> | null;
    if (file === null || typeof file !== 'object' || file.format !== SNAPSHOT_FORMAT) return 'not a source snapshot';
    if (file.version === 1) {
      const v1 = decodeV1(file);
      if (!v1.ok) return v1.problem;
      this.v1 = v1;
      return undefined;
    }
    if (file.version !== SNAPSHOT_VERSION) return `unsupported snapshot version ${String(file.version)}`;
    const { watermark } = file;
    if (typeof file.manifestEtag !== 'string' || typeof file.rootId !== 'string' || typeof file.rootName !== 'string' || !isFiniteNumber(file.lastFullListing)
      || watermark === undefined || watermark === null || !isFiniteNumber(watermark.time) || !Array.isArray(watermark.seen) || !watermark.seen.every((x) => typeof x === 'string')
      || ![file.folders, file.documents, file.others].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
      return 'a field is missing or malformed';
    }
    this.header = file as SnapshotHeader;
    return undefined;
  }
}

/**
 * Strings many rows repeat (a folder's id in each of its documents, a creator, a content type), held once per
 * snapshot read: decoded apart, each row would hold its own copy.
 */
class HeldStrings {
  private readonly held = new Map<string, string>();

  of<T>(value: T): T {
    if (typeof value !== 'string') return value;
    const known = this.held.get(value);
    if (known !== undefined) return known as T;
    this.held.set(value, value);
    return value;
  }
}

/**
 * An item as a fixed-shape literal, its extra fields added after, its repeated strings held once: decoded as an
 * object spread from the row's `extra`, the bench site's 98,000 documents took 110 MB of heap; as a literal 72 MB,
 * and 54 MB with the strings held once.
 */
function folderOfRow(row: FolderRow, strings: HeldStrings): SourceFolder {
  const [id, name, parentId, createdAt, extra] = row;
  const folder: Record<string, unknown> = { id, name, parentId: strings.of(parentId), createdAt };
  if (extra) for (const [field, value] of Object.entries(extra)) folder[field] = strings.of(value);
  return folder as unknown as SourceFolder;
}

function documentOfRow(row: DocumentRow, strings: HeldStrings): SourceDocument {
  const [id, parentId, name, createdAt, modifiedAt, contentModifiedAt, versionId, size, md5, contentType, extra] = row;
  const doc: Record<string, unknown> = { id, parentId: strings.of(parentId), name, createdAt, modifiedAt, versionId, size, md5: md5 ?? undefined, contentType: strings.of(contentType ?? undefined) };
  if (contentModifiedAt !== null) doc.contentModifiedAt = contentModifiedAt;
  if (extra) for (const [field, value] of Object.entries(extra)) doc[field] = strings.of(value);
  return doc as unknown as SourceDocument;
}

function isOtherRow(row: unknown): row is OtherRow {
  return Array.isArray(row) && row.length === 3 && typeof row[0] === 'string' && Number.isSafeInteger(row[1]) && typeof row[2] === 'string';
}

/** A version 1 snapshot (one object), as written before the rows went one per line. */
function decodeV1(file: Partial<SnapshotFileV1>): DecodedSnapshot {
  const { watermark } = file;
  if (typeof file.manifestEtag !== 'string' || typeof file.rootId !== 'string' || typeof file.rootName !== 'string'
    || !isFiniteNumber(file.lastFullListing) || !isFiniteNumber(file.readAt)
    || watermark === undefined || watermark === null || !isFiniteNumber(watermark.time) || !Array.isArray(watermark.seen) || !watermark.seen.every((x) => typeof x === 'string')
    || !Array.isArray(file.folders) || !Array.isArray(file.documents) || !Array.isArray(file.others)) {
    return { ok: false, problem: 'a field is missing or malformed' };
  }
  const strings = new HeldStrings();
  const folders: SourceFolder[] = [];
  for (const row of file.folders) {
    if (!isFolderRow(row)) return { ok: false, problem: 'a malformed folder row' };
    folders.push(folderOfRow(row, strings));
  }
  const documents: SourceDocument[] = [];
  for (const row of file.documents) {
    if (!isDocumentRow(row)) return { ok: false, problem: 'a malformed document row' };
    documents.push(documentOfRow(row, strings));
  }
  const others: InventoryObject[] = [];
  for (const row of file.others) {
    if (!isOtherRow(row)) return { ok: false, problem: 'a malformed object row' };
    others.push({ key: row[0], size: row[1], etag: row[2], lastModified: 0 });
  }
  return {
    ok: true,
    snapshot: {
      manifestEtag: file.manifestEtag, rootId: file.rootId, rootName: file.rootName, watermark: { time: watermark.time, seen: watermark.seen },
      lastFullListing: file.lastFullListing, readAt: file.readAt, tree: { rootId: file.rootId, folders, documents }, others,
    },
  };
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isExtra(x: unknown): x is Extra | undefined {
  return x === undefined || (typeof x === 'object' && x !== null && !Array.isArray(x));
}

function isFolderRow(row: unknown): row is FolderRow {
  if (!Array.isArray(row) || (row.length !== 4 && row.length !== 5)) return false;
  const [id, name, parentId, createdAt, extra] = row as unknown[];
  return typeof id === 'string' && typeof name === 'string' && (parentId === null || typeof parentId === 'string') && isFiniteNumber(createdAt) && isExtra(extra);
}

function isDocumentRow(row: unknown): row is DocumentRow {
  if (!Array.isArray(row) || (row.length !== 10 && row.length !== 11)) return false;
  const [id, parentId, name, createdAt, modifiedAt, contentModifiedAt, versionId, size, md5, contentType, extra] = row as unknown[];
  return typeof id === 'string' && typeof parentId === 'string' && typeof name === 'string' && isFiniteNumber(createdAt) && isFiniteNumber(modifiedAt)
    && (contentModifiedAt === null || isFiniteNumber(contentModifiedAt)) && typeof versionId === 'string' && Number.isSafeInteger(size)
    && (md5 === null || typeof md5 === 'string') && (contentType === null || typeof contentType === 'string') && isExtra(extra);
}

// ---------------------------------------------------------------------------------------------- the tree, edited

/**
 * The snapshot's tree, edited by what a run re-read: folders and documents by id. Nothing here checks that an
 * item is reachable from the root; `tree()` keeps only those that are, so an item whose folder left the tree
 * leaves with it.
 */
export class EditableTree {
  private readonly folders = new Map<string, SourceFolder>();
  private readonly documents = new Map<string, SourceDocument>();

  constructor(readonly rootId: string, from: SourceTree) {
    for (const f of from.folders) this.folders.set(f.id, f);
    for (const d of from.documents) this.documents.set(d.id, d);
  }

  hasFolder(id: string): boolean {
    return id === this.rootId || this.folders.has(id);
  }

  hasDocument(id: string): boolean {
    return this.documents.has(id);
  }

  folder(id: string): SourceFolder | undefined {
    return this.folders.get(id);
  }

  document(id: string): SourceDocument | undefined {
    return this.documents.get(id);
  }

  putFolder(folder: SourceFolder): void {
    this.folders.set(folder.id, folder);
  }

  putDocument(document: SourceDocument): void {
    this.documents.set(document.id, document);
  }

  removeDocument(id: string): void {
    this.documents.delete(id);
  }

  /** Removes folders (with everything the tree holds below them): gone, or listed again from scratch. */
  removeBelow(ids: ReadonlySet<string>, includingThemselves: boolean): void {
    if (ids.size === 0) return;
    const children = new Map<string, string[]>();
    for (const f of this.folders.values()) {
      if (f.parentId === null) continue;
      const siblings = children.get(f.parentId);
      if (siblings) siblings.push(f.id);
      else children.set(f.parentId, [f.id]);
    }
    const below = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop()!;
      for (const child of children.get(id) ?? []) {
        if (!below.has(child)) {
          below.add(child);
          stack.push(child);
        }
      }
    }
    const emptied = new Set([...below, ...ids]);
    for (const id of below) this.folders.delete(id);
    if (includingThemselves) for (const id of ids) this.folders.delete(id);
    for (const [id, d] of this.documents) if (emptied.has(d.parentId)) this.documents.delete(id);
  }

  /** The items reachable from the root, in a stable order (ids): what plan() gets. */
  tree(): SourceTree {
    const children = new Map<string, SourceFolder[]>();
    for (const f of this.folders.values()) {
      if (f.parentId === null) continue;
      const siblings = children.get(f.parentId);
      if (siblings) siblings.push(f);
      else children.set(f.parentId, [f]);
    }
    const reachable = new Set<string>([this.rootId]);
    const folders: SourceFolder[] = [];
    const stack = [this.rootId];
    while (stack.length > 0) {
      for (const child of children.get(stack.pop()!) ?? []) {
        if (reachable.has(child.id)) continue;
        reachable.add(child.id);
        folders.push(child);
        stack.push(child.id);
      }
    }
    const documents = [...this.documents.values()].filter((d) => reachable.has(d.parentId));
    return { rootId: this.rootId, folders: folders.sort(byId), documents: documents.sort(byId) };
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------- the bucket, from the manifest

/**
 * The inventory plan() gets when the bucket is not listed: every manifest entry as its object (the size and ETag
 * the run that wrote it recorded), and the other objects the last run knew of. A change behind the tool's back is
 * not seen until the next full listing.
 */
export function inventoryFromManifest(manifest: Manifest, others: readonly InventoryObject[]): InventoryObject[] {
  const inventory: InventoryObject[] = [];
  for (const [key, entry] of manifest.entries) inventory.push({ key, size: entry.size, etag: entry.etag ?? entry.md5, lastModified: 0 });
  for (const other of others) if (!manifest.entries.has(other.key)) inventory.push(other);
  return inventory;
}

/** The MD5 (and so the ETag) of an empty body: a folder marker's. */
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** What a run's items did to keys (the report's view: action, key, outcome). */
export interface DoneItem {
  readonly action: string;
  readonly key: string;
  readonly outcome: string;
}

/**
 * The objects under the prefix that the manifest does not list once the run is over: those listed (or remembered)
 * before it, less the ones it deleted or archived and those the manifest now lists, plus the markers it wrote.
 */
export function othersAfterRun(before: readonly InventoryObject[], entries: ReadonlyMap<string, unknown>, items: readonly DoneItem[]): InventoryObject[] {
  const removed = new Set(items.filter((i) => (i.action === 'delete' || i.action === 'archive') && i.outcome === 'done').map((i) => i.key));
  const byKey = new Map<string, InventoryObject>();
  for (const object of before) if (!removed.has(object.key) && !entries.has(object.key)) byKey.set(object.key, { key: object.key, size: object.size, etag: object.etag, lastModified: 0 });
  for (const item of items) {
    if (item.action === 'marker' && item.outcome === 'done' && !entries.has(item.key)) byKey.set(item.key, { key: item.key, size: 0, etag: EMPTY_MD5, lastModified: 0 });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
