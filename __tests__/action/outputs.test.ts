import { describe, expect, it } from 'vitest';
import { failedItemAnnotations, OUTPUT_SPECS, reportOutputs } from '../../src/action/outputs.js';
import { del, failed, makeReport, skip, upload } from './fixtures.js';

describe('reportOutputs', () => {
  it('sets every declared output as a string', () => {
    const report = makeReport([upload('a', 10), upload('b', 5), skip('c'), del('d'), failed('e')]);
    const outputs = reportOutputs(report, '/tmp/r.json');
    expect(Object.keys(outputs).sort()).toEqual(OUTPUT_SPECS.map((o) => o.name).sort());
    expect(outputs).toEqual({
      uploaded: '2', copied: '0', skipped: '1', deleted: '1', archived: '0', markers: '0', failed: '1', bytes: '15',
      report_path: '/tmp/r.json', manifest_key: 'mirror/.workdocs-s3-sync/manifest.json', changed: 'true', exit_code: '1', matrix: '',
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

  it('stays within GitHub’s 10 error annotations per step, counting the step failure', () => {
    const items = Array.from({ length: 50 }, (_, i) => failed(`k${i}`));
    const annotations = failedItemAnnotations(items);
    expect(annotations).toHaveLength(8);
    expect(annotations.at(-1)).toEqual({ title: '43 more failed items', message: '43 more items failed; the job summary and the JSON report list them all.' });
    expect(failedItemAnnotations(items.slice(0, 8))).toHaveLength(8);
    expect(failedItemAnnotations(items.slice(0, 8)).at(-1)!.title).toBe('upload failed: k7');
  });
});
