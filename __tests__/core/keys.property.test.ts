// Properties of the key mapping over random names and random trees with hostile names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_NAME_SEGMENT,
  MAX_KEY_BYTES,
  RESERVED_SEGMENT,
  RESERVED_TOP_LEVEL_SEGMENTS,
  assignKeys,
  decodeSegment,
  encodeSegment,
  encodeTopLevelSegment,
  isManagedKey,
  keysOfChildren,
  type KeyAssignment,
} from '../../src/core/keys.js';
import type { SourceDocument, SourceFolder, SourceTree } from '../../src/core/types.js';

const ROOT = 'f'.repeat(64);

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DECEPTIVE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const hostileAtom = fc.constantFrom(
  '/', '\\', '..', '.', '%', '%2F', '%25', '%E2', ' ', '  ', '\u0000', '\t', '\n', '\u001f', '\u007f', '\u0085', '\u009f',
  '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff', '\u061c', '\u2028', '\u2029',
  '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '😀', '👩\u200d👧', 'é', '中', 'שלום', 'مرحبا', '~', '~1a2b3c4d',
  '~1a2b3c4dd0000000', '.pdf', '.tar.gz', 'report', RESERVED_SEGMENT, '.history', '.recycle-bin', '.metadata', ':', '?', '#', '+', '&', '=', 'a', 'A', '*', '<', '"',
);

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: hostileAtom, maxLength: 12 }),
);

/** Names as WorkDocs might hold them, and worse: a small pool (so siblings share names), hostile mixes, long names. */
const hostileName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('report.pdf', 'Report.pdf', 'a', 'x', '.', '..', RESERVED_SEGMENT, '.history', '.recycle-bin', '.metadata', ' ', 'report~1a2b3c4d.pdf', 'report~1a2b3c4dd0000000.pdf', '') },
  { weight: 4, arbitrary: fc.string({ unit: hostileAtom, minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(255), '中'.repeat(255), '\ud800'.repeat(255), '%'.repeat(255), '\u0085'.repeat(254) + '.pdf', '😀'.repeat(127) + 'a.txt') },
  { weight: 1, arbitrary: fc.string({ unit: hostileAtom, minLength: 60, maxLength: 255 }) },
);

const prefixArb = fc.constantFrom('', 'backup/', 'a b/ü/', 'x'.repeat(511) + '/', '中'.repeat(170) + '/');

const ID_STARTS = ['1a2b3c4d', '1a2b3c4d', 'deadbeef', '00000000'];

/** Unique per (kind, index); the pool makes ids share their first 8 or 16 characters, or be non-hex. */
function makeId(kind: 'd' | 'f', index: number, pool: number): string {
  if (pool === 4) return `id-${kind}-${index}`;
  if (pool === 5) return `${kind}/${index} ü`;
  return ID_STARTS[pool % ID_STARTS.length]! + kind + index.toString(16).padStart(55, '0');
}

interface ItemSpec {
  readonly parentPick: number;
  readonly name: string;
  readonly createdAt: number;
  readonly pool: number;
}

const itemSpec = fc.record({
  parentPick: fc.nat(),
  name: hostileName,
  createdAt: fc.integer({ min: 0, max: 4 }),
  pool: fc.nat(5),
});

function buildTree(folderSpecs: readonly ItemSpec[], documentSpecs: readonly ItemSpec[], chain: boolean): SourceTree {
  const folders: SourceFolder[] = folderSpecs.map((s, i) => {
    const parentIndex = chain ? i : s.parentPick % (i + 1); // 0 = root, k = folder k-1: always an earlier folder
    return {
      id: makeId('f', i, s.pool),
      name: s.name,
      parentId: parentIndex === 0 ? ROOT : makeId('f', parentIndex - 1, folderSpecs[parentIndex - 1]!.pool),
      createdAt: s.createdAt,
    };
  });
  const documents: SourceDocument[] = documentSpecs.map((s, i) => {
    const parentIndex = chain && folders.length > 0 ? folders.length : s.parentPick % (folders.length + 1);
    return {
      id: makeId('d', i, s.pool),
      parentId: parentIndex === 0 ? ROOT : folders[parentIndex - 1]!.id,
      name: s.name,
      createdAt: s.createdAt,
      modifiedAt: s.createdAt,
      versionId: `v${i}`,
      size: i,
      md5: undefined,
      contentType: undefined,
    };
  });
  return { rootId: ROOT, folders, documents };
}

const treeArb = fc
  .record({
    folders: fc.array(itemSpec, { maxLength: 20 }),
    documents: fc.array(itemSpec, { maxLength: 30 }),
    chain: fc.boolean(),
  })
  .map(({ folders, documents, chain }) => buildTree(folders, documents, chain));

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function sortedEntries(map: ReadonlyMap<string, string>): [string, string][] {
  return [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function expectSafeKeys(result: KeyAssignment, prefix: string): void {
  const documentKeys = [...result.documentKeys.values()];
  const folderKeys = [...result.folderKeys.values()];
  const all = [...documentKeys, ...folderKeys];
  expect(new Set(all).size).toBe(all.length);
  for (const key of folderKeys) expect(key.endsWith('/')).toBe(true);
  for (const key of documentKeys) expect(key.endsWith('/')).toBe(false);
  for (const key of all) {
    expect(key.startsWith(prefix)).toBe(true);
    expect(Buffer.byteLength(key, 'utf8')).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(key).not.toMatch(CONTROL);
    expect(key).not.toMatch(DECEPTIVE);
    expect(key).not.toMatch(LONE_SURROGATE);
    for (const reserved of RESERVED_TOP_LEVEL_SEGMENTS) {
      expect(key.startsWith(`${prefix}${reserved}/`)).toBe(false);
      expect(key).not.toBe(`${prefix}${reserved}`);
    }
    expect(isManagedKey(key, prefix)).toBe(true);
    const rest = key.slice(prefix.length);
    const segments = (rest.endsWith('/') ? rest.slice(0, -1) : rest).split('/');
    for (const segment of segments) {
      expect(segment).not.toBe('');
      expect(segment).not.toBe('.');
      expect(segment).not.toBe('..');
      expect(segment.startsWith(' ')).toBe(false);
      expect(segment.endsWith(' ')).toBe(false);
    }
  }
}

describe('encodeSegment / decodeSegment', () => {
  it('round-trips every string, lone surrogates included', () => {
    fc.assert(
      fc.property(anyString, (name) => {
        expect(decodeSegment(encodeSegment(name))).toBe(name);
        expect(decodeSegment(encodeTopLevelSegment(name))).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('is injective', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        fc.pre(a !== b);
        expect(encodeSegment(a)).not.toBe(encodeSegment(b));
        expect(encodeTopLevelSegment(a)).not.toBe(encodeTopLevelSegment(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives a safe segment: no slash, controls, deceptive characters, lone surrogates, dot segments or edge spaces', () => {
    fc.assert(
      fc.property(anyString, (name) => {
        for (const segment of [encodeSegment(name), encodeTopLevelSegment(name)]) {
          expect(segment).not.toContain('/');
          expect(segment).not.toContain('\\');
          expect(segment).not.toMatch(CONTROL);
          expect(segment).not.toMatch(DECEPTIVE);
          expect(segment).not.toMatch(LONE_SURROGATE);
          expect(['', '.', '..']).not.toContain(segment);
          expect(segment).not.toMatch(/^ | $/);
          // Every % starts an escape, except in the segment of the empty name.
          if (segment !== EMPTY_NAME_SEGMENT) expect(segment).not.toMatch(/%(?![0-9A-F]{2})/);
        }
        expect(encodeTopLevelSegment(name)).not.toBe(RESERVED_SEGMENT);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps ordinary names unchanged', () => {
    const ordinary = fc.string({
      unit: fc.constantFrom(...'abcXYZ019 -_.,()[]!\'&=+@$;:~#?éüßñ中文日本語שלוםمرحبا😀'.split(/(?:)/u)),
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(ordinary, (name) => {
        fc.pre(name.trim() === name && name !== '.' && name !== '..');
        expect(encodeSegment(name)).toBe(name);
      }),
    );
  });
});

describe('assignKeys over random trees with hostile names', () => {
  it('keys are unique, inside the prefix, at most 1024 bytes, without empty, dot or control segments, outside the tool area', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, (tree, prefix) => {
        const result = assignKeys(tree, prefix);
        expect(result.documentKeys.size + result.folderKeys.size + result.unreachable.length).toBe(tree.documents.length + tree.folders.length);
        expect(result.unreachable).toEqual([]);
        expectSafeKeys(result, prefix);
      }),
      { numRuns: 300 },
    );
  });

  it('a folder key is the start of its children keys, unless the child was relocated under the prefix', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, (tree, prefix) => {
        const result = assignKeys(tree, prefix);
        const parentKey = (id: string) => (id === ROOT ? prefix : result.folderKeys.get(id)!);
        const items = [
          ...tree.folders.map((f) => [f.id, f.parentId!, result.folderKeys.get(f.id)!] as const),
          ...tree.documents.map((d) => [d.id, d.parentId, result.documentKeys.get(d.id)!] as const),
        ];
        for (const [id, parentId, key] of items) {
          const under = parentKey(parentId);
          if (key.startsWith(under)) {
            expect(key.slice(under.length).replace(/\/$/, '')).not.toContain('/');
          } else {
            expect(key.startsWith(`${prefix}%%`)).toBe(true);
            expect(result.shortened).toContain(id);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the folders and documents arrays', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, fc.integer(), (tree, prefix, seed) => {
        const a = assignKeys(tree, prefix);
        const b = assignKeys({ rootId: tree.rootId, folders: shuffle(tree.folders, seed), documents: shuffle(tree.documents, seed ^ 0x5bd1e995) }, prefix);
        expect(sortedEntries(b.documentKeys)).toEqual(sortedEntries(a.documentKeys));
        expect(sortedEntries(b.folderKeys)).toEqual(sortedEntries(a.folderKeys));
        expect(b.duplicates).toEqual(a.duplicates);
        expect(b.unreachable).toEqual(a.unreachable);
        expect(b.shortened).toEqual(a.shortened);
      }),
      { numRuns: 200 },
    );
  });

  it('a newer same-named sibling (document or folder) changes no existing key', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, fc.nat(), fc.nat(5), fc.boolean(), (tree, prefix, pick, pool, asFolder) => {
        const siblings: readonly { id: string; name: string; parentId: string | null }[] = asFolder ? tree.folders : tree.documents;
        fc.pre(siblings.length > 0);
        const model = siblings[pick % siblings.length]!;
        const newest = Math.max(0, ...tree.folders.map((f) => f.createdAt), ...tree.documents.map((d) => d.createdAt)) + 1;
        const before = assignKeys(tree, prefix);
        const after = assignKeys(
          asFolder
            ? { ...tree, folders: [...tree.folders, { id: makeId('f', 9999, pool), name: model.name, parentId: model.parentId, createdAt: newest }] }
            : {
                ...tree,
                documents: [
                  ...tree.documents,
                  { ...tree.documents[pick % tree.documents.length]!, id: makeId('d', 9999, pool), createdAt: newest },
                ],
              },
          prefix,
        );
        for (const [id, key] of before.documentKeys) expect(after.documentKeys.get(id)).toBe(key);
        for (const [id, key] of before.folderKeys) expect(after.folderKeys.get(id)).toBe(key);
        expectSafeKeys(after, prefix);
      }),
      { numRuns: 300 },
    );
  });

  it('keys exactly the items whose parent chain reaches the root, and terminates on cycles', () => {
    const graphArb = fc.record({
      folders: fc.array(fc.record({ parentPick: fc.nat(), name: hostileName, createdAt: fc.integer({ min: 0, max: 3 }) }), { maxLength: 15 }),
      documents: fc.array(fc.record({ parentPick: fc.nat(), name: hostileName, createdAt: fc.integer({ min: 0, max: 3 }) }), { maxLength: 20 }),
    });
    fc.assert(
      fc.property(graphArb, prefixArb, ({ folders: fs, documents: ds }, prefix) => {
        const n = fs.length;
        // Parent: the root, any folder (itself and later ones too: cycles), a missing folder, or none.
        const parentOf = (pick: number): string | null => {
          const k = pick % (n + 3);
          return k === 0 ? ROOT : k === n + 1 ? 'missing' : k === n + 2 ? null : `folder-${k - 1}`;
        };
        const folders: SourceFolder[] = fs.map((f, i) => ({ id: `folder-${i}`, name: f.name, parentId: parentOf(f.parentPick), createdAt: f.createdAt }));
        const documents: SourceDocument[] = ds.map((d, i) => ({
          id: `doc-${i}`,
          parentId: parentOf(d.parentPick) ?? 'missing',
          name: d.name,
          createdAt: d.createdAt,
          modifiedAt: 0,
          versionId: 'v',
          size: 0,
          md5: undefined,
          contentType: undefined,
        }));
        const byId = new Map(folders.map((f) => [f.id, f]));
        const reaches = (id: string): boolean => {
          const seen = new Set<string>();
          let current: string | null = id;
          while (current !== null && current !== ROOT && !seen.has(current)) {
            seen.add(current);
            current = byId.get(current)?.parentId ?? null;
          }
          return current === ROOT;
        };
        const result = assignKeys({ rootId: ROOT, folders, documents }, prefix);
        const expectedFolders = folders.filter((f) => reaches(f.id)).map((f) => f.id).sort();
        const expectedDocuments = documents.filter((d) => reaches(d.parentId)).map((d) => d.id).sort();
        expect([...result.folderKeys.keys()].sort()).toEqual(expectedFolders);
        expect([...result.documentKeys.keys()].sort()).toEqual(expectedDocuments);
        const unreachable = [...folders.filter((f) => !reaches(f.id)), ...documents.filter((d) => !reaches(d.parentId))].map((x) => x.id);
        expect(result.unreachable).toEqual(unreachable.sort());
        expectSafeKeys(result, prefix);
      }),
      { numRuns: 300 },
    );
  });

  it('repeated records (the same id listed twice) give the same keys in any order', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, fc.integer(), (tree, prefix, seed) => {
        fc.pre(tree.documents.length > 0 || tree.folders.length > 0);
        const doubled = { rootId: tree.rootId, folders: [...tree.folders, ...tree.folders.slice(0, 2)], documents: [...tree.documents, ...tree.documents.slice(0, 3)] };
        const a = assignKeys(doubled, prefix);
        const b = assignKeys({ rootId: tree.rootId, folders: shuffle(doubled.folders, seed), documents: shuffle(doubled.documents, ~seed) }, prefix);
        expect(sortedEntries(a.documentKeys)).toEqual(sortedEntries(assignKeys(tree, prefix).documentKeys));
        expect(sortedEntries(b.documentKeys)).toEqual(sortedEntries(a.documentKeys));
        expect(sortedEntries(b.folderKeys)).toEqual(sortedEntries(a.folderKeys));
      }),
      { numRuns: 100 },
    );
  });
});

describe('keysOfChildren (keys known folder by folder, while the listing goes on)', () => {
  /** Keys as a breadth-first listing would learn them: each folder's children once the folder is read. */
  function incrementalKeys(tree: SourceTree, prefix: string): Map<string, string> {
    const keys = new Map<string, string>();
    const queue: { id: string; key: string }[] = [{ id: tree.rootId, key: prefix }];
    for (let q = 0; q < queue.length; q++) {
      const { id, key } = queue[q]!;
      const step = keysOfChildren(key, id === tree.rootId, tree.folders.filter((f) => f.parentId === id), tree.documents.filter((d) => d.parentId === id));
      if (step === undefined) continue; // relocated for length: left to assignKeys
      for (const [documentId, documentKey] of step.documentKeys) keys.set(documentId, documentKey);
      for (const [folderId, folderKey] of step.folderKeys) {
        keys.set(folderId, folderKey);
        queue.push({ id: folderId, key: folderKey });
      }
    }
    return keys;
  }

  it('gives exactly the keys assignKeys gives, for every item it keys, when no id repeats', () => {
    fc.assert(
      fc.property(treeArb, prefixArb, (tree, prefix) => {
        const ids = [...tree.folders.map((f) => f.id), ...tree.documents.map((d) => d.id)];
        fc.pre(new Set(ids).size === ids.length);
        const whole = assignKeys(tree, prefix);
        for (const [id, key] of incrementalKeys(tree, prefix)) {
          expect(whole.documentKeys.get(id) ?? whole.folderKeys.get(id)).toBe(key);
        }
      }),
      { numRuns: 500 },
    );
  });
});
