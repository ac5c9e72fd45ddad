/**
 * Uploads that start while WorkDocs is still being listed. A document whose key is already known (its folder
 * and every folder above it are read to the end) and that the whole plan could only upload — no object at its
 * key, its version held nowhere in the manifest, so neither skip, adoption nor copy — is sent at once instead of
 * after the last folder. On a first sync that is nearly everything, so listing and transfers overlap.
 *
 * plan() still decides everything: what landed early is handed to it as objects already in the bucket with
 * manifest entries, so it skips them, or (if a key turned out different, e.g. a listing that repeated an id)
 * treats them like any other object, copying or deleting within the usual rules.
 * The first uploads start while the prefix's lock is still being taken (on a server without conditional writes
 * that takes a settle wait): once the lock was found free they download and send, but nothing of theirs can
 * appear in the bucket before the lock is held and the listing found current (WriteGate); otherwise they stop
 * short and are not reported. A run with nothing to upload takes no lock here.
 */
import { ConcurrentQueue } from '../concurrency.js';
import { keysOfChildren } from '../core/keys.js';
import { versionsHeld } from '../core/plan.js';
import { describeError, WriteRefusedError } from '../errors.js';
import type { InventoryObject, ManifestEntry, SourceDocument, SourceFolder } from '../core/types.js';
import type { LoadedManifest } from '../s3/manifest-store.js';
import { runTransfer, type ExecuteContext } from './execute.js';
import type { WriteGate } from './transfer.js';
import type { ReportItem } from './types.js';

/** One early upload's report item, and its manifest entry when it landed. */
export interface EarlyUpload {
  readonly item: ReportItem;
  readonly entry?: ManifestEntry;
}

/** The upload early.ts needs, done by the executor like any planned upload (same retries, logging, checks). */
export async function uploadWith(ctx: ExecuteContext, doc: SourceDocument, key: string): Promise<EarlyUpload> {
  const scratch = new Map<string, ManifestEntry>();
  const item = await runTransfer({ kind: 'upload', key, doc, reason: 'new' }, scratch, new Map(), ctx);
  const entry = scratch.get(key);
  return entry !== undefined ? { item, entry } : { item };
}

/** What the lock step found: 'stale' when what was listed before the lock may be outdated (nothing starts early then). */
export type EarlyLockOutcome = 'ok' | 'stale';

export interface EarlyResult {
  /** The report item of every early upload, done or failed, by key. */
  readonly items: ReadonlyMap<string, ReportItem>;
  /** Objects that landed, as a listing would have shown them. */
  readonly objects: readonly InventoryObject[];
  /** Manifest entries of the objects that landed. */
  readonly entries: ReadonlyMap<string, ManifestEntry>;
}

export class EarlyUploads {
  /** Folder id → its key, for folders whose children's keys can be known early. */
  private readonly folderKeys = new Map<string, string>();
  private readonly waiting: Array<[string, readonly SourceFolder[], readonly SourceDocument[]]> = [];
  private destination: { keys: Set<string>; versions: Set<string> | undefined; loaded: LoadedManifest } | undefined;
  private readonly seenDocuments = new Set<string>();
  /** The uploads, at most max_workers at once. */
  private readonly uploads: ConcurrentQueue<{ doc: SourceDocument; key: string }>;
  private readonly items = new Map<string, ReportItem>();
  private readonly entries = new Map<string, ManifestEntry>();
  private lock: Promise<EarlyLockOutcome> | undefined;
  /** Settles once the lock was found free and our record is being written, or the lock step ended short of that. */
  private lockWriting: Promise<void> | undefined;
  private stopped = false;
  /** Why uploads may not go on, once they may not. */
  private refusal: string | undefined;
  private failure: unknown;
  private readonly gate: WriteGate;

  constructor(
    private readonly rootId: string,
    prefix: string,
    maxWorkers: number,
    /**
     * Takes the prefix's lock and tells whether the listing so far can still be trusted; calls `onWriting` when
     * it found the lock free and writes its record.
     */
    private readonly takeLock: (loaded: LoadedManifest, onWriting: () => void) => Promise<EarlyLockOutcome>,
    /** Uploads one document through `gate`; failures come back as the item's outcome. */
    private readonly upload: (doc: SourceDocument, key: string, gate: WriteGate) => Promise<EarlyUpload>,
    /** WriteGate.requestsMayWait: false unless the S3 socket pool is larger than the number of uploads at once. */
    requestsMayWait = false,
  ) {
    this.folderKeys.set(rootId, prefix);
    this.uploads = new ConcurrentQueue(maxWorkers, ({ doc, key }) => this.uploadEarly(doc, key));
    this.gate = {
      requestsMayWait,
      mayStart: async () => {
        await this.lockWriting;
        if (this.stopped) throw this.refused();
      },
      mayCommit: async () => {
        if (!(await this.lockHeld())) throw this.refused();
      },
    };
  }

  /** The bucket side is known: from now on documents can be judged. */
  destinationReady(inventory: readonly InventoryObject[], loaded: LoadedManifest): void {
    // A bucket the manifest does not account for (a lost manifest) may hold any version under any key: wait for the plan.
    const versions = versionsHeld(inventory, loaded.manifest);
    this.destination = { keys: new Set(inventory.map((o) => o.key)), versions, loaded };
    for (const [folderId, folders, documents] of this.waiting.splice(0)) this.folderListed(folderId, folders, documents);
  }

  /** A folder was read to the end: key its children and start the uploads that cannot be anything else. */
  folderListed(folderId: string, folders: readonly SourceFolder[], documents: readonly SourceDocument[]): void {
    if (this.stopped) return;
    if (this.destination === undefined) {
      this.waiting.push([folderId, folders, documents]);
      return;
    }
    const parentKey = this.folderKeys.get(folderId);
    if (parentKey === undefined) return; // a folder above was relocated for length: left to the plan
    const keys = keysOfChildren(parentKey, folderId === this.rootId, folders, documents);
    if (keys === undefined) return;
    for (const [id, key] of keys.folderKeys) this.folderKeys.set(id, key);
    for (const doc of documents) {
      const key = keys.documentKeys.get(doc.id);
      // A repeated id is left to the plan, which settles repeats canonically (keys of distinct ids never collide).
      if (key === undefined || this.seenDocuments.has(doc.id)) continue;
      this.seenDocuments.add(doc.id);
      if (this.destination.versions === undefined || this.destination.keys.has(key) || this.destination.versions.has(doc.versionId)) continue;
      this.start(doc, key);
    }
  }

  private start(doc: SourceDocument, key: string): void {
    if (this.lock === undefined) {
      let writing!: () => void;
      const written = new Promise<void>((resolve) => { writing = resolve; });
      this.lock = this.takeLock(this.destination!.loaded, writing);
      const settled = this.lock.then((outcome) => {
        if (outcome === 'stale') this.stop('the bucket changed since it was listed');
      }, (error: unknown) => {
        this.failure ??= error;
        this.stop(`the prefix's lock was not taken: ${describeError(error)}`);
      });
      this.lockWriting = Promise.race([written, settled]);
    }
    // After the lock step began: an upload starts at once and its gate waits on that step.
    this.uploads.push({ doc, key });
  }

  private async uploadEarly(doc: SourceDocument, key: string): Promise<void> {
    const { item, entry } = await this.upload(doc, key, this.gate);
    // Whatever ended before the lock was settled counts only if the lock turned out ours and the listing current
    // (when it is not, stop() has already stopped the queue).
    if (!(await this.lockHeld())) return;
    this.items.set(key, item);
    if (item.outcome === 'done' && entry !== undefined) this.entries.set(key, entry);
  }

  private async lockHeld(): Promise<boolean> {
    const outcome = await this.lock!.catch(() => 'failed' as const);
    return outcome === 'ok' && this.refusal === undefined;
  }

  private stop(why: string): void {
    this.stopped = true;
    this.refusal ??= why;
    this.uploads.stop();
  }

  /** Drops what judging folders needed: on 100,000 documents sets and maps of some 13 MB, else held to the run's end. */
  private release(): void {
    this.destination = undefined;
    this.folderKeys.clear();
    this.seenDocuments.clear();
    this.waiting.length = 0;
  }

  private refused(): WriteRefusedError {
    return new WriteRefusedError(this.refusal ?? 'the run is ending');
  }

  /** Waits for every early upload to end, whatever the outcome (before a failed run releases its lock). */
  async settle(): Promise<void> {
    this.stop('the run is ending');
    await this.uploads.drained().catch(() => undefined); // the run is failing already: its own error is the one to show
    this.release();
  }

  /** Waits for every early upload; throws what taking the lock threw (another run holds it, say). */
  async finish(): Promise<EarlyResult & { readonly lock: EarlyLockOutcome | undefined }> {
    await this.uploads.drained();
    // The listing is over: no folder comes any more (the run keeps this object for its buffers till its end).
    this.stopped = true;
    this.release();
    if (this.failure !== undefined) throw this.failure;
    const lock = this.lock ? await this.lock : undefined;
    // What landed, as a listing would show it: the ETag S3 answered (plan() compares it with the entry's).
    const objects = [...this.entries].map(([key, entry]): InventoryObject => ({ key, size: entry.size, etag: entry.etag ?? entry.md5, lastModified: 0 }));
    return { items: this.items, objects, entries: this.entries, lock };
  }
}
