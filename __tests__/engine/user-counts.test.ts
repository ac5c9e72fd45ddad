// Per-user counts of a site run: each item belongs to the user its key's top-level segment names (the next segment
// in a per-user area such as .recycle-bin), decoded; the log line and the job summary show at most 20 users.
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/action/summary.js';
import { userCountsLine, userCountsOf, userOfKey, USERS_SHOWN } from '../../src/engine/report.js';
import type { ReportItem, UserCounts } from '../../src/engine/types.js';
import { del, failed, makeReport, skip, upload } from '../action/fixtures.js';

describe('userOfKey', () => {
  it.each([
    ['site/alice/a.txt', 'alice'],
    ['site/alice/', 'alice'],
    ['site/alice/deep/er/b.txt', 'alice'],
    ['site/%2Erecycle-bin/a.txt', '.recycle-bin'],
    ['site/first%25last/a.txt', 'first%last'],
    ['site/.recycle-bin/bob/old.txt', 'bob'],
    ['site/.recycle-bin/bob/', 'bob'],
    ['site/.history/carol/plan.md/2024-03-02T09-00-00Z_v1.md', 'carol'],
    // Nested areas: a sidecar of a recycled document or of an older version, a recycled document's history.
    ['site/.metadata/.recycle-bin/alice/draft.txt.json', 'alice'],
    ['site/.metadata/.history/bob/plan.md/2024-03-02T09-00-00Z_v1.md.json', 'bob'],
    ['site/.history/.recycle-bin/carol/old.txt/2024-03-02T09-00-00Z_v1.txt', 'carol'],
    ['site/.metadata/.history/.recycle-bin/dave/old.txt/2024-03-02T09-00-00Z_v1.txt.json', 'dave'],
    ['site/.metadata/alice/a.txt.json', 'alice'],
    ['site/.recycle-bin/.recycle-bin/a.txt', '.recycle-bin'], // the bin of a user named .recycle-bin
    ['site/a.txt', undefined], // a file directly under the prefix names no user
    ['site/.recycle-bin/', undefined],
    ['site/%%0123abcd~deep.txt', undefined], // relocated for length
    ['site/.workdocs-s3-sync/manifest.json', undefined],
    ['other/alice/a.txt', undefined],
  ])('%j → %j', (key, user) => {
    expect(userOfKey(key, 'site/')).toBe(user);
  });

  it('with the bucket root as prefix', () => {
    expect(userOfKey('alice/a.txt', '')).toBe('alice');
  });
});

describe('userCountsOf', () => {
  const items: ReportItem[] = [
    upload('site/bob/a.txt', 100),
    upload('site/alice/a.txt', 1000),
    upload('site/alice/b.txt', 24),
    skip('site/alice/c.txt'),
    { action: 'copy', key: 'site/alice/d.txt', fromKey: 'site/alice/old-d.txt', outcome: 'done', reason: 'renamed' },
    del('site/carol/gone.txt'),
    { action: 'archive', key: 'site/carol/old.txt', toKey: 'archive/site/carol/old.txt', outcome: 'done', reason: 'stale' },
    failed('site/bob/broken.bin'),
    { action: 'marker', key: 'site/dave/', outcome: 'done', reason: 'empty' },
    upload('site/.recycle-bin/bob/old.txt', 7),
    { action: 'delete', key: 'site/carol/kept.txt', outcome: 'blocked', reason: 'stale', error: 'max_delete' },
  ];

  it('counts each user\'s items, sorted by username; archive moves count as deleted, refused deletes not at all', () => {
    expect(userCountsOf(items, 'site/', false)).toEqual<UserCounts[]>([
      { user: 'alice', uploaded: 2, copied: 1, skipped: 1, deleted: 0, failed: 0, bytes: 1024 },
      { user: 'bob', uploaded: 2, copied: 0, skipped: 0, deleted: 0, failed: 1, bytes: 107 },
      { user: 'carol', uploaded: 0, copied: 0, skipped: 0, deleted: 2, failed: 0, bytes: 0 },
      { user: 'dave', uploaded: 0, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0 },
    ]);
  });

  it('a dry run counts what it would do', () => {
    const planned: ReportItem[] = [
      { action: 'upload', key: 'site/alice/a.txt', outcome: 'planned', reason: 'new', bytes: 5 },
      { action: 'delete', key: 'site/bob/a.txt', outcome: 'planned', reason: 'stale' },
      skip('site/bob/b.txt'),
    ];
    expect(userCountsOf(planned, 'site/', true)).toEqual([
      { user: 'alice', uploaded: 1, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 5 },
      { user: 'bob', uploaded: 0, copied: 0, skipped: 1, deleted: 1, failed: 0, bytes: 0 },
    ]);
    expect(userCountsOf(planned, 'site/', false).map((u) => u.uploaded + u.deleted)).toEqual([0, 0]);
  });
});

/** A site report with `n` users, one upload each. */
function siteReport(n: number) {
  const items = Array.from({ length: n }, (_, i) => upload(`mirror/user-${String(i).padStart(3, '0')}/a.txt`, 10));
  return makeReport(items, { rootFolderId: 'd-926726012c', rootFolderName: `${n} users`, users: userCountsOf(items, 'mirror/', false) });
}

describe('the per-user log line', () => {
  it('names every user up to 20, then how many more', () => {
    expect(userCountsLine(siteReport(2))).toBe('per user: "user-000" 1 uploaded, 0 unchanged (10 B); "user-001" 1 uploaded, 0 unchanged (10 B)');
    const line = userCountsLine(siteReport(25))!;
    expect(line.match(/"user-\d+"/g)).toHaveLength(USERS_SHOWN);
    expect(line).toMatch(/; … and 5 more users in the JSON report$/);
  });

  it('says FAILED for a user with failures, and nothing outside site mode', () => {
    const items = [failed('mirror/bob/x.bin'), upload('mirror/bob/y.txt', 3)];
    expect(userCountsLine(makeReport(items, { users: userCountsOf(items, 'mirror/', false) }))).toBe('per user: "bob" 1 uploaded, 0 unchanged, 1 FAILED (3 B)');
    expect(userCountsLine(makeReport(items))).toBeUndefined();
  });
});

describe('the per-user table of the job summary', () => {
  it('shows a site, a table of at most 20 users, and how many more the JSON report has', () => {
    const md = renderSummary(siteReport(25), { reportPath: 'report.json' });
    expect(md).toContain('WorkDocs site <code>d-926726012c</code> (25 users)');
    const table = /### Per user \(25\)[\s\S]*?<\/table>\n\n… and 5 more users in the JSON report\./.exec(md);
    expect(table).not.toBeNull();
    expect(table![0].match(/<tr><td><code>/g)).toHaveLength(20);
    expect(table![0]).toContain('<tr><td><code>user-000</code></td><td align="right">1</td><td align="right">0</td><td align="right">0</td><td align="right">0</td><td align="right">0</td><td align="right">10 B</td></tr>');
  });

  it('escapes usernames, and a folder run has no such table', () => {
    const items = [upload('mirror/a_b*c/x.txt', 1)];
    const md = renderSummary(makeReport(items, { users: userCountsOf(items, 'mirror/', false) }));
    expect(md).toContain('<code>a&#95;b&#42;c</code>');
    const folder = renderSummary(makeReport(items));
    expect(folder).not.toContain('Per user');
    expect(folder).toContain('WorkDocs folder <code>');
  });
});
