// The shipped binaries, spawned as a user would run them: the emulator prints its JSON line, the CLI finds both
// endpoints through the standard AWS_ENDPOINT_URL_* variables, syncs, and exits with a meaningful code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestBucket, listAllKeys, type TestBucket } from '../helpers/s3.js';

const root = path.resolve(import.meta.dirname, '../..');
const node = process.execPath; // Node 24 (npm scripts put the node package's binary first on PATH)
const cli = path.join(root, 'dist/cli/index.js');
const emulatorBin = path.join(root, 'dist/emulator/index.js');

describe('the workdocs-emulator and workdocs-s3-sync binaries', () => {
  let emulator: ChildProcess;
  let info: { endpoint: string; rootFolderId: string };
  let bucket: TestBucket;
  const dir = mkdtempSync(path.join(tmpdir(), 'wds-bin-'));

  beforeAll(async () => {
    emulator = spawn(node, [emulatorBin, '--port', '0', '--fixture', 'sample'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: emulator.stdout! }).once('line', resolve);
      emulator.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    info = JSON.parse(firstLine) as typeof info;
    bucket = await createTestBucket('bin');
  });
  afterAll(async () => {
    emulator?.kill('SIGTERM');
    await bucket?.cleanup();
  });

  function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const s3 = inject('s3');
    const result = spawnSync(node, [cli, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_WORKDOCS: info.endpoint,
      },
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('the emulator announces its endpoint and root folder as JSON on its first line', () => {
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.rootFolderId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('syncs with only the original three flags, writes script.log and exits 0', () => {
    const r = runCli(['--workdocs_folder_id', info.rootFolderId, '--s3_bucket_name', bucket.bucket, '--region_name', 'us-east-1']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/uploaded 25, copied 0, skipped 0, deleted 0, archived 0, folder markers 1, failed 0/);
    expect(existsSync(path.join(dir, 'script.log'))).toBe(true);
    expect(readFileSync(path.join(dir, 'script.log'), 'utf8')).toMatch(/INFO upload done "Welcome.md"/);
  });

  it('a second run skips everything', async () => {
    const r = runCli(['--workdocs_folder_id', info.rootFolderId, '--s3_bucket_name', bucket.bucket, '--region_name', 'us-east-1', '--log_file', '']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/uploaded 0, copied 0, skipped 25/);
    const keys = await listAllKeys(bucket.client, bucket.bucket);
    // 25 documents, the one empty folder's marker, the manifest; and the metadata index (`metadata: index`, the default).
    expect(keys.filter((k) => !k.startsWith('.workdocs-s3-sync/index/')).length).toBe(25 + 1 + 1);
    expect(keys.filter((k) => k.startsWith('.workdocs-s3-sync/index/')).sort()).toEqual([
      'comments.csv', 'documents.csv', 'folders.csv', 'index.jsonl', 'permissions.csv', 'records.jsonl.gz', 'state.jsonl.gz',
    ].map((name) => `.workdocs-s3-sync/index/${name}`));
  });

  it('bad usage exits 2, --help and --version exit 0', () => {
    expect(runCli(['--max_workers', 'x']).status).toBe(2);
    expect(runCli(['--help']).stdout).toMatch(/Exit codes:/);
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help of the emulator works', () => {
    const r = spawnSync(node, [emulatorBin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/workdocs-emulator/);
  });
});
