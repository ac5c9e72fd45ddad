/**
 * The procedural tree: folders and documents numbered and derived from a seed, so a tree of any size is the same
 * on every run. Ids come from a fast non-cryptographic mix; content is generated on demand, never held.
 */
import { GeneratedContent } from './content.js';
import { DEFAULT_BASE, Store, type FolderRec, type VersionRec } from './store.js';
import type { GenerateOptions } from './types.js';
import { contentTypeFor, fastHexId, hexId, mix32, prng, seedToNumber } from './util.js';

export function generateTree(opts: GenerateOptions): Store {
  const s = new Store();
  const seedLabel = opts.seed ?? 1;
  s.seed = `gen:${String(seedLabel)}`;
  s.organizationId = opts.organizationId ?? 'd-' + hexId(s.seed, 'org').slice(0, 10);
  const user = s.makeUser({ username: 'admin', givenName: 'Admin', surname: 'User', type: 'ADMIN' }, 0, DEFAULT_BASE);
  s.users.push(user);
  const nFolders = Math.max(0, Math.floor(opts.folders));
  const nDocs = Math.max(0, Math.floor(opts.documents));
  const fanout = Math.max(1, Math.floor(opts.fanout ?? 10));
  const nVersions = Math.max(1, Math.floor(opts.versions ?? 1));
  const seedNum = seedToNumber(seedLabel);
  const minSize = Math.max(0, opts.minSize ?? 0);
  const maxSize = Math.max(minSize, opts.maxSize ?? 65536);
  const sizeOf = (j: number, v: number): number => {
    if (opts.size !== undefined) return opts.size;
    const r = prng(mix32(seedNum ^ mix32(j * 31 + v)))();
    const lo = Math.log(minSize + 1);
    const hi = Math.log(maxSize + 1);
    return Math.min(maxSize, Math.max(minSize, Math.floor(Math.exp(lo + (hi - lo) * r) - 1)));
  };
  const mkFolder = (id: string, name: string, parentId: string | null, created: number): FolderRec => ({
    id,
    name,
    parentId,
    ownerId: user.id,
    created,
    modified: created,
    state: 'ACTIVE',
    folders: new Set(),
    docs: new Set(),
  });
  const rootId = hexId(s.seed, 'folder', 'root');
  s.folders.set(rootId, mkFolder(rootId, 'Generated Root', null, DEFAULT_BASE));
  s.rootFolderId = rootId;
  user.rootFolderId = rootId;
  // Folder index 0 is the root; generated folders are 1..nFolders.
  const folderIds: string[] = [rootId];
  for (let i = 1; i <= nFolders; i++) {
    const id = fastHexId(seedNum, 1, i);
    const parentId = folderIds[Math.floor((i - 1) / fanout)]!;
    const f = mkFolder(id, `folder-${String(i).padStart(6, '0')}`, parentId, DEFAULT_BASE + i * 1000);
    s.folders.set(id, f);
    s.folders.get(parentId)!.folders.add(id);
    folderIds.push(id);
  }
  const exts = ['txt', 'csv', 'json', 'md', 'pdf', 'png', 'bin', 'docx'];
  const types = exts.map((e) => contentTypeFor(`x.${e}`));
  const nTargets = nFolders === 0 ? 1 : nFolders;
  for (let j = 0; j < nDocs; j++) {
    const parentId = nFolders === 0 ? rootId : folderIds[1 + (j % nTargets)]!;
    const id = fastHexId(seedNum, 2, j);
    const name = `doc-${String(j).padStart(7, '0')}.${exts[j % exts.length]!}`;
    const created = DEFAULT_BASE + 20_000_000 + j * 1000;
    const versions: VersionRec[] = [];
    for (let v = 0; v < nVersions; v++) {
      const vc = created + v * 3_600_000;
      versions.push({
        id: `${vc}-${fastHexId(seedNum, 3 + v, j)}`,
        name,
        contentType: types[j % exts.length]!,
        content: new GeneratedContent(mix32(seedNum ^ Math.imul(j + 1, 0x9e3779b1)) ^ Math.imul(v, 0x85ebca6b), sizeOf(j, v)),
        status: 'ACTIVE',
        created: vc,
        modified: vc,
        creatorId: user.id,
      });
    }
    const last = versions[versions.length - 1]!;
    s.docs.set(id, { id, parentId, creatorId: user.id, created, modified: last.modified, state: 'ACTIVE', versions });
    s.folders.get(parentId)!.docs.add(id);
  }
  return s;
}
