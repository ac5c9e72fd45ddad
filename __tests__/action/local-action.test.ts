// `npm run local-action`'s way of running the Action: GitHub's @github/local-action runs src/action/main.ts with
// the inputs of a dotenv file made from .env.example, against the WorkDocs emulator over HTTP and the real S3
// server. What a user trying the Action on their machine sees: it mirrors, sets its outputs, writes the job
// summary and script.log, converges, and never prints the secret key.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { fillDotenv, outputsIn, runLocalAction, writeDotenv } from '../../scripts/local-action.js';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';

const root = path.resolve(import.meta.dirname, '../..');
const DOCUMENTS = 25; // the sample fixture's visible documents
const PREFIX = 'local-action/'; // INPUT_S3_PREFIX in .env.example

describe('fillDotenv', () => {
  const template = '# a comment with <filled in>\nA=<filled in>\nB=kept\nC=<filled in>\n';

  it('fills each KEY=<filled in> line, quoted, and keeps the rest', () => {
    expect(fillDotenv(template, { A: 'x y', C: '/tmp/c' })).toBe('# a comment with <filled in>\nA="x y"\nB=kept\nC="/tmp/c"\n');
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a value the template has no line for', { A: 'a', C: 'c', D: 'd' }, /no line for D/],
    ['a line left unfilled', { A: 'a' }, /nothing fills in: C=<filled in>/],
  ])('refuses %s', (_, values, expected) => {
    expect(() => fillDotenv(template, values)).toThrow(expected);
  });

  it('fills every placeholder of the real .env.example', () => {
    const out = '/tmp/out';
    const s3 = { endpoint: 'http://127.0.0.1:1', accessKeyId: 'AKID', secretAccessKey: 'SECRET', region: 'us-east-1' };
    const dotenv = fillDotenv(readFileSync(path.join(root, '.env.example'), 'utf8'), {
      LOCAL_ACTION_WORKSPACE: out, INPUT_WORKDOCS_FOLDER_ID: 'f', INPUT_S3_BUCKET_NAME: 'b', INPUT_LOG_FILE: 'l',
      INPUT_REPORT_FILE: 'r', AWS_ENDPOINT_URL_WORKDOCS: 'w', AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, RUNNER_TEMP: out, GITHUB_STEP_SUMMARY: 's',
    });
    expect(dotenv).not.toMatch(/^[A-Z0-9_]+=<filled in>/m);
  });
});

describe('the Action under @github/local-action', () => {
  let emulator: Emulator;
  let bucket: TestBucket;
  let out: string;
  let dotenv: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, fixture: 'sample' });
    bucket = await createTestBucket('local-action');
    out = mkdtempSync(path.join(root, 'tmp', 'local-action-'));
    dotenv = writeDotenv({ s3: inject('s3'), workdocsEndpoint: emulator.endpoint, folderId: emulator.rootFolderId, bucket: bucket.bucket, out });
  });
  afterAll(async () => {
    await emulator?.close();
    await bucket?.cleanup();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('mirrors the sample folder, sets its outputs, writes the summary and script.log', async () => {
    const { stdout, stderr } = await runLocalAction(dotenv, { echo: false });
    const outputs = outputsIn(stdout);

    expect(outputs).toMatchObject({ exit_code: '0', changed: 'true', uploaded: String(DOCUMENTS), failed: '0' });
    const keys = await listAllKeys(bucket.client, bucket.bucket, PREFIX);
    expect(keys).toContain(`${PREFIX}Welcome.md`);
    expect(keys).toContain(`${PREFIX}.workdocs-s3-sync/manifest.json`);
    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('✅');
    expect(summary).toContain(`s3://${bucket.bucket}/${PREFIX}`);
    expect(readFileSync(path.join(out, 'script.log'), 'utf8')).toMatch(/^----- .* workdocs-s3-sync .*: a new run -----$/m);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'))).toBeTypeOf('object');
    expect(`${stdout}${stderr}`).not.toContain(inject('s3').secretAccessKey);
  });

  it('finds nothing to do on the second run', async () => {
    const outputs = outputsIn((await runLocalAction(dotenv, { echo: false })).stdout);
    expect(outputs).toMatchObject({ exit_code: '0', changed: 'false', uploaded: '0', skipped: String(DOCUMENTS), failed: '0' });
  });
});
