/**
 * plan(): every decision of a sync run, as one pure function of the source tree, the destination inventory
 * and the manifest. No I/O, no clock, no randomness: the executor only carries the plan out.
 */
import { assignKeys, isManagedKey, type DuplicateGroup } from './keys.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceTree } from './types.js';

export const VERSION_METADATA = 'workdocs-version-id';
export const DOCUMENT_METADATA = 'workdocs-document-id';

export type UploadReason = 'new' | 'changed' | 'missing' | 'modified-in-bucket' | 'unverified';

export type PlannedAction =
  | { readonly kind: 'upload'; readonly key: string; readonly doc: SourceDocument; readonly reason: UploadReason }
  /** Server-side copy of an object that already holds this exact version (a rename or move in WorkDocs). */
  | { readonly kind: 'copy'; readonly key: string; readonly fromKey: string; readonly doc: SourceDocument; readonly reason: 'renamed' }
  | { readonly kind: 'skip'; readonly key: string; readonly doc: SourceDocument; readonly reason: 'unchanged' | 'adopted' }
  | { readonly kind: 'marker'; readonly key: string; readonly folderId: string }
  /** `copyTarget`: this stale object is the source of a copy and may go only once that copy succeeded. */
  | { readonly kind: 'delete'; readonly key: string; readonly size: number; readonly copyTarget?: string }
  | { readonly kind: 'archive'; readonly key: string; readonly toKey: string; readonly size: number; readonly copyTarget?: string };

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
}

export interface Plan {
  readonly actions: readonly PlannedAction[];
  /** Set when stale objects exist but must not be removed; the executor then leaves them alone. */
  readonly deletesBlocked: string | undefined;
  readonly duplicates: readonly DuplicateGroup[];
  /** Items whose parent chain does not reach the root: not copied, reported. */
  readonly unreachable: readonly string[];
  /** Objects under the prefix that this tool manages (the base of max_delete percentages). */
  readonly managedCount: number;
}

/** The keys whose metadata must be read (HeadObject) before planning: objects with no manifest entry that may hold the wanted version. */
export function keysToProbe(source: SourceTree, inventory: readonly InventoryObject[], manifest: Manifest, prefix: string): string[] {
  // Most runs have no such object (an empty bucket, a complete manifest): then the keys are not worth computing.
  if (!inventory.some((o) => o.metadata === undefined && !manifest.entries.has(o.key))) return [];
  const { documentKeys } = assignKeys(source, prefix);
  const byKey = indexInventory(inventory);
  const probes: string[] = [];
  for (const doc of source.documents) {
    const key = documentKeys.get(doc.id);
    if (key === undefined) continue;
    const object = byKey.get(key);
    if (object && object.metadata === undefined && !manifest.entries.has(key) && object.size === doc.size) probes.push(key);
  }
  return probes;
}

export function plan(source: SourceTree, inventory: readonly InventoryObject[], manifest: Manifest, options: PlanOptions): Plan {
  const { documentKeys, folderKeys, duplicates, unreachable } = assignKeys(source, options.prefix);
  const byKey = indexInventory(inventory);
  const wanted = new Set<string>([...documentKeys.values(), ...folderKeys.values()]);
  // The prefix's own marker object (`backup/`) is not a mirrored item: never stale.
  const managed = inventory.filter((o) => o.key !== options.prefix && isManagedKey(o.key, options.prefix, options.archivePrefix || undefined));
  const stale = managed.filter((o) => !wanted.has(o.key));
  const staleKeys = new Set(stale.map((o) => o.key));
  // Only a document that is not skipped needs it: a no-op run of 100,000 documents never builds it.
  let copySources: ReadonlyMap<string, string> | undefined;
  const copySourcesOnce = (): ReadonlyMap<string, string> => (copySources ??= indexCopySources(manifest, byKey, staleKeys));

  const actions: PlannedAction[] = [];
  const copyTargetOf = new Map<string, string>();
  for (const doc of [...source.documents].sort(byId)) {
    const computed = documentKeys.get(doc.id);
    if (computed === undefined) continue;
    const object = byKey.get(computed);
    // The listed object's equal key string: a run of 100,000 documents then holds each key once, not twice.
    const key = object?.key ?? computed;
    const action = decideDocument(doc, key, object, manifest.entries.get(key), copySourcesOnce);
    if (action.kind === 'copy' && staleKeys.has(action.fromKey) && !copyTargetOf.has(action.fromKey)) copyTargetOf.set(action.fromKey, key);
    actions.push(action);
  }
  if (options.folderMarkers !== 'none') {
    const occupied = options.folderMarkers === 'empty' ? occupiedFolders(documentKeys, folderKeys) : undefined;
    for (const [folderId, key] of [...folderKeys].sort((a, b) => compare(a[1], b[1]))) {
      if (!byKey.has(key) && !occupied?.has(key)) actions.push({ kind: 'marker', key, folderId });
    }
  }

  let deletesBlocked: string | undefined;
  if (options.deleteStale && stale.length > 0) {
    deletesBlocked = deleteRefusal(stale.length, managed.length, options) ?? archiveOverlap(wanted, options.archivePrefix);
    for (const object of [...stale].sort((a, b) => compare(a.key, b.key))) {
      const copyTarget = copyTargetOf.get(object.key);
      const base = { key: object.key, size: object.size, ...(copyTarget !== undefined ? { copyTarget } : {}) };
      actions.push(options.archivePrefix !== ''
        ? { kind: 'archive', toKey: archiveKey(object.key, options), ...base }
        : { kind: 'delete', ...base });
    }
  }
  return { actions, deletesBlocked, duplicates, unreachable, managedCount: managed.length };
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

/** The decision for one document: skip, copy from where the same version already lies, or upload. */
function decideDocument(
  doc: SourceDocument,
  key: string,
  object: InventoryObject | undefined,
  entry: ManifestEntry | undefined,
  copySources: () => ReadonlyMap<string, string>,
): PlannedAction {
  if (object !== undefined) {
    if (entry !== undefined) {
      if (entry.documentId === doc.id && entry.versionId === doc.versionId && entry.size === doc.size && object.size === doc.size) {
        if (replacedSince(object, entry)) return { kind: 'upload', key, doc, reason: 'modified-in-bucket' };
        return { kind: 'skip', key, doc, reason: 'unchanged' };
      }
    } else if (object.metadata !== undefined && isAdoptable(doc, object)) {
      return { kind: 'skip', key, doc, reason: 'adopted' };
    }
  }
  const fromKey = copySources().get(doc.versionId);
  if (fromKey !== undefined && fromKey !== key) return { kind: 'copy', key, fromKey, doc, reason: 'renamed' };
  if (object === undefined) return { kind: 'upload', key, doc, reason: entry !== undefined ? 'missing' : 'new' };
  if (entry === undefined && object.metadata === undefined) return { kind: 'upload', key, doc, reason: 'unverified' };
  return { kind: 'upload', key, doc, reason: 'changed' };
}

/** An object written by the original script (or a lost manifest's run) holds this version already. */
function isAdoptable(doc: SourceDocument, object: InventoryObject): boolean {
  const metadata = object.metadata ?? {};
  if (metadata[VERSION_METADATA] !== doc.versionId || object.size !== doc.size) return false;
  if (metadata[DOCUMENT_METADATA] !== undefined && metadata[DOCUMENT_METADATA] !== doc.id) return false;
  return !(listedMd5(object) !== undefined && doc.md5 !== undefined && object.etag !== doc.md5);
}

/** versionId → a key that holds that version (per the manifest and still present), preferring stale keys. */
function indexCopySources(manifest: Manifest, byKey: ReadonlyMap<string, InventoryObject>, staleKeys: ReadonlySet<string>): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [key, entry] of manifest.entries) {
    const object = byKey.get(key);
    if (object === undefined || object.size !== entry.size) continue;
    if (replacedSince(object, entry)) continue;
    const current = sources.get(entry.versionId);
    if (current === undefined || isBetterCopySource(key, current, staleKeys)) sources.set(entry.versionId, key);
  }
  return sources;
}

/** Of two objects holding one version, a stale one is moved rather than kept twice; otherwise the smaller key wins. */
function isBetterCopySource(key: string, current: string, staleKeys: ReadonlySet<string>): boolean {
  const stale = staleKeys.has(key);
  return stale !== staleKeys.has(current) ? stale : compare(key, current) < 0;
}

/** Why deletes must not run, or undefined when they may. */
export function deleteRefusal(staleCount: number, managedCount: number, options: Pick<PlanOptions, 'listingComplete' | 'maxDelete'>): string | undefined {
  if (!options.listingComplete) return 'the listing had errors, so nothing is deleted';
  const { count, percent } = options.maxDelete;
  if (count !== undefined && staleCount > count) return `${staleCount} deletes exceed max_delete (${count})`;
  if (percent !== undefined && managedCount > 0 && (staleCount / managedCount) * 100 > percent) {
    return `${staleCount} deletes of ${managedCount} objects (${((staleCount / managedCount) * 100).toFixed(1)}%) exceed max_delete (${percent}%)`;
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

export function archiveKey(key: string, options: Pick<PlanOptions, 'prefix' | 'archivePrefix' | 'archiveRunFolder'>): string {
  return `${options.archivePrefix}${options.archiveRunFolder}/${key.slice(options.prefix.length)}`;
}

function indexInventory(inventory: readonly InventoryObject[]): Map<string, InventoryObject> {
  return new Map(inventory.map((o) => [o.key, o]));
}

export function isPlainMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

/** The MD5 of a listed object's bytes, when its ETag is that: a plain one, and HeadObject did not say SSE-KMS or SSE-C. */
export function listedMd5(object: InventoryObject): string | undefined {
  return isPlainMd5(object.etag) && object.etagIsOpaque !== true ? object.etag : undefined;
}

/**
 * Whether the listed object is no longer the one `entry` recorded: a free check, from the listing alone, that
 * nobody overwrote it behind our back. Its ETag must be the one S3 answered when it was written; an entry that
 * recorded none (the ETag was the MD5, or a manifest of an older version) is checked against its MD5, as far as
 * the ETag looks like one.
 */
export function replacedSince(object: InventoryObject, entry: ManifestEntry): boolean {
  if (entry.etag !== undefined) return object.etag !== entry.etag;
  return isPlainMd5(object.etag) && object.etag !== entry.md5;
}

function byId(a: SourceDocument, b: SourceDocument): number {
  return compare(a.id, b.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
