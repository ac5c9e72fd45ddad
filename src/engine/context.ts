/**
 * The metadata index of a run (option `metadata`, docs/metadata.md): after the transfers, the comments,
 * permissions and custom metadata of the items that are new or changed since the last run are read from
 * WorkDocs, and the index (CSV, JSON Lines, and the state the next run reads) is written again when anything in
 * it changed; with `sidecars`, each changed document's JSON object too.
 *
 * Request cost: one GET of the previous state (index/state.jsonl.gz) per run. It tells which items are
 * unchanged: their context is carried over from it, never asked about again (unless `metadata_refresh`). Memory:
 * no stored object is ever held in memory, whole or compressed: the previous state (and, in a run that writes the
 * index, the records) is streamed from its GET into a file of the run's temporary directory and decoded from there
 * line by line, each time it is needed; the new files are written to that directory and uploaded from there. The
 * directory is removed when the run's metadata step ends, whatever happened (success, failure, abort).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, openSync, closeSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import {
  COMMENT_COLUMNS,
  ContextListing,
  contextRecordsKey,
  contextStateKey,
  CSV_BOM,
  csvLine,
  csvLinesOf,
  DOCUMENT_COLUMNS,
  FOLDER_COLUMNS,
  fetchedPartOf,
  fingerprintOf,
  identityOf,
  INDEX_FILES,
  indexPrefix,
  namedPermissions,
  namesIn,
  needsFetchByState,
  NOTHING_FETCHED,
  parseRecordLine,
  parseStateHeader,
  parseStateLine,
  PERMISSION_COLUMNS,
  recordOf,
  shortHash,
  sidecarKey,
  stateHeaderLine,
  stateLineOf,
  type ContextRecord,
  type ContextStateHeader,
  type FetchedContext,
  type ListedItem,
  type StateLine,
} from '../core/context-index.js';
import { assignKeys } from '../core/keys.js';
import type { PlannedAction } from '../core/plan.js';
import type { InventoryObject, SourceDocument, SourceFolder, SourceTree } from '../core/types.js';
import { describeError } from '../errors.js';
import { BufferedFileWriter } from '../file-writer.js';
import type { SyncOptions } from '../options.js';
import { putFile, putSidecar, readContextState } from '../s3/context-store.js';
import { deleteKeys } from '../s3/delete.js';
import { readDocumentContext, readFolderContext, readVersionContext, type ContextRead } from '../workdocs/context.js';
import { describeSiteUsers } from '../workdocs/site.js';
import { formatBytes } from './report.js';
import type { Prepared } from './sync.js';
import type { ReportItem, SyncEnv } from './types.js';

export interface ContextInput {
  readonly tree: SourceTree;
  /** False when a folder could not be listed: items not seen are then kept as the previous index had them. */
  readonly listingComplete: boolean;
  readonly rootFolderId: string;
  /** The destination as listed before this run acted. */
  readonly inventory: readonly InventoryObject[];
  /** What this run did (or, in a dry run, would do) with the mirrored objects. */
  readonly items: readonly ReportItem[];
  /** Takes the prefix's lock before the first write, for a run that had nothing else to write (it holds none yet). */
  readonly lock?: () => Promise<void>;
  /** Ids whose comments, shares or permissions the activity feed says changed (incremental runs): read again. */
  readonly touched?: ReadonlySet<string>;
  /** Keys whose object this tool did not write (plan's foreign objects): no document's record stays at one. */
  readonly foreign?: ReadonlyMap<string, string>;
}

/** The input of recordContext from what sync's run prepared and what it did. */
export function contextInput(prepared: Pick<Prepared, 'listing' | 'rootFolderId' | 'inventory' | 'incremental' | 'plan'>, items: readonly ReportItem[], lock?: () => Promise<unknown>): ContextInput {
  return {
    foreign: prepared.plan.foreign,
    ...(prepared.incremental ? { touched: prepared.incremental.metadataTouched } : {}),
    tree: prepared.listing.tree,
    listingComplete: prepared.listing.errors.length === 0,
    rootFolderId: prepared.rootFolderId,
    inventory: prepared.inventory,
    items,
    ...(lock ? { lock: async () => void await lock() } : {}),
  };
}

/**
 * The input of recordContext in a scaled-out run's finalize: the documents (older versions too) of the plan's
 * actions, the folders the plan step listed, and the keys the plan found stale as what the bucket held (a record of a
 * document whose delete was refused stays, like its object).
 */
export function plannedContextInput(plan: { readonly rootFolderId: string; readonly folders: readonly SourceFolder[]; readonly actions: readonly PlannedAction[]; readonly listingComplete: boolean }, items: readonly ReportItem[]): ContextInput {
  const documents: SourceDocument[] = [];
  const versions: SourceDocument[] = [];
  const inventory: InventoryObject[] = [];
  for (const action of plan.actions) {
    if ('doc' in action) (action.doc.history === true ? versions : documents).push(action.doc);
    else if (action.kind === 'delete' || action.kind === 'archive') inventory.push({ key: action.key, size: action.size, etag: '', lastModified: 0 });
  }
  return {
    tree: { rootId: plan.rootFolderId, folders: plan.folders, documents, ...(versions.length > 0 ? { versions } : {}) },
    listingComplete: plan.listingComplete,
    rootFolderId: plan.rootFolderId,
    inventory,
    items,
  };
}

/** The reason of the report items this module adds (action `metadata`). */
export type ContextItemReason = 'context' | 'index' | 'sidecar' | 'sidecar-removed' | 'state';

/**
 * Reads what changed and writes the index (and sidecars); returns the report items of what it did or failed to
 * do. Never throws for WorkDocs or S3 failures: a context that could not be read is an item failure, and the index
 * still holds what was read plus the previous records of the items that failed (the next run reads them again).
 */
export async function recordContext(options: SyncOptions, env: SyncEnv, input: ContextInput): Promise<ReportItem[]> {
  if (options.metadata === 'none' || env.signal?.aborted) return [];
  const stateKey = contextStateKey(options.s3Prefix);
  let dir: string;
  try {
    dir = mkdtempSync(path.join(tmpdir(), 'workdocs-s3-sync-index-'));
  } catch (error) {
    const message = `the previous metadata index could not be read: no temporary directory (${describeError(error)}); it is left as it is and read again next run`;
    env.logger.log('error', message);
    return [{ action: 'metadata', key: stateKey, outcome: 'failed', reason: 'state', error: message }];
  }
  try {
    return await recordContextIn(dir, options, env, input, stateKey);
  } finally {
    // Every file of the step (the previous state and records as read, the new index files) goes, whatever happened.
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      env.logger.log('warning', `metadata: the temporary directory ${dir} could not be removed (${describeError(error)})`);
    }
  }
}

/** recordContext with its temporary directory, `dir`. */
async function recordContextIn(dir: string, options: SyncOptions, env: SyncEnv, input: ContextInput, stateKey: string): Promise<ReportItem[]> {
  let previous: PreviousState;
  try {
    previous = await loadPrevious(options, env, stateKey, input, dir);
  } catch (error) {
    // Without the previous state every item would be read again and its records rebuilt: not on a failed GET.
    const message = `the previous metadata index could not be read (${describeError(error)}); it is left as it is and read again next run`;
    env.logger.log('error', message);
    return [{ action: 'metadata', key: stateKey, outcome: 'failed', reason: 'state', error: message }];
  }
  const { toFetch } = previous;
  if (options.dryRun) return dryRunItems(options, env, previous);
  if (toFetch.length === 0 && !previous.changed) return [];

  return env.logger.group('Metadata index', async () => {
    const work = new ContextWork(options, env, input, previous, dir);
    try {
      const fetched = await work.fetch();
      if (!previous.changed && fetched.changed === 0 && fetched.failed.size === 0 && !namesChanged(previous)) {
        env.logger.log('info', `metadata: ${toFetch.length} item(s) read again, nothing changed`);
        return fetched.items;
      }
      if (input.lock) await input.lock();
      return [...fetched.items, ...await work.write(fetched)];
    } catch (error) {
      const message = `the metadata index was not written: ${describeError(error)}`;
      env.logger.log('error', message);
      return [{ action: 'metadata', key: indexPrefix(options.s3Prefix), outcome: env.signal?.aborted ? 'cancelled' : 'failed', reason: 'index', error: message }];
    }
  });
}

/** What a dry run says it would do: it reads the previous state only, and asks WorkDocs nothing. */
function dryRunItems(o: SyncOptions, e: SyncEnv, p: PreviousState): ReportItem[] {
  const fetchCount = p.toFetch.length;
  const writes = p.changed || fetchCount > 0;
  if (fetchCount > 0) e.logger.log('info', `dry run: would read the context of ${fetchCount} item(s) (${p.toFetch.filter((id) => p.listing.item(id)?.type === 'folder').length} folders)`);
  if (!writes) return [];
  e.logger.log('info', `dry run: would write the metadata index under ${JSON.stringify(indexPrefix(o.s3Prefix))}${o.metadata === 'sidecars' ? ' and the sidecars of new or changed documents' : ''}`);
  return Object.values(INDEX_FILES).map((file) => ({ action: 'metadata' as const, key: indexPrefix(o.s3Prefix) + file, outcome: 'planned' as const, reason: 'index' }));
}

// ---------------------------------------------------------------------------------------------------
// The previous state, and what this run must read

interface PreviousState {
  readonly listing: ContextListing;
  /** The local file of the stored records (gzip), decoded again when the index is written; undefined when there were none usable. */
  readonly records: string | undefined;
  readonly header: ContextStateHeader | undefined;
  /** Ids whose context is read this run, in key order. */
  readonly toFetch: string[];
  /** MD5 of the previous line of each item read again: a refresh that reads the same writes nothing. */
  readonly previousLineHash: Map<string, string>;
  /** Usernames by user id, from the comments of the records (principals have none in WorkDocs' answer). */
  readonly names: Map<string, string>;
  /** True when the index differs from the previous one even before anything is read (new, gone, renamed items…). */
  readonly changed: boolean;
  /** Whether the object at a key is gone after this run (its delete ran, or it was never there). */
  readonly objectGone: (key: string) => boolean;
}

/** Files of the temporary directory the previous state and records are read into (the new ones have INDEX_FILES' names). */
const PREVIOUS_STATE_FILE = 'previous-state.jsonl.gz';
const PREVIOUS_RECORDS_FILE = 'previous-records.jsonl.gz';

async function loadPrevious(options: SyncOptions, env: SyncEnv, stateKey: string, input: ContextInput, dir: string): Promise<PreviousState> {
  const { folderKeys, documentKeys } = assignKeys(input.tree, options.s3Prefix);
  const sameKey = keyHeldBy(input);
  for (const keys of [folderKeys, documentKeys]) for (const [id, key] of keys) keys.set(id, sameKey(key));
  const listing = new ContextListing(input.tree, folderKeys, documentKeys, options.s3Prefix, sameKey);
  const stored = await readContextState(env.s3, options.s3BucketName, stateKey, path.join(dir, PREVIOUS_STATE_FILE), env.signal);
  const objectGone = goneAfterRun(input);
  const names = new Map<string, string>();
  const toFetch: string[] = [];
  const previousLineHash = new Map<string, string>();
  const seen = new Set<string>();
  let changed = false;
  /** Records whose item the listing does not show: whether they stay is decided from their keys, in the records. */
  let unlisted = 0;
  let header: ContextStateHeader | undefined;
  let usable = stored.state === 'found';

  if (stored.state === 'found') {
    try {
      header = await readStateLines(stored.file, (state) => {
        // The listing's equal string where it has one: `seen` then keeps no copy of 150,000 identities read.
        const identity = listing.heldIdentity(state[0]) ?? state[0];
        if (seen.has(identity)) {
          changed = true; // a repeated record is dropped
          return;
        }
        seen.add(identity);
        const current = listing.item(identity);
        if (current === undefined) {
          unlisted++;
          return;
        }
        if (needsFetchByState(state, current, options.metadataRefresh || (current.history !== true && input.touched?.has(current.id) === true))) {
          toFetch.push(identity);
          previousLineHash.set(identity, state[5]);
          return;
        }
        if (state[2] !== fingerprintOf(current)) changed = true;
      });
      for (const [id, name] of Object.entries(header.names ?? {})) names.set(id, name);
      if (header.rootFolderId !== input.rootFolderId || header.metadata !== options.metadata) changed = true;
    } catch (error) {
      env.logger.log('warning', `the previous metadata index is unreadable (${describeError(error)}): every item's context is read again`);
      usable = false;
    }
    rmSync(stored.file, { force: true }); // read once: its disk space is not held while the context is read
  }
  let records: string | undefined;
  // The records themselves (a second GET) only when the index is written: a no-op run reads the short state alone.
  if (usable && !options.dryRun && (changed || toFetch.length > 0 || unlisted > 0 || listing.ids().some((id) => !seen.has(id)))) {
    try {
      const storedRecords = await readContextState(env.s3, options.s3BucketName, contextRecordsKey(options.s3Prefix), path.join(dir, PREVIOUS_RECORDS_FILE), env.signal);
      if (storedRecords.state !== 'found') throw new Error('its records are missing');
      records = storedRecords.file;
      await readRecords(records, (record) => {
        if (listing.item(identityOf(record)) === undefined && recordLeaves(record, listing, input, objectGone)) changed = true;
      });
    } catch (error) {
      env.logger.log('warning', `the previous metadata index is unreadable (${describeError(error)}): every item's context is read again`);
      usable = false;
      if (records !== undefined) rmSync(records, { force: true });
      records = undefined;
    }
  } else if (usable && unlisted > 0) {
    changed = true; // a dry run does not read the records: an item gone may leave the index
  }
  if (!usable) {
    header = undefined;
    toFetch.length = 0;
    previousLineHash.clear();
    seen.clear();
    changed = true;
  }
  for (const id of listing.ids()) {
    if (!seen.has(id)) {
      toFetch.push(id);
      changed = true;
    }
  }
  if (toFetch.length > 0 || changed) {
    env.logger.log('info', `metadata: ${usable ? 'index read' : 'no index yet'}; the context of ${toFetch.length} item(s) is read${options.metadataRefresh ? ' (metadata_refresh)' : ''}`);
  }
  return { listing, records, header, toFetch, previousLineHash, names, changed, objectGone };
}

/**
 * The equal key string the run already holds (the bucket listing's, a report item's), else the key itself: the keys
 * computed again here would otherwise be a second copy of each (on a site of 100,000 documents some 15 MB held
 * while the context is read).
 */
function keyHeldBy(input: ContextInput): (key: string) => string {
  const held = new Map<string, string>();
  for (const object of input.inventory) held.set(object.key, object.key);
  for (const item of input.items) if (!held.has(item.key)) held.set(item.key, item.key);
  return (key) => held.get(key) ?? key;
}

/**
 * The lines of a local gzip file (a stored state or records object as read), decoded as they are read: a damaged
 * file (not gzip, cut short) throws. A reader that stops early leaves nothing open or decompressing behind.
 */
async function* gzipLines(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
    gunzip.destroy();
    source.destroy();
  }
}

/** Calls `each` for every line of a stored state (its local file); returns its header. */
async function readStateLines(file: string, each: (state: StateLine) => void): Promise<ContextStateHeader> {
  let header: ContextStateHeader | undefined;
  for await (const line of gzipLines(file)) {
    if (header === undefined) {
      const parsed = parseStateHeader(line);
      if (typeof parsed === 'string') throw new Error(parsed);
      header = parsed;
      continue;
    }
    const state = line === '' ? undefined : parseStateLine(line);
    if (state !== undefined) each(state);
  }
  if (header === undefined) throw new Error('it is empty');
  return header;
}

/**
 * Whether the record of an item the listing no longer shows leaves the index: when another item of this run holds its
 * key now, or (the listing complete) its object is gone. It stays while its object stays (a refused delete).
 */
function recordLeaves(record: ContextRecord, listing: ContextListing, input: ContextInput, objectGone: (key: string) => boolean): boolean {
  return listing.hasKey(record.key) || (input.listingComplete && objectGone(record.key));
}

/** Whether this run knows other usernames than the index was written with (a new comment author, a new user). */
function namesChanged(previous: PreviousState): boolean {
  const written = previous.header?.names ?? {};
  return previous.names.size !== Object.keys(written).length || [...previous.names].some(([id, name]) => written[id] !== name);
}

/** A previous record that is not read again, with this run's listing fields (a rename changes its path and key). */
function carriedOver(current: ListedItem, record: ContextRecord, names: ReadonlyMap<string, string>): ContextRecord {
  // An older version never changes: only its place does (a rename or move of its document). Its listing fields
  // are the recorded ones, since a run that does not describe the document rebuilds the version from the manifest.
  if (current.history === true) return { ...record, path: current.path, key: current.key };
  const fetched = fetchedPartOf(record);
  return recordOf(current, { ...fetched, permissions: namedPermissions(fetched.permissions, names) }, record.complete);
}

/**
 * The keys whose object is gone once this run is over: its delete or archive move was done (or, in a dry run,
 * is planned), nothing was there and nothing was written there, or what is there is not this tool's (foreign). A record whose object stays (a refused
 * delete, a listing that failed) stays in the index.
 */
function goneAfterRun(input: ContextInput): (key: string) => boolean {
  let removed: Set<string> | undefined;
  let present: Set<string> | undefined;
  return (key) => {
    removed ??= new Set(input.items.filter((i) => (i.action === 'delete' || i.action === 'archive') && (i.outcome === 'done' || i.outcome === 'planned')).map((i) => i.key));
    present ??= new Set([...input.inventory.map((o) => o.key), ...input.items.filter((i) => (i.action === 'upload' || i.action === 'copy') && i.outcome === 'done').map((i) => i.key)]);
    return removed.has(key) || !present.has(key) || input.foreign?.has(key) === true;
  };
}

/** The lines of stored records (their local file): the header first, then each record with its line. Throws when it is not one. */
async function* stateRecords(file: string): AsyncGenerator<{ readonly header: ContextStateHeader } | { readonly record: ContextRecord; readonly line: string }> {
  let header: ContextStateHeader | undefined;
  for await (const line of gzipLines(file)) {
    if (header === undefined) {
      const parsed = parseStateHeader(line);
      if (typeof parsed === 'string') throw new Error(parsed);
      header = parsed;
      yield { header };
      continue;
    }
    if (line === '') continue;
    const record = parseRecordLine(line);
    if (record !== undefined) yield { record, line };
  }
  if (header === undefined) throw new Error('it is empty');
}

/** Calls `each` for every record of stored records (their local file); returns its header. */
async function readRecords(file: string, each: (record: ContextRecord, line: string) => void): Promise<ContextStateHeader> {
  let header: ContextStateHeader | undefined;
  for await (const entry of stateRecords(file)) {
    if ('header' in entry) header = entry.header;
    else each(entry.record, entry.line);
  }
  return header!;
}

function serialize(record: ContextRecord): string {
  return JSON.stringify(record);
}


// ---------------------------------------------------------------------------------------------------
// Reading from WorkDocs and writing the files

interface Fetched {
  /** Failure items (action metadata, reason context). */
  readonly items: ReportItem[];
  /** Ids whose context failed, with what was read of it. */
  readonly failed: Map<string, FetchedContext>;
  /** Ids read whose record differs from the previous one (or that had none). */
  changed: number;
  /** Ids read completely: their records are in the spool file. */
  readonly done: Set<string>;
  readonly requests: number;
}

/** The reads and writes of a run that may write the index, in `dir` (recordContext's temporary directory, removed by it). */
class ContextWork {
  constructor(
    private readonly options: SyncOptions,
    private readonly env: SyncEnv,
    private readonly input: ContextInput,
    private readonly previous: PreviousState,
    private readonly dir: string,
  ) {}

  /** Reads every item of toFetch (bounded), spooling the records to a local file as they come. */
  async fetch(): Promise<Fetched> {
    const { listing, toFetch, previousLineHash, names } = this.previous;
    if (this.options.workdocsOrganizationId !== '' && toFetch.length > 0) await this.nameUsers(names);
    const spool = new LineFile(path.join(this.dir, 'fetched.jsonl'));
    const result: Fetched = { items: [], failed: new Map(), changed: 0, done: new Set(), requests: 0 };
    let requests = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toFetch.length) {
        const id = toFetch[next++]!;
        const item = listing.item(id)!;
        let read: ContextRead;
        try {
          read = item.type === 'folder' ? await readFolderContext(this.env.workdocs, item.id, this.env.signal)
            : item.history === true ? await readVersionContext(this.env.workdocs, item.id, item.versionId!, this.env.signal)
              : await readDocumentContext(this.env.workdocs, item.id, item.versionId!, this.env.signal);
        } catch (error) {
          if (this.env.signal?.aborted) throw error;
          read = { fetched: NOTHING_FETCHED, errors: [describeError(error)], requests: 0 };
        }
        requests += read.requests;
        if (read.errors.length > 0) {
          result.failed.set(id, read.fetched);
          const error = `its ${item.type === 'document' ? 'comments, permissions or custom metadata' : 'permissions or custom metadata'} could not be read (${read.errors.join('; ')}); the index keeps what it had, and the next run reads it again`;
          this.env.logger.log('error', `metadata of ${JSON.stringify(item.key)}: ${error}`);
          result.items.push({ action: 'metadata', key: item.key, outcome: 'failed', reason: 'context', ...(item.type === 'document' ? { documentId: item.id, versionId: item.versionId! } : {}), error });
          continue;
        }
        namesIn({ comments: read.fetched.comments ?? [], permissions: [] }, names);
        const record = recordOf(item, { ...read.fetched, permissions: namedPermissions(read.fetched.permissions, names) }, true);
        const line = serialize(record);
        if (previousLineHash.get(id) !== shortHash(line)) result.changed++;
        spool.write(line + '\n');
        result.done.add(id);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.maxWorkers, toFetch.length)) }, worker));
    } finally {
      spool.close();
    }
    this.env.logger.log('info', `metadata: the context of ${result.done.size} item(s) read (${requests} WorkDocs requests)${result.failed.size > 0 ? `, ${result.failed.size} failed` : ''}`);
    return { ...result, requests };
  }

  /** A site's usernames (DescribeUsers, one page per 999 users): permissions name their principals by id only. */
  private async nameUsers(names: Map<string, string>): Promise<void> {
    try {
      const { users } = await describeSiteUsers(this.env.workdocs, this.options.workdocsOrganizationId, this.env.signal);
      for (const user of users) names.set(user.id, user.username);
    } catch (error) {
      this.env.logger.log('warning', `metadata: the site's users could not be listed (${describeError(error)}): permissions name users by id only`);
    }
  }

  /**
   * Writes the index files (and sidecars) from the previous records, the ones just read and the items read for
   * the first time that failed, in that order: the previous order is kept, new items come last.
   */
  async write(fetched: Fetched): Promise<ReportItem[]> {
    const { options, env, previous } = this;
    const { listing, names, objectGone } = previous;
    const prefix = options.s3Prefix;
    const files = {
      documents: new CsvFile(path.join(this.dir, INDEX_FILES.documents), DOCUMENT_COLUMNS),
      folders: new CsvFile(path.join(this.dir, INDEX_FILES.folders), FOLDER_COLUMNS),
      comments: new CsvFile(path.join(this.dir, INDEX_FILES.comments), COMMENT_COLUMNS),
      permissions: new CsvFile(path.join(this.dir, INDEX_FILES.permissions), PERMISSION_COLUMNS),
      jsonl: new LineFile(path.join(this.dir, INDEX_FILES.jsonl)),
    };
    const stateLines = new LineFile(path.join(this.dir, 'state-lines.jsonl'));
    const sidecars = options.metadata === 'sidecars' ? new SidecarWriter(options, env) : undefined;
    const sidecarsWereWritten = previous.header?.metadata === 'sidecars';
    const staleSidecars: string[] = [];
    const emitted = new Set<string>();
    let documents = 0;
    let folders = 0;
    /** `changed`: the record differs from the previous index's (its sidecar is written again). */
    const emit = async (record: ContextRecord, changed: boolean): Promise<void> => {
      const line = serialize(record);
      files.jsonl.write(line + '\n');
      stateLines.write(JSON.stringify(stateLineOf(record, line)) + '\n');
      const csv = csvLinesOf(record);
      (record.type === 'document' ? files.documents : files.folders).write(csv.item);
      files.comments.write(csv.comments);
      files.permissions.write(csv.permissions);
      if (record.type === 'document') documents++;
      else folders++;
      if (sidecars && record.type === 'document' && (!sidecarsWereWritten || changed)) {
        await sidecars.put(sidecarKey(prefix, record.key), line, identityOf(record));
      }
    };

    if (previous.records !== undefined) {
      const removingAll = sidecarsWereWritten && options.metadata !== 'sidecars';
      for await (const entry of stateRecords(previous.records)) {
        if ('header' in entry) continue;
        const { record, line } = entry;
        const identity = identityOf(record);
        if (emitted.has(identity)) continue;
        emitted.add(identity);
        const current = listing.item(identity);
        const leaves = current === undefined && recordLeaves(record, listing, this.input, objectGone);
        // A sidecar goes with its record, or when its document moved away from the key; never while another item of this
        // run holds that key (its own sidecar is written there).
        const sidecarGone = record.type === 'document' && sidecarsWereWritten
          && (removingAll || (!listing.hasKey(record.key) && (leaves || (current !== undefined && record.key !== current.key && objectGone(record.key)))));
        if (sidecarGone) staleSidecars.push(sidecarKey(prefix, record.key));
        if (current === undefined) {
          if (!leaves) await emit(record, false);
          continue;
        }
        if (fetched.done.has(identity)) continue; // written from the spool below
        // Read this run but failed: the previous rows, marked incomplete so that the next run reads it again.
        const carried = carriedOver(current, record, names);
        const next = fetched.failed.has(identity) ? { ...carried, complete: false } : carried;
        await emit(next, serialize(next) !== line);
      }
    }
    if (fetched.done.size > 0) {
      const lines = createInterface({ input: createReadStream(path.join(this.dir, 'fetched.jsonl')), crlfDelay: Infinity });
      for await (const line of lines) {
        const record = parseRecordLine(line);
        if (record === undefined) continue;
        emitted.add(identityOf(record));
        const named = { ...record, permissions: namedPermissions(record.permissions, names) };
        await emit(named, shortHash(serialize(named)) !== previous.previousLineHash.get(identityOf(record)));
      }
    }
    // Items read for the first time whose context failed: what the listing says, and what was read.
    for (const id of listing.ids()) {
      if (emitted.has(id)) continue;
      const item = listing.item(id)!;
      await emit(recordOf(item, fetched.failed.get(id) ?? NOTHING_FETCHED, false), true);
    }

    const items: ReportItem[] = [];
    if (sidecars) items.push(...await sidecars.finish());
    if (staleSidecars.length > 0) {
      for (const outcome of await deleteKeys(env.s3, options.s3BucketName, staleSidecars, env.signal)) {
        items.push(outcome.error === undefined
          ? { action: 'metadata', key: outcome.key, outcome: 'done', reason: 'sidecar-removed' }
          : { action: 'metadata', key: outcome.key, outcome: 'failed', reason: 'sidecar-removed', error: outcome.error });
      }
    }

    // The index files, then the state: a state is written only after every file and sidecar it describes.
    const written: [string, string, string][] = [];
    for (const [name, file] of Object.entries(files)) written.push([file.close(), INDEX_FILES[name as keyof typeof files], name === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8']);
    let bytes = 0;
    const failures: string[] = [];
    await Promise.all(written.map(async ([file, name, contentType]) => {
      const key = indexPrefix(prefix) + name;
      try {
        const size = await putFile(env.s3, options.s3BucketName, key, { path: file, md5: await fileMd5(file), contentType }, env.signal);
        bytes += size;
        items.push({ action: 'metadata', key, outcome: 'done', reason: 'index', bytes: size });
      } catch (error) {
        failures.push(name);
        items.push({ action: 'metadata', key, outcome: 'failed', reason: 'index', error: describeError(error) });
      }
    }));
    const stateKey = contextStateKey(prefix);
    // A failed sidecar does not hold the state back (it records which sidecars exist, so that a switch to `index`
    // removes them): its record is marked incomplete there, and the next run reads it and writes its sidecar again.
    if (failures.length > 0 || items.some((i) => i.outcome === 'failed' && i.reason !== 'sidecar')) {
      env.logger.log('error', `metadata: the index state was not written (${failures.length > 0 ? `${failures.join(', ')} failed` : 'a sidecar could not be removed'}): the next run writes the index again`);
      return items;
    }
    if (sidecars && sidecars.failed.size > 0) await markIncomplete(stateLines.close(), sidecars.failed);
    // The records first, the short state last: a state always describes records that are stored.
    const headerLine = this.headerLine(documents, folders);
    for (const [key, file, reason] of [
      [contextRecordsKey(prefix), await gzipWithHeader(headerLine, files.jsonl.path, path.join(this.dir, INDEX_FILES.records)), 'index'],
      [stateKey, await gzipWithHeader(headerLine, stateLines.close(), path.join(this.dir, INDEX_FILES.state)), 'state'],
    ] as const) {
      try {
        const size = await putFile(env.s3, options.s3BucketName, key, { path: file, md5: await fileMd5(file), contentType: 'application/gzip' }, env.signal);
        bytes += size;
        items.push({ action: 'metadata', key, outcome: 'done', reason, bytes: size });
      } catch (error) {
        items.push({ action: 'metadata', key, outcome: 'failed', reason, error: describeError(error) });
        break;
      }
    }
    env.logger.log('info', `metadata index written: ${documents} documents, ${folders} folders (${formatBytes(bytes)})${sidecars ? `, ${sidecars.written} sidecar(s)` : ''}${staleSidecars.length > 0 ? `, ${staleSidecars.length} sidecar(s) removed` : ''}`);
    return items;
  }

  /** The header line of the records and the state this run writes. */
  private headerLine(documents: number, folders: number): string {
    return stateHeaderLine({
      rootFolderId: this.input.rootFolderId, metadata: this.options.metadata as 'index' | 'sidecars', documents, folders, writtenAt: new Date(this.env.now()).toISOString(),
      names: Object.fromEntries([...this.previous.names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    });
  }
}

/** A local file written through one buffer (BufferedFileWriter); close() returns its path. */
class LineFile {
  private readonly fd: number;
  private readonly writer: BufferedFileWriter;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    this.writer = new BufferedFileWriter(this.fd);
  }

  write(text: string): void {
    if (text !== '') this.writer.write(text);
  }

  close(): string {
    if (!this.closed) {
      this.writer.flush();
      closeSync(this.fd);
      this.closed = true;
    }
    return this.path;
  }
}

/** A CSV file: the byte order mark and the header line, then rows. */
class CsvFile extends LineFile {
  constructor(file: string, columns: readonly string[]) {
    super(file);
    this.write(CSV_BOM + csvLine(columns));
  }
}

/** Sidecar PUTs, at most max_workers at once; the writer waits for a slot, so pending bodies stay few. */
class SidecarWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly items: ReportItem[] = [];
  written = 0;

  constructor(private readonly options: SyncOptions, private readonly env: SyncEnv) {}

  /** Identities whose sidecar could not be written: the state marks them incomplete, so the next run writes it. */
  readonly failed = new Set<string>();

  async put(key: string, body: string, identity: string): Promise<void> {
    while (this.inFlight.size >= Math.max(1, this.options.maxWorkers)) await Promise.race(this.inFlight);
    const { storageClass, tags } = this.options.objectSettings;
    const sending: Promise<void> = putSidecar(this.env.s3, this.options.s3BucketName, key, body, { storageClass, tags }, this.env.signal).then(() => {
      this.written++;
      this.items.push({ action: 'metadata', key, outcome: 'done', reason: 'sidecar' });
    }, (error: unknown) => {
      this.failed.add(identity);
      this.items.push({ action: 'metadata', key, outcome: 'failed', reason: 'sidecar', error: describeError(error) });
    }).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  async finish(): Promise<ReportItem[]> {
    await Promise.all(this.inFlight);
    return this.items;
  }
}

/** Rewrites a file of state lines with the given identities marked incomplete. */
async function markIncomplete(file: string, identities: ReadonlySet<string>): Promise<void> {
  const marked = new LineFile(`${file}.marked`);
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const state = parseStateLine(line);
    // No line hash either: what the next run reads for it counts as changed, and its sidecar is written.
    marked.write(state !== undefined && identities.has(state[0]) ? JSON.stringify([state[0], state[1], state[2], 0, state[4], '']) + '\n' : `${line}\n`);
  }
  marked.close();
  renameSync(`${file}.marked`, file);
}

/** A header line, then a local file's lines, gzip-compressed into `target`. */
async function gzipWithHeader(header: string, source: string, target: string): Promise<string> {
  async function* body(): AsyncGenerator<Buffer | string> {
    yield header + '\n';
    for await (const chunk of createReadStream(source)) yield chunk as Buffer;
  }
  await pipeline(Readable.from(body()), createGzip(), createWriteStream(target));
  return target;
}

async function fileMd5(file: string): Promise<Buffer> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest();
}
