/**
 * The manifest: one object under the prefix recording, per key, which document version it holds.
 * It lets a no-op resync decide everything from one GET and the listing, with no request per object.
 */
import { createHash } from 'node:crypto';
import { RESERVED_SEGMENT } from './keys.js';
import type { Manifest, ManifestEntry } from './types.js';

export const MANIFEST_FORMAT = 'workdocs-s3-sync/manifest';
export const MANIFEST_VERSION = 1;

export function manifestKey(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/manifest.json`;
}

export function toolAreaPrefix(prefix: string): string {
  return `${prefix}${RESERVED_SEGMENT}/`;
}

export const EMPTY_MANIFEST: Manifest = { entries: new Map() };

/** Compact rows keep a 100,000-entry manifest small: [key, documentId, versionId, size, md5]. */
type Row = [string, string, string, number, string];

interface ManifestFile {
  format: string;
  version: number;
  rootFolderId: string;
  prefix: string;
  updatedAt: string;
  /** sha256 of the JSON of `rows`, so a truncated or edited manifest is detected and rebuilt. */
  checksum: string;
  rows: Row[];
}

export function encodeManifest(manifest: Manifest, meta: { rootFolderId: string; prefix: string; updatedAt: string }): string {
  const rows: Row[] = [...manifest.entries]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, e]) => [key, e.documentId, e.versionId, e.size, e.md5]);
  const rowsJson = JSON.stringify(rows);
  const file: Omit<ManifestFile, 'rows'> = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    rootFolderId: meta.rootFolderId,
    prefix: meta.prefix,
    updatedAt: meta.updatedAt,
    checksum: sha256(rowsJson),
  };
  // Rows last and on their own lines: readable in a console, and diffs well.
  return `${JSON.stringify(file).slice(0, -1)},"rows":[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
}

export type DecodedManifest =
  | { readonly ok: true; readonly manifest: Manifest; readonly rootFolderId: string; readonly updatedAt: string }
  | { readonly ok: false; readonly problem: string };

export function decodeManifest(text: string): DecodedManifest {
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
  for (const row of file.rows) {
    if (!isRow(row)) return { ok: false, problem: 'malformed row' };
    const [key, documentId, versionId, size, md5] = row;
    entries.set(key, { documentId, versionId, size, md5 });
  }
  return { ok: true, manifest: { entries }, rootFolderId: String(file.rootFolderId ?? ''), updatedAt: String(file.updatedAt ?? '') };
}

function isRow(row: unknown): row is Row {
  return Array.isArray(row) && row.length === 5 && typeof row[0] === 'string' && typeof row[1] === 'string'
    && typeof row[2] === 'string' && Number.isSafeInteger(row[3]) && typeof row[4] === 'string';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
