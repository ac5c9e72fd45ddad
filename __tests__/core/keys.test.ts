// Specification of the key mapping: WorkDocs names and folder trees → S3 keys.
import { describe, expect, it } from 'vitest';
import {
  EMPTY_NAME_SEGMENT,
  MAX_KEY_BYTES,
  RESERVED_SEGMENT,
  assignKeys,
  decodeSegment,
  encodeSegment,
  encodeTopLevelSegment,
  isManagedKey,
  parsePrefix,
  type KeyAssignment,
} from '../../src/core/keys.js';
import type { SourceDocument, SourceFolder, SourceTree } from '../../src/core/types.js';

const ROOT = 'f'.repeat(64);

/** A 64-hex id starting with the given hex characters. */
function hexId(start: string): string {
  return start.padEnd(64, '0');
}

function folder(id: string, name: string, parentId: string | null = ROOT, createdAt = 0): SourceFolder {
  return { id, name, parentId, createdAt };
}

function doc(id: string, name: string, parentId = ROOT, createdAt = 0): SourceDocument {
  return { id, parentId, name, createdAt, modifiedAt: createdAt, versionId: `1-${id}`, size: 1, md5: undefined, contentType: undefined };
}

function tree(folders: SourceFolder[], documents: SourceDocument[]): SourceTree {
  return { rootId: ROOT, folders, documents };
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The original folder_sync.py: folder names and the document name joined with '/', at the bucket root. */
function originalKey(folderNames: string[], name: string): string {
  return [...folderNames, name].join('/');
}

describe('encodeSegment: ordinary names are kept as they are (same keys as the original script)', () => {
  it.each([
    'report.pdf',
    'Quarterly Report (final) [v2].docx',
    "it's-a_test,ok!&=+@$;:~.txt",
    'C# notes?.md',
    'a  b   c.txt',
    'Ünïcödé – 日本語 – Ελληνικά.txt',
    'שלום עולם.txt',
    'مرحبا.docx',
    'emoji 😀 👩\u200d👩\u200d👧.png (zero width joiner kept)',
    'می\u200cخواهم.txt (zero width non-joiner kept: Persian needs it)',
    '.hidden',
    '...',
    'a.',
    '~',
    'x'.repeat(255),
  ])('%j is unchanged', (name) => {
    expect(encodeSegment(name)).toBe(name);
    expect(decodeSegment(name)).toBe(name);
  });
});

describe('encodeSegment: characters that are escaped as %XX of their UTF-8 bytes', () => {
  it.each([
    ['percent sign (makes the mapping reversible)', '100%', '100%25'],
    ['an escape look-alike', '%2F', '%252F'],
    ['slash (no folder from a name)', 'a/b', 'a%2Fb'],
    ['backslash', 'a\\b', 'a%5Cb'],
    ['NUL', 'a\u0000b', 'a%00b'],
    ['tab', 'a\tb', 'a%09b'],
    ['line feed', 'a\nb', 'a%0Ab'],
    ['carriage return', 'a\rb', 'a%0Db'],
    ['U+001F', '\u001f', '%1F'],
    ['DEL', '\u007f', '%7F'],
    ['C1 U+0080', '\u0080', '%C2%80'],
    ['C1 NEL U+0085', 'a\u0085', 'a%C2%85'],
    ['C1 U+009F', '\u009f', '%C2%9F'],
    ['zero width space U+200B', 'a\u200bb', 'a%E2%80%8Bb'],
    ['left-to-right mark U+200E', '\u200e', '%E2%80%8E'],
    ['right-to-left mark U+200F', '\u200f', '%E2%80%8F'],
    ['LRE U+202A', '\u202a', '%E2%80%AA'],
    ['right-to-left override U+202E', 'invoice\u202efdp.exe', 'invoice%E2%80%AEfdp.exe'],
    ['LRI U+2066', '\u2066', '%E2%81%A6'],
    ['PDI U+2069', '\u2069', '%E2%81%A9'],
    ['byte order mark U+FEFF', '\ufeffa', '%EF%BB%BFa'],
    ['Arabic letter mark U+061C', '\u061c', '%D8%9C'],
    ['line separator U+2028', '\u2028', '%E2%80%A8'],
    ['paragraph separator U+2029', '\u2029', '%E2%80%A9'],
    ['non-character U+FFFE (not allowed in XML listings)', '\ufffe', '%EF%BF%BE'],
    ['non-character U+FFFF', '\uffff', '%EF%BF%BF'],
    ['lone high surrogate (WTF-8)', 'a\ud800', 'a%ED%A0%80'],
    ['lone low surrogate (WTF-8)', '\udfffz', '%ED%BF%BFz'],
    ['surrogates in the wrong order', '\ude00\ud83d', '%ED%B8%80%ED%A0%BD'],
  ])('%s: %j → %j', (_what, name, segment) => {
    expect(encodeSegment(name)).toBe(segment);
    expect(decodeSegment(segment)).toBe(name);
  });
});

describe('encodeSegment: edge spaces, dot segments and the empty name', () => {
  it.each([
    ['leading space', ' a', '%20a'],
    ['trailing space', 'a.pdf ', 'a.pdf%20'],
    ['runs of edge spaces (inner spaces stay)', '  a  b  ', '%20%20a  b%20%20'],
    ['a single space', ' ', '%20'],
    ['only spaces', '   ', '%20%20%20'],
    ['dot', '.', '%2E'],
    ['dot dot', '..', '%2E%2E'],
    ['dot and space is no dot segment', '. ', '.%20'],
    ['three dots are an ordinary name', '...', '...'],
    ['empty name (never given by WorkDocs; the function is total)', '', EMPTY_NAME_SEGMENT],
  ])('%s: %j → %j', (_what, name, segment) => {
    expect(encodeSegment(name)).toBe(segment);
    expect(decodeSegment(segment)).toBe(name);
  });

  it('no non-empty name encodes to the empty-name segment', () => {
    expect(EMPTY_NAME_SEGMENT).toBe('%');
    expect(encodeSegment('%')).toBe('%25');
  });
});

describe('decodeSegment on strings encodeSegment never produces (lenient)', () => {
  it.each([
    ['lower-case hex', '%2f', '/'],
    ['an escape of an ordinary character', '%41', 'A'],
    ['not an escape', '%zz', '%zz'],
    ['a truncated escape', 'a%2', 'a%2'],
    ['an incomplete UTF-8 sequence', '%C2', '%C2'],
    ['an invalid UTF-8 byte', '%FF%41', '%FFA'],
  ])('%s: %j → %j', (_what, segment, decoded) => {
    expect(decodeSegment(segment)).toBe(decoded);
  });
});

describe('the reserved name .workdocs-s3-sync', () => {
  const reservedFolder = folder(hexId('1'), RESERVED_SEGMENT);
  const sub = folder(hexId('2'), 'sub');
  const nestedReserved = folder(hexId('3'), RESERVED_SEGMENT, sub.id);
  const keys = assignKeys(
    tree(
      [reservedFolder, sub, nestedReserved],
      [doc(hexId('a'), RESERVED_SEGMENT), doc(hexId('b'), 'inside.txt', reservedFolder.id), doc(hexId('c'), RESERVED_SEGMENT, sub.id)],
    ),
    'backup/',
  );

  it.each([
    ['top-level document', hexId('a'), 'backup/%2Eworkdocs-s3-sync'],
    ['document in the top-level folder of that name', hexId('b'), 'backup/%2Eworkdocs-s3-sync/inside.txt'],
    ['nested document keeps its name', hexId('c'), 'backup/sub/.workdocs-s3-sync'],
  ])('%s', (_what, id, key) => {
    expect(keys.documentKeys.get(id)).toBe(key);
  });

  it.each([
    ['top-level folder is escaped', reservedFolder.id, 'backup/%2Eworkdocs-s3-sync/'],
    ['nested folder keeps its name', nestedReserved.id, 'backup/sub/.workdocs-s3-sync/'],
  ])('%s', (_what, id, key) => {
    expect(keys.folderKeys.get(id)).toBe(key);
  });

  it('the escaped segment decodes to the original name', () => {
    expect(encodeTopLevelSegment(RESERVED_SEGMENT)).toBe('%2Eworkdocs-s3-sync');
    expect(decodeSegment(encodeTopLevelSegment(RESERVED_SEGMENT))).toBe(RESERVED_SEGMENT);
    expect(encodeTopLevelSegment('%2Eworkdocs-s3-sync')).toBe('%252Eworkdocs-s3-sync');
  });

  it.each([
    ['.history', '%2Ehistory'],
    ['.recycle-bin', '%2Erecycle-bin'],
    ['.metadata', '%2Emetadata'],
    ['.History', '.History'],
    ['history', 'history'],
  ])('top-level name %j is encoded as %j (reserved areas: older versions, recycle bins, sidecars)', (name, segment) => {
    expect(encodeTopLevelSegment(name)).toBe(segment);
    expect(decodeSegment(segment)).toBe(name);
  });
});

describe('parsePrefix', () => {
  it.each([
    ['', ''],
    ['backup', 'backup/'],
    ['backup/', 'backup/'],
    ['a/b/c', 'a/b/c/'],
    ['a b/c d/', 'a b/c d/'],
    ['ünï/日本語', 'ünï/日本語/'],
    ['.../a.b', '.../a.b/'],
    ['.hidden/x', '.hidden/x/'],
    ['x'.repeat(511), 'x'.repeat(511) + '/'],
  ])('accepts %j as %j', (input, normalized) => {
    expect(parsePrefix(input)).toEqual({ ok: true, prefix: normalized });
  });

  it.each([
    ['/', 'leading-slash'],
    ['/backup', 'leading-slash'],
    ['a//b', 'empty-segment'],
    ['a//', 'empty-segment'],
    ['.', 'dot-segment'],
    ['./a', 'dot-segment'],
    ['a/../b', 'dot-segment'],
    ['a/.', 'dot-segment'],
    ['a\u0000b', 'control-character'],
    ['a\nb', 'control-character'],
    ['a\u007f', 'control-character'],
    ['a\u0085', 'control-character'],
    ['a\u202eb', 'control-character'],
    ['a\ufeff', 'control-character'],
    ['a\ud800', 'invalid-unicode'],
    ['.workdocs-s3-sync', 'reserved-segment'],
    ['x/.workdocs-s3-sync/', 'reserved-segment'],
    ['x'.repeat(512), 'too-long'],
    ['é'.repeat(256), 'too-long'],
  ])('rejects %j (%s)', (input, problem) => {
    const result = parsePrefix(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toBe(problem);
      expect(result.reason).toMatch(/prefix/);
    }
  });

  it('assignKeys normalizes the prefix and refuses an invalid one', () => {
    expect(assignKeys(tree([], [doc(hexId('1'), 'a')]), 'backup').documentKeys.get(hexId('1'))).toBe('backup/a');
    expect(() => assignKeys(tree([], []), '/backup')).toThrow(RangeError);
  });
});

describe('isManagedKey', () => {
  it.each([
    ['a document under the prefix', 'backup/a/b.pdf', 'backup/', undefined, true],
    ['a folder marker under the prefix', 'backup/a/', 'backup/', undefined, true],
    ['the prefix itself', 'backup/', 'backup/', undefined, false],
    ['outside the prefix', 'other/a.pdf', 'backup/', undefined, false],
    ['a sibling prefix sharing the start', 'backup2/a.pdf', 'backup/', undefined, false],
    ['the tool area', 'backup/.workdocs-s3-sync/manifest.json', 'backup/', undefined, false],
    ['the escaped reserved name', 'backup/%2Eworkdocs-s3-sync/x', 'backup/', undefined, true],
    ['a nested .workdocs-s3-sync', 'backup/a/.workdocs-s3-sync/x', 'backup/', undefined, true],
    ['under the archive prefix', 'backup/archive/x.pdf', 'backup/', 'backup/archive/', false],
    ['next to the archive prefix', 'backup/archived.pdf', 'backup/', 'backup/archive/', true],
    ['bucket root prefix', 'a.pdf', '', undefined, true],
    ['bucket root tool area', '.workdocs-s3-sync/lock', '', undefined, false],
    ['prefix given without a slash', 'backup/a.pdf', 'backup', undefined, true],
  ])('%s: %j', (_what, key, prefix, archive, managed) => {
    expect(isManagedKey(key, prefix, archive)).toBe(managed);
  });
});

describe('assignKeys: paths', () => {
  const a = folder(hexId('a1'), 'Projects');
  const b = folder(hexId('b1'), 'Q1 2024', a.id);
  const documents = [doc(hexId('d1'), 'top.txt'), doc(hexId('d2'), 'plan.docx', a.id), doc(hexId('d3'), 'budget (v2).xlsx', b.id)];
  const keys = assignKeys(tree([b, a], documents), '');

  it.each([
    [hexId('d1'), originalKey([], 'top.txt')],
    [hexId('d2'), originalKey(['Projects'], 'plan.docx')],
    [hexId('d3'), originalKey(['Projects', 'Q1 2024'], 'budget (v2).xlsx')],
  ])('document %s has the original script key %j', (id, key) => {
    expect(keys.documentKeys.get(id)).toBe(key);
  });

  it('folders map to their path with a trailing slash; the root is not listed', () => {
    expect([...keys.folderKeys].sort()).toEqual([
      [a.id, 'Projects/'],
      [b.id, 'Projects/Q1 2024/'],
    ]);
    expect(keys.folderKeys.has(ROOT)).toBe(false);
  });

  it('prefix goes in front', () => {
    const withPrefix = assignKeys(tree([b, a], documents), 'backups/workdocs/');
    expect(withPrefix.documentKeys.get(hexId('d3'))).toBe('backups/workdocs/Projects/Q1 2024/budget (v2).xlsx');
    expect(withPrefix.folderKeys.get(a.id)).toBe('backups/workdocs/Projects/');
  });

  it.each([
    ['a slash in a folder name', 'a/b', 'x.txt', 'a%2Fb/x.txt'],
    ['dot-dot folder', '..', 'x.txt', '%2E%2E/x.txt'],
    ['dot folder', '.', 'x.txt', '%2E/x.txt'],
    ['a slash in a document name', 'f', '../../etc/passwd', 'f/..%2F..%2Fetc%2Fpasswd'],
    ['RTL override in a name', 'f', 'pay\u202egpj.exe', 'f/pay%E2%80%AEgpj.exe'],
    ['edge spaces', ' f ', ' x.txt ', '%20f%20/%20x.txt%20'],
  ])('%s', (_what, folderName, docName, key) => {
    const f = folder(hexId('1'), folderName);
    const result = assignKeys(tree([f], [doc(hexId('2'), docName, f.id)]), '');
    expect(result.documentKeys.get(hexId('2'))).toBe(key);
  });

  it('the root listed among the folders is ignored', () => {
    const result = assignKeys(tree([folder(ROOT, 'root', null), folder(hexId('1'), 'a')], [doc(hexId('2'), 'x', hexId('1'))]), '');
    expect(result.documentKeys.get(hexId('2'))).toBe('a/x');
    expect(result.folderKeys.has(ROOT)).toBe(false);
  });

  it('a repeated record (the same id twice) is keyed once', () => {
    const d = doc(hexId('2'), 'x');
    const result = assignKeys(tree([], [d, d]), '');
    expect([...result.documentKeys]).toEqual([[d.id, 'x']]);
    expect(result.duplicates).toEqual([]);
  });
});

describe('assignKeys: same-named siblings', () => {
  function keysOf(result: KeyAssignment, ids: string[]): (string | undefined)[] {
    return ids.map((id) => result.documentKeys.get(id));
  }

  it.each([
    [
      'two documents: the older keeps the name, the newer gets ~<8 chars of its id> before the extension',
      [doc(hexId('bbbbbbbb'), 'report.pdf', ROOT, 2), doc(hexId('aaaaaaaa'), 'report.pdf', ROOT, 1)],
      ['report~bbbbbbbb.pdf', 'report.pdf'],
    ],
    [
      'three documents, ordered by createdAt',
      [doc(hexId('3333'), 'a.txt', ROOT, 30), doc(hexId('1111'), 'a.txt', ROOT, 10), doc(hexId('2222'), 'a.txt', ROOT, 20)],
      ['a~33330000.txt', 'a.txt', 'a~22220000.txt'],
    ],
    [
      'equal createdAt: the id decides',
      [doc(hexId('9'), 'a.txt', ROOT, 5), doc(hexId('1'), 'a.txt', ROOT, 5)],
      ['a~90000000.txt', 'a.txt'],
    ],
    ['no extension', [doc(hexId('1'), 'README', ROOT, 1), doc(hexId('2'), 'README', ROOT, 2)], ['README', 'README~20000000']],
    ['leading dot is not an extension', [doc(hexId('1'), '.bashrc', ROOT, 1), doc(hexId('2'), '.bashrc', ROOT, 2)], ['.bashrc', '.bashrc~20000000']],
    ['last dot wins', [doc(hexId('1'), 'a.tar.gz', ROOT, 1), doc(hexId('2'), 'a.tar.gz', ROOT, 2)], ['a.tar.gz', 'a.tar~20000000.gz']],
    [
      'an "extension" with a space is none',
      [doc(hexId('1'), 'v1.0 final', ROOT, 1), doc(hexId('2'), 'v1.0 final', ROOT, 2)],
      ['v1.0 final', 'v1.0 final~20000000'],
    ],
    [
      'an "extension" longer than 16 characters is none',
      [doc(hexId('1'), 'a.averyveryverylongext', ROOT, 1), doc(hexId('2'), 'a.averyveryverylongext', ROOT, 2)],
      ['a.averyveryverylongext', 'a.averyveryverylongext~20000000'],
    ],
    ['S3 is case-sensitive: A.pdf and a.pdf are not duplicates', [doc(hexId('1'), 'A.pdf', ROOT, 1), doc(hexId('2'), 'a.pdf', ROOT, 2)], ['A.pdf', 'a.pdf']],
    [
      'a real file named like a suffixed one keeps its name; the duplicate takes 16 characters',
      [doc(hexId('1'), 'report.pdf', ROOT, 1), doc(hexId('bbbbbbbb'), 'report.pdf', ROOT, 2), doc(hexId('3'), 'report~bbbbbbbb.pdf', ROOT, 3)],
      ['report.pdf', 'report~bbbbbbbb00000000.pdf', 'report~bbbbbbbb.pdf'],
    ],
    [
      '... then the full id',
      [
        doc(hexId('1'), 'r.pdf', ROOT, 1),
        doc(hexId('bbbbbbbb'), 'r.pdf', ROOT, 2),
        doc(hexId('3'), 'r~bbbbbbbb.pdf', ROOT, 3),
        doc(hexId('4'), 'r~bbbbbbbb00000000.pdf', ROOT, 4),
      ],
      ['r.pdf', `r~${hexId('bbbbbbbb')}.pdf`, 'r~bbbbbbbb.pdf', 'r~bbbbbbbb00000000.pdf'],
    ],
    [
      '... then the full id and a counter',
      [
        doc(hexId('1'), 'r.pdf', ROOT, 1),
        doc(hexId('bbbbbbbb'), 'r.pdf', ROOT, 2),
        doc(hexId('3'), 'r~bbbbbbbb.pdf', ROOT, 3),
        doc(hexId('4'), 'r~bbbbbbbb00000000.pdf', ROOT, 4),
        doc(hexId('5'), `r~${hexId('bbbbbbbb')}.pdf`, ROOT, 5),
      ],
      ['r.pdf', `r~${hexId('bbbbbbbb')}~2.pdf`, 'r~bbbbbbbb.pdf', 'r~bbbbbbbb00000000.pdf', `r~${hexId('bbbbbbbb')}.pdf`],
    ],
    [
      'ids sharing their first 8 characters: the older keeps 8, the newer takes 16',
      [doc(hexId('1'), 'r.pdf', ROOT, 1), doc(hexId('cafebabe1'), 'r.pdf', ROOT, 2), doc(hexId('cafebabe2'), 'r.pdf', ROOT, 3)],
      ['r.pdf', 'r~cafebabe.pdf', 'r~cafebabe20000000.pdf'],
    ],
  ])('%s', (_what, documents, expected) => {
    const result = assignKeys(tree([], documents), '');
    expect(keysOf(result, documents.map((d) => d.id))).toEqual(expected);
    // Any order of the input gives the same keys.
    const reversed = assignKeys(tree([], [...documents].reverse()), '');
    expect(keysOf(reversed, documents.map((d) => d.id))).toEqual(expected);
  });

  it('reports each group with its members oldest first and their segments', () => {
    const result = assignKeys(
      tree([], [doc(hexId('2'), 'a.txt', ROOT, 2), doc(hexId('1'), 'a.txt', ROOT, 1), doc(hexId('3'), 'b.txt', ROOT, 1)]),
      '',
    );
    expect(result.duplicates).toEqual([
      { parentId: ROOT, kind: 'document', name: 'a.txt', ids: [hexId('1'), hexId('2')], segments: ['a.txt', 'a~20000000.txt'] },
    ]);
  });

  it('same-named folders are not merged: each keeps its own children', () => {
    const older = folder(hexId('1'), 'Projects', ROOT, 1);
    const newer = folder(hexId('2'), 'Projects', ROOT, 2);
    const result = assignKeys(tree([newer, older], [doc(hexId('a'), 'plan.txt', older.id), doc(hexId('b'), 'plan.txt', newer.id)]), '');
    expect(result.folderKeys.get(older.id)).toBe('Projects/');
    expect(result.folderKeys.get(newer.id)).toBe('Projects~20000000/');
    expect(result.documentKeys.get(hexId('a'))).toBe('Projects/plan.txt');
    expect(result.documentKeys.get(hexId('b'))).toBe('Projects~20000000/plan.txt');
    expect(result.duplicates).toEqual([
      { parentId: ROOT, kind: 'folder', name: 'Projects', ids: [older.id, newer.id], segments: ['Projects', 'Projects~20000000'] },
    ]);
  });

  it('a document and a folder of the same name are not duplicates', () => {
    const f = folder(hexId('1'), 'x', ROOT, 2);
    const result = assignKeys(tree([f], [doc(hexId('2'), 'x', ROOT, 1), doc(hexId('3'), 'y', f.id)]), '');
    expect(result.documentKeys.get(hexId('2'))).toBe('x');
    expect(result.folderKeys.get(f.id)).toBe('x/');
    expect(result.documentKeys.get(hexId('3'))).toBe('x/y');
    expect(result.duplicates).toEqual([]);
  });

  it('a newer same-named document does not change the older ones', () => {
    const before = [doc(hexId('1'), 'a.txt', ROOT, 1), doc(hexId('2'), 'a.txt', ROOT, 2)];
    const after = [...before, doc(hexId('0'), 'a.txt', ROOT, 3)];
    const k1 = assignKeys(tree([], before), '');
    const k2 = assignKeys(tree([], after), '');
    expect(k2.documentKeys.get(hexId('1'))).toBe(k1.documentKeys.get(hexId('1')));
    expect(k2.documentKeys.get(hexId('2'))).toBe(k1.documentKeys.get(hexId('2')));
    expect(k2.documentKeys.get(hexId('0'))).toBe('a~00000000.txt');
  });

  it('an id that is not plain hex is represented by its SHA-256 in the suffix', () => {
    const result = assignKeys(tree([], [doc('id-1', 'a.txt', ROOT, 1), doc('weird/id', 'a.txt', ROOT, 2)]), '');
    expect(result.documentKeys.get('weird/id')).toMatch(/^a~[0-9a-f]{8}\.txt$/);
  });
});

describe('assignKeys: keys longer than 1024 bytes', () => {
  const long = (c: string) => c.repeat(255);

  it('a name that does not fit is cut on a code point and gets ~<id> before its extension', () => {
    // 中 is 3 bytes: the folder key takes 766 bytes, leaving 258 for the document.
    const f = folder(hexId('1'), long('中'));
    const name = '中'.repeat(251) + '.pdf';
    const result = assignKeys(tree([f], [doc(hexId('abcdef12'), name, f.id)]), '');
    const key = result.documentKeys.get(hexId('abcdef12'))!;
    expect(bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(key).toBe(`${long('中')}/${'中'.repeat(Math.floor((258 - 9 - 4) / 3))}~abcdef12.pdf`);
    expect(result.shortened).toEqual([hexId('abcdef12')]);
  });

  it('a cut never splits a %XX escape or the escapes of one character', () => {
    const f = folder(hexId('1'), long('x'));
    const g = folder(hexId('2'), long('y'), f.id);
    const h = folder(hexId('3'), 'z'.repeat(100), g.id);
    const percent = doc(hexId('4'), '%'.repeat(255), h.id);
    const c1 = doc(hexId('5'), '\u0085'.repeat(255), h.id);
    const result = assignKeys(tree([f, g, h], [percent, c1]), '');
    for (const [d, pattern] of [
      [percent, /^(%25)+~40000000$/],
      [c1, /^(%C2%85)+~50000000$/],
    ] as const) {
      const key = result.documentKeys.get(d.id)!;
      expect(bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
      expect(key.slice(result.folderKeys.get(h.id)!.length)).toMatch(pattern);
    }
  });

  it('two long names that share their start stay distinct', () => {
    const f = folder(hexId('1'), long('a'));
    const g = folder(hexId('2'), long('b'), f.id);
    const h = folder(hexId('3'), long('c'), g.id);
    const d1 = doc(hexId('11'), 'ü'.repeat(254) + '1', h.id);
    const d2 = doc(hexId('12'), 'ü'.repeat(254) + '2', h.id);
    const result = assignKeys(tree([f, g, h], [d1, d2]), '');
    const k1 = result.documentKeys.get(d1.id)!;
    const k2 = result.documentKeys.get(d2.id)!;
    expect(k1).not.toBe(k2);
    expect(k1.endsWith('~11000000')).toBe(true);
    expect(k2.endsWith('~12000000')).toBe(true);
    expect(Math.max(bytes(k1), bytes(k2))).toBeLessThanOrEqual(MAX_KEY_BYTES);
  });

  it('folder keys (markers) stay within 1024 bytes too', () => {
    const f = folder(hexId('1'), long('a'));
    const g = folder(hexId('2'), long('b'), f.id);
    const h = folder(hexId('3'), long('c'), g.id);
    const i = folder(hexId('4'), long('é'), h.id);
    const result = assignKeys(tree([f, g, h, i], []), '');
    const key = result.folderKeys.get(i.id)!;
    expect(bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(key.startsWith(result.folderKeys.get(h.id)!)).toBe(true);
    expect(key).toMatch(/~40000000\/$/);
  });

  it('when a folder key leaves no room, its children are relocated under the prefix as %%<id>~<name>', () => {
    const folders: SourceFolder[] = [];
    let parent = ROOT;
    for (let level = 0; level < 6; level++) {
      const f = folder(hexId(`${level + 1}`), long(String(level)), parent);
      folders.push(f);
      parent = f.id;
    }
    const d = doc(hexId('d'), 'deep.txt', parent);
    const result = assignKeys(tree(folders, [d]), 'p/');
    // Levels 0–2 nest normally (3 × 256 bytes); level 3 still fits (cut), level 4 is relocated, level 5 nests below it.
    expect(result.folderKeys.get(hexId('3'))).toBe(`p/${long('0')}/${long('1')}/${long('2')}/`);
    expect(result.folderKeys.get(hexId('5'))).toMatch(new RegExp(`^p/%%${hexId('5')}~4+/$`));
    expect(result.folderKeys.get(hexId('6'))!.startsWith(result.folderKeys.get(hexId('5'))!)).toBe(true);
    for (const key of [...result.folderKeys.values(), ...result.documentKeys.values()]) {
      expect(bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
    }
    expect(result.shortened).toEqual([hexId('4'), hexId('5')]);
  });

  it('a very deep tree of short names never exceeds 1024 bytes', () => {
    const folders: SourceFolder[] = [];
    let parent = ROOT;
    for (let level = 0; level < 2000; level++) {
      const f = folder(level.toString(16).padStart(64, '0'), 'f', parent);
      folders.push(f);
      parent = f.id;
    }
    const result = assignKeys(tree(folders, [doc(hexId('d0c'), 'leaf.txt', parent)]), 'x'.repeat(300) + '/');
    const keys = [...result.folderKeys.values(), ...result.documentKeys.values()];
    expect(new Set(keys).size).toBe(2001);
    for (const key of keys) expect(bytes(key)).toBeLessThanOrEqual(MAX_KEY_BYTES);
  });
});

describe('assignKeys: unreachable folders', () => {
  it.each([
    ['an orphan (parent not listed) and what is inside it', [folder(hexId('1'), 'o', hexId('99')), folder(hexId('2'), 'child', hexId('1'))], [doc(hexId('3'), 'x', hexId('2'))]],
    ['a two-folder cycle', [folder(hexId('1'), 'a', hexId('2')), folder(hexId('2'), 'b', hexId('1'))], [doc(hexId('3'), 'x', hexId('1'))]],
    ['a folder that is its own parent', [folder(hexId('1'), 'self', hexId('1'))], [doc(hexId('3'), 'x', hexId('1'))]],
    ['a second root (parentId null)', [folder(hexId('1'), 'other root', null)], [doc(hexId('3'), 'x', hexId('1'))]],
    ['a document whose folder is not listed', [], [doc(hexId('3'), 'x', hexId('99'))]],
  ])('%s', (_what, folders, documents) => {
    const reachable = folder(hexId('a'), 'ok');
    const result = assignKeys(tree([reachable, ...folders], [...documents, doc(hexId('b'), 'ok.txt', reachable.id)]), '');
    expect(result.unreachable).toEqual([...folders.map((f) => f.id), ...documents.map((d) => d.id)].sort());
    expect([...result.folderKeys.keys()]).toEqual([reachable.id]);
    expect([...result.documentKeys]).toEqual([[hexId('b'), 'ok/ok.txt']]);
  });
});

describe('assignKeys: large trees', () => {
  const id = (n: number) => n.toString(16).padStart(64, '0');

  it('maps 100,000 documents in 10,000 folders (speed is measured by npm run bench, not here)', () => {
    const folders: SourceFolder[] = [];
    const documents: SourceDocument[] = [];
    for (let i = 0; i < 10_000; i++) folders.push(folder(id(i + 1), `Folder ${i % 50}`, i < 10 ? ROOT : id(1 + Math.floor(i / 10)), i));
    // Ten documents per folder, seven distinct names among them: three duplicates per folder.
    for (let i = 0; i < 100_000; i++) documents.push(doc(id(1_000_000 + i), `Document ${Math.floor(i / 10_000) % 7}.pdf`, id(1 + (i % 10_000)), i));
    const result: KeyAssignment = assignKeys(tree(folders, documents), 'backup/');
    expect(result.documentKeys.size).toBe(100_000);
    expect(result.folderKeys.size).toBe(10_000);
    expect(result.duplicates).toHaveLength(30_000);
  });

  it('100,000 same-named documents in one folder (ids sharing their first 16 characters)', () => {
    const documents = Array.from({ length: 100_000 }, (_, i) => doc(id(i), 'same.pdf', ROOT, i % 100));
    const result: KeyAssignment = assignKeys(tree([], documents), '');
    expect(new Set(result.documentKeys.values()).size).toBe(100_000);
  });
});
