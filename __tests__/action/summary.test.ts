import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportItem } from '../../src/engine/types.js';
import { escapeHtml, renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/action/summary.js';
import { del, failed, makeReport, skip, upload } from './fixtures.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const tables = (s: string): string[] => [...s.matchAll(/<table>[\s\S]*?<\/table>/g)].map((m) => m[0]);

describe('renderSummary', () => {
  const report = makeReport([
    upload('mirror/a.txt', 2048),
    upload('mirror/docs/b.pdf', 5 * 1024 * 1024),
    { action: 'copy', key: 'mirror/new/c.txt', fromKey: 'mirror/old/c.txt', outcome: 'done', reason: 'renamed' },
    skip('mirror/same.txt'),
    skip('mirror/same2.txt'),
    del('mirror/gone.txt'),
    { action: 'archive', key: 'mirror/old.txt', toKey: 'archive/old.txt', outcome: 'done', reason: 'stale' },
    { action: 'marker', key: 'mirror/docs/', outcome: 'done', reason: 'missing' },
    failed('mirror/broken.bin', 'MD5 mismatch: expected 0cc1, got 9f2e'),
  ]);
  const md = renderSummary(report, { reportPath: '/tmp/r/workdocs-s3-sync-report.json' });

  it('states the outcome and the totals', () => {
    expect(md).toContain('## WorkDocs → S3 sync: ❌ 1 item failed');
    expect(md).toContain('| Uploaded | Copied | Skipped | Deleted | Archived | Folder markers | Failed | Bytes | Duration | Throughput |');
    expect(md).toContain('| 2 | 1 | 2 | 1 | 1 | 1 | 1 | 5.0 MiB | 4.2 s | 1.2 MiB/s |');
    expect(md).toContain('<code>s3://my-bucket/mirror/</code>');
  });

  it('lists failed, changed and deleted keys in tables, skipped ones collapsed', () => {
    expect(md).toMatch(/### Failed \(1\)[\s\S]*mirror\/broken\.bin[\s\S]*MD5 mismatch: expected 0cc1, got 9f2e/);
    expect(md).toMatch(/### Uploaded and copied \(3\)[\s\S]*mirror\/a\.txt[\s\S]*2\.0 KiB[\s\S]*renamed \(from mirror\/old\/c\.txt\)/);
    expect(md).toMatch(/### Deleted and archived \(2\)[\s\S]*mirror\/gone\.txt[\s\S]*archive\/old\.txt/);
    expect(md).toMatch(/<details><summary><b>Skipped \(2\)<\/b><\/summary>[\s\S]*mirror\/same\.txt[\s\S]*<\/details>/);
    expect(md).not.toContain('mirror/docs/</code>'); // folder markers are counted, not listed
    expect(md).toContain('/tmp/r/workdocs-s3-sync-report.json');
    expect(md).toContain('mirror/.workdocs-s3-sync/manifest.json');
  });

  it('keeps tables free of blank lines (a blank line would end the HTML block)', () => {
    for (const t of tables(md)) expect(t).not.toMatch(/\n\s*\n/);
  });

  it('reports success, up to date, dry runs, tolerated failures and fatal errors', () => {
    expect(renderSummary(makeReport([upload('a')]))).toContain('✅ Done');
    expect(renderSummary(makeReport([skip('a')]))).toContain('✅ Up to date');
    const dry = renderSummary(makeReport([{ action: 'upload', key: 'a', outcome: 'planned', reason: 'new', bytes: 1 }], { dryRun: true, changed: true }));
    expect(dry).toContain('dry run: nothing was written or deleted');
    expect(dry).toContain('upload (planned)');
    expect(renderSummary(makeReport([failed('a')]), { toleratedFailures: true })).toContain('⚠️ 1 item failed');
    const fatal = renderSummary(makeReport([], { exitCode: 3, fatal: 'Could not list s3://my-bucket/mirror/: AccessDenied <Denied>' }));
    expect(fatal).toContain('❌ Stopped — nothing was deleted');
    expect(fatal).toContain('> [!CAUTION]\n> Could not list s3://my-bucket/mirror/: AccessDenied &#60;Denied&#62;');
    const blocked = renderSummary(makeReport([{ action: 'delete', key: 'k', outcome: 'blocked', reason: 'stale' }], { deletesBlocked: '120 deletes exceed max_delete 50%' }));
    expect(blocked).toContain('Deletes were not run: 120 deletes exceed max_delete 50%');
    expect(blocked).toContain('delete (blocked)');
  });

  it('escapes names: nothing from a key can open a tag, a code span or a table cell', () => {
    const evil = ['a|b.txt', '<img src=x onerror=alert(1)>.png', '`tick`.md', 'x&amp;y', 'line\nbreak', '</td></tr></table>', "q\"u'o.txt", '**bold** [link](http://x)'];
    const out = renderSummary(makeReport([...evil.map((k) => upload(`mirror/${k}`)), ...evil.map((k) => failed(`mirror/f/${k}`, `<b>${k}</b>`))]));
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>line');
    expect(out).not.toContain('`tick`');
    expect(out).not.toContain('x&amp;y'); // the & itself is escaped
    expect(out).toContain('x&#38;amp;y');
    expect(out).toContain('a|b.txt'); // inside HTML cells a pipe is plain text
    expect(out).toContain('line\\u000abreak');
    for (const t of tables(out)) {
      expect(t.match(/<table>/g)).toHaveLength(1);
      expect(t).not.toMatch(/\n\s*\n/);
    }
  });

  it('links changed objects when a URL is known, only for done items', () => {
    const out = renderSummary(makeReport([upload('mirror/a b.txt'), { ...upload('mirror/p.txt'), outcome: 'planned' }]), {
      objectUrl: (key) => `https://console.example/?prefix=${encodeURIComponent(key)}&x="y"`,
    });
    expect(out).toContain('<a href="https://console.example/?prefix=mirror%2Fa%20b.txt&#38;x=&#34;y&#34;"><code>mirror/a b.txt</code></a>');
    expect(out).not.toContain('prefix=mirror%2Fp.txt');
  });

  it('caps each table and says how many more the JSON report holds', () => {
    const items = Array.from({ length: 1000 }, (_, i) => upload(`mirror/file-${i}.txt`));
    const out = renderSummary(makeReport(items), { maxRows: 100, reportPath: '/tmp/report.json' });
    expect(tables(out)[0]!.match(/<tr>/g)).toHaveLength(101); // header + 100 rows
    expect(out).toContain('… and 900 more in the JSON report (<code>/tmp/report.json</code>).');
  });

  it('stays under the byte budget for a huge tree with long keys', () => {
    const long = 'ü'.repeat(400);
    const items: ReportItem[] = [];
    for (let i = 0; i < 100_000; i += 1) items.push(i % 4 === 0 ? skip(`mirror/${long}/${i}`) : i % 4 === 1 ? upload(`mirror/${long}/${i}`) : i % 4 === 2 ? del(`mirror/${long}/${i}<&>`) : failed(`mirror/${long}/${i}`, 'x'.repeat(1000)));
    const started = Date.now();
    const out = renderSummary(makeReport(items), { reportPath: '/tmp/report.json' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(bytes(out)).toBeLessThanOrEqual(512 * 1024);
    expect(out).toContain('more in the JSON report');
    expect(out).toContain('| 25,000 | 0 | 25,000 | 25,000 |');
    expect(out).toContain('Every item and its outcome:');
    const small = renderSummary(makeReport(items), { maxBytes: 40_000, reportPath: '/tmp/report.json' });
    expect(bytes(small)).toBeLessThanOrEqual(40_000);
    expect(small).toContain('Every item and its outcome:');
  });

  it('never exceeds maxBytes (property)', () => {
    const item = fc.record({
      action: fc.constantFrom('upload', 'copy', 'delete', 'archive', 'marker', 'skip'),
      key: fc.string({ unit: 'binary', maxLength: 300 }),
      outcome: fc.constantFrom('done', 'failed', 'planned', 'blocked'),
      reason: fc.string({ maxLength: 40 }),
      error: fc.option(fc.string({ unit: 'binary', maxLength: 600 }), { nil: undefined }),
      bytes: fc.option(fc.nat(), { nil: undefined }),
    }) as fc.Arbitrary<ReportItem>;
    fc.assert(
      fc.property(fc.array(item, { maxLength: 400 }), fc.integer({ min: 24_000, max: 200_000 }), fc.integer({ min: 1, max: 500 }), (items, maxBytes, maxRows) => {
        const out = renderSummary(makeReport(items), { maxBytes, maxRows, reportPath: '/tmp/x.json' });
        expect(bytes(out)).toBeLessThanOrEqual(maxBytes);
        for (const t of tables(out)) expect(t).not.toMatch(/\n\s*\n/);
      }),
      { numRuns: 60 },
    );
  });

  it('never goes over GitHub’s 1 MiB limit even when asked to', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => upload(`mirror/${'x'.repeat(200)}-${i}`));
    expect(bytes(renderSummary(makeReport(items), { maxBytes: 10 * SUMMARY_LIMIT_BYTES, maxRows: 1e9 }))).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
  });
});

describe('escapeHtml', () => {
  it('escapes markup and makes control characters visible', () => {
    expect(escapeHtml(`<a href="x">'&\`</a>\u0000\u2028`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#96;&#60;/a&#62;\\u0000\\u2028');
  });
});
