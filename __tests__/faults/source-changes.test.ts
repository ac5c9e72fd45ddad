// WorkDocs changing under a running sync (between its listing and its transfers): handled, reported, converged
// by the next run. The emulator holds the run at GetDocumentVersion while the test changes the source.
import { describe, expect, it } from 'vitest';
import { getObjectBytes, listAllKeys } from '../helpers/s3.js';
import type { Scenario } from '../helpers/scenario.js';
import { allVersionMd5s, expectConverges, expectNoWrongBytes, expectOutsideUntouched, expectTruthfulReport, FAULT_SIZES, faultScenarios } from './harness.js';

const PREFIX = 'mirror/';
const ARGS = ['--s3_prefix', PREFIX, ...FAULT_SIZES];

const setup = faultScenarios();

/** A first full sync, then a run that is held at the download of `name` while `change` happens. */
async function changeDuringRun(name: string, target: string[], prepare: (s: Scenario, docId: string) => void, change: (s: Scenario, docId: string) => void) {
  const s = await setup(name);
  expect((await s.run(ARGS)).code).toBe(0);
  const docId = s.emulator.control.lookup(target)!;
  prepare(s, docId);
  s.emulator.control.addFault({ op: 'GetDocumentVersion', documentId: docId, kind: 'latency', latencyMs: 800, count: 1 });
  const running = s.run(ARGS);
  for (let i = 0; i < 400 && (s.emulator.control.counters().operations.GetDocumentVersion ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const known = allVersionMd5s(s);
  change(s, docId);
  const r = await running;
  s.emulator.control.clearFaults();
  expectTruthfulReport(r);
  await expectNoWrongBytes(s, PREFIX, known);
  await expectOutsideUntouched(s, PREFIX);
  return { s, r, docId };
}

describe('source changes between listing and transfer', () => {
  it('a new version: the listed version lands whole, the next run uploads the new one', async () => {
    const { s, r, docId } = await changeDuringRun('chg-version', ['A', 'a1.txt'],
      (x, id) => x.emulator.control.addVersion(id, { content: 'a1 v2' }),
      (x, id) => x.emulator.control.addVersion(id, { content: 'a1 v3, newer than the listing' }));
    expect(r.code).toBe(0);
    expect((await getObjectBytes(s.bucket.client, s.bucket.bucket, `${PREFIX}A/a1.txt`)).toString()).toBe('a1 v2');
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'upload').map((i) => `${i.key} ${i.reason}`)).toEqual([`${PREFIX}A/a1.txt changed`]);
    expect((await getObjectBytes(s.bucket.client, s.bucket.bucket, `${PREFIX}A/a1.txt`)).toString()).toBe('a1 v3, newer than the listing');
    void docId;
  });

  it('a rename: the upload goes to the listed name, the next run copies it to the new one and removes the old', async () => {
    const { s, r } = await changeDuringRun('chg-rename', ['B', 'b1.txt'],
      (x, id) => x.emulator.control.addVersion(id, { content: 'b1 v2' }),
      (x, id) => x.emulator.control.rename(id, 'b1-renamed.txt'));
    expect(r.code).toBe(0);
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action !== 'skip').map((i) => `${i.action} ${i.key}`).sort())
      .toEqual([`copy ${PREFIX}B/b1-renamed.txt`, `delete ${PREFIX}B/b1.txt`]);
    expect(rerun.workdocs.Content ?? 0).toBe(0);
  });

  it.each(['recycle', 'remove'] as const)('a delete (%s): the file fails or lands, the report says which, the next run removes it', async (mode) => {
    const { s, r } = await changeDuringRun(`chg-del-${mode}`, ['top.txt'],
      (x, id) => x.emulator.control.addVersion(id, { content: 'top v2' }),
      (x, id) => x.emulator.control.delete(id, mode));
    const item = r.report.items.find((i) => i.key === `${PREFIX}top.txt`)!;
    expect(item.action).toBe('upload');
    if (item.outcome === 'failed') {
      expect(r.code).toBe(1);
      expect(item.error).toMatch(/EntityNotExists|not exist|404|NotFound|Unauthorized|403/i);
    } else {
      expect(r.code).toBe(0);
    }
    const rerun = await expectConverges(s, PREFIX);
    expect(rerun.report.items.filter((i) => i.action === 'delete').map((i) => i.key)).toEqual([`${PREFIX}top.txt`]);
    expect(await listAllKeys(s.bucket.client, s.bucket.bucket, `${PREFIX}top.txt`)).toEqual([]);
  });
});
