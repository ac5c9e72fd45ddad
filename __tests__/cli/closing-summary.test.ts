// The CLI's closing summary (issue 19): printed once, on stdout (the log file keeps a copy, stderr has only the
// run's log lines); its headline names the outcome, so a failed run never reads "Synced into"; a dry run counts
// the bytes it would upload, as the Action's summary does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/engine/report.js';
import { startScenario, type Scenario } from '../helpers/scenario.js';

describe('the CLI closing summary', () => {
  let scenario: Scenario;
  let totalBytes: number;

  beforeAll(async () => {
    scenario = await startScenario({ fixture: 'sample' }, 'cli-summary');
    totalBytes = scenario.emulator.control.manifest().reduce((sum, d) => sum + d.size, 0);
  });
  afterAll(async () => {
    await scenario?.close();
  });

  it('a dry run counts what it would upload, bytes included', async () => {
    const r = await scenario.run(['--dry_run', '--s3_prefix', 'dry/']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'Dry run: nothing was written or deleted.',
      '  would upload 25, copy 0, create 1 folder markers, delete 0, archive 0; unchanged 0',
      expect.stringMatching(new RegExp(`^  ${formatBytes(totalBytes).replace('.', '\\.')} to upload; planned in `)),
    ]);
    expect(totalBytes).toBeGreaterThan(0);
  });

  it('a sync prints it once, on stdout; stderr has the log lines only; the log file keeps a copy', async () => {
    const r = await scenario.run(['--s3_prefix', 'once/']);
    expect(r.code).toBe(0);
    const headline = `Synced into s3://${scenario.bucket.bucket}/once/`;
    expect(r.stdout.split('\n')[0]).toBe(headline);
    expect(r.stdout.split(headline)).toHaveLength(2);
    expect(r.stderr).not.toContain(headline);
    expect(r.stderr).not.toContain('uploaded 25, copied 0');
    expect(r.log).toContain(headline);
    expect(r.log.split('uploaded 25, copied 0')).toHaveLength(2);
  });

  it('a missing bucket is headlined as bad input, not "Synced into"', async () => {
    const r = await scenario.run(['--s3_bucket_name', 'no-such-bucket-cli-summary', '--s3_prefix', 'missing/']);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n')).toEqual([
      'Bad input: nothing was touched',
      '  bad input: s3_bucket_name: bucket no-such-bucket-cli-summary does not exist',
      '  exit code 2',
      '',
    ]);
    expect(r.stdout + r.stderr).not.toContain('Synced into');
    expect(r.report).toMatchObject({ rootFolderId: scenario.emulator.rootFolderId, manifestKey: '' });
  });
});
