/**
 * The invariants of issue 25, checked against the bucket (read straight from the S3 server) and the emulator's
 * own list of documents. Each check returns its violations as sentences; none throws for a violation.
 */
import { ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { historyAreaOf, historyKey, versionFileName } from '../../src/core/history.js';
import { encodeSegment, encodeTopLevelSegment, METADATA_SEGMENT, RECYCLE_BIN_SEGMENT } from '../../src/core/keys.js';
import { decodeManifest, manifestKey, toolAreaPrefix } from '../../src/core/manifest.js';
import { DOCUMENT_METADATA, VERSION_METADATA } from '../../src/core/plan.js';
import type { ManifestEntry } from '../../src/core/types.js';
import { parseUserGlobs, userFilter } from '../../src/core/user-filter.js';
import type { Emulator, ManifestItem } from '../../src/emulator/server.js';
import { readBytes } from './bucket.js';
import type { BucketReader } from './reader.js';
import { isWrite, type RunOutcome } from './runner.js';

export interface Violation {
  /** The number of the invariant: 1–7 those of issue 25, 8 the history (`versions: all`), 9 the metadata index and sidecars. */
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
 * `historyKept`: the run kept older versions (`versions: all`), whose objects under `<prefix>.history/` also carry
 * their document's id: they are not the latest mirror (their bytes are checked against the manifest, invariant 7).
 */
export async function checkExactMirror(view: BucketView, documents: readonly ManifestItem[], allowExtras: boolean, blockedDocuments: ReadonlySet<string> = new Set(), historyKept = false): Promise<Violation[]> {
  const out: Violation[] = [];
  const v = (message: string): void => { out.push({ invariant: 1, message }); };
  const keys = view.reader.keys(view.prefix).filter(
    (k) => !k.endsWith('/') && !k.startsWith(toolAreaPrefix(view.prefix)) && !underArchive(view, k) && !view.foreign.has(k)
      && !(historyKept && k.startsWith(historyAreaOf(view.prefix))) && !k.startsWith(sidecarArea(view.prefix)),
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
    // A reserved name at the top (a user named `.history`) is escaped; the site's own `.recycle-bin` is not.
    const name = i === 0 && path[0] !== RECYCLE_BIN_SEGMENT ? encodeTopLevelSegment(path[i]!) : encodeSegment(path[i]!);
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


/** What a run's source is: one folder tree, or the whole site with its user filters and recycle bins. */
export interface SourceScope {
  readonly site: boolean;
  /** The run's `users` and `exclude_users` as typed (site only). */
  readonly users?: string | undefined;
  readonly excludeUsers?: string | undefined;
  readonly includeRecycleBin?: boolean | undefined;
}

/** The usernames a site run mirrors (every user of every status that passes the filters); undefined for a folder source. */
export function mirroredUsers(emulator: Emulator, scope: SourceScope): string[] | undefined {
  if (!scope.site) return undefined;
  const include = parseUserGlobs(scope.users ?? '');
  const exclude = parseUserGlobs(scope.excludeUsers ?? '');
  if (typeof include === 'string' || typeof exclude === 'string') return [];
  const wanted = userFilter(include, exclude);
  return emulator.control.users().map((u) => u.username).filter(wanted);
}

/**
 * Every document a correct run of `scope` mirrors, from the emulator's own state: the folder's documents, or each
 * mirrored user's under `<username>/` and, with the recycle bins, what each bin shows under `.recycle-bin/<username>/`
 * (recycled documents, and recycled folders with what is ACTIVE below them).
 */
export function expectedDocuments(emulator: Emulator, scope: SourceScope): ManifestItem[] {
  const users = mirroredUsers(emulator, scope);
  if (users === undefined) return emulator.control.manifest();
  const store = emulator.store;
  const out: ManifestItem[] = [];
  for (const user of emulator.control.users()) {
    if (!users.includes(user.username)) continue;
    for (const item of emulator.control.manifest(user.rootFolderId)) out.push({ ...item, path: [user.username, ...item.path] });
    if (scope.includeRecycleBin !== true) continue;
    const bin = store.folders.get(user.recycleBinFolderId);
    if (bin === undefined) continue;
    const inBin = [RECYCLE_BIN_SEGMENT, user.username];
    for (const id of bin.docs) {
      const doc = store.docs.get(id);
      if (doc === undefined || !store.isVisibleDoc(doc, false, 'RECYCLED')) continue;
      const latest = store.latest(doc);
      out.push({
        documentId: doc.id, versionId: latest.id, parentId: bin.id, path: [...inBin, latest.name], size: latest.content.size,
        md5: latest.content.md5(), contentType: latest.contentType, createdAt: doc.created, modifiedAt: doc.modified,
      });
    }
    for (const id of bin.folders) {
      const folder = store.folders.get(id);
      if (folder?.state !== 'RECYCLED') continue;
      for (const item of emulator.control.manifest(id)) out.push({ ...item, path: [...inBin, folder.name, ...item.path] });
    }
  }
  return out;
}

/** `<prefix>.metadata/`: the sidecars' area. */
export function sidecarArea(prefix: string): string {
  return `${prefix}${METADATA_SEGMENT}/`;
}

function isHistoryOrSidecar(prefix: string, key: string): boolean {
  return key.startsWith(historyAreaOf(prefix)) || key.startsWith(sidecarArea(prefix)) || key.startsWith(toolAreaPrefix(prefix));
}

/**
 * The key holding each document's latest version (its own id in the metadata, at a key of its path, its bytes),
 * after a run the exact-mirror check passed: document id → key.
 */
export async function storedDocumentKeys(view: BucketView, documents: readonly ManifestItem[]): Promise<Map<string, string>> {
  const byDocument = new Map<string, string[]>();
  for (const key of view.reader.keys(view.prefix)) {
    if (key.endsWith('/') || isHistoryOrSidecar(view.prefix, key) || underArchive(view, key) || view.foreign.has(key)) continue;
    const id = (await view.reader.read(key))?.metadata[DOCUMENT_METADATA];
    if (id !== undefined) byDocument.set(id, [...(byDocument.get(id) ?? []), key]);
  }
  const out = new Map<string, string>();
  for (const d of documents) {
    for (const key of byDocument.get(d.documentId) ?? []) {
      if (keyMatchesPath(key.slice(view.prefix.length), d.path) && (await view.reader.read(key))?.md5 === d.md5) {
        out.set(d.documentId, key);
        break;
      }
    }
  }
  return out;
}

/**
 * 8, after any run: no object of the history area holds bytes other than those of the version it names (its
 * `workdocs-version-id`, which its file name must carry too). `tampered`: whether a key still holds what the
 * simulator put there behind the tool's back (the tool may not have met it yet).
 */
export async function checkHistoryBytes(view: BucketView, emulator: Emulator, tampered: (key: string) => boolean): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const key of view.reader.keys(historyAreaOf(view.prefix))) {
    if (key.endsWith('/') || tampered(key) || view.foreign.has(key) || underArchive(view, key)) continue;
    const facts = await view.reader.read(key);
    if (facts === undefined) continue;
    const documentId = facts.metadata[DOCUMENT_METADATA];
    const versionId = facts.metadata[VERSION_METADATA];
    if (documentId === undefined || versionId === undefined) {
      out.push({ invariant: 8, message: `history object ${key} names no document version` });
      continue;
    }
    if (!key.slice(key.lastIndexOf('/') + 1).includes(`_${encodeSegment(versionId)}`)) out.push({ invariant: 8, message: `history object ${key} holds version ${versionId}, which its name does not carry` });
    // A document removed for good has no versions left to compare with.
    const version = emulator.store.docs.get(documentId)?.versions.find((v) => v.id === versionId);
    if (version !== undefined && version.content.md5() !== facts.md5) {
      out.push({ invariant: 8, message: `history object ${key} holds MD5 ${facts.md5}, not version ${versionId}'s ${version.content.md5()}` });
    }
  }
  return out;
}

/**
 * 8, after a successful `versions: all` run: every ACTIVE older version of every mirrored document is at its
 * history key with its own bytes, and the history area holds nothing else the tool owns but `orphansAllowed`:
 * older versions deleted in WorkDocs, which only a run that describes versions again finds (docs/design.md).
 */
export async function checkHistoryComplete(view: BucketView, emulator: Emulator, documents: readonly ManifestItem[], keys: ReadonlyMap<string, string>, orphansAllowed: ReadonlySet<string>): Promise<Violation[]> {
  const out: Violation[] = [];
  const wanted = new Set<string>();
  for (const d of documents) {
    const documentKey = keys.get(d.documentId);
    const doc = emulator.store.docs.get(d.documentId);
    if (documentKey === undefined || doc === undefined) continue;
    for (const version of doc.versions) {
      if (version.status !== 'ACTIVE' || version.id === d.versionId) continue;
      const key = historyKey(view.prefix, documentKey, d.documentId, versionFileName({ versionId: version.id, createdAt: version.created, name: version.name }));
      wanted.add(key);
      const md5 = (await view.reader.read(key))?.md5;
      if (md5 === undefined) out.push({ invariant: 8, message: `older version ${version.id} of ${d.path.join('/')} is not at ${key}` });
      else if (md5 !== version.content.md5()) out.push({ invariant: 8, message: `${key} holds MD5 ${md5}, not version ${version.id}'s ${version.content.md5()}` });
    }
  }
  for (const key of view.reader.keys(historyAreaOf(view.prefix))) {
    if (key.endsWith('/') || wanted.has(key) || view.foreign.has(key) || underArchive(view, key)) continue;
    const versionId = (await view.reader.read(key))?.metadata[VERSION_METADATA];
    if (versionId !== undefined && orphansAllowed.has(versionId)) continue;
    out.push({ invariant: 8, message: `history object ${key} is no older version of a mirrored document` });
  }
  return out;
}

/**
 * The stored document versions a metadata index must list, key → document id: each document's latest, and with
 * `history` every object of the history area (after checkHistoryComplete: exactly the older versions).
 */
export async function storedVersions(view: BucketView, latest: ReadonlyMap<string, string>, history: boolean): Promise<Map<string, string>> {
  const stored = new Map([...latest].map(([id, key]) => [key, id] as const));
  if (!history) return stored;
  for (const key of view.reader.keys(historyAreaOf(view.prefix))) {
    if (key.endsWith('/') || view.foreign.has(key) || underArchive(view, key)) continue;
    const id = (await view.reader.read(key))?.metadata[DOCUMENT_METADATA];
    if (id !== undefined) stored.set(key, id);
  }
  return stored;
}

/**
 * 9, after a successful run that wrote the metadata (`index` or `sidecars`): the index's documents.csv and
 * index.jsonl parse and list exactly the stored document versions (`stored`: key → document id); sidecars exist
 * exactly for them with `sidecars`, and not at all with `index`.
 */
export async function checkMetadata(view: BucketView, mode: 'index' | 'sidecars', stored: ReadonlyMap<string, string>): Promise<Violation[]> {
  const out: Violation[] = [];
  const v = (message: string): void => { out.push({ invariant: 9, message }); };
  const indexArea = `${toolAreaPrefix(view.prefix)}index/`;
  const csv = await readBytes(view.client, view.bucket, `${indexArea}documents.csv`);
  if (csv === undefined) v('the index has no documents.csv');
  else {
    const rows = parseCsv(csv.toString('utf8').replace(/^\uFEFF/, ''));
    const header = rows.shift() ?? [];
    const [keyAt, idAt] = [header.indexOf('key'), header.indexOf('document_id')];
    if (keyAt < 0 || idAt < 0) v(`documents.csv has no key or document_id column: ${header.join(',')}`);
    else compareListed(v, 'documents.csv', rows.map((r) => [unescapeCell(r[keyAt] ?? ''), unescapeCell(r[idAt] ?? '')] as const), stored);
  }
  const jsonl = await readBytes(view.client, view.bucket, `${indexArea}index.jsonl`);
  if (jsonl === undefined) v('the index has no index.jsonl');
  else {
    const listed: (readonly [string, string])[] = [];
    for (const [n, line] of jsonl.toString('utf8').split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        const item = JSON.parse(line) as { type?: string; key?: string; id?: string };
        if (item.type === 'document') listed.push([item.key ?? '', item.id ?? '']);
      } catch {
        v(`index.jsonl line ${n + 1} is no JSON: ${line.slice(0, 80)}`);
      }
    }
    compareListed(v, 'index.jsonl', listed, stored);
  }
  const sidecars = view.reader.keys(sidecarArea(view.prefix)).filter((k) => !k.endsWith('/'));
  const wanted = mode === 'sidecars' ? new Set([...stored.keys()].map((key) => `${sidecarArea(view.prefix)}${key.slice(view.prefix.length)}.json`)) : new Set<string>();
  for (const key of sidecars) if (!wanted.has(key)) v(`sidecar ${key} is no stored document's${mode === 'index' ? ' (metadata: index)' : ''}`);
  for (const key of wanted) {
    if (!sidecars.includes(key)) {
      v(`no sidecar ${key}`);
      continue;
    }
    const bytes = await readBytes(view.client, view.bucket, key);
    const documentKey = `${view.prefix}${key.slice(sidecarArea(view.prefix).length, -'.json'.length)}`;
    try {
      const item = JSON.parse(bytes?.toString('utf8') ?? '') as { id?: string; key?: string };
      if (item.id !== stored.get(documentKey) || item.key !== documentKey) v(`sidecar ${key} describes ${item.id} at ${item.key}, not ${stored.get(documentKey)} at ${documentKey}`);
    } catch {
      v(`sidecar ${key} is no JSON`);
    }
  }
  return out;
}

function compareListed(v: (message: string) => void, file: string, listed: readonly (readonly [string, string])[], stored: ReadonlyMap<string, string>): void {
  const seen = new Set<string>();
  for (const [key, id] of listed) {
    if (seen.has(key)) v(`${file} lists ${key} twice`);
    seen.add(key);
    if (!stored.has(key)) v(`${file} lists ${key}, which is no stored document`);
    else if (stored.get(key) !== id) v(`${file} says ${key} is ${id}, it is ${stored.get(key)}`);
  }
  for (const key of stored.keys()) if (!seen.has(key)) v(`${file} does not list ${key}`);
}

/** RFC 4180: rows of cells; quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      [row, cell] = [[], ''];
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** A text cell as written before the formula guard: `'=x` was `=x`. */
function unescapeCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
