// The manifest file: what encodeManifest writes, decodeManifest reads back, whatever the form it arrives in, and
// anything truncated or edited is refused. The line-by-line reader must agree with reading the JSON whole.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeManifest, decodeWhole, encodeManifest, encodeManifestBytes, ManifestDecoder } from '../../src/core/manifest.js';
import type { ManifestEntry } from '../../src/core/types.js';

const meta = { rootFolderId: 'root-id', prefix: 'backup/', updatedAt: '2026-11-25T00:00:00.000Z' };

function entries(n: number): Map<string, ManifestEntry> {
  const map = new Map<string, ManifestEntry>();
  // Out of order, with keys that need JSON escapes and non-ASCII text.
  for (let i = n - 1; i >= 0; i--) {
    map.set(`backup/f${i % 3}/"doc"\n${i}\\ü😀.txt`, { documentId: `d${i}`, versionId: `v${i}`, size: i * 1000, md5: createHash('md5').update(String(i)).digest('hex') });
  }
  return map;
}

/** The file as the first version of encodeManifest wrote it (one JSON of all rows for the checksum, one string). */
function reference(map: Map<string, ManifestEntry>): string {
  const rows = [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([key, e]) => [key, e.documentId, e.versionId, e.size, e.md5]);
  const rowsJson = JSON.stringify(rows);
  const file = { format: 'workdocs-s3-sync/manifest', version: 1, ...meta, checksum: createHash('sha256').update(rowsJson).digest('hex') };
  return `${JSON.stringify(file).slice(0, -1)},"rows":[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
}

describe('manifest file', () => {
  it.each([0, 1, 2, 1000])('%i entries: the same bytes as before, read back as text and as bytes', (n) => {
    const map = entries(n);
    const bytes = encodeManifestBytes({ entries: map }, meta);
    expect(bytes.toString('utf8')).toBe(reference(map));
    expect(encodeManifest({ entries: map }, meta)).toBe(reference(map));
    for (const input of [bytes, bytes.toString('utf8'), new Uint8Array(bytes)]) {
      const decoded = decodeManifest(input);
      expect(decoded).toEqual({ ok: true, manifest: { entries: map }, rootFolderId: 'root-id', updatedAt: meta.updatedAt });
      if (decoded.ok) expect([...decoded.manifest.entries.keys()]).toEqual([...map.keys()].sort());
    }
  });

  it('records an entry\'s ETag (SSE-KMS, multipart) as a sixth row element, only where it has one, and reads it back', () => {
    const map = entries(3);
    const [first, second] = [...map.keys()];
    map.set(first!, { ...map.get(first!)!, etag: 'e'.repeat(32) });
    map.set(second!, { ...map.get(second!)!, etag: `${'a'.repeat(32)}-4` });
    const text = encodeManifest({ entries: map }, meta);
    const rows = text.split('\n').slice(1, -2).map((line) => JSON.parse(line.replace(/,$/, '')) as unknown[]);
    expect(rows.map((row) => row.length).sort()).toEqual([5, 6, 6]);
    for (const input of [text, Buffer.from(text), JSON.stringify(JSON.parse(text), null, 2)]) {
      expect(decodeManifest(input)).toEqual({ ok: true, manifest: { entries: map }, rootFolderId: 'root-id', updatedAt: meta.updatedAt });
    }
  });

  it('reads a manifest someone reformatted (the checksum covers the rows, not the layout)', () => {
    const text = encodeManifest({ entries: entries(5) }, meta);
    for (const variant of [JSON.stringify(JSON.parse(text), null, 2), JSON.stringify(JSON.parse(text)), text.replace(/\n/g, '\r\n'), text.trimEnd(), `${text}\n\n`,
      // The line layout with rows written differently from JSON.stringify (the rows are hashed as written, so
      // these are read whole and their rows stringified again).
      text.replace(/","/g, '", "'), text.replace(/ü/g, '\\u00fc')]) {
      expect(decodeManifest(variant)).toEqual(decodeManifest(text));
    }
  });

  it('refuses what is truncated, edited or not a manifest, with the same reason either way it is read', () => {
    const text = encodeManifest({ entries: entries(4) }, meta);
    const lines = text.split('\n');
    const cases: [string, string][] = [
      [text.slice(0, text.length / 2), 'not valid JSON'],
      [lines.filter((_, i) => i !== 2).join('\n'), 'checksum mismatch'],
      [text.replace('"v1"', '"v9"'), 'checksum mismatch'],
      [text.replace(/\n\]\}\n$/, ',\n]}\n'), 'not valid JSON'],
      [text.replace('workdocs-s3-sync/manifest', 'other'), 'not a workdocs-s3-sync manifest'],
      [text.replace('"version":1', '"version":2'), 'unsupported manifest version 2'],
      ['{,"rows":[\n\n]}\n', 'not valid JSON'],
      ['', 'not valid JSON'],
      [`${text}\u00a0`, 'not valid JSON'],
    ];
    for (const [input, problem] of cases) {
      expect(decodeManifest(input)).toEqual({ ok: false, problem });
      expect(decodeManifest(Buffer.from(input))).toEqual({ ok: false, problem });
      let whole: unknown;
      try {
        whole = JSON.parse(input);
      } catch {
        whole = undefined;
      }
      if (whole !== undefined) expect(decodeManifest(JSON.stringify(whole, null, 1))).toEqual({ ok: false, problem });
    }
  });

  it('refuses a row of the wrong shape whose checksum matches', () => {
    for (const bad of [['k2', 'd', 'v', 'not a size', 'm'], ['k2', 'd', 'v', 1, 'm', 7], ['k2', 'd', 'v', 1, 'm', 'etag', 'more']]) {
      const rows = [['k', 'd', 'v', 1, 'm'], bad];
      const file = { format: 'workdocs-s3-sync/manifest', version: 1, ...meta, checksum: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
      const text = `${JSON.stringify(file).slice(0, -1)},"rows":[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
      expect(decodeManifest(text)).toEqual({ ok: false, problem: 'malformed row' });
      expect(decodeManifest(JSON.stringify(JSON.parse(text)))).toEqual({ ok: false, problem: 'malformed row' });
    }
  });
});

describe('decodeWhole against the bucket listing (a reformatted manifest)', () => {
  it('changes nothing a reader can see: the same entries, values and order, whatever the bucket holds', () => {
    const map = entries(6);
    const keys = [...map.keys()];
    map.set(keys[2]!, { ...map.get(keys[2]!)!, etag: `${'a'.repeat(32)}-3` }); // the ETag S3 answered, as listed
    const listed = new Map([
      // Listed with the entry's MD5 as its ETag, with another ETag, a multipart ETag; one key not listed at all.
      { key: keys[0]!, size: 0, etag: map.get(keys[0]!)!.md5, lastModified: 0 },
      { key: keys[1]!, size: 1000, etag: 'f'.repeat(32), lastModified: 0 },
      { key: keys[2]!, size: 2000, etag: `${'a'.repeat(32)}-3`, lastModified: 0 },
      { key: keys[4]!, size: 4000, etag: map.get(keys[4]!)!.md5, lastModified: 0 },
      { key: 'backup/not-in-the-manifest', size: 1, etag: 'b'.repeat(32), lastModified: 0 },
    ].map((o) => [o.key, o]));
    const meta = { rootFolderId: 'root', prefix: 'backup/', updatedAt: '2026-12-08T00:00:00.000Z' };
    const pretty = JSON.stringify(JSON.parse(encodeManifest({ entries: map }, meta)), null, 2);
    const shared = decodeWhole(pretty, listed);
    expect(shared).toEqual(decodeWhole(pretty));
    expect(shared.ok && Object.fromEntries(shared.manifest.entries)).toEqual(Object.fromEntries(map));
    const empty = decodeWhole(JSON.stringify(JSON.parse(encodeManifest({ entries: new Map() }, meta)), null, 2), listed);
    expect(empty.ok && empty.manifest.entries.size).toBe(0);
    // The listed strings themselves are kept: the MD5 equal to the ETag, and a recorded ETag.
    expect(shared.ok && shared.manifest.entries.get(keys[0]!)!.md5).toBe(listed.get(keys[0]!)!.etag);
    expect(shared.ok && shared.manifest.entries.get(keys[2]!)!.etag).toBe(listed.get(keys[2]!)!.etag);
  });
});

describe('ManifestDecoder against the bucket listing', () => {
  it('decodes the same entries, values and order as without it, whatever the listing holds', () => {
    const map = entries(6);
    const keys = [...map.keys()];
    map.set(keys[2]!, { ...map.get(keys[2]!)!, etag: `${'a'.repeat(32)}-3` });
    const bytes = encodeManifestBytes({ entries: map }, { rootFolderId: 'root', prefix: 'backup/', updatedAt: '2026-12-08T00:00:00.000Z' });
    const listed = new Map([
      // The entry's MD5 as the ETag, another ETag, the recorded multipart ETag; keys[3] and keys[5] not listed.
      [keys[0]!, { key: keys[0]!, size: 0, etag: map.get(keys[0]!)!.md5, lastModified: 0 }],
      [keys[1]!, { key: keys[1]!, size: 1000, etag: 'f'.repeat(32), lastModified: 0 }],
      [keys[2]!, { key: keys[2]!, size: 2000, etag: `${'a'.repeat(32)}-3`, lastModified: 0 }],
      [keys[4]!, { key: keys[4]!, size: 4000, etag: map.get(keys[4]!)!.md5, lastModified: 0 }],
      ['backup/not-in-the-manifest', { key: 'backup/not-in-the-manifest', size: 1, etag: 'b'.repeat(32), lastModified: 0 }],
    ]);
    const decoder = new ManifestDecoder(listed);
    // Fed in small pieces, as a body arrives.
    for (let i = 0; i < bytes.length; i += 7) expect(decoder.write(bytes.subarray(i, i + 7))).toBe(true);
    const decoded = decoder.end();
    const plain = decodeManifest(bytes);
    expect(decoded).toEqual(plain);
    expect(decoded?.ok && Object.fromEntries(decoded.manifest.entries)).toEqual(Object.fromEntries(map));
  });
});
