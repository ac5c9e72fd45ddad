/**
 * The invariants of issue 25, checked against the bucket (read straight from the S3 server) and the emulator's
 * own list of documents. Each check returns its violations as sentences; none throws for a violation.
 */
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { decodeManifest, manifestKey, toolAreaPrefix } from '../../src/core/manifest.js';
import { DOCUMENT_METADATA, VERSION_METADATA } from '../../src/core/plan.js';
import type { ManifestEntry } from '../../src/core/types.js';
import type { ManifestItem } from '../../src/emulator/server.js';
import { readBytes } from './bucket.js';
import type { BucketReader } from './reader.js';
import { isWrite, type RunOutcome } from './runner.js';

export interface Violation {
  /** The number of the invariant in issue 25 (1–7). */
  readonly invariant: number;
  readonly message: string;
}

export interface BucketView {
  readonly client: S3Client;
  /** Refreshed before each round of checks. */
  readonly reader: BucketReader;
  readonly bucket: string;
  readonly prefix: string;
  /** Archive areas any run of the history named: their objects are not the mirror's. */
  readonly archivePrefixes: ReadonlySet<string>;
  /** Foreign objects the simulator put: key → MD5. */
  readonly foreign: ReadonlyMap<string, string>;
}

function underArchive(view: BucketView, key: string): boolean {
  return [...view.archivePrefixes].some((a) => key.startsWith(a));
}

/** The tool's manifest as the bucket holds it now, or undefined when it is missing or damaged. */
export async function readToolManifest(view: BucketView): Promise<ReadonlyMap<string, ManifestEntry> | undefined> {
  const bytes = await readBytes(view.client, view.bucket, manifestKey(view.prefix));
  if (bytes === undefined) return undefined;
  const decoded = decodeManifest(bytes);
  return decoded.ok ? decoded.manifest.entries : undefined;
}

/**
 * 1 (and 4 for exit 0): every document of the emulator has exactly one object, at its own key when its path is
 * unique, holding its latest version's bytes; no other owned object (unless `allowExtras`); no multipart upload left.
 */
export async function checkExactMirror(view: BucketView, documents: readonly ManifestItem[], allowExtras: boolean, blockedDocuments: ReadonlySet<string> = new Set()): Promise<Violation[]> {
  const out: Violation[] = [];
  const v = (message: string): void => { out.push({ invariant: 1, message }); };
  const keys = view.reader.keys(view.prefix).filter(
    (k) => !k.endsWith('/') && !k.startsWith(toolAreaPrefix(view.prefix)) && !underArchive(view, k) && !view.foreign.has(k),
  );
  const manifest = await readToolManifest(view);
  // Owned objects by the document they belong to; objects neither the metadata nor the manifest claims are foreign.
  const byDocument = new Map<string, { key: string; versionId: string }[]>();
  for (const key of keys) {
    const head = await view.reader.read(key);
    if (head === undefined) continue;
    const documentId = head.metadata[DOCUMENT_METADATA];
    const entry = manifest?.get(key);
    const owner = documentId ?? entry?.documentId;
    if (owner === undefined) continue;
    byDocument.set(owner, [...(byDocument.get(owner) ?? []), { key, versionId: head.metadata[VERSION_METADATA] ?? entry?.versionId ?? '' }]);
  }
  for (const d of documents) {
    const path = d.path.join('/');
    const found = byDocument.get(d.documentId) ?? [];
    byDocument.delete(d.documentId);
    // A document whose key the run was not allowed to write (a foreign object holds it): the key is the foreign object's.
    if (blockedDocuments.has(d.documentId)) continue;
    const atPath = found.filter((f) => keyMatchesPath(f.key.slice(view.prefix.length), d.path));
    // Refused deletes leave stale objects, some at a name like this one's: then one of them must be exact.
    const exact = allowExtras ? await firstWithBytes(view, atPath, d.md5) : undefined;
    const mine = exact !== undefined ? [exact] : atPath;
    if (mine.length !== 1) {
      v(`${path} (${d.documentId.slice(0, 8)}): ${mine.length} objects at its key, ${found.length} carry its id (${found.map((f) => f.key).join(', ') || 'none'})`);
      continue;
    }
    const md5 = (await view.reader.read(mine[0]!.key))?.md5 ?? 'missing';
    if (md5 !== d.md5) v(`${mine[0]!.key} holds MD5 ${md5}, not its document's ${d.md5}${documents.some((o) => o.md5 === md5) ? ` (the bytes of ${documents.find((o) => o.md5 === md5)!.path.join('/')})` : ''}`);
    else if (mine[0]!.versionId !== d.versionId) v(`${mine[0]!.key} claims version ${mine[0]!.versionId}, the latest is ${d.versionId}`);
    if (found.length > 1 && !allowExtras) v(`${path}: more than one object carries its document id: ${found.map((f) => f.key).join(', ')}`);
  }
  if (!allowExtras) for (const [documentId, objects] of byDocument) v(`extra owned objects of ${documentId.slice(0, 8)} (not in WorkDocs): ${objects.map((o) => o.key).join(', ')}`);
  const uploads = await view.client.send(new ListMultipartUploadsCommand({ Bucket: view.bucket }));
  if ((uploads.Uploads?.length ?? 0) > 0) v(`${uploads.Uploads!.length} multipart uploads left: ${uploads.Uploads!.map((u) => u.Key).join(', ')}`);
  return out;
}

async function firstWithBytes<T extends { key: string }>(view: BucketView, objects: readonly T[], md5: string): Promise<T | undefined> {
  for (const object of objects) if ((await view.reader.read(object.key))?.md5 === md5) return object;
  return undefined;
}

/**
 * A key is a document's when each segment is the name on its path, or that name disambiguated the way duplicate
 * names in one folder are (`report~<id>.txt`, `folder~<id>`): which of two equal names gets the plain key is
 * the mapper's business, tested on its own.
 */
export function keyMatchesPath(relativeKey: string, path: readonly string[]): boolean {
  const segments = relativeKey.split('/');
  return segments.length === path.length && segments.every((segment, i) => {
    const name = path[i]!;
    if (segment === name) return true;
    const dot = i === path.length - 1 ? name.lastIndexOf('.') : -1;
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    return segment.startsWith(`${stem}~`) && segment.endsWith(extension) && segment.length > stem.length + 1 + extension.length;
  });
}

/** 2: foreign objects are where the simulator put them, byte-exact (a delete_foreign run may have removed them). */
export async function checkForeign(view: BucketView, deleteForeignAllowed: boolean): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const [key, md5] of view.foreign) {
    const now = await view.reader.read(key);
    if (now === undefined) {
      if (!deleteForeignAllowed) out.push({ invariant: 2, message: `foreign object ${key} was deleted` });
    } else if (now.md5 !== md5) out.push({ invariant: 2, message: `foreign object ${key} was changed` });
  }
  return out;
}

/** 3: a dry run sends no S3 write at all (no lock, no manifest, no plan file). */
export function checkDryRun(outcome: RunOutcome, what: string): Violation[] {
  const writes = outcome.requests.filter(isWrite);
  return writes.length === 0 ? [] : [{ invariant: 3, message: `dry ${what} sent ${writes.length} S3 writes: ${summarize(writes.map((w) => `${w.operation} ${w.key}`))}` }];
}

/**
 * 4: the exit code agrees with the report; exit 2 means no S3 request at all, or, where only the bucket can say
 * the input is wrong (`exit2MayRead`: a shard or finalize whose plan is missing), no S3 write.
 */
export function checkExitCode(outcome: RunOutcome, what: string, exit2MayRead = false): Violation[] {
  const out: Violation[] = [];
  const v = (message: string): void => { out.push({ invariant: 4, message: `${what}: ${message}` }); };
  if (outcome.code === 2) {
    const counted = exit2MayRead ? outcome.requests.filter(isWrite) : outcome.requests;
    if (counted.length > 0) v(`exit 2 after ${counted.length} S3 ${exit2MayRead ? 'writes' : 'requests'}: ${summarize(counted.map((r) => `${r.operation} ${r.key}`))}`);
    return out;
  }
  const report = outcome.report;
  if (report === undefined) {
    v(`exit ${outcome.code} without a report`);
    return out;
  }
  if (report.exitCode !== outcome.code) v(`exit ${outcome.code}, the report says ${report.exitCode}`);
  // 'blocked': refused by a rule (a foreign object holds the key): not done, so not a success either.
  const failed = report.items.filter((i) => (i.outcome as string) === 'failed' || (i.outcome as string) === 'blocked');
  // A plan only announces a blocked item (the shards and finalize meet it): not a failure of the plan step.
  const unsuccessful = what === 'plan' ? failed.filter((i) => i.outcome === 'failed') : failed;
  if (outcome.code === 0 && unsuccessful.length > 0) v(`exit 0 with ${unsuccessful.length} failed or blocked items (first ${unsuccessful[0]!.key}: ${unsuccessful[0]!.error})`);
  // A failure that is no item's (the manifest could not be written) is named in `fatal`.
  if (outcome.code === 1 && failed.length === 0 && report.deletesBlocked === undefined && !report.fatal) v('exit 1, but the report names no failed or blocked item, no refused delete and no fatal error');
  for (const item of failed) {
    if (!item.error) v(`${item.outcome} item ${item.key} has no error`);
    if (item.outcome === 'failed' && !outcome.stdout.includes(item.key)) v(`failed item ${item.key} is not in the summary`);
  }
  return out;
}

/** 5: whatever an archive run moved is still there, byte-exact. */
export async function checkArchive(view: BucketView, archived: ReadonlyMap<string, string>): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const [key, md5] of archived) {
    const now = await view.reader.read(key);
    if (now === undefined) out.push({ invariant: 5, message: `archived ${key} is gone` });
    else if (now.md5 !== md5) out.push({ invariant: 5, message: `archived ${key} changed` });
  }
  return out;
}

/** 7: every manifest entry names an object that exists with exactly the recorded bytes. */
export async function checkManifestTruth(view: BucketView): Promise<Violation[]> {
  const manifest = await readToolManifest(view);
  if (manifest === undefined) return [];
  const out: Violation[] = [];
  for (const [key, entry] of manifest) {
    const now = await view.reader.read(key);
    if (now === undefined) out.push({ invariant: 7, message: `the manifest claims ${key}, which is not there` });
    else if (now.md5 !== entry.md5) out.push({ invariant: 7, message: `the manifest claims ${key} holds MD5 ${entry.md5}, it holds ${now.md5}` });
  }
  return out;
}

function summarize(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} … (${items.length - 5} more)`;
}
