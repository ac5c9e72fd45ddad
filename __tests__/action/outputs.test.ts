import { describe, expect, it } from 'vitest';
import { failedItemAnnotations, ITEM_ANNOTATIONS, OUTPUT_SPECS, reportOutputs, stoppedOutputs } from '../../src/action/outputs.js';
import { del, failed, makeReport, skip, upload } from './fixtures.js';

describe('reportOutputs', () => {
  it('sets every declared output as a string', () => {
    const report = makeReport([upload('a', 10), upload('b', 5), skip('c'), del('d'), failed('e')]);
    const outputs = reportOutputs(report, '/tmp/r.json');
    expect(Object.keys(outputs).sort()).toEqual(OUTPUT_SPECS.map((o) => o.name).sort());
    expect(outputs).toEqual({
      uploaded: '2', copied: '0', skipped: '1', deleted: '1', archived: '0', markers: '0', failed: '1', cancelled: '0', bytes: '15',
      report_path: '/tmp/r.json', manifest_key: 'mirror/.workdocs-s3-sync/manifest.json', changed: 'true', exit_code: '1', matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0',
    });
    const plan = makeReport([], { scale: { mode: 'plan', runId: '42', shardCount: 3, matrix: { shard: [0, 1, 2] } } });
    expect(reportOutputs(plan, '').matrix).toBe('{"shard":[0,1,2]}');
    expect(reportOutputs(makeReport([skip('a')]), '').changed).toBe('false');
    const dry = makeReport([{ ...upload('a', 5), outcome: 'planned' }, { ...failed('b') }], { dryRun: true });
    expect(reportOutputs(dry, '')).toMatchObject({ uploaded: '1', bytes: '5', failed: '1', changed: 'true' });
  });
});

describe('failedItemAnnotations', () => {
  it('annotates each failed item with its key as the title', () => {
    expect(failedItemAnnotations([upload('ok'), failed('mirror/x.bin', 'MD5 mismatch')])).toEqual([
      { title: 'upload failed: mirror/x.bin', message: 'upload mirror/x.bin: MD5 mismatch' },
    ]);
  });

  // With the step's own failure, at most 10: what GitHub shows per step. The README says "at most eight, then one".
  it.each([
    { failures: 1, annotations: 1, last: 'upload failed: k0' },
    { failures: 8, annotations: 8, last: 'upload failed: k7' },
    { failures: 9, annotations: 9, last: '1 more failed item' },
    { failures: 25, annotations: 9, last: '17 more failed items' },
    { failures: 50, annotations: 9, last: '42 more failed items' },
  ])('$failures failed items: $annotations annotations, the last "$last"', ({ failures, annotations, last }) => {
    const items = Array.from({ length: failures }, (_, i) => failed(`k${i}`));
    const shown = failedItemAnnotations([upload('ok'), ...items]);
    expect(shown).toHaveLength(annotations);
    expect(shown.at(-1)!.title).toBe(last);
    expect(shown.filter((a) => a.title.startsWith('upload failed')).length).toBeLessThanOrEqual(ITEM_ANNOTATIONS);
  });

  it('says how many more in words', () => {
    const items = Array.from({ length: 25 }, (_, i) => failed(`k${i}`));
    expect(failedItemAnnotations(items).at(-1)).toEqual({ title: '17 more failed items', message: '17 more items failed; the job summary and the JSON report list them all.' });
  });
});

describe('stoppedOutputs', () => {
  it('defines every output of a run that stopped before the engine: counts 0, nothing changed', () => {
    const outputs = stoppedOutputs(2);
    expect(Object.keys(outputs).sort()).toEqual(OUTPUT_SPECS.map((o) => o.name).sort());
    expect(outputs).toEqual({
      uploaded: '0', copied: '0', skipped: '0', deleted: '0', archived: '0', markers: '0', failed: '0', cancelled: '0', bytes: '0',
      report_path: '', manifest_key: '', changed: 'false', exit_code: '2', matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0',
    });
  });
});
