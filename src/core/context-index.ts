/**
 * The context of a mirror (issue 20): what WorkDocs knew about each document and folder besides its bytes —
 * comments, permissions, labels, custom metadata, creator, owner, times — as records, CSV rows and JSON Lines,
 * and the rule that decides which items must be asked about again. Pure: no I/O, no clock.
 *
 * One record per folder and per stored document version (the latest version; see docs/metadata.md). A record's
 * listing fields (path, key, size, times, labels…) come from this run's listing; its fetched fields (comments,
 * permissions, custom metadata, owner) from the requests made for it, or from the previous index when the
 * item did not change.
 */
import { createHash } from 'node:crypto';
import { METADATA_SEGMENT, RESERVED_SEGMENT } from './keys.js';
import { historyKeys } from './history.js';
import type { SourceDocument, SourceTree } from './types.js';

export type MetadataMode = 'none' | 'index' | 'sidecars';

export const CONTEXT_STATE_FORMAT = 'workdocs-s3-sync/context-state';
export const CONTEXT_STATE_VERSION = 1;

/** One comment or reply, as DescribeComments gave it. */
export interface ContextComment {
  readonly commentId: string;
  /** The thread's first comment; equal to commentId for a thread's first comment. */
  readonly threadId: string;
  /** The comment replied to; '' for a thread's first comment. */
  readonly parentId: string;
  readonly authorId: string;
  /** The author's username, where WorkDocs gave it. */
  readonly authorName: string;
  /** ISO 8601 UTC; '' when WorkDocs gave none. */
  readonly created: string;
  /** '' for a deleted comment (WorkDocs keeps its place without its text). */
  readonly text: string;
  /** PUBLIC or PRIVATE. */
  readonly visibility: string;
  /** PUBLISHED, DRAFT or DELETED. */
  readonly status: string;
  /** The author of the comment replied to; ''. */
  readonly recipientId: string;
}

/** One role of one principal on a resource: a principal with two roles gives two. */
export interface ContextPermission {
  readonly principalId: string;
  /** USER, GROUP, ANONYMOUS (a shareable link), INVITE or ORGANIZATION. */
  readonly principalType: string;
  /** The username where this run knows it (comment authors, earlier records); '' otherwise. */
  readonly principalName: string;
  /** OWNER, COOWNER, CONTRIBUTOR or VIEWER. */
  readonly role: string;
  /** True when the role comes from a parent folder (WorkDocs' INHERITED), false for DIRECT. */
  readonly inherited: boolean;
}

/** What the listing says about an item: no request beyond the listing pages. */
export interface ListedItem {
  readonly type: 'document' | 'folder';
  readonly id: string;
  /** WorkDocs names from below the root to the item, joined by `/` (a `/` inside a name stays as it is). */
  readonly path: string;
  /** The item's S3 key (a folder's ends in `/`). */
  readonly key: string;
  /** An older version (`versions: all`), stored under the history area; absent for a latest version and a folder. */
  readonly history?: true;
  /** Documents: the stored version. */
  readonly versionId?: string;
  readonly versionName?: string;
  readonly size?: number;
  readonly md5?: string;
  readonly contentType?: string;
  /** ISO 8601 UTC, '' when unknown. */
  readonly created: string;
  readonly modified: string;
  readonly creatorId: string;
  readonly labels: readonly string[];
}

/** What the requests for one item read: the part of a record that only a request can tell. */
export interface FetchedContext {
  /** Documents: the version the comments and version custom metadata belong to. */
  readonly contextVersionId?: string;
  readonly ownerId: string;
  readonly customMetadata: Readonly<Record<string, string>>;
  /** Documents: the stored version's own custom metadata. */
  readonly versionCustomMetadata?: Readonly<Record<string, string>>;
  /** Documents: every comment of the stored version, threads and replies, oldest first. */
  readonly comments?: readonly ContextComment[];
  readonly permissions: readonly ContextPermission[];
}

/**
 * One line of index.jsonl (and a sidecar's body): the listing fields, the fetched fields, and `complete`, false
 * when some request for it failed or was never made (the next run asks again).
 */
export type ContextRecord = ListedItem & FetchedContext & { readonly complete: boolean };

/** An empty fetched part: an item nobody has asked about yet. */
export const NOTHING_FETCHED: FetchedContext = { ownerId: '', customMetadata: {}, permissions: [] };

// ---------------------------------------------------------------------------------------------------
// Where it lives

/** `<prefix>.workdocs-s3-sync/index/`: the index files. */
export function indexPrefix(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/index/`;
}

export const INDEX_FILES = {
  documents: 'documents.csv',
  folders: 'folders.csv',
  comments: 'comments.csv',
  permissions: 'permissions.csv',
  jsonl: 'index.jsonl',
  /** Every record (a header line, then the lines of index.jsonl; gzip): read by a run that writes the index. */
  records: 'records.jsonl.gz',
  /** The next run's one GET: a header line, then one short line per record (StateLine; gzip). */
  state: 'state.jsonl.gz',
} as const;

export function contextStateKey(prefix: string): string {
  return indexPrefix(prefix) + INDEX_FILES.state;
}

export function contextRecordsKey(prefix: string): string {
  return indexPrefix(prefix) + INDEX_FILES.records;
}

/** 12 hex digits of an MD5: enough to tell two versions of one record apart. */
export function shortHash(text: string): string {
  return createHash('md5').update(text).digest('hex').slice(0, 12);
}

/**
 * What a run must know of a record to tell whether it changed, in one short line of the state:
 * [identity, `d` or `f`, fingerprint of its listing fields (fingerprintOf), complete 1 / 0, shortHash of the version
 * its context was read for, shortHash of its whole line]. A no-op run of 100,000 records decodes ~12 MB, not the index.
 */
export type StateLine = [string, 'd' | 'f', string, 0 | 1, string, string];

/**
 * The listing fields of a record or an item, hashed: equal exactly when carrying the record over to that item
 * changes none of them (for an older version: its place only, see carriedOver in engine/context.ts).
 */
export function fingerprintOf(item: Pick<ListedItem, 'type' | 'path' | 'key' | 'history' | 'versionId' | 'versionName' | 'size' | 'md5' | 'contentType' | 'created' | 'modified' | 'creatorId' | 'labels'>): string {
  if (item.history === true) return shortHash(JSON.stringify([item.path, item.key]));
  return shortHash(JSON.stringify([item.type, item.path, item.key, item.created, item.modified, item.creatorId, item.labels,
    ...(item.type === 'document' ? [item.versionId ?? '', item.versionName ?? '', item.size ?? 0, item.md5 ?? '', item.contentType ?? ''] : [])]));
}

export function stateLineOf(record: ContextRecord, line: string): StateLine {
  return [identityOf(record), record.type === 'document' ? 'd' : 'f', fingerprintOf(record), record.complete ? 1 : 0, shortHash(record.contextVersionId ?? ''), shortHash(line)];
}

/** A state line, or undefined for one that is not (that item is then read again). */
export function parseStateLine(line: string): StateLine | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (!Array.isArray(value) || value.length !== 6 || typeof value[0] !== 'string' || (value[1] !== 'd' && value[1] !== 'f')) return undefined;
    return value as StateLine;
  } catch {
    return undefined;
  }
}

/**
 * needsFetch for a record known by its state line: the same rule, with the version its context was read for
 * compared by hash.
 */
export function needsFetchByState(previous: StateLine, current: Pick<ListedItem, 'type' | 'versionId'>, refresh: boolean): boolean {
  const type = previous[1] === 'd' ? 'document' : 'folder';
  if (refresh || previous[3] !== 1 || type !== current.type) return true;
  return current.type === 'document' && previous[4] !== shortHash(current.versionId ?? '');
}

/** `<prefix>.metadata/`: the sidecars, outside the browsable tree and outside what plan() sees. */
export function sidecarAreaPrefix(prefix: string): string {
  return `${prefix}${METADATA_SEGMENT}/`;
}

/** The sidecar of the document stored at `documentKey`: `<prefix>.metadata/<key relative to the prefix>.json`. */
export function sidecarKey(prefix: string, documentKey: string): string {
  return `${sidecarAreaPrefix(prefix)}${documentKey.slice(prefix.length)}.json`;
}

// ---------------------------------------------------------------------------------------------------
// Which items must be asked about

/**
 * Whether the comments, permissions and custom metadata of an item must be read this run: always with
 * `refresh`; else when no earlier record has them complete, or (documents) the stored version changed since
 * they were read — a new version has its own comments. A folder has no version: once read, it is read again
 * only on refresh (docs/metadata.md says so).
 */
export function needsFetch(previous: Pick<ContextRecord, 'complete' | 'contextVersionId' | 'type'> | undefined, current: Pick<ListedItem, 'type' | 'versionId'>, refresh: boolean): boolean {
  if (refresh || previous === undefined || !previous.complete || previous.type !== current.type) return true;
  return current.type === 'document' && previous.contextVersionId !== current.versionId;
}

/** The owner is the principal with the OWNER role (direct on a root or after a transfer, inherited below). */
export function ownerOf(permissions: readonly ContextPermission[]): string {
  return permissions.find((p) => p.role === 'OWNER' && !p.inherited)?.principalId ?? permissions.find((p) => p.role === 'OWNER')?.principalId ?? '';
}

/** A record from this run's listing and what was fetched for it (or carried over from the previous record). */
export function recordOf(listed: ListedItem, fetched: FetchedContext, complete: boolean): ContextRecord {
  // One fixed field order: a record that did not change serializes to the same line, run after run.
  const record: Record<string, unknown> = {
    type: listed.type,
    id: listed.id,
    path: listed.path,
    key: listed.key,
  };
  if (listed.history === true) record['history'] = true;
  if (listed.type === 'document') {
    record['versionId'] = listed.versionId ?? '';
    record['versionName'] = listed.versionName ?? '';
    record['size'] = listed.size ?? 0;
    record['md5'] = listed.md5 ?? '';
    record['contentType'] = listed.contentType ?? '';
  }
  record['created'] = listed.created;
  record['modified'] = listed.modified;
  record['creatorId'] = listed.creatorId;
  record['ownerId'] = fetched.ownerId;
  record['labels'] = [...listed.labels];
  record['customMetadata'] = sortedObject(fetched.customMetadata);
  if (listed.type === 'document') {
    record['contextVersionId'] = fetched.contextVersionId ?? '';
    record['versionCustomMetadata'] = sortedObject(fetched.versionCustomMetadata ?? {});
    record['comments'] = [...(fetched.comments ?? [])];
  }
  record['permissions'] = [...fetched.permissions];
  record['complete'] = complete;
  return record as unknown as ContextRecord;
}

/**
 * What identifies a record from run to run: the folder's or document's id, and for an older version
 * (`versions: all`) the document id and that version's id.
 */
export function identityOf(item: Pick<ListedItem, 'id' | 'history' | 'versionId'>): string {
  return item.history === true ? `${item.id}@${item.versionId ?? ''}` : item.id;
}

/** The fetched part of a record, to carry it into this run's record of the same item. */
export function fetchedPartOf(record: ContextRecord): FetchedContext {
  return {
    ...(record.contextVersionId !== undefined ? { contextVersionId: record.contextVersionId } : {}),
    ownerId: record.ownerId ?? '',
    customMetadata: record.customMetadata ?? {},
    ...(record.versionCustomMetadata !== undefined ? { versionCustomMetadata: record.versionCustomMetadata } : {}),
    ...(record.comments !== undefined ? { comments: record.comments } : {}),
    permissions: record.permissions ?? [],
  };
}

function sortedObject(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Usernames this record names (comment authors), to name principals in other records. */
export function namesIn(record: Pick<ContextRecord, 'comments' | 'permissions'>, into: Map<string, string>): void {
  for (const c of record.comments ?? []) if (c.authorId !== '' && c.authorName !== '') into.set(c.authorId, c.authorName);
  for (const p of record.permissions) if (p.principalId !== '' && p.principalName !== '') into.set(p.principalId, p.principalName);
}

/** Permissions with the names this run knows filled in where WorkDocs gave none. */
export function namedPermissions(permissions: readonly ContextPermission[], names: ReadonlyMap<string, string>): ContextPermission[] {
  return permissions.map((p) => (p.principalName === '' && names.has(p.principalId) ? { ...p, principalName: names.get(p.principalId)! } : p));
}

// ---------------------------------------------------------------------------------------------------
// The state object: a header line, then one record per line

export interface ContextStateHeader {
  readonly format: typeof CONTEXT_STATE_FORMAT;
  readonly version: number;
  /** The WorkDocs root (folder, or organization) the records describe. */
  readonly rootFolderId: string;
  /** The mode that wrote it: switching to sidecars writes every sidecar. */
  readonly metadata: Exclude<MetadataMode, 'none'>;
  readonly documents: number;
  readonly folders: number;
  readonly writtenAt: string;
  /** Usernames by user id that named principals when it was written: a run that reads nothing names them the same. */
  readonly names?: Readonly<Record<string, string>>;
}

export function stateHeaderLine(header: Omit<ContextStateHeader, 'format' | 'version'>): string {
  return JSON.stringify({ format: CONTEXT_STATE_FORMAT, version: CONTEXT_STATE_VERSION, ...header });
}

/** The header, or why the state cannot be used (then every item is read again, and the index written afresh). */
export function parseStateHeader(line: string): ContextStateHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'its first line is not JSON';
  }
  const header = value as Partial<ContextStateHeader> | null;
  if (header === null || typeof header !== 'object' || header.format !== CONTEXT_STATE_FORMAT) return 'it is not a context state';
  if (header.version !== CONTEXT_STATE_VERSION) return `its version ${String(header.version)} is not ${CONTEXT_STATE_VERSION}`;
  if (typeof header.rootFolderId !== 'string' || (header.metadata !== 'index' && header.metadata !== 'sidecars')) return 'its header is incomplete';
  return header as ContextStateHeader;
}

/** One record line, or undefined for a line that is not one (skipped: that item is read again). */
export function parseRecordLine(line: string): ContextRecord | undefined {
  try {
    const value = JSON.parse(line) as Partial<ContextRecord> | null;
    if (value === null || typeof value !== 'object' || (value.type !== 'document' && value.type !== 'folder') || typeof value.id !== 'string' || typeof value.key !== 'string') return undefined;
    if (!Array.isArray(value.permissions) || typeof value.complete !== 'boolean') return undefined;
    return value as ContextRecord;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// CSV (RFC 4180, UTF-8)

/** Excel reads a UTF-8 CSV as UTF-8 only with a byte order mark; other readers skip it. */
export const CSV_BOM = '\uFEFF';

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return: OWASP's list) gets a leading apostrophe, which spreadsheets show as text. Numbers and booleans are
 * written as they are. A cell with a comma, a double quote, a line break or an edge space is quoted, its quotes doubled.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: readonly (string | number | boolean | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export const DOCUMENT_COLUMNS = ['path', 'key', 'document_id', 'version_id', 'version_name', 'size', 'md5', 'content_type', 'created', 'modified',
  'creator_id', 'owner_id', 'labels', 'custom_metadata', 'version_custom_metadata', 'comments', 'complete', 'latest'] as const;
export const FOLDER_COLUMNS = ['path', 'key', 'folder_id', 'created', 'modified', 'creator_id', 'owner_id', 'labels', 'custom_metadata', 'complete'] as const;
export const COMMENT_COLUMNS = ['path', 'key', 'document_id', 'version_id', 'thread_id', 'comment_id', 'parent_id', 'author_id', 'author_name', 'created',
  'visibility', 'status', 'recipient_id', 'text'] as const;
export const PERMISSION_COLUMNS = ['resource_type', 'path', 'key', 'resource_id', 'principal_id', 'principal_type', 'principal_name', 'role', 'inherited'] as const;

/** Labels in one cell: `;`-separated (WorkDocs labels hold no `;`). */
function labelsCell(labels: readonly string[]): string {
  return labels.join(';');
}

function metadataCell(values: Readonly<Record<string, string>> | undefined): string {
  return values === undefined || Object.keys(values).length === 0 ? '' : JSON.stringify(values);
}

/** The CSV lines one record contributes to each file (documents.csv or folders.csv, comments.csv, permissions.csv). */
export function csvLinesOf(record: ContextRecord): { readonly item: string; readonly comments: string; readonly permissions: string } {
  const item = record.type === 'document'
    ? csvLine([record.path, record.key, record.id, record.versionId, record.versionName, record.size, record.md5, record.contentType, record.created, record.modified,
      record.creatorId, record.ownerId, labelsCell(record.labels), metadataCell(record.customMetadata), metadataCell(record.versionCustomMetadata),
      record.comments?.length ?? 0, record.complete, record.history !== true])
    : csvLine([record.path, record.key, record.id, record.created, record.modified, record.creatorId, record.ownerId, labelsCell(record.labels),
      metadataCell(record.customMetadata), record.complete]);
  let comments = '';
  for (const c of record.comments ?? []) {
    comments += csvLine([record.path, record.key, record.id, record.contextVersionId, c.threadId, c.commentId, c.parentId, c.authorId, c.authorName, c.created,
      c.visibility, c.status, c.recipientId, c.text]);
  }
  let permissions = '';
  for (const p of record.permissions) {
    permissions += csvLine([record.type, record.path, record.key, record.id, p.principalId, p.principalType, p.principalName, p.role, p.inherited]);
  }
  return { item, comments, permissions };
}

/** ISO 8601 UTC of epoch milliseconds; '' for none. */
export function isoTime(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) || ms <= 0 ? '' : new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------------
// The listing's side of every record

/** What the records need from the source tree. */
export type ListedTree = Pick<SourceTree, 'rootId' | 'folders' | 'documents' | 'versions'>;

/**
 * The listing's side of every record, by item id: each ListedItem is built when asked for (100,000 of them at
 * once would cost tens of MB). Items without a key (unreachable) and the tool's virtual folders have none.
 */
export class ContextListing {
  private readonly folders: Map<string, ListedTree['folders'][number]>;
  private readonly documents: Map<string, ListedTree['documents'][number]>;
  private readonly paths: Map<string, string>;

  /** Older versions (`versions: all`) by identity, with their history keys. */
  private readonly versions: Map<string, [SourceDocument, string]>;

  /**
   * `sameKey`: the equal key string the run already holds (its listing's, its plan's), so that the history keys
   * computed here are not a second copy of each.
   */
  constructor(private readonly tree: ListedTree, private readonly folderKeys: ReadonlyMap<string, string>, private readonly documentKeys: ReadonlyMap<string, string>, prefix: string, sameKey: (key: string) => string = (key) => key) {
    this.folders = new Map(tree.folders.map((f) => [f.id, f]));
    this.documents = new Map(tree.documents.map((d) => [d.id, d]));
    this.paths = new Map([[tree.rootId, '']]);
    this.versions = new Map(historyKeys(tree.versions ?? [], documentKeys, prefix).map(([v, key]) => [identityOf({ id: v.id, history: true, versionId: v.versionId }), [v, sameKey(key)]]));
  }

  /** Every id with a record, folders first, each group in key order. */
  ids(): string[] {
    const keyed = (ids: Iterable<string>, keys: ReadonlyMap<string, string>): [string, string][] => {
      const out: [string, string][] = [];
      for (const id of ids) {
        const key = keys.get(id);
        if (key !== undefined) out.push([id, key]);
      }
      return out.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    };
    const folders = [...this.folders.values()].filter((f) => f.fixedSegment === undefined).map((f) => f.id);
    const versions = [...this.versions].map(([id, [, key]]): [string, string] => [id, key]);
    return [...keyed(folders, this.folderKeys), ...keyed(this.documents.keys(), this.documentKeys), ...versions].map(([id]) => id);
  }

  /**
   * The listing's own string equal to an identity (identityOf), or undefined when no item has it: a caller that keeps
   * the identities it read (a state of 150,000 lines) then holds no copy of its own.
   */
  heldIdentity(id: string): string | undefined {
    this.versionIdentities ??= new Map([...this.versions.keys()].map((identity) => [identity, identity]));
    return this.versionIdentities.get(id) ?? this.documents.get(id)?.id ?? this.folders.get(id)?.id;
  }

  private versionIdentities: Map<string, string> | undefined;

  private keys: Set<string> | undefined;

  /** Whether an item of this listing has `key` (built on first use: most runs never ask). */
  hasKey(key: string): boolean {
    this.keys ??= new Set([...this.folderKeys.values(), ...this.documentKeys.values(), ...[...this.versions.values()].map(([, k]) => k)]);
    return this.keys.has(key);
  }

  /** The item of an identity (identityOf): a folder, a document's latest version, or an older version. */
  item(id: string): ListedItem | undefined {
    const older = this.versions.get(id);
    if (older !== undefined) {
      const [v, key] = older;
      const folder = this.pathOf(v.parentId);
      const latest = this.documents.get(v.id);
      const name = latest?.name ?? v.name;
      return {
        type: 'document', id: v.id, path: folder === '' ? name : `${folder}/${name}`, key, history: true, versionId: v.versionId, versionName: v.name, size: v.size,
        md5: v.md5 ?? '', contentType: v.contentType ?? '', created: isoTime(v.createdAt), modified: isoTime(v.modifiedAt), creatorId: latest?.creatorId ?? '', labels: latest?.labels ?? [],
      };
    }
    const d = this.documents.get(id);
    if (d !== undefined) {
      const key = this.documentKeys.get(id);
      if (key === undefined) return undefined;
      const folder = this.pathOf(d.parentId);
      return {
        type: 'document', id: d.id, path: folder === '' ? d.name : `${folder}/${d.name}`, key, versionId: d.versionId, versionName: d.name, size: d.size,
        md5: d.md5 ?? '', contentType: d.contentType ?? '', created: isoTime(d.createdAt), modified: isoTime(d.modifiedAt), creatorId: d.creatorId ?? '', labels: d.labels ?? [],
      };
    }
    const f = this.folders.get(id);
    const key = this.folderKeys.get(id);
    if (f === undefined || key === undefined || f.fixedSegment !== undefined) return undefined;
    return { type: 'folder', id: f.id, path: this.pathOf(f.id), key, created: isoTime(f.createdAt), modified: isoTime(f.modifiedAt), creatorId: f.creatorId ?? '', labels: f.labels ?? [] };
  }

  private pathOf(folderId: string): string {
    const known = this.paths.get(folderId);
    if (known !== undefined) return known;
    // Iterative: a deep tree must not exhaust the stack.
    const chain: string[] = [];
    let id: string | null = folderId;
    while (id !== null && !this.paths.has(id)) {
      chain.push(id);
      id = this.folders.get(id)?.parentId ?? null;
    }
    let path = id === null ? '' : this.paths.get(id)!;
    for (const f of chain.reverse()) {
      const name = this.folders.get(f)?.name ?? '';
      path = path === '' ? name : `${path}/${name}`;
      this.paths.set(f, path);
    }
    return path;
  }
}
