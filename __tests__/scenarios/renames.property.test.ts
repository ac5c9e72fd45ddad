// Issue 23's property: whatever sequence of renames, swaps, moves, recycles, restores and new versions happens in
// WorkDocs between syncs, after every sync each key holds exactly its own document's bytes (by MD5 against the
// emulator). Every document has the same size, so a copy from the wrong key could not be told by its size.
// Emulator over HTTP + the real S3 server; a fixed seed and a few short sequences keep it inside a CI budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fixture } from '../../src/emulator/server.js';
import { expectExactMirror, startScenario, type MirrorObject, type Scenario } from '../helpers/scenario.js';

const FOLDERS = ['A', 'B', 'C'] as const;
/** Every folder starts with these names, and renames pick from them: keys collide, swap and fill each other. */
const NAMES = ['file-0.txt', 'file-1.txt', 'file-2.txt', 'file-3.txt', 'file-4.txt'] as const;
const DOCUMENTS = FOLDERS.length * NAMES.length;
/** Folder renames pick from these: a folder may take another's name, or a name the last sync knew. */
const FOLDER_NAMES = ['A', 'B', 'C', 'D'] as const;
const pad = (n: number): string => String(n).padStart(2, '0');
/** Every version of every document has this one size. */
const contentOf = (document: number, version: number): string => `document ${pad(document)} version ${pad(version)}`;

type Step =
  | { readonly kind: 'rename'; readonly document: number; readonly name: number }
  | { readonly kind: 'swap'; readonly document: number; readonly other: number }
  | { readonly kind: 'move'; readonly document: number; readonly folder: number }
  | { readonly kind: 'recycle'; readonly document: number }
  | { readonly kind: 'restore'; readonly document: number }
  | { readonly kind: 'version'; readonly document: number }
  | { readonly kind: 'renameFolder'; readonly folder: number; readonly name: number }
  | { readonly kind: 'swapFolders'; readonly folder: number; readonly other: number };

const documentIndex = fc.nat({ max: DOCUMENTS - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('rename' as const), document: documentIndex, name: fc.nat({ max: NAMES.length - 1 }) }),
  fc.record({ kind: fc.constant('swap' as const), document: documentIndex, other: documentIndex }),
  fc.record({ kind: fc.constant('move' as const), document: documentIndex, folder: fc.nat({ max: FOLDERS.length - 1 }) }),
  fc.record({ kind: fc.constant('recycle' as const), document: documentIndex }),
  fc.record({ kind: fc.constant('restore' as const), document: documentIndex }),
  fc.record({ kind: fc.constant('version' as const), document: documentIndex }),
  fc.record({ kind: fc.constant('renameFolder' as const), folder: fc.nat({ max: FOLDERS.length - 1 }), name: fc.nat({ max: FOLDER_NAMES.length - 1 }) }),
  fc.record({ kind: fc.constant('swapFolders' as const), folder: fc.nat({ max: FOLDERS.length - 1 }), other: fc.nat({ max: FOLDERS.length - 1 }) }),
);
/**
 * Batches of changes; the tree is synced after each batch, sometimes with one worker: then copies run one after
 * another, and one that reads a key an earlier one overwrote is not hidden by their running at the same time.
 */
const history = fc.array(
  fc.record({ steps: fc.array(step, { minLength: 1, maxLength: 5 }), oneWorker: fc.boolean() }),
  { minLength: 2, maxLength: 3 },
);

const folderOf = (document: number): string => FOLDERS[Math.floor(document / NAMES.length)]!;
const firstName = (document: number): string => NAMES[document % NAMES.length]!;

function tree(): Fixture {
  return {
    seed: 'renames-property',
    root: {
      name: 'root',
      children: FOLDERS.map((folder) => ({
        name: folder,
        children: Array.from({ length: DOCUMENTS }, (_, document) => document)
          .filter((document) => folderOf(document) === folder)
          .map((document) => ({ name: firstName(document), content: contentOf(document, 1) })),
      })),
    },
  };
}

/** The documents as the test changes them: ids from the emulator, names, state and version count. */
interface Model {
  readonly ids: string[];
  readonly names: string[];
  readonly recycled: boolean[];
  readonly versions: number[];
  readonly folderIds: string[];
  readonly folderNames: string[];
}

function modelOf(scn: Scenario): Model {
  const c = scn.emulator.control;
  const documents = Array.from({ length: DOCUMENTS }, (_, document) => document);
  return {
    ids: documents.map((document) => c.lookup([folderOf(document), firstName(document)])!),
    names: documents.map(firstName),
    recycled: documents.map(() => false),
    versions: documents.map(() => 1),
    folderIds: FOLDERS.map((folder) => c.lookup([folder])!),
    folderNames: [...FOLDERS],
  };
}

function apply(scn: Scenario, model: Model, s: Step): void {
  const c = scn.emulator.control;
  if (s.kind === 'renameFolder') {
    c.rename(model.folderIds[s.folder]!, FOLDER_NAMES[s.name]!);
    model.folderNames[s.folder] = FOLDER_NAMES[s.name]!;
    return;
  }
  if (s.kind === 'swapFolders') {
    const [a, b] = [model.folderNames[s.folder]!, model.folderNames[s.other]!];
    c.rename(model.folderIds[s.folder]!, b);
    c.rename(model.folderIds[s.other]!, a);
    model.folderNames[s.folder] = b;
    model.folderNames[s.other] = a;
    return;
  }
  const d = s.document;
  if (s.kind === 'restore') {
    if (model.recycled[d]) { c.restore(model.ids[d]!); model.recycled[d] = false; }
    return;
  }
  // Only restore touches a recycled document, as in WorkDocs' own UI.
  if (model.recycled[d]) return;
  switch (s.kind) {
    case 'rename':
      c.rename(model.ids[d]!, NAMES[s.name]!);
      model.names[d] = NAMES[s.name]!;
      break;
    case 'swap': {
      if (model.recycled[s.other] || s.other === d) return;
      const [a, b] = [model.names[d]!, model.names[s.other]!];
      c.rename(model.ids[d]!, b);
      c.rename(model.ids[s.other]!, a);
      model.names[d] = b;
      model.names[s.other] = a;
      break;
    }
    case 'move':
      c.move(model.ids[d]!, model.folderIds[s.folder]!);
      break;
    case 'recycle':
      c.delete(model.ids[d]!);
      model.recycled[d] = true;
      break;
    case 'version':
      model.versions[d]! += 1;
      c.addVersion(model.ids[d]!, { content: contentOf(d, model.versions[d]!) });
      break;
  }
}

/**
 * A document whose name is unique in its folder, in a folder whose name is unique, lies exactly at its path
 * (duplicates get a disambiguated key, which the exact-mirror check covers by document id).
 */
function expectUniqueNamesAtTheirPaths(scn: Scenario, model: Model, mirror: readonly MirrorObject[]): void {
  const items = scn.emulator.control.manifest();
  const documentsAt = new Map<string, number>();
  for (const item of items) documentsAt.set(item.path.join('/'), (documentsAt.get(item.path.join('/')) ?? 0) + 1);
  const uniqueFolder = (name: string) => model.folderNames.filter((n) => n === name).length === 1;
  const keyOf = new Map(mirror.map((o) => [o.documentId, o.key]));
  const misplaced = items
    .filter((item) => documentsAt.get(item.path.join('/')) === 1 && uniqueFolder(item.path[0]!))
    .filter((item) => keyOf.get(item.documentId) !== item.path.join('/'))
    .map((item) => `${item.path.join('/')} is at ${keyOf.get(item.documentId) ?? '(nowhere)'}`);
  expect(misplaced).toEqual([]);
}

describe('renames, swaps, moves, restores and new versions of same-size documents', () => {
  it('after every sync, every key holds exactly its own document\'s bytes', { timeout: 240_000 }, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(history, async (batches) => {
        const scn = await startScenario({ fixture: tree() }, `renames-${runs++}`);
        try {
          expect((await scn.run()).code).toBe(0);
          const model = modelOf(scn);
          for (const batch of batches) {
            for (const s of batch.steps) apply(scn, model, s);
            // Recycling several of the documents may pass 50 %: the property is about content, not that guard.
            const r = await scn.run(['--max_delete', '100%', ...(batch.oneWorker ? ['--max_workers', '1'] : [])]);
            expect(r.code, r.stdout + r.stderr).toBe(0);
            const mirror = await expectExactMirror(scn);
            expectUniqueNamesAtTheirPaths(scn, model, mirror);
          }
        } finally {
          await scn.close();
        }
      }),
      // Before the fix, these 8 histories of seed 23 found a copy whose source the same run overwrote (folder
      // swaps). No shrinking: each attempt costs a round of syncs, and the counterexample is short already.
      { numRuns: 8, seed: 23, endOnFailure: true },
    );
  });
});
