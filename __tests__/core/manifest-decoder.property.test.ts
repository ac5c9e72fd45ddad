// The manifest read as its bytes arrive (ManifestDecoder) and written in chunks (encodeManifestChunks): however the
// bytes are cut (inside a line, inside a UTF-8 character, one byte at a time), the result is decodeManifest's of the
// whole file, and the chunks are encodeManifestBytes' bytes.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeManifest, decodeWhole, encodeManifestBytes, encodeManifestChunks, ManifestDecoder, type DecodedManifest } from '../../src/core/manifest.js';
import type { Manifest, ManifestEntry } from '../../src/core/types.js';

const meta = { rootFolderId: 'root-id', prefix: 'backup/', updatedAt: '2026-11-25T00:00:00.000Z' };

/** Keys with JSON escapes, newlines, multi-byte characters and lone surrogates (JSON.stringify escapes those). */
const keyText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('a', '/', '"', '\\', '\n', ',', ']', '}', 'ü', '中', '😀', '\ud800', '\u2028', '\u0000'), maxLength: 12 }),
);
const hex32 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
const entry: fc.Arbitrary<ManifestEntry> = fc.record({
  documentId: fc.constantFrom('d1', 'd2', 'd3', 'dü'),
  versionId: fc.constantFrom('v1', 'v2', 'v😀'),
  size: fc.nat(),
  md5: hex32,
  etag: fc.option(fc.oneof(hex32, hex32.map((h) => `${h}-3`)), { nil: undefined }),
}).map((e) => (e.etag === undefined ? { documentId: e.documentId, versionId: e.versionId, size: e.size, md5: e.md5 } : e));

const manifest: fc.Arbitrary<Manifest> = fc.record({
  entries: fc.array(fc.tuple(keyText, entry), { maxLength: 40 }).map((pairs) => new Map(pairs)),
  foreign: fc.option(fc.array(fc.tuple(keyText, hex32), { minLength: 1, maxLength: 4 }).map((pairs) => new Map(pairs)), { nil: undefined }),
  histories: fc.option(fc.array(fc.tuple(fc.constantFrom('d1', 'd2', 'd9'), fc.array(fc.constantFrom('v1', 'v2', 'v3'), { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 3 }).map((pairs) => new Map(pairs)), { nil: undefined }),
  // (Empty lists of foreign objects and histories are not written: a manifest without them reads back the same.)
}).map((m) => ({ entries: m.entries, ...(m.foreign ? { foreign: m.foreign } : {}), ...(m.histories ? { histories: m.histories } : {}) }));

/** Chunk lengths, used in turn until the input is cut up (1 included: every UTF-8 character split). */
const chunkLengths = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 });

function cut(bytes: Buffer, lengths: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const length = lengths[i % lengths.length]!;
    // Plain Uint8Arrays at an offset into a larger buffer too, as well as Buffers.
    const piece = bytes.subarray(offset, offset + length);
    chunks.push(i % 2 === 0 ? piece : new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength));
    offset += length;
  }
  return chunks;
}

/** The chunks through one decoder: its result, and how many chunks it took before it gave up (if it did). */
function decodeChunks(chunks: readonly Uint8Array[]): { result: DecodedManifest | undefined; gaveUpAt?: number } {
  const decoder = new ManifestDecoder();
  for (let i = 0; i < chunks.length; i++) if (!decoder.write(chunks[i]!)) return { result: undefined, gaveUpAt: i };
  return { result: decoder.end() };
}

/** The file as some other tool might have rewritten or damaged it. */
function variant(bytes: Buffer, kind: number, at: number): Buffer {
  const text = bytes.toString('utf8');
  const position = at % (bytes.length + 1);
  switch (kind) {
    case 0: return bytes;
    case 1: return Buffer.from(JSON.stringify(JSON.parse(text) as unknown, null, 2));
    case 2: return Buffer.from(JSON.stringify(JSON.parse(text) as unknown));
    case 3: return Buffer.from(text.replace(/\n/g, '\r\n'));
    case 4: return Buffer.from(text.replace(/","/g, '", "'));
    case 5: return bytes.subarray(0, position); // truncated
    case 6: { // one byte changed
      const copy = Buffer.from(bytes);
      if (position < copy.length) copy[position] = copy[position]! ^ 0x01;
      return copy;
    }
    default: return Buffer.concat([bytes, Buffer.from(' \t\r\n\n')]);
  }
}

describe('ManifestDecoder', () => {
  it('reads a written manifest cut anywhere the same as decodeManifest reads it whole (and reads it itself)', () => {
    fc.assert(fc.property(manifest, chunkLengths, (m, lengths) => {
      const bytes = encodeManifestBytes(m, meta);
      const { result } = decodeChunks(cut(bytes, lengths));
      expect(result).toBeDefined();
      expect(result).toEqual(decodeManifest(bytes));
      expect(result).toEqual({ ok: true, manifest: m, rootFolderId: meta.rootFolderId, updatedAt: meta.updatedAt });
    }), { numRuns: 300 });
  });

  it('rewritten or damaged: with decodeWhole where it gives up, the same answer as decodeManifest of the whole', () => {
    fc.assert(fc.property(manifest, chunkLengths, fc.integer({ min: 0, max: 7 }), fc.nat(), (m, lengths, kind, at) => {
      const bytes = variant(encodeManifestBytes(m, meta), kind, at);
      const { result } = decodeChunks(cut(bytes, lengths));
      expect(result ?? decodeWhole(bytes.toString('utf8'))).toEqual(decodeManifest(bytes));
    }), { numRuns: 500 });
  });

  it('gives up on reformatted JSON at its first line, before the rest of the body arrives', () => {
    const entries = new Map(Array.from({ length: 200 }, (_, i) => [`k${i}`, { documentId: `d${i}`, versionId: 'v', size: i, md5: 'a'.repeat(32) }] as const));
    const pretty = Buffer.from(JSON.stringify(JSON.parse(encodeManifestBytes({ entries }, meta).toString('utf8')) as unknown, null, 2));
    const chunks = cut(pretty, [100]);
    const { result, gaveUpAt } = decodeChunks(chunks);
    expect(result).toBeUndefined();
    expect(gaveUpAt).toBe(0);
    expect(chunks.length).toBeGreaterThan(100);
    expect(decodeWhole(pretty.toString('utf8'))).toEqual({ ok: true, manifest: { entries }, rootFolderId: meta.rootFolderId, updatedAt: meta.updatedAt });
  });

  it('one byte at a time: every multi-byte character split across chunks', () => {
    const entries = new Map<string, ManifestEntry>([['ü/😀/中.txt', { documentId: 'dü', versionId: 'v😀', size: 1, md5: createHash('md5').update('x').digest('hex') }]]);
    const bytes = encodeManifestBytes({ entries, foreign: new Map([['😀', 'f'.repeat(32)]]) }, meta);
    expect(decodeChunks(cut(bytes, [1])).result).toEqual({ ok: true, manifest: { entries, foreign: new Map([['😀', 'f'.repeat(32)]]) }, rootFolderId: meta.rootFolderId, updatedAt: meta.updatedAt });
  });

  it('refuses to be used after end', () => {
    const decoder = new ManifestDecoder();
    decoder.write(encodeManifestBytes({ entries: new Map() }, meta));
    expect(decoder.end()).toMatchObject({ ok: true });
    expect(() => decoder.end()).toThrow();
    expect(() => decoder.write(new Uint8Array(1))).toThrow();
  });
});

describe('encodeManifestChunks', () => {
  it('yields the bytes of encodeManifestBytes, its length known first, the same on every pass', () => {
    fc.assert(fc.property(manifest, fc.integer({ min: 1, max: 2000 }), (m, chunkBytes) => {
      const whole = encodeManifestBytes(m, meta);
      const encoded = encodeManifestChunks(m, meta, chunkBytes);
      expect(encoded.length).toBe(whole.length);
      const chunks = [...encoded.chunks()];
      expect(Buffer.concat(chunks).equals(whole)).toBe(true);
      expect(Buffer.concat([...encoded.chunks()]).equals(whole)).toBe(true);
      // Every chunk but the last holds at least chunkBytes bytes.
      for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(chunkBytes);
    }), { numRuns: 200 });
  });
});
