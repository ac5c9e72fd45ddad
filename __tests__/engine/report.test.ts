// The JSON report file: valid JSON equal to the report, whatever the number of items.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReportFile } from '../../src/engine/report.js';
import type { ReportItem, SyncReport } from '../../src/engine/types.js';

function report(items: ReportItem[]): SyncReport {
  return {
    exitCode: 0, dryRun: false, bucket: 'b', prefix: '', rootFolderId: 'r', manifestKey: '.workdocs-s3-sync/manifest.json',
    startedAt: '2026-11-25T00:00:00.000Z', durationMs: 1, bytesPerSecond: 0, changed: items.length > 0,
    totals: { uploaded: items.length, copied: 0, skipped: 0, deleted: 0, archived: 0, markers: 0, failed: 0, cancelled: 0, bytes: 0 }, items,
  };
}

describe('writeReportFile', () => {
  it.each([0, 1, 999, 1000, 1001, 2500])('%i items read back as the same report', (n) => {
    const items = Array.from({ length: n }, (_, i): ReportItem => ({ action: 'upload', key: `k"${i}\n/ü`, outcome: 'done', reason: 'new', bytes: i }));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'report-')), 'sub', 'report.json');
    writeReportFile(file, report(items));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report(items));
  });
});
