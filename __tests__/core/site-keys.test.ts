// A site's tree through the ordinary key rules: each user's folder is `<prefix><encoded username>/`, each recycle bin
// `<prefix>.recycle-bin/<encoded username>/`, and no username, `.recycle-bin` included, can take the bin area's place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignKeys, encodeSegment, encodeTopLevelSegment, keysOfChildren, RECYCLE_BIN_SEGMENT } from '../../src/core/keys.js';
import type { SourceDocument } from '../../src/core/types.js';
import { userOfKey } from '../../src/engine/report.js';
import { recycleBinAreaId, siteFolders, type SiteUser } from '../../src/workdocs/site.js';

const ORG = 'd-926726012c';

function user(username: string, i: number): SiteUser {
  return { id: `u${i}`, username, status: 'ACTIVE', rootFolderId: `root${i}`, recycleBinFolderId: `bin${i}`, createdAt: 1000 + i };
}

function doc(id: string, parentId: string, name: string): SourceDocument {
  return { id, parentId, name, createdAt: 1, modifiedAt: 1, versionId: `v-${id}`, size: 1, md5: undefined, contentType: undefined };
}

/** The site's keys, with one document in every user's root and bin. */
function siteKeys(usernames: readonly string[], prefix = 'site/') {
  const users = usernames.map(user);
  const { top, bins } = siteFolders({ organizationId: ORG, users, includeRecycleBin: true });
  const documents = users.flatMap((u, i) => [doc(`d${i}`, u.rootFolderId, 'notes.txt'), doc(`r${i}`, u.recycleBinFolderId!, 'old.txt')]);
  return { users, top, bins, keys: assignKeys({ rootId: ORG, folders: [...top, ...bins], documents }, prefix) };
}

describe('the keys of a site', () => {
  it('puts each user under their username and each bin under .recycle-bin/<username>/', () => {
    const { keys } = siteKeys(['alice', 'bob']);
    expect(Object.fromEntries(keys.folderKeys)).toEqual({
      root0: 'site/alice/',
      root1: 'site/bob/',
      [recycleBinAreaId(ORG)]: 'site/.recycle-bin/',
      bin0: 'site/.recycle-bin/alice/',
      bin1: 'site/.recycle-bin/bob/',
    });
    expect(keys.documentKeys.get('d0')).toBe('site/alice/notes.txt');
    expect(keys.documentKeys.get('r1')).toBe('site/.recycle-bin/bob/old.txt');
  });

  it('a user named .recycle-bin (or any reserved name) is escaped at the top level and never meets the bin area', () => {
    const { keys } = siteKeys(['.recycle-bin', '.history', '.workdocs-s3-sync', 'alice']);
    expect(keys.folderKeys.get('root0')).toBe('site/%2Erecycle-bin/');
    expect(keys.folderKeys.get('root1')).toBe('site/%2Ehistory/');
    expect(keys.folderKeys.get('root2')).toBe('site/%2Eworkdocs-s3-sync/');
    expect(keys.folderKeys.get(recycleBinAreaId(ORG))).toBe('site/.recycle-bin/');
    // Inside the bin area a username is an ordinary name: `.recycle-bin` stays as it is there.
    expect(keys.folderKeys.get('bin0')).toBe('site/.recycle-bin/.recycle-bin/');
    expect(keys.documentKeys.get('d0')).toBe('site/%2Erecycle-bin/notes.txt');
    expect(keys.documentKeys.get('r0')).toBe('site/.recycle-bin/.recycle-bin/old.txt');
    expect(keys.duplicates).toEqual([]);
  });

  it('without include_recycle_bin there is no bin area', () => {
    const { top, bins, starts } = siteFolders({ organizationId: ORG, users: [user('alice', 0)], includeRecycleBin: false });
    expect(top.map((f) => f.id)).toEqual(['root0']);
    expect(bins).toEqual([]);
    expect(starts).toEqual([{ id: 'root0' }]);
  });

  it('for any usernames: keys are unique, users and bins are keyed by the usual encoding, and each key names its user', () => {
    const username = fc.oneof(fc.stringMatching(/^[\w+.@-]{1,30}$/), fc.constantFrom('.recycle-bin', '.history', '.metadata', '.', '..', 'a%b'));
    fc.assert(fc.property(fc.uniqueArray(username, { minLength: 1, maxLength: 8 }), (usernames) => {
      const { users, keys } = siteKeys(usernames);
      const all = [...keys.folderKeys.values(), ...keys.documentKeys.values()];
      expect(new Set(all).size).toBe(all.length);
      expect(keys.unreachable).toEqual([]);
      for (const u of users) {
        expect(keys.folderKeys.get(u.rootFolderId)).toBe(`site/${encodeTopLevelSegment(u.username)}/`);
        expect(keys.folderKeys.get(u.recycleBinFolderId!)).toBe(`site/${RECYCLE_BIN_SEGMENT}/${encodeSegment(u.username)}/`);
      }
      for (const [i, u] of users.entries()) {
        // The per-user counts of the report come back to the username from the key alone.
        expect(userOfKey(keys.documentKeys.get(`d${i}`)!, 'site/')).toBe(u.username);
        expect(userOfKey(keys.documentKeys.get(`r${i}`)!, 'site/')).toBe(u.username);
      }
    }));
  });

  it('keys of the virtual levels known early (uploads while listing) are the same as the whole tree gives', () => {
    const { top, bins, keys } = siteKeys(['alice', '.recycle-bin']);
    const early = keysOfChildren('site/', true, top, []);
    expect(early?.folderKeys).toEqual(new Map(top.map((f) => [f.id, keys.folderKeys.get(f.id)])));
    const earlyBins = keysOfChildren('site/.recycle-bin/', false, bins, []);
    expect(earlyBins?.folderKeys).toEqual(new Map(bins.map((f) => [f.id, keys.folderKeys.get(f.id)])));
  });
});
