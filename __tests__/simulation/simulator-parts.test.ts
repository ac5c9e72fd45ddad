// The simulator's pure parts: its PRNG streams, the option table, the bad inputs it expects refused, and how it
// matches a key to a document's path. (The histories themselves run in simulate.test.ts.)
import { describe, expect, it } from 'vitest';
import { parseSyncOptions } from '../../src/options.js';
import { userFilter } from '../../src/core/user-filter.js';
import { keyMatchesPath, parseCsv } from '../../test-support/simulator/invariants.js';
import { BAD_INPUTS, drawRunOptions, OPTION_ROWS, optionExists, SITE_BAD_INPUTS } from '../../test-support/simulator/options.js';
import { USERNAMES } from '../../test-support/simulator/workdocs.js';
import { Random } from '../../test-support/simulator/random.js';

const REQUIRED = { workdocs_folder_id: 'folder-1', s3_bucket_name: 'bucket-1', region_name: 'us-east-1' };

describe('Random', () => {
  it('gives the same sequence for the same seed, and reseed starts a stream of its own', () => {
    const a = new Random(7);
    const b = new Random(7);
    const first = Array.from({ length: 5 }, () => a.int(0, 1000));
    expect(Array.from({ length: 5 }, () => b.int(0, 1000))).toEqual(first);
    a.reseed(99);
    b.int(0, 10);
    b.reseed(99);
    expect(a.float()).toBe(b.float());
  });

  it('keeps int() within its bounds and weighted() to keys of positive weight', () => {
    const r = new Random(3);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(1, 16);
      expect(n >= 1 && n <= 16).toBe(true);
      expect(r.weighted({ never: 0, always: 1 })).toBe('always');
    }
  });
});

describe('run options', () => {
  it('draws only options the CLI knows, and every drawn set parses', () => {
    const r = new Random(11);
    for (let i = 0; i < 200; i++) {
      const options = drawRunOptions(r, { prefix: i % 2 === 0 ? '' : 'mirror/' });
      for (const name of Object.keys(options)) expect(optionExists(name), name).toBe(true);
      const parsed = parseSyncOptions({ ...REQUIRED, ...options, ...(i % 2 === 0 ? {} : { s3_prefix: 'mirror/' }) });
      // The one refusal a drawn set may meet: an archive inside the prefix (issue 23.3), which the simulator expects.
      if (!parsed.ok) expect(parsed.errors.map((e) => e.option)).toEqual(['archive_prefix']);
    }
  });

  it('draws the site-only options (users, exclude_users, include_recycle_bin) for a site, and every drawn set parses', () => {
    const siteOnly = ['users', 'exclude_users', 'include_recycle_bin'];
    const r = new Random(12);
    const drawn = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const site = i % 2 === 0;
      const options = drawRunOptions(r, { prefix: 'mirror/', site });
      for (const name of Object.keys(options)) {
        if (site) drawn.add(name);
        else expect(siteOnly).not.toContain(name);
      }
      const source = site ? { workdocs_organization_id: 'd-1234567890' } : { workdocs_folder_id: 'folder-1' };
      const parsed = parseSyncOptions({ s3_bucket_name: 'bucket-1', region_name: 'us-east-1', s3_prefix: 'mirror/', ...source, ...options });
      if (!parsed.ok) expect(parsed.errors.map((e) => e.option)).toEqual(['archive_prefix']);
    }
    for (const name of siteOnly.filter(optionExists)) expect(drawn).toContain(name);
  });

  it('draws every row in every history, so a site-only row moves no draw of a folder history', () => {
    const [folder, site] = [new Random(5), new Random(5)];
    for (let i = 0; i < 50; i++) {
      drawRunOptions(folder, { prefix: '' });
      drawRunOptions(site, { prefix: '', site: true });
    }
    expect(folder.float()).toBe(site.float());
  });

  it('names each option once in the table', () => {
    const names = OPTION_ROWS.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(BAD_INPUTS.map((args) => [args.join(' '), args] as const))('bad input %s is refused by the option parser', (_, args) => {
    const raw: Record<string, string> = { ...REQUIRED };
    for (let i = 0; i < args.length; i += 2) raw[args[i]!.replace(/^--/, '')] = args[i + 1]!;
    expect(parseSyncOptions(raw).ok).toBe(false);
  });
});

describe('site bad inputs', () => {
  it('are refused by the option parser, or leave none of the users a site history can have (exit 2 at the source)', () => {
    for (const args of SITE_BAD_INPUTS) {
      const raw = { s3_bucket_name: 'bucket-1', region_name: 'us-east-1', workdocs_organization_id: 'd-1234567890', [args[0]!.replace(/^--/, '')]: args[1]! };
      const parsed = parseSyncOptions(raw);
      if (!parsed.ok) continue;
      const wanted = userFilter(parsed.value.users, parsed.value.excludeUsers);
      expect(['admin', ...USERNAMES].filter(wanted), args.join(' ')).toEqual([]);
    }
  });
});

describe('parseCsv (RFC 4180)', () => {
  it.each([
    ['a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['"x, y","say ""hi"""\r\n', [['x, y', 'say "hi"']]],
    ['"two\r\nlines",z\r\n', [['two\r\nlines', 'z']]],
    ['a,\r\n,b', [['a', ''], ['', 'b']]],
  ] as const)('%j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });
});

describe('keyMatchesPath', () => {
  it.each([
    ['report-01.txt', ['report-01.txt'], true],
    ['current/report-01.txt', ['current', 'report-01.txt'], true],
    ['current/report-01~8dc41275.txt', ['current', 'report-01.txt'], true],
    ['archive-2022~8f06c172/report-02.txt', ['archive-2022', 'report-02.txt'], true],
    ['A~1/B~2/notes~3.md', ['A', 'B', 'notes.md'], true],
    ['current/report-02.txt', ['current', 'report-01.txt'], false],
    ['current/report-01.txt', ['report-01.txt'], false],
    ['report-01~.txt', ['report-01.txt'], false],
    ['report-01~x.md', ['report-01.txt'], false],
    ['previous/report-01.txt', ['current', 'report-01.txt'], false],
    // Site keys: a user named like a reserved area is escaped at the top only; the recycle bins' area is not.
    ['%2Ehistory/a.txt', ['.history', 'a.txt'], true],
    ['.history/a.txt', ['.history', 'a.txt'], false],
    ['alice/.history/a.txt', ['alice', '.history', 'a.txt'], true],
    ['.recycle-bin/alice/a~1.txt', ['.recycle-bin', 'alice', 'a.txt'], true],
  ] as const)('%s is the key of %j: %s', (key, path, expected) => {
    expect(keyMatchesPath(key, path)).toBe(expected);
  });
});
