// `npm run local-action`: runs the Action's own code under GitHub's @github/local-action (which stands in for the
// runner: inputs from a dotenv file, @actions/core stubbed) against the WorkDocs emulator's sample folder and the
// local S3 server. The dotenv file is .env.example with the values marked `<filled in>` filled in; it lands in
// demo-output/local-action/ with the log, the JSON report and the job summary. Exits with the Action's exit_code
// output, since local-action itself exits 0 whether or not the Action called setFailed.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../src/emulator/server.js';
import { createS3Client } from '../src/s3/client.js';
import { startS3Server, type S3Server } from '../test-support/s3-server.js';

const root = path.resolve(import.meta.dirname, '..');

/** `.env.example` with each `KEY=<filled in>` line given its value; a key it lacks is an error, not a silent gap. */
export function fillDotenv(template: string, values: Record<string, string>): string {
  const missing = new Set(Object.keys(values));
  const lines = template.split('\n').map((line) => {
    const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
    if (key === undefined || !(key in values)) return line;
    missing.delete(key);
    return `${key}=${JSON.stringify(values[key])}`;
  });
  if (missing.size > 0) throw new Error(`.env.example has no line for ${[...missing].join(', ')}`);
  const unfilled = lines.filter((line) => /^[A-Z0-9_]+=<filled in>/.test(line));
  if (unfilled.length > 0) throw new Error(`nothing fills in: ${unfilled.join('; ')}`);
  return lines.join('\n');
}

/** Where the Action under local-action reads WorkDocs and writes S3, and where its files go. */
export interface LocalActionTarget {
  s3: S3Server;
  workdocsEndpoint: string;
  folderId: string;
  bucket: string;
  /** A folder for the dotenv file, script.log, the JSON report and the job summary. */
  out: string;
}

/** Writes `<out>/.env` from .env.example for the target; returns its path. */
export function writeDotenv(target: LocalActionTarget): string {
  const { out } = target;
  const dotenv = path.join(out, '.env');
  const values = {
    LOCAL_ACTION_WORKSPACE: out,
    INPUT_WORKDOCS_FOLDER_ID: target.folderId,
    INPUT_S3_BUCKET_NAME: target.bucket,
    INPUT_LOG_FILE: path.join(out, 'script.log'),
    INPUT_REPORT_FILE: path.join(out, 'report.json'),
    AWS_ENDPOINT_URL_WORKDOCS: target.workdocsEndpoint,
    AWS_ENDPOINT_URL_S3: target.s3.endpoint,
    AWS_ACCESS_KEY_ID: target.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.s3.secretAccessKey,
    RUNNER_TEMP: out,
    GITHUB_STEP_SUMMARY: path.join(out, 'summary.md'),
  };
  writeFileSync(dotenv, fillDotenv(readFileSync(path.join(root, '.env.example'), 'utf8'), values));
  return dotenv;
}

/** The outputs the Action set, from local-action's `::set-output name=…::…` lines (ANSI colours removed). */
export function outputsIn(stdout: string): Record<string, string> {
  const plain = stdout.replace(/\u001b\[[0-9;]*m/g, '');
  return Object.fromEntries([...plain.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/**
 * `local-action run . src/action/main.ts <dotenv>` from the repository root; resolves with its stdout and stderr
 * (echoed as they come when `echo`). Rejects when local-action itself fails (not when the Action fails).
 */
export function runLocalAction(dotenv: string, options: { echo: boolean }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'local-action'), ['run', '.', 'src/action/main.ts', dotenv], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.echo) process.stdout.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (options.echo) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (status === 0) resolve({ stdout, stderr });
      else reject(new Error(`local-action ended with ${signal ?? `exit code ${status}`}:\n${stderr.slice(-4000)}`));
    });
  });
}

async function main(): Promise<number> {
  const bucket = 'workdocs-local-action';
  const out = path.join(root, 'demo-output', 'local-action');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  process.stdout.write('Starting the local S3 server (OpenStack Swift; installs Debian packages on first use)…\n');
  const s3 = startS3Server();
  const emulator = await startEmulator({ port: 0, fixture: 'sample' });
  const admin = createS3Client({ region: s3.region, endpoint: s3.endpoint, credentials: s3 });
  try {
    await admin.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: { name?: string }) => {
      if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
    });
    const dotenv = writeDotenv({ s3, workdocsEndpoint: emulator.endpoint, folderId: emulator.rootFolderId, bucket, out });
    process.stdout.write(`WorkDocs emulator: ${emulator.endpoint}, sample folder ${emulator.rootFolderId}; bucket ${bucket}\n`);
    process.stdout.write(`$ local-action run . src/action/main.ts ${path.relative(root, dotenv)}\n`);

    const { stdout } = await runLocalAction(dotenv, { echo: true });
    const code = Number(outputsIn(stdout).exit_code);
    if (!Number.isInteger(code)) {
      process.stderr.write('local-action: the Action set no exit_code output (see above)\n');
      return 1;
    }
    process.stdout.write(`\nThe Action's exit code: ${code}. Job summary, script.log and report.json: ${path.relative(root, out)}/\n`);
    process.stdout.write(`The local S3 server stays up at ${s3.endpoint}; stop it with: npm run s3-server -- stop\n`);
    return code;
  } finally {
    admin.destroy();
    await emulator.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await main();
}
