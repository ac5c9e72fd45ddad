/**
 * The manifest: one object under the prefix recording, per key, which document version it holds.
 * It lets a no-op resync decide everything from one GET and the listing, with no request per object.
 */
import { createHash } from 'node:crypto';
import { RESERVED_SEGMENT } from './keys.js';
import type { InventoryObject, Manifest, ManifestEntry } from './types.js';

export const MANIFEST_FORMAT = 'workdocs-s3-sync/manifest';
export const MANIFEST_VERSION = 1;

export function manifestKey(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/manifest.json`;
}

export function toolAreaPrefix(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/`;
}

export const EMPTY_MANIFEST: Manifest = { entries: new Map() };

/** An ETag as this tool compares them: no weak marker, no quotes, lower case ('' for none). */
export function normalizeEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}

export function isPlainMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/.test(etag);
}

/**
 * Whether the listed object is no longer the one `entry` recorded: a free check, from the listing alone, that
 * nobody overwrote it behind our back. Its ETag must be the one S3 answered when it was written, or the MD5 of
 * its bytes; any other (a multipart ETag such as `…-1` included) means other bytes.
 */
export function replacedSince(object: InventoryObject, entry: ManifestEntry): boolean {
  if (object.etag === entry.etag) return false;
  // An entry without a recorded ETag (a manifest of an older version) on an SSE-KMS bucket: its ETag is opaque, so
  // the object is checked again by its metadata like an unknown one (adoption), not taken for overwritten.
  return object.etag !== entry.md5;
}

/**
 * The trust rule for manifest entries: an entry describes its object only while the listing shows that object with
 * the recorded size and an ETag it recorded. Any other entry says nothing about what the key holds now (a run killed
 * after its uploads but before its manifest write, a file overwritten behind our back). The same object when all hold.
 */
export function trustedManifest(manifest: Manifest, inventory: readonly InventoryObject[]): Manifest {
  if (manifest.entries.size === 0) return manifest;
  const byKey = new Map(inventory.map((o) => [o.key, o]));
  const contradicted: string[] = [];
  for (const [key, entry] of manifest.entries) {
    const object = byKey.get(key);
    if (object === undefined || object.size !== entry.size || replacedSince(object, entry)) contradicted.push(key);
  }
  if (contradicted.length === 0) return manifest;
  const entries = new Map(manifest.entries);
  for (const key of contradicted) entries.delete(key);
  return { ...manifest, entries };
}

/**
 * Compact rows keep a 100,000-entry manifest small: [key, documentId, versionId, size, md5], and the entry's
 * `etag` sixth where it has one (older manifests have none: they are read the same).
 */
export type ManifestRow = [string, string, string, number, string] | [string, string, string, number, string, string];

/** One row of the manifest (the format scale-out's plan and shard results use too). */
export function toRow(key: string, e: ManifestEntry): ManifestRow {
  return e.etag === undefined ? [key, e.documentId, e.versionId, e.size, e.md5] : [key, e.documentId, e.versionId, e.size, e.md5, e.etag];
}

export function toRows(entries: ReadonlyMap<string, ManifestEntry>): ManifestRow[] {
  return [...entries].map(([key, e]) => toRow(key, e));
}

export function fromRows(rows: readonly ManifestRow[]): [string, ManifestEntry][] {
  const ids = new Map<string, string>();
  return rows.map((row) => [row[0], entryOf(row, ids)]);
}

interface ManifestFile {
  format: string;
  version: number;
  rootFolderId: string;
  prefix: string;
  updatedAt: string;
  /** sha256 of the JSON of `rows`, so a truncated or edited manifest is detected and rebuilt. */
  checksum: string;
  /** Manifest.foreign as [key, ETag] pairs; absent when there are none (and in manifests of older versions). */
  foreign?: [string, string][];
  /**
   * Manifest.histories as [documentId, latest version id, older version ids…], sorted; absent with `versions: latest`
   * (and in manifests of older versions). Older readers ignore it: then every history is described again.
   */
  histories?: string[][];
  rows: ManifestRow[];
}

/**
 * The manifest file's layout: its header line (which ends in `"rows":[`), the JSON of each row (stringified on
 * demand, never held all at once) and the byte length of the whole file. The rows are stringified once here, for
 * the checksum and the size, and once more by whoever writes them out.
 */
function layoutOf(manifest: Manifest, meta: { rootFolderId: string; prefix: string; updatedAt: string }): { head: string; keys: string[]; rowJson: (key: string) => string; length: number } {
  const keys = [...manifest.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rowJson = (key: string): string => {
    return JSON.stringify(toRow(key, manifest.entries.get(key)!));
  };
  // The checksum is the sha256 of JSON.stringify(rows): `[` + the rows joined by `,` + `]`.
  const hash = createHash('sha256').update('[');
  let rowBytes = 0;
  keys.forEach((key, i) => {
    const json = rowJson(key);
    hash.update(i === 0 ? json : `,${json}`);
    rowBytes += Buffer.byteLength(json) + (i === 0 ? 0 : 2);
  });
  const file: Omit<ManifestFile, 'rows'> = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    rootFolderId: meta.rootFolderId,
    prefix: meta.prefix,
    updatedAt: meta.updatedAt,
    checksum: hash.update(']').digest('hex'),
    ...(manifest.foreign !== undefined && manifest.foreign.size > 0 ? { foreign: [...manifest.foreign].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) } : {}),
    ...(manifest.histories !== undefined && manifest.histories.size > 0
      ? { histories: [...manifest.histories].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, versions]) => [id, ...versions]) }
      : {}),
  };
  const head = `${JSON.stringify(file).slice(0, -1)},${ROWS_OPEN}\n`;
  return { head, keys, rowJson, length: Buffer.byteLength(head) + rowBytes + ROWS_CLOSE.length };
}

/** The file's text in order, one row at a time (with the `,\n` before it): the header, the rows, the close. */
function* piecesOf(layout: ReturnType<typeof layoutOf>): Generator<string> {
  yield layout.head;
  for (let i = 0; i < layout.keys.length; i++) {
    const json = layout.rowJson(layout.keys[i]!);
    yield i === 0 ? json : `,\n${json}`;
  }
  yield ROWS_CLOSE;
}

/**
 * The manifest file, as bytes: rows last and one per line (readable in a console, and diffs well). A 100,000-row
 * manifest (~24 MB) is built straight into one Buffer outside the V8 heap: no array of rows, no JSON of all
 * rows for the checksum and no giant string. The rows are stringified twice (checksum and size, then the bytes).
 * The S3 adapter sends encodeManifestChunks instead, never holding the file whole.
 */
export function encodeManifestBytes(manifest: Manifest, meta: { rootFolderId: string; prefix: string; updatedAt: string }): Buffer {
  const layout = layoutOf(manifest, meta);
  const out = Buffer.allocUnsafe(layout.length);
  let offset = 0;
  for (const piece of piecesOf(layout)) offset += out.write(piece, offset);
  if (offset !== out.length) throw new Error(`manifest encoding wrote ${offset} of ${out.length} bytes`);
  return out;
}

/**
 * The bytes of encodeManifestBytes in chunks of at least `chunkBytes` (but the last; each ends at the end of a row or
 * of the header), made as they are consumed: `length` (the file's size) is known before the first. Each call of
 * `chunks` starts over and yields the same bytes.
 */
export function encodeManifestChunks(
  manifest: Manifest,
  meta: { rootFolderId: string; prefix: string; updatedAt: string },
  chunkBytes = 1 << 16,
): { readonly length: number; chunks(): Generator<Buffer> } {
  const layout = layoutOf(manifest, meta);
  return {
    length: layout.length,
    *chunks() {
      let text = '';
      for (const piece of piecesOf(layout)) {
        text += piece;
        // UTF-16 code units: each one to three bytes.
        if (text.length >= chunkBytes) {
          yield Buffer.from(text, 'utf8');
          text = '';
        }
      }
      if (text !== '') yield Buffer.from(text, 'utf8');
    },
  };
}

/** The manifest file as text (see encodeManifestBytes). */
export function encodeManifest(manifest: Manifest, meta: { rootFolderId: string; prefix: string; updatedAt: string }): string {
  return encodeManifestBytes(manifest, meta).toString('utf8');
}

export type DecodedManifest =
  | { readonly ok: true; readonly manifest: Manifest; readonly rootFolderId: string; readonly updatedAt: string }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a manifest file. The layout encodeManifestBytes writes is read line by line (ManifestDecoder: no tree of
 * the whole file and no second JSON of all rows for the checksum); any other valid JSON (a manifest someone
 * reformatted) is read whole, with the same result.
 */
export function decodeManifest(input: string | Uint8Array): DecodedManifest {
  const decoder = new ManifestDecoder();
  const lines = decoder.write(typeof input === 'string' ? Buffer.from(input, 'utf8') : input) ? decoder.end() : undefined;
  return lines ?? decodeWhole(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8'));
}

/**
 * A manifest file read whole, whatever its layout (one JSON tree of it, and its rows stringified again). `listed`: as
 * for ManifestDecoder.
 */
export function decodeWhole(text: string, listed?: ReadonlyMap<string, InventoryObject>): DecodedManifest {
  let file: Partial<ManifestFile>;
  try {
    file = JSON.parse(text) as Partial<ManifestFile>;
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  if (file === null || typeof file !== 'object' || file.format !== MANIFEST_FORMAT) return { ok: false, problem: 'not a workdocs-s3-sync manifest' };
  if (file.version !== MANIFEST_VERSION) return { ok: false, problem: `unsupported manifest version ${String(file.version)}` };
  if (!Array.isArray(file.rows)) return { ok: false, problem: 'no rows' };
  if (file.checksum !== sha256(JSON.stringify(file.rows))) return { ok: false, problem: 'checksum mismatch' };
  const entries = new Map<string, ManifestEntry>();
  const ids = idsOf(file.histories);
  for (const row of file.rows) {
    if (!isRow(row)) return { ok: false, problem: 'malformed row' };
    const object = listed?.get(row[0]);
    entries.set(object?.key ?? row[0], entryOf(row, ids, object));
  }
  return { ok: true, manifest: withHistories(withForeign(entries, file.foreign), file.histories), rootFolderId: String(file.rootFolderId ?? ''), updatedAt: String(file.updatedAt ?? '') };
}

/**
 * decodeWhole for the layout encodeManifestBytes writes (a header line ending in `"rows":[`, one row per line,
 * `]}` on the last line), fed the file's bytes in chunks as they arrive, split anywhere (inside a line or a UTF-8
 * character too): each line is decoded once its newline (the byte 0x0a) has arrived, so only the entries and one
 * unfinished line are held. `write` answers false as soon as the bytes cannot be that layout (the caller stops
 * feeding it), `end` the decoded manifest, or undefined for anything that is not that layout or whose rows were
 * written otherwise than JSON.stringify writes them (their checksum does not match): decodeWhole then reads it.
 */
export class ManifestDecoder {
  #stage: 'header' | 'first row' | 'rows' | 'close' | 'trailer' | 'other' | 'ended' = 'header';
  /** The unfinished line's bytes, as they arrived. */
  #pending: Buffer[] = [];
  #file: Partial<ManifestFile> = {};
  readonly #hash = createHash('sha256').update('[');
  readonly #entries = new Map<string, ManifestEntry>();
  #ids = new Map<string, string>();
  #rows = 0;
  #malformed = false;

  /**
   * `listed`: the bucket's listing by key, when it is known before the manifest is read: each entry then holds the
   * listed object's key, MD5 and ETag strings instead of copies of its own (on 100,000 documents some 30 MB of the
   * live heap). Entries, their order and their values are the same either way.
   */
  constructor(private readonly listed?: ReadonlyMap<string, InventoryObject>) {}

  /** Feeds the next bytes; false once they cannot be the line layout (later bytes are then ignored). */
  write(chunk: Uint8Array): boolean {
    if (this.#stage === 'ended') throw new Error('ManifestDecoder: write after end');
    if (this.#stage === 'other') return false;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
      let line = bytes.subarray(start, end);
      start = end + 1;
      if (this.#pending.length > 0) {
        this.#pending.push(line);
        line = Buffer.concat(this.#pending);
        this.#pending = [];
      }
      if (!this.#line(line)) return this.#giveUp();
    }
    if (start < bytes.length) this.#pending.push(bytes.subarray(start));
    return true;
  }

  /** The manifest, once every byte was written; undefined when it is not the line layout (see the class). */
  end(): DecodedManifest | undefined {
    if (this.#stage === 'ended') throw new Error('ManifestDecoder: end called twice');
    // What follows the last newline is one more line, empty when the file ends with one.
    const last = this.#stage === 'other' || !this.#line(Buffer.concat(this.#pending)) || this.#stage !== 'trailer' ? undefined : this.#result();
    this.#stage = 'ended';
    this.#pending = [];
    return last;
  }

  #giveUp(): false {
    this.#stage = 'other';
    this.#pending = [];
    this.#entries.clear();
    return false;
  }

  /** One complete line, without its newline: whether the layout still holds. */
  #line(line: Buffer): boolean {
    switch (this.#stage) {
      case 'header':
        return this.#header(line.toString('utf8'));
      case 'first row':
        if (line.length === 0) {
          // No rows: `[` and `]}` with an empty line between.
          this.#stage = 'close';
          return true;
        }
        return this.#row(line);
      case 'rows':
        return this.#row(line);
      case 'close':
        this.#stage = 'trailer';
        return line.equals(ROWS_CLOSE_LINE);
      case 'trailer':
        // Only blanks after `]}`.
        return line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d);
      default:
        return false;
    }
  }

  #header(line: string): boolean {
    if (!line.startsWith('{') || !line.endsWith(`,${ROWS_OPEN}`)) return false;
    const header = parse(`${line.slice(0, -(ROWS_OPEN.length + 1))}}`);
    // At least one member: `{` alone before `,"rows":[` would not be JSON.
    if (header === PARSE_FAILED || header === null || typeof header !== 'object' || Array.isArray(header) || Object.keys(header).length === 0) return false;
    this.#file = header as Partial<ManifestFile>;
    this.#ids = idsOf(this.#file.histories);
    this.#stage = 'first row';
    return true;
  }

  #row(line: Buffer): boolean {
    // The last row has no comma after it (and an empty line is no row: it fails to parse).
    const last = line.length === 0 || line[line.length - 1] !== COMMA;
    const json = last ? line : line.subarray(0, -1);
    const row = parse(json.toString('utf8'));
    if (row === PARSE_FAILED) return false;
    // The checksum covers JSON.stringify(rows), which is what each line holds unless someone reformatted it;
    // such a file fails the checksum here and is read whole by decodeWhole, which stringifies the rows again.
    if (this.#rows > 0) this.#hash.update(',');
    this.#hash.update(json);
    this.#rows++;
    if (isRow(row)) {
      const object = this.listed?.get(row[0]);
      this.#entries.set(object?.key ?? row[0], entryOf(row, this.#ids, object));
    } else this.#malformed = true;
    if (last) this.#stage = 'close';
    return true;
  }

  #result(): DecodedManifest | undefined {
    const file = this.#file;
    if (file.format !== MANIFEST_FORMAT) return { ok: false, problem: 'not a workdocs-s3-sync manifest' };
    if (file.version !== MANIFEST_VERSION) return { ok: false, problem: `unsupported manifest version ${String(file.version)}` };
    if (file.checksum !== this.#hash.update(']').digest('hex')) return undefined;
    if (this.#malformed) return { ok: false, problem: 'malformed row' };
    return { ok: true, manifest: withHistories(withForeign(this.#entries, file.foreign), file.histories), rootFolderId: String(file.rootFolderId ?? ''), updatedAt: String(file.updatedAt ?? '') };
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return PARSE_FAILED;
  }
}

/** The manifest with its remembered foreign objects; a malformed list is dropped (they are asked about again). */
function withForeign(entries: Map<string, ManifestEntry>, foreign: unknown): Manifest {
  if (!Array.isArray(foreign) || foreign.length === 0) return { entries };
  const pairs = foreign.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
  return pairs.length === foreign.length ? { entries, foreign: new Map(pairs) } : { entries };
}

/**
 * The manifest with its recorded histories; a malformed list is dropped whole (every history is then described
 * again, which costs requests but never a wrong object).
 */
function withHistories(manifest: Manifest, histories: unknown): Manifest {
  if (!Array.isArray(histories) || histories.length === 0) return manifest;
  const records = new Map<string, readonly string[]>();
  for (const record of histories) {
    if (!Array.isArray(record) || record.length < 2 || !record.every((id) => typeof id === 'string')) return manifest;
    const [documentId, ...versionIds] = record as string[];
    records.set(documentId!, versionIds);
  }
  return { ...manifest, histories: records };
}

const PARSE_FAILED = Symbol('not JSON');
const ROWS_OPEN = '"rows":[';
const ROWS_CLOSE = '\n]}\n';
const ROWS_CLOSE_LINE = Buffer.from(']}');
const NEWLINE = 0x0a;
const COMMA = 0x2c;

function isRow(row: unknown): row is ManifestRow {
  return Array.isArray(row) && (row.length === 5 || (row.length === 6 && typeof row[5] === 'string'))
    && typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'string'
    && Number.isSafeInteger(row[3]) && typeof row[4] === 'string';
}

/**
 * One copy of each document and version id while a manifest is decoded, seeded with the recorded histories' (read
 * first, from the header): otherwise every row and every history record holds its own copy. With `versions: all`
 * on 100,000 documents that is some 375,000 id strings instead of 750,000 (about 25 MB of the live heap). Dropped
 * once the manifest is decoded.
 */
function idsOf(histories: unknown): Map<string, string> {
  const ids = new Map<string, string>();
  if (!Array.isArray(histories)) return ids;
  for (const record of histories) {
    if (!Array.isArray(record)) continue;
    for (const id of record) if (typeof id === 'string' && !ids.has(id)) ids.set(id, id);
  }
  return ids;
}

function sharedId(ids: Map<string, string>, id: string): string {
  const known = ids.get(id);
  if (known !== undefined) return known;
  ids.set(id, id);
  return id;
}

/** The entry of a row; `listed` (the object at its key, when known) lends its equal MD5 or ETag string. */
function entryOf(row: ManifestRow, ids: Map<string, string>, listed?: InventoryObject): ManifestEntry {
  const [, listedDocumentId, listedVersionId, size, rowMd5, rowEtag] = row;
  const documentId = sharedId(ids, listedDocumentId);
  const versionId = sharedId(ids, listedVersionId);
  const md5 = listed?.etag === rowMd5 ? listed.etag : rowMd5;
  if (rowEtag === undefined) return { documentId, versionId, size, md5 };
  return { documentId, versionId, size, md5, etag: listed?.etag === rowEtag ? listed.etag : rowEtag };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
