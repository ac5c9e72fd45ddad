/**
 * The history layout (`versions: all`): where each older version of a document is stored, and which documents'
 * version lists a run must ask WorkDocs for. Pure: no I/O, no clock.
 *
 * The latest version stays at the document's key. Every older ACTIVE version is one more object:
 *   `<prefix>.history/<the document's key below the prefix>/<YYYY-MM-DDTHH-MM-SSZ>_<versionId><.ext>`
 * named by the version's creation time (UTC, no colons: Windows file names) and id, with the extension of that
 * version's own name. Where that key would exceed MAX_KEY_BYTES, the document's path gives way to its id:
 *   `<prefix>.history/%%<documentId>/<same file name>`
 * (ids hold no `~`, so this never equals a relocated segment `%%<tag>~<name>`). A version's key moves only when
 * its document's key moves.
 *
 * A no-op resync asks WorkDocs nothing per version: the manifest keeps, per document, the version ids its last
 * description listed (Manifest.histories), and the older versions are rebuilt from the manifest's entries at their
 * history keys. A document is described again only when its latest version is not the recorded one, when it was
 * never described, when one of its recorded versions is no longer intact in the bucket, or when the run says its
 * older versions may have changed (`redescribe`): an older version deleted in WorkDocs leaves the latest as it was,
 * so only an activity (DOCUMENT_VERSION_DELETED, DOCUMENT_REVERTED), metadata_refresh or the scheduled full listing
 * finds it; its object then becomes stale and follows the delete rules.
 */
import { encodeSegment, extensionOf, HISTORY_SEGMENT, MAX_KEY_BYTES } from './keys.js';
import type { Manifest, ManifestEntry, SourceDocument, SourceTree } from './types.js';

export type VersionsMode = 'latest' | 'all';

/** `<prefix>.history/`: the area of older versions, directly under the prefix. */
export function historyAreaOf(prefix: string): string {
  return `${prefix}${HISTORY_SEGMENT}/`;
}

/** `2024-03-01T12-30-05Z`: an epoch-milliseconds time as it starts a version's file name (whole seconds, UTC). */
export function historyTime(epochMs: number): string {
  // A time WorkDocs did not give (NaN, out of Date's range) names the version as of the epoch: still deterministic.
  const valid = Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 ? epochMs : 0;
  return `${new Date(valid).toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}

/** The file name of one older version: `<creation time>_<encoded version id><.ext of its name>`. */
export function versionFileName(version: Pick<SourceDocument, 'versionId' | 'createdAt' | 'name'>): string {
  return `${historyTime(version.createdAt)}_${encodeSegment(version.versionId)}${extensionOf(encodeSegment(version.name))}`;
}

const FILE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)Z_/;

/**
 * The creation time (whole seconds) and extension a version file name of `versionId` holds, or undefined when it
 * is not one: versionFileName's inverse, enough to compute the same name again.
 */
export function parseVersionFileName(fileName: string, versionId: string): { readonly createdAt: number; readonly extension: string } | undefined {
  const time = FILE_TIME.exec(fileName);
  if (time === null) return undefined;
  const id = encodeSegment(versionId);
  const rest = fileName.slice(time[0].length);
  if (!rest.startsWith(id)) return undefined;
  const extension = rest.slice(id.length);
  if (extension !== '' && extensionOf(`x${extension}`) !== extension) return undefined;
  const [, y, mo, d, h, mi, s] = time.map(Number) as [number, number, number, number, number, number, number];
  return { createdAt: Date.UTC(y, mo - 1, d, h, mi, s), extension };
}

/**
 * The key of one older version, given its document's key. `documentKey` lies under `prefix` (assignKeys' keys do).
 * Falls back to the document id for the folder part where the path would not fit in MAX_KEY_BYTES.
 */
export function historyKey(prefix: string, documentKey: string, documentId: string, fileName: string): string {
  const area = historyAreaOf(prefix);
  const byPath = `${area}${documentKey.slice(prefix.length)}/${fileName}`;
  if (Buffer.byteLength(byPath, 'utf8') <= MAX_KEY_BYTES) return byPath;
  return `${area}%%${encodeSegment(documentId)}/${fileName}`;
}

/**
 * Every older version with its key, sorted by key. Versions of documents without a key (unreachable, not listed)
 * have none and are left out.
 */
export function historyKeys(versions: readonly SourceDocument[], documentKeys: ReadonlyMap<string, string>, prefix: string): [SourceDocument, string][] {
  const keyed: [SourceDocument, string][] = [];
  for (const version of versions) {
    const documentKey = documentKeys.get(version.id);
    if (documentKey !== undefined) keyed.push([version, historyKey(prefix, documentKey, version.id, versionFileName(version))]);
  }
  return keyed.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/** What a run knows of the documents' histories before asking WorkDocs, and whom it must ask. */
export interface HistoryNeeds {
  /** Documents whose version lists must be read (DescribeDocumentVersions), sorted by id. */
  readonly describe: readonly SourceDocument[];
  /** The older versions of every other document, rebuilt from the manifest (their objects are intact). */
  readonly known: readonly SourceDocument[];
  /** The recorded histories of those other documents, carried over as they are. */
  readonly carried: ReadonlyMap<string, readonly string[]>;
}

/**
 * Which documents to describe again whatever the manifest records: `all` (metadata_refresh, the scheduled full
 * listing) or the ids an activity named (a version deleted, a revert).
 */
export type Redescribe = 'all' | ReadonlySet<string>;

/**
 * Which documents' versions must be listed this run: those never described, those whose latest version is not
 * the one recorded, those with a recorded older version that the (trusted) manifest no longer shows intact
 * at a history key, and those `redescribe` names. `manifest` must be the trusted view (trustedManifest): an entry
 * there describes its object.
 */
export function historyNeeds(documents: readonly SourceDocument[], manifest: Manifest, prefix: string, redescribe: Redescribe = new Set()): HistoryNeeds {
  const recorded = manifest.histories;
  const describe: SourceDocument[] = [];
  const known: SourceDocument[] = [];
  const carried = new Map<string, readonly string[]>();
  // A first `all` run (or an older manifest) records no history at all: then the entries are not worth indexing.
  const stored = recorded !== undefined && recorded.size > 0 ? storedVersions(manifest, prefix) : new Map<string, [string, ManifestEntry][]>();
  for (const doc of documents) {
    if (redescribe === 'all' || redescribe.has(doc.id)) {
      describe.push(doc);
      continue;
    }
    const record = recorded?.get(doc.id);
    const rebuilt = record !== undefined && record[0] === doc.versionId ? rebuildVersions(doc, record.slice(1), stored) : undefined;
    if (rebuilt === undefined) {
      describe.push(doc);
      continue;
    }
    known.push(...rebuilt);
    carried.set(doc.id, record!);
  }
  describe.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { describe, known, carried };
}

/**
 * versionId → the history keys and entries that hold it. By version id alone, the document checked on lookup
 * (storedAt): no `documentId/versionId` string is built for each of 40,000 older versions on every run.
 */
function storedVersions(manifest: Manifest, prefix: string): Map<string, [string, ManifestEntry][]> {
  const area = historyAreaOf(prefix);
  const stored = new Map<string, [string, ManifestEntry][]>();
  for (const [key, entry] of manifest.entries) {
    if (!key.startsWith(area)) continue;
    const holders = stored.get(entry.versionId);
    if (holders === undefined) stored.set(entry.versionId, [[key, entry]]);
    else holders.push([key, entry]);
  }
  return stored;
}

/** The history key and entry that hold a document's version (the smallest key if several do). */
function storedAt(stored: ReadonlyMap<string, readonly [string, ManifestEntry][]>, documentId: string, versionId: string): [string, ManifestEntry] | undefined {
  let found: [string, ManifestEntry] | undefined;
  for (const holder of stored.get(versionId) ?? []) {
    if (holder[1].documentId === documentId && (found === undefined || holder[0] < found[0])) found = holder;
  }
  return found;
}

/** The recorded older versions of `doc` as source records, or undefined when one of them is not stored intact. */
function rebuildVersions(doc: SourceDocument, versionIds: readonly string[], stored: ReadonlyMap<string, readonly [string, ManifestEntry][]>): SourceDocument[] | undefined {
  const versions: SourceDocument[] = [];
  for (const versionId of versionIds) {
    const found = storedAt(stored, doc.id, versionId);
    if (found === undefined) return undefined;
    const [key, entry] = found;
    const parsed = parseVersionFileName(key.slice(key.lastIndexOf('/') + 1), versionId);
    if (parsed === undefined) return undefined;
    versions.push({
      id: doc.id,
      parentId: doc.parentId,
      // The version's name is not recorded: only its extension names the object, and the bytes are already stored.
      name: `version${parsed.extension}`,
      createdAt: parsed.createdAt,
      modifiedAt: parsed.createdAt,
      versionId,
      size: entry.size,
      md5: entry.md5 === '' ? undefined : entry.md5,
      contentType: undefined,
      history: true,
    });
  }
  return versions;
}

/**
 * The source tree with its histories: the versions rebuilt from the manifest, the ones WorkDocs just listed
 * (`described`: documentId → every ACTIVE version it listed, the latest among them), and the documents whose
 * listing failed. The latest version is never history; a version listed twice counts once.
 */
export function withHistories(
  tree: SourceTree,
  needs: HistoryNeeds,
  described: ReadonlyMap<string, readonly SourceDocument[]>,
  failures: ReadonlyMap<string, string>,
): SourceTree {
  const latest = new Map(tree.documents.map((d) => [d.id, d.versionId]));
  const versions: SourceDocument[] = [...needs.known];
  const histories = new Map(needs.carried);
  for (const [documentId, listed] of described) {
    const latestId = latest.get(documentId);
    if (latestId === undefined || failures.has(documentId)) continue;
    const older = new Map<string, SourceDocument>();
    for (const version of listed) {
      if (version.versionId !== latestId && !older.has(version.versionId)) older.set(version.versionId, { ...version, id: documentId, history: true });
    }
    const ids = [...older.keys()].sort();
    versions.push(...ids.map((id) => older.get(id)!));
    histories.set(documentId, [latestId, ...ids]);
  }
  return { ...tree, versions, histories, historyFailures: failures };
}

/** Whether two recorded histories say the same (else the manifest is written again). */
export function sameHistories(a: ReadonlyMap<string, readonly string[]> | undefined, b: ReadonlyMap<string, readonly string[]> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  for (const [documentId, ids] of b ?? []) {
    const other = a?.get(documentId);
    if (other === undefined || other.length !== ids.length || other.some((id, i) => id !== ids[i])) return false;
  }
  return true;
}
