import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportItem } from '../../src/engine/types.js';
import { escapeHtml, escapeText, renderSummary, SUMMARY_LIMIT_BYTES } from '../../src/action/summary.js';
import { del, failed, makeReport, skip, upload } from './fixtures.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const tables = (s: string): string[] => [...s.matchAll(/<table>[\s\S]*?<\/table>/g)].map((m) => m[0]);

describe('renderSummary of an incremental no-op that ended at the source head', () => {
  it('says why nothing was listed and counts the unchanged objects', () => {
    const base = makeReport([]);
    const md = renderSummary({ ...base, upToDate: true, changed: false, exitCode: 0, totals: { ...base.totals, failed: 0, skipped: 138208 } });
    expect(md).toContain('Up to date: WorkDocs\' activity feed shows nothing new since the last run');
    expect(md).toContain('the 138,208 objects it lists are unchanged');
    expect(md).not.toContain('<table>');
  });
});

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
    expect(md).toContain('| Uploaded | Copied | Skipped | Deleted | Archived | Folder markers | Failed | Cancelled | Bytes | Duration | Throughput |');
    expect(md).toContain('| 2 | 1 | 2 | 1 | 1 | 1 | 1 | 0 | 5.0 MiB | 4.2 s | 1.2 MiB/s |');
    expect(md).toContain('<code>s3://my-bucket/mirror/</code>');
  });

  it('lists failed, changed and deleted keys in tables, skipped ones collapsed', () => {
    expect(md).toMatch(/### Failed \(1\)[\s\S]*mirror\/broken\.bin[\s\S]*MD5 mismatch&#58; expected 0cc1, got 9f2e/);
    expect(md).toMatch(/### Uploaded and copied \(3\)[\s\S]*mirror\/a\.txt[\s\S]*2\.0 KiB[\s\S]*renamed &#40;from mirror\/old\/c\.txt&#41;/);
    expect(md).toMatch(/### Deleted and archived \(2\)[\s\S]*mirror\/gone\.txt[\s\S]*archive\/old\.txt/);
    expect(md).toMatch(/<details><summary><b>Skipped \(2\)<\/b><\/summary>[\s\S]*mirror\/same\.txt[\s\S]*<\/details>/);
    expect(md).not.toContain('mirror/docs/</code>'); // folder markers are counted, not listed
    expect(md).toContain('/tmp/r/workdocs-s3-sync-report.json');
    expect(md).toContain('mirror/.workdocs-s3-sync/manifest.json');
    expect(md).toContain('### Uploaded and copied (3)'); // section titles are the tool's own text
  });

  it('keeps tables free of blank lines (a blank line would end the HTML block)', () => {
    for (const t of tables(md)) expect(t).not.toMatch(/\n\s*\n/);
  });

  const statusOf = (summary: string): string => /^## WorkDocs → S3 sync: (.*)$/m.exec(summary)?.[1] ?? '';

  // Every outcome has its own status line; none says done when it was not.
  it.each([
    { outcome: 'done', report: makeReport([upload('a')]), status: '✅ Done' },
    { outcome: 'up to date', report: makeReport([skip('a')]), status: '✅ Up to date' },
    { outcome: 'dry run', report: makeReport([{ ...upload('a'), outcome: 'planned' }], { dryRun: true }), status: '✅ Dry run — changes planned, nothing was written' },
    { outcome: 'dry run, nothing to do', report: makeReport([skip('a')], { dryRun: true }), status: '✅ Dry run — up to date, nothing to do' },
    { outcome: 'items failed', report: makeReport([failed('a'), failed('b')]), status: '❌ 2 items failed' },
    { outcome: 'items failed, tolerated', report: makeReport([failed('a')]), options: { toleratedFailures: true }, status: '⚠️ 1 item failed (tolerated)' },
    { outcome: 'deletes refused', report: makeReport([], { exitCode: 1, deletesBlocked: '3 deletes exceed max_delete 1' }), status: '❌ Deletes refused' },
    { outcome: 'manifest not written', report: makeReport([upload('a')], { exitCode: 1, fatal: 'the manifest could not be written (AccessDenied: no)' }), status: '❌ Failed — the manifest could not be written' },
    { outcome: 'bad input', report: makeReport([], { exitCode: 2, fatal: 's3_bucket_name: bucket b does not exist' }), status: '❌ Bad input — nothing was touched' },
    { outcome: 'stopped', report: makeReport([], { exitCode: 3, fatal: 'the S3 bucket could not be listed' }), status: '❌ Stopped — nothing was deleted' },
    { outcome: 'lock held', report: makeReport([], { exitCode: 3, fatal: 'another run holds the lock; this run did nothing' }), status: '❌ Stopped — nothing was deleted' },
    { outcome: 'cancelled', report: makeReport([{ ...upload('a'), outcome: 'cancelled' }], { exitCode: 3, fatal: 'the run was interrupted' }), options: { interrupted: true }, status: '⏹️ Cancelled — nothing was deleted, 1 item not finished' },
  ])('$outcome: $status', ({ report: r, options, status }) => {
    expect(statusOf(renderSummary(r, options))).toBe(status);
  });

  it('reports dry runs, refusals and fatal errors in notices, and leaves out the totals of a run that did nothing', () => {
    const dry = renderSummary(makeReport([{ action: 'upload', key: 'a', outcome: 'planned', reason: 'new', bytes: 1 }], { dryRun: true, changed: true }));
    expect(dry).toContain('dry run: nothing was written or deleted');
    expect(dry).toContain('upload &#40;planned&#41;');
    const fatal = renderSummary(makeReport([], { exitCode: 3, fatal: 'Could not list s3://my-bucket/mirror/: AccessDenied <Denied>', manifestKey: '' }), { reportPath: '/tmp/r.json' });
    expect(fatal).toContain('> [!CAUTION]\n> Could not list s3&#58;//my-bucket/mirror/&#58; AccessDenied &#60;Denied&#62;');
    expect(fatal).not.toContain('| Uploaded |');
    expect(fatal).not.toContain('manifest <code>');
    const blocked = renderSummary(makeReport([{ action: 'delete', key: 'k', outcome: 'blocked', reason: 'stale' }], { deletesBlocked: '120 deletes exceed max_delete 50%' }));
    expect(blocked).toContain('Deletes were not run&#58; 120 deletes exceed max&#95;delete 50%');
    expect(blocked).toContain('delete &#40;blocked&#41;');
    const lines = renderSummary(makeReport([], { exitCode: 2, fatal: "Input 'a': bad\n- Input 'b': worse" }));
    expect(lines).toContain("> Input &#39;a&#39;&#58; bad<br>&#45; Input &#39;b&#39;&#58; worse");
  });

  it('shows the folder id as given and its name once known', () => {
    expect(renderSummary(makeReport([], { exitCode: 3, rootFolderId: 'abc123', fatal: 'x' }))).toContain('WorkDocs folder <code>abc123</code> → ');
    expect(renderSummary(makeReport([skip('a')], { rootFolderId: 'abc123', rootFolderName: 'Team [docs]' }))).toContain('WorkDocs folder <code>abc123</code> (Team &#91;docs&#93;) → ');
  });

  it('names objects this tool did not write, left alone: the count and the first keys, escaped', () => {
    const keys = ['README-bucket.txt', 'other-app/[config].json', 'c', 'd', 'e', 'f'];
    const md = renderSummary(makeReport([skip('a')], { foreign: { count: 7, keys } }));
    expect(md).toContain('Left alone: 7 objects this tool did not write (<code>README-bucket.txt</code>, <code>other-app/&#91;config&#93;.json</code>, <code>c</code>, <code>d</code>, <code>e</code>, …); `delete_foreign` removes them.');
    expect(renderSummary(makeReport([skip('a')]))).not.toContain('Left alone');
  });

  it('renders no link, image, emphasis or autolink from an error message (Markdown and HTML escaped)', () => {
    const hostile = 'see [the fix](https://evil.example/x) ![i](https://evil.example/p.png) **now** <img src=x> www.evil.example mail@evil.example `code`';
    for (const out of [
      renderSummary(makeReport([], { exitCode: 3, fatal: hostile })),
      renderSummary(makeReport([failed('mirror/a', hostile)])),
      renderSummary(makeReport([failed(hostile, 'x')])),
      renderSummary(makeReport([], { exitCode: 1, deletesBlocked: hostile })),
    ]) {
      const notices = out.split('\n').filter((l) => l.startsWith('> ') || l.startsWith('<tr>'));
      for (const line of notices) {
        expect(line).not.toMatch(/\]\(|!\[|\*\*|<img|https?:\/\/evil|www\.evil|@evil|`/);
      }
      expect(out).toContain('&#91;the fix&#93;&#40;https&#58;//evil.example/x&#41;');
    }
  });

  it('escapes names: nothing from a key can open a tag, a code span or a table cell', () => {
    const evil = ['a|b.txt', '<img src=x onerror=alert(1)>.png', '`tick`.md', 'x&amp;y', 'line\nbreak', '</td></tr></table>', "q\"u'o.txt", '**bold** [link](http://x)'];
    const out = renderSummary(makeReport([...evil.map((k) => upload(`mirror/${k}`)), ...evil.map((k) => failed(`mirror/f/${k}`, `<b>${k}</b>`))]));
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>line');
    expect(out).not.toContain('`tick`');
    expect(out).not.toContain('x&amp;y'); // the & itself is escaped
    expect(out).toContain('x&#38;amp;y');
    expect(out).toContain('a&#124;b.txt'); // a pipe cannot end a Markdown table cell either
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

describe('escapeText', () => {
  it.each([
    { text: 'plain name.txt', escaped: 'plain name.txt' },
    { text: '[a](b)', escaped: '&#91;a&#93;&#40;b&#41;' },
    { text: '![i](u)', escaped: '&#33;&#91;i&#93;&#40;u&#41;' },
    { text: '*b* _i_ ~s~', escaped: '&#42;b&#42; &#95;i&#95; &#126;s&#126;' },
    { text: 'a|b', escaped: 'a&#124;b' },
    { text: '# h', escaped: '&#35; h' },
    { text: 'https://x', escaped: 'https&#58;//x' },
    { text: 'www.x.org', escaped: 'www&#46;x.org' },
    { text: '<b>&"\'`', escaped: '&#60;b&#62;&#38;&#34;&#39;&#96;' },
    { text: 'a\\b', escaped: 'a&#92;b' },
    { text: 'line\nbreak', escaped: 'line\\u000abreak' },
  ])('$text → $escaped', ({ text, escaped }) => {
    expect(escapeText(text)).toBe(escaped);
  });

  it('leaves no character Markdown or HTML would read as syntax (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      // Control characters become a visible \uXXXX (a backslash before a letter is no Markdown escape).
      expect(escapeText(text).replace(/&#\d+;|\\u[0-9a-f]{4}/g, '')).not.toMatch(/[[\]()!*_~\\|#:@{}+$^<>&"'`\u0000-\u001f]/);
    }));
  });
});
