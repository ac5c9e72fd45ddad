/**
 * The emulator's data model: users and groups, folders, documents, versions, comments, shares, custom
 * metadata, and the activity log every change appends to. Children are indexed per folder; sorted child
 * lists are cached and invalidated on any mutation. A user's recycle bin is a folder listing what they recycled.
 */
import type { ContentSource } from './content.js';
import { contentFromSpec } from './content.js';
import { invalidArgument, notFound, prohibitedState, ServiceError } from './errors.js';
import type {
  AddCommentInput,
  AddDocumentInput,
  AddFolderInput,
  AddUserInput,
  AddVersionInput,
  CommentSpec,
  CommentVisibility,
  CustomMetadata,
  DocumentSpec,
  Fixture,
  FolderSpec,
  ManifestItem,
  ResourceState,
  Role,
  ShareInput,
  SharePrincipalType,
  ShareSpec,
  UserInfo,
  UserSpec,
  UserStatus,
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
  status: UserStatus;
  rootFolderId: string;
  recycleBinFolderId: string;
  created: number;
  modified: number;
}

export interface GroupRec {
  id: string;
  name: string;
  memberIds: string[];
}

/** A share of one resource; `principalId` is `anonymous` for a shareable link. */
export interface ShareRec {
  principalId: string;
  principalType: SharePrincipalType;
  role: Role;
}

/** What folders and documents have in common. */
interface ResourceRec {
  id: string;
  state: ResourceState;
  created: number;
  modified: number;
  labels?: string[];
  denied?: boolean;
  shares?: ShareRec[];
  customMetadata?: CustomMetadata;
  /** Set by an ownership transfer; otherwise the owner is inherited from the parent (a root's is its creator). */
  ownerChangedTo?: string;
  /** The recycle bin listing it while RECYCLED. */
  binId?: string;
}

export interface FolderRec extends ResourceRec {
  name: string;
  parentId: string | null;
  /** The creator (the user whose tree it was created in). */
  ownerId: string;
  /** Set on a recycle bin: the user whose recycled items it lists. */
  recycleBinOf?: string;
  folders: Set<string>;
  docs: Set<string>;
}

export interface CommentRec {
  id: string;
  text: string;
  contributorId: string;
  created: number;
  /** The comment replied to; undefined for the first comment of a thread. */
  parentId?: string;
  threadId: string;
  /** The author of the comment replied to. */
  recipientId?: string;
  visibility: CommentVisibility;
  status: 'PUBLISHED' | 'DELETED';
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
  customMetadata?: CustomMetadata;
  /** Metadata without `Signature`. */
  noSignature?: boolean;
}

export interface DocRec extends ResourceRec {
  parentId: string;
  creatorId: string;
  /** The user who checked it out, until the check-in. */
  checkedOutBy?: string;
  /** Oldest first. */
  versions: VersionRec[];
}

/** One entry of the activity log, as recorded when the change happened. */
export interface ActivityRec {
  /** Order of recording: breaks ties between equal times, and keys the pagination marker. */
  seq: number;
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
  /** The effect on a folder's contents of a direct activity on the folder (a share reaching its documents). */
  indirect?: boolean;
  participants?: { userIds?: string[]; groupIds?: string[] };
  comment?: { id: string; contributorId: string; created: number; status: 'PUBLISHED' | 'DELETED'; recipientId?: string };
}

/** A principal with every role it holds on a resource, directly or through a parent. */
export interface PermissionRec {
  principalId: string;
  principalType: SharePrincipalType;
  roles: Array<{ role: Role; type: 'DIRECT' | 'INHERITED' }>;
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

const ROLES = new Set<Role>(['OWNER', 'COOWNER', 'CONTRIBUTOR', 'VIEWER']);
const USER_STATUSES = new Set<UserStatus>(['ACTIVE', 'INACTIVE', 'PENDING']);
export const ANONYMOUS_PRINCIPAL = 'anonymous';

export class Store {
  readonly folders = new Map<string, FolderRec>();
  readonly docs = new Map<string, DocRec>();
  readonly users: UserRec[] = [];
  readonly groups: GroupRec[] = [];
  organizationId = '';
  rootFolderId = '';
  /** Bumped on every mutation; invalidates caches. */
  generation = 0;
  clockOffsetMs = 0;
  private readonly log: ActivityRec[] = [];
  private sortCache = new Map<string, { gen: number; byKey: Map<SortKey, SortedChildren> }>();
  private activityCache: { length: number; list: ActivityRec[] } | undefined;
  private idCounter = 0;
  /** Seed of derived ids. */
  seed = 'fixture';

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get primaryUser(): UserRec {
    return this.users[0]!;
  }

  /** Folders of the users' trees (recycle bins are folders of the store, not of a tree). */
  get treeFolderCount(): number {
    return this.folders.size - this.users.length;
  }

  // ---------------------------------------------------------------- loading

  static fromFixture(fixture: Fixture, baseDir?: string): Store {
    const s = new Store();
    s.seed = fixture.seed ?? 'fixture';
    s.organizationId = fixture.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
    let clock = parseTime(fixture.baseTime, DEFAULT_BASE);
    const tick = (): number => (clock += 60_000);
    const userSpecs: UserSpec[] = fixture.users?.length ? fixture.users : [{ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }];
    userSpecs.forEach((u, idx) => s.addUserRec(s.makeUser(u, idx, clock)));
    for (const g of fixture.groups ?? []) {
      s.groups.push({ id: g.id ?? `S-1-1-21-${hexId(s.seed, 'group', g.name).slice(0, 10)}`, name: g.name, memberIds: (g.members ?? []).map((m) => s.userIdByName(m)) });
    }
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
      status: u.status ?? 'ACTIVE',
      rootFolderId: '',
      recycleBinFolderId: hexId(this.seed, 'recycle', u.username),
      created,
      modified: created,
    };
  }

  /** Adds a user and creates their recycle bin; the caller gives them a root folder. */
  addUserRec(user: UserRec): void {
    this.users.push(user);
    this.folders.set(user.recycleBinFolderId, {
      id: user.recycleBinFolderId,
      name: 'RecycleBin',
      parentId: null,
      ownerId: user.id,
      recycleBinOf: user.id,
      created: user.created,
      modified: user.created,
      state: 'ACTIVE',
      folders: new Set(),
      docs: new Set(),
    });
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
      state: 'ACTIVE',
      folders: new Set(),
      docs: new Set(),
    };
    this.loadResourceExtras(rec, spec);
    this.folders.set(id, rec);
    if (parentId) {
      this.folders.get(parentId)!.folders.add(id);
      this.record({ type: 'FOLDER_CREATED', time: created, resourceType: 'FOLDER', resourceId: id, name: rec.name, parentId, initiatorId: ownerId });
    }
    (spec.children ?? []).forEach((child, i) => {
      const childPath = `${path}/${i}`;
      if (child.type === 'folder' || (child.type === undefined && 'children' in child)) {
        this.loadFolder(child as FolderSpec, id, ownerId, childPath, tick, baseDir);
      } else {
        this.loadDocument(child as DocumentSpec, id, ownerId, childPath, tick, baseDir);
      }
    });
    this.loadSharesAndState(rec, spec, rec.modified);
    return id;
  }

  private loadResourceExtras(rec: FolderRec | DocRec, spec: FolderSpec | DocumentSpec): void {
    if (spec.labels) rec.labels = [...spec.labels];
    if (spec.denied) rec.denied = true;
    if (spec.customMetadata) rec.customMetadata = { ...spec.customMetadata };
    if (spec.owner) rec.ownerChangedTo = this.userIdByName(spec.owner);
  }

  /** Shares and a RECYCLED state apply once the contents exist: a folder's share reaches them as indirect activities. */
  private loadSharesAndState(rec: FolderRec | DocRec, spec: FolderSpec | DocumentSpec, time: number): void {
    for (const share of spec.shares ?? []) this.applyShare(rec, this.resolveShare(share), time + 1000);
    if (spec.state && spec.state !== 'ACTIVE') {
      rec.state = spec.state;
      if (spec.state === 'RECYCLED') {
        this.putInBin(rec);
        this.recordOn(rec, 'RECYCLED', time, this.ownerOf(rec.id));
      }
    }
  }

  /** A user by id or username. */
  user(idOrName: string): UserRec {
    const u = this.users.find((x) => x.id === idOrName) ?? this.users.find((x) => x.username === idOrName);
    if (!u) throw notFound(idOrName);
    return u;
  }

  private group(idOrName: string): GroupRec {
    const g = this.groups.find((x) => x.id === idOrName) ?? this.groups.find((x) => x.name === idOrName);
    if (!g) throw notFound(idOrName);
    return g;
  }

  /** A fixture's user by name (the first user when none is named); a name no user has is the fixture's mistake. */
  private userIdByName(username: string | undefined): string {
    if (!username) return this.primaryUser.id;
    const u = this.users.find((x) => x.username === username);
    if (!u) throw new Error(`unknown user in fixture: ${username}`);
    return u.id;
  }

  private loadDocument(spec: DocumentSpec, parentId: string, ownerId: string, path: string, tick: () => number, baseDir?: string): void {
    const id = spec.id ?? hexId(this.seed, 'document', path, spec.name);
    if (this.folders.has(id) || this.docs.has(id)) throw new Error(`duplicate id in fixture: ${id}`);
    const vspecs = spec.versions?.length
      ? spec.versions
      : [{ ...spec, name: spec.name, status: spec.status, created: spec.created, modified: spec.modified, comments: spec.comments, id: undefined, customMetadata: undefined }];
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
        ...(v.customMetadata ? { customMetadata: { ...v.customMetadata } } : {}),
      };
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
      state: 'ACTIVE',
      versions,
    };
    this.loadResourceExtras(doc, spec);
    this.docs.set(id, doc);
    this.folders.get(parentId)!.docs.add(id);
    for (const v of versions) if (v.status === 'ACTIVE') this.recordUpload(doc, v);
    vspecs.forEach((v, i) => {
      const version = versions[i]!;
      let n = 0;
      const addThread = (c: CommentSpec, parent: CommentRec | undefined): void => {
        const rec = this.makeComment(doc, version, {
          id: hexId(this.seed, 'comment', version.id, n),
          text: c.text,
          contributorId: this.userIdByName(c.contributor),
          created: parseTime(c.created, version.created + ++n * 1000),
          visibility: c.visibility ?? 'PUBLIC',
          parent,
        });
        for (const r of c.replies ?? []) addThread(r, rec);
      };
      for (const c of v.comments ?? []) addThread(c, undefined);
    });
    this.loadSharesAndState(doc, spec, doc.modified);
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

  resource(id: string): FolderRec | DocRec {
    const r = this.folders.get(id) ?? this.docs.get(id);
    if (!r) throw notFound(id);
    return r;
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

  /** The owner: set by the nearest ownership transfer up the tree, else the creator of the user's root. */
  ownerOf(id: string): string {
    let rec: FolderRec | DocRec | undefined = this.folders.get(id) ?? this.docs.get(id);
    while (rec) {
      if (rec.ownerChangedTo) return rec.ownerChangedTo;
      if ('versions' in rec) rec = this.folders.get(rec.parentId);
      else if (rec.parentId === null) return rec.ownerId;
      else rec = this.folders.get(rec.parentId);
    }
    return this.primaryUser.id;
  }

  /** Everyone with a role on a resource: its owner, its own shares (DIRECT), its parents' shares (INHERITED). */
  permissions(id: string): PermissionRec[] {
    const byPrincipal = new Map<string, PermissionRec>();
    const grant = (principalId: string, principalType: SharePrincipalType, role: Role, type: 'DIRECT' | 'INHERITED'): void => {
      let p = byPrincipal.get(principalId);
      if (!p) byPrincipal.set(principalId, (p = { principalId, principalType, roles: [] }));
      if (!p.roles.some((r) => r.role === role && r.type === type)) p.roles.push({ role, type });
    };
    const chain: Array<FolderRec | DocRec> = [];
    for (let rec: FolderRec | DocRec | undefined = this.resource(id); rec; ) {
      chain.push(rec);
      const parentId: string | null = rec.parentId;
      rec = parentId === null ? undefined : this.folders.get(parentId);
    }
    // The owner's role is DIRECT where ownership is set: a user's root, or a transfer.
    const self = chain[0]!;
    grant(this.ownerOf(id), 'USER', 'OWNER', self.ownerChangedTo !== undefined || self.parentId === null ? 'DIRECT' : 'INHERITED');
    chain.forEach((rec, i) => {
      for (const s of rec.shares ?? []) grant(s.principalId, s.principalType, s.role, i === 0 ? 'DIRECT' : 'INHERITED');
    });
    return [...byPrincipal.values()];
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

  /** `shown` is ACTIVE in a folder of a tree, RECYCLED in a recycle bin. */
  isVisibleDoc(d: DocRec, includeInitialized: boolean, shown: ResourceState = 'ACTIVE'): boolean {
    return d.state === shown && (includeInitialized || this.hasActiveVersion(d));
  }

  /** Immediate children, paginated with an opaque key-based marker. */
  list(
    folderId: string,
    opts: { sort: SortKey; order: Order; type: 'ALL' | 'FOLDER' | 'DOCUMENT'; includeInitialized: boolean; limit: number; marker?: ListMarker },
  ): ListResult {
    const folder = this.folder(folderId);
    const shown: ResourceState = folder.recycleBinOf ? 'RECYCLED' : 'ACTIVE';
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
          if (f.state !== shown) continue;
          if (count === opts.limit) {
            more = true;
            break outer;
          }
          out.folders.push(f);
        } else {
          const d = this.docs.get(e.id)!;
          if (!this.isVisibleDoc(d, opts.includeInitialized, shown)) continue;
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

  /** Names from below the root to the item. */
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

  /** The item at a name path below a folder (the primary user's root by default); first match for duplicates. */
  lookup(path: string[], rootId: string = this.rootFolderId): string | undefined {
    let cur = this.folder(rootId);
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

  /** Every visible document below a folder (the primary user's root by default), latest ACTIVE version. */
  manifest(rootId: string = this.rootFolderId): ManifestItem[] {
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
    const root = this.folder(rootId);
    if (!root.recycleBinOf) walk(root, []);
    return out;
  }

  /** The activity log, newest first (equal times: the later recorded first). */
  activities(): ActivityRec[] {
    const cached = this.activityCache;
    if (cached && cached.length === this.log.length) return cached.list;
    const newer = (a: ActivityRec, b: ActivityRec): number => b.time - a.time || b.seq - a.seq;
    const added = cached ? this.log.slice(cached.length).sort(newer) : [];
    // Changes made now come after the whole history: put them in front instead of sorting a site's log again.
    const list =
      cached && (cached.list.length === 0 || added[added.length - 1]!.time >= cached.list[0]!.time) ? [...added, ...cached.list] : this.log.slice().sort(newer);
    this.activityCache = { length: this.log.length, list };
    return list;
  }

  // ---------------------------------------------------------------- activity log

  record(a: Omit<ActivityRec, 'seq'>): void {
    // Numbered in place: a site's history is hundreds of thousands of entries, so no copy of each.
    const entry = a as ActivityRec;
    entry.seq = this.log.length + 1;
    this.log.push(entry);
  }

  recordUpload(d: DocRec, v: VersionRec): void {
    this.record({ type: 'DOCUMENT_VERSION_UPLOADED', time: v.created, resourceType: 'DOCUMENT', resourceId: d.id, name: v.name, versionId: v.id, parentId: d.parentId, initiatorId: v.creatorId });
  }

  /** Records `FOLDER_<what>` or `DOCUMENT_<what>` on a resource. */
  recordOn(rec: FolderRec | DocRec, what: string, time: number, initiatorId: string, extra: Partial<ActivityRec> = {}): void {
    const isDoc = 'versions' in rec;
    this.record({
      type: `${isDoc ? 'DOCUMENT' : 'FOLDER'}_${what}`,
      time,
      resourceType: isDoc ? 'DOCUMENT' : 'FOLDER',
      resourceId: rec.id,
      name: isDoc ? this.latest(rec).name : rec.name,
      parentId: rec.parentId,
      initiatorId,
      ...extra,
    });
  }

  /** A direct activity on a folder reaches everything below it as indirect activities of the same kind. */
  private recordWithIndirect(rec: FolderRec | DocRec, what: string, time: number, initiatorId: string, extra: Partial<ActivityRec> = {}): void {
    this.recordOn(rec, what, time, initiatorId, extra);
    if ('versions' in rec) return;
    const walk = (f: FolderRec): void => {
      for (const id of f.folders) {
        const c = this.folders.get(id)!;
        this.recordOn(c, what, time, initiatorId, { ...extra, indirect: true });
        walk(c);
      }
      for (const id of f.docs) this.recordOn(this.docs.get(id)!, what, time, initiatorId, { ...extra, indirect: true });
    };
    walk(rec);
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

  /** A folder of a user's tree: not a recycle bin, which lists recycled items and holds none. */
  private treeFolder(id: string): FolderRec {
    const f = this.folder(id);
    if (f.recycleBinOf) throw prohibitedState(`The folder ${id} is a recycle bin.`);
    return f;
  }

  addFolder(input: AddFolderInput): { id: string } {
    const parent = this.treeFolder(input.parentId);
    const name = this.checkName(input.name);
    const id = this.checkNewId(input.id, 'folder');
    const t = this.now();
    const owner = this.ownerOf(parent.id);
    this.folders.set(id, { id, name, parentId: parent.id, ownerId: owner, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
    parent.folders.add(id);
    this.record({ type: 'FOLDER_CREATED', time: t, resourceType: 'FOLDER', resourceId: id, name, parentId: parent.id, initiatorId: owner });
    this.touch();
    return { id };
  }

  addDocument(input: AddDocumentInput): { id: string; versionId: string } {
    const parent = this.treeFolder(input.parentId);
    const name = this.checkName(input.name);
    const id = this.checkNewId(input.id, 'document');
    const t = this.now();
    const owner = this.ownerOf(parent.id);
    const v = this.makeVersion(id, 0, name, input, input.contentType, input.status, owner, t);
    const d: DocRec = { id, parentId: parent.id, creatorId: owner, created: t, modified: t, state: 'ACTIVE', versions: [v] };
    this.docs.set(id, d);
    parent.docs.add(id);
    if (v.status === 'ACTIVE') this.recordUpload(d, v);
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
    const creator = input.checkIn && d.checkedOutBy ? d.checkedOutBy : this.ownerOf(d.id);
    const v = this.makeVersion(d.id, d.versions.length, name, input, input.contentType, input.status, creator, t);
    d.versions.push(v);
    if (v.status === 'ACTIVE') {
      d.modified = t;
      if (input.checkIn) this.recordOn(d, 'CHECKED_IN', t, creator, { versionId: v.id });
      else this.recordUpload(d, v);
    }
    if (input.checkIn) delete d.checkedOutBy;
    this.touch();
    return { versionId: v.id };
  }

  /** A new ACTIVE version sharing an older version's bytes, as restoring a version in WorkDocs makes. */
  revert(documentId: string, versionId: string): { versionId: string } {
    const d = this.doc(documentId);
    const old = this.version(d, versionId);
    if (old.status !== 'ACTIVE') throw prohibitedState(`The version ${versionId} is not ACTIVE.`);
    let t = this.now();
    const prev = d.versions[d.versions.length - 1]!;
    if (t <= prev.created) t = prev.created + 1;
    const v: VersionRec = { ...this.makeVersion(d.id, d.versions.length, old.name, {}, old.contentType, 'ACTIVE', this.ownerOf(d.id), t), content: old.content };
    d.versions.push(v);
    d.modified = t;
    this.recordOn(d, 'REVERTED', t, v.creatorId, { versionId: v.id });
    this.touch();
    return { versionId: v.id };
  }

  checkOut(documentId: string, user?: string): void {
    const d = this.doc(documentId);
    if (d.checkedOutBy) throw prohibitedState(`The document ${documentId} is already checked out.`);
    const by = user ? this.user(user).id : this.ownerOf(d.id);
    d.checkedOutBy = by;
    this.recordOn(d, 'CHECKED_OUT', this.now(), by);
    this.touch();
  }

  /** Deletes one version; the document keeps at least one ACTIVE version. */
  deleteVersion(documentId: string, versionId: string): void {
    const d = this.doc(documentId);
    const v = this.version(d, versionId);
    if (v.status === 'ACTIVE' && d.versions.filter((x) => x.status === 'ACTIVE').length === 1)
      throw prohibitedState(`The version ${versionId} is the only ACTIVE version of ${documentId}: delete the document instead.`);
    d.versions.splice(d.versions.indexOf(v), 1);
    const t = this.now();
    d.modified = t;
    this.recordOn(d, 'VERSION_DELETED', t, this.ownerOf(d.id), { versionId, name: v.name });
    this.touch();
  }

  rename(id: string, name: string): void {
    this.checkName(name);
    const t = this.now();
    const rec = this.resource(id);
    if ('versions' in rec) {
      const old = this.latest(rec).name;
      for (const v of rec.versions) v.name = name;
      rec.modified = t;
      this.recordOn(rec, 'RENAMED', t, this.ownerOf(id), { originalName: old });
    } else {
      if (rec.parentId === null) throw prohibitedState('A root folder or recycle bin cannot be renamed.');
      const old = rec.name;
      rec.name = name;
      rec.modified = t;
      this.recordOn(rec, 'RENAMED', t, this.ownerOf(id), { originalName: old });
    }
    this.touch();
  }

  move(id: string, parentId: string): void {
    const target = this.treeFolder(parentId);
    const t = this.now();
    const rec = this.resource(id);
    if ('versions' in rec) {
      const old = rec.parentId;
      this.folders.get(old)?.docs.delete(id);
      target.docs.add(id);
      rec.parentId = parentId;
      rec.modified = t;
      this.recordOn(rec, 'MOVED', t, this.ownerOf(id), { originalParentId: old });
    } else {
      if (rec.parentId === null) throw prohibitedState('A root folder cannot be moved.');
      if (parentId === id || this.isUnder(parentId, id)) throw invalidArgument('A folder cannot be moved below itself.');
      const old = rec.parentId;
      this.folders.get(old)?.folders.delete(id);
      target.folders.add(id);
      rec.parentId = parentId;
      rec.modified = t;
      this.recordOn(rec, 'MOVED', t, this.ownerOf(id), { originalParentId: old });
    }
    this.touch();
  }

  putInBin(rec: FolderRec | DocRec): void {
    const owner = this.users.find((u) => u.id === this.ownerOf(rec.id)) ?? this.primaryUser;
    const bin = this.folders.get(owner.recycleBinFolderId)!;
    if ('versions' in rec) bin.docs.add(rec.id);
    else bin.folders.add(rec.id);
    rec.binId = bin.id;
  }

  private takeOutOfBin(rec: FolderRec | DocRec): void {
    if (!rec.binId) return;
    const bin = this.folders.get(rec.binId);
    bin?.docs.delete(rec.id);
    bin?.folders.delete(rec.id);
    delete rec.binId;
  }

  /** Deletes a folder and everything below it from the store (not from the log). */
  private removeTree(fid: string): void {
    const x = this.folders.get(fid)!;
    for (const c of x.folders) this.removeTree(c);
    for (const c of x.docs) {
      this.takeOutOfBin(this.docs.get(c)!);
      this.docs.delete(c);
    }
    this.takeOutOfBin(x);
    this.folders.delete(fid);
  }

  /** `recycle` moves it to its owner's recycle bin; `remove` deletes it for good. */
  delete(id: string, mode: 'recycle' | 'remove' = 'recycle'): void {
    const t = this.now();
    const rec = this.resource(id);
    const initiator = this.ownerOf(id);
    if ('versions' in rec) {
      // WorkDocs has no DOCUMENT_DELETED: a document deleted for good is logged as recycled.
      this.recordOn(rec, 'RECYCLED', t, initiator);
      if (mode === 'remove') {
        this.folders.get(rec.parentId)?.docs.delete(id);
        this.takeOutOfBin(rec);
        this.docs.delete(id);
      } else {
        rec.state = 'RECYCLED';
        rec.modified = t;
        this.putInBin(rec);
      }
    } else {
      if (rec.parentId === null) throw prohibitedState('A root folder cannot be deleted.');
      this.recordOn(rec, mode === 'remove' ? 'DELETED' : 'RECYCLED', t, initiator);
      if (mode === 'remove') {
        this.folders.get(rec.parentId)?.folders.delete(id);
        this.removeTree(id);
      } else {
        rec.state = 'RECYCLED';
        rec.modified = t;
        this.putInBin(rec);
      }
    }
    this.touch();
  }

  restore(id: string): void {
    const t = this.now();
    const rec = this.resource(id);
    rec.state = 'ACTIVE';
    rec.modified = t;
    this.takeOutOfBin(rec);
    this.recordOn(rec, 'RESTORED', t, this.ownerOf(id));
    this.touch();
  }

  // ---------------------------------------------------------------- users

  userInfo(u: UserRec): UserInfo {
    return { id: u.id, username: u.username, status: u.status, rootFolderId: u.rootFolderId, recycleBinFolderId: u.recycleBinFolderId };
  }

  private checkStatus(status: unknown): UserStatus {
    if (!USER_STATUSES.has(status as UserStatus)) throw invalidArgument(`Invalid user status: ${String(status)} (ACTIVE, INACTIVE or PENDING).`);
    return status as UserStatus;
  }

  /** A user with an empty root folder (named after them) and recycle bin. WorkDocs logs no activity for users. */
  addUser(input: AddUserInput): UserInfo {
    if (typeof input.username !== 'string' || !/^[\w+.@-]{1,256}$/.test(input.username)) throw invalidArgument('Username must be 1-256 characters of letters, digits and + . @ - _.');
    if (this.users.some((u) => u.username === input.username || (input.id !== undefined && u.id === input.id)))
      throw new ServiceError(409, 'EntityAlreadyExistsException', `The user ${input.username} already exists.`);
    const t = this.now();
    const user = this.makeUser({ ...input, status: this.checkStatus(input.status ?? 'ACTIVE') }, this.users.length, t);
    user.recycleBinFolderId = hexId(this.seed, 'recycle', user.username, ++this.idCounter);
    this.addUserRec(user);
    const rootId = this.checkNewId(undefined, 'root');
    this.folders.set(rootId, { id: rootId, name: user.username, parentId: null, ownerId: user.id, created: t, modified: t, state: 'ACTIVE', folders: new Set(), docs: new Set() });
    user.rootFolderId = rootId;
    this.touch();
    return this.userInfo(user);
  }

  setUserStatus(userId: string, status: UserStatus): void {
    const u = this.user(userId);
    u.status = this.checkStatus(status);
    u.modified = this.now();
    this.touch();
  }

  /** Deletes a user with their root folder, recycle bin and content, and every share granted to them. */
  removeUser(userId: string): void {
    const u = this.user(userId);
    if (u === this.primaryUser) throw prohibitedState('The first user owns the emulator root folder and cannot be removed.');
    this.removeTree(u.rootFolderId);
    this.folders.delete(u.recycleBinFolderId);
    this.users.splice(this.users.indexOf(u), 1);
    for (const g of this.groups) g.memberIds = g.memberIds.filter((m) => m !== u.id);
    for (const rec of [...this.folders.values(), ...this.docs.values()]) {
      if (rec.shares) rec.shares = rec.shares.filter((s) => s.principalId !== u.id);
      if (rec.ownerChangedTo === u.id) delete rec.ownerChangedTo;
    }
    this.touch();
  }

  // ---------------------------------------------------------------- sharing and ownership

  resolveShare(spec: ShareSpec | ShareInput): ShareRec {
    const type = spec.type ?? 'USER';
    if (!ROLES.has(spec.role)) throw invalidArgument(`Invalid role: ${String(spec.role)} (OWNER, COOWNER, CONTRIBUTOR or VIEWER).`);
    if (spec.role === 'OWNER') throw invalidArgument('OWNER is not shared: transfer ownership instead.');
    if (type === 'ANONYMOUS') return { principalId: ANONYMOUS_PRINCIPAL, principalType: type, role: spec.role };
    if (!spec.principal) throw invalidArgument('A share needs a principal.');
    if (type === 'USER') return { principalId: this.user(spec.principal).id, principalType: type, role: spec.role };
    if (type === 'GROUP') return { principalId: this.group(spec.principal).id, principalType: type, role: spec.role };
    throw invalidArgument(`Invalid principal type: ${String(type)} (USER, GROUP or ANONYMOUS).`);
  }

  private participantsOf(share: ShareRec): ActivityRec['participants'] {
    if (share.principalType === 'USER') return { userIds: [share.principalId] };
    if (share.principalType === 'GROUP') return { groupIds: [share.principalId] };
    return undefined;
  }

  /** Adds or changes a share and logs it: a link for ANONYMOUS, a share otherwise; a folder's reaches its contents. */
  applyShare(rec: FolderRec | DocRec, share: ShareRec, time: number): void {
    rec.shares ??= [];
    const existing = rec.shares.find((s) => s.principalId === share.principalId);
    if (existing && existing.role === share.role) return;
    const link = share.principalType === 'ANONYMOUS';
    const what = existing ? (link ? 'SHAREABLE_LINK_PERMISSION_CHANGED' : 'SHARE_PERMISSION_CHANGED') : link ? 'SHAREABLE_LINK_CREATED' : 'SHARED';
    if (existing) existing.role = share.role;
    else rec.shares.push(share);
    const participants = this.participantsOf(share);
    this.recordWithIndirect(rec, what, time, this.ownerOf(rec.id), participants ? { participants } : {});
  }

  share(input: ShareInput): void {
    const rec = this.resource(input.resourceId);
    this.applyShare(rec, this.resolveShare(input), this.now());
    this.touch();
  }

  unshare(resourceId: string, principal: string): void {
    const rec = this.resource(resourceId);
    const share = rec.shares?.find(
      (s) => s.principalId === principal || (s.principalType === 'USER' && this.users.find((u) => u.id === s.principalId)?.username === principal) || (s.principalType === 'GROUP' && this.groups.find((g) => g.id === s.principalId)?.name === principal),
    );
    if (!share) throw notFound(`${resourceId}/${principal}`);
    rec.shares = rec.shares!.filter((s) => s !== share);
    const participants = this.participantsOf(share);
    this.recordWithIndirect(rec, share.principalType === 'ANONYMOUS' ? 'SHAREABLE_LINK_REMOVED' : 'UNSHARED', this.now(), this.ownerOf(rec.id), participants ? { participants } : {});
    this.touch();
  }

  /** WorkDocs has no ownership activity type: a transfer is logged as a permission change naming the new owner. */
  setOwner(id: string, userId: string): void {
    const rec = this.resource(id);
    const user = this.user(userId);
    const before = this.ownerOf(id);
    rec.ownerChangedTo = user.id;
    this.recordOn(rec, 'SHARE_PERMISSION_CHANGED', this.now(), before, { participants: { userIds: [user.id] } });
    this.touch();
  }

  // ---------------------------------------------------------------- comments, labels, custom metadata

  makeComment(
    d: DocRec,
    v: VersionRec,
    c: { id: string; text: string; contributorId: string; created: number; visibility: CommentVisibility; parent: CommentRec | undefined },
  ): CommentRec {
    const rec: CommentRec = {
      id: c.id,
      text: c.text,
      contributorId: c.contributorId,
      created: c.created,
      threadId: c.parent ? c.parent.threadId : c.id,
      visibility: c.visibility,
      status: 'PUBLISHED',
      ...(c.parent ? { parentId: c.parent.id, recipientId: c.parent.contributorId } : {}),
    };
    (v.comments ??= []).push(rec);
    this.recordOn(d, 'COMMENT_ADDED', c.created, c.contributorId, {
      versionId: v.id,
      comment: { id: rec.id, contributorId: rec.contributorId, created: rec.created, status: 'PUBLISHED', ...(rec.recipientId ? { recipientId: rec.recipientId } : {}) },
    });
    return rec;
  }

  addComment(input: AddCommentInput): { commentId: string; versionId: string } {
    const d = this.doc(input.documentId);
    const v = input.versionId ? this.version(d, input.versionId) : this.latest(d);
    if (v.status !== 'ACTIVE') throw prohibitedState(`The version ${v.id} is not ACTIVE.`);
    if (typeof input.text !== 'string' || input.text.length < 1 || input.text.length > 2048) throw invalidArgument('Text must be 1-2048 characters.');
    const visibility = input.visibility ?? 'PUBLIC';
    if (visibility !== 'PUBLIC' && visibility !== 'PRIVATE') throw invalidArgument(`Invalid visibility: ${String(visibility)} (PUBLIC or PRIVATE).`);
    const parent = input.parentId !== undefined ? v.comments?.find((c) => c.id === input.parentId) : undefined;
    if (input.parentId !== undefined && !parent) throw notFound(input.parentId);
    const contributorId = input.contributor ? this.user(input.contributor).id : this.ownerOf(d.id);
    const id = this.newId('comment');
    this.makeComment(d, v, { id, text: input.text, contributorId, created: this.now(), visibility, parent });
    this.touch();
    return { commentId: id, versionId: v.id };
  }

  /** The comment stays in its thread with status DELETED and no text, so replies keep their parent. */
  deleteComment(documentId: string, versionId: string, commentId: string): void {
    const d = this.doc(documentId);
    const v = this.version(d, versionId);
    const c = v.comments?.find((x) => x.id === commentId);
    if (!c || c.status === 'DELETED') throw notFound(commentId);
    c.status = 'DELETED';
    const t = this.now();
    this.recordOn(d, 'COMMENT_DELETED', t, c.contributorId, {
      versionId,
      comment: { id: c.id, contributorId: c.contributorId, created: c.created, status: 'DELETED', ...(c.recipientId ? { recipientId: c.recipientId } : {}) },
    });
    this.touch();
  }

  /** WorkDocs logs no activity for labels or custom metadata. */
  setLabels(id: string, labels: string[]): void {
    const rec = this.resource(id);
    if (!Array.isArray(labels) || labels.length > 20 || labels.some((l) => typeof l !== 'string' || l.length < 1 || l.length > 32))
      throw invalidArgument('Labels must be at most 20 strings of 1-32 characters.');
    if (labels.length) rec.labels = [...labels];
    else delete rec.labels;
    this.touch();
  }

  setCustomMetadata(id: string, values: Record<string, string | null>, versionId?: string): void {
    const rec = this.resource(id);
    const target: { customMetadata?: CustomMetadata } = versionId !== undefined ? this.version(this.doc(id), versionId) : rec;
    const entries = Object.entries(values ?? {});
    if (entries.length < 1 || entries.length > 8) throw invalidArgument('Custom metadata takes 1-8 keys per call.');
    const next = { ...target.customMetadata };
    for (const [k, v] of entries) {
      if (k.length < 1 || k.length > 128) throw invalidArgument(`Custom metadata key must be 1-128 characters: ${k}`);
      if (v === null) delete next[k];
      else if (typeof v !== 'string' || v.length < 1 || v.length > 256) throw invalidArgument(`Custom metadata value of ${k} must be 1-256 characters.`);
      else next[k] = v;
    }
    if (Object.keys(next).length) target.customMetadata = next;
    else delete target.customMetadata;
    this.touch();
  }
}
