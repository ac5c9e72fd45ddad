/**
 * WorkDocs changes of a history, made through the emulator's control API. The simulator keeps its own model of
 * the tree (ids, names, parents, recycled or removed) to choose targets deterministically: choices go by the
 * order items were created, never by emulator ids.
 */
import type { EmulatorControl } from '../../src/emulator/server.js';
import type { Random } from './random.js';

interface Item {
  readonly id: string;
  readonly kind: 'folder' | 'document';
  name: string;
  parentId: string;
  state: 'active' | 'recycled' | 'removed';
  /** Documents: size of the latest version. */
  size: number;
}

/** Names drawn from small pools, so renames and new documents collide with existing names. */
const DOCUMENT_NAMES = ['report-01.txt', 'report-02.txt', 'report-03.txt', 'report-04.txt', 'a.txt', 'b.txt', 'notes.md', 'data.bin'];
const FOLDER_NAMES = ['current', 'previous', '2023', 'A', 'B', 'archive-2022'];
/** Most versions have one of a few equal sizes: the same-size cases of issue 23 (copies, swaps, overwrites). */
const SIZES = [40, 40, 40, 40, 40, 300, 300, 7000];
/** A rare big one: above the 5 MiB multipart threshold some runs set, so multipart uploads and copies happen too. */
export const BIG_SIZE = 5 * 1024 * 1024 + 123_457;

export type WorkdocsChange =
  | 'newDocument' | 'newVersion' | 'renameDocument' | 'swapNames' | 'rotateFolders' | 'moveDocument'
  | 'moveFolder' | 'recycle' | 'restore' | 'remove' | 'newFolder';

export const WORKDOCS_WEIGHTS: Readonly<Record<WorkdocsChange, number>> = {
  newDocument: 6, newVersion: 6, renameDocument: 4, swapNames: 3, rotateFolders: 2, moveDocument: 3,
  moveFolder: 1, recycle: 2, restore: 2, remove: 1, newFolder: 1,
};

export class WorkdocsModel {
  private readonly items: Item[] = [];
  private contentSeq = 0;

  constructor(private readonly control: EmulatorControl, private readonly rootId: string, private readonly random: Random) {}

  /** The history's first tree: `current` and `previous` with same-size reports, and a few loose documents. */
  seed(): string[] {
    const log: string[] = [];
    for (const folder of ['current', 'previous']) {
      const id = this.addFolder(this.rootId, folder);
      for (let n = 1; n <= this.random.int(2, 4); n++) this.addDocument(id, `report-0${n}.txt`, 40);
      log.push(`folder ${folder} with reports`);
    }
    for (let n = 0; n < this.random.int(1, 3); n++) {
      const name = this.random.pick(DOCUMENT_NAMES);
      this.addDocument(this.rootId, name, this.random.pick(SIZES));
      log.push(`document ${name}`);
    }
    return log;
  }

  /** Applies one random change; says which and what it did (for the failure's history). */
  change(): { kind: WorkdocsChange; description: string } {
    for (let attempt = 0; attempt < 10; attempt++) {
      const kind = this.random.weighted(WORKDOCS_WEIGHTS);
      const description = this.apply(kind);
      if (description !== undefined) return { kind, description };
    }
    return { kind: 'newDocument', description: this.apply('newDocument')! };
  }

  private apply(kind: WorkdocsChange): string | undefined {
    const r = this.random;
    const docs = this.active('document');
    const folders = this.active('folder');
    const folderIds = [this.rootId, ...folders.map((f) => f.id)];
    switch (kind) {
      case 'newDocument': {
        const parent = r.pick(folderIds);
        const name = r.pick(DOCUMENT_NAMES);
        const big = r.chance(0.03);
        this.addDocument(parent, name, big ? BIG_SIZE : r.pick(SIZES));
        return `new document ${this.within(parent, name)}${big ? ' (big)' : ''}`;
      }
      case 'newFolder': {
        const parent = r.pick(folderIds);
        const name = r.pick(FOLDER_NAMES);
        this.addFolder(parent, name);
        return `new folder ${this.within(parent, name)}`;
      }
      case 'newVersion': {
        if (docs.length === 0) return undefined;
        const doc = r.pick(docs);
        // Mostly the same size as before: only the bytes tell the versions apart.
        const size = r.chance(0.7) ? doc.size : r.pick(SIZES);
        this.control.addVersion(doc.id, this.content(size));
        doc.size = size;
        return `new version of ${this.path(doc.id)} (${size} bytes)`;
      }
      case 'renameDocument': {
        if (docs.length === 0) return undefined;
        const doc = r.pick(docs);
        const siblings = docs.filter((d) => d.parentId === doc.parentId && d !== doc).map((d) => d.name);
        const name = siblings.length > 0 && r.chance(0.5) ? r.pick(siblings) : r.pick(DOCUMENT_NAMES);
        const from = this.path(doc.id);
        this.rename(doc, name);
        return `rename ${from} to ${name}`;
      }
      case 'swapNames': {
        const pairs = docs.flatMap((a, i) => docs.slice(i + 1).filter((b) => b.parentId === a.parentId && b.name !== a.name).map((b) => [a, b] as const));
        if (pairs.length === 0) return undefined;
        const [a, b] = r.pick(pairs);
        const [nameA, nameB] = [a.name, b.name];
        this.rename(a, nameB);
        this.rename(b, nameA);
        return `swap ${this.within(a.parentId, nameA)} and ${nameB}`;
      }
      case 'rotateFolders': {
        // previous → 2023, current → previous, a new current with same-named, same-size reports.
        if (folders.length === 0) return undefined;
        const first = r.pick(folders);
        const siblings = folders.filter((f) => f.parentId === first.parentId && f !== first);
        const oldName = first.name;
        let log: string;
        if (siblings.length > 0) {
          const second = r.pick(siblings);
          const secondName = second.name;
          const freed = FOLDER_NAMES.filter((n) => n !== oldName && n !== secondName);
          this.rename(second, r.pick(freed));
          this.rename(first, secondName);
          log = `rotate ${this.path(first.parentId)}: ${secondName} → ${second.name}, ${oldName} → ${secondName}, new ${oldName}`;
        } else {
          this.rename(first, r.pick(FOLDER_NAMES.filter((n) => n !== oldName)));
          log = `rotate ${this.path(first.parentId)}: ${oldName} → ${first.name}, new ${oldName}`;
        }
        const fresh = this.addFolder(first.parentId, oldName);
        for (const child of docs.filter((d) => d.parentId === first.id)) if (r.chance(0.8)) this.addDocument(fresh, child.name, child.size);
        return log;
      }
      case 'moveDocument': {
        if (docs.length === 0) return undefined;
        const doc = r.pick(docs);
        const to = r.pick(folderIds.filter((id) => id !== doc.parentId).concat(doc.parentId));
        const from = this.path(doc.id);
        this.control.move(doc.id, to);
        doc.parentId = to;
        return `move ${from} to ${this.within(to, '')}`;
      }
      case 'moveFolder': {
        if (folders.length === 0) return undefined;
        const folder = r.pick(folders);
        const targets = folderIds.filter((id) => id !== folder.parentId && !this.isWithin(id, folder.id));
        if (targets.length === 0) return undefined;
        const to = r.pick(targets);
        const from = this.path(folder.id);
        this.control.move(folder.id, to);
        folder.parentId = to;
        return `move folder ${from} into ${this.within(to, '')}`;
      }
      case 'recycle': {
        const candidates = [...docs, ...(r.chance(0.3) ? folders : [])];
        if (candidates.length === 0) return undefined;
        const item = r.pick(candidates);
        this.control.delete(item.id, 'recycle');
        item.state = 'recycled';
        return `recycle ${this.path(item.id)}`;
      }
      case 'restore': {
        const recycled = this.items.filter((i) => i.state === 'recycled');
        if (recycled.length === 0) return undefined;
        const item = r.pick(recycled);
        this.control.restore(item.id);
        item.state = 'active';
        return `restore ${this.path(item.id)}`;
      }
      case 'remove': {
        const candidates = this.items.filter((i) => i.state !== 'removed' && (i.kind === 'document' || r.chance(0.3)));
        if (candidates.length === 0) return undefined;
        const item = r.pick(candidates);
        const at = this.path(item.id);
        this.control.delete(item.id, 'remove');
        for (const gone of this.items) if (this.isWithin(gone.id, item.id)) gone.state = 'removed';
        return `remove ${at} for good`;
      }
    }
  }

  /** An active folder's id (a wrong source for a run), or undefined when there is none. */
  randomFolderId(): string | undefined {
    const folders = this.active('folder');
    return folders.length === 0 ? undefined : this.random.pick(folders).id;
  }

  /** A folder the bucket side may drop foreign objects beside documents in (its path below the root). */
  randomFolderPath(): string[] {
    const folders = this.active('folder');
    return folders.length === 0 ? [] : this.segments(this.random.pick(folders).id);
  }

  private addFolder(parentId: string, name: string): string {
    const { id } = this.control.addFolder({ parentId, name });
    this.items.push({ id, kind: 'folder', name, parentId, state: 'active', size: 0 });
    return id;
  }

  private addDocument(parentId: string, name: string, size: number): string {
    const { id } = this.control.addDocument({ parentId, name, ...this.content(size) });
    this.items.push({ id, kind: 'document', name, parentId, state: 'active', size });
    return id;
  }

  private rename(item: Item, name: string): void {
    this.control.rename(item.id, name);
    item.name = name;
  }

  /** Exactly `size` bytes, unique per version (so equal sizes never mean equal bytes by accident). */
  private content(size: number): { content: string } | { generate: { seed: string; size: number } } {
    const label = `version ${++this.contentSeq} ${this.random.int(0, 1e9)} `;
    // Big ones are generated on demand by the emulator, not held as text.
    return size > 100_000 ? { generate: { seed: label, size } } : { content: label.padEnd(size, '.').slice(0, size) };
  }

  private active(kind: Item['kind']): Item[] {
    return this.items.filter((i) => i.kind === kind && i.state === 'active');
  }

  private byId(id: string): Item | undefined {
    return this.items.find((i) => i.id === id);
  }

  /** True when `id` is `ancestorId` or lies below it. */
  private isWithin(id: string, ancestorId: string): boolean {
    for (let at: string | undefined = id; at !== undefined && at !== this.rootId; at = this.byId(at)?.parentId) {
      if (at === ancestorId) return true;
    }
    return false;
  }

  private segments(id: string): string[] {
    const out: string[] = [];
    for (let at = this.byId(id); at !== undefined; at = this.byId(at.parentId)) out.unshift(at.name);
    return out;
  }

  /** `name` inside the folder, as a path below the root ('' names the folder itself, with a trailing '/'). */
  private within(folderId: string, name: string): string {
    const folder = this.path(folderId);
    return folder === '' ? name || '(root)' : `${folder}/${name}`;
  }

  private path(id: string): string {
    return id === this.rootId ? '' : this.segments(id).join('/');
  }
}
