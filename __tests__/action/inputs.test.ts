import { describe, expect, it } from 'vitest';
import { formatInputErrors, parseInputs, readRawInputs } from '../../src/action/inputs.js';
import { OPTION_SPECS } from '../../src/options.js';

const required = { workdocs_folder_id: 'abc123', s3_bucket_name: 'my-bucket', region_name: 'us-west-2' };
const read = (inputs: Record<string, string>) => parseInputs(readRawInputs((name) => inputs[name] ?? ''));

describe('Action inputs', () => {
  it('reads every input of OPTION_SPECS by its snake_case name', () => {
    const asked: string[] = [];
    readRawInputs((name) => { asked.push(name); return ''; });
    expect(asked).toEqual(OPTION_SPECS.map((s) => s.name));
  });

  it('gives the defaults of OPTION_SPECS for every input read as empty, except log_file, which empty turns off', () => {
    const parsed = read(required);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.sync).toMatchObject({ workdocsFolderId: 'abc123', s3BucketName: 'my-bucket', regionName: 'us-west-2', maxWorkers: 14, maxPoolConnections: 28, deleteStale: true, logFile: '', reportFile: '' });
    const unset = parseInputs({ ...readRawInputs((name) => required[name as keyof typeof required] ?? ''), log_file: undefined });
    expect(unset.ok && unset.value.sync.logFile).toBe('script.log');
    expect(parsed.value.action).toEqual({ roleToAssume: '', roleSessionName: 'workdocs-s3-sync', roleDurationSeconds: 3600, audience: 'sts.amazonaws.com', workdocsRoleToAssume: '', tolerateFailures: false });
  });

  it('names every bad input, sync and Action ones alike, in the order of the inputs', () => {
    const parsed = read({ ...required, s3_bucket_name: 'My_Bucket', max_workers: '0', role_to_assume: 'not-an-arn', dry_run: 'maybe', region_name: '' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const text = formatInputErrors(parsed.errors);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^Input 's3_bucket_name': /),
      "Input 'region_name': is required",
      'Input \'max_workers\': must be a whole number from 1 to 512, got "0"',
      'Input \'dry_run\': must be true or false, got "maybe"',
      "Input 'role_to_assume': must be an IAM role ARN such as arn:aws:iam::123456789012:role/name",
    ]);
  });

  it('accepts the original five inputs alone', () => {
    expect(read({ ...required, max_pool_connections: '32', max_workers: '16' }).ok).toBe(true);
  });
});
