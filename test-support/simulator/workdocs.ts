/**
 * WorkDocs changes of a history, made through the emulator's control API. The simulator keeps its own model of
 * the tree (ids, names, parents, recycled or removed) to choose targets deterministically: choices go by the
 * order items were created, never by emulator ids. A site history has several users, each with a root of their
 * own: users come (with a few documents), are deactivated and reactivated, and are removed with their content.
 */
import { encodeTopLevelSegment } from '../../src/core/keys.js';
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
  /** Documents: their ACTIVE versions, oldest first. */
  versions: { readonly id: string; readonly size: number }[];
}

/** One user of a site history: the first one (`admin`) owns the emulator's root and is never removed. */
interface User {
  readonly id: string;
  readonly username: string;
  readonly rootId: string;
  status: 'ACTIVE' | 'INACTIVE' | 'PENDING' | 'removed';
}

/**
 * Usernames new users get, in this order: plain ones, and `.history`, a reserved top-level segment its key escapes
 * (`%2Ehistory/`) beside the real history area.
 */
export const USERNAMES = ['alice', 'bob', 'carol.w', '.history', 'dave', 'erin@example.com', 'frank', 'gina'];

/** Names drawn from small pools, so renames and new documents collide with existing names. */
const DOCUMENT_NAMES = ['report-01.txt', 'report-02.txt', 'report-03.txt', 'report-04.txt', 'a.txt', 'b.txt', 'notes.md', 'data.bin'];
const FOLDER_NAMES = ['current', 'previous', '2023', 'A', 'B', 'archive-2022'];
/** Most versions have one of a few equal sizes: the same-size cases of issue 23 (copies, swaps, overwrites). */
const SIZES = [40, 40, 40, 40, 40, 300, 300, 7000];
/** A rare big one: above the 5 MiB multipart threshold some runs set, so multipart uploads and copies happen too. */
export const BIG_SIZE = 5 * 1024 * 1024 + 123_457;

export type WorkdocsChange =
  | 'newDocument' | 'newVersion' | 'renameDocument' | 'swapNames' | 'rotateFolders' | 'moveDocument'
  | 'moveFolder' | 'recycle' | 'restore' | 'remove' | 'newFolder' | 'addUser' | 'userStatus' | 'removeUser' | 'deleteVersion' | 'revert';

// Site-only changes last and weightless in a folder history: weighted() then draws exactly what it drew before they existed.
export const WORKDOCS_WEIGHTS: Readonly<Record<WorkdocsChange, number>> = {
  newDocument: 6, newVersion: 6, renameDocument: 4, swapNames: 3, rotateFolders: 2, moveDocument: 3,
  moveFolder: 1, recycle: 2, restore: 2, remove: 1, newFolder: 1, addUser: 0, userStatus: 0, removeUser: 0, deleteVersion: 0, revert: 0,
};

/** A site history also adds, deactivates and removes users, deletes versions and reverts to older ones. */
export const SITE_WORKDOCS_WEIGHTS: Readonly<Record<WorkdocsChange, number>> = { ...WORKDOCS_WEIGHTS, addUser: 1.5, userStatus: 1, removeUser: 0.7, deleteVersion: 1, revert: 1 };

export class WorkdocsModel {
  private readonly items: Item[] = [];
  private contentSeq = 0;
  /** Site histories only: every user the history had, in the order they came. */
  private readonly users: User[] = [];
  /** Versions deleted in WorkDocs while they were older versions: their history objects may stay (docs/design.md). */
  readonly deletedOlderVersions = new Set<string>();

  /** `site`: a whole-site history, whose first user (the emulator's) owns `rootId`. */
  constructor(private readonly control: EmulatorControl, private readonly rootId: string, private readonly random: Random, readonly site = false) {
    if (site) {
      const first = control.users().find((u) => u.rootFolderId === rootId)!;
      this.users.push({ id: first.id, username: first.username, rootId, status: 'ACTIVE' });
    }
  }

  /**
   * The history's first tree: `current` and `previous` with same-size reports, and a few loose documents; a site
   * history then adds two users with a few documents each (drawn after the folder history's draws, which stay as they were).
   */
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
    if (this.site) for (let n = 0; n < 2; n++) log.push(this.apply('addUser')!);
    return log;
  }

  /** Applies one random change; says which and what it did (for the failure's history). */
  change(): { kind: WorkdocsChange; description: string } {
    for (let attempt = 0; attempt < 10; attempt++) {
      const kind = this.random.weighted(this.site ? SITE_WORKDOCS_WEIGHTS : WORKDOCS_WEIGHTS);
      const description = this.apply(kind);
      if (description !== undefined) return { kind, description };
    }
    return { kind: 'newDocument', description: this.apply('newDocument')! };
  }

  private apply(kind: WorkdocsChange): string | undefined {
    const r = this.random;
    const docs = this.active('document');
    const folders = this.active('folder');
    const folderIds = [...this.liveRoots(), ...folders.map((f) => f.id)];
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
        const { versionId } = this.control.addVersion(doc.id, this.content(size));
        doc.size = size;
        doc.versions.push({ id: versionId, size });
        return `new version of ${this.path(doc.id)} (${size} bytes)`;
      }
      case 'deleteVersion': {
        const withHistory = docs.filter((d) => d.versions.length > 1);
        if (withHistory.length === 0) return undefined;
        const doc = r.pick(withHistory);
        // Mostly an older one (the latest stays, so only a run that describes versions again sees it); now and then the latest.
        const index = r.chance(0.8) ? r.int(0, doc.versions.length - 2) : doc.versions.length - 1;
        const [gone] = doc.versions.splice(index, 1);
        this.control.deleteVersion(doc.id, gone!.id);
        if (index < doc.versions.length) this.deletedOlderVersions.add(gone!.id);
        doc.size = doc.versions[doc.versions.length - 1]!.size;
        return `delete ${index === doc.versions.length ? 'the latest' : 'an older'} version of ${this.path(doc.id)}`;
      }
      case 'revert': {
        const withHistory = docs.filter((d) => d.versions.length > 1);
        if (withHistory.length === 0) return undefined;
        const doc = r.pick(withHistory);
        const to = doc.versions[r.int(0, doc.versions.length - 2)]!;
        const { versionId } = this.control.revert(doc.id, to.id);
        doc.versions.push({ id: versionId, size: to.size });
        doc.size = to.size;
        return `revert ${this.path(doc.id)} to an older version (${to.size} bytes)`;
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
      case 'addUser': {
        const username = USERNAMES.find((u) => !this.users.some((known) => known.username === u));
        if (username === undefined) return undefined;
        const status = r.chance(0.2) ? 'PENDING' : 'ACTIVE';
        const info = this.control.addUser({ username, status });
        this.users.push({ id: info.id, username, rootId: info.rootFolderId, status });
        const documents = r.int(0, 3);
        const folder = r.chance(0.5) ? this.addFolder(info.rootFolderId, r.pick(FOLDER_NAMES)) : info.rootFolderId;
        for (let n = 0; n < documents; n++) this.addDocument(r.pick([info.rootFolderId, folder]), r.pick(DOCUMENT_NAMES), r.pick(SIZES));
        return `new user ${username} (${status}) with ${documents} documents`;
      }
      case 'userStatus': {
        // Every status is mirrored while the content exists: a deactivated user's files stay.
        const user = r.pick(this.users.filter((u) => u.status !== 'removed'));
        const status = r.pick((['ACTIVE', 'INACTIVE', 'PENDING'] as const).filter((s) => s !== user.status));
        this.control.setUserStatus(user.id, status);
        user.status = status;
        return `user ${user.username} is now ${status}`;
      }
      case 'removeUser': {
        const candidates = this.users.slice(1).filter((u) => u.status !== 'removed');
        if (candidates.length === 0) return undefined;
        const user = r.pick(candidates);
        this.control.removeUser(user.id);
        user.status = 'removed';
        // The emulator deletes their tree and bin (items moved there from others' trees included).
        for (const item of this.items) if (this.rootOf(item.id) === user.rootId) item.state = 'removed';
        return `remove user ${user.username} with their content`;
      }
    }
  }

  /** The usernames of the site as it is now (removed users left out), in the order they came. */
  usernames(): string[] {
    return this.users.filter((u) => u.status !== 'removed').map((u) => u.username);
  }

  /** Root folders new items may go into: the root, or every present user's. */
  private liveRoots(): string[] {
    return this.site ? this.users.filter((u) => u.status !== 'removed').map((u) => u.rootId) : [this.rootId];
  }

  /** The root folder an item lies under (its own id for a root). */
  private rootOf(id: string): string {
    let at = id;
    for (let item = this.byId(at); item !== undefined; item = this.byId(at)) at = item.parentId;
    return at;
  }

  /** An active folder's id (a wrong source for a run), or undefined when there is none. */
  randomFolderId(): string | undefined {
    const folders = this.active('folder');
    return folders.length === 0 ? undefined : this.random.pick(folders).id;
  }

  /** A folder the bucket side may drop foreign objects beside documents in: its key's segments below the prefix. */
  randomFolderPath(): string[] {
    const folders = this.active('folder');
    if (!this.site) return folders.length === 0 ? [] : this.segments(this.random.pick(folders).id);
    const id = folders.length === 0 ? this.rootId : this.random.pick(folders).id;
    const [username = '', ...below] = this.path(id).split('/');
    return [encodeTopLevelSegment(username), ...below];
  }

  private addFolder(parentId: string, name: string): string {
    const { id } = this.control.addFolder({ parentId, name });
    this.items.push({ id, kind: 'folder', name, parentId, state: 'active', size: 0, versions: [] });
    return id;
  }

  private addDocument(parentId: string, name: string, size: number): string {
    const { id, versionId } = this.control.addDocument({ parentId, name, ...this.content(size) });
    this.items.push({ id, kind: 'document', name, parentId, state: 'active', size, versions: [{ id: versionId, size }] });
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
    if (!this.site) return id === this.rootId ? '' : this.segments(id).join('/');
    const user = this.users.find((u) => u.rootId === this.rootOf(id));
    return [user?.username ?? '?', ...(this.byId(id) === undefined ? [] : this.segments(id))].join('/');
  }
}
