/**
 * The emulator's data model: users, folders, documents, versions, comments, activities.
 * Children are indexed per folder; sorted child lists are cached and invalidated on any mutation.
 */
import type { ContentSource } from './content.js';
import { contentFromSpec } from './content.js';
import { invalidArgument, notFound, prohibitedState, ServiceError } from './errors.js';
import type {
  AddDocumentInput,
  AddFolderInput,
  AddVersionInput,
  DocumentSpec,
  Fixture,
  FolderSpec,
  ManifestItem,
  ResourceState,
  UserSpec,
  VersionStatus,
} from './types.js';
import { contentTypeFor, hexId, parseTime } from './util.js';

export interface UserRec {
  id: string;
  username: string;
  givenName: string;
  surname: string;
  email: string;
  type: string;
  rootFolderId: string;
  recycleBinFolderId: string;
  created: number;
}

export interface FolderRec {
  id: string;
  name: string;
  parentId: string | null;
  ownerId: string;
  created: number;
  modified: number;
  state: ResourceState;
  labels?: string[];
  denied?: boolean;
  folders: Set<string>;
  docs: Set<string>;
}

export interface CommentRec {
  id: string;
  text: string;
  contributorId: string;
  created: number;
}

export interface VersionRec {
  id: string;
  name: string;
  contentType: string;
  content: ContentSource;
  status: VersionStatus;
  created: number;
  modified: number;
  creatorId: string;
  comments?: CommentRec[];
  /** Metadata without `Signature`. */
  noSignature?: boolean;
}

export interface DocRec {
  id: string;
  parentId: string;
  creatorId: string;
  created: number;
  modified: number;
  state: ResourceState;
  labels?: string[];
  denied?: boolean;
  /** Oldest first. */
  versions: VersionRec[];
}

export interface ActivityRec {
  type: string;
  time: number;
  resourceType: 'FOLDER' | 'DOCUMENT';
  resourceId: string;
  name: string;
  originalName?: string;
  versionId?: string;
  parentId: string | null;
  originalParentId?: string;
  initiatorId: string;
}

export type SortKey = 'NAME' | 'DATE';
export type Order = 'ASCENDING' | 'DESCENDING';

interface Entry {
  id: string;
  key: string | number;
}

interface SortedChildren {
  folders: Entry[];
  docs: Entry[];
}

export const DEFAULT_BASE = Date.UTC(2024, 0, 2, 9, 0, 0);

function cmpEntry(a: Entry, key: string | number, id: string): number {
  if (a.key < key) return -1;
  if (a.key > key) return 1;
  return a.id < id ? -1 : a.id > id ? 1 : 0;
}

/** First index whose entry is > (key, id) in an ascending array. */
function upperBound(arr: Entry[], key: string | number, id: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmpEntry(arr[mid]!, key, id) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose entry is >= (key, id). */
function lowerBound(arr: Entry[], key: string | number, id: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmpEntry(arr[mid]!, key, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ListResult {
  folders: FolderRec[];
  docs: DocRec[];
  marker?: string;
}

export interface ListMarker {
  s: SortKey;
  o: Order;
  t: string;
  k: 0 | 1;
  v: string | number;
  i: string;
}

export class Store {
  readonly folders = new Map<string, FolderRec>();
  readonly docs = new Map<string, DocRec>();
  readonly users: UserRec[] = [];
  organizationId = '';
  rootFolderId = '';
  /** Bumped on every mutation; invalidates caches. */
  generation = 0;
  clockOffsetMs = 0;
  private readonly log: ActivityRec[] = [];
  private sortCache = new Map<string, { gen: number; byKey: Map<SortKey, SortedChildren> }>();
  private activityCache: { gen: number; list: ActivityRec[] } | undefined;
  private idCounter = 0;
  /** Seed of derived ids. */
  seed = 'fixture';

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get primaryUser(): UserRec {
    return this.users[0]!;
  }

  // ---------------------------------------------------------------- loading

  static fromFixture(fixture: Fixture, baseDir?: string): Store {
    const s = new Store();
    s.seed = fixture.seed ?? 'fixture';
    s.organizationId = fixture.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
    let clock = parseTime(fixture.baseTime, DEFAULT_BASE);
    const tick = (): number => (clock += 60_000);
    const userSpecs: UserSpec[] = fixture.users?.length ? fixture.users : [{ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }];
    userSpecs.forEach((u, idx) => s.users.push(s.makeUser(u, idx, clock)));
    userSpecs.forEach((u, idx) => {
      const user = s.users[idx]!;
      const rootSpec = idx === 0 ? fixture.root : (u.root ?? { name: `${u.username}`, children: [] });
      const rootId = s.loadFolder(rootSpec, null, user.id, `u${idx}`, tick, baseDir);
      user.rootFolderId = rootId;
      if (idx === 0) s.rootFolderId = rootId;
    });
    return s;
  }

  makeUser(u: UserSpec, idx: number, created: number): UserRec {
    const h = hexId(this.seed, 'user', u.username);
    const n = (i: number): string => String(parseInt(h.slice(i * 8, i * 8 + 8), 16) % 10_000_000_000).padStart(10, '0');
    return {
      id: u.id ?? `S-1-1-11-${n(0)}-${n(1)}-${n(2)}-${idx + 1001}`,
      username: u.username,
      givenName: u.givenName ?? u.username,
      surname: u.surname ?? 'User',
      email: u.email ?? `${u.username.replace(/[^A-Za-z0-9._-]/g, '')}@example.com`,
      type: u.type ?? (idx === 0 ? 'ADMIN' : 'USER'),
      rootFolderId: '',
      recycleBinFolderId: hexId(this.seed, 'recycle', u.username),
      created,
    };
  }

  private loadFolder(spec: FolderSpec, parentId: string | null, ownerId: string, path: string, tick: () => number, baseDir?: string): string {
    const id = spec.id ?? hexId(this.seed, 'folder', path, spec.name);
    if (this.folders.has(id) || this.docs.has(id)) throw new Error(`duplicate id in fixture: ${id}`);
    const created = parseTime(spec.created, tick());
    const rec: FolderRec = {
      id,
      name: spec.name,
      parentId,
      ownerId,
      created,
      modified: parseTime(spec.modified, created),
      state: spec.state ?? 'ACTIVE',
      folders: new Set(),
      docs: new Set(),
    };
    if (spec.labels) rec.labels = spec.labels;
    if (spec.denied) rec.denied = true;
    this.folders.set(id, rec);
    if (parentId) this.folders.get(parentId)!.folders.add(id);
    (spec.children ?? []).forEach((child, i) => {
      const childPath = `${path}/${i}`;
      if (child.type === 'folder' || (child.type === undefined && 'children' in child)) {
        this.loadFolder(child as FolderSpec, id, ownerId, childPath, tick, baseDir);
      } else {
        this.loadDocument(child as DocumentSpec, id, ownerId, childPath, tick, baseDir);
      }
    });
    return id;
  }

  private userIdByName(username: string | undefined): string {
    if (!username) return this.primaryUser.id;
    return this.users.find((u) => u.username === username)?.id ?? this.primaryUser.id;
  }

  private loadDocument(spec: DocumentSpec, parentId: string, ownerId: string, path: string, tick: () => number, baseDir?: string): void {
    const id = spec.id ?? hexId(this.seed, 'document', path, spec.name);
    if (this.folders.has(id) || this.docs.has(id)) throw new Error(`duplicate id in fixture: ${id}`);
    const vspecs = spec.versions?.length
      ? spec.versions
      : [{ ...spec, name: spec.name, status: spec.status, created: spec.created, modified: spec.modified, comments: spec.comments, id: undefined }];
    const versions: VersionRec[] = vspecs.map((v, i) => {
      const isLast = i === vspecs.length - 1;
      const name = isLast ? spec.name : (v.name ?? spec.name);
      const created = parseTime(v.created, i === 0 ? parseTime(spec.created, tick()) : tick());
      const vid = v.id ?? `${created}-${hexId(this.seed, 'version', id, i)}`;
      const rec: VersionRec = {
        id: vid,
        name,
        contentType: v.contentType ?? spec.contentType ?? contentTypeFor(name),
        content: contentFromSpec(v, baseDir, `${this.seed}:${id}:${i}`),
        status: v.status ?? 'ACTIVE',
        created,
        modified: parseTime(v.modified, created),
        creatorId: ownerId,
        ...(v.noSignature ? { noSignature: true } : {}),
      };
      if (v.comments?.length) {
        rec.comments = v.comments.map((c, ci) => ({
          id: hexId(this.seed, 'comment', vid, ci),
          text: c.text,
          contributorId: this.userIdByName(c.contributor),
          created: parseTime(c.created, created + (ci + 1) * 1000),
        }));
      }
      return rec;
    });
    const first = versions[0]!;
    const last = versions[versions.length - 1]!;
    const doc: DocRec = {
      id,
      parentId,
      creatorId: ownerId,
      created: first.created,
      modified: parseTime(spec.modified, last.modified),
      state: spec.state ?? 'ACTIVE',
      versions,
    };
    if (spec.labels) doc.labels = spec.labels;
    if (spec.denied) doc.denied = true;
    this.docs.set(id, doc);
    this.folders.get(parentId)!.docs.add(id);
  }

  // ---------------------------------------------------------------- queries

  folder(id: string): FolderRec {
    const f = this.folders.get(id);
    if (!f) throw notFound(id);
    return f;
  }

  doc(id: string): DocRec {
    const d = this.docs.get(id);
    if (!d) throw notFound(id);
    return d;
  }

  /** The version shown as LatestVersionMetadata: newest ACTIVE, else newest. */
  latest(doc: DocRec): VersionRec {
    for (let i = doc.versions.length - 1; i >= 0; i--) if (doc.versions[i]!.status === 'ACTIVE') return doc.versions[i]!;
    return doc.versions[doc.versions.length - 1]!;
  }

  hasActiveVersion(doc: DocRec): boolean {
    return doc.versions.some((v) => v.status === 'ACTIVE');
  }

  version(doc: DocRec, versionId: string): VersionRec {
    const v = doc.versions.find((x) => x.id === versionId);
    if (!v) throw notFound(versionId);
    return v;
  }

  private sorted(folder: FolderRec, sort: SortKey): SortedChildren {
    let c = this.sortCache.get(folder.id);
    if (!c || c.gen !== this.generation) {
      c = { gen: this.generation, byKey: new Map() };
      this.sortCache.set(folder.id, c);
    }
    let sc = c.byKey.get(sort);
    if (!sc) {
      const fe: Entry[] = [];
      for (const id of folder.folders) {
        const f = this.folders.get(id)!;
        fe.push({ id, key: sort === 'NAME' ? f.name : f.modified });
      }
      const de: Entry[] = [];
      for (const id of folder.docs) {
        const d = this.docs.get(id)!;
        de.push({ id, key: sort === 'NAME' ? this.latest(d).name : d.modified });
      }
      const cmp = (a: Entry, b: Entry): number => cmpEntry(a, b.key, b.id);
      fe.sort(cmp);
      de.sort(cmp);
      sc = { folders: fe, docs: de };
      c.byKey.set(sort, sc);
    }
    return sc;
  }

  isVisibleDoc(d: DocRec, includeInitialized: boolean): boolean {
    return d.state === 'ACTIVE' && (includeInitialized || this.hasActiveVersion(d));
  }

  /** Immediate children, paginated with an opaque key-based marker. */
  list(
    folderId: string,
    opts: { sort: SortKey; order: Order; type: 'ALL' | 'FOLDER' | 'DOCUMENT'; includeInitialized: boolean; limit: number; marker?: ListMarker },
  ): ListResult {
    const folder = this.folder(folderId);
    const sc = this.sorted(folder, opts.sort);
    const out: ListResult = { folders: [], docs: [] };
    const kinds: Array<0 | 1> = opts.type === 'FOLDER' ? [0] : opts.type === 'DOCUMENT' ? [1] : [0, 1];
    const desc = opts.order === 'DESCENDING';
    let count = 0;
    let last: { k: 0 | 1; e: Entry } | undefined;
    let more = false;
    outer: for (const k of kinds) {
      const arr = k === 0 ? sc.folders : sc.docs;
      let i: number;
      if (opts.marker && opts.marker.k > k) continue;
      if (opts.marker && opts.marker.k === k) {
        i = desc ? lowerBound(arr, opts.marker.v, opts.marker.i) - 1 : upperBound(arr, opts.marker.v, opts.marker.i);
      } else {
        i = desc ? arr.length - 1 : 0;
      }
      for (; desc ? i >= 0 : i < arr.length; desc ? i-- : i++) {
        const e = arr[i]!;
        if (k === 0) {
          const f = this.folders.get(e.id)!;
          if (f.state !== 'ACTIVE') continue;
          if (count === opts.limit) {
            more = true;
            break outer;
          }
          out.folders.push(f);
        } else {
          const d = this.docs.get(e.id)!;
          if (!this.isVisibleDoc(d, opts.includeInitialized)) continue;
          if (count === opts.limit) {
            more = true;
            break outer;
          }
          out.docs.push(d);
        }
        count++;
        last = { k, e };
      }
    }
    if (more && last) {
      const m: ListMarker = { s: opts.sort, o: opts.order, t: opts.type, k: last.k, v: last.e.key, i: last.e.id };
      out.marker = Buffer.from(JSON.stringify(m), 'utf8').toString('base64url');
    }
    return out;
  }

  /** Names from below the root to the item; undefined when it is not under a user's root. */
  pathOf(id: string): string[] {
    const names: string[] = [];
    const d = this.docs.get(id);
    let fid: string | null;
    if (d) {
      names.push(this.latest(d).name);
      fid = d.parentId;
    } else {
      fid = id;
    }
    while (fid) {
      const f = this.folders.get(fid);
      if (!f || f.parentId === null) break;
      names.push(f.name);
      fid = f.parentId;
    }
    return names.reverse();
  }

  isUnder(id: string, ancestorId: string): boolean {
    let cur: string | null = this.docs.get(id)?.parentId ?? this.folders.get(id)?.parentId ?? null;
    while (cur) {
      if (cur === ancestorId) return true;
      cur = this.folders.get(cur)?.parentId ?? null;
    }
    return false;
  }

  lookup(path: string[]): string | undefined {
    let cur = this.folders.get(this.rootFolderId)!;
    for (let i = 0; i < path.length; i++) {
      const name = path[i]!;
      const last = i === path.length - 1;
      let next: FolderRec | undefined;
      for (const fid of cur.folders) {
        const f = this.folders.get(fid)!;
        if (f.name === name) {
          next = f;
          break;
        }
      }
      if (next) {
        cur = next;
        continue;
      }
      if (last) {
        for (const did of cur.docs) if (this.latest(this.docs.get(did)!).name === name) return did;
      }
      return undefined;
    }
    return cur.id;
  }

  manifest(): ManifestItem[] {
    const out: ManifestItem[] = [];
    const walk = (f: FolderRec, path: string[]): void => {
      for (const did of f.docs) {
        const d = this.docs.get(did)!;
        if (!this.isVisibleDoc(d, false)) continue;
        const v = this.latest(d);
        out.push({
          documentId: d.id,
          versionId: v.id,
          parentId: f.id,
          path: [...path, v.name],
          size: v.content.size,
          md5: v.content.md5(),
          contentType: v.contentType,
          createdAt: d.created,
          modifiedAt: d.modified,
        });
      }
      for (const fid of f.folders) {
        const c = this.folders.get(fid)!;
        if (c.state === 'ACTIVE') walk(c, [...path, c.name]);
      }
    };
    walk(this.folders.get(this.rootFolderId)!, []);
    return out;
  }

  /** Activities, newest first: synthesized from state (creation, uploads) plus the mutation log. */
  activities(): ActivityRec[] {
    if (this.activityCache && this.activityCache.gen === this.generation) return this.activityCache.list;
    const list: ActivityRec[] = [];
    for (const f of this.folders.values()) {
      if (f.parentId === null) continue;
      list.push({ type: 'FOLDER_CREATED', time: f.created, resourceType: 'FOLDER', resourceId: f.id, name: f.name, parentId: f.parentId, initiatorId: f.ownerId });
    }
    for (const d of this.docs.values()) {
      for (const v of d.versions) {
        if (v.status !== 'ACTIVE') continue;
        list.push({
          type: 'DOCUMENT_VERSION_UPLOADED',
          time: v.created,
          resourceType: 'DOCUMENT',
          resourceId: d.id,
          name: v.name,
          versionId: v.id,
          parentId: d.parentId,
          initiatorId: v.creatorId,
        });
      }
    }
    list.push(...this.log);
    list.sort((a, b) => b.time - a.time || (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
    this.activityCache = { gen: this.generation, list };
    return list;
  }

  // ---------------------------------------------------------------- mutations

  private touch(): void {
    this.generation++;
  }

  private newId(kind: string): string {
    return hexId(this.seed, 'control', kind, ++this.idCounter);
  }

  private checkName(name: unknown): string {
    if (typeof name !== 'string' || name.length < 1 || name.length > 255) throw invalidArgument('Name must be 1-255 characters.');
    return name;
  }

  private checkNewId(id: string | undefined, kind: string): string {
    const v = id ?? this.newId(kind);
    if (this.folders.has(v) || this.docs.has(v)) throw new ServiceError(409, 'EntityAlreadyExistsException', `The resource ${v} already exists.`);
    return v;
  }

  addFolder(input: AddFolderInput): { id: string } {
    const parent = this.folder(input.parentId);
    const name = this.checkName(input.name);
    const id = this.checkNewId(input.id, 'folder');
    const t = this.now();
    this.folders.set(id, { id, name, parentId: parent.id, ownerId: parent.ownerId, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
    parent.folders.add(id);
    this.touch();
    return { id };
  }

  addDocument(input: AddDocumentInput): { id: string; versionId: string } {
    const parent = this.folder(input.parentId);
    const name = this.checkName(input.name);
    const id = this.checkNewId(input.id, 'document');
    const t = this.now();
    const v = this.makeVersion(id, 0, name, input, input.contentType, input.status, parent.ownerId, t);
    this.docs.set(id, { id, parentId: parent.id, creatorId: parent.ownerId, created: t, modified: t, state: 'ACTIVE', versions: [v] });
    parent.docs.add(id);
    this.touch();
    return { id, versionId: v.id };
  }

  private makeVersion(
    docId: string,
    index: number,
    name: string,
    spec: AddVersionInput,
    contentType: string | undefined,
    status: VersionStatus | undefined,
    creatorId: string,
    t: number,
  ): VersionRec {
    return {
      id: `${t}-${hexId(this.seed, 'control-version', docId, index, t)}`,
      name,
      contentType: contentType ?? contentTypeFor(name),
      content: contentFromSpec(spec, undefined, `${this.seed}:${docId}:${index}:${t}`),
      status: status ?? 'ACTIVE',
      created: t,
      modified: t,
      creatorId,
      ...(spec.noSignature ? { noSignature: true } : {}),
    };
  }

  addVersion(documentId: string, input: AddVersionInput): { versionId: string } {
    const d = this.doc(documentId);
    const name = input.name !== undefined ? this.checkName(input.name) : this.latest(d).name;
    let t = this.now();
    const prev = d.versions[d.versions.length - 1]!;
    if (t <= prev.created) t = prev.created + 1;
    const v = this.makeVersion(d.id, d.versions.length, name, input, input.contentType, input.status, d.creatorId, t);
    d.versions.push(v);
    if (v.status === 'ACTIVE') d.modified = t;
    this.touch();
    return { versionId: v.id };
  }

  rename(id: string, name: string): void {
    this.checkName(name);
    const t = this.now();
    const d = this.docs.get(id);
    if (d) {
      const old = this.latest(d).name;
      for (const v of d.versions) v.name = name;
      d.modified = t;
      this.log.push({ type: 'DOCUMENT_RENAMED', time: t, resourceType: 'DOCUMENT', resourceId: id, name, originalName: old, parentId: d.parentId, initiatorId: d.creatorId });
    } else {
      const f = this.folder(id);
      const old = f.name;
      f.name = name;
      f.modified = t;
      this.log.push({ type: 'FOLDER_RENAMED', time: t, resourceType: 'FOLDER', resourceId: id, name, originalName: old, parentId: f.parentId, initiatorId: f.ownerId });
    }
    this.touch();
  }

  move(id: string, parentId: string): void {
    const target = this.folder(parentId);
    const t = this.now();
    const d = this.docs.get(id);
    if (d) {
      const old = d.parentId;
      this.folders.get(old)?.docs.delete(id);
      target.docs.add(id);
      d.parentId = parentId;
      d.modified = t;
      this.log.push({ type: 'DOCUMENT_MOVED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId, originalParentId: old, initiatorId: d.creatorId });
    } else {
      const f = this.folder(id);
      if (f.parentId === null) throw prohibitedState('A root folder cannot be moved.');
      if (parentId === id || this.isUnder(parentId, id)) throw invalidArgument('A folder cannot be moved below itself.');
      const old = f.parentId;
      this.folders.get(old)?.folders.delete(id);
      target.folders.add(id);
      f.parentId = parentId;
      f.modified = t;
      this.log.push({ type: 'FOLDER_MOVED', time: t, resourceType: 'FOLDER', resourceId: id, name: f.name, parentId, originalParentId: old, initiatorId: f.ownerId });
    }
    this.touch();
  }

  delete(id: string, mode: 'recycle' | 'remove' = 'recycle'): void {
    const t = this.now();
    const d = this.docs.get(id);
    if (d) {
      if (mode === 'remove') {
        this.folders.get(d.parentId)?.docs.delete(id);
        this.docs.delete(id);
      } else {
        d.state = 'RECYCLED';
        d.modified = t;
      }
      this.log.push({ type: 'DOCUMENT_RECYCLED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId: d.parentId, initiatorId: d.creatorId });
    } else {
      const f = this.folder(id);
      if (f.parentId === null) throw prohibitedState('A root folder cannot be deleted.');
      if (mode === 'remove') {
        const removeTree = (fid: string): void => {
          const x = this.folders.get(fid)!;
          for (const c of x.folders) removeTree(c);
          for (const c of x.docs) this.docs.delete(c);
          this.folders.delete(fid);
        };
        this.folders.get(f.parentId)?.folders.delete(id);
        removeTree(id);
      } else {
        f.state = 'RECYCLED';
        f.modified = t;
      }
      this.log.push({
        type: mode === 'remove' ? 'FOLDER_DELETED' : 'FOLDER_RECYCLED',
        time: t,
        resourceType: 'FOLDER',
        resourceId: id,
        name: f.name,
        parentId: f.parentId,
        initiatorId: f.ownerId,
      });
    }
    this.touch();
  }

  restore(id: string): void {
    const t = this.now();
    const d = this.docs.get(id);
    if (d) {
      d.state = 'ACTIVE';
      d.modified = t;
      this.log.push({ type: 'DOCUMENT_RESTORED', time: t, resourceType: 'DOCUMENT', resourceId: id, name: this.latest(d).name, parentId: d.parentId, initiatorId: d.creatorId });
    } else {
      const f = this.folder(id);
      f.state = 'ACTIVE';
      f.modified = t;
      this.log.push({ type: 'FOLDER_RESTORED', time: t, resourceType: 'FOLDER', resourceId: id, name: f.name, parentId: f.parentId, initiatorId: f.ownerId });
    }
    this.touch();
  }
}

