/**
 * Runs the real CLI: in-process through main() (like the scenario tests), or as a child process that the
 * simulator kills with SIGKILL. S3 goes through the fault proxy, which also records every request the run made.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import type { SyncReport } from '../../src/engine/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { FaultProxy, ProxyRequestInfo } from '../fault-proxy.js';
import type { S3Server } from '../s3-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');

export interface RunTarget {
  readonly emulator: Emulator;
  readonly proxy: FaultProxy;
  readonly s3: S3Server;
  readonly bucket: string;
  /** Where logs and reports go. */
  readonly dir: string;
  /** A site history's source (workdocs_organization_id); else the emulator's root folder. */
  readonly organizationId?: string | undefined;
}

export interface RunOutcome {
  readonly code: number;
  readonly report: SyncReport | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Every S3 request the run sent, as the proxy saw it. */
  readonly requests: readonly ProxyRequestInfo[];
  /** The run's log file (what the report does not say: how an incremental run listed). */
  readonly logFile: string;
}

/** An S3 request that changes the bucket (everything but GET and HEAD). */
export function isWrite(request: ProxyRequestInfo): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD';
}

let runSeq = 0;

/** The flags every run gets; `folderId` replaces the history's source (the CLI refuses a flag given twice). */
function baseArgs(target: RunTarget, logFile: string, folderId?: string): string[] {
  const source = folderId === undefined && target.organizationId !== undefined
    ? ['--workdocs_organization_id', target.organizationId]
    : ['--workdocs_folder_id', folderId ?? target.emulator.rootFolderId];
  return [
    ...source,
    '--s3_bucket_name', target.bucket,
    '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', target.emulator.endpoint,
    '--s3_endpoint_url', target.proxy.endpoint,
    '--log_file', logFile,
  ];
}

/** One run of main() in this process, with `args` after the flags every run gets; `folderId` replaces the source. */
export async function runInProcess(target: RunTarget, args: readonly string[], folderId?: string): Promise<RunOutcome> {
  const n = ++runSeq;
  const reportFile = path.join(target.dir, `run${n}.json`);
  let stdout = '';
  let stderr = '';
  let report: SyncReport | undefined;
  target.proxy.reset();
  const logFile = path.join(target.dir, `run${n}.log`);
  const code = await main([...baseArgs(target, logFile, folderId), '--report_file', reportFile, ...args], {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    cwd: target.dir,
    createEnv: (options, deps) => createSyncEnv(options, {
      ...deps,
      s3Credentials: { accessKeyId: target.s3.accessKeyId, secretAccessKey: target.s3.secretAccessKey },
      workdocsCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
    }),
    onReport: (r) => { report = r; },
  });
  if (report === undefined && existsSync(reportFile)) report = JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport;
  return { code, report, stdout, stderr, requests: target.proxy.requests(), logFile };
}

export interface KilledRun {
  /** 'killed' when SIGKILL ended it, else the exit code it reached first. */
  readonly ended: 'killed' | number;
  readonly writesBeforeKill: number;
}

/**
 * Starts the CLI as a child process and kills it with SIGKILL once it has sent `killAfterWrites` S3 writes (or
 * after `maxWaitMs`, or never if it exits first).
 */
export async function runAndKill(target: RunTarget, args: readonly string[], killAfterWrites: number, maxWaitMs = 30_000): Promise<KilledRun> {
  const n = ++runSeq;
  target.proxy.reset();
  const child = spawn(NODE, ['--import', 'tsx', 'src/cli/index.ts', ...baseArgs(target, path.join(target.dir, `run${n}-child.log`)), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: target.s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.s3.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  // A set, not a counter: the proxy may ask the predicate more than once about one request.
  const writes = new Set<number>();
  const enoughWrites = target.proxy.waitFor((q) => isWrite(q) && writes.add(q.seq).size >= killAfterWrites, maxWaitMs).then(() => 'kill' as const, () => 'kill' as const);
  const first = await Promise.race([enoughWrites, exited]);
  if (first !== 'kill') return { ended: first, writesBeforeKill: target.proxy.requests().filter(isWrite).length };
  child.kill('SIGKILL');
  const code = await exited;
  return { ended: child.signalCode === 'SIGKILL' ? 'killed' : code, writesBeforeKill: target.proxy.requests().filter(isWrite).length };
}
