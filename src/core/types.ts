/**
 * The data the pure core works on: what the source (WorkDocs) holds, what the destination (S3) holds,
 * and what the last run recorded. Adapters build these; plan() decides from them alone.
 */

/** A folder below (or at) the synced root. */
export interface SourceFolder {
  /** WorkDocs folder id. */
  readonly id: string;
  /** The folder's name as WorkDocs shows it (data, never a path). */
  readonly name: string;
  /** Parent folder id; null only for the synced root itself. */
  readonly parentId: string | null;
  /** Creation time, epoch milliseconds: orders same-named siblings deterministically. */
  readonly createdAt: number;
  /**
   * Set only on a virtual folder the tool adds (a site's `.recycle-bin` area): its key segment as it is, not an
   * encoded name. Always a reserved top-level segment, which no WorkDocs name encodes to there.
   */
  readonly fixedSegment?: string;
  /** Context (metadata index): modification time (epoch ms), creator's user id and labels, where WorkDocs gave them. */
  readonly modifiedAt?: number;
  readonly creatorId?: string;
  readonly labels?: readonly string[];
}

/** A document's latest ACTIVE version, the unit that is copied. */
export interface SourceDocument {
  /** WorkDocs document id. */
  readonly id: string;
  /** Folder that holds the document. */
  readonly parentId: string;
  /** LatestVersionMetadata.Name. */
  readonly name: string;
  /** Creation time of the document, epoch milliseconds. */
  readonly createdAt: number;
  /** Modification time of the document, epoch milliseconds (informational). */
  readonly modifiedAt: number;
  /**
   * The modification time a restored file should get (the object's `mtime` metadata), epoch milliseconds: the
   * version's ContentModifiedTimestamp, the file's own time as the uploading client gave it, else the version's
   * creation time. A version's, not the document's: it never changes while the version does not, so an object written
   * once per version (and copied on a rename) always shows it; the document's moves with renames and label changes.
   * Undefined where WorkDocs gave neither: the object then carries no mtime.
   */
  readonly contentModifiedAt?: number;
  /** Id of the version that is copied. */
  readonly versionId: string;
  /** Exact size of that version in bytes. */
  readonly size: number;
  /** Lower-case hex MD5 of the content (the version's Signature); undefined when WorkDocs gave none. */
  readonly md5: string | undefined;
  /** MIME type the version was uploaded with, if any. */
  readonly contentType: string | undefined;
  /**
   * An older version of the document (`versions: all`, see history.ts), stored under the history area. Then
   * `versionId`, `name`, `size`, `md5` and the times are that version's, and `createdAt` is the version's creation
   * time (it names the version's object).
   */
  readonly history?: true;
  /** Context (metadata index): the document's creator (user id) and labels, where WorkDocs gave them. */
  readonly creatorId?: string;
  readonly labels?: readonly string[];
}

/** The whole source side, listed once. */
export interface SourceTree {
  readonly rootId: string;
  /** Every ACTIVE folder below the root, the root excluded. */
  readonly folders: readonly SourceFolder[];
  /** Every ACTIVE document with an ACTIVE latest version below the root. */
  readonly documents: readonly SourceDocument[];
  /**
   * `versions: all`: every older ACTIVE version (history: true) of the documents whose version lists are known this
   * run. Undefined with `versions: latest`: then the history area holds nothing wanted.
   */
  readonly versions?: readonly SourceDocument[];
  /** `versions: all`: documentId → [latest version id, older version ids…] of those documents (the manifest keeps it). */
  readonly histories?: ReadonlyMap<string, readonly string[]>;
  /** `versions: all`: documents whose versions could not be listed this run, with why; kept as the bucket has them. */
  readonly historyFailures?: ReadonlyMap<string, string>;
}

/** One object under the destination prefix, as ListObjectsV2 shows it. */
export interface InventoryObject {
  readonly key: string;
  readonly size: number;
  /** ETag without quotes; the MD5 of the body only for single-part uploads. */
  readonly etag: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  /** User metadata, present only when the object was probed with HeadObject (adoption). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** HeadObject said SSE-KMS or SSE-C: the ETag is not the body's MD5, however it looks. */
  readonly etagIsOpaque?: boolean;
  /** The MD5 of its bytes, read back (GetObject) where the ETag does not show it and adoption needs it. */
  readonly contentMd5?: string;
  /** The storage class the listing shows; undefined for STANDARD (and where a server shows none). */
  readonly storageClass?: string;
}

/** What the manifest records for one key this tool wrote or adopted. */
export interface ManifestEntry {
  readonly documentId: string;
  readonly versionId: string;
  readonly size: number;
  /** Lower-case hex MD5 of the object's bytes. */
  readonly md5: string;
  /**
   * The ETag S3 answered when this run wrote the object, where that is not `md5`: under SSE-KMS (a bucket's
   * default encryption) or SSE-C, and for multipart objects. A later listing must show the same one.
   */
  readonly etag?: string;
}

/** The manifest: key → what is stored there. */
export interface Manifest {
  readonly entries: ReadonlyMap<string, ManifestEntry>;
  /**
   * Objects under the prefix that this tool did not write (no entry, no WorkDocs metadata), by key, with the ETag
   * they had when HeadObject said so: an unchanged one is never asked about again, a changed one is.
   */
  readonly foreign?: ReadonlyMap<string, string>;
  /**
   * `versions: all`: documentId → [latest version id, older version ids…] as WorkDocs listed them when the document's
   * history was last described. Absent for a document (or in an older manifest): its history was never described.
   */
  readonly histories?: ReadonlyMap<string, readonly string[]>;
}
