// shareTreeIds (src/core/shared-ids.ts): the manifest is pointed at the listing's id strings, and nothing a reader
// can see changes. (Which copy of an equal string is held cannot be observed from JavaScript; the heap figure is
// in docs/performance.md.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shareTreeIds } from '../../src/core/shared-ids.js';
import type { Manifest, ManifestEntry, SourceDocument } from '../../src/core/types.js';

const hex = (n: number, width = 64): string => n.toString(16).padStart(width, '0');
/** A copy of `s` that is another string object with the same value, as a second JSON decode would make. */
const copy = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

function doc(n: number): SourceDocument {
  return { id: hex(n), parentId: 'folder', name: `doc-${n}.txt`, createdAt: 0, modifiedAt: 0, versionId: `v-${hex(n, 70)}`, size: n, md5: hex(n, 32), contentType: undefined };
}

describe('shareTreeIds', () => {
  it('keeps the same map, entries, values and order, with or without histories', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.nat(500), { maxLength: 40 }), fc.uniqueArray(fc.nat(500), { maxLength: 40 }), fc.boolean(), (listedIds, manifestIds, withHistories) => {
      const docs = listedIds.map(doc);
      const entries = new Map<string, ManifestEntry>(manifestIds.map((n) => [`k/${n}`, { documentId: copy(hex(n)), versionId: copy(`v-${hex(n, 70)}`), size: n, md5: hex(n, 32) }]));
      const histories = new Map<string, readonly string[]>(manifestIds.filter((n) => n % 2 === 0).map((n) => [copy(hex(n)), [copy(`v-${hex(n, 70)}`), `old-${n}`]]));
      const manifest: Manifest = { entries, ...(withHistories ? { histories } : {}) };
      const before = { entries: [...entries].map(([k, e]) => [k, { ...e }]), histories: [...histories].map(([k, v]) => [k, [...v]]) };
      const entryObjects = [...entries.values()];
      shareTreeIds(manifest, { documents: docs });
      expect(manifest.entries).toBe(entries);
      expect([...entries.values()]).toEqual(entryObjects);
      expect([...entries].map(([k, e]) => [k, { ...e }])).toEqual(before.entries);
      if (withHistories) expect(manifest.histories).toBe(histories);
      expect([...histories].map(([k, v]) => [k, [...v]])).toEqual(before.histories);
    }));
  });

  it('leaves an empty manifest, an empty listing and an older version\'s entry as they are', () => {
    const entries = new Map<string, ManifestEntry>([['k/old', { documentId: hex(1), versionId: 'an-older-version', size: 1, md5: hex(1, 32) }]]);
    shareTreeIds({ entries }, { documents: [doc(1)] });
    expect(entries.get('k/old')).toEqual({ documentId: hex(1), versionId: 'an-older-version', size: 1, md5: hex(1, 32) });
    const empty = new Map<string, ManifestEntry>();
    shareTreeIds({ entries: empty }, { documents: [doc(1)] });
    expect(empty.size).toBe(0);
    shareTreeIds({ entries }, { documents: [] });
    expect(entries.size).toBe(1);
  });
});
