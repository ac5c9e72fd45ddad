/**
 * plan(): every decision of a sync run, as one pure function of the source tree, the destination inventory
 * and the manifest. No I/O, no clock, no randomness: the executor only carries the plan out.
 */
import { historyKeys } from './history.js';
import { archiveKeyOf, assignKeys, isManagedKey, RESERVED_SEGMENT, type DuplicateGroup } from './keys.js';
import { isPlainMd5, trustedManifest } from './manifest.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceTree } from './types.js';

export const VERSION_METADATA = 'workdocs-version-id';
export const DOCUMENT_METADATA = 'workdocs-document-id';
/** The WorkDocs folder a document object was mirrored from: with the manifest lost, the prefix's source is still known. */
export const SOURCE_METADATA = 'workdocs-source-folder-id';
/** Carried by the folder markers this tool writes, so that they are recognisably its own. */
export const FOLDER_METADATA = 'workdocs-folder-id';
/** Written into an archive area when a run first archives there: what lies beside it is never stale. */
export const ARCHIVE_MARK = `${RESERVED_SEGMENT}/archive.json`;

/**
 * `renamed`: a rename whose copy could not be ordered safely (a swap, a rotation), or whose source lies in an archive
 * storage class (ARCHIVE_STORAGE_CLASSES), so the version is downloaded again.
 */
export type UploadReason = 'new' | 'changed' | 'missing' | 'modified-in-bucket' | 'unverified' | 'renamed';

export type PlannedAction =
  /** `refused`: not done, and why (a foreign object holds the key); `stage`: see Plan.stages. */
  | { readonly kind: 'upload'; readonly key: string; readonly doc: SourceDocument; readonly reason: UploadReason; readonly stage?: number; readonly refused?: string }
  /**
   * Server-side copy of an object that already holds this exact version (a rename or move in WorkDocs), sent on
   * condition that the source still has `fromEtag`: a source that changed meanwhile fails the copy, never a wrong copy.
   */
  | { readonly kind: 'copy'; readonly key: string; readonly fromKey: string; readonly fromEtag: string; readonly doc: SourceDocument; readonly reason: 'renamed'; readonly stage?: number }
  | { readonly kind: 'skip'; readonly key: string; readonly doc: SourceDocument; readonly reason: 'unchanged' | 'adopted' }
  | { readonly kind: 'marker'; readonly key: string; readonly folderId: string }
  /**
   * `reason`: `moved` when the object's exact version stays at `keptAt` after the run (a rename, a move: nothing is
   * lost, and it may go only once `keptAt` holds it), `stale` when its content leaves the mirror.
   */
  | { readonly kind: 'delete'; readonly key: string; readonly size: number; readonly reason: StaleReason; readonly keptAt?: string }
  | { readonly kind: 'archive'; readonly key: string; readonly toKey: string; readonly size: number; readonly reason: StaleReason; readonly keptAt?: string };

export type StaleReason = 'moved' | 'stale';

/**
 * Which folders get a zero-byte `folder/` marker: `empty` only those with nothing below them (S3 keeps no other
 * trace of an empty folder; a non-empty one shows as a prefix anyway), `all` every folder like the original.
 */
export type FolderMarkers = 'empty' | 'all' | 'none';

export type StaleAction = Extract<PlannedAction, { kind: 'delete' | 'archive' }>;

export interface PlanOptions {
  /** Normalized destination prefix ('' or ending in '/'). */
  readonly prefix: string;
  /** Normalized archive prefix; '' deletes instead of archiving. */
  readonly archivePrefix: string;
  /** A folder under the archive prefix for this run, e.g. its start time; makes archive keys unique per run. */
  readonly archiveRunFolder: string;
  readonly deleteStale: boolean;
  readonly maxDelete: { readonly count: number | undefined; readonly percent: number | undefined };
  readonly folderMarkers: FolderMarkers;
  /** False when any part of the source or destination listing failed: then nothing may be deleted. */
  readonly listingComplete: boolean;
  /** Objects this tool did not write are deleted and overwritten like its own (rclone sync's semantics). */
  readonly deleteForeign?: boolean;
  /** Folders whose listing failed: they get no marker (what they hold is unknown). */
  readonly unlistedFolders?: ReadonlySet<string>;
  /**
   * False when the transfers do not run in one executor (scale-out shards): copies then cannot wait for one
   * another, so a copy whose source the plan rewrites becomes an upload. Default true.
   */
  readonly orderedCopies?: boolean;
}

export interface Plan {
  readonly actions: readonly PlannedAction[];
  /** Set when stale objects exist but must not be removed; the executor then leaves them alone. */
  readonly deletesBlocked: string | undefined;
  readonly duplicates: readonly DuplicateGroup[];
  /** Items whose parent chain does not reach the root: not copied, reported. */
  readonly unreachable: readonly string[];
  /** Objects under the prefix that hold this tool's content (the base of max_delete percentages). */
  readonly managedCount: number;
  /** Objects under the prefix that this tool did not write, with their ETags: left alone, and remembered. */
  readonly foreign: ReadonlyMap<string, string>;
  /** The deletes (or archive moves) that lose content, the ones max_delete bounds; `moved` ones do not. */
  readonly removals: number;
  /** `versions: all`: the histories the manifest records after this run (SourceTree.histories); undefined otherwise. */
  readonly histories?: ReadonlyMap<string, readonly string[]>;
}

/** The manifest's entries that still describe their objects, and the keys it recorded at all (the tool's own). */
export interface ManifestView {
  /** Entries the listing does not contradict (see trustedManifest). */
  readonly trusted: Manifest;
  /** The manifest as read: every key it lists is this tool's, whatever is there now. */
  readonly recorded: Manifest;
}

/** Both views of a manifest as read, against this listing. */
export function viewOf(manifest: Manifest, inventory: readonly InventoryObject[]): ManifestView {
  return { trusted: trustedManifest(manifest, inventory), recorded: manifest };
}

/**
 * The prefix's source as the probed objects tell it (SOURCE_METADATA), for a prefix whose manifest is lost: another
 * WorkDocs folder when objects name one and none names `rootId`. Undefined when objects name this folder too (the
 * others are then another mirror's, foreign here), or none names any (objects of older versions carry no source).
 */
export function otherSourceIn(inventory: readonly InventoryObject[], rootId: string): string | undefined {
  let other: string | undefined;
  for (const object of inventory) {
    const source = object.metadata?.[SOURCE_METADATA];
    if (source === rootId) return undefined;
    if (source !== undefined) other ??= source;
  }
  return other;
}

/** A zero-byte `folder/` object: a folder marker, whoever wrote it; it holds nothing that a delete could lose. */
export function isMarkerObject(object: Pick<InventoryObject, 'key' | 'size'>): boolean {
  return object.size === 0 && object.key.endsWith('/');
}

/** Metadata that names a WorkDocs item: written by this tool, or by the original folder_sync.py (version id only). */
export function isOwnedByMetadata(metadata: Readonly<Record<string, string>>): boolean {
  return metadata[VERSION_METADATA] !== undefined || metadata[DOCUMENT_METADATA] !== undefined || metadata[FOLDER_METADATA] !== undefined;
}

/**
 * The keys whose metadata must be read (HeadObject) before planning: objects with no trusted manifest entry that
 * may hold the wanted version (adoption), and objects nobody has said whose they are (ownership), each once: a
 * foreign object remembered with its ETag is not asked about again.
 */
export function keysToProbe(source: SourceTree, inventory: readonly InventoryObject[], view: ManifestView, options: Pick<PlanOptions, 'prefix' | 'archivePrefix' | 'deleteForeign'> & { readonly manifestLost?: boolean }): string[] {
  const { trusted, recorded } = view;
  const unknown = (o: InventoryObject): boolean => o.metadata === undefined && !trusted.entries.has(o.key);
  // Most runs have no such object (an empty bucket, a complete manifest): then the keys are not worth computing.
  if (!inventory.some(unknown)) return [];
  const { documentKeys } = assignKeys(source, options.prefix);
  const sizeWanted = new Map<string, number>();
  for (const doc of source.documents) {
    const key = documentKeys.get(doc.id);
    if (key !== undefined) sizeWanted.set(key, doc.size);
  }
  for (const [version, key] of historyKeys(source.versions ?? [], documentKeys, options.prefix)) sizeWanted.set(key, version.size);
  const archives = archiveAreas(inventory, options.archivePrefix);
  const probes: string[] = [];
  for (const object of inventory) {
    if (!unknown(object) || !isManagedKey(object.key, options.prefix) || inArchiveArea(object.key, archives)) continue;
    const adoptable = sizeWanted.get(object.key) === object.size;
    // With the manifest lost, even delete_foreign asks: the objects' metadata is all that says which folder they mirror.
    const ownerUnknown = (options.deleteForeign !== true || options.manifestLost === true) && !recorded.entries.has(object.key) && !isMarkerObject(object)
      && recorded.foreign?.get(object.key) !== object.etag;
    if (adoptable || ownerUnknown) probes.push(object.key);
  }
  return probes.sort();
}

export function plan(source: SourceTree, inventory: readonly InventoryObject[], manifest: Manifest | ManifestView, options: PlanOptions): Plan {
  const { trusted, recorded } = 'trusted' in manifest ? manifest : viewOf(manifest, inventory);
  const { documentKeys, folderKeys, duplicates, unreachable } = assignKeys(source, options.prefix);
  const history = historyKeys(source.versions ?? [], documentKeys, options.prefix);
  const byKey = indexInventory(inventory);
  const wanted = new Set<string>([...documentKeys.values(), ...folderKeys.values(), ...history.map(([, key]) => key)]);
  const archives = archiveAreas(inventory, options.archivePrefix);
  const owner = ownerOf(trusted, recorded, options.deleteForeign === true, source.rootId);
  // The prefix's own marker object (`backup/`) is not a mirrored item, and archive areas are never stale.
  const underPrefix = inventory.filter((o) => isManagedKey(o.key, options.prefix) && !inArchiveArea(o.key, archives));
  const foreign = new Map<string, string>();
  const owned: InventoryObject[] = [];
  for (const object of underPrefix) {
    if (owner(object) === 'foreign') foreign.set(object.key, object.etag);
    else owned.push(object);
  }
  // A document whose versions could not be listed keeps every object of its own: which of them are stale is unknown.
  const held = source.historyFailures;
  const stale = owned.filter((o) => !wanted.has(o.key) && (held === undefined || held.size === 0 || !held.has(documentOf(o, recorded.entries.get(o.key)) ?? '')));
  const staleKeys = new Set(stale.map((o) => o.key));
  // Only a document that is not skipped needs it: a no-op run of 100,000 documents never builds it.
  let copySources: ReadonlyMap<string, CopySource> | undefined;
  const copySourcesOnce = (): ReadonlyMap<string, CopySource> => (copySources ??= indexCopySources(trusted, byKey, staleKeys, owned));

  const transfers: PlannedAction[] = [];
  const decide = (doc: SourceDocument, computed: string): void => {
    const object = byKey.get(computed);
    // The listed object's equal key string: a run of 100,000 documents then holds each key once, not twice.
    const key = object?.key ?? computed;
    const action = decideDocument(doc, key, object, trusted.entries.get(key), recorded.entries.get(key), copySourcesOnce);
    const heldBecause = held?.get(doc.id);
    if (heldBecause !== undefined) transfers.push({ ...asUpload(action), refused: `kept as the bucket has it: its versions could not be listed (${heldBecause})` });
    else if (object !== undefined && foreign.has(key) && action.kind !== 'skip') transfers.push({ ...asUpload(action), refused: 'kept: an object this tool did not write holds this key (delete_foreign replaces it)' });
    else transfers.push(action);
  };
  for (const doc of [...source.documents].sort(byId)) {
    const computed = documentKeys.get(doc.id);
    if (computed !== undefined) decide(doc, computed);
  }
  // Older versions are desired objects like the documents: skipped, copied (the old latest, or a rename) or uploaded.
  for (const [version, key] of history) decide(version, key);
  const actions = orderCopies(transfers, options.orderedCopies !== false);
  if (options.folderMarkers !== 'none') {
    const occupied = options.folderMarkers === 'empty' ? occupiedFolders(documentKeys, folderKeys) : undefined;
    for (const [folderId, key] of [...folderKeys].sort((a, b) => compare(a[1], b[1]))) {
      if (!byKey.has(key) && !occupied?.has(key) && options.unlistedFolders?.has(folderId) !== true) actions.push({ kind: 'marker', key, folderId });
    }
  }

  const content = owned.filter((o) => !isMarkerObject(o));
  let deletesBlocked: string | undefined;
  let removals = 0;
  if (options.deleteStale && stale.length > 0) {
    const keptAt = keptVersions(actions);
    const staleActions: StaleAction[] = [];
    for (const object of [...stale].sort((a, b) => compare(a.key, b.key))) {
      const kept = keptAt.get(versionOf(object, recorded.entries.get(object.key)) ?? '');
      const base = { key: object.key, size: object.size, reason: kept !== undefined ? 'moved' as const : 'stale' as const, ...(kept !== undefined ? { keptAt: kept } : {}) };
      if (kept === undefined && !isMarkerObject(object)) removals++;
      staleActions.push(options.archivePrefix !== ''
        ? { kind: 'archive', toKey: archiveKey(object.key, options), ...base }
        : { kind: 'delete', ...base });
    }
    deletesBlocked = deleteRefusal(removals, content.length, options);
    actions.push(...staleActions);
  }
  // Checked on every run, not only when something is stale: an item mirrored into the archive area is never found
  // stale there (archived objects are not the mirror's), so a deleted one would stay in the mirror without a word.
  if (options.deleteStale) deletesBlocked ??= archiveOverlap(wanted, options.archivePrefix);
  return { actions, deletesBlocked, duplicates, unreachable, managedCount: content.length, foreign, removals, ...(source.histories !== undefined ? { histories: source.histories } : {}) };
}

/** Whose an object under the prefix is: this tool's (the manifest lists it, or its metadata names a WorkDocs item), or foreign. */
function ownerOf(trusted: Manifest, recorded: Manifest, deleteForeign: boolean, rootId: string): (object: InventoryObject) => 'own' | 'foreign' {
  return (object) => {
    if (deleteForeign || trusted.entries.has(object.key) || recorded.entries.has(object.key)) return 'own';
    // A zero-byte folder marker holds nothing: whoever wrote it, removing it loses nothing.
    if (isMarkerObject(object)) return 'own';
    // Another mirror's object (a prefix nested in this one, say) is not this mirror's to delete.
    if (object.metadata !== undefined && isOwnedByMetadata(object.metadata) && (object.metadata[SOURCE_METADATA] ?? rootId) === rootId) return 'own';
    // Not probed (HeadObject failed) counts as foreign too: what is not known to be ours is left alone.
    return 'foreign';
  };
}

/** Archive areas: the configured one, and every one an earlier run marked (ARCHIVE_MARK) under the listing. */
export function archiveAreas(inventory: readonly InventoryObject[], archivePrefix: string): string[] {
  const areas = archivePrefix === '' ? [] : [archivePrefix];
  for (const object of inventory) {
    if (object.key === ARCHIVE_MARK || object.key.endsWith(`/${ARCHIVE_MARK}`)) areas.push(object.key.slice(0, -ARCHIVE_MARK.length));
  }
  return areas;
}

function inArchiveArea(key: string, areas: readonly string[]): boolean {
  return areas.some((area) => key.startsWith(area));
}

/** The document a listed object holds, from its manifest entry or its metadata. */
function documentOf(object: InventoryObject, entry: ManifestEntry | undefined): string | undefined {
  return entry?.documentId ?? object.metadata?.[DOCUMENT_METADATA];
}

/** `documentId/versionId` of what a stale object holds, from its manifest entry or its metadata. */
function versionOf(object: InventoryObject, entry: ManifestEntry | undefined): string | undefined {
  if (entry !== undefined) return `${entry.documentId}/${entry.versionId}`;
  const documentId = object.metadata?.[DOCUMENT_METADATA];
  const versionId = object.metadata?.[VERSION_METADATA];
  return documentId !== undefined && versionId !== undefined ? `${documentId}/${versionId}` : undefined;
}

/** `documentId/versionId` → the key that holds that version once the planned transfers are done. */
function keptVersions(actions: readonly PlannedAction[]): Map<string, string> {
  const kept = new Map<string, string>();
  for (const action of actions) {
    if ((action.kind === 'upload' && action.refused === undefined) || action.kind === 'copy' || action.kind === 'skip') {
      kept.set(`${action.doc.id}/${action.doc.versionId}`, action.key);
    }
  }
  return kept;
}

function asUpload(action: Exclude<PlannedAction, { kind: 'marker' | 'delete' | 'archive' }>): Extract<PlannedAction, { kind: 'upload' }> {
  if (action.kind === 'upload') return action;
  return { kind: 'upload', key: action.key, doc: action.doc, reason: action.kind === 'copy' ? 'renamed' : 'changed' };
}

/**
 * Orders the copies before anything overwrites their sources: every write to a key waits for the copies that read
 * it (its stage is one more than theirs). A cycle of copies (two documents that swapped names, a rotation) has no
 * such order: one copy of it becomes an upload, which reads WorkDocs instead. Without ordering (shards), every copy
 * whose source the plan rewrites becomes an upload.
 */
export function orderCopies(transfers: readonly PlannedAction[], ordered: boolean): PlannedAction[] {
  const actions = [...transfers];
  const writers = new Map<string, number>();
  actions.forEach((a, i) => {
    if ((a.kind === 'upload' && a.refused === undefined) || a.kind === 'copy') writers.set(a.key, i);
  });
  const readers = new Map<string, number[]>();
  actions.forEach((a, i) => {
    if (a.kind !== 'copy' || !writers.has(a.fromKey)) return;
    if (!ordered) actions[i] = asUpload(a);
    else readers.set(a.fromKey, [...(readers.get(a.fromKey) ?? []), i]);
  });
  if (readers.size === 0) return actions;

  const stage = new Map<number, number>();
  const onPath = new Set<number>();
  const visit = (i: number): number => {
    const known = stage.get(i);
    if (known !== undefined) return known;
    onPath.add(i);
    let level = 0;
    for (const r of readers.get(actions[i]!.key) ?? []) {
      const reader = actions[r]!;
      if (reader.kind !== 'copy') continue; // became an upload while breaking a cycle: it reads nothing now
      if (onPath.has(r)) {
        actions[r] = asUpload(reader); // a cycle: this reader downloads instead of copying
        continue;
      }
      level = Math.max(level, visit(r) + 1);
    }
    onPath.delete(i);
    stage.set(i, level);
    return level;
  };
  // Keys in order, so that which copy of a cycle becomes an upload does not depend on the input's order.
  const order = [...writers.values()].sort((a, b) => compare(actions[a]!.key, actions[b]!.key));
  for (const i of order) visit(i);
  for (const [i, level] of stage) {
    const action = actions[i]!;
    if (level > 0 && (action.kind === 'upload' || action.kind === 'copy')) actions[i] = { ...action, stage: level };
  }
  return actions;
}

/**
 * Folder keys with a mirrored key directly below them: S3 shows those as prefixes without a marker. Decided on
 * keys, not on parent ids, because a child relocated for length does not lie under its folder's key.
 */
function occupiedFolders(documentKeys: ReadonlyMap<string, string>, folderKeys: ReadonlyMap<string, string>): Set<string> {
  const occupied = new Set<string>();
  for (const key of documentKeys.values()) occupied.add(parentKey(key));
  for (const key of folderKeys.values()) occupied.add(parentKey(key.slice(0, -1)));
  return occupied;
}

/** `a/b/c` → `a/b/` (segments never contain `/`: names are encoded). */
function parentKey(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

/** An object that holds a version, and what its bytes are known to be. */
interface CopySource {
  readonly key: string;
  readonly etag: string;
  /** The bytes' MD5 where only the object's metadata vouches for the version: it must be the Signature. */
  readonly md5?: string;
  /** In an archive storage class: it holds the version, but CopyObject cannot read it. */
  readonly archived?: boolean;
}

/**
 * Storage classes whose objects S3 reads (GetObject, CopyObject) only after a restore: InvalidObjectState otherwise.
 * GLACIER_IR and the Intelligent-Tiering access tiers below archive are read like STANDARD.
 */
export const ARCHIVE_STORAGE_CLASSES: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

export function isInArchiveClass(object: Pick<InventoryObject, 'storageClass'>): boolean {
  return object.storageClass !== undefined && ARCHIVE_STORAGE_CLASSES.has(object.storageClass);
}

/** The decision for one document: skip, copy from where the same version already lies, or upload. */
function decideDocument(
  doc: SourceDocument,
  key: string,
  object: InventoryObject | undefined,
  entry: ManifestEntry | undefined,
  recordedEntry: ManifestEntry | undefined,
  copySources: () => ReadonlyMap<string, CopySource>,
): Exclude<PlannedAction, { kind: 'marker' | 'delete' | 'archive' }> {
  if (object !== undefined) {
    if (entry !== undefined) {
      if (entry.documentId === doc.id && entry.versionId === doc.versionId && entry.size === doc.size && object.size === doc.size) {
        return { kind: 'skip', key, doc, reason: 'unchanged' };
      }
    } else if (object.metadata !== undefined && isAdoptable(doc, object, referenceMd5(doc, recordedEntry))) {
      return { kind: 'skip', key, doc, reason: 'adopted' };
    }
  }
  const from = copySources().get(doc.versionId);
  if (from !== undefined && from.key !== key && (from.md5 === undefined || doc.md5 === undefined || from.md5 === doc.md5)) {
    if (from.archived !== true) return { kind: 'copy', key, fromKey: from.key, fromEtag: from.etag, doc, reason: 'renamed' };
    // Only archived copies of the version exist: a restore takes hours, a download from WorkDocs does not.
    if (object === undefined && recordedEntry === undefined) return { kind: 'upload', key, doc, reason: 'renamed' };
  }
  if (object === undefined) return { kind: 'upload', key, doc, reason: recordedEntry !== undefined ? 'missing' : 'new' };
  if (recordedEntry !== undefined && entry === undefined) return { kind: 'upload', key, doc, reason: 'modified-in-bucket' };
  if (entry === undefined && object.metadata === undefined) return { kind: 'upload', key, doc, reason: 'unverified' };
  return { kind: 'upload', key, doc, reason: 'changed' };
}

/**
 * An object written by the original script (or a lost manifest's run) holds this version already: its metadata
 * names the version, and its bytes are shown to be the version's, by a single-part ETag or by reading them back
 * (keysToReadBack). Metadata alone is not enough: an overwrite can keep it.
 */
function isAdoptable(doc: SourceDocument, object: InventoryObject, reference: string | undefined): boolean {
  if (!namesVersion(doc, object)) return false;
  const md5 = listedMd5(object) ?? object.contentMd5;
  if (md5 === undefined) return false;
  return reference === undefined || md5 === reference;
}

/** What the version's bytes must hash to: its Signature, or (none given) the MD5 an earlier run recorded for it. */
function referenceMd5(doc: SourceDocument, recorded: ManifestEntry | undefined): string | undefined {
  if (doc.md5 !== undefined) return doc.md5;
  return recorded !== undefined && recorded.versionId === doc.versionId && recorded.md5 !== '' ? recorded.md5 : undefined;
}

function namesVersion(doc: SourceDocument, object: InventoryObject): boolean {
  const metadata = object.metadata ?? {};
  if (metadata[VERSION_METADATA] !== doc.versionId || object.size !== doc.size) return false;
  return metadata[DOCUMENT_METADATA] === undefined || metadata[DOCUMENT_METADATA] === doc.id;
}

/**
 * The objects whose bytes must be read back before plan(): probed ones whose metadata names the wanted version but
 * whose ETag does not show their MD5 (multipart, SSE-KMS), where a Signature (or a recorded MD5) can check them. Without the
 * read they would be uploaded again; with it, adopted only when the bytes are right.
 */
export function keysToReadBack(source: SourceTree, inventory: readonly InventoryObject[], prefix: string, recorded: Manifest = { entries: new Map() }): string[] {
  if (!inventory.some((o) => o.metadata !== undefined && listedMd5(o) === undefined && o.contentMd5 === undefined)) return [];
  const { documentKeys } = assignKeys(source, prefix);
  const byKey = indexInventory(inventory);
  const keys: string[] = [];
  const desired: [SourceDocument, string | undefined][] = [...source.documents.map((d): [SourceDocument, string | undefined] => [d, documentKeys.get(d.id)]), ...historyKeys(source.versions ?? [], documentKeys, prefix)];
  for (const [doc, key] of desired) {
    const object = key === undefined ? undefined : byKey.get(key);
    if (object?.metadata === undefined || referenceMd5(doc, recorded.entries.get(object.key)) === undefined || listedMd5(object) !== undefined || object.contentMd5 !== undefined) continue;
    if (isInArchiveClass(object)) continue; // GetObject would answer InvalidObjectState: it is uploaded again instead
    if (namesVersion(doc, object)) keys.push(object.key);
  }
  return keys.sort();
}

/**
 * The versions the bucket holds somewhere, as the manifest knows them; undefined when a listed object that the
 * manifest does not account for (no entry, not a remembered foreign object, not a folder marker) might hold any
 * version, as after a lost manifest. Then no document is certainly an upload before the plan (early uploads).
 */
export function versionsHeld(inventory: readonly InventoryObject[], manifest: Manifest): Set<string> | undefined {
  for (const object of inventory) {
    if (!manifest.entries.has(object.key) && !isMarkerObject(object) && manifest.foreign?.get(object.key) !== object.etag) return undefined;
  }
  return new Set([...manifest.entries.values()].map((e) => e.versionId));
}

/**
 * versionId → an object that holds that version, preferring stale keys: one the manifest vouches for, or (a lost
 * manifest) one whose metadata names the version and whose single-part ETag shows its bytes.
 */
function indexCopySources(manifest: Manifest, byKey: ReadonlyMap<string, InventoryObject>, staleKeys: ReadonlySet<string>, owned: readonly InventoryObject[]): Map<string, CopySource> {
  const sources = new Map<string, CopySource>();
  const offer = (versionId: string, source: CopySource): void => {
    const current = sources.get(versionId);
    if (current === undefined || isBetterCopySource(source, current, staleKeys)) sources.set(versionId, source);
  };
  for (const [key, entry] of manifest.entries) {
    const object = byKey.get(key);
    if (object === undefined || object.size !== entry.size) continue;
    offer(entry.versionId, { key, etag: object.etag, ...(isInArchiveClass(object) ? { archived: true } : {}) });
  }
  for (const object of owned) {
    const versionId = object.metadata?.[VERSION_METADATA];
    const md5 = listedMd5(object);
    if (versionId === undefined || md5 === undefined || manifest.entries.has(object.key)) continue;
    offer(versionId, { key: object.key, etag: object.etag, md5, ...(isInArchiveClass(object) ? { archived: true } : {}) });
  }
  return sources;
}

/**
 * Of two objects holding one version, one that CopyObject can read wins; then a stale one, moved rather than kept
 * twice; then the smaller key.
 */
function isBetterCopySource(source: CopySource, current: CopySource, staleKeys: ReadonlySet<string>): boolean {
  if ((source.archived === true) !== (current.archived === true)) return current.archived === true;
  const stale = staleKeys.has(source.key);
  return stale !== staleKeys.has(current.key) ? stale : compare(source.key, current.key) < 0;
}

/** Why deletes must not run, or undefined when they may. `removals`: deletes that lose content; `base`: content objects. */
export function deleteRefusal(removals: number, base: number, options: Pick<PlanOptions, 'listingComplete' | 'maxDelete'>): string | undefined {
  if (!options.listingComplete) return 'the listing had errors, so nothing is deleted';
  const { count, percent } = options.maxDelete;
  if (count !== undefined && removals > count) return `${removals} deletes exceed max_delete (${count})`;
  if (percent !== undefined && base > 0 && (removals / base) * 100 > percent) {
    return `${removals} deletes of ${base} objects (${((removals / base) * 100).toFixed(1)}%) exceed max_delete (${percent}%)`;
  }
  return undefined;
}

/** A WorkDocs item that maps under the archive prefix would be mixed with archived objects: refuse to clean up. */
function archiveOverlap(wanted: ReadonlySet<string>, archivePrefix: string): string | undefined {
  if (archivePrefix === '') return undefined;
  for (const key of wanted) {
    if (key.startsWith(archivePrefix)) return `WorkDocs content maps under archive_prefix (${JSON.stringify(key)}): choose an archive_prefix outside the mirror`;
  }
  return undefined;
}

/** Where a stale object goes in the archive: its key below the prefix, under this run's folder, within S3's key length. */
export function archiveKey(key: string, options: Pick<PlanOptions, 'prefix' | 'archivePrefix' | 'archiveRunFolder'>): string {
  return archiveKeyOf(`${options.archivePrefix}${options.archiveRunFolder}/`, key.slice(options.prefix.length));
}

function indexInventory(inventory: readonly InventoryObject[]): Map<string, InventoryObject> {
  return new Map(inventory.map((o) => [o.key, o]));
}

/** The MD5 of a listed object's bytes, when its ETag is that: a plain one, and HeadObject did not say SSE-KMS or SSE-C. */
export function listedMd5(object: InventoryObject): string | undefined {
  return isPlainMd5(object.etag) && object.etagIsOpaque !== true ? object.etag : undefined;
}

export { isPlainMd5, replacedSince, trustedManifest } from './manifest.js';

function byId(a: SourceDocument, b: SourceDocument): number {
  return compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
