/**
 * verify(): the read-only audit of mode `verify`. It asks plan() what a sync would do over the same listings and
 * turns every action into a discrepancy ("verify is a plan that must be empty"), so an exact verdict here means a
 * sync would change nothing. checkContent() then compares bytes read back with the WorkDocs Signature
 * (`verify_content`, rclone check --download). Pure: the engine does the listing and the reading.
 */
import { createHash } from 'node:crypto';
import { historyAreaOf } from './history.js';
import { METADATA_SEGMENT, type DuplicateGroup } from './keys.js';
import { DOCUMENT_METADATA, plan, VERSION_METADATA, viewOf, type FolderMarkers, type ManifestView, type PlannedAction } from './plan.js';
import type { InventoryObject, Manifest, ManifestEntry, SourceDocument, SourceTree } from './types.js';

/**
 * missing: a WorkDocs document (or an empty folder's marker, or an older version with `versions: all`) has no object
 * at its key. extra: an object under the prefix that no WorkDocs item maps to. orphaned-version: an older version
 * this tool stored under the history area whose document, or that version of it, no longer exists in WorkDocs (an
 * extra object too: counted in `extra`). stale: the key holds an older version of its document. wrong-size: the
 * object's size is not the version's. modified: the listing cannot show the object holds the version (its ETag is
 * not the one recorded: overwritten behind the tool's back; or nothing names the version). content-mismatch: its
 * bytes (read back, or as recorded) do not hash to the Signature.
 */
export type DiscrepancyKind = 'missing' | 'extra' | 'orphaned-version' | 'stale' | 'wrong-size' | 'modified' | 'content-mismatch';

/** The kinds that the `extra` count sums: an object that no WorkDocs item (document or version) maps to. */
export const EXTRA_KINDS: readonly DiscrepancyKind[] = ['extra', 'orphaned-version'];

/** The kinds that the `mismatched` count sums: an object is at the key, but not the version's bytes. */
export const MISMATCH_KINDS: readonly DiscrepancyKind[] = ['stale', 'wrong-size', 'modified', 'content-mismatch'];

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  readonly key: string;
  /** Extra objects only: `own` were written by this tool (stale content), `foreign` were not. */
  readonly owner?: 'own' | 'foreign';
  /** The WorkDocs document the key belongs to (or, for an extra object, the one it held). */
  readonly documentId?: string;
  /** The folder whose marker is missing. */
  readonly folderId?: string;
  readonly expectedVersionId?: string;
  readonly foundVersionId?: string;
  readonly expectedSize?: number;
  readonly foundSize?: number;
  readonly expectedMd5?: string;
  readonly foundMd5?: string;
  /** False only for an extra object a sync would rightly leave alone: foreign (delete_foreign off), or own with delete_stale off. */
  readonly fails: boolean;
  /** One sentence a person reads: what is wrong, and the likely cause. */
  readonly detail: string;
}

/** A document whose object the listing shows holding its latest version: what its bytes must hash to. */
export interface MatchedDocument {
  readonly key: string;
  readonly documentId: string;
  readonly versionId: string;
  readonly size: number;
  /** The Signature, or (none given) the MD5 a run recorded for this version; undefined: nothing to check against. */
  readonly referenceMd5: string | undefined;
  /** An older version stored under the history area (`versions: all`), not a document's latest. */
  readonly history?: true;
}

export interface VerifyOptions {
  /** Normalized destination prefix ('' or ending in '/'). */
  readonly prefix: string;
  /** Normalized archive prefix: archive areas are not part of the mirror. */
  readonly archivePrefix: string;
  readonly folderMarkers: FolderMarkers;
  /** Foreign objects fail the verdict only when a sync would remove them (delete_foreign). */
  readonly deleteForeign: boolean;
  /**
   * The tool's own extra objects fail it only when a sync would remove them (delete_stale, the default): a mirror
   * kept with delete_stale off deliberately holds what WorkDocs deleted. Undefined: true.
   */
  readonly deleteStale?: boolean;
  /** Only the keys of this slice are reported and read back (a matrix of verify jobs); undefined: every key. */
  readonly slice?: Slice;
}

/** One of `count` disjoint slices of the keys, by a hash of the key: the same key is in the same slice in every job. */
export interface Slice {
  readonly index: number;
  readonly count: number;
}

/** The slice a key belongs to: a stable hash, so that jobs agree without sharing a plan (which would be a write). */
export function sliceOfKey(key: string, count: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % count;
}

export interface VerifyResult {
  /** Sorted by key, then kind. */
  readonly discrepancies: readonly Discrepancy[];
  /** Documents the listing shows in place, in key order: the ones a content check reads back. */
  readonly matched: readonly MatchedDocument[];
  /** WorkDocs documents compared (those with a key). */
  readonly documents: number;
  /** Older versions compared (`versions: all`; 0 otherwise). */
  readonly versions: number;
  readonly duplicates: readonly DuplicateGroup[];
  /** Items whose parent chain does not reach the root: a sync does not copy them either. */
  readonly unreachable: readonly string[];
}

/** Compares one WorkDocs tree with the bucket's listing and the manifest, from the listings alone. */
export function verify(source: SourceTree, inventory: readonly InventoryObject[], manifest: Manifest | ManifestView, options: VerifyOptions): VerifyResult {
  const view = 'trusted' in manifest ? manifest : viewOf(manifest, inventory);
  // Foreign objects are planned as foreign whatever delete_foreign says, so that their owner is reported truly.
  const decided = plan(source, inventory, view, {
    prefix: options.prefix,
    archivePrefix: options.archivePrefix,
    archiveRunFolder: 'verify',
    deleteStale: true,
    maxDelete: { count: undefined, percent: undefined },
    folderMarkers: options.folderMarkers,
    listingComplete: true,
    deleteForeign: false,
  });
  const byKey = new Map(inventory.map((o) => [o.key, o]));
  const { slice } = options;
  const inSlice = (key: string): boolean => slice === undefined || sliceOfKey(key, slice.count) === slice.index;
  // Set only with `versions: all`: then an own object in the history area that nothing wants is an orphaned version.
  const history = source.versions !== undefined ? { area: historyAreaOf(options.prefix), documents: new Set(source.documents.map((d) => d.id)) } : undefined;
  const discrepancies: Discrepancy[] = [];
  const matched: MatchedDocument[] = [];
  let documents = 0;
  let versions = 0;
  for (const action of decided.actions) {
    if (!inSlice(action.key)) continue;
    if (action.kind === 'upload' || action.kind === 'copy' || action.kind === 'skip') {
      if (action.doc.history === true) versions++;
      else documents++;
    }
    if (action.kind === 'skip') {
      const recorded = view.recorded.entries.get(action.key);
      matched.push({
        key: action.key, documentId: action.doc.id, versionId: action.doc.versionId, size: action.doc.size, referenceMd5: referenceMd5(action.doc, recorded),
        ...(action.doc.history === true ? { history: true as const } : {}),
      });
      const wrongRecord = recordedMd5Mismatch(action.doc, view.trusted.entries.get(action.key));
      if (wrongRecord !== undefined) discrepancies.push(wrongRecord(action.key));
      continue;
    }
    const found = discrepancyOf(action, byKey.get(action.key), view, options.deleteStale !== false);
    discrepancies.push(history !== undefined ? asOrphanedVersion(found, action, history) : found);
  }
  // The sidecars of `metadata: sidecars` are the tool's context files, described by its index: not mirrored objects.
  const sidecars = `${options.prefix}${METADATA_SEGMENT}/`;
  for (const [key] of decided.foreign) {
    if (!inSlice(key) || key.startsWith(sidecars)) continue;
    const object = byKey.get(key)!;
    discrepancies.push({
      kind: 'extra', key, owner: 'foreign', foundSize: object.size, fails: options.deleteForeign,
      detail: options.deleteForeign
        ? 'an object this tool did not write; delete_foreign is set, so a sync would remove it'
        : 'an object this tool did not write (a sync leaves it alone unless delete_foreign is set)',
    });
  }
  discrepancies.sort((a, b) => compare(a.key, b.key) || compare(a.kind, b.kind));
  matched.sort((a, b) => compare(a.key, b.key));
  return { discrepancies, matched, documents, versions, duplicates: decided.duplicates, unreachable: decided.unreachable };
}

/** How a version deleted in WorkDocs leaves the mirror: only a run that describes every document's versions again. */
const HEAL_DELETED_VERSION = '; a sync with metadata_refresh, or the next full listing by full_listing_every, removes it';

/**
 * An extra object of this tool's in the history area, not a rename's old key (that one's version is kept
 * elsewhere): an older version whose document, or that version of it, WorkDocs no longer has.
 */
function asOrphanedVersion(found: Discrepancy, action: Exclude<PlannedAction, { kind: 'skip' }>, history: { readonly area: string; readonly documents: ReadonlySet<string> }): Discrepancy {
  if (found.kind !== 'extra' || found.owner !== 'own' || !found.key.startsWith(history.area)) return found;
  if ((action.kind === 'delete' || action.kind === 'archive') && action.keptAt !== undefined) return found;
  const { owner: _owner, ...rest } = found;
  const documentGone = found.documentId === undefined || !history.documents.has(found.documentId);
  const kept = found.fails ? '' : '; kept, as delete_stale is off';
  return {
    ...rest,
    kind: 'orphaned-version',
    detail: documentGone
      ? `a stored version whose document ${found.documentId ?? '(not named)'} no longer exists in WorkDocs${kept}`
      // The document's latest version is unchanged, so a plain sync does not ask about its older versions again.
      : `a stored version ${found.foundVersionId ?? '(not named)'} that document ${found.documentId!} no longer has in WorkDocs (the version was deleted)${kept || HEAL_DELETED_VERSION}`,
  };
}

/** What one planned action says is wrong with the mirror. */
function discrepancyOf(action: Exclude<PlannedAction, { kind: 'skip' }>, object: InventoryObject | undefined, view: ManifestView, deleteStale: boolean): Discrepancy {
  switch (action.kind) {
    case 'marker':
      return { kind: 'missing', key: action.key, folderId: action.folderId, expectedSize: 0, fails: true, detail: 'the folder marker of an empty WorkDocs folder is missing' };
    case 'delete':
    case 'archive': {
      const held = heldVersion(object, view.recorded.entries.get(action.key));
      return {
        kind: 'extra', key: action.key, owner: 'own', foundSize: action.size, fails: deleteStale,
        ...(held?.documentId !== undefined ? { documentId: held.documentId } : {}),
        ...(held ? { foundVersionId: held.versionId } : {}),
        detail: action.keptAt !== undefined
          ? `holds a version WorkDocs now places at ${JSON.stringify(action.keptAt)} (a rename or move not yet synced)`
          : object !== undefined && object.size === 0 && object.key.endsWith('/')
            ? 'a folder marker of a folder no longer in WorkDocs'
            : deleteStale
              ? 'written by this tool, but no WorkDocs document maps to it any more (deleted or moved in WorkDocs, not yet synced)'
              : 'written by this tool for a document no longer in WorkDocs; kept, as delete_stale is off',
      };
    }
    case 'copy':
      return { ...expected(action.doc), kind: 'missing', key: action.key, fails: true, detail: `not at its key; its version is stored at ${JSON.stringify(action.fromKey)} (a rename or move not yet synced)` };
    case 'upload':
      return uploadDiscrepancy(action, object, view);
  }
}

function uploadDiscrepancy(action: Extract<PlannedAction, { kind: 'upload' }>, object: InventoryObject | undefined, view: ManifestView): Discrepancy {
  const base = { ...expected(action.doc), key: action.key, fails: true };
  if (object === undefined) {
    return { ...base, kind: 'missing', detail: action.reason === 'missing' ? 'the manifest records an object here, but it is gone (deleted behind the tool\'s back)' : 'no object holds this document (not yet synced)' };
  }
  const found = { foundSize: object.size };
  if (action.refused !== undefined) return { ...base, ...found, kind: 'missing', detail: 'an object this tool did not write holds the key, so the document is not mirrored' };
  const held = heldVersion(object, view.trusted.entries.get(action.key));
  const foundVersion = held ? { foundVersionId: held.versionId } : {};
  if (held?.documentId !== undefined && held.documentId !== action.doc.id) {
    return { ...base, ...found, ...foundVersion, kind: 'missing', detail: `the key holds document ${held.documentId}'s version instead (a rename not yet synced)` };
  }
  if (held !== undefined && held.versionId !== action.doc.versionId) {
    return { ...base, ...found, ...foundVersion, kind: 'stale', detail: 'holds an older version of the document (a new version not yet synced)' };
  }
  if (object.size !== action.doc.size) return { ...base, ...found, ...foundVersion, kind: 'wrong-size', detail: `${object.size} bytes, the version has ${action.doc.size}` };
  const recorded = view.recorded.entries.get(action.key);
  return {
    ...base, ...found, ...foundVersion, kind: 'modified',
    detail: recorded !== undefined && !view.trusted.entries.has(action.key)
      ? 'its ETag is not the one this tool recorded: overwritten behind the tool\'s back'
      : held !== undefined
        ? 'its metadata names the version, but its bytes do not hash to the Signature'
        : 'nothing shows it holds this version (no manifest entry, no metadata naming it)',
  };
}

/** A trusted entry that records, for the version WorkDocs has, an MD5 other than its Signature: the bytes were never it. */
function recordedMd5Mismatch(doc: SourceDocument, entry: ManifestEntry | undefined): ((key: string) => Discrepancy) | undefined {
  if (entry === undefined || entry.md5 === '' || doc.md5 === undefined || entry.md5 === doc.md5) return undefined;
  return (key) => ({
    ...expected(doc), kind: 'content-mismatch', key, foundMd5: entry.md5, foundSize: entry.size, fails: true,
    detail: 'the manifest records bytes whose MD5 is not the version\'s Signature',
  });
}

/** The bytes read back (or undefined: the object was gone by then), compared with what they must hash to. */
export interface ContentCheck {
  readonly discrepancies: readonly Discrepancy[];
  /** Documents whose bytes hash to their reference MD5. */
  readonly verified: number;
  /** Keys with neither a Signature nor a recorded MD5: their bytes could not be checked (not a failure, as in rclone check). */
  readonly unverifiable: readonly string[];
}

export function checkContent(matched: readonly MatchedDocument[], readBack: ReadonlyMap<string, string | undefined>): ContentCheck {
  const discrepancies: Discrepancy[] = [];
  const unverifiable: string[] = [];
  let verified = 0;
  for (const doc of matched) {
    // A key not read back is a bug of the caller, never a silent pass.
    if (!readBack.has(doc.key)) throw new Error(`checkContent: ${doc.key} was not read back`);
    const md5 = readBack.get(doc.key);
    const base = { key: doc.key, documentId: doc.documentId, expectedVersionId: doc.versionId, expectedSize: doc.size, fails: true };
    if (md5 === undefined) {
      discrepancies.push({ ...base, kind: 'missing', detail: 'gone when its bytes were read back (deleted during the audit)' });
    } else if (doc.referenceMd5 === undefined) {
      unverifiable.push(doc.key);
    } else if (md5 !== doc.referenceMd5) {
      discrepancies.push({ ...base, kind: 'content-mismatch', expectedMd5: doc.referenceMd5, foundMd5: md5, detail: `its bytes, read back, do not hash to ${doc.history === true ? 'that older version\'s own' : 'the version\'s'} Signature` });
    } else {
      verified++;
    }
  }
  return { discrepancies, verified, unverifiable };
}

/** The counts of the Action's outputs and the summary: `mismatched` sums MISMATCH_KINDS. */
export interface VerifyCounts {
  /** Documents shown in place: by the listing, or by their bytes when content was checked. */
  readonly verified: number;
  readonly missing: number;
  readonly mismatched: number;
  readonly extra: number;
  readonly extraForeign: number;
  /** Of `extra`: orphaned versions (a stored older version with no document or version behind it in WorkDocs). */
  readonly orphanedVersions: number;
  readonly unverifiable: number;
}

export function countDiscrepancies(discrepancies: readonly Discrepancy[], verified: number, unverifiable: number): VerifyCounts {
  const count = (test: (d: Discrepancy) => boolean): number => discrepancies.filter(test).length;
  return {
    verified,
    missing: count((d) => d.kind === 'missing'),
    mismatched: count((d) => MISMATCH_KINDS.includes(d.kind)),
    extra: count((d) => EXTRA_KINDS.includes(d.kind)),
    extraForeign: count((d) => d.kind === 'extra' && d.owner === 'foreign'),
    orphanedVersions: count((d) => d.kind === 'orphaned-version'),
    unverifiable,
  };
}

/** The mirror is exact when no discrepancy fails it. */
export function isExact(discrepancies: readonly Discrepancy[]): boolean {
  return !discrepancies.some((d) => d.fails);
}

export const CSV_COLUMNS = ['kind', 'key', 'owner', 'fails', 'document_id', 'folder_id', 'expected_version_id', 'found_version_id', 'expected_size', 'found_size', 'expected_md5', 'found_md5', 'detail'] as const;

/** The discrepancies as RFC 4180 CSV (CRLF line ends, a header row), one row each, in the given order. */
export function discrepancyCsv(discrepancies: readonly Discrepancy[]): string {
  const rows = discrepancies.map((d) => [
    d.kind, d.key, d.owner ?? '', d.fails ? 'true' : 'false', d.documentId ?? '', d.folderId ?? '', d.expectedVersionId ?? '', d.foundVersionId ?? '',
    d.expectedSize?.toString() ?? '', d.foundSize?.toString() ?? '', d.expectedMd5 ?? '', d.foundMd5 ?? '', d.detail,
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  // Keys may hold commas, quotes and newlines; a leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function expected(doc: SourceDocument): Pick<Discrepancy, 'documentId' | 'expectedVersionId' | 'expectedSize' | 'expectedMd5'> {
  return { documentId: doc.id, expectedVersionId: doc.versionId, expectedSize: doc.size, ...(doc.md5 !== undefined ? { expectedMd5: doc.md5 } : {}) };
}

/** The document version an object holds, as a manifest entry or its own metadata says. */
function heldVersion(object: InventoryObject | undefined, entry: ManifestEntry | undefined): { documentId: string | undefined; versionId: string } | undefined {
  if (entry !== undefined) return { documentId: entry.documentId, versionId: entry.versionId };
  const versionId = object?.metadata?.[VERSION_METADATA];
  // The original folder_sync.py wrote the version id only: the document is then not named.
  return versionId === undefined ? undefined : { documentId: object?.metadata?.[DOCUMENT_METADATA], versionId };
}

function referenceMd5(doc: SourceDocument, recorded: ManifestEntry | undefined): string | undefined {
  if (doc.md5 !== undefined) return doc.md5;
  return recorded !== undefined && recorded.versionId === doc.versionId && recorded.md5 !== '' ? recorded.md5 : undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a verify run's JSON report holds under `verify`. */
export interface VerifySummary {
  /** No discrepancy fails the mirror, and every check could be made. */
  readonly exact: boolean;
  /** The bytes were read back and hashed (verify_content); otherwise the listing alone decided. */
  readonly contentChecked: boolean;
  /** WorkDocs documents compared. */
  readonly documents: number;
  /** Older versions compared (`versions: all`); absent in reports of earlier releases. */
  readonly versions?: number;
  readonly counts: VerifyCounts;
  readonly discrepancies: readonly Discrepancy[];
  /** Keys whose bytes had nothing to be checked against (no Signature, no recorded MD5). */
  readonly unverifiable: readonly string[];
  /** Set when this run audited one slice of the keys (verify_slice); a merge of every slice has none. */
  readonly slice?: Slice;
  /** Set on a merge (verify_merge): how many slice reports it combined. */
  readonly merged?: number;
}

/** One slice's report, as mergeSlices needs it. */
export interface SliceReport {
  /** Where it came from, for the error messages (a file name). */
  readonly source: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly rootFolderId: string;
  readonly exitCode: number;
  readonly fatal?: string | undefined;
  readonly verify: VerifySummary | undefined;
}

/**
 * Combines the reports of a matrix of verify jobs: every slice of one count exactly once, all of one mirror. A
 * slice without a verdict leaves the whole without one (`noVerdict`); anything else amiss is `problem` (bad input).
 */
export function mergeSlices(reports: readonly SliceReport[]): { summary: VerifySummary; noVerdict: string | undefined } | { problem: string } {
  // A slice that stopped early (exit 3) has no summary to say which it was: it counts as a slice without a verdict.
  const sliced = reports.filter((r) => r.verify?.slice !== undefined || (r.exitCode === 3 && r.verify?.merged === undefined));
  if (sliced.length === 0) return { problem: 'no report of a verify_slice job was found' };
  const first = sliced[0]!;
  const other = sliced.find((r) => r.bucket !== first.bucket || r.prefix !== first.prefix || r.rootFolderId !== first.rootFolderId);
  if (other !== undefined) return { problem: `${other.source} audits s3://${other.bucket}/${other.prefix} (folder ${other.rootFolderId}), ${first.source} s3://${first.bucket}/${first.prefix} (folder ${first.rootFolderId})` };
  const withSlice = sliced.filter((r) => r.verify?.slice !== undefined);
  const count = withSlice[0]?.verify?.slice?.count;
  if (count === undefined) return { problem: `no slice has a verdict: ${first.source}: ${first.fatal ?? 'no verdict'}` };
  const seen = new Map<number, string>();
  for (const r of withSlice) {
    const slice = r.verify!.slice!;
    if (slice.count !== count) return { problem: `${r.source} is slice ${slice.index}/${slice.count}, others are of ${count}` };
    const twice = seen.get(slice.index);
    if (twice !== undefined) return { problem: `slice ${slice.index}/${count} is reported twice (${twice}, ${r.source})` };
    seen.set(slice.index, r.source);
  }
  const failed = sliced.filter((r) => r.exitCode === 3);
  const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  // A report that stopped before it knew its slice stands for one absent slice; more absent ones were never run.
  const unnamed = failed.filter((r) => r.verify?.slice === undefined).length;
  if (absent.length > unnamed) return { problem: `slice(s) ${absent.join(', ')} of ${count} have no report` };
  const summaries = withSlice.map((r) => r.verify!);
  const discrepancies = summaries.flatMap((v) => v.discrepancies).sort((a, b) => compare(a.key, b.key) || compare(a.kind, b.kind));
  const sum = (pick: (c: VerifyCounts) => number): number => summaries.reduce((total, v) => total + pick(v.counts), 0);
  const noVerdict = failed.length > 0
    ? `${failed.length} of ${count} slice(s) have no verdict${failed[0] ? `, first: ${failed[0].source}: ${failed[0].fatal ?? `exit ${failed[0].exitCode}`}` : ''}`
    : undefined;
  return {
    noVerdict,
    summary: {
      exact: noVerdict === undefined && summaries.every((v) => v.exact),
      contentChecked: summaries.every((v) => v.contentChecked),
      documents: summaries.reduce((total, v) => total + v.documents, 0),
      versions: summaries.reduce((total, v) => total + (v.versions ?? 0), 0),
      counts: {
        verified: sum((c) => c.verified), missing: sum((c) => c.missing), mismatched: sum((c) => c.mismatched),
        extra: sum((c) => c.extra), extraForeign: sum((c) => c.extraForeign), orphanedVersions: sum((c) => c.orphanedVersions ?? 0),
        unverifiable: sum((c) => c.unverifiable),
      },
      discrepancies,
      unverifiable: summaries.flatMap((v) => v.unverifiable).sort(compare),
      merged: withSlice.length,
    },
  };
}
