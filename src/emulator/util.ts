/** Small deterministic helpers: ids, hashing, PRNG. */
import { createHash } from 'node:crypto';

/** 64 hex chars derived from the parts (sha256). */
export function hexId(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * 64 hex chars from (seed, kind, index) without a cryptographic hash: for the procedural generator,
 * where hundreds of thousands of ids must be derived quickly. Every round mixes in the index, so
 * distinct indexes give distinct ids in practice.
 */
export function fastHexId(seed: number, kind: number, index: number): string {
  let h = mix32(seed ^ Math.imul(kind + 1, 0x9e3779b1));
  const hi = Math.floor(index / 4294967296);
  for (let k = 0; k < 8; k++) {
    h = mix32((h ^ index) + Math.imul(k + 1, 0x85ebca6b) + hi);
    ID_BUF.writeUInt32BE(h, k * 4);
  }
  return ID_BUF.toString('hex');
}
const ID_BUF = Buffer.alloc(32);

/** 32-bit FNV-1a of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3 finaliser: good 32-bit mixing. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function seedToNumber(seed: string | number | undefined): number {
  if (seed === undefined) return 0x9e3779b9;
  if (typeof seed === 'number' && Number.isInteger(seed)) return mix32(seed >>> 0) ^ mix32(Math.floor(seed / 2 ** 32));
  return hash32(String(seed));
}

/** mulberry32: a small seeded PRNG returning [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function parseTime(t: string | number | undefined, fallback: number): number {
  if (t === undefined) return fallback;
  if (typeof t === 'number') return t;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp in fixture: ${t}`);
  return ms;
}

export function contentTypeFor(name: string): string {
  const ext = /\.([A-Za-z0-9]+)\s*$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

const CONTENT_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  mp4: 'video/mp4',
  zip: 'application/zip',
  bin: 'application/octet-stream',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  html: 'text/html',
  xml: 'application/xml',
};

export function encodeMarker(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj), 'utf8').toString('base64url');
}

export function decodeMarker(marker: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new Error('bad marker');
  return JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
