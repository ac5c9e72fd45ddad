/**
 * The pure mapping from the WorkDocs tree to S3 keys. No I/O, no clock, no randomness: the keys are a
 * function of the tree (and the prefix) alone, independent of the order of the input arrays.
 *
 * Segment encoding (one WorkDocs name → one key segment, reversible with decodeSegment):
 * - ordinary names are kept as they are, so keys equal the original script's (`folder/sub/name`);
 * - `%XX` (the UTF-8 bytes, upper-case hex) is used for exactly: `%`, `/`, `\`, C0 controls and DEL,
 *   C1 controls, the bidi/format controls U+061C, U+200B, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
 *   U+FEFF, the separators U+2028/U+2029 (not the joiners U+200C/U+200D: Persian words and emoji need
 *   them), the non-characters U+FFFE/U+FFFF (not allowed in the XML of S3 listings), the leading and
 *   trailing runs of spaces, and lone surrogates (as WTF-8: `%ED%A0%80`);
 * - the whole segments `.` and `..` become `%2E` and `%2E%2E`;
 * - the empty name (never produced by WorkDocs) becomes the lone `%`, which no other name encodes to
 *   (everywhere else a `%` is followed by two hex digits).
 * - At the top level only, the reserved names (RESERVED_TOP_LEVEL_SEGMENTS: the tool's area, the history of older
 *   versions, the site's recycle bins, the sidecars) get their leading dot escaped: `.history` → `%2Ehistory`.
 *   A virtual folder the tool itself adds (a site's recycle-bin area) takes its reserved segment as it is
 *   (SourceFolder.fixedSegment), so it can never collide with a WorkDocs name.
 *
 * Same-named siblings (same kind, same parent, byte-equal encoded segment) are ordered by (createdAt, id):
 * the first keeps the plain segment, the others get `~<first 8 chars of the id>` inserted before the
 * extension (`report.pdf` → `report~1a2b3c4d.pdf`). A segment that is already taken by a sibling makes
 * the newcomer try 16 chars, then the full id, then the full id plus `~2`, `~3`, …; plain names are
 * served first, then the others in (createdAt, id) order.
 *
 * Length: a child segment must fit in what its parent's key leaves of the 1024 bytes. A name that does not
 * fit is cut (at a code point and escape boundary) and gets `~<id>` before its extension, like a duplicate.
 * When a folder's key leaves less than 128 bytes, its children are not nested any deeper: they are
 * "relocated" directly under the prefix as `%%<full id>~<name cut to fit>` (a form no name can encode to),
 * and their own children nest below them as usual.
 */
import { createHash } from 'node:crypto';
import type { SourceDocument, SourceFolder, SourceTree } from './types.js';

/** The tool's own area directly under the prefix: manifest, plans, locks, index files. */
export const RESERVED_SEGMENT = '.workdocs-s3-sync';
/** Older versions of documents (`versions: all`), directly under the prefix. */
export const HISTORY_SEGMENT = '.history';
/** Each user's recycle bin (site export with `include_recycle_bin`), directly under the prefix. */
export const RECYCLE_BIN_SEGMENT = '.recycle-bin';
/** One JSON file per document (`metadata: sidecars`), outside the browsable tree. */
export const METADATA_SEGMENT = '.metadata';
/** Top-level segments no WorkDocs name may take: a name equal to one is escaped (`%2E…`) at the top level. */
export const RESERVED_TOP_LEVEL_SEGMENTS: ReadonlySet<string> = new Set([RESERVED_SEGMENT, HISTORY_SEGMENT, RECYCLE_BIN_SEGMENT, METADATA_SEGMENT]);
/** The segment that stands for the empty name (never produced for any other name). */
export const EMPTY_NAME_SEGMENT = '%';
/** S3's limit on the UTF-8 length of a key. */
export const MAX_KEY_BYTES = 1024;
/** Longest accepted destination prefix, in UTF-8 bytes (leaves at least 512 bytes for the tree). */
export const MAX_PREFIX_BYTES = 512;
/** A folder whose key leaves fewer bytes than this for a child segment has its children relocated. */
export const MIN_CHILD_SEGMENT_BYTES = 128;
/** Upper bound of a relocated segment (`%%<id>~<name>`), in UTF-8 bytes. */
export const MAX_RELOCATED_SEGMENT_BYTES = 200;
/** Start of a relocated segment; no encoded name starts with it. */
export const RELOCATED_MARK = '%%';

const HEX = '0123456789ABCDEF';

// Characters encodeSegment escapes wherever they stand (lone surrogates: the `u` flag matches only unpaired ones).
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f%/\\\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]|^ | $/u;

function mustEscape(c: number): boolean {
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x25 || // %
    c === 0x2f || // /
    c === 0x5c || // \
    c === 0x061c ||
    c === 0x200b ||
    c === 0x200e ||
    c === 0x200f ||
    c === 0x2028 ||
    c === 0x2029 ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff ||
    c === 0xfffe ||
    c === 0xffff ||
    (c >= 0xd800 && c <= 0xdfff)
  );
}

function pct(b: number): string {
  return '%' + HEX[b >> 4]! + HEX[b & 15]!;
}

/** `%XX` escapes of the (WTF-)8 bytes of one BMP code unit (a lone surrogate included). */
function escapeUnit(c: number): string {
  if (c < 0x80) return pct(c);
  if (c < 0x800) return pct(0xc0 | (c >> 6)) + pct(0x80 | (c & 0x3f));
  return pct(0xe0 | (c >> 12)) + pct(0x80 | ((c >> 6) & 0x3f)) + pct(0x80 | (c & 0x3f));
}

/** One WorkDocs name → one key segment (see the module comment). Total and injective. */
export function encodeSegment(name: string): string {
  if (name === '') return EMPTY_NAME_SEGMENT;
  if (!NEEDS_ESCAPE.test(name)) {
    if (name === '.') return '%2E';
    if (name === '..') return '%2E%2E';
    return name;
  }
  const n = name.length;
  let lead = 0;
  while (lead < n && name.charCodeAt(lead) === 0x20) lead++;
  let trail = n;
  while (trail > lead && name.charCodeAt(trail - 1) === 0x20) trail--;
  let out = '';
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = name.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += name.slice(i, i + 2);
        i++;
        continue;
      }
    }
    if ((c === 0x20 && (i < lead || i >= trail)) || mustEscape(c)) out += escapeUnit(c);
    else out += name[i]!;
  }
  return out;
}

/** Top-level variant: as encodeSegment, but a reserved name (RESERVED_TOP_LEVEL_SEGMENTS) gets `%2E` for its dot. */
export function encodeTopLevelSegment(name: string): string {
  return RESERVED_TOP_LEVEL_SEGMENTS.has(name) ? '%2E' + name.slice(1) : encodeSegment(name);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Decodes a run of bytes as WTF-8 (UTF-8 that also admits surrogate code points); invalid bytes stay `%XX`. */
function decodeBytes(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  const cont = (k: number): number => {
    const b = bytes[k];
    return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      const c1 = cont(i + 1);
      if (c1 >= 0) {
        out += String.fromCharCode(((b & 0x1f) << 6) | c1);
        i += 2;
        continue;
      }
    } else if (b >= 0xe0 && b <= 0xef) {
      const c1 = cont(i + 1);
      const c2 = cont(i + 2);
      const cp = ((b & 0x0f) << 12) | (c1 << 6) | c2;
      if (c1 >= 0 && c2 >= 0 && cp >= 0x800) {
        out += String.fromCharCode(cp);
        i += 3;
        continue;
      }
    } else if (b >= 0xf0 && b <= 0xf4) {
      const c1 = cont(i + 1);
      const c2 = cont(i + 2);
      const c3 = cont(i + 3);
      const cp = ((b & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (c1 >= 0 && c2 >= 0 && c3 >= 0 && cp >= 0x10000 && cp <= 0x10ffff) {
        out += String.fromCodePoint(cp);
        i += 4;
        continue;
      }
    }
    out += pct(b);
    i++;
  }
  return out;
}

/**
 * The inverse of encodeSegment: decodeSegment(encodeSegment(s)) === s for every string s. Other input is
 * decoded leniently: `%XX` runs as WTF-8, anything that does not decode is kept as it is.
 */
export function decodeSegment(segment: string): string {
  if (segment === EMPTY_NAME_SEGMENT) return '';
  if (!segment.includes('%')) return segment;
  let out = '';
  let i = 0;
  const n = segment.length;
  const escapeAt = (k: number): number => {
    if (k + 2 >= n || segment.charCodeAt(k) !== 0x25) return -1;
    const hi = hexValue(segment.charCodeAt(k + 1));
    const lo = hexValue(segment.charCodeAt(k + 2));
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
  };
  while (i < n) {
    let b = escapeAt(i);
    if (b < 0) {
      out += segment[i]!;
      i++;
      continue;
    }
    const bytes: number[] = [];
    while (b >= 0) {
      bytes.push(b);
      i += 3;
      b = escapeAt(i);
    }
    out += decodeBytes(bytes);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Prefix

export type PrefixProblem =
  | 'leading-slash'
  | 'empty-segment'
  | 'dot-segment'
  | 'control-character'
  | 'invalid-unicode'
  | 'reserved-segment'
  | 'too-long';

/** parsePrefix's answer: the prefix ('' or ending in `/`), or what is wrong with it. */
export type PrefixResult =
  | { readonly ok: true; readonly prefix: string }
  | { readonly ok: false; readonly problem: PrefixProblem; readonly reason: string };

const PREFIX_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * Validates and normalizes the destination prefix: '' (the bucket root) or segments separated by `/`,
 * ending in `/` (added when missing). Rejected: a leading `/`, empty segments (`//`), `.` or `..`
 * segments, control and bidi/format characters, lone surrogates, a `.workdocs-s3-sync` segment (the
 * prefix would lie inside another sync's own area) and more than MAX_PREFIX_BYTES UTF-8 bytes.
 */
export function parsePrefix(prefix: string): PrefixResult {
  if (prefix === '') return { ok: true, prefix: '' };
  const fail = (problem: PrefixProblem, reason: string): PrefixResult => ({ ok: false, problem, reason });
  if (LONE_SURROGATE.test(prefix)) return fail('invalid-unicode', 'the prefix contains an unpaired surrogate (not valid UTF-8)');
  const control = PREFIX_CONTROL.exec(prefix);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return fail('control-character', `the prefix contains the control or formatting character U+${code}`);
  }
  if (prefix.startsWith('/')) return fail('leading-slash', 'the prefix must not start with "/"');
  const normalized = prefix.endsWith('/') ? prefix : prefix + '/';
  const segments = normalized.slice(0, -1).split('/');
  if (segments.some((s) => s === '')) return fail('empty-segment', 'the prefix must not contain an empty segment ("//")');
  if (segments.some((s) => s === '.' || s === '..')) return fail('dot-segment', 'the prefix must not contain "." or ".." segments');
  if (segments.includes(RESERVED_SEGMENT)) {
    return fail('reserved-segment', `the prefix must not contain a "${RESERVED_SEGMENT}" segment (the tool's own area)`);
  }
  const bytes = Buffer.byteLength(normalized, 'utf8');
  if (bytes > MAX_PREFIX_BYTES) return fail('too-long', `the prefix is ${bytes} bytes long; at most ${MAX_PREFIX_BYTES} are allowed`);
  return { ok: true, prefix: normalized };
}

function asPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : prefix + '/';
}

/**
 * True for keys this tool manages under `prefix`: strictly below it (not the prefix's own marker), not inside
 * `<prefix>.workdocs-s3-sync/` and not under `archivePrefix` (when given).
 */
export function isManagedKey(key: string, prefix: string, archivePrefix?: string): boolean {
  const p = asPrefix(prefix);
  if (!key.startsWith(p) || key.length === p.length) return false;
  if (key.startsWith(p + RESERVED_SEGMENT + '/')) return false;
  if (archivePrefix !== undefined && archivePrefix !== '' && key.startsWith(asPrefix(archivePrefix))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Key assignment

export interface DuplicateGroup {
  readonly parentId: string;
  readonly kind: 'document' | 'folder';
  /** The shared name. */
  readonly name: string;
  /** The members, oldest first ((createdAt, id) order); the first keeps the plain segment. */
  readonly ids: readonly string[];
  /** The segment assigned to each member, aligned with ids. */
  readonly segments: readonly string[];
}

export interface KeyAssignment {
  /** documentId → key. */
  readonly documentKeys: Map<string, string>;
  /** folderId → key ending in `/` (the root is the prefix itself and is not listed). */
  readonly folderKeys: Map<string, string>;
  readonly duplicates: DuplicateGroup[];
  /** Ids of folders whose parent chain does not reach the root, and of the documents in them; sorted. */
  readonly unreachable: string[];
  /** Ids (documents and folders) whose segment was cut to fit 1024 bytes or that were relocated; sorted. */
  readonly shortened: string[];
}

interface Item {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** A virtual folder's own segment (SourceFolder.fixedSegment), used as it is. */
  readonly fixedSegment?: string;
}

function time(t: number): number {
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest first; the id breaks ties. */
function byAge(a: Item, b: Item): number {
  const ta = time(a.createdAt);
  const tb = time(b.createdAt);
  return ta < tb ? -1 : ta > tb ? 1 : compareStrings(a.id, b.id);
}

/** UTF-8 length of a well-formed string (keys and segments never hold lone surrogates). */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdfff) bytes += 1; // a surrogate pair: 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}

/** The id as it appears in suffixes: itself when short and plain (WorkDocs ids are 64 hex), else its SHA-256. */
function idTag(id: string): string {
  return /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * An archive key: `base` (the archive prefix and the run's folder) and the object's key below the mirror's prefix;
 * where that would exceed MAX_KEY_BYTES, the rule for keys that are too long applies: one relocated segment
 * `%%<hash of the path>~<last segment cut to fit>` right under `base`, distinct per path and stable.
 */
export function archiveKeyOf(base: string, relative: string): string {
  const key = base + relative;
  if (utf8Length(key) <= MAX_KEY_BYTES) return key;
  const folder = relative.endsWith('/');
  const last = relative.split('/').filter((s) => s !== '').at(-1) ?? '';
  const head = `${RELOCATED_MARK}${createHash('sha256').update(relative, 'utf8').digest('hex').slice(0, 16)}~`;
  const room = Math.min(MAX_RELOCATED_SEGMENT_BYTES, MAX_KEY_BYTES - utf8Length(base) - (folder ? 1 : 0)) - utf8Length(head);
  const ext = extensionOf(last);
  const body = utf8Length(last) <= room ? last : truncateEncoded(last.slice(0, last.length - ext.length), room - utf8Length(ext)).replace(/ +$/, '') + ext;
  return `${base}${head}${body}${folder ? '/' : ''}`;
}

/** The extension of an encoded segment: from the last `.` (not at 0), 2–16 chars, no space or `%`; else ''. */
export function extensionOf(segment: string): string {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0) return '';
  const ext = segment.slice(dot);
  return ext.length >= 2 && ext.length <= 16 && !/[ %]/.test(ext) ? ext : '';
}

/** The longest start of an encoded segment within maxBytes, cut between code points and never inside `%XX` escapes of one code point. */
function truncateEncoded(s: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    let len: number;
    let size: number;
    if (c === 0x25 && i + 2 < n && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0) {
      const lead = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
      const escapes = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      len = 0;
      for (let k = 0; k < escapes && i + len + 2 < n && s.charCodeAt(i + len) === 0x25; k++) len += 3;
      size = len;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      len = 2;
      size = 4;
    } else {
      len = 1;
      size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += len;
  }
  return s.slice(0, i);
}

interface Rendered {
  readonly segment: string;
  readonly cut: boolean;
}

/** `stem~tag.ext`, the stem (or, if need be, the extension too) cut so that the whole fits in budget bytes. */
function withTag(base: string, tag: string, budget: number): Rendered {
  const suffix = '~' + tag;
  const ext = extensionOf(base);
  const stem = base.slice(0, base.length - ext.length);
  const full = stem + suffix + ext;
  if (utf8Length(full) <= budget) return { segment: full, cut: false };
  const room = budget - utf8Length(suffix) - utf8Length(ext);
  if (room >= 0) return { segment: truncateEncoded(stem, room) + suffix + ext, cut: true };
  return { segment: truncateEncoded(base, Math.max(0, budget - utf8Length(suffix))) + suffix, cut: true };
}

/** Groups (indices, in order) of equal segments, for the groups of two or more. */
function sameNamed(bases: readonly string[]): { readonly members: number[] }[] {
  // First holder of each segment; member lists only for the (rare) groups of same-named siblings.
  const firstOf = new Map<string, number>();
  const groups = new Map<string, number[]>();
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const first = firstOf.get(base);
    if (first === undefined) {
      firstOf.set(base, i);
      continue;
    }
    const members = groups.get(base);
    if (members) members.push(i);
    else groups.set(base, [first, i]);
  }
  return [...groups.values()].map((members) => ({ members }));
}

interface SiblingResult {
  readonly segments: string[];
  readonly cut: boolean[];
  readonly groups: { readonly members: number[] }[];
}

/**
 * Unique segments for one parent's children of one kind. `children` is sorted oldest first.
 * Plain names that fit are served first (all distinct: encoding is injective), then the others in age
 * order, each taking the first free candidate: tag of 8 chars, 16, the full tag, the full tag + `~2`, ….
 */
function assignSiblings(children: readonly Item[], budget: number, topLevel: boolean): SiblingResult {
  const n = children.length;
  const bases = children.map((c) => c.fixedSegment ?? (topLevel ? encodeTopLevelSegment(c.name) : encodeSegment(c.name)));
  const groups = sameNamed(bases);
  const younger = new Set<number>();
  for (const { members } of groups) for (const i of members.slice(1)) younger.add(i);
  const plain: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!younger.has(i) && utf8Length(bases[i]!) <= budget) plain.push(i);
    else rest.push(i);
  }
  const segments = new Array<string>(n).fill('');
  const cut = new Array<boolean>(n).fill(false);
  const taken = new Set<string>();
  for (const i of plain) {
    segments[i] = bases[i]!;
    taken.add(bases[i]!);
  }
  for (const i of rest) {
    const tag = idTag(children[i]!.id);
    const tags = [...new Set([tag.slice(0, 8), tag.slice(0, 16), tag])];
    let chosen: Rendered | undefined;
    for (let k = 0; chosen === undefined; k++) {
      const t = k < tags.length ? tags[k]! : `${tag}~${k - tags.length + 2}`;
      const candidate = withTag(bases[i]!, t, budget);
      if (!taken.has(candidate.segment)) chosen = candidate;
    }
    segments[i] = chosen.segment;
    cut[i] = chosen.cut;
    taken.add(chosen.segment);
  }
  return { segments, cut, groups };
}

interface Placed {
  readonly id: string;
  readonly key: string;
  readonly bytes: number;
}

/**
 * Maps every reachable folder and document to its key under `prefix` (validated with parsePrefix; an
 * invalid prefix throws a RangeError). See the module comment for the scheme. Guarantees: keys are unique,
 * start with the prefix, are at most 1024 UTF-8 bytes, have no empty, `.` or `..` segment and no control
 * characters, never lie inside `<prefix>.workdocs-s3-sync/`, and do not depend on the order of the arrays.
 */
export function assignKeys(tree: SourceTree, prefix: string): KeyAssignment {
  const normalized = parsePrefix(prefix);
  if (!normalized.ok) throw new RangeError(`invalid key prefix ${JSON.stringify(prefix)}: ${normalized.reason}`);
  const pfx = normalized.prefix;
  const fast = assignDistinct(tree.rootId, tree.folders, tree.documents, pfx);
  if (fast !== undefined) return fast;
  // A listing repeated an item (the same id twice): keep one record per id, chosen canonically, and redo.
  const folders = new Map<string, SourceFolder>();
  for (const f of tree.folders) {
    const seen = folders.get(f.id);
    if (seen === undefined || compareFolderRecords(f, seen) < 0) folders.set(f.id, f);
  }
  const documents = new Map<string, SourceDocument>();
  for (const d of tree.documents) {
    const seen = documents.get(d.id);
    if (seen === undefined || compareDocumentRecords(d, seen) < 0) documents.set(d.id, d);
  }
  return assignDistinct(tree.rootId, [...folders.values()], [...documents.values()], pfx)!;
}

/** True when the children of a folder whose key is `parentBytes` long do not fit under it and are relocated. */
function childrenRelocated(parentBytes: number): boolean {
  return MAX_KEY_BYTES - parentBytes - 1 < MIN_CHILD_SEGMENT_BYTES;
}

/**
 * The keys of one folder's children, given the folder's key and all of its children: the step assignKeys
 * takes for each folder, so the keys are the same as assignKeys gives whenever the listing repeats no id.
 * Lets transfers start while the rest of the tree is still being listed. Undefined when the children would be
 * relocated for length (those keys depend on the whole tree).
 */
export function keysOfChildren(
  parentKey: string,
  topLevel: boolean,
  folders: readonly SourceFolder[],
  documents: readonly SourceDocument[],
): { folderKeys: Map<string, string>; documentKeys: Map<string, string> } | undefined {
  const bytes = utf8Length(parentKey);
  if (childrenRelocated(bytes)) return undefined;
  const childFolders = [...folders].sort(byAge);
  const childDocuments = [...documents].sort(byAge);
  const placed = placeSiblings(bytes, topLevel, childFolders, childDocuments);
  return {
    folderKeys: new Map(childFolders.map((f, i) => [f.id, parentKey + placed.folders.segments[i]! + '/'])),
    documentKeys: new Map(childDocuments.map((d, i) => [d.id, parentKey + placed.documents.segments[i]!])),
  };
}

/** Segments for a folder's children (sorted oldest first) that fit under its key of `parentBytes` bytes. */
function placeSiblings(parentBytes: number, topLevel: boolean, folders: readonly Item[], documents: readonly Item[]): { folders: SiblingResult; documents: SiblingResult } {
  const room = MAX_KEY_BYTES - parentBytes;
  // A folder's segment is followed by '/'.
  return { folders: assignSiblings(folders, room - 1, topLevel), documents: assignSiblings(documents, room, topLevel) };
}

/** assignKeys for records with distinct ids; undefined when an id turns out to be repeated. */
function assignDistinct(
  rootId: string,
  folders: readonly SourceFolder[],
  documents: readonly SourceDocument[],
  pfx: string,
): KeyAssignment | undefined {
  const foldersIn = new Map<string, SourceFolder[]>();
  for (const f of folders) {
    if (f.parentId === null || f.id === rootId) continue;
    const list = foldersIn.get(f.parentId);
    if (list) list.push(f);
    else foldersIn.set(f.parentId, [f]);
  }
  const documentsIn = new Map<string, SourceDocument[]>();
  for (const d of documents) {
    const list = documentsIn.get(d.parentId);
    if (list) list.push(d);
    else documentsIn.set(d.parentId, [d]);
  }

  const documentKeys = new Map<string, string>();
  const folderKeys = new Map<string, string>();
  const duplicates: DuplicateGroup[] = [];
  const shortened: string[] = [];
  const relocatedTaken = new Set<string>();
  /** Segments for children placed directly under the prefix: `%%<tag>~<name cut to fit>`. */
  const relocateAll = (children: readonly Item[], kind: 'document' | 'folder'): SiblingResult => {
    const budget = Math.min(MAX_RELOCATED_SEGMENT_BYTES, MAX_KEY_BYTES - utf8Length(pfx) - (kind === 'folder' ? 1 : 0));
    const bases = children.map((c) => encodeSegment(c.name));
    const segments = children.map((child, i) => {
      const base = bases[i]!;
      const ext = extensionOf(base);
      const tag = idTag(child.id);
      for (let k = 1; ; k++) {
        const head = RELOCATED_MARK + tag + (k > 1 ? `~${k}` : '') + '~';
        const room = budget - utf8Length(head);
        // A cut name may end in a space: drop it, so that the segment does not end in one.
        const body = utf8Length(base) <= room ? base : truncateEncoded(base.slice(0, base.length - ext.length), room - utf8Length(ext)).replace(/ +$/, '') + ext;
        const segment = head + body;
        // Documents and folders never share a key (folder keys end in '/'), but one set is enough.
        const taken = kind + segment;
        if (!relocatedTaken.has(taken)) {
          relocatedTaken.add(taken);
          return segment;
        }
      }
    });
    return { segments, cut: children.map(() => true), groups: sameNamed(bases) };
  };

  // Breadth first from the root: parents are keyed before their children; cycles and orphans are never reached.
  const queue: Placed[] = [{ id: rootId, key: pfx, bytes: utf8Length(pfx) }];
  let repeated = false;
  for (let q = 0; q < queue.length && !repeated; q++) {
    const parent = queue[q]!;
    const childFolders = (foldersIn.get(parent.id) ?? []).sort(byAge);
    const childDocuments = (documentsIn.get(parent.id) ?? []).sort(byAge);
    // Too deep: the children go directly under the prefix (the root always has room: the prefix is at most 512 bytes).
    const relocated = childrenRelocated(parent.bytes);
    const base = relocated ? { key: pfx, bytes: utf8Length(pfx) } : parent;
    const placed = relocated ? undefined : placeSiblings(parent.bytes, parent.id === rootId, childFolders, childDocuments);
    const folderResult = placed?.folders ?? relocateAll(childFolders, 'folder');
    childFolders.forEach((f, i) => {
      const segment = folderResult.segments[i]!;
      const key = base.key + segment + '/';
      if (folderKeys.has(f.id)) repeated = true;
      folderKeys.set(f.id, key);
      if (folderResult.cut[i]) shortened.push(f.id);
      queue.push({ id: f.id, key, bytes: base.bytes + utf8Length(segment) + 1 });
    });
    const documentResult = placed?.documents ?? relocateAll(childDocuments, 'document');
    childDocuments.forEach((d, i) => {
      if (documentKeys.has(d.id)) repeated = true;
      documentKeys.set(d.id, base.key + documentResult.segments[i]!);
      if (documentResult.cut[i]) shortened.push(d.id);
    });
    for (const [kind, children, result] of [
      ['document', childDocuments, documentResult],
      ['folder', childFolders, folderResult],
    ] as const) {
      for (const { members } of result.groups) {
        duplicates.push({
          parentId: parent.id,
          kind,
          name: children[members[0]!]!.name,
          ids: members.map((i) => children[i]!.id),
          segments: members.map((i) => result.segments[i]!),
        });
      }
    }
  }

  if (repeated) return undefined;
  // Every record is keyed or unreachable; an id seen more often than it was keyed is repeated.
  const unreachableFolders = new Set<string>();
  let keyedFolderRecords = 0;
  for (const f of folders) {
    if (f.id === rootId) continue;
    if (folderKeys.has(f.id)) keyedFolderRecords++;
    else if (unreachableFolders.has(f.id)) return undefined;
    else unreachableFolders.add(f.id);
  }
  const unreachableDocuments = new Set<string>();
  let keyedDocumentRecords = 0;
  for (const d of documents) {
    if (documentKeys.has(d.id)) keyedDocumentRecords++;
    else if (unreachableDocuments.has(d.id)) return undefined;
    else unreachableDocuments.add(d.id);
  }
  if (keyedFolderRecords !== folderKeys.size || keyedDocumentRecords !== documentKeys.size) return undefined;
  const unreachable = [...unreachableFolders, ...unreachableDocuments].sort(compareStrings);
  shortened.sort(compareStrings);
  return { documentKeys, folderKeys, duplicates, unreachable, shortened };
}

function compareFolderRecords(a: SourceFolder, b: SourceFolder): number {
  return (
    compareStrings(a.parentId ?? '', b.parentId ?? '') ||
    compareStrings(a.name, b.name) ||
    (time(a.createdAt) < time(b.createdAt) ? -1 : time(a.createdAt) > time(b.createdAt) ? 1 : 0)
  );
}

function compareDocumentRecords(a: SourceDocument, b: SourceDocument): number {
  return (
    compareStrings(a.parentId, b.parentId) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.versionId, b.versionId) ||
    (time(a.createdAt) < time(b.createdAt) ? -1 : time(a.createdAt) > time(b.createdAt) ? 1 : 0)
  );
}
