// No credential, session token, OIDC token or presigned URL in anything a run produces: a fault matrix runs with
// recognisable secrets and every byte of stdout, stderr, the log file and the JSON report is scanned.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { describeError, redact } from '../../src/errors.js';
import { startFaultProxy, type FaultProxy, type ProxyRule } from '../../test-support/fault-proxy.js';
import type { FaultRule } from '../../src/emulator/server.js';
import { startScenario, type Scenario } from '../helpers/scenario.js';
import { FAULT_SIZES, faultTree } from './harness.js';

const WORKDOCS = { accessKeyId: 'ASIAWDSYNCLEAKTEST01', secretAccessKey: 'wdSecret/DoNotLeak+9f8e7d6c5b4a3210zzzz', sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDsessionTOKENdoNotLeak' };
const OIDC = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJyZXBvOm93bmVyL3JlcG8iLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9.c2lnbmF0dXJlLWRvLW5vdC1sZWFr';

let scn: Scenario;
let proxy: FaultProxy;
const produced: { name: string; text: string }[] = [];

beforeAll(async () => {
  scn = await startScenario({ fixture: faultTree('secrets'), credentials: { accessKeyId: WORKDOCS.accessKeyId, secretAccessKey: WORKDOCS.secretAccessKey } }, 'secrets');
  proxy = await startFaultProxy({ upstream: inject('s3').endpoint });
  // An OIDC token in the environment, as GitHub Actions provides one: it must never be echoed.
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = OIDC;
});
afterAll(async () => {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  await proxy?.close();
  await scn?.close();
});

let runs = 0;
async function run(name: string, args: string[], wd: FaultRule[] = [], s3: ProxyRule[] = []): Promise<number> {
  const s3info = inject('s3');
  const n = ++runs;
  const logFile = path.join(scn.dir, `secrets${n}.log`);
  const reportFile = path.join(scn.dir, `secrets${n}.json`);
  scn.emulator.control.setFaults(wd, n);
  for (const rule of s3) proxy.addRule(rule);
  let out = '';
  let err = '';
  const base = ['--workdocs_folder_id', scn.emulator.rootFolderId, '--s3_bucket_name', scn.bucket.bucket, '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', scn.emulator.endpoint, '--s3_endpoint_url', proxy.endpoint, '--s3_prefix', 'mirror', ...FAULT_SIZES,
    '--log_file', logFile, '--report_file', reportFile, '--log_level', 'debug'];
  const code = await main([...base.filter((a, i) => !(args.includes(a) && a.startsWith('--')) && !(i > 0 && args.includes(base[i - 1]!) && base[i - 1]!.startsWith('--'))), ...args], {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    cwd: scn.dir,
    createEnv: (options, deps) => createSyncEnv(options, { ...deps, workdocsCredentials: WORKDOCS, s3Credentials: { accessKeyId: s3info.accessKeyId, secretAccessKey: s3info.secretAccessKey } }),
  });
  scn.emulator.control.clearFaults();
  proxy.clearRules();
  produced.push({ name, text: [out, err, existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : ''].join('\n') });
  return code;
}

function id(...p: string[]): string {
  return scn.emulator.control.lookup(p)!;
}

describe('secrets never reach any output', () => {
  it('runs the fault matrix with recognisable credentials', async () => {
    await run('first sync with expired URLs, resets and 500s', [], [
      { op: 'GetDocumentVersion', kind: 'shortTtl', ttlSeconds: 0, count: 4 },
      { op: 'Content', kind: 'reset', count: 3, afterBytes: 100 },
      { op: 'Content', kind: 'error', status: 403, count: 2 },
      { op: 'DescribeFolderContents', kind: 'error', status: 500, count: 2 },
    ], [{ kind: 'error', status: 503, operation: 'PutObject', count: 3 }, { kind: 'reset', operation: 'PutObject', count: 2, afterBytes: 10 }]);
    await run('corrupt content, every attempt', [], [{ op: 'Content', documentId: id('A', 'a2.bin'), kind: 'corrupt' }]);
    await run('throttling and 424', [], [{ op: 'GetDocumentVersion', kind: 'throttle', count: 2 }, { op: 'GetDocumentVersion', kind: 'error', status: 424, count: 2 }]);
    scn.emulator.control.delete(id('B', 'b1.txt'));
    await run('access denied on delete', [], [], [{ kind: 'error', status: 403, code: 'AccessDenied', operation: 'DeleteObjects' }]);
    await run('outage on delete', [], [], [{ kind: 'reset', operation: 'DeleteObjects' }]);
    await run('listing failure', [], [{ op: 'DescribeFolderContents', documentId: id('A'), kind: 'error', status: 500 }]);
    await run('a folder that does not exist', ['--workdocs_folder_id', 'f'.repeat(64)]);
    await run('a bucket that does not exist', ['--s3_bucket_name', 'no-such-bucket-secrets']);
    await run('auth failure at WorkDocs', [], [{ op: 'GetFolder', kind: 'error', status: 403, errorType: 'UnauthorizedOperationException', message: `Denied for ${WORKDOCS.accessKeyId}` }]);
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'mirror/.workdocs-s3-sync/lock.json', Body: JSON.stringify({ format: 'workdocs-s3-sync/lock', owner: 'x'.repeat(16), host: 'h', pid: 1, startedAt: '', expiresAt: Date.now() + 60_000 }) }));
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'new.txt', content: 'n' });
    await run('lock held elsewhere', []);
    await scn.bucket.client.send(new PutObjectCommand({ Bucket: scn.bucket.bucket, Key: 'mirror/.workdocs-s3-sync/lock.json', Body: '{}' }));
    await run('clean run', []);
    expect(produced.length).toBe(11);
    expect(scn.emulator.control.counters().authFailures).toBe(0);
  });

  it('no output holds a secret, a token, a signature or a presigned URL', () => {
    const s3 = inject('s3');
    const forbidden: [string, RegExp][] = [
      ['WorkDocs secret key', new RegExp(WORKDOCS.secretAccessKey.replace(/[+/]/g, '\\$&'))],
      ['WorkDocs access key id', new RegExp(WORKDOCS.accessKeyId)],
      ['session token', /sessionTOKENdoNotLeak|IQoJb3JpZ2lu/],
      ['OIDC token', /eyJhbGciOi|c2lnbmF0dXJlLWRvLW5vdC1sZWFr/],
      ['S3 secret key as a value', new RegExp(`[=:"' ]${s3.secretAccessKey}\\b`)],
      ['presigned content URL', /_content\/[^\s"]*\?/],
      ['URL signature', /X-Emu-Signature=[0-9a-f]|X-Amz-Signature=[0-9a-f]|Signature=[0-9a-f]{16}/i],
      ['SigV4 credential scope', /Credential=[A-Za-z0-9]/],
      ['Authorization header', /AWS4-HMAC-SHA256 Credential/],
    ];
    const leaks: string[] = [];
    for (const { name, text } of produced) {
      expect(text.length, name).toBeGreaterThan(0);
      for (const [what, pattern] of forbidden) if (pattern.test(text)) leaks.push(`${name}: ${what}: …${text.slice(Math.max(0, text.search(pattern) - 80), text.search(pattern) + 80)}…`);
    }
    expect(leaks).toEqual([]);
    // The matrix did produce the messages the scan is about.
    const all = produced.map((p) => p.text).join('\n');
    expect(all).toMatch(/AccessDenied/);
    expect(all).toMatch(/HTTP 403|expired|retry/);
  });

  it('redact() and describeError() strip every form a secret takes in an error', () => {
    const url = 'https://workdocs-content.s3.amazonaws.com/doc/v1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAWDSYNCLEAKTEST01%2F20240101&X-Amz-Security-Token=abc&X-Amz-Signature=0123456789abcdef';
    const cases = [
      `GET ${url} failed`,
      `"${url}"`,
      `credentials: aws_secret_access_key=${WORKDOCS.secretAccessKey}`,
      `{"secretAccessKey":"${WORKDOCS.secretAccessKey}","sessionToken":"${WORKDOCS.sessionToken}"}`,
      `Authorization: AWS4-HMAC-SHA256 Credential=${WORKDOCS.accessKeyId}/x, Signature=abcdef0123`,
      `token ${OIDC}`,
      `x-amz-security-token: ${WORKDOCS.sessionToken}`,
    ];
    for (const text of cases) {
      const clean = redact(text);
      expect(clean, text).not.toMatch(/X-Amz-Signature=0|X-Amz-Credential=ASIA|DoNotLeak|doNotLeak|eyJhbGciOi|ASIAWDSYNCLEAKTEST01/);
      expect(describeError(new Error(text))).toBe(clean.replace(/\s+/g, ' ').trim());
    }
  });
});
